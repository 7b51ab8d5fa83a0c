"""Fitting an ``LSTMForecaster``: validation, scaling, training, calibration.

The estimator's ``fit`` and ``partial_fit`` call :func:`fit_forecaster`,
which validates the data and the parameters, scales the rows, trains the
ensemble (``sklstm._training``), calibrates the intervals
(``sklstm._intervals``) and sets the fitted attributes.
"""

import copy
import functools
import math

import numpy as np
import pandas as pd
import torch
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import InvalidParameterError

from ._forecasting import check_covariate_steps, forecast_scaled, row_layout
from ._intervals import StepCalibration, continuations, heldout_errors
from ._members import has_dropout, member_workers, train_members
from ._memory import check_network_size
from ._module import build_module
from ._scaling import (
    RowMinMax,
    make_covariate_scaler,
    make_scaler,
    scaled_covariates,
    scaled_future,
    scaled_sequences,
    warn_if_stacked_series,
)
from ._seasonal import guess_season
from ._selection import NETWORK, choose_method, simple_forecast
from ._threads import torch_threads
from ._training import WindowPairs, train
from ._validation import validate_input

# Torch threads of a fit: one (see sklstm._threads).
_FIT_THREADS = 1
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


def fit_forecaster(estimator, X, y, incremental):
    check_count_params(estimator)
    continuing = hasattr(estimator, "module_") and (incremental or estimator.warm_start)
    context = ("partial_fit" if incremental else "warm_start") if continuing else "fit"
    # validate_data sets n_features_in_ again before anything can fail: a
    # fit that fails must leave a fitted model as it was.
    before = {
        name: estimator.__dict__[name] for name in _INPUT_ATTRIBUTES if name in estimator.__dict__
    }
    try:
        with torch_threads(_FIT_THREADS):
            return fit_checked(estimator, X, y, incremental, continuing, context)
    except BaseException:
        if hasattr(estimator, "module_"):
            for name in _INPUT_ATTRIBUTES:
                estimator.__dict__.pop(name, None)
            estimator.__dict__.update(before)
        raise


def check_count_params(estimator):
    for name in _COUNT_PARAMS:
        value = getattr(estimator, name)
        if isinstance(value, (bool, np.bool_)):
            optional = " or None" if name in ("window", "horizon", "max_steps") else ""
            raise InvalidParameterError(
                f"The '{name}' parameter of {type(estimator).__name__} must be an int "
                f"in the range [1, inf){optional}. Got {value!r} instead: a boolean "
                f"is not a count; pass an int, e.g. {name}={int(value) or 1}."
            )


