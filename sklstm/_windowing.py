"""Cut series into forecast origins: ``make_windows``."""

import itertools
import warnings
from numbers import Integral

import numpy as np
import pandas as pd
from numpy.lib.stride_tricks import sliding_window_view
from pandas.api.types import infer_dtype, is_bool_dtype, is_numeric_dtype
from sklearn.utils._param_validation import (
    Interval,
    InvalidParameterError,
    StrOptions,
    validate_params,
)

from ._gaps import WINDOW_OPTIONS, check_time_steps, interior_gaps, refuse_gaps
from ._layout import check_covariate_name, covariate_names, target_lag_names

# numpy >= 1.25 has it in np.exceptions; numpy 2 only there.
_ComplexWarning = getattr(np, "exceptions", np).ComplexWarning


def _as_series_values(series, name="series"):
    """Return ``series`` as a 1-D real ndarray, without copying when possible.

    Dates, durations and complex numbers are refused rather than converted:
    numpy would turn dates into nanoseconds since 1970 and drop imaginary
    parts with only a warning.
    """
    values = series.to_numpy() if isinstance(series, pd.Series) else np.asarray(series)
    if values.ndim == 0:
        raise TypeError(
            f"{name} must be a sequence of values (a list, 1-D array or "
            f"pandas.Series); got {type(series).__name__}. For a generator or another "
            f"iterator, pass list({name})."
        )
    if values.ndim != 1:
        raise ValueError(
            f"{name} must be one-dimensional (a list, 1-D array or pandas.Series), or "
            f"a pandas.DataFrame with one column per series; got an array of shape "
            f"{values.shape}. For one series of a table, select its column, e.g. "
            "df['value']; for many series in an array, one per column, pass "
            "pandas.DataFrame(array)."
        )
    if values.dtype.kind in "mM":
        raise TypeError(
            f"{name} holds dates or durations (dtype {values.dtype}), not the values "
            "of a series. Pass the values, with the dates as the index of a "
            "pandas.Series: pandas.Series(values, index=dates)."
        )
    if values.dtype.kind == "c":
        raise ValueError(
            f"Complex data not supported: {name} must hold real numbers. Pass the "
            "real part (np.real(values)) or the magnitude (np.abs(values))."
        )
    if values.dtype.kind not in "biuf":
        try:
            with warnings.catch_warnings():
                # Complex Python numbers in an object array: refused below.
                warnings.simplefilter("error", _ComplexWarning)
                values = values.astype(np.float64)
        except (TypeError, ValueError, _ComplexWarning) as exc:
            raise TypeError(
                f"{name} must hold numbers; got dtype {values.dtype}. Convert it "
                "first, e.g. pandas.to_numeric(series)."
            ) from exc
    return values


def _check_not_bool(**params):
    """Refuse booleans, which the ``Integral`` constraints accept as 0 and 1."""
    for name, value in params.items():
        if isinstance(value, (bool, np.bool_)):
            raise InvalidParameterError(
                f"The '{name}' parameter of make_windows must be an int in the range "
                f"[1, inf). Got {value!r} instead: a boolean is not a number of "
                f"steps; pass an int, e.g. {name}={int(value) or 1}."
            )


