"""The index of the values that follow a series."""

import numpy as np
import pandas as pd

_UNSORTED = (
    "The history's {what} not in increasing order, but forecast reads the last "
    "values as the most recent ones. Sort it first: history.sort_index()."
)


def future_index(index: pd.Index, steps: int) -> pd.Index:
    """Return the index of the ``steps`` values that follow ``index``.

    A ``DatetimeIndex`` or ``PeriodIndex`` continues at its frequency (set, or
    inferred from at least three dates); an integer index (a ``RangeIndex``,
    or integer labels such as years) continues with its regular step, or with
    a step of one after a single label; any other index gives the positions
    ``len(index), len(index) + 1, ...``. The name of the index is kept.

    Raises
    ------
    ValueError
        If a time or integer index is not in increasing order or has no
        regular step (missing, duplicated or irregular labels), or if a
        ``DatetimeIndex`` without ``freq`` has fewer than three dates.
    """
    if isinstance(index, (pd.DatetimeIndex, pd.PeriodIndex)) and not index.is_monotonic_increasing:
        # A newest-first series would be read from its oldest values and its
        # inferred (negative) frequency would date the forecast in the past.
        raise ValueError(_UNSORTED.format(what="dates are"))
    if isinstance(index, pd.PeriodIndex):
        return pd.period_range(index[-1] + 1, periods=steps, freq=index.freq, name=index.name)
    if isinstance(index, pd.DatetimeIndex):
        return _future_dates(index, steps)
    if isinstance(index, pd.RangeIndex):
        start = index.stop if len(index) else 0
        return pd.RangeIndex(start, start + steps * index.step, index.step, name=index.name)
    if pd.api.types.is_integer_dtype(index.dtype) and len(index):
        return _future_integers(index, steps)
    return pd.RangeIndex(len(index), len(index) + steps)


def _future_dates(index, steps):
    freq = index.freq
    if freq is None and len(index) >= 3:
        freq = pd.infer_freq(index)
    if freq is None and len(index) < 3:
        # Two dates a month apart are 28 to 31 days apart: the frequency of a
        # calendar series cannot be told from them.
        raise ValueError(
            f"The history's DatetimeIndex has {len(index)} date(s) and no freq, too "
            "few to infer the frequency of the forecast's dates (that takes at "
            "least 3). Set it, e.g. history.asfreq('MS') for monthly data, or pass "
            "history.to_numpy() for an unindexed forecast."
        )
    if freq is None:
        raise ValueError(
            "The history's DatetimeIndex has no regular frequency (dates are "
            "missing, duplicated or irregular), so the forecast's dates are "
            "unknown. Make it regular first, e.g. series.asfreq('MS') and fill "
            "the gaps, or pass series.to_numpy() for an unindexed forecast."
        )
    offset = pd.tseries.frequencies.to_offset(freq)
    return pd.date_range(index[-1] + offset, periods=steps, freq=offset, name=index.name)


def _future_integers(index, steps):
    labels = index.to_numpy().astype(np.int64)
    gaps = np.unique(np.diff(labels))
    if len(labels) > 1 and (gaps < 0).any():
        raise ValueError(_UNSORTED.format(what="labels are"))
    if len(gaps) > 1 or (len(gaps) and gaps[0] == 0):
        shown = ", ".join(map(str, labels[:5])) + (", ..." if len(labels) > 5 else "")
        raise ValueError(
            "The history's integer index has no regular step (labels are missing, "
            f"duplicated or irregular: {shown}), so the "
            "labels of the forecast are unknown. Make it regular first, e.g. "
            "history.reindex(range(first, last + 1)) and fill the gaps, or pass "
            "history.reset_index(drop=True) to label the forecast by position."
        )
    step = int(gaps[0]) if len(gaps) else 1
    start = int(labels[-1]) + step
    labels = np.arange(start, start + steps * step, step)
    bounds = np.iinfo(index.dtype)
    # Keep the index's dtype unless the labels outgrow it (uint8 past 255).
    dtype = index.dtype if bounds.min <= labels.min() and labels.max() <= bounds.max else np.int64
    return pd.Index(labels.astype(dtype), name=index.name)