def fit_checked(estimator, X, y, incremental, continuing, context):
    scaler_choice = resolve_scaler(estimator.scaler, X)  # reads X's index, before validation
    X, y = validate_input(
        estimator,
        X,
        y,
        context=context,
        reset=context != "partial_fit",
        multi_output=True,
        y_numeric=True,
        dtype=np.float64,
    )
    layout = row_layout(estimator)
    Y = y.reshape(len(y), -1)
    horizon = None if estimator.horizon is None else int(estimator.horizon)
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
    if continuing and Y.shape[1] != estimator.n_outputs_:
        if context == "partial_fit":
            fix = (
                f"partial_fit continues the fitted model, so y must keep "
                f"{estimator.n_outputs_} column(s). To train on these targets, fit a new "
                "model: model.fit(X, y), or clone(model).fit(X, y) to keep this one."
            )
        else:
            fix = "Use warm_start=False to fit a new model."
        raise ValueError(
            f"y has {Y.shape[1]} column(s) but the model was fitted with "
            f"{estimator.n_outputs_}. {fix}"
        )
    check_covariate_steps(layout, Y.shape[1], horizon_)
    window = default_window(estimator, layout.n_lags)
    if window > layout.n_lags:
        raise ValueError(
            f"window={window} is longer than the rows of X, which have "
            f"{layout.n_lags} time steps. Use window <= {layout.n_lags}, or make "
            "longer rows, e.g. make_windows(series, window=...)."
        )
    device = resolve_device(estimator)
    if not continuing and estimator.scaler == "auto" and scaler_choice == "minmax":
        warn_if_stacked_series(X[:, columns_view(layout.target)])
    scaler = estimator.scaler_ if continuing else make_scaler(scaler_choice)
    row_scaled = isinstance(scaler, RowMinMax)
    config = module_config(estimator, window, len(layout.covariates), row_scaled)
    n_members = int(estimator.n_estimators)
    if continuing and (config != estimator._module_config_ or n_members != len(estimator.module_)):
        raise ValueError(changed_config_message(estimator, config, X, context))
    if not continuing:
        check_network_size(config, window, int(estimator.batch_size), device, n_members)

    rng = check_random_state(estimator.random_state)
    seeds = rng.randint(np.iinfo(np.int32).max, size=n_members)
    target = X[:, columns_view(layout.target)]
    sequences = scaled_sequences(scaler, target, Y, fit_scaler=not continuing)
    covariates = None
    covariate_scaler = None
    if layout.covariates:
        covariate_scaler = estimator.covariate_scaler_ if continuing else make_covariate_scaler()
        covariates = scaled_covariates(
            covariate_scaler,
            X[:, layout.covariate_lags],
            # All the future steps the rows carry: training reads those of
            # the targets, the calibration those of the whole horizon.
            X[:, layout.covariate_steps],
            fit_scaler=not continuing,
        )

    # Train a copy, so that an error mid-training leaves a fitted model intact.
    module = copy.deepcopy(estimator.module_) if continuing else build_module(seeds, **config)
    result = train_ensemble(
        estimator,
        module,
        sequences,
        covariates,
        slice(None),
        window,
        seeds,
        device,
        optimizer_state=estimator._optimizer_state if continuing and incremental else None,
        linear_start=not continuing,
    )
    calibration, method, scores, season = None, NETWORK, None, None
    if (estimator.intervals or estimator.fallback) and not continuing:
        calibration, method, scores, season = heldout_choice(
            estimator,
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
        calibration = estimator._calibration
        # Models saved before the fallback existed forecast with the network.
        method = getattr(estimator, "method_", NETWORK)
        scores = getattr(estimator, "heldout_scores_", None)
        season = getattr(estimator, "season_length_", None)
    estimator.method_ = method
    estimator.heldout_scores_ = scores
    estimator.season_length_ = season
    estimator.module_ = module.eval()
    estimator._module_config_ = config
    estimator._optimizer_state = result.optimizer_state
    estimator.scaler_ = scaler
    if covariate_scaler is not None:
        estimator.covariate_scaler_ = covariate_scaler
        estimator.covariates_ = list(layout.covariates)
    estimator.window_ = window
    estimator.n_outputs_ = Y.shape[1]
    estimator.horizon_ = horizon_
    estimator._y_is_1d = y.ndim == 1
    estimator._calibration = calibration
    estimator._ensemble_size = n_members
    estimator.loss_curve_ = result.loss_curve
    estimator.n_iter_ = result.n_iter
    estimator.validation_scores_ = result.validation_scores
    estimator.best_validation_score_ = result.best_validation_score
    return estimator


def train_ensemble(
    estimator, module, sequences, covariates, rows, window, seeds, device, **kwargs
):
    """Train ``module`` on the pairs of ``sequences[rows]``; the last rows validate."""
    sequences = sequences[rows]
    covariates = None if covariates is None else covariates[rows]
    train_rows, valid_rows = split_rows(estimator, len(sequences))

    def pairs(part):
        if part is None:
            return None
        known = None
        if covariates is not None:
            known = torch.as_tensor(covariates[part], device=device)
        return WindowPairs(torch.as_tensor(sequences[part], device=device), window, known)

    # One progress bar: verbose fits train the members in one pass.
    dropout = has_dropout(module)
    workers = 1 if estimator.verbose else member_workers(len(seeds), device, dropout)
    fit = train if workers < 2 else functools.partial(train_members, workers=workers)
    return fit(
        module,
        pairs(train_rows),
        pairs(valid_rows),
        seeds=seeds,
        max_epochs=int(estimator.max_epochs),
        max_steps=None if estimator.max_steps is None else int(estimator.max_steps),
        batch_size=int(estimator.batch_size),
        learning_rate=float(estimator.learning_rate),
        optimizer=estimator.optimizer,
        weight_decay=float(estimator.weight_decay),
        n_iter_no_change=int(estimator.n_iter_no_change),
        tol=float(estimator.tol),
        device=device,
        verbose=estimator.verbose,
        **kwargs,
    )


def default_window(estimator, n_lags):
    """The user's window, else two seasons (at least 8) with ``season_length``, else the row."""
    if estimator.window is not None:
        return int(estimator.window)
    if estimator.season_length is not None:
        return min(max(2 * int(estimator.season_length), 8), n_lags)
    return n_lags


def heldout_choice(estimator, values, n_lags, scaler, sequences, covariates, window, steps, **fit):
    """The interval calibration, the method, the candidates' held-out scores, the season.

    Both come from one held-out run (:func:`heldout_forecasts`). Without
    ``intervals`` a run that cannot be made leaves the network forecasting.
    """
    held = heldout_forecasts(
        estimator,
        values,
        n_lags,
        scaler,
        sequences,
        covariates,
        window,
        steps,
        required=estimator.intervals,
        **fit,
    )
    if held is None:
        return None, NETWORK, None, None
    origins, future, forecasts, units = held
    method, scores, season = NETWORK, None, None
    if estimator.fallback:
        season = season_of(estimator, values, n_lags, window)
        method, scores = choose_method(origins, future, forecasts, season)
        if method != NETWORK:
            forecasts = simple_forecast(origins, steps, method, season)
    calibration = None
    if estimator.intervals:
        calibration = StepCalibration(heldout_errors(future, forecasts, units))
    return calibration, method, scores, season


def season_of(estimator, values, n_lags, window):
    """``season_length``, else the season :func:`guess_season` finds in the rows, or ``None``."""
    if estimator.season_length is not None:
        return int(estimator.season_length)
    return guess_season(values, n_lags, window)


def heldout_forecasts(
    estimator, values, n_lags, scaler, sequences, covariates, window, steps, required, **fit
):
    """Recursive forecasts from the most recent origins by an ensemble trained without them.

    A second ensemble, like the first but trained without the most recent
    ``calibration_fraction`` of the rows, forecasts ``steps`` values from
    each of those held-out origins. What actually followed them comes
    from the rows themselves (:func:`continuations` of ``values``: each
    row's ``n_lags`` history values and its targets, in data units;
    ``sequences`` holds the same in the network's units).

    Returns ``(origins, future, forecasts, units)`` in the network's units
    (NaN where what followed is unknown), or ``None`` when the rows cannot
    give such origins and ``required`` is false (else a ``ValueError``).
    """
    n_rows = len(sequences)
    future, n_series = continuations(values, n_lags, steps)
    # At least two horizons of each series' most recent origins (rows of many
    # series interleave by time), at most half of the rows.
    n_held = max(math.ceil(estimator.calibration_fraction * n_rows), 2 * steps * n_series)
    n_held = min(n_held, n_rows // 2)
    if n_held < 1 or n_rows - n_held < 2:
        if not required:
            return None
        raise ValueError(
            f"intervals=True holds out the most recent rows to calibrate the "
            f"intervals, but X has only {n_rows} row(s). Pass more rows, or set "
            "intervals=False."
        )
    held = slice(n_rows - n_held, None)
    future = future[held]
    reached = np.isfinite(future).any(axis=0)
    if not reached.all():
        if not required:
            return None
        raise ValueError(
            f"intervals=True needs the actual values {steps} steps after held-out "
            f"origins, but the rows do not reach step {int(np.argmin(reached)) + 1}: each "
            "row's targets and the rows that continue it (one step later) give what "
            f"followed it. Cut the rows with make_windows(series, window, "
            f"horizon={steps}) or from a longer series, or set intervals=False."
        )
    seeds = fit["rng"].randint(np.iinfo(np.int32).max, size=int(estimator.n_estimators))
    module = build_module(seeds, **fit["config"])
    rows = slice(0, n_rows - n_held)
    train_ensemble(
        estimator,
        module,
        sequences,
        covariates,
        rows,
        window,
        seeds,
        fit["device"],
        linear_start=True,
    )
    future = scaled_future(scaler, values[held, :n_lags], future)
    origins = sequences[held, n_lags - window : n_lags]
    known = None
    if covariates is not None:
        known = covariates[held, n_lags - window : n_lags + steps]
    forecasts, units = forecast_scaled(module.eval(), origins, steps, known, fit["device"])
    return origins, future, forecasts, units


def changed_config_message(estimator, config, X, context):
    """Why training cannot continue, and what to do, in the user's terms."""
    fitted = {**estimator._module_config_, "n_estimators": len(estimator.module_)}
    config = {**config, "n_estimators": int(estimator.n_estimators)}
    old_window = fitted.get("window")
    if estimator.window is None and old_window is not None and config["window"] != old_window:
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


def module_config(estimator, window=None, n_covariates=0, row_scaled=False):
    config = {
        "cell": estimator.cell,
        "hidden_size": int(estimator.hidden_size),
        "num_layers": int(estimator.num_layers),
        "dropout": float(estimator.dropout),
        "relative": bool(estimator.relative),
        # A linear skip is a ridge fitted before training (sklstm._module).
        "linear_skip": "ridge" if estimator.linear_skip else False,
        "window_scaling": member_window_scaling(estimator, row_scaled),
        "n_covariates": int(n_covariates),
    }
    if estimator.linear_skip:
        # Only the linear path has a fixed input length; the recurrent
        # core alone can continue training on a different window.
        window = estimator.window if window is None else window
        config["window"] = None if window is None else int(window)
    return config


def columns_view(columns):
    """``columns`` as a slice where they are consecutive, so that indexing gives a view."""
    columns = np.asarray(columns)
    if len(columns) and np.array_equal(columns, np.arange(columns[0], columns[0] + len(columns))):
        return slice(int(columns[0]), int(columns[0]) + len(columns))
    return columns


def resolve_scaler(scaler, X):
    """What ``scaler="auto"`` stands for: ``"row"`` for a panel's rows, else ``"minmax"``.

    The rows of a panel (``make_windows`` of a wide DataFrame) carry a
    ``(time, series)`` index; series of different magnitudes then share the
    network only when each row is scaled by its own history.
    """
    if not (isinstance(scaler, str) and scaler == "auto"):
        return scaler
    index = getattr(X, "index", None)
    return "row" if isinstance(index, pd.MultiIndex) and index.nlevels == 2 else "minmax"


def member_window_scaling(estimator, row_scaled=False):
    """Whether each network of the ensemble scales its windows: one bool per member."""
    n = int(estimator.n_estimators)
    if row_scaled:
        # Rows scaled one by one leave no common unit for unscaled windows.
        return [True] * n
    if estimator.window_scaling == "alternate":
        return [e % 2 == 0 for e in range(n)]
    return [bool(estimator.window_scaling)] * n


def resolve_device(estimator):
    if estimator.device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if estimator.device == "cuda" and not torch.cuda.is_available():
        raise ValueError(
            "device='cuda' was requested but torch sees no CUDA GPU. Use "
            "device='cpu', or device='auto' to use a GPU only when present."
        )
    return estimator.device


def split_rows(estimator, n_rows):
    """Rows for training and for validation: the last rows validate."""
    if not estimator.early_stopping:
        return slice(None), None
    n_valid = math.ceil(estimator.validation_fraction * n_rows)
    if n_rows - n_valid < 1:
        raise ValueError(
            f"early_stopping needs at least one training row after holding out "
            f"validation_fraction={estimator.validation_fraction} of the rows, but "
            f"X has only {n_rows} sample(s). Pass more rows, a smaller "
            "validation_fraction, or set early_stopping=False."
        )
    return slice(0, n_rows - n_valid), slice(n_rows - n_valid, None)
