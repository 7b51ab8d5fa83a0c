"""Forecasts from a fitted ensemble: the recursion in scaled units, panels, covariates.

Helpers of ``LSTMForecaster.predict`` and ``LSTMForecaster.forecast``: they
take the fitted estimator's parts (network, scalers, row layout) and know
nothing of how it was trained.
"""

import warnings

import numpy as np
import pandas as pd
import torch

from ._forecast_index import future_index
from ._module import predict_recursive
from ._scaling import scaled_covariates


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
        missing_columns = [name for name in names if name not in covariates.columns]
        if missing_columns:
            raise ValueError(
                f"covariates has no column(s) {missing_columns}; the model was fitted "
                f"with {names}."
            )
        frame = covariates[names]
        if index is not None:
            wanted = history.index[-window:].append(index)
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


def forecast_panel(estimator, panel, steps, coverage, covariates):
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
    windows = values[-window:].T
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
    point[complete] = estimator._forecast(windows[complete], steps, known)
    if coverage is None:
        return pd.DataFrame(point.T, index=index, columns=panel.columns)
    bounds = np.full((len(windows), steps, 2), np.nan)
    levels = np.array([(1 - coverage) / 2, (1 + coverage) / 2])
    bounds[complete] = estimator._forecast(windows[complete], steps, known, quantiles=levels)
    parts = {"forecast": point, "lower": bounds[..., 0], "upper": bounds[..., 1]}
    columns = pd.MultiIndex.from_tuples(
        [(name, part) for name in panel.columns for part in parts], names=["series", None]
    )
    data = np.stack([parts[part] for part in parts], axis=1).reshape(-1, steps)
    return pd.DataFrame(data.T, index=index, columns=columns)
