"""Forecasts from a fitted ensemble: the recursion in scaled units, panels, covariates.

Helpers of ``LSTMForecaster.predict`` and ``LSTMForecaster.forecast``: they
take the fitted estimator's parts (network, scalers, row layout) and know
nothing of how it was trained.
"""

import warnings

import numpy as np
import pandas as pd
import torch
from sklearn.metrics import r2_score

from ._forecast_index import future_index
from ._gaps import panel_window_gaps, window_gaps
from ._layout import RowLayout
from ._module import predict_recursive
from ._scaling import RowMinMax, scaled_covariates
from ._selection import NETWORK, simple_forecast
from ._threads import torch_threads
from ._validation import validate_input
from ._windowing import _as_series_values

# Rows predicted per chunk: bounds the memory of ``predict`` on many origins.
_PREDICT_CHUNK = 8192
# Torch threads of a prediction (see sklstm._threads): one, as in fit; 10,000
# series forecast 12 steps ahead faster with one thread than with two on
# this project's 2-core benchmark machine when the other core is busy.
_PREDICT_THREADS = 1


def _steps(n):
    return "1 step" if n == 1 else f"{n} steps"


def forecast_scaled(module, windows, steps, covariates=None, device="cpu"):
    """Recursive forecasts of the ensemble in scaled units, and each origin's unit.

    ``windows`` (float32, ``(n, window)``) and ``covariates`` (float32,
    ``(n, window + steps, n_covariates)``) are in the network's units.
    Returns ``(forecasts, units)``: float64 arrays of shape ``(n, steps)`` and
    ``(n,)``, the unit being the scale of each origin's window when the
    network scales windows (else 1), in which interval offsets are measured.
    """
    x = torch.as_tensor(windows, device=device)
    known = None if covariates is None else torch.as_tensor(covariates, device=device)
    forecasts = predict_recursive(module, x, steps, known)
    with torch.no_grad():
        units = module.members[0].scale(x).squeeze(-1)
    return forecasts.cpu().numpy(), units.double().cpu().numpy()


def check_covariate_steps(layout, n_outputs, horizon):
    """Rows with covariates must carry the covariates of every step they train and predict."""
    if not layout.covariates:
        return
    needed = max(n_outputs, horizon)
    if layout.n_steps < needed:
        what = f"targets of {n_outputs} steps" if n_outputs > horizon else f"horizon={horizon}"
        raise ValueError(
            f"The rows of X carry {layout.n_steps} future value(s) of each covariate, "
            f"but {what} needs {needed}: the network reads the covariates of every "
            "step it predicts. Cut the rows with make_windows(series, window, "
            f"horizon={needed}, covariates=...), or set horizon={layout.n_steps}."
        )


