"""``LSTMForecaster``: a recurrent one-step model used recursively, as an estimator."""

import copy
import math
from numbers import Integral, Real

import numpy as np
import pandas as pd
import torch
from sklearn.base import BaseEstimator, RegressorMixin, _fit_context
from sklearn.metrics import r2_score
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import (
    HasMethods,
    Interval,
    InvalidParameterError,
    StrOptions,
)
from sklearn.utils.validation import check_is_fitted

from ._forecast_index import future_index
from ._forecasting import (
    check_covariate_steps,
    forecast_panel,
    forecast_scaled,
    history_covariates,
)
from ._intervals import StepCalibration, check_levels, continuations, heldout_errors
from ._layout import RowLayout
from ._memory import check_network_size
from ._module import build_module
from ._persistence import save_model
from ._scaling import (
    RowMinMax,
    make_covariate_scaler,
    make_scaler,
    scaled_covariates,
    scaled_future,
    scaled_sequences,
)
from ._threads import torch_threads
from ._training import _OPTIMIZERS, WindowPairs, train
from ._validation import validate_input
from ._windowing import _as_series_values

# Torch threads of a fit: one (see sklstm._threads).
_FIT_THREADS = 1
# Rows predicted per chunk: bounds the memory of ``predict`` on many origins.
_PREDICT_CHUNK = 8192
# Parameters that count something. The ``Integral`` constraints accept numpy
# integers, which torch refuses, and booleans, which are no count.
_COUNT_PARAMS = (
    "window",
    "horizon",
    "hidden_size",
    "num_layers",
    "max_epochs",
    "max_steps",
    "batch_size",
    "n_iter_no_change",
    "n_estimators",
)
# What ``validate_data`` sets again on every ``fit``.
_INPUT_ATTRIBUTES = ("n_features_in_", "feature_names_in_")


def _steps(n):
    return "1 step" if n == 1 else f"{n} steps"


