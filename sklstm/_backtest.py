"""Rolling-origin evaluation on the time axis: ``backtest``."""

from numbers import Integral, Real
from typing import NamedTuple

import numpy as np
import pandas as pd
from joblib import Parallel, delayed
from sklearn.base import clone
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions, validate_params

from ._forecasting import forecast_values
from ._gaps import FORECAST_OPTIONS, check_time_steps, window_gaps
from ._long import bound_names, is_long, wide_frame
from ._windowing import _as_series_values, make_windows


class BacktestResult(NamedTuple):
    """What :func:`backtest` returns: the forecasts and their scores.

    Attributes
    ----------
    forecasts : pandas.DataFrame
        One row per (series, cutoff, step).
    by_step : pandas.DataFrame
        The scores of each step ahead, over every series and cutoff.
    by_series : pandas.DataFrame
        The scores of each series, over every cutoff and step.
    """

    forecasts: pd.DataFrame
    by_step: pd.DataFrame
    by_series: pd.DataFrame


@validate_params(
    {
        "model": [HasMethods(["fit", "forecast"])],
        "data": ["array-like"],
        "horizon": [Interval(Integral, 1, None, closed="left")],
        "n_windows": [Interval(Integral, 1, None, closed="left")],
        "step": [Interval(Integral, 1, None, closed="left")],
        "refit": ["boolean", Interval(Integral, 1, None, closed="left")],
        "coverage": [Interval(Real, 0, 1, closed="neither"), None],
        "n_jobs": [Integral, None],
        "window": [Interval(Integral, 1, None, closed="left"), None],
        "season": [Interval(Integral, 1, None, closed="left")],
        "missing": [StrOptions(set(FORECAST_OPTIONS))],
        "id_col": "no_validation",
        "time_col": "no_validation",
        "target_col": "no_validation",
    },
    prefer_skip_nested_validation=True,
)
def backtest(
    model,
    data,
    horizon,
    n_windows,
    *,
    step=1,
    refit=True,
    coverage=None,
    n_jobs=None,
    window=None,
    season=1,
    missing="raise",
    id_col="unique_id",
    time_col="ds",
    target_col="y",
):
    """Evaluate a forecaster at rolling origins on the time axis.

    The last ``n_windows`` forecast origins (*cutoffs*), ``step`` time steps
    apart, end ``horizon`` steps before the data do. At each cutoff the model
    forecasts the next ``horizon`` values of every series from the history up
    to the cutoff, and the forecasts are compared with what followed. A model
    is a clone with ``horizon=horizon``, fitted on the rows that
    :func:`make_windows` cuts from the history up to a cutoff (``window``
    values and the next one per row; rows that touch a gap are left out); it
    never sees a later value of any series: the cutoffs are time stamps
    shared by all series.

    The model is cloned for every fit; the one passed in is never changed.

    Parameters
    ----------
    model : LSTMForecaster
        An estimator with ``fit`` and ``forecast``, fitted or not (it is
        cloned). Its ``horizon`` must be ``None`` or ``horizon``.
    data : array-like, pandas.Series or pandas.DataFrame
        One series; a wide panel (one column per series on a shared, equally
        spaced index); or long data (columns ``id_col``, ``time_col``,
        ``target_col``), series of different lengths and start dates.
    horizon : int
        Number of steps forecast from each cutoff.
    n_windows : int
        Number of cutoffs.
    step : int, default=1
        Time steps between consecutive cutoffs.
    refit : bool or int, default=True
        When to fit. ``True``: at every cutoff, on the history up to it.
        ``False``: once, at the first cutoff; later cutoffs forecast from
        their own (longer) history with that fit. An int ``k``: at the first
        cutoff and every ``k``-th one after it.
    coverage : float, default=None
        Also return the bounds of intervals of this coverage (``lo-<pct>``,
        ``hi-<pct>``) and score their coverage; the model must have
        ``intervals=True``.
    n_jobs : int, default=None
        Number of fits run in parallel by joblib (``None``: one, unless in a
        ``joblib.parallel_config`` context; ``-1``: all processors).
    window : int, default=None
        Values per row of the training windows; the model's ``window`` when
        ``None``.
    season : int, default=1
        Season length of the naive forecast that scales MASE.
    missing : {"raise", "fill"}, default="raise"
        What a cutoff whose window holds a gap does, as in
        ``LSTMForecaster.forecast``: refuse, or fill the gap with the model's
        own one-step forecasts.
    id_col, time_col, target_col : str, default="unique_id", "ds", "y"
        The columns of long data.

    Returns
    -------
    result : BacktestResult
        A named tuple ``(forecasts, by_step, by_series)``. ``forecasts`` has
        one row per series, cutoff and step, with columns ``id_col``,
        ``"cutoff"`` (the last time stamp of the history), ``"step"``,
        ``time_col`` (the time stamp forecast), ``"forecast"``, ``"actual"``
        (``NaN`` in a gap) and, with ``coverage``, the bounds. ``by_step`` and
        ``by_series`` hold ``n`` (actuals scored), ``mae``, ``mase`` (each
        error scaled by the in-sample MAE of the seasonal naive forecast on
        the history up to its cutoff), ``smape`` (percent, 0 to 200) and,
        with ``coverage``, ``coverage`` (the share of actuals within the
        bounds).

    Raises
    ------
    ValueError
        If the data are too short for ``n_windows`` cutoffs and a training
        window before the first; if no window length is known; if
        ``coverage`` is asked of a model without intervals.

    See Also
    --------
    sklstm.metrics.mean_absolute_scaled_error : MASE of one forecast.

    Examples
    --------
    >>> from sklstm import LSTMForecaster, backtest
    >>> from sklstm.datasets import load_airline
    >>> y = load_airline()
    >>> model = LSTMForecaster(window=12, max_epochs=2, random_state=0)
    >>> result = backtest(model, y, horizon=6, n_windows=3, step=6, refit=False)
    >>> result.forecasts.shape
    (18, 6)
    >>> list(result.by_step.columns)
    ['n', 'mae', 'mase', 'smape']
    """
    params = model.get_params()
    window = params.get("window") if window is None else window
    if window is None:
        raise ValueError(
            "backtest cuts the history into rows of `window` values: the model has "
            "window=None, so pass window=..., e.g. backtest(model, data, horizon, "
            "n_windows, window=24)."
        )
    if params.get("horizon") not in (None, horizon):
        raise ValueError(
            f"The model has horizon={params['horizon']} but the backtest forecasts "
            f"horizon={horizon} steps; set model.set_params(horizon=None) or horizon="
            f"{horizon}."
        )
    if coverage is not None and not params.get("intervals", False):
        raise ValueError(
            "coverage needs calibrated intervals: pass a model with intervals=True, "
            "e.g. model.set_params(intervals=True)."
        )
    panel, names, single = _as_panel(data, (id_col, time_col, target_col))
    n_times = len(panel)
    cutoffs = n_times - horizon - 1 - step * np.arange(n_windows - 1, -1, -1)
    if cutoffs[0] + 1 < window + horizon:
        raise ValueError(
            f"The data have {n_times} time steps: {n_windows} cutoffs {step} step(s) apart, "
            f"each followed by horizon={horizon} steps, leave {max(cutoffs[0] + 1, 0)} "
            f"before the first cutoff, fewer than window + horizon = {window + horizon} to "
            "train on. Use fewer windows, a smaller step, window or horizon."
        )
    every = 1 if refit is True else (len(cutoffs) if refit is False else int(refit))
    groups = [cutoffs[i : i + every] for i in range(0, len(cutoffs), every)]
    context = (window, horizon, coverage, missing, season, single)
    parts = Parallel(n_jobs=n_jobs)(
        delayed(_fit_and_forecast)(model, panel, group, context) for group in groups
    )
    forecasts = pd.concat(parts, ignore_index=True)
    forecasts = forecasts.rename(columns={"unique_id": names[0], "ds": names[1]})
    metrics = ["mae", "mase", "smape"] + (["coverage"] if coverage is not None else [])
    by_step = _summary(forecasts, "step", metrics)
    by_series = _summary(forecasts, names[0], metrics)
    return BacktestResult(forecasts.drop(columns=_SCORES), by_step, by_series)


