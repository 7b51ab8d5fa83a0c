"""Long data: one row per (series, time step), as statsforecast and its peers take it.

A long DataFrame has a column naming the series (``unique_id``), one of time
stamps (``ds``), one of values (``y``) and, optionally, covariate columns.
Series may have different lengths and start and end dates. Long data are put
on one regular time grid, wide (one column per series, ``NaN`` where a series
has no value), and cut or forecast by the wide-panel machinery; forecasts
come back long, each series continuing from its own last time stamp.
"""

import numpy as np
import pandas as pd
from pandas.api.types import is_datetime64_any_dtype, is_integer_dtype

from ._forecast_index import future_index
from ._forecasting import forecast_values
from ._gaps import window_gaps
from ._layout import check_covariate_name
from ._scaling import scaled_covariates
from ._windowing import _columns, _float_columns, _panel_windows, _quote


def is_long(data, id_col, time_col):
    """Whether ``data`` is a long DataFrame: it has the id and time columns."""
    return (
        isinstance(data, pd.DataFrame)
        and not isinstance(data.columns, pd.MultiIndex)
        and id_col in data.columns
        and time_col in data.columns
    )


def covariate_columns(covariates):
    """The names of the covariate columns of long data, checked."""
    if covariates is None:
        return []
    if isinstance(covariates, str):
        covariates = [covariates]
    if isinstance(covariates, (pd.DataFrame, pd.Series, np.ndarray)) or not all(
        isinstance(name, str) for name in covariates
    ):
        raise ValueError(
            "For long data, covariates are columns of the frame: pass their names, e.g. "
            "covariates=['price', 'promo'], not their values."
        )
    names = list(covariates)
    for name in names:
        check_covariate_name(name)
    if len(set(names)) < len(names):
        raise ValueError(f"Covariate names must be unique; got {names}.")
    return names


def _check_columns(frame, needed, what="long data"):
    absent = [name for name in needed if name not in frame.columns]
    if absent:
        raise ValueError(
            f"The {what} has no column(s) {_quote(absent)}; its columns are "
            f"{_quote(list(frame.columns))}. Name them with id_col=, time_col=, "
            "target_col= (defaults 'unique_id', 'ds', 'y'), and covariates by their columns."
        )


def _time_grid(times, ids, time_col):
    """The regular time steps from the first to the last time stamp of ``times``."""
    first, last = times.min(), times.max()
    if is_integer_dtype(times.dtype):
        order = np.lexsort((times.to_numpy(), ids))
        steps = np.diff(times.to_numpy()[order])[np.diff(ids[order]) == 0]
        step = int(np.gcd.reduce(steps[steps > 0])) if (steps > 0).any() else 1
        return pd.Index(np.arange(first, last + step, step), name=time_col)
    stamps = pd.DatetimeIndex(times.unique()).sort_values()
    freq = pd.infer_freq(stamps) if len(stamps) >= 3 else None
    if freq is None:
        # The union of the series' stamps can itself have a gap: read the step
        # of each series, then the most common step between consecutive stamps.
        for _, group in pd.Series(times.to_numpy()).groupby(ids, sort=False):
            if len(group) >= 3:
                freq = pd.infer_freq(pd.DatetimeIndex(group).sort_values())
                if freq is not None:
                    break
    if freq is None:
        order = np.lexsort((times.to_numpy(), ids))
        deltas = np.diff(times.to_numpy()[order])[np.diff(ids[order]) == 0]
        deltas = deltas[deltas > np.timedelta64(0)]
        if len(deltas):
            freq = pd.tseries.frequencies.to_offset(pd.Timedelta(pd.Series(deltas).mode()[0]))
    if freq is None:
        raise ValueError(
            f"The frequency of the time stamps ({time_col!r}) cannot be inferred: no "
            "series has two time stamps. Give each series at least three equally spaced "
            "time stamps."
        )
    return pd.date_range(first, last, freq=freq, name=time_col)