@validate_params(
    {
        "series": ["array-like"],
        "window": [Interval(Integral, 1, None, closed="left")],
        "horizon": [Interval(Integral, 1, None, closed="left")],
        "covariates": ["array-like", None],
        "step": [Interval(Integral, 1, None, closed="left")],
        "missing": [StrOptions(set(WINDOW_OPTIONS))],
        "id_col": "no_validation",
        "time_col": "no_validation",
        "target_col": "no_validation",
    },
    prefer_skip_nested_validation=True,
)
def make_windows(
    series,
    window,
    horizon=1,
    *,
    covariates=None,
    step=1,
    missing="drop",
    id_col="unique_id",
    time_col="ds",
    target_col="y",
):
    """Cut a series, or a panel of many series, into forecast origins ``(X, y)``.

    Row ``i`` of ``X`` holds ``window`` consecutive values, oldest first,
    starting at position ``i * step``; ``y[i]`` holds the ``horizon`` values
    that follow them. Rows are in time order, so ``X`` and ``y`` can be split
    with :class:`~sklearn.model_selection.TimeSeriesSplit`.

    A wide :class:`pandas.DataFrame` is a *panel*: one column per series on a
    shared, equally spaced index, ``NaN`` where a series has no value (before
    it starts, after it ends, or in a gap). Each series is cut as above, on the
    panel's time steps, and the windows (history or targets) that touch a
    ``NaN`` are left out. The rows of all series are ordered by time, then by
    series in column order, and indexed by ``(time, series)``.

    With ``covariates`` (variables known in advance, such as calendar effects
    or planned prices), each row also carries every covariate's values at the
    ``window`` time steps of its history and at the ``horizon`` time steps of
    its targets.

    Parameters
    ----------
    series : array-like of shape (n_timesteps,), pandas.Series or pandas.DataFrame
        The series, oldest value first, equally spaced in time; or a panel:
        a DataFrame with one numeric column per series.
    window : int
        Number of past values in each row of ``X``.
    horizon : int, default=1
        Number of future values in each row of ``y``.
    covariates : pandas.DataFrame, pandas.Series or array-like, default=None
        Covariates aligned with ``series`` row for row: one row per time step
        of the series (of the panel: shared by all its series), one column per
        covariate (a Series or 1-D array is one covariate). When both are
        pandas objects their indexes must be equal. Covariates must be numbers,
        finite at every time step a row reads. Their names are the DataFrame's
        columns (or the Series' name), which must be unique, non-empty strings
        without ``'__'`` that do not end with ``'_'``; an array's columns are
        named ``x0``, ``x1``, ...
    step : int, default=1
        Distance between the starts of consecutive rows (of a panel: on its
        time steps, the same for every series).
    missing : {"drop", "raise"}, default="drop"
        What rows that touch a missing value (``NaN``) do. ``"drop"``: they
        are left out; every other row is kept where it is (the index of a
        pandas input tells which remain; for an array, the rows are those of
        the complete windows, in time order). ``"raise"``: a gap (a ``NaN``
        between a series' first and last values) is refused, the message
        naming where it is; ``NaN`` before a series starts or after it ends
        is not a gap. A ``DatetimeIndex`` or ``PeriodIndex`` with missing time
        stamps is always refused: put it on its regular grid first
        (``series.asfreq("D")``), which turns the missing steps into gaps.
    id_col, time_col, target_col : str, default="unique_id", "ds", "y"
        The columns of long data: a DataFrame with the ``id_col`` and
        ``time_col`` columns holds one row per series and time step, as
        statsforecast takes it. Its series may have different lengths and
        start dates; they are put on one regular time grid (a missing row
        is a gap) and cut as a panel. ``covariates`` then names covariate
        columns of the frame, each series carrying its own values.

    Returns
    -------
    X : ndarray of shape (n_origins, window) or pandas.DataFrame
        The histories. For an ndarray input without covariates this is a
        read-only view of the series (no copy is made per window). For a
        ``pandas.Series`` it is a DataFrame with columns ``lag_<window>`` ...
        ``lag_1`` and, like ``y``, indexed by the time of the first target.
        For a panel, a float64 DataFrame with the same columns, indexed by a
        ``(time, series)`` :class:`~pandas.MultiIndex` whose levels are named
        after the panel's index and columns (``"time"`` and ``"series"`` when
        unnamed). With covariates, always a DataFrame: after the target's
        columns, for each covariate ``c`` in turn, ``c_lag_<window>`` ...
        ``c_lag_1`` (the time steps of ``lag_<window>`` ... ``lag_1``) and
        ``c_step_1`` ... ``c_step_<horizon>`` (the time steps of the targets);
        indexed by time (or, for an array series with array covariates, by the
        position of the first target).
    y : ndarray of shape (n_origins,) or (n_origins, horizon), or pandas object
        The targets: 1-D when ``horizon == 1``. For a ``pandas.Series`` input a
        Series (``horizon == 1``) or a DataFrame with columns ``step_1`` ...
        ``step_<horizon>``, on the index of ``X``. For a panel, a Series named
        ``"y"`` or such a DataFrame.

    Raises
    ------
    ValueError
        If the series is not one-dimensional or shorter than
        ``window + horizon``; if no series of a panel has a window without
        ``NaN``; if a panel has duplicate columns or an unsorted index; if the
        covariates are not aligned with the series, are badly named, or are
        missing where a row needs them.
    TypeError
        If the series, a column of the panel or a covariate does not hold
        numbers.

    Warns
    -----
    UserWarning
        For a panel, naming the series that give no row (too short, or no
        ``window + horizon`` values in a row without ``NaN``); they are left
        out and the other series are cut.

    Examples
    --------
    >>> import numpy as np
    >>> import pandas as pd
    >>> from sklstm import make_windows
    >>> X, y = make_windows(np.arange(6), window=3, horizon=2)
    >>> X
    array([[0, 1, 2],
           [1, 2, 3]])
    >>> y
    array([[3, 4],
           [4, 5]])

    A panel: series ``b`` starts a step later, so it has one row less.

    >>> panel = pd.DataFrame(
    ...     {"a": [1.0, 2, 3, 4], "b": [np.nan, 20, 30, 40]},
    ...     index=pd.date_range("2024-01-01", periods=4, freq="D", name="day"),
    ... )
    >>> X, y = make_windows(panel, window=2)
    >>> X
                       lag_2  lag_1
    day        series
    2024-01-03 a         1.0    2.0
    2024-01-04 a         2.0    3.0
               b        20.0   30.0
    >>> y.tolist()
    [3.0, 4.0, 40.0]

    Long data, one row per series and time step: series ``a`` starts a
    day earlier than ``b``.

    >>> long = pd.DataFrame({
    ...     "unique_id": ["a", "a", "a", "b", "b"],
    ...     "ds": pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-03",
    ...                           "2024-01-02", "2024-01-03"]),
    ...     "y": [1.0, 2.0, 3.0, 20.0, 30.0],
    ... })
    >>> X, y = make_windows(long, window=1)
    >>> X
                          lag_1
    ds         unique_id
    2024-01-02 a            1.0
    2024-01-03 a            2.0
               b           20.0

    Covariates known in advance: their past values, then their future ones.

    >>> sales = pd.Series([5.0, 7, 6, 9, 8], name="sales")
    >>> promo = pd.DataFrame({"promo": [0, 1, 0, 1, 1]})
    >>> X, y = make_windows(sales, window=2, covariates=promo)
    >>> X
       lag_2  lag_1  promo_lag_2  promo_lag_1  promo_step_1
    2    5.0    7.0          0.0          1.0           0.0
    3    7.0    6.0          1.0          0.0           1.0
    4    6.0    9.0          0.0          1.0           1.0
    """
    _check_not_bool(window=window, horizon=horizon, step=step)
    from ._long import is_long, long_windows  # _long builds on this module

    if is_long(series, id_col, time_col):
        columns = (id_col, time_col, target_col)
        return long_windows(series, window, horizon, covariates, step, missing, columns)
    if isinstance(series, pd.DataFrame):
        return _panel_windows(series, window, horizon, covariates, step, missing)
    if not isinstance(series, pd.Series) and np.ndim(series) == 2:
        raise ValueError(
            "series must be one-dimensional (a list, 1-D array or pandas.Series), or a "
            f"pandas.DataFrame with one column per series; got an array of shape "
            f"{np.shape(series)}. For many series in an array, one per column, pass "
            "pandas.DataFrame(array)."
        )
    values = _as_series_values(series)
    n_origins = (len(values) - window - horizon) // step + 1
    if n_origins < 1:
        raise ValueError(
            f"The series has {len(values)} values, fewer than window + horizon = "
            f"{window + horizon}: no (history, target) pair fits. Use a longer "
            "series or a smaller window or horizon."
        )
    series_index = series.index if isinstance(series, pd.Series) else None
    if series_index is not None:
        check_time_steps(series_index)
    rows = slice(0, n_origins * step, step)
    starts = np.arange(n_origins) * step
    if values.dtype.kind == "f" and np.isnan(values).any():
        # Rows that touch a NaN are left out (or refused): never a NaN in a row.
        starts = _complete_starts(values, starts, window + horizon, missing, series_index)
        rows, n_origins = starts, len(starts)
    X = sliding_window_view(values, window)[rows]
    targets = values[window:]
    if horizon == 1:
        y = targets[rows]
        # Read-only like the sliding views, so no window can write into the series.
        y.flags.writeable = False
    else:
        y = sliding_window_view(targets, horizon)[rows]
    if covariates is not None:
        cov, names, cov_index = _as_covariates(covariates, len(values), series_index)
        index = series_index if series_index is not None else cov_index
        labels = index if index is not None else pd.RangeIndex(len(values))
        _check_covariates_finite(cov, names, starts, window + horizon, labels)
        cov_rows = sliding_window_view(cov, window + horizon, axis=0)[starts]
        X = np.concatenate([X, cov_rows.reshape(n_origins, -1)], axis=1, dtype=np.float64)
        X = pd.DataFrame(
            X, index=labels[window + starts], columns=_columns(window, horizon, names), copy=False
        )
    if series_index is not None:
        index = series_index[window + starts] if isinstance(rows, np.ndarray) else None
        if index is None:
            index = series_index[window : window + n_origins * step : step]
        if covariates is None:
            X = pd.DataFrame(X, index=index, columns=target_lag_names(window))
        if horizon == 1:
            y = pd.Series(y, index=index, name=series.name)
        else:
            y = pd.DataFrame(y, index=index, columns=_step_names(horizon))
    return X, y


