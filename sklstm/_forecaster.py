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
from ._memory import check_network_size
from ._module import build_module, predict_recursive
from ._persistence import save_model
from ._scaling import fit_value_scaler, make_scaler, non_finite_error
from ._training import _OPTIMIZERS, WindowPairs, train
from ._validation import validate_input
from ._windowing import _as_series_values

# Rows predicted per chunk: bounds the memory of ``predict`` on many origins.
_PREDICT_CHUNK = 8192
# Values scaled per transform call in fit (about): bounds its temporaries on long data.
_SCALE_CHUNK = 1 << 16
# Parameters that count something. The ``Integral`` constraints accept numpy
# integers, which torch refuses, and booleans, which are no count.
_COUNT_PARAMS = (
    "window",
    "horizon",
    "hidden_size",
    "num_layers",
    "max_epochs",
    "batch_size",
    "n_iter_no_change",
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

    scaler : {"minmax", "standard"}, transformer or None, default="minmax"
        Transform of the values, fitted on the training values only (rows and
        targets together, as one column) and inverted on output. ``"minmax"``
        is ``MinMaxScaler(feature_range=(-1, 1))``, ``"standard"`` is
        ``StandardScaler()``. A transformer or ``Pipeline`` is cloned, never
        changed; its ``inverse_transform`` must undo its ``transform`` on the
        training values, else ``fit`` raises a ``ValueError``. ``None``
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

    max_epochs : int, default=50
        Maximum number of passes over the training pairs. The defaults of
        the training parameters were chosen on a benchmark for accuracy over
        seeds and speed together (``benchmarks/README.md``); a long series
        has many pairs per epoch and may need fewer epochs.

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
        The fitted network, mapping windows ``(batch, window)`` to the next
        value ``(batch,)`` in scaled units.

    loss_curve_ : list of float
        Mean training loss (scaled units) of each epoch.

    n_iter_ : int
        Number of epochs run.

    validation_scores_ : list of float or None
        With ``early_stopping``, the R² of one-step predictions on the
        validation pairs after each epoch (scaled units); else ``None``.

    best_validation_score_ : float or None
        The best of ``validation_scores_``; else ``None``.

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
            StrOptions({"minmax", "standard"}),
            HasMethods(["fit", "transform", "inverse_transform"]),
            None,
        ],
        "relative": ["boolean"],
        "linear_skip": ["boolean"],
        "cell": [StrOptions({"lstm", "gru"})],
        "hidden_size": [Interval(Integral, 1, None, closed="left")],
        "num_layers": [Interval(Integral, 1, None, closed="left")],
        "dropout": [Interval(Real, 0, 1, closed="left")],
        "max_epochs": [Interval(Integral, 1, None, closed="left")],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "learning_rate": [Interval(Real, 0, None, closed="neither")],
        "optimizer": [StrOptions(set(_OPTIMIZERS))],
        "weight_decay": [Interval(Real, 0, None, closed="left")],
        "early_stopping": ["boolean"],
        "validation_fraction": [Interval(Real, 0, 1, closed="neither")],
        "n_iter_no_change": [Interval(Integral, 1, None, closed="left")],
        "tol": [Interval(Real, 0, None, closed="left")],
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
        max_epochs=50,
        batch_size=32,
        learning_rate=0.008,
        optimizer="adam",
        weight_decay=0.0,
        early_stopping=False,
        validation_fraction=0.1,
        n_iter_no_change=10,
        tol=1e-4,
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
        self.max_epochs = max_epochs
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.optimizer = optimizer
        self.weight_decay = weight_decay
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.tol = tol
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

        The fitted scaler, weights and optimizer state are kept; on an
        unfitted estimator this is the same as ``fit``.

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
                optional = " or None" if name in ("window", "horizon") else ""
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
        window = self.n_features_in_ if self.window is None else int(self.window)
        if window > X.shape[1]:
            raise ValueError(
                f"window={window} is longer than the rows of X, which have "
                f"{X.shape[1]} time steps. Use window <= {X.shape[1]}, or make "
                "longer rows, e.g. make_windows(series, window=...)."
            )
        device = self._resolve_device()
        config = self._module_config(window)
        if continuing and config != self._module_config_:
            raise ValueError(self._changed_config_message(config, X, context))
        if not continuing:
            check_network_size(config, window, int(self.batch_size), device)

        seed = check_random_state(self.random_state).randint(np.iinfo(np.int32).max)
        scaler = self.scaler_ if continuing else make_scaler(self.scaler)
        sequences = self._scaled_sequences(scaler, X, Y, fit_scaler=not continuing)
        train_rows, valid_rows = self._split_rows(len(sequences))
        to_tensor = lambda rows: torch.as_tensor(sequences[rows], device=device)  # noqa: E731
        train_pairs = WindowPairs(to_tensor(train_rows), window)
        valid_pairs = WindowPairs(to_tensor(valid_rows), window) if valid_rows else None

        # Train a copy, so that an error mid-training leaves a fitted model intact.
        module = copy.deepcopy(self.module_) if continuing else build_module(seed, **config)
        result = train(
            module,
            train_pairs,
            valid_pairs,
            seed=seed,
            max_epochs=int(self.max_epochs),
            batch_size=int(self.batch_size),
            learning_rate=float(self.learning_rate),
            optimizer=self.optimizer,
            weight_decay=float(self.weight_decay),
            n_iter_no_change=int(self.n_iter_no_change),
            tol=float(self.tol),
            device=device,
            verbose=self.verbose,
            optimizer_state=self._optimizer_state if continuing and incremental else None,
        )
        self.module_ = module.eval()
        self._module_config_ = config
        self._optimizer_state = result.optimizer_state
        self.scaler_ = scaler
        self.window_ = window
        self.n_outputs_ = Y.shape[1]
        self.horizon_ = self.n_outputs_ if horizon is None else horizon
        self._y_is_1d = y.ndim == 1
        self.loss_curve_ = result.loss_curve
        self.n_iter_ = result.n_iter
        self.validation_scores_ = result.validation_scores
        self.best_validation_score_ = result.best_validation_score
        return self

    def _changed_config_message(self, config, X, context):
        """Why training cannot continue, and what to do, in the user's terms."""
        fitted = self._module_config_
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

    def _module_config(self, window=None):
        config = {
            "cell": self.cell,
            "hidden_size": int(self.hidden_size),
            "num_layers": int(self.num_layers),
            "dropout": float(self.dropout),
            "relative": bool(self.relative),
            "linear_skip": bool(self.linear_skip),
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

    @staticmethod
    def _scaled_sequences(scaler, X, Y, fit_scaler):
        """Rows followed by their targets, scaled, as float32."""
        if fit_scaler:
            # The scaler sees every training value as one column; that float64
            # copy is freed before the float32 result is built.
            fit_value_scaler(scaler, np.concatenate((X, Y), axis=1).reshape(-1, 1))
        n_x = X.shape[1]
        scaled = np.empty((len(X), n_x + Y.shape[1]), dtype=np.float32)
        # A few rows at a time, straight into float32, so that the transform's
        # float64 temporaries stay small on long data. Each value is scaled on
        # its own, so chunks give the same numbers as one call.
        step = max(1, _SCALE_CHUNK // scaled.shape[1])
        for start in range(0, len(X), step):
            rows = slice(start, start + step)
            for part, columns in ((X[rows], slice(0, n_x)), (Y[rows], slice(n_x, None))):
                # float64 as in the fit (y may arrive as float32): same rounding.
                column = part.astype(np.float64, copy=False).reshape(-1, 1)
                values = np.asarray(scaler.transform(column))
                if not np.isfinite(values).all():
                    raise non_finite_error()
                with np.errstate(over="ignore"):
                    scaled[rows, columns] = values.reshape(part.shape)
            if not np.isfinite(scaled[rows]).all():
                raise ValueError(
                    "The scaled training values exceed the range of float32 (about "
                    "3.4e38), in which the network computes. Use a scaler that brings "
                    "them to order one, such as scaler='minmax'."
                )
        return scaled

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
            in ``fit``.
        """
        check_is_fitted(self)
        X = validate_input(self, X, reset=False, dtype=np.float64)
        y_pred = self._predict_windows(X[:, -self.window_ :], self.horizon_)
        if self.horizon_ == 1 and self._y_is_1d:
            return y_pred.ravel()
        return y_pred

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
        y_pred = self._predict_windows(X[:, -self.window_ :], steps)
        if y.ndim == 1:
            y_pred = y_pred[:, 0]
        return float(r2_score(y, y_pred, sample_weight=sample_weight))

    def _predict_windows(self, windows, steps):
        """Recursive predictions in data units for windows of ``window_`` values."""
        device = next(self.module_.parameters()).device
        out = np.empty((len(windows), steps), dtype=np.float64)
        for start in range(0, len(windows), _PREDICT_CHUNK):
            chunk = windows[start : start + _PREDICT_CHUNK]
            scaled = self.scaler_.transform(chunk.reshape(-1, 1)).reshape(chunk.shape)
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
            pred = predict_recursive(self.module_, torch.as_tensor(scaled, device=device), steps)
            values = pred.double().cpu().numpy().reshape(-1, 1)
            with np.errstate(all="ignore"):
                unscaled = np.asarray(self.scaler_.inverse_transform(values), dtype=np.float64)
            if not np.isfinite(unscaled).all():
                raise self._non_finite_prediction_error(unscaled)
            out[start : start + len(chunk)] = unscaled.reshape(len(chunk), steps)
        return out

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

    def forecast(self, history, steps=None):
        """Forecast the values that follow one series.

        Parameters
        ----------
        history : array-like of shape (n_timesteps,) or pandas.Series
            The series, oldest value first, at least ``window_`` values long.
            Only its last ``window_`` values are read.
        steps : int, default=None
            Number of future values; ``horizon_`` when ``None``. Steps past
            the first are predicted recursively.

        Returns
        -------
        forecast : ndarray of shape (steps,) or pandas.Series
            A ``pandas.Series`` when ``history`` is one, with its name. Its
            index continues the history's: the future time stamps for a
            regular ``DatetimeIndex`` or ``PeriodIndex`` (whose name is kept),
            the next labels for an integer index with a regular step (years
            2010, 2011, ... after 1950 to 2009), else the positions that
            follow the history.

        Raises
        ------
        ValueError
            If the history is too short, ends with missing values, or has a
            time or integer index that is irregular, in decreasing order, or
            has too few dates to infer its frequency.
        """
        check_is_fitted(self)
        steps = self.horizon_ if steps is None else steps
        if not isinstance(steps, Integral) or isinstance(steps, bool) or steps < 1:
            raise ValueError(f"steps must be a positive integer; got {steps!r}.")
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
        y_pred = self._predict_windows(window[None, :], int(steps))[0]
        if not isinstance(history, pd.Series):
            return y_pred
        return pd.Series(y_pred, index=future_index(history.index, int(steps)), name=history.name)

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