def to_wide(frame, columns, values):
    """Long ``frame`` on a regular time grid: ``(grid, ids, {column: (n_times, n_series)})``.

    ``columns`` is ``(id_col, time_col, target_col)``; ``values`` the columns
    to spread, each as a float64 array with ``NaN`` where a series has no row.
    """
    id_col, time_col, _ = columns
    _check_columns(frame, [id_col, time_col, *values])
    if not len(frame):
        raise ValueError("The long data has no rows.")
    times = frame[time_col]
    if not (is_datetime64_any_dtype(times.dtype) or is_integer_dtype(times.dtype)):
        raise TypeError(
            f"The time column {time_col!r} must hold dates (datetime64) or integers; got "
            f"dtype {times.dtype}. Convert it first, e.g. "
            f"df[{time_col!r}] = pandas.to_datetime(df[{time_col!r}])."
        )
    if times.isna().any() or frame[id_col].isna().any():
        raise ValueError(
            f"Some rows have no series id ({id_col!r}) or no time stamp ({time_col!r}); "
            "drop or complete them."
        )
    duplicated = frame.duplicated([id_col, time_col])
    if duplicated.any():
        first = frame.loc[duplicated, [id_col, time_col]].iloc[0]
        raise ValueError(
            f"{int(duplicated.sum())} row(s) repeat a (series, time stamp) pair, e.g. "
            f"({first[id_col]!r}, {first[time_col]}); each series has one row per time "
            "step. Aggregate or drop the duplicates."
        )
    try:
        codes, ids = pd.factorize(frame[id_col], sort=True)
    except TypeError:  # ids of types that do not sort together
        codes, ids = pd.factorize(frame[id_col])
    grid = _time_grid(times, codes, time_col)
    position = grid.get_indexer(times)
    if (position < 0).any():
        stamp = times[position < 0].iloc[0]
        raise ValueError(
            f"The time stamps are not on one regular grid of step {_step_of(grid)}: "
            f"{stamp} falls between its steps. Align them first (e.g. floor them to the "
            "period, or resample each series)."
        )
    data = _float_columns(
        frame[list(values)],
        "The value and covariate columns",
        "Convert them first, e.g. pandas.to_numeric(df['y']).",
    )
    wide = {}
    for j, name in enumerate(values):
        array = np.full((len(grid), len(ids)), np.nan)
        array[position, codes] = data[:, j]
        wide[name] = array
    return grid, pd.Index(ids, name=id_col), wide


def _step_of(grid):
    return grid.freqstr if isinstance(grid, pd.DatetimeIndex) else str(grid[1] - grid[0])


def wide_frame(frame, columns):
    """The target of long ``frame`` as a wide panel on its regular grid."""
    grid, ids, wide = to_wide(frame, columns, [columns[2]])
    return pd.DataFrame(wide[columns[2]], index=grid, columns=ids)


def long_windows(frame, window, horizon, covariates, step, missing, columns):
    """``make_windows`` of long data: the rows of its wide panel, covariates per series."""
    names = covariate_columns(covariates)
    grid, ids, wide = to_wide(frame, columns, [columns[2], *names])
    panel = pd.DataFrame(wide[columns[2]], index=grid, columns=ids)
    X, y = _panel_windows(panel, window, horizon, None, step, missing)
    if not names:
        return X, y
    times = grid.get_indexer(X.index.get_level_values(0))
    series = ids.get_indexer(X.index.get_level_values(1))
    steps = times[:, None] - window + np.arange(window + horizon)
    blocks = [X.to_numpy()]
    for name in names:
        block = wide[name][steps, series[:, None]]
        bad = ~np.isfinite(block)
        if bad.any():
            row, col = np.argwhere(bad)[0]
            raise ValueError(
                f"Covariate {name!r} is missing or not finite for series "
                f"{ids[series[row]]!r} at {grid[steps[row, col]]}, a time step that a row "
                f"reads ({int(bad.any(axis=1).sum())} row(s) in all). Covariates must be "
                "known wherever a row reads them: fill them (e.g. "
                "df.groupby(id_col)[col].ffill()), or drop the rows of those time steps."
            )
        blocks.append(block)
    X = pd.DataFrame(
        np.concatenate(blocks, axis=1), index=X.index, columns=_columns(window, horizon, names)
    )
    return X, y


def bound_names(coverage):
    """statsforecast's names of the bounds of a ``coverage`` interval: ``lo-80``, ``hi-80``."""
    pct = f"{100 * coverage:.10g}"
    return f"lo-{pct}", f"hi-{pct}"