def _complete_starts(values, starts, length, missing, index):
    """The ``starts`` whose ``length`` values hold no NaN; gaps refused with ``"raise"``."""
    nan = np.isnan(values)
    if missing == "raise":
        gaps = interior_gaps(values)
        if gaps.any():
            refuse_gaps(gaps, index if index is not None else pd.RangeIndex(len(values)))
    counts = np.concatenate([[0], np.cumsum(nan)])
    starts = starts[counts[starts + length] == counts[starts]]
    if not len(starts):
        raise ValueError(
            f"The series has no window + horizon = {length} values in a row without NaN: "
            "no (history, target) pair fits. Use a smaller window or horizon, or fill "
            "the gaps."
        )
    return starts


def _step_names(horizon):
    return [f"step_{k}" for k in range(1, horizon + 1)]


def _columns(window, horizon, names):
    columns = target_lag_names(window)
    for name in names:
        columns += covariate_names(name, window, horizon)
    return columns


def _quote(names, limit=10):
    names = list(names)
    shown = ", ".join(repr(n) for n in names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")


_NUMBERS = {"integer", "floating", "mixed-integer-float", "boolean", "decimal", "empty"}


def _float_columns(frame, what, hint):
    """The columns of ``frame`` as a float64 array of shape (n_rows, n_columns)."""
    dtypes = frame.dtypes
    numeric = {
        dtype: is_bool_dtype(dtype) or (is_numeric_dtype(dtype) and dtype.kind != "c")
        for dtype in set(dtypes)
    }
    bad = [
        name
        for i, (name, dtype) in enumerate(dtypes.items())
        if not numeric[dtype]
        and not (dtype.kind == "O" and infer_dtype(frame.iloc[:, i], skipna=True) in _NUMBERS)
    ]
    if bad:
        described = ", ".join(f"{name!r} ({dtypes[name]})" for name in bad[:10])
        more = f" and {len(bad) - 10} more" if len(bad) > 10 else ""
        raise TypeError(f"{what} must hold numbers; these do not: {described}{more}. {hint}")
    return frame.to_numpy(dtype=np.float64, na_value=np.nan)


def _first_difference(a, b):
    n = min(len(a), len(b))
    try:
        unequal = np.flatnonzero(np.asarray(a[:n] != b[:n], dtype=bool))
    except TypeError:  # time stamps that cannot be compared, e.g. with and without zone
        unequal = [0]
    i = unequal[0] if len(unequal) else n
    first = a[i] if i < len(a) else "no row"
    second = b[i] if i < len(b) else "no row"
    return f"at position {i}: {first} vs {second}"


def _as_covariates(covariates, n_rows, index, what="series"):
    """Covariate values (n_rows, n_covariates) as float64, their names and index."""
    cov_index = None
    if isinstance(covariates, pd.Series):
        covariates = covariates.to_frame(name="x0" if covariates.name is None else covariates.name)
    if isinstance(covariates, pd.DataFrame):
        names = list(covariates.columns)
        if isinstance(covariates.columns, pd.MultiIndex):
            raise ValueError(
                "Covariate columns must be one level of names; got a MultiIndex. Join the "
                "levels, e.g. covariates.columns = ['_'.join(map(str, c)) for c in "
                "covariates.columns]."
            )
        for name in names:
            check_covariate_name(name)
        duplicated = covariates.columns[covariates.columns.duplicated()].unique()
        if len(duplicated):
            raise ValueError(
                f"Covariate names must be unique; {_quote(duplicated)} occur more than once. "
                "Rename or drop the duplicates."
            )
        cov_index = covariates.index
        values = _float_columns(
            covariates,
            "Covariates",
            "Encode them as numbers first (e.g. 0/1 flags, or pandas.get_dummies).",
        )
    else:
        values = np.asarray(covariates)
        if values.ndim == 1:
            values = values[:, None]
        if values.ndim != 2:
            raise ValueError(
                "covariates must be a DataFrame, a Series or a 2-D array with one column per "
                f"covariate; got an array of shape {values.shape}."
            )
        names = [f"x{i}" for i in range(values.shape[1])]
        if values.dtype.kind not in "biuf":
            try:
                values = values.astype(np.float64)
            except (TypeError, ValueError) as exc:
                raise TypeError(
                    f"Covariates must hold numbers; got an array of dtype {values.dtype}. "
                    "Encode them as numbers first (e.g. 0/1 flags)."
                ) from exc
        values = values.astype(np.float64, copy=False)
    if values.shape[1] == 0:
        raise ValueError("covariates has no column; pass covariates=None for none.")
    if len(values) != n_rows:
        raise ValueError(
            f"covariates has {len(values)} rows but the {what} has {n_rows} time steps: "
            "they must be aligned row for row, the covariates of each time step on the "
            f"row of that step. Pass the covariates of the time steps of the {what} only."
        )
    if index is not None and cov_index is not None and not cov_index.equals(index):
        raise ValueError(
            f"The covariates' index differs from the index of the {what} "
            f"({_first_difference(cov_index, index)}): they must be aligned row for row. "
            f"Align them first, e.g. covariates.loc[{what}.index]."
        )
    return values, names, cov_index


def _check_covariates_finite(cov, names, starts, length, labels):
    """Raise if a covariate is NaN or infinite at a time step that a row reads."""
    coverage = np.zeros(len(cov) + 1, dtype=np.intp)
    np.add.at(coverage, starts, 1)
    np.add.at(coverage, starts + length, -1)
    needed = np.cumsum(coverage[:-1]) > 0
    bad = ~np.isfinite(cov) & needed[:, None]
    if not bad.any():
        return
    t = np.flatnonzero(bad.any(axis=1))[0]
    column = np.flatnonzero(bad[t])[0]
    where = f"position {t}" if isinstance(labels, pd.RangeIndex) else str(labels[t])
    n_bad = int(bad.any(axis=1).sum())
    raise ValueError(
        f"Covariate {names[column]!r} is {cov[t, column]} at {where}, a time step that rows "
        f"read ({n_bad} such time step{'s' if n_bad > 1 else ''} in all, this is the "
        "first). Covariates must be known wherever a row reads them: fill the gaps "
        "(e.g. covariates.interpolate()), or cut the series and the covariates so that no "
        "row reaches them."
    )


def _panel_windows(panel, window, horizon, covariates, step, missing="drop"):
    """``make_windows`` for a wide DataFrame: one column per series."""
    columns, index = panel.columns, panel.index
    if isinstance(columns, pd.MultiIndex) or isinstance(index, pd.MultiIndex):
        raise ValueError(
            "A panel has one level of series names (its columns) and one of time steps (its "
            "index); got a MultiIndex. A long frame with one row per (series, time) goes in "
            "as it is, with its column names: make_windows(df.reset_index(), window, "
            "id_col='series', time_col='time', target_col='value')."
        )
    if columns.has_duplicates:
        duplicated = columns[columns.duplicated()].unique()
        raise ValueError(
            f"The panel's columns name each series once; {_quote(duplicated)} occur more "
            "than once. Rename or drop the duplicates."
        )
    if not (index.is_unique and index.is_monotonic_increasing):
        raise ValueError(
            "The panel's index must be its time steps in increasing order, each once; sort "
            "it (panel.sort_index()) and drop duplicate time steps."
        )
    values = _float_columns(
        panel,
        "The panel's columns (one per series)",
        "make_windows takes a wide frame with one numeric column per series, or a long "
        "frame with one row per (series, time) named by id_col, time_col and target_col "
        "(e.g. make_windows(df, window, id_col='series', time_col='time', "
        "target_col='value')).",
    )
    n_times, n_series = values.shape
    if not n_series:
        raise ValueError("The panel has no column; pass one column per series.")
    check_time_steps(index, "panel")
    if missing == "raise" and (gaps := interior_gaps(values)).any():
        refuse_gaps(gaps, index, columns)
    n_cov, names = 0, []
    if covariates is not None:
        cov, names, _ = _as_covariates(covariates, n_times, index, what="panel")
        n_cov = len(names)
    length = window + horizon
    starts = np.arange(0, max(n_times - length + 1, 0), step)
    # Windows without NaN: no missing value between start and start + length.
    missing = np.zeros((n_times + 1, n_series), dtype=np.int32)
    np.cumsum(np.isnan(values), axis=0, out=missing[1:])
    complete = missing[starts + length] == missing[starts]
    has_rows = complete.any(axis=0)
    grid = f" at the origins that step={step} keeps" if step > 1 else ""
    if not has_rows.any():
        raise ValueError(
            f"No series of the panel has window + horizon = {length} values in a row "
            f"without NaN{grid} (the panel has {n_times} time steps): no (history, target) "
            "pair fits. Use a smaller window or horizon, or fill the gaps."
        )
    if not has_rows.all():
        short = columns[~has_rows]
        warnings.warn(
            f"{len(short)} of {n_series} series give no row, having no window + horizon = "
            f"{length} values in a row without NaN{grid}: {_quote(short)}. They are left "
            "out; to keep them use a smaller window or horizon, or fill their gaps; drop "
            "them from the panel to silence this warning.",
            UserWarning,
            stacklevel=4,  # the caller of make_windows, through sklearn's validation
        )
    time, series = np.nonzero(complete)  # by time, then by series
    first = starts[time]
    # One series per row of the transposed panel: each window is contiguous memory.
    windows = sliding_window_view(np.ascontiguousarray(values.T), length, axis=1)
    if n_cov:
        used = starts[complete.any(axis=1)]
        _check_covariates_finite(cov, names, used, length, index)
        cov_rows = sliding_window_view(cov, length, axis=0)[starts].reshape(len(starts), -1)
        X = np.empty((len(time), window + n_cov * length))
        X[:, :window] = windows[series, first, :window]
        # Rows are grouped by time and share its covariates: one broadcast per time
        # step, with no temporary as large as X.
        ends = np.cumsum(complete.sum(axis=1))
        for i, (begin, end) in enumerate(itertools.pairwise([0, *ends])):
            if end > begin:
                X[begin:end, window:] = cov_rows[i]
    else:
        X = windows[series, first, :window]
    # Gathered apart from X, so that y holds no reference to a larger array.
    y = windows[series, first, window:]
    row_index = pd.MultiIndex(
        levels=[index[starts + window], columns],
        codes=[time, series],
        names=[
            index.name if index.name is not None else "time",
            columns.name if columns.name is not None else "series",
        ],
        verify_integrity=False,
    ).remove_unused_levels()
    X = pd.DataFrame(X, index=row_index, columns=_columns(window, horizon, names), copy=False)
    if horizon == 1:
        y = pd.Series(y[:, 0], index=row_index, name="y", copy=False)
    else:
        y = pd.DataFrame(y, index=row_index, columns=_step_names(horizon), copy=False)
    return X, y