def history_covariates(estimator, history, covariates, steps, index):
    """The scaled covariates of ``forecast``: the last ``window_`` steps and ``steps`` more.

    ``index`` is the future index of a pandas history (``None`` for arrays).
    Returns ``None`` for a model without covariates.
    """
    names = getattr(estimator, "covariates_", None)
    window = estimator.window_
    if not names:
        if covariates is not None:
            raise ValueError(
                "covariates were given, but the model was fitted without covariates: "
                "its rows of X held the target's history only. Leave covariates out, "
                "or fit on rows made with make_windows(series, window, covariates=...)."
            )
        return None
    if covariates is None:
        raise ValueError(
            f"The model was fitted with covariates {names}: forecast needs their "
            f"values for the last {window} steps of the history and the {steps} "
            "future steps, e.g. forecast(history, steps, covariates=frame)."
        )
    needed = window + steps
    if isinstance(covariates, pd.Series):
        covariates = covariates.to_frame()
    if isinstance(covariates, pd.DataFrame):
        twice = covariates.columns[covariates.columns.duplicated()].unique()
        if len(twice):
            raise ValueError(
                f"covariates has duplicated column names {list(twice)}; keep one column "
                "per covariate."
            )
        missing_columns = [name for name in names if name not in covariates.columns]
        if missing_columns:
            raise ValueError(
                f"covariates has no column(s) {missing_columns}; the model was fitted "
                f"with {names}."
            )
        frame = covariates[names]
        if index is not None:
            wanted = history.index[-window:].append(index)
            twice = frame.index[frame.index.duplicated()].intersection(wanted)
            if len(twice):
                shown = ", ".join(str(stamp) for stamp in twice[:5])
                raise ValueError(
                    f"covariates has several rows for {len(twice)} of the time stamps "
                    f"the forecast needs: {shown}. Keep one row per time stamp."
                )
            missing = wanted.difference(frame.index)
            if len(missing):
                shown = ", ".join(str(stamp) for stamp in missing[:5])
                more = f" and {len(missing) - 5} more" if len(missing) > 5 else ""
                raise ValueError(
                    f"covariates has no rows for {len(missing)} of the {needed} time "
                    f"stamps the forecast needs ({window} of the history's last steps "
                    f"and {steps} future steps): {shown}{more}. Add them: forecasting "
                    f"{steps} steps needs the covariates up to {index[-1]}."
                )
            values = frame.loc[wanted].to_numpy(dtype=np.float64)
        else:
            values = _aligned_rows(frame.to_numpy(dtype=np.float64), len(history), window, steps)
    else:
        array = np.asarray(covariates, dtype=np.float64)
        if array.ndim == 1:
            array = array[:, None]
        if array.ndim != 2 or array.shape[1] != len(names):
            raise ValueError(
                f"covariates must have one column per covariate {names}; got shape {array.shape}."
            )
        values = _aligned_rows(array, len(history), window, steps)
    if not np.isfinite(values).all():
        raise ValueError(
            "covariates holds NaN or infinite values among the rows the forecast "
            "needs; fill them first."
        )
    lags = values[None, :window].transpose(0, 2, 1)
    future = values[None, window:].transpose(0, 2, 1)
    return scaled_covariates(estimator.covariate_scaler_, lags, future, fit_scaler=False)


def _aligned_rows(array, n_history, window, steps):
    """The rows of covariates aligned with a history of ``n_history`` values, then ``steps``."""
    if len(array) < n_history + steps:
        short = n_history + steps - len(array)
        raise ValueError(
            f"covariates has {len(array)} rows, aligned with the {n_history} values of "
            f"the history, so it reaches {len(array) - n_history} step(s) past it; "
            f"forecasting {steps} steps needs {n_history + steps} rows ({short} more)."
        )
    return array[n_history - window : n_history + steps]