def last_windows(estimator, grid, ids, values, missing):
    """Each series' last ``window_`` values and the position of its last value."""
    window = estimator.window_
    present = ~np.isnan(values)
    empty = ~present.any(axis=0)
    if empty.any():
        raise ValueError(f"Series {_quote(list(ids[empty]))} have no value; drop them.")
    last = len(grid) - 1 - np.argmax(present[::-1], axis=0)
    first = np.argmax(present, axis=0)
    short = last - first + 1 < window
    if short.any():
        raise ValueError(
            f"{int(short.sum())} series have fewer than window_={window} time steps from "
            f"their first to their last value: {_quote(list(ids[short]))}. The model reads "
            f"the last {window}; drop them or forecast them with another model."
        )
    positions = last[:, None] - window + 1 + np.arange(window)
    windows = values[positions, np.arange(len(ids))[:, None]]
    for s in np.flatnonzero(np.isnan(windows).any(axis=1)):
        history = values[first[s] : last[s] + 1, s]
        windows[s] = window_gaps(estimator, history, grid[first[s] :], missing, ids[s])
    return windows, last, positions


def forecast_long(estimator, frame, steps, coverage, covariates, missing, columns):
    """``forecast`` of long data: a long frame of each series' next ``steps`` values."""
    id_col, time_col, target_col = columns
    names = list(getattr(estimator, "covariates_", None) or [])
    if covariates is not None and not names:
        raise ValueError(
            "covariates were given, but the model was fitted without covariates; leave them out."
        )
    if names and covariates is None:
        raise ValueError(
            f"The model was fitted with covariates {names}: forecast needs their future "
            f"values, a long frame with columns {id_col!r}, {time_col!r} and {names} "
            f"for the {steps} steps after each series' end: covariates=future_frame."
        )
    grid, ids, wide = to_wide(frame, columns, [target_col, *names])
    windows, last, positions = last_windows(estimator, grid, ids, wide[target_col], missing)
    stamps = grid.append(future_index(grid, steps))
    ahead = last[:, None] + np.arange(1, steps + 1)
    ds = stamps[ahead.ravel()]
    known = None
    if names:
        known = _known_covariates(estimator, wide, names, ids, positions, covariates, ds, columns)
    point = forecast_values(estimator, windows, steps, known)
    result = pd.DataFrame({id_col: np.repeat(ids.to_numpy(), steps), time_col: ds})
    result["forecast"] = point.ravel()
    if coverage is not None:
        levels = np.array([(1 - coverage) / 2, (1 + coverage) / 2])
        bounds = forecast_values(estimator, windows, steps, known, quantiles=levels)
        lo, hi = bound_names(coverage)
        result[lo] = bounds[..., 0].ravel()
        result[hi] = bounds[..., 1].ravel()
    return result


def _known_covariates(estimator, wide, names, ids, positions, future, ds, columns):
    """The scaled covariates of each series' window and of its forecast steps."""
    id_col, time_col, _ = columns
    series = np.arange(len(ids))[:, None]
    lags = np.stack([wide[name][positions, series] for name in names], axis=1)
    if not np.isfinite(lags).all():
        s = int(np.flatnonzero(~np.isfinite(lags).all(axis=(1, 2)))[0])
        raise ValueError(
            f"The covariates of series {ids[s]!r} are missing among its last "
            f"{estimator.window_} time steps, which the model reads; fill them."
        )
    if not isinstance(future, pd.DataFrame):
        raise ValueError(
            f"For long data, covariates is a long frame of future values: columns "
            f"{id_col!r}, {time_col!r} and {names}."
        )
    _check_columns(future, [id_col, time_col, *names], "covariates frame")
    steps = len(ds) // len(ids)
    wanted = pd.MultiIndex.from_arrays([np.repeat(ids.to_numpy(), steps), ds])
    table = future.set_index([id_col, time_col])[names]
    if not table.index.is_unique:
        raise ValueError("The covariates frame repeats a (series, time stamp) pair.")
    rows = table.reindex(wanted)
    absent = rows.isna().any(axis=1).to_numpy()
    if absent.any():
        shown = ", ".join(f"({i!r}, {t})" for i, t in wanted[absent][:5])
        raise ValueError(
            f"The covariates frame has no (finite) values for {int(absent.sum())} of the "
            f"{len(wanted)} (series, time stamp) pairs forecast, e.g. {shown}. Add them."
        )
    values = _float_columns(rows, "Covariates", "Encode them as numbers first.")
    ahead = values.reshape(len(ids), steps, len(names)).transpose(0, 2, 1)
    return scaled_covariates(estimator.covariate_scaler_, lags, ahead, fit_scaler=False)
