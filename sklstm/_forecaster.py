"""``LSTMForecaster``: a recurrent one-step model used recursively, as an estimator."""

import copy
from numbers import Integral, Real

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, RegressorMixin, _fit_context
from sklearn.utils._param_validation import (
    HasMethods,
    Interval,
    StrOptions,
)
from sklearn.utils.validation import check_is_fitted

from ._fitting import fit_forecaster
from ._forecasting import (
    calibration_of,
    forecast_panel,
    forecast_series,
    forecast_values,
    r2,
    rows_of,
    score_steps,
    shape_like_predict,
    validated_rows,
)
from ._gaps import FORECAST_OPTIONS, check_option, check_time_steps
from ._intervals import check_levels
from ._long import forecast_long, is_long
from ._persistence import save_model
from ._training import _OPTIMIZERS
from ._validation import validate_input


class LSTMForecaster(RegressorMixin, BaseEstimator):
    """Recurrent (LSTM or GRU) forecaster with built-in windowing and scaling.

    Each row of ``X`` is one forecast origin: the recent history of a series,
    oldest value first, optionally followed by covariates known in advance.
    ``y`` holds the value that follows it, or the next ``h`` values. An
    ensemble of networks reads the last ``window`` values and predicts the
    next one; longer horizons are predicted recursively by feeding each
    prediction (the networks' mean) back. Values are scaled by a transformer
    fitted on the training data only and unscaled on output. With
    ``intervals=True``, prediction intervals and quantiles are calibrated on
    out-of-sample errors of the model's own multi-step forecasts.

    Read more in the :ref:`User Guide <user_guide>`.

    Parameters
    ----------
    window : int, default=None
        Number of most recent steps the network reads to predict the next one.
        ``None`` uses the whole row. When ``window`` is shorter than a row,
        every ``(window -> next value)`` pair inside each row followed by its
        targets is a training pair, so one long row can train a model.

    horizon : int, default=None
        Number of steps ``predict`` returns. ``None``: as many as ``y`` had
        columns in ``fit``. Steps past the first are predicted recursively.
        The network is trained on one-step pairs whatever ``horizon`` is, so
        a 1-D ``y`` (one-step targets) goes with any ``horizon``; with
        targets of ``h > 1`` steps, ``horizon`` must be ``None`` or ``h``,
        else ``fit`` raises a ``ValueError``. Scorers such as
        ``"neg_mean_absolute_error"`` compare the columns of ``predict`` with
        those of ``y``, so the rows they score need targets of ``horizon_``
        steps; :meth:`score` likewise needs targets of ``horizon_`` steps and
        raises a ``ValueError`` for any other number.

    scaler : {"auto", "minmax", "standard", "row"}, transformer or None, \
            default="auto"
        Transform of the values, fitted on the training values only (rows and
        targets together, as one column) and inverted on output. ``"minmax"``
        is ``MinMaxScaler(feature_range=(-1, 1))``, ``"standard"`` is
        ``StandardScaler()``. ``"row"`` scales each row, and its targets, by
        the row's own history (a MinMax to (-1, 1) per row), so that series
        of any magnitude share one network: the choice for rows of many
        series; every network then also scales its windows. ``"auto"`` is
        ``"row"`` for the rows of a panel (a DataFrame with the ``(time,
        series)`` index that :func:`make_windows` gives a wide DataFrame)
        and ``"minmax"`` for anything else, arrays included; pass ``"row"``
        for rows of many series that you stacked yourself (``fit`` warns
        when rows without that index look like several series). A
        transformer or ``Pipeline`` is cloned, never changed; its
        ``inverse_transform`` must undo its ``transform`` on the training
        values, else ``fit`` raises a ``ValueError``. ``None`` leaves the
        values as they are. The built-in scalers, and a ``MinMaxScaler``,
        ``StandardScaler``, ``MaxAbsScaler`` or ``RobustScaler`` passed in,
        are preceded by a division by the largest magnitude of the training
        values, so that they work on data of any magnitude (1e-300 as well
        as 1e300) and any relative range.

    relative : bool, default=True
        Per-window normalisation: express each input window relative to its
        own last value and predict the change from it. This lets the model
        follow a trend beyond the range seen in training.

    window_scaling : "alternate" or bool, default="alternate"
        Whether a network also divides each (relative) window by the window's
        own half-range, predicts in that unit and is trained on errors in it.
        Networks that scale windows see every stretch of the series at the
        same amplitude and adapt to changes of level and season size; the
        others see the amplitude in the scaler's units, which suits series
        with stable dynamics. The two make different errors, and their mean forecast
        beats each kind alone on the benchmark: ``"alternate"`` makes the
        networks ``0, 2, 4, ...`` scale their windows and ``1, 3, ...`` not.
        ``True`` or ``False`` applies to every network. With
        ``scaler="row"`` every network scales its windows.

    linear_skip : bool, default=True
        Add a linear map of the input window (relative to its last value when
        ``relative``) and of the covariates to the network's output: LSTNet's
        autoregressive "highway". It starts as a ridge regression on the
        training pairs, its penalty chosen by generalised cross-validation on
        them, and the output head starts at zero, so training starts from the
        best linear model; the window's part is then learned together with
        the recurrent core, the covariates' part keeps its ridge fit. It
        carries the linear part of the dynamics, such as trend and seasonal
        lags within the window, so that the recurrent core only learns what
        is left; forecasts become far less dependent on the seed. ``False``
        gives the plain recurrent network.

    cell : {"lstm", "gru"}, default="lstm"
        The recurrent core: ``torch.nn.LSTM`` or ``torch.nn.GRU``.

    hidden_size : int, default=32
        Number of features in the recurrent hidden state.

    num_layers : int, default=1
        Number of stacked recurrent layers.

    dropout : float, default=0.0
        Dropout probability between stacked layers and before the output head.

    n_estimators : int, default=2
        Number of networks in the ensemble, each trained from its own
        initialisation and with its own shuffles. On a CPU they train in
        parallel threads, one network per thread, as many at once as the
        cores the process may use and ``torch.get_num_threads()`` allow;
        with one thread allowed (as inside joblib's or Dask's workers), in
        a ``fit`` called from a thread other than the main one, with
        ``dropout`` or ``verbose``, together in one pass over the batches.
        Either way each ends with the weights that training it alone would
        give (without ``dropout``, whose masks they then draw from one
        stream). Their forecast is one recursive model: at every step the
        networks' mean is fed back.

    max_epochs : int, default=50
        Maximum number of passes over the training pairs. The defaults of
        the training parameters were chosen on a benchmark of many series
        for accuracy over seeds and speed together (``benchmarks/README.md``).

    max_steps : int or None, default=5000
        Maximum number of optimizer steps, whatever ``max_epochs`` allows:
        the budget of large inputs (long series, many series), which learn
        enough from fewer passes. ``None``: no limit. The learning rate
        decays along a cosine from ``learning_rate`` to a tenth of it over
        the planned steps (the smaller of ``max_epochs`` passes and
        ``max_steps``).

    batch_size : int, default=32
        Number of training pairs per optimisation step.

    learning_rate : float, default=0.008
        Initial step size of the optimizer (see ``max_steps`` for its decay).

    optimizer : {"adam", "adamw", "rmsprop", "sgd"}, default="adam"
        The ``torch.optim`` optimizer.

    weight_decay : float, default=0.0
        L2 penalty passed to the optimizer.

    early_stopping : bool, default=False
        Whether to hold out the last ``validation_fraction`` of the rows (the
        most recent origins, in the order given; never a random split) and
        stop each network when its loss on them stops improving. The best
        weights are restored. Without it, training runs its whole budget
        (``max_epochs``, ``max_steps``), while the learning rate decays, and
        each network keeps the weights of its epoch with the lowest training
        loss. (The training loss stops nothing, unlike ``MLPRegressor``'s
        ``tol``: on the benchmark, stopping on it ended training too early.)

    validation_fraction : float, default=0.1
        Fraction of rows held out for early stopping.

    n_iter_no_change : int, default=10
        With ``early_stopping``, number of epochs without an improvement of
        more than ``tol`` in a network's validation loss before it stops.

    tol : float, default=0.0
        With ``early_stopping``, minimum decrease of the validation loss
        (mean squared error in the scaler's units) that counts as an
        improvement.

    intervals : bool, default=False
        Whether ``fit`` also calibrates prediction intervals and quantiles
        (:meth:`predict_interval`, :meth:`predict_quantiles`, ``forecast(...,
        coverage=...)``). A second ensemble, trained like the first but
        without the most recent ``calibration_fraction`` of the rows,
        forecasts ``horizon_`` steps from each of those held-out origins; the
        errors of those out-of-sample forecasts, step by step, give the
        width at each step. It costs one more training run. The rows must
        continue one another (as :func:`make_windows` cuts them) or carry
        targets of the whole horizon, so that what followed each held-out
        origin is known.

    calibration_fraction : float, default=0.2
        Fraction of the rows (the most recent origins) held out to calibrate
        the intervals; at least two horizons of each series' most recent
        origins (``2 * horizon_`` rows of one series), and at most half.

    fallback : bool, default=True
        Whether ``fit`` may replace the network by a simple forecast (naive,
        drift through the window's ends, and seasonal naive when
        ``season_length`` is given) that forecast the most recent origins
        better. A second ensemble, trained without those origins (the one
        that calibrates the intervals, so it costs no more with
        ``intervals=True``), forecasts ``horizon_`` steps from each; the
        method with the lowest mean absolute error, each origin's errors
        scaled by the mean absolute step of its window, forecasts from then
        on (``method_``). A network fitted to a few pairs can extrapolate
        wildly; this keeps its forecasts near a simple one's when the data
        cannot support more. Skipped (the network forecasts) when the rows
        are too few to hold origins out or do not continue one another.

    season_length : int, default=None
        Number of steps in a season (12 for monthly data with a yearly
        cycle, 4 for quarterly, statsforecast's name). It adds seasonal
        naive to the fallback's candidates, and with ``window=None`` sets the
        window to ``max(2 * season_length, 8)`` steps (at most the rows'
        length). ``None``: no season is assumed.

    warm_start : bool, default=False
        When ``True``, ``fit`` continues from the fitted weights and keeps the
        fitted scaler; otherwise every ``fit`` starts from fresh weights drawn
        from ``random_state``. Continuing keeps the calibrated intervals of
        the first fit.

    device : {"cpu", "cuda", "auto"}, default="cpu"
        Where to train. ``"auto"`` picks a GPU when torch sees one. A model
        fitted on a GPU pickles and loads on a CPU-only machine.

    random_state : int, RandomState instance or None, default=None
        Seeds the networks' initialisation, shuffling and dropout. With an
        int, two fits on the same data give identical predictions. The
        global torch random state is left untouched.

    verbose : int, default=0
        ``0`` is silent; ``1`` shows a progress bar over epochs with the
        training and validation loss.

    Attributes
    ----------
    n_features_in_ : int
        Number of columns of ``X`` seen during ``fit``.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Column names of ``X``, when it was a DataFrame with string columns.
        Names made by :func:`make_windows` with covariates tell the model
        which columns hold the target's history and which the covariates.

    window_ : int
        Number of steps the network reads.

    horizon_ : int
        Number of steps ``predict`` returns.

    method_ : str
        What forecasts: ``"network"``, or the simple forecast that replaced
        it (``"naive"``, ``"seasonal_naive"`` or ``"drift"``, see
        ``fallback``).

    season_length_ : int or None
        The season of the fallback's seasonal naive: ``season_length``, else
        half the window when the rows are one-step windows of a series that
        passes the classical seasonality test at that lag (the recipe
        ``window = 2 * season`` then finds the season itself), else ``None``.

    heldout_scores_ : dict or None
        The held-out error of every candidate the fallback compared (mean
        absolute error scaled per origin; lower is better), or ``None`` when
        it compared none.

    n_outputs_ : int
        Number of target columns seen during ``fit``.

    scaler_ : transformer
        The fitted value transform, from data units to the network's. For
        the built-in ``"minmax"`` and ``"standard"`` a ``Pipeline`` of the
        division by the largest magnitude and the scaler, which is
        ``scaler_[-1]``.

    covariates_ : list of str
        Names of the covariates the rows carried, when they carried any.

    covariate_scaler_ : MinMaxScaler
        Each covariate's scaling to (-1, 1), fitted on the training rows,
        when the rows carried covariates.

    module_ : torch.nn.Module
        The fitted ensemble; ``module_.members`` holds its networks, each
        mapping windows ``(batch, window)`` to the next value ``(batch,)``
        in scaled units.

    loss_curve_ : list of float
        Training loss of each epoch (the mean over the networks still
        training, in their units).

    n_iter_ : int
        Number of epochs run.

    validation_scores_ : list of float or None
        With ``early_stopping``, after each epoch the R² of one-step
        predictions on the validation pairs (scaled units; the mean over
        the networks still training); else ``None``.

    best_validation_score_ : float or None
        With ``early_stopping``, the score of the weights kept: with one
        network the best of ``validation_scores_``, with several the mean of
        each network's best score; else ``None``.

    See Also
    --------
    make_windows : Cut series into ``(X, y)`` forecast origins.

    Notes
    -----
    ``X`` is the target's own past, one forecast origin per row, not
    exogenous variables as ``X`` is in sktime or statsforecast; covariates
    known in advance are extra columns of the same rows (:func:`make_windows`
    with ``covariates=``). The training parameters follow PyTorch's names
    (``max_epochs``, ``optimizer``, ``weight_decay``, a float
    ``learning_rate``), not ``MLPRegressor``'s (``max_iter``, ``solver``,
    ``alpha``, a schedule named by ``learning_rate``).

    The linear skip is the autoregressive component of LSTNet [1]_; the
    intervals are split-conformal [2]_ [3]_, calibrated per step on
    out-of-sample recursive forecasts; the learning rate decays along a
    cosine [4]_; averaging networks trained from different random starts
    follows deep ensembles [5]_. The recurrent cores are the LSTM [6]_ and
    the GRU [7]_.

    References
    ----------
    .. [1] G. Lai, W.-C. Chang, Y. Yang and H. Liu, "Modeling long- and
       short-term temporal patterns with deep neural networks", SIGIR 2018.
    .. [2] V. Vovk, A. Gammerman and G. Shafer, "Algorithmic Learning in a
       Random World", Springer, 2005.
    .. [3] J. Lei, M. G'Sell, A. Rinaldo, R. J. Tibshirani and L. Wasserman,
       "Distribution-free predictive inference for regression", Journal of
       the American Statistical Association, 113(523), 2018.
    .. [4] I. Loshchilov and F. Hutter, "SGDR: Stochastic gradient descent
       with warm restarts", ICLR 2017.
    .. [5] B. Lakshminarayanan, A. Pritzel and C. Blundell, "Simple and
       scalable predictive uncertainty estimation using deep ensembles",
       NeurIPS 2017.
    .. [6] S. Hochreiter and J. Schmidhuber, "Long short-term memory",
       Neural Computation, 9(8), 1997.
    .. [7] K. Cho et al., "Learning phrase representations using RNN
       encoder-decoder for statistical machine translation", EMNLP 2014.

    Examples
    --------
    >>> from sklstm import LSTMForecaster, make_windows
    >>> from sklstm.datasets import load_airline
    >>> y = load_airline()
    >>> X, Y = make_windows(y[:-12], window=24)
    >>> model = LSTMForecaster(window=24, horizon=12, intervals=True, random_state=0)
    >>> model = model.fit(X, Y)
    >>> forecast = model.forecast(y[:-12], coverage=0.9)
    >>> forecast.index[0], forecast.index[-1]
    (Timestamp('1960-01-01 00:00:00'), Timestamp('1960-12-01 00:00:00'))
    >>> list(forecast.columns)
    ['forecast', 'lower', 'upper']
    >>> model.predict(X[-2:]).shape
    (2, 12)
    """

    _parameter_constraints: dict = {
        "window": [Interval(Integral, 1, None, closed="left"), None],
        "horizon": [Interval(Integral, 1, None, closed="left"), None],
        "scaler": [
            StrOptions({"auto", "minmax", "standard", "row"}),
            HasMethods(["fit", "transform", "inverse_transform"]),
            None,
        ],
        "relative": ["boolean"],
        "window_scaling": [StrOptions({"alternate"}), "boolean"],
        "linear_skip": ["boolean"],
        "cell": [StrOptions({"lstm", "gru"})],
        "hidden_size": [Interval(Integral, 1, None, closed="left")],
        "num_layers": [Interval(Integral, 1, None, closed="left")],
        "dropout": [Interval(Real, 0, 1, closed="left")],
        "n_estimators": [Interval(Integral, 1, None, closed="left")],
        "max_epochs": [Interval(Integral, 1, None, closed="left")],
        "max_steps": [Interval(Integral, 1, None, closed="left"), None],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "learning_rate": [Interval(Real, 0, None, closed="neither")],
        "optimizer": [StrOptions(set(_OPTIMIZERS))],
        "weight_decay": [Interval(Real, 0, None, closed="left")],
        "early_stopping": ["boolean"],
        "validation_fraction": [Interval(Real, 0, 1, closed="neither")],
        "n_iter_no_change": [Interval(Integral, 1, None, closed="left")],
        "tol": [Interval(Real, 0, None, closed="left")],
        "intervals": ["boolean"],
        "calibration_fraction": [Interval(Real, 0, 1, closed="neither")],
        "fallback": ["boolean"],
        "season_length": [Interval(Integral, 1, None, closed="left"), None],
        "warm_start": ["boolean"],
        "device": [StrOptions({"cpu", "cuda", "auto"})],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
    }

    def __init__(
        self,
        window=None,
        horizon=None,
        *,
        scaler="auto",
        relative=True,
        window_scaling="alternate",
        linear_skip=True,
        cell="lstm",
        hidden_size=32,
        num_layers=1,
        dropout=0.0,
        n_estimators=2,
        max_epochs=50,
        max_steps=5000,
        batch_size=32,
        learning_rate=0.008,
        optimizer="adam",
        weight_decay=0.0,
        early_stopping=False,
        validation_fraction=0.1,
        n_iter_no_change=10,
        tol=0.0,
        intervals=False,
        calibration_fraction=0.2,
        fallback=True,
        season_length=None,
        warm_start=False,
        device="cpu",
        random_state=None,
        verbose=0,
    ):
        self.window = window
        self.horizon = horizon
        self.scaler = scaler
        self.relative = relative
        self.window_scaling = window_scaling
        self.linear_skip = linear_skip
        self.cell = cell
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.dropout = dropout
        self.n_estimators = n_estimators
        self.max_epochs = max_epochs
        self.max_steps = max_steps
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.optimizer = optimizer
        self.weight_decay = weight_decay
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.tol = tol
        self.intervals = intervals
        self.calibration_fraction = calibration_fraction
        self.fallback = fallback
        self.season_length = season_length
        self.warm_start = warm_start
        self.device = device
        self.random_state = random_state
        self.verbose = verbose

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y):
        """Fit the network on the forecast origins ``X`` and their targets ``y``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps)
            Histories, one forecast origin per row, oldest value first.
        y : array-like of shape (n_samples,) or (n_samples, h)
            The value, or the ``h`` values, that follow each row.

        Returns
        -------
        self : LSTMForecaster
            The fitted estimator.

        Raises
        ------
        ValueError
            With what to do, for data the network cannot learn from: NaN or
            infinite values, rows shorter than ``window``, too few rows for
            early stopping, a ``horizon`` that does not match targets of
            several steps, a scaler that does not invert or that loses the
            variation of the data, a network too large for the machine's
            memory, or a loss that diverges.
        TypeError
            For values that are not numbers, such as date columns.

        Examples
        --------
        >>> import numpy as np
        >>> from sklstm import LSTMForecaster, make_windows
        >>> X, y = make_windows(np.sin(np.arange(100) / 4), window=8)
        >>> model = LSTMForecaster(horizon=3, max_epochs=3, random_state=0).fit(X, y)
        >>> model.window_, model.horizon_, model.n_iter_
        (8, 3, 3)
        """
        return fit_forecaster(self, X, y, incremental=False)

    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y):
        """Continue training on ``X``, ``y`` for ``max_epochs`` more epochs.

        At most ``max_steps`` more steps, with the learning rate decaying from
        ``learning_rate`` again over them. The fitted scaler, weights,
        optimizer state and interval calibration are kept; on an unfitted
        estimator this is the same as ``fit``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps)
            Histories with as many time steps as in the first fit.
        y : array-like of shape (n_samples,) or (n_samples, h)
            Targets with as many columns as in the first fit.

        Returns
        -------
        self : LSTMForecaster
            The updated estimator.

        Examples
        --------
        >>> import numpy as np
        >>> from sklstm import LSTMForecaster, make_windows
        >>> X, y = make_windows(np.sin(np.arange(100) / 4), window=8)
        >>> model = LSTMForecaster(max_epochs=3, random_state=0).fit(X[:60], y[:60])
        >>> before = model.predict(X[-1:])
        >>> model = model.partial_fit(X[60:], y[60:])  # three more epochs, on new rows
        >>> bool((model.predict(X[-1:]) != before).all()), model.window_
        (True, 8)
        """
        return fit_forecaster(self, X, y, incremental=True)

    def predict(self, X):
        """Predict the next ``horizon_`` values after each row of ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps)
            Histories with as many time steps as in ``fit``.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,) or (n_samples, `horizon_`)
            Float64 predictions: 1-D when ``horizon_`` is 1 and ``y`` was 1-D
            in ``fit``. With several networks (``n_estimators``), the mean of
            their forecasts.

        Examples
        --------
        >>> import numpy as np
        >>> from sklstm import LSTMForecaster, make_windows
        >>> X, y = make_windows(np.sin(np.arange(100) / 4), window=8)
        >>> model = LSTMForecaster(max_epochs=3, random_state=0).fit(X, y)
        >>> model.predict(X[-2:]).shape  # one step: y was 1-D
        (2,)
        >>> model.set_params(horizon=4).fit(X, y).predict(X[-2:]).shape
        (2, 4)
        """
        check_is_fitted(self)
        windows, known = validated_rows(self, X, self.horizon_)
        return shape_like_predict(self, forecast_values(self, windows, self.horizon_, known))

    def predict_interval(self, X, coverage=0.9):
        """Prediction intervals for the next ``horizon_`` values after each row of ``X``.

        The bounds are the ``(1 - coverage) / 2`` and ``(1 + coverage) / 2``
        quantiles of :meth:`predict_quantiles`: the forecast plus the
        quantiles of the out-of-sample errors at each horizon step, calibrated
        in ``fit`` (``intervals=True``).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps)
            Histories with as many time steps as in ``fit``.
        coverage : float, default=0.9
            Share of actual values the intervals should contain, strictly
            between 0 and 1.

        Returns
        -------
        lower, upper : ndarray, each shaped like ``predict(X)``
            Float64 bounds, ``lower <= upper``.

        Raises
        ------
        ValueError
            If the model was fitted with ``intervals=False``.

        Examples
        --------
        >>> import numpy as np
        >>> from sklstm import LSTMForecaster, make_windows
        >>> X, y = make_windows(np.sin(np.arange(200) / 4), window=8, horizon=3)
        >>> model = LSTMForecaster(
        ...     intervals=True, n_estimators=2, max_epochs=3, random_state=0
        ... ).fit(X, y)
        >>> lower, upper = model.predict_interval(X[-2:], coverage=0.9)
        >>> lower.shape, bool(np.all(lower <= upper))
        ((2, 3), True)
        """
        check_is_fitted(self)
        (coverage,) = check_levels(coverage, "coverage")
        quantiles = np.array([(1 - coverage) / 2, (1 + coverage) / 2])
        bounds = self.predict_quantiles(X, quantiles)
        return bounds[..., 0], bounds[..., 1]

    def predict_quantiles(self, X, quantiles=(0.1, 0.5, 0.9)):
        """Quantiles of the next ``horizon_`` values after each row of ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps)
            Histories with as many time steps as in ``fit``.
        quantiles : array-like of float, default=(0.1, 0.5, 0.9)
            The levels, each strictly between 0 and 1.

        Returns
        -------
        y_quantiles : ndarray of shape ``predict(X).shape + (len(quantiles),)``
            Float64, non-decreasing along the last axis.

        Raises
        ------
        ValueError
            If the model was fitted with ``intervals=False``.

        Examples
        --------
        >>> import numpy as np
        >>> from sklstm import LSTMForecaster, make_windows
        >>> X, y = make_windows(np.sin(np.arange(200) / 4), window=8, horizon=3)
        >>> model = LSTMForecaster(
        ...     intervals=True, n_estimators=2, max_epochs=3, random_state=0
        ... ).fit(X, y)
        >>> model.predict_quantiles(X[-2:], quantiles=[0.05, 0.5, 0.95]).shape
        (2, 3, 3)
        """
        check_is_fitted(self)
        levels = check_levels(quantiles, "quantiles")
        windows, known = validated_rows(self, X, self.horizon_)
        values = forecast_values(self, windows, self.horizon_, known, quantiles=levels)
        return shape_like_predict(self, values)

    def score(self, X, y, sample_weight=None):
        """Return the R² of :meth:`predict`'s forecasts against ``y``.

        As for any regressor, the R² of several columns is their mean. ``y``
        must have as many steps as :meth:`predict` returns (``horizon_``);
        other targets are a ``ValueError``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps)
            Histories with as many time steps as in ``fit``.
        y : array-like of shape (n_samples,) or (n_samples, `horizon_`)
            The values that follow each row: the next ``horizon_``.
        sample_weight : array-like of shape (n_samples,), default=None
            Weights of the rows.

        Returns
        -------
        score : float
            R² of the ``horizon_``-step forecasts against ``y``.

        Examples
        --------
        >>> import numpy as np
        >>> from sklstm import LSTMForecaster, make_windows
        >>> series = np.sin(np.arange(120) / 4)
        >>> X, y = make_windows(series, window=8)
        >>> model = LSTMForecaster(horizon=6, max_epochs=3, random_state=0).fit(X, y)
        >>> X6, Y6 = make_windows(series, window=8, horizon=6)
        >>> model.score(X6, Y6) <= 1
        True
        """
        check_is_fitted(self)
        X, y = validate_input(
            self,
            X,
            y,
            context="score",
            reset=False,
            multi_output=True,
            y_numeric=True,
            dtype=np.float64,
        )
        steps = score_steps(self, y)
        windows, known = rows_of(self, X, steps)
        y_pred = forecast_values(self, windows, steps, known)
        if y.ndim == 1:
            y_pred = y_pred[:, 0]
        return r2(y, y_pred, sample_weight)

    def forecast(
        self,
        history,
        steps=None,
        *,
        coverage=None,
        covariates=None,
        missing="raise",
        id_col="unique_id",
        time_col="ds",
        target_col="y",
    ):
        """Forecast the values that follow a series, or every series of a panel.

        Parameters
        ----------
        history : array-like of shape (n_timesteps,), pandas.Series or pandas.DataFrame
            The series, oldest value first, at least ``window_`` values long;
            only its last ``window_`` values are read. A wide ``DataFrame``
            (one column per series on a shared index) is a panel: every
            series is forecast.
        steps : int, default=None
            Number of future values; ``horizon_`` when ``None``. Steps past
            the first are predicted recursively.
        coverage : float, default=None
            With a coverage such as ``0.9``, also return the bounds of the
            prediction intervals (the model must be fitted with
            ``intervals=True``).
        covariates : pandas.DataFrame or array-like, default=None
            For a model fitted on rows with covariates: their values for the
            last ``window_`` steps of the history and the ``steps`` future
            ones. A DataFrame is matched on the history's index (and its
            future index); an array is aligned with ``history`` row for row
            and continues ``steps`` rows past its end. For long data, a long
            frame of the future values (columns ``id_col``, ``time_col`` and
            the covariates); the past ones are columns of ``history``.
        missing : {"raise", "fill"}, default="raise"
            What a window with a gap (a missing value the model would read)
            does: ``"raise"`` refuses it, naming the positions; ``"fill"``
            fills each missing value, oldest first, with the model's one-step
            forecast from the ``window_`` values before it. A series of a
            panel that starts too late or ends early is no gap: its forecast
            is NaN, with a warning.
        id_col, time_col, target_col : str, default="unique_id", "ds", "y"
            The columns of long data: a ``history`` DataFrame with the
            ``id_col`` and ``time_col`` columns holds one row per series and
            time step; each series is forecast from its own last time stamp.

        Returns
        -------
        forecast : ndarray, pandas.Series or pandas.DataFrame
            For one series, an array of shape ``(steps,)``, or a
            ``pandas.Series`` when ``history`` is one, with its name. Its
            index continues the history's: the future time stamps for a
            regular ``DatetimeIndex`` or ``PeriodIndex`` (whose name is kept),
            the next labels for an integer index with a regular step (years
            2010, 2011, ... after 1950 to 2009), else the positions that
            follow the history. With ``coverage``, a ``DataFrame`` with
            columns ``forecast``, ``lower`` and ``upper`` on that index. For
            a panel, a wide ``DataFrame`` with one column per series (with
            ``coverage``, column levels ``(series, "forecast" | "lower" |
            "upper")``). For long data, a long ``DataFrame`` with columns
            ``id_col``, ``time_col``, ``forecast`` and, with ``coverage``,
            ``lo-<pct>`` and ``hi-<pct>`` (``lo-80``, ``hi-80`` for 0.8).

        Raises
        ------
        ValueError
            If the history is too short, has a gap in its window (``missing="raise"``), has a time
            or integer index that is irregular, in decreasing order, or has
            too few dates to infer its frequency; if ``coverage`` is given to
            a model fitted without intervals; if covariates are missing or do
            not reach ``steps`` steps past the history (the message names the
            missing time stamps).

        Examples
        --------
        >>> from sklstm import LSTMForecaster, make_windows
        >>> from sklstm.datasets import load_airline
        >>> y = load_airline()
        >>> X, Y = make_windows(y, window=12, horizon=6)
        >>> model = LSTMForecaster(
        ...     intervals=True, n_estimators=2, max_epochs=3, random_state=0
        ... ).fit(X, Y)
        >>> model.forecast(y).index[0]
        Timestamp('1961-01-01 00:00:00')
        >>> list(model.forecast(y, steps=3, coverage=0.8).columns)
        ['forecast', 'lower', 'upper']

        A wide DataFrame is a panel: every series is forecast.

        >>> import pandas as pd
        >>> panel = pd.DataFrame({"airline": y, "doubled": 2 * y})
        >>> model.forecast(panel, steps=2).shape
        (2, 2)

        Long data (``unique_id``, ``ds``, ``y``) gives a long forecast.

        >>> long = panel.reset_index(names="ds").melt("ds", var_name="unique_id", value_name="y")
        >>> list(model.forecast(long, steps=2, coverage=0.8).columns)
        ['unique_id', 'ds', 'forecast', 'lo-80', 'hi-80']
        """
        check_is_fitted(self)
        steps = self.horizon_ if steps is None else steps
        if not isinstance(steps, Integral) or isinstance(steps, bool) or steps < 1:
            raise ValueError(f"steps must be a positive integer; got {steps!r}.")
        steps = int(steps)
        if coverage is not None:
            (coverage,) = check_levels(coverage, "coverage")
            calibration_of(self).offsets([0.5], steps)
        missing = check_option(missing, FORECAST_OPTIONS, "forecast")
        if is_long(history, id_col, time_col):
            columns = (id_col, time_col, target_col)
            return forecast_long(self, history, steps, coverage, covariates, missing, columns)
        if isinstance(history, (pd.Series, pd.DataFrame)):
            check_time_steps(history.index, "history", dates=False)
        if isinstance(history, pd.DataFrame):
            return forecast_panel(self, history, steps, coverage, covariates, missing)
        return forecast_series(self, history, steps, coverage, covariates, missing)

    def save(self, path):
        """Save the model to one file that loads without running code.

        Unlike pickle, the file can be shared: :func:`sklstm.load` reads the
        network's weights with ``torch.load(weights_only=True)``, the
        parameters, fitted attributes and built-in scalers from JSON, and any
        other scaler (a transformer or ``Pipeline``) with skops, which needs
        the ``skops`` extra. The file records the sklstm version and its
        format version. A model on a GPU is saved from the CPU.

        Parameters
        ----------
        path : str, path-like or binary file object
            Where to write; an existing file is replaced only once the new one
            is complete, and a read-only one never. ``.sklstm`` is a good
            extension.

        Raises
        ------
        PermissionError
            If ``path`` names an existing read-only file.
        ImportError
            If the scaler is not a built-in one and skops is not installed.

        See Also
        --------
        sklstm.load : Load a model saved with this method.

        Examples
        --------
        >>> import os, tempfile
        >>> import numpy as np
        >>> from sklstm import LSTMForecaster, load, make_windows
        >>> X, y = make_windows(np.sin(np.arange(100) / 4), window=8)
        >>> model = LSTMForecaster(max_epochs=3, random_state=0).fit(X, y)
        >>> path = os.path.join(tempfile.mkdtemp(), "model.sklstm")
        >>> model.save(path)
        >>> load(path).window_
        8
        """
        save_model(self, path)

    def __getstate__(self):
        state = super().__getstate__()
        # Tensors pickle with their device; a model fitted on a GPU must load
        # on a CPU-only machine, so the network is always pickled from the CPU.
        module = state.get("module_")
        if module is not None and next(module.parameters()).device.type != "cpu":
            # On Python >= 3.11 the state is the live ``__dict__``: build a new
            # dict, or pickling would move the user's fitted model to the CPU.
            state = {**state, "module_": copy.deepcopy(module).cpu()}
        return state

    def __sklearn_is_fitted__(self):
        # A first fit that fails in training (a diverging loss, an interrupt)
        # has already set n_features_in_; without a network it is not fitted.
        return hasattr(self, "module_")

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        tags.input_tags.allow_nan = False
        return tags