_SCORES = ["_abs", "_scaled", "_smape", "_inside"]


def _as_panel(data, columns):
    """``data`` as a wide float panel, the output's (id, time) names, and whether one series."""
    id_col, time_col, _ = columns
    if is_long(data, id_col, time_col):
        return wide_frame(data, columns), (id_col, time_col), False
    if isinstance(data, pd.DataFrame):
        check_time_steps(data.index, "panel")
        return data.astype(np.float64), ("unique_id", "ds"), False
    values = _as_series_values(data, name="data")
    if isinstance(data, pd.Series):
        check_time_steps(data.index, "series")
        name = "y" if data.name is None else data.name
        frame = pd.DataFrame({name: values}, index=data.index, dtype=np.float64)
    else:
        frame = pd.DataFrame({"y": values}, dtype=np.float64)
    return frame, ("unique_id", "ds"), True


def _fit_and_forecast(model, panel, cutoffs, context):
    """One fit at ``cutoffs[0]``, and the forecasts of every cutoff it serves."""
    window, horizon, coverage, missing, season, single = context
    # One-step rows: every training pair once (rows with targets of the whole
    # horizon would repeat each pair in up to `horizon` rows); the horizon is
    # the estimator's, for the intervals of every step.
    estimator = clone(model).set_params(horizon=horizon)
    train = panel.iloc[: cutoffs[0] + 1]
    # One series is cut as a Series, so that it is fitted as a user would fit it.
    X, y = make_windows(train.iloc[:, 0] if single else train, window)
    estimator.fit(X, y)
    return pd.concat([_forecast_at(estimator, panel, c, context) for c in cutoffs])