def forecast_panel(estimator, panel, steps, coverage, covariates, missing="raise"):
    """``forecast`` of a wide DataFrame: one column of forecasts per series."""
    window = estimator.window_
    if panel.shape[1] == 0:
        raise ValueError("The panel has no columns: pass one column per series.")
    if panel.columns.duplicated().any():
        duplicated = list(panel.columns[panel.columns.duplicated()][:5])
        raise ValueError(f"The panel has duplicated column names {duplicated}; rename them.")
    if len(panel) < window:
        raise ValueError(
            f"The panel has {len(panel)} time steps but the model reads the last "
            f"window_={window}; pass a longer history."
        )
    try:
        values = panel.to_numpy(dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise TypeError(
            "The panel must hold numbers, one column per series; convert text columns "
            "first, e.g. panel.apply(pandas.to_numeric)."
        ) from exc
    index = future_index(panel.index, steps)
    windows = panel_window_gaps(estimator, panel, values, values[-window:].T.copy(), missing)
    complete = np.isfinite(windows).all(axis=1)
    if not complete.all():
        names = list(panel.columns[~complete])
        shown = ", ".join(map(str, names[:5]))
        if len(names) > 5:
            shown += f" and {len(names) - 5} more"
        warnings.warn(
            f"{len(names)} series have missing values among their last {window} time "
            f"steps (they end before the panel does, or have gaps): {shown}. Their "
            "forecasts are NaN; fill the gaps, or forecast them from their own end.",
            UserWarning,
            stacklevel=3,
        )
    known = None
    if getattr(estimator, "covariates_", None) or covariates is not None:
        known = history_covariates(estimator, panel.iloc[:, 0], covariates, steps, index)
        known = np.repeat(known, int(complete.sum()), axis=0)
    point = np.full((len(windows), steps), np.nan)
    point[complete] = forecast_values(estimator, windows[complete], steps, known)
    if coverage is None:
        return pd.DataFrame(point.T, index=index, columns=panel.columns)
    bounds = np.full((len(windows), steps, 2), np.nan)
    levels = np.array([(1 - coverage) / 2, (1 + coverage) / 2])
    bounds[complete] = forecast_values(
        estimator, windows[complete], steps, known, quantiles=levels
    )
    parts = {"forecast": point, "lower": bounds[..., 0], "upper": bounds[..., 1]}
    columns = pd.MultiIndex.from_tuples(
        [(name, part) for name in panel.columns for part in parts], names=["series", None]
    )
    data = np.stack([parts[part] for part in parts], axis=1).reshape(-1, steps)
    return pd.DataFrame(data.T, index=index, columns=columns)


def forecast_series(estimator, history, steps, coverage, covariates, missing="raise"):
    """``forecast`` of one series: its last ``window_`` values, on its future index.

    A gap in those values is refused or filled as ``missing`` says.
    """
    values = _as_series_values(history, name="history")
    if len(values) < estimator.window_:
        raise ValueError(
            f"history has {len(values)} values but the model reads the last "
            f"window_={estimator.window_}; pass a longer history."
        )
    window = values[-estimator.window_ :].astype(np.float64)
    if np.isnan(window).any():
        labels = history.index if isinstance(history, pd.Series) else range(len(values))
        window = window_gaps(estimator, values.astype(np.float64), labels, missing)
    if not np.isfinite(window).all():
        raise ValueError(
            f"The last {estimator.window_} values of history contain infinite values; "
            "replace them first."
        )
    index = None
    if isinstance(history, pd.Series):
        index = future_index(history.index, steps)
    known = history_covariates(estimator, history, covariates, steps, index)
    if index is None and coverage is not None:
        # A frame needs an index: the positions that follow the history.
        index = pd.RangeIndex(len(values), len(values) + steps)
    if coverage is None:
        y_pred = forecast_values(estimator, window[None, :], steps, known)[0]
        if index is None:
            return y_pred
        return pd.Series(y_pred, index=index, name=history.name)
    levels = np.array([(1 - coverage) / 2, (1 + coverage) / 2])
    point = forecast_values(estimator, window[None, :], steps, known)[0]
    bounds = forecast_values(estimator, window[None, :], steps, known, quantiles=levels)[0]
    return pd.DataFrame(
        {"forecast": point, "lower": bounds[:, 0], "upper": bounds[:, 1]}, index=index
    )


def validated_rows(estimator, X, steps):
    """``X`` checked, cut into the network's windows and scaled covariates."""
    X = validate_input(estimator, X, reset=False, dtype=np.float64)
    return rows_of(estimator, X, steps)


def score_steps(estimator, y):
    """The steps ``score`` forecasts: ``horizon_``, which ``y``'s columns must match."""
    columns = 1 if y.ndim == 1 else y.shape[1]
    if columns != estimator.horizon_:
        raise ValueError(
            f"score is the R² of predict(X) against y, and predict returns "
            f"{_steps(estimator.horizon_)} (horizon_={estimator.horizon_}), but y has "
            f"{columns} column(s). Pass targets of {_steps(estimator.horizon_)} "
            f"(make_windows(series, window, horizon={estimator.horizon_})), or fit "
            f"with horizon={columns} to score {_steps(columns)} forecasts."
        )
    return columns


def r2(y, y_pred, sample_weight=None):
    """R² of ``y_pred`` against ``y``, at any magnitude.

    R² does not change when both are divided by one number, and their squares
    overflow above about 1.3e154: so both are first divided by the power of
    two nearest their largest magnitude, which rounds nothing.
    """
    magnitude = max(np.max(np.abs(y), initial=0.0), np.max(np.abs(y_pred), initial=0.0))
    if np.isfinite(magnitude) and magnitude > 0:
        unit = np.ldexp(1.0, int(np.frexp(magnitude)[1]))
        y, y_pred = y / unit, y_pred / unit
    return float(r2_score(y, y_pred, sample_weight=sample_weight))


def row_layout(estimator):
    """Where the target's history and the covariates sit in a row of ``X``."""
    names = getattr(estimator, "feature_names_in_", None)
    return RowLayout.from_feature_names(names, estimator.n_features_in_)


def rows_of(estimator, X, steps):
    layout = row_layout(estimator)
    columns = layout.target[-estimator.window_ :]
    # A slice keeps a view: an index array would copy every row's window,
    # memory that grows with the number of rows (chunks are scaled later).
    contiguous = np.all(np.diff(columns) == 1)
    windows = X[:, columns[0] : columns[-1] + 1] if contiguous else X[:, columns]
    if not layout.covariates:
        return windows, None
    if steps > layout.n_steps:
        raise ValueError(
            f"Forecasting {_steps(steps)} needs the covariates of each predicted "
            f"step, but the rows of X carry {_steps(layout.n_steps)} of future "
            f"covariates. Cut the rows with make_windows(..., horizon={steps}, "
            "covariates=...), or call forecast(history, steps, covariates=...)."
        )
    lags = X[:, layout.covariate_lags[:, -estimator.window_ :]]
    future = X[:, layout.covariate_steps[:, :steps]]
    known = scaled_covariates(estimator.covariate_scaler_, lags, future, fit_scaler=False)
    return windows, known


def forecast_values(estimator, windows, steps, covariates=None, quantiles=None):
    """Recursive forecasts in data units: ``(n, steps)``, or ``(n, steps, n_quantiles)``.

    ``windows`` holds ``window_`` values per row in data units;
    ``covariates`` (scaled) those of the window's steps and of the
    ``steps`` predicted ones.
    """
    out_shape = (len(windows), steps) + (() if quantiles is None else (len(quantiles),))
    out = np.empty(out_shape, dtype=np.float64)
    offsets = None
    if quantiles is not None:
        offsets = calibration_of(estimator).offsets(quantiles, steps)
    device = next(estimator.module_.parameters()).device
    with torch_threads(_PREDICT_THREADS):
        for start in range(0, len(windows), _PREDICT_CHUNK):
            chunk = slice(start, start + _PREDICT_CHUNK)
            scaled, statistics = scale_windows(estimator, windows[chunk])
            known = None if covariates is None else covariates[chunk]
            values, units = forecast_method(estimator, scaled, steps, known, device)
            if offsets is not None:
                values = values[:, :, None] + units[:, None, None] * offsets[None]
            out[chunk] = unscale(estimator, values, statistics)
    if quantiles is not None:
        # An inverse transform that reverses the order would swap them.
        out.sort(axis=-1)
    return out


def forecast_method(estimator, scaled, steps, known, device):
    """``forecast_scaled`` of the fitted method: the network or the simple forecast."""
    method = getattr(estimator, "method_", NETWORK)
    if method == NETWORK:
        return forecast_scaled(estimator.module_, scaled, steps, known, device)
    with torch.no_grad():
        x = torch.as_tensor(scaled, device=device)
        units = estimator.module_.members[0].scale(x).squeeze(-1).double().cpu().numpy()
    return simple_forecast(scaled, steps, method, estimator.season_length_), units


def scale_windows(estimator, windows):
    """Windows in the network's units, and the per-row statistics of ``scaler="row"``."""
    statistics = None
    if isinstance(estimator.scaler_, RowMinMax):
        statistics = estimator.scaler_.statistics(windows)
        scaled = estimator.scaler_.transform(windows, statistics)
    else:
        scaled = estimator.scaler_.transform(windows.reshape(-1, 1)).reshape(windows.shape)
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


def unscale(estimator, values, statistics=None):
    """``values`` (rows first) in data units."""
    with np.errstate(all="ignore"):
        if statistics is not None:
            shape = (len(values),) + (1,) * (values.ndim - 1)
            centre, scale = (part.reshape(shape) for part in statistics)
            unscaled = estimator.scaler_.inverse_transform(values, (centre, scale))
        else:
            flat = estimator.scaler_.inverse_transform(values.reshape(-1, 1))
            unscaled = np.asarray(flat, dtype=np.float64).reshape(values.shape)
    if not np.isfinite(unscaled).all():
        raise non_finite_prediction_error(unscaled)
    return unscaled


def non_finite_prediction_error(unscaled):
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


def calibration_of(estimator):
    if estimator._calibration is None:
        raise ValueError(
            "This model has no calibrated intervals: it was fitted with "
            "intervals=False. Fit it with intervals=True (for example "
            "model.set_params(intervals=True).fit(X, y)) to get intervals and "
            "quantiles."
        )
    return estimator._calibration


def shape_like_predict(estimator, values):
    if estimator.horizon_ == 1 and estimator._y_is_1d:
        return values[:, 0]
    return values