class LSTMForecaster(RegressorMixin, BaseEstimator):
    """Recurrent (LSTM or GRU) forecaster with built-in windowing and scaling.

    Each row of ``X`` is one forecast origin: the recent history of a series,
    oldest value first. ``y`` holds the value that follows it, or the next
    ``h`` values. The network reads the last ``window`` values and predicts
    the next one; longer horizons are predicted recursively by feeding each
    prediction back. Values are scaled by a transformer fitted on the training
    data only and unscaled on output.

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
        else ``fit`` raises a ``ValueError`` (scorers compare the columns of
        ``predict`` with those of ``y``). :meth:`score` scores forecasts of
        as many steps as its ``y`` has columns.

    scaler : {"minmax", "standard", "row"}, transformer or None, default="minmax"
        Transform of the values, fitted on the training values only (rows and
        targets together, as one column) and inverted on output. ``"minmax"``
        is ``MinMaxScaler(feature_range=(-1, 1))``, ``"standard"`` is
        ``StandardScaler()``. ``"row"`` fits nothing: each row and its
        targets are scaled by the row's own history (a MinMax of it to
        (-1, 1)) and each forecast is unscaled the same way, and the network
        reads every window on its own scale, so that series of any magnitude
        share one network (many series in one ``fit``). A transformer or
        ``Pipeline`` is cloned, never changed; its ``inverse_transform`` must
        undo its ``transform`` on the training values, else ``fit`` raises a
        ``ValueError``. ``None``
        leaves the values as they are. The built-in scalers, and a
        ``MinMaxScaler``, ``StandardScaler``, ``MaxAbsScaler`` or
        ``RobustScaler`` passed in, are preceded by a division by the
        largest magnitude of the training values, so that they work on data
        of any magnitude (1e-300 as well as 1e300) and any relative range.

    relative : bool, default=True
        Per-window normalisation: express each input window relative to its
        own last value and predict the change from it. This lets the model
        follow a trend beyond the range seen in training.

    linear_skip : bool, default=True
        Add a linear map of the input window (relative to its last value when
        ``relative``) to the network's output, learned together with the
        recurrent core and starting at zero: LSTNet's autoregressive
        "highway". It carries the linear part of the dynamics, such as trend
        and seasonal lags within the window, so that the recurrent core only
        learns what is left; forecasts become far less dependent on the seed.
        ``False`` gives the plain recurrent network.

    cell : {"lstm", "gru"}, default="lstm"
        The recurrent core: ``torch.nn.LSTM`` or ``torch.nn.GRU``.

    hidden_size : int, default=32
        Number of features in the recurrent hidden state.

    num_layers : int, default=1
        Number of stacked recurrent layers.

    dropout : float, default=0.0
        Dropout probability between stacked layers and before the output head.

    n_estimators : int, default=5
        Number of networks, each from its own seed drawn from
        ``random_state``, trained together in one pass. Each ends with the
        weights that training it alone with its seed would give (except with
        ``dropout``, whose masks all draw from one random stream). Forecasts
        are those of one recursive model that feeds the members' mean
        prediction back at every step. ``1`` is one network.

    max_epochs : int, default=50
        Maximum number of passes over the training pairs. The defaults of
        the training parameters were chosen on a benchmark for accuracy over
        seeds and speed together (``benchmarks/README.md``); a long series
        has many pairs per epoch and may need fewer epochs.

    max_steps : int or None, default=5000
        Maximum number of optimisation steps (batches) of a fit, across
        epochs; training ends at ``max_epochs`` or ``max_steps``, whichever
        comes first, possibly in the middle of an epoch. The learning rate
        decays along a cosine from ``learning_rate`` to a tenth of it over the
        steps planned. ``None``: only ``max_epochs`` limits training. This
        bounds the cost of a fit on long series and large panels.

    batch_size : int, default=32
        Number of training pairs per optimisation step.

    learning_rate : float, default=0.008
        Step size of the optimizer.

    optimizer : {"adam", "adamw", "rmsprop", "sgd"}, default="adam"
        The ``torch.optim`` optimizer.

    weight_decay : float, default=0.0
        L2 penalty passed to the optimizer.

    early_stopping : bool, default=False
        Whether to hold out the last ``validation_fraction`` of the rows (the
        most recent origins, in the order given; never a random split) and
        stop when their loss stops improving. The best weights are restored.
        Without it, training stops when the training loss stops improving.

    validation_fraction : float, default=0.1
        Fraction of rows held out for early stopping.

    n_iter_no_change : int, default=10
        Number of epochs without an improvement of at least ``tol`` in the
        monitored loss before training stops.

    tol : float, default=1e-4
        Minimum decrease of the monitored loss (mean squared error of scaled
        values) that counts as an improvement.

    intervals : bool, default=False
        Whether ``fit`` also calibrates prediction intervals and quantiles
        (:meth:`predict_interval`, :meth:`predict_quantiles`, ``forecast``
        with ``coverage``) for steps 1 to ``horizon_``. A second ensemble,
        trained without the most recent ``calibration_fraction`` of the
        rows, forecasts from those held-out origins; the errors of its
        recursive forecasts, step by step, give the intervals. This costs
        one more training run, and needs rows that carry, or continue into,
        the values that followed them ``horizon_`` steps on. Point forecasts
        do not change.

    calibration_fraction : float, default=0.2
        Share of the rows, the most recent in the order given, held out to
        calibrate the intervals (at least twice ``horizon_`` rows, at most
        half of them). Used only with ``intervals=True``.

    warm_start : bool, default=False
        When ``True``, ``fit`` continues from the fitted weights and keeps the
        fitted scaler; otherwise every ``fit`` starts from fresh weights drawn
        from ``random_state``.

    device : {"cpu", "cuda", "auto"}, default="cpu"
        Where to train. ``"auto"`` picks a GPU when torch sees one. A model
        fitted on a GPU pickles and loads on a CPU-only machine.

    random_state : int, RandomState instance or None, default=None
        Seeds weight initialisation, shuffling and dropout. With an int, two
        fits on the same data give identical predictions. The global torch
        random state is left untouched.

    verbose : int, default=0
        ``0`` is silent; ``1`` shows a progress bar over epochs with the
        training and validation loss.

    Attributes
    ----------
    n_features_in_ : int
        Number of time steps in each row of ``X`` seen during ``fit``.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Column names of ``X``, when it was a DataFrame with string columns.

    window_ : int
        Number of steps the network reads.

    horizon_ : int
        Number of steps ``predict`` returns.

    n_outputs_ : int
        Number of target columns seen during ``fit``.

    scaler_ : transformer
        The fitted value transform, from data units to the network's. For
        the built-in scalers a ``Pipeline`` of the division by the largest
        magnitude and the scaler, which is ``scaler_[-1]``.

    module_ : torch.nn.Module
        The fitted ensemble of ``n_estimators`` networks, ``module_.members``,
        each mapping windows ``(batch, window)`` to the next value
        ``(batch,)`` in scaled units.

    loss_curve_ : list of float
        Mean training loss (scaled units) of each epoch.

    n_iter_ : int
        Number of epochs run.

    validation_scores_ : list of float or None
        With ``early_stopping``, the R² of one-step predictions on the
        validation pairs after each epoch (scaled units); else ``None``.

    best_validation_score_ : float or None
        The best of ``validation_scores_``; else ``None``.

    covariates_ : list of str
        Names of the covariates, for rows with covariates only (columns
        ``<covariate>_lag_<k>`` and ``<covariate>_step_<k>``, as
        :func:`make_windows` names them).

    covariate_scaler_ : transformer
        For rows with covariates only: the fitted scaling of each covariate,
        an affine map of its training range onto (-1, 1).

    See Also
    --------
    make_windows : Cut a series into ``(X, y)`` forecast origins.
    sklearn.neural_network.MLPRegressor : The model for this estimator's
        training parameters.

    Examples
    --------
    >>> from sklstm import LSTMForecaster, make_windows
    >>> from sklstm.datasets import load_airline
    >>> y = load_airline()
    >>> X, Y = make_windows(y[:-12], window=24)
    >>> model = LSTMForecaster(window=12, horizon=12, random_state=0).fit(X, Y)
    >>> forecast = model.forecast(y[:-12])
    >>> forecast.index[0], forecast.index[-1]
    (Timestamp('1960-01-01 00:00:00'), Timestamp('1960-12-01 00:00:00'))
    >>> model.predict(X[-2:]).shape
    (2, 12)
    """

    _parameter_constraints: dict = {
        "window": [Interval(Integral, 1, None, closed="left"), None],
        "horizon": [Interval(Integral, 1, None, closed="left"), None],
        "scaler": [
            StrOptions({"minmax", "standard", "row"}),
            HasMethods(["fit", "transform", "inverse_transform"]),
            None,
        ],
        "relative": ["boolean"],
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
        scaler="minmax",
        relative=True,
        linear_skip=True,
        cell="lstm",
        hidden_size=32,
        num_layers=1,
        dropout=0.0,
        n_estimators=5,
        max_epochs=50,
        max_steps=5000,
        batch_size=32,
        learning_rate=0.008,
        optimizer="adam",
        weight_decay=0.0,
        early_stopping=False,
        validation_fraction=0.1,
        n_iter_no_change=10,
        tol=1e-4,
        intervals=False,
        calibration_fraction=0.2,
        warm_start=False,
        device="cpu",
        random_state=None,
        verbose=0,
    ):
        self.window = window
        self.horizon = horizon
        self.scaler = scaler
        self.relative = relative
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
        """
        return self._fit(X, y, incremental=False)

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
        """
        return self._fit(X, y, incremental=True)

    def _fit(self, X, y, incremental):
        self._check_count_params()
        continuing = hasattr(self, "module_") and (incremental or self.warm_start)
        context = ("partial_fit" if incremental else "warm_start") if continuing else "fit"
        # validate_data sets n_features_in_ again before anything can fail: a
        # fit that fails must leave a fitted model as it was.
        before = {name: self.__dict__[name] for name in _INPUT_ATTRIBUTES if name in self.__dict__}
        try:
            with torch_threads(_FIT_THREADS):
                return self._fit_checked(X, y, incremental, continuing, context)
        except BaseException:
            if hasattr(self, "module_"):
                for name in _INPUT_ATTRIBUTES:
                    self.__dict__.pop(name, None)
                self.__dict__.update(before)
            raise

    def _check_count_params(self):
        for name in _COUNT_PARAMS:
            value = getattr(self, name)
            if isinstance(value, (bool, np.bool_)):
                optional = " or None" if name in ("window", "horizon", "max_steps") else ""
                raise InvalidParameterError(
                    f"The '{name}' parameter of {type(self).__name__} must be an int "
                    f"in the range [1, inf){optional}. Got {value!r} instead: a boolean "
                    f"is not a count; pass an int, e.g. {name}={int(value) or 1}."
                )

    def _fit_checked(self, X, y, incremental, continuing, context):
        X, y = validate_input(
            self,
            X,
            y,
            context=context,
            reset=context != "partial_fit",
            multi_output=True,
            y_numeric=True,
            dtype=np.float64,
        )
        layout = self._row_layout()
        Y = y.reshape(len(y), -1)
        horizon = None if self.horizon is None else int(self.horizon)
        if horizon is not None and Y.shape[1] > 1 and horizon != Y.shape[1]:
            raise ValueError(
                f"horizon={horizon}, but y holds targets of {Y.shape[1]} steps: "
                f"predict would return {_steps(horizon)} per row, which scorers cannot "
                "compare with these targets. Use horizon=None to predict as many steps "
                f"as y has columns, or make targets of {_steps(horizon)}: "
                f"make_windows(series, window, horizon={horizon}). One-step targets "
                "(a 1-D y) go with any horizon."
            )
        horizon_ = Y.shape[1] if horizon is None else horizon
        if continuing and Y.shape[1] != self.n_outputs_:
            if context == "partial_fit":
                fix = (
                    f"partial_fit continues the fitted model, so y must keep "
                    f"{self.n_outputs_} column(s). To train on these targets, fit a new "
                    "model: model.fit(X, y), or clone(model).fit(X, y) to keep this one."
                )
            else:
                fix = "Use warm_start=False to fit a new model."
            raise ValueError(
                f"y has {Y.shape[1]} column(s) but the model was fitted with "
                f"{self.n_outputs_}. {fix}"
            )
        check_covariate_steps(layout, Y.shape[1], horizon_)
        window = layout.n_lags if self.window is None else int(self.window)
        if window > layout.n_lags:
            raise ValueError(
                f"window={window} is longer than the rows of X, which have "
                f"{layout.n_lags} time steps. Use window <= {layout.n_lags}, or make "
                "longer rows, e.g. make_windows(series, window=...)."
            )
        device = self._resolve_device()
        config = self._module_config(window, len(layout.covariates))
        n_members = int(self.n_estimators)
        if continuing and (config != self._module_config_ or n_members != len(self.module_)):
            raise ValueError(self._changed_config_message(config, X, context))
        if not continuing:
            check_network_size(config, window, int(self.batch_size), device, n_members)

        rng = check_random_state(self.random_state)
        seeds = rng.randint(np.iinfo(np.int32).max, size=n_members)
        scaler = self.scaler_ if continuing else make_scaler(self.scaler)
        target = X[:, layout.target]
        sequences = scaled_sequences(scaler, target, Y, fit_scaler=not continuing)
        covariates = None
        covariate_scaler = None
        if layout.covariates:
            covariate_scaler = self.covariate_scaler_ if continuing else make_covariate_scaler()
            covariates = scaled_covariates(
                covariate_scaler,
                X[:, layout.covariate_lags],
                X[:, layout.covariate_steps[:, : Y.shape[1]]],
                fit_scaler=not continuing,
            )

        # Train a copy, so that an error mid-training leaves a fitted model intact.
        module = copy.deepcopy(self.module_) if continuing else build_module(seeds, **config)
        result = self._train(
            module,
            sequences,
            covariates,
            slice(None),
            window,
            seeds,
            device,
            optimizer_state=self._optimizer_state if continuing and incremental else None,
        )
        calibration = None
        if self.intervals and not continuing:
            calibration = self._calibrate(
                np.concatenate((target, Y), axis=1),
                layout.n_lags,
                scaler,
                sequences,
                covariates,
                window,
                horizon_,
                config=config,
                rng=rng,
                device=device,
            )
        elif continuing:
            calibration = self._calibration
        self.module_ = module.eval()
        self._module_config_ = config
        self._optimizer_state = result.optimizer_state
        self.scaler_ = scaler
        if covariate_scaler is not None:
            self.covariate_scaler_ = covariate_scaler
            self.covariates_ = list(layout.covariates)
        self.window_ = window
        self.n_outputs_ = Y.shape[1]
        self.horizon_ = horizon_
        self._y_is_1d = y.ndim == 1
        self._calibration = calibration
        self._ensemble_size = n_members
        self.loss_curve_ = result.loss_curve
        self.n_iter_ = result.n_iter
        self.validation_scores_ = result.validation_scores
        self.best_validation_score_ = result.best_validation_score
        return self

    def _train(self, module, sequences, covariates, rows, window, seeds, device, **kwargs):
        """Train ``module`` on the pairs of ``sequences[rows]``; the last rows validate."""
        sequences = sequences[rows]
        covariates = None if covariates is None else covariates[rows]
        train_rows, valid_rows = self._split_rows(len(sequences))

        def pairs(part):
            if part is None:
                return None
            known = None
            if covariates is not None:
                known = torch.as_tensor(covariates[part], device=device)
            return WindowPairs(torch.as_tensor(sequences[part], device=device), window, known)

        return train(
            module,
            pairs(train_rows),
            pairs(valid_rows),
            seeds=seeds,
            max_epochs=int(self.max_epochs),
            max_steps=None if self.max_steps is None else int(self.max_steps),
            batch_size=int(self.batch_size),
            learning_rate=float(self.learning_rate),
            optimizer=self.optimizer,
            weight_decay=float(self.weight_decay),
            n_iter_no_change=int(self.n_iter_no_change),
            tol=float(self.tol),
            device=device,
            verbose=self.verbose,
            **kwargs,
        )

    def _calibrate(self, values, n_lags, scaler, sequences, covariates, window, steps, **fit):
        """Errors of held-out recursive forecasts, step by step: a ``StepCalibration``.

        A second ensemble, like the first but trained without the most recent
        ``calibration_fraction`` of the rows, forecasts ``steps`` values from
        each of those held-out origins. What actually followed them comes
        from the rows themselves (:func:`continuations` of ``values``: each
        row's ``n_lags`` history values and its targets, in data units;
        ``sequences`` holds the same in the network's units).
        """
        n_rows = len(sequences)
        n_held = min(max(math.ceil(self.calibration_fraction * n_rows), 2 * steps), n_rows // 2)
        if n_held < 1 or n_rows - n_held < 2:
            raise ValueError(
                f"intervals=True holds out the most recent rows to calibrate the "
                f"intervals, but X has only {n_rows} row(s). Pass more rows, or set "
                "intervals=False."
            )
        held = slice(n_rows - n_held, None)
        seeds = fit["rng"].randint(np.iinfo(np.int32).max, size=int(self.n_estimators))
        module = build_module(seeds, **fit["config"])
        rows = slice(0, n_rows - n_held)
        self._train(module, sequences, covariates, rows, window, seeds, fit["device"])
        future = continuations(values, n_lags, steps)[held]
        future = scaled_future(scaler, values[held, :n_lags], future)
        origins = sequences[held, n_lags - window : n_lags]
        known = None
        if covariates is not None:
            known = covariates[held, n_lags - window : n_lags + steps]
        forecasts, units = forecast_scaled(module.eval(), origins, steps, known, fit["device"])
        errors = heldout_errors(future, forecasts, units)
        missing = [k + 1 for k, e in enumerate(errors) if not len(e)]
        if missing:
            raise ValueError(
                f"intervals=True needs the actual values {steps} steps after held-out "
                f"origins, but the rows do not reach step {missing[0]}: each row's "
                "targets and the rows that continue it (one step later) give what "
                f"followed it. Cut the rows with make_windows(series, window, "
                f"horizon={steps}) or from a longer series, or set intervals=False."
            )
        return StepCalibration(errors)

    def _changed_config_message(self, config, X, context):
        """Why training cannot continue, and what to do, in the user's terms."""
        fitted = {**self._module_config_, "n_estimators": len(self.module_)}
        config = {**config, "n_estimators": int(self.n_estimators)}
        old_window = fitted.get("window")
        if self.window is None and old_window is not None and config["window"] != old_window:
            # The user set no window: what changed is the length of the rows.
            return (
                f"Cannot continue training: the rows of X have {X.shape[1]} time steps, "
                f"but the model was fitted on rows of {old_window}, and with window=None "
                "the network reads whole rows, so its input would change length. Pass "
                f"rows of {old_window} time steps (X[:, -{old_window}:]), or set "
                f"window={old_window} to read the last {old_window} steps of each row, "
                "or set warm_start=False to fit a new model."
            )
        changed = [name for name in sorted(config) if config[name] != fitted.get(name)]
        details = "; ".join(
            f"{name}={fitted.get(name)!r} when fitted, now {config[name]!r}" for name in changed
        )
        them = "it" if len(changed) == 1 else "them"
        if context == "partial_fit":
            fix = (
                f"partial_fit continues the fitted network: set {them} back to continue "
                "it, or fit a new model with these settings: clone(model).fit(X, y)."
            )
        else:
            fix = f"Set {them} back, or set warm_start=False to fit a new model."
        return (
            f"Cannot continue training: {', '.join(changed)} changed since the last fit "
            f"({details}). {fix}"
        )

    def _module_config(self, window=None, n_covariates=0):
        config = {
            "cell": self.cell,
            "hidden_size": int(self.hidden_size),
            "num_layers": int(self.num_layers),
            "dropout": float(self.dropout),
            "relative": bool(self.relative),
            "linear_skip": bool(self.linear_skip),
            "window_scaling": self.scaler == "row",
            "n_covariates": int(n_covariates),
        }
        if self.linear_skip:
            # Only the linear path has a fixed input length; the recurrent
            # core alone can continue training on a different window.
            window = self.window if window is None else window
            config["window"] = None if window is None else int(window)
        return config

    def _resolve_device(self):
        if self.device == "auto":
            return "cuda" if torch.cuda.is_available() else "cpu"
        if self.device == "cuda" and not torch.cuda.is_available():
            raise ValueError(
                "device='cuda' was requested but torch sees no CUDA GPU. Use "
                "device='cpu', or device='auto' to use a GPU only when present."
            )
        return self.device

    def _split_rows(self, n_rows):
        """Rows for training and for validation: the last rows validate."""
        if not self.early_stopping:
            return slice(None), None
        n_valid = math.ceil(self.validation_fraction * n_rows)
        if n_rows - n_valid < 1:
            raise ValueError(
                f"early_stopping needs at least one training row after holding out "
                f"validation_fraction={self.validation_fraction} of the rows, but "
                f"X has only {n_rows} sample(s). Pass more rows, a smaller "
                "validation_fraction, or set early_stopping=False."
            )
        return slice(0, n_rows - n_valid), slice(n_rows - n_valid, None)

    # --- prediction -----------------------------------------------------------

    def _validated_rows(self, X, steps):
        """``X`` checked, cut into the network's windows and scaled covariates."""
        X = validate_input(self, X, reset=False, dtype=np.float64)
        return self._rows_of(X, steps)

    def _row_layout(self):
        """Where the target's history and the covariates sit in a row of ``X``."""
        names = getattr(self, "feature_names_in_", None)
        return RowLayout.from_feature_names(names, self.n_features_in_)

    def _rows_of(self, X, steps):
        layout = self._row_layout()
        windows = X[:, layout.target[-self.window_ :]]
        if not layout.covariates:
            return windows, None
        if steps > layout.n_steps:
            raise ValueError(
                f"Forecasting {_steps(steps)} needs the covariates of each predicted "
                f"step, but the rows of X carry {_steps(layout.n_steps)} of future "
                f"covariates. Cut the rows with make_windows(..., horizon={steps}, "
                "covariates=...), or call forecast(history, steps, covariates=...)."
            )
        lags = X[:, layout.covariate_lags[:, -self.window_ :]]
        future = X[:, layout.covariate_steps[:, :steps]]
        known = scaled_covariates(self.covariate_scaler_, lags, future, fit_scaler=False)
        return windows, known

    def _forecast(self, windows, steps, covariates=None, quantiles=None):
        """Recursive forecasts in data units: ``(n, steps)``, or ``(n, steps, n_quantiles)``.

        ``windows`` holds ``window_`` values per row in data units;
        ``covariates`` (scaled) those of the window's steps and of the
        ``steps`` predicted ones.
        """
        out_shape = (len(windows), steps) + (() if quantiles is None else (len(quantiles),))
        out = np.empty(out_shape, dtype=np.float64)
        offsets = None
        if quantiles is not None:
            offsets = self._calibration_or_raise().offsets(quantiles, steps)
        device = next(self.module_.parameters()).device
        for start in range(0, len(windows), _PREDICT_CHUNK):
            chunk = slice(start, start + _PREDICT_CHUNK)
            scaled, statistics = self._scale_windows(windows[chunk])
            known = None if covariates is None else covariates[chunk]
            values, units = forecast_scaled(self.module_, scaled, steps, known, device)
            if offsets is not None:
                values = values[:, :, None] + units[:, None, None] * offsets[None]
            out[chunk] = self._unscale(values, statistics)
        if quantiles is not None:
            # An inverse transform that reverses the order would swap them.
            out.sort(axis=-1)
        return out

    def _scale_windows(self, windows):
        """Windows in the network's units, and the per-row statistics of ``scaler="row"``."""
        statistics = None
        if isinstance(self.scaler_, RowMinMax):
            statistics = self.scaler_.statistics(windows)
            scaled = self.scaler_.transform(windows, statistics)
        else:
            scaled = self.scaler_.transform(windows.reshape(-1, 1)).reshape(windows.shape)
        with np.errstate(over="ignore"):
            scaled = np.asarray(scaled, dtype=np.float32)
        if not np.isfinite(scaled).all():
            # Finite float64 input can overflow float32 once scaled; the
            # network would silently return NaN.
            raise ValueError(
                "Some input values are too large for the network once scaled "
                "(they overflow float32), far outside the range the model was "
                "fitted on. Check them for wrong units or corrupt values, or refit "
                "the model on data of this magnitude."
            )
        return scaled, statistics

    def _unscale(self, values, statistics=None):
        """``values`` (rows first) in data units."""
        with np.errstate(all="ignore"):
            if statistics is not None:
                shape = (len(values),) + (1,) * (values.ndim - 1)
                centre, scale = (part.reshape(shape) for part in statistics)
                unscaled = self.scaler_.inverse_transform(values, (centre, scale))
            else:
                flat = self.scaler_.inverse_transform(values.reshape(-1, 1))
                unscaled = np.asarray(flat, dtype=np.float64).reshape(values.shape)
        if not np.isfinite(unscaled).all():
            raise self._non_finite_prediction_error(unscaled)
        return unscaled

    @staticmethod
    def _non_finite_prediction_error(unscaled):
        if np.isinf(unscaled).any() and not np.isnan(unscaled).any():
            return ValueError(
                "Some predictions overflow float64 once unscaled: they are beyond "
                "±1.8e308, the largest float, as forecasts of data this close to it "
                "can be. Divide the data by a large power of ten (e.g. 1e300) before "
                "fitting, and multiply the forecasts back."
            )
        return ValueError(
            "Some predictions are NaN or infinite once unscaled: the scaler's "
            "inverse_transform is not defined for every value the network predicts, "
            "or the recursive forecast diverged. Use a scaler whose inverse is "
            "defined everywhere (such as 'minmax'), or forecast fewer steps."
        )

    def _calibration_or_raise(self):
        if self._calibration is None:
            raise ValueError(
                "This model has no calibrated intervals: it was fitted with "
                "intervals=False. Fit it with intervals=True (for example "
                "model.set_params(intervals=True).fit(X, y)) to get intervals and "
                "quantiles."
            )
        return self._calibration

    def _shape_like_predict(self, values):
        if self.horizon_ == 1 and self._y_is_1d:
            return values[:, 0]
        return values

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
        """
        check_is_fitted(self)
        windows, known = self._validated_rows(X, self.horizon_)
        return self._shape_like_predict(self._forecast(windows, self.horizon_, known))

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
        windows, known = self._validated_rows(X, self.horizon_)
        values = self._forecast(windows, self.horizon_, known, quantiles=levels)
        return self._shape_like_predict(values)

    def score(self, X, y, sample_weight=None):
        """Return the R² of the forecasts of as many steps as ``y`` has columns.

        The forecasts are those of :meth:`predict`, for ``y.shape[1]`` steps
        (one step for a 1-D ``y``) whatever ``horizon_`` is, so a model fitted
        with ``horizon=12`` on one-step targets is scored on one-step targets.
        As for any regressor, the R² of several columns is their mean.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps)
            Histories with as many time steps as in ``fit``.
        y : array-like of shape (n_samples,) or (n_samples, h)
            The values that follow each row: one, or the next ``h``.
        sample_weight : array-like of shape (n_samples,), default=None
            Weights of the rows.

        Returns
        -------
        score : float
            R² of the ``h``-step forecasts against ``y``.
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
        steps = 1 if y.ndim == 1 else y.shape[1]
        windows, known = self._rows_of(X, steps)
        y_pred = self._forecast(windows, steps, known)
        if y.ndim == 1:
            y_pred = y_pred[:, 0]
        return float(r2_score(y, y_pred, sample_weight=sample_weight))

    def forecast(self, history, steps=None, *, coverage=None, covariates=None):
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
            and continues ``steps`` rows past its end.

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
            "upper")``).

        Raises
        ------
        ValueError
            If the history is too short, ends with missing values, has a time
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
        """
        check_is_fitted(self)
        steps = self.horizon_ if steps is None else steps
        if not isinstance(steps, Integral) or isinstance(steps, bool) or steps < 1:
            raise ValueError(f"steps must be a positive integer; got {steps!r}.")
        steps = int(steps)
        if coverage is not None:
            (coverage,) = check_levels(coverage, "coverage")
            self._calibration_or_raise().offsets([0.5], steps)
        if isinstance(history, pd.DataFrame):
            return forecast_panel(self, history, steps, coverage, covariates)
        values = _as_series_values(history, name="history")
        if len(values) < self.window_:
            raise ValueError(
                f"history has {len(values)} values but the model reads the last "
                f"window_={self.window_}; pass a longer history."
            )
        window = values[-self.window_ :].astype(np.float64)
        if not np.isfinite(window).all():
            raise ValueError(
                f"The last {self.window_} values of history contain NaN or infinite "
                "values; fill or drop them first (e.g. series.interpolate())."
            )
        index = None
        if isinstance(history, pd.Series):
            index = future_index(history.index, steps)
        known = history_covariates(self, history, covariates, steps, index)
        if coverage is None:
            y_pred = self._forecast(window[None, :], steps, known)[0]
            if index is None:
                return y_pred
            return pd.Series(y_pred, index=index, name=history.name)
        levels = np.array([(1 - coverage) / 2, (1 + coverage) / 2])
        point = self._forecast(window[None, :], steps, known)[0]
        bounds = self._forecast(window[None, :], steps, known, quantiles=levels)[0]
        return pd.DataFrame(
            {"forecast": point, "lower": bounds[:, 0], "upper": bounds[:, 1]}, index=index
        )

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
            is complete. ``.sklstm`` is a good extension.

        Raises
        ------
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