def _forecast_at(estimator, panel, cutoff, context):
    """The rows of the forecasts of every series that can be forecast at ``cutoff``."""
    window, horizon, coverage, missing, season, _ = context
    values = panel.to_numpy()
    present = ~np.isnan(values)
    first = np.argmax(present, axis=0)
    actual = values[cutoff + 1 : cutoff + 1 + horizon]
    # Series that have begun window_ steps before the cutoff and go on after it.
    usable = present.any(axis=0) & (first <= cutoff - estimator.window_ + 1)
    usable &= ~np.isnan(actual).all(axis=0)
    series = np.flatnonzero(usable)
    windows = values[cutoff - estimator.window_ + 1 : cutoff + 1, series].T.copy()
    for i, s in enumerate(series):
        if np.isnan(windows[i]).any():
            history = values[first[s] : cutoff + 1, s]
            labels = panel.index[first[s] :]
            windows[i] = window_gaps(estimator, history, labels, missing, panel.columns[s])
    point = forecast_values(estimator, windows, horizon)
    n = len(series)
    frame = pd.DataFrame(
        {
            "unique_id": np.repeat(panel.columns[series].to_numpy(), horizon),
            "cutoff": panel.index[cutoff],
            "step": np.tile(np.arange(1, horizon + 1), n),
            "ds": np.tile(panel.index[cutoff + 1 : cutoff + 1 + horizon].to_numpy(), n),
            "forecast": point.ravel(),
            "actual": actual[:, series].T.ravel(),
        }
    )
    error = (frame["actual"] - frame["forecast"]).abs()
    scale = np.repeat([_naive_mae(values[: cutoff + 1, s], season) for s in series], horizon)
    frame["_abs"] = error
    frame["_scaled"] = error / scale
    total = frame["actual"].abs() + frame["forecast"].abs()
    frame["_smape"] = np.where(total > 0, 200 * error / total.where(total > 0, 1), 0.0)
    frame.loc[frame["actual"].isna(), "_smape"] = np.nan
    frame["_inside"] = np.nan
    if coverage is not None:
        levels = np.array([(1 - coverage) / 2, (1 + coverage) / 2])
        bounds = forecast_values(estimator, windows, horizon, quantiles=levels)
        lo, hi = bound_names(coverage)
        frame[lo] = bounds[..., 0].ravel()
        frame[hi] = bounds[..., 1].ravel()
        inside = (frame[lo] <= frame["actual"]) & (frame["actual"] <= frame[hi])
        frame["_inside"] = inside.astype(float).where(frame["actual"].notna())
    return frame


def _naive_mae(history, season):
    """In-sample MAE of the seasonal naive forecast on ``history``; NaN if none."""
    with np.errstate(invalid="ignore"):
        changes = np.abs(history[season:] - history[:-season])
    changes = changes[np.isfinite(changes)]
    if not len(changes) or changes.mean() == 0:
        return np.nan
    return changes.mean()


def _summary(forecasts, by, metrics):
    scores = forecasts[[by, "_abs", "_scaled", "_smape", "_inside"]].rename(
        columns={"_abs": "mae", "_scaled": "mase", "_smape": "smape", "_inside": "coverage"}
    )
    grouped = scores.groupby(by, sort=True)
    summary = grouped[metrics].mean()
    summary.insert(0, "n", grouped["mae"].count())
    return summary
