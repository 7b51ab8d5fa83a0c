"""The index of the values that follow a series."""

import pandas as pd


def future_index(index: pd.Index, steps: int) -> pd.Index:
    """Return the index of the ``steps`` values that follow ``index``.

    A ``DatetimeIndex`` or ``PeriodIndex`` continues at its frequency (set or
    inferred); a ``RangeIndex`` continues with its step; any other index gives
    the positions ``len(index), len(index) + 1, ...``.

    Raises
    ------
    ValueError
        If a time index has no regular frequency (missing or irregular dates)
        or is not in increasing order.
    """
    if isinstance(index, (pd.DatetimeIndex, pd.PeriodIndex)) and not index.is_monotonic_increasing:
        # A newest-first series would be read from its oldest values and its
        # inferred (negative) frequency would date the forecast in the past.
        raise ValueError(
            "The history's dates are not in increasing order, but forecast reads "
            "the last values as the most recent ones. Sort it first: "
            "history.sort_index()."
        )
    if isinstance(index, pd.PeriodIndex):
        return pd.period_range(index[-1] + 1, periods=steps, freq=index.freq)
    if isinstance(index, pd.DatetimeIndex):
        freq = index.freq
        if freq is None and len(index) >= 3:
            freq = pd.infer_freq(index)
        if freq is None:
            raise ValueError(
                "The history's DatetimeIndex has no regular frequency (dates are "
                "missing, duplicated or irregular), so the forecast's dates are "
                "unknown. Make it regular first, e.g. series.asfreq('MS') and fill "
                "the gaps, or pass series.to_numpy() for an unindexed forecast."
            )
        offset = pd.tseries.frequencies.to_offset(freq)
        return pd.date_range(index[-1] + offset, periods=steps, freq=offset, name=index.name)
    if isinstance(index, pd.RangeIndex):
        start = index.stop if len(index) else 0
        return pd.RangeIndex(start, start + steps * index.step, index.step, name=index.name)
    return pd.RangeIndex(len(index), len(index) + steps)
