"""Gaps in histories: the ``missing=`` policy of ``make_windows`` and ``forecast``.

A gap is a missing value (``NaN``) between a series' first and last values,
or a time stamp missing from its ``DatetimeIndex`` or ``PeriodIndex``. The
policy:

- training pairs (``make_windows``): a row whose history or targets touch a
  gap is dropped (``missing="drop"``), or the call is refused, naming the
  gaps (``missing="raise"``);
- forecast origins (``forecast``): a window that holds a gap is refused,
  naming the positions (``missing="raise"``), or its missing values are
  filled, oldest first, by the model's own one-step forecasts from the
  ``window_`` values before each (``missing="fill"``).

Nothing is ever read across a gap as if the values were contiguous, and no
forecast is ``NaN`` without a warning.
"""

import numpy as np
import pandas as pd

WINDOW_OPTIONS = ("drop", "raise")
FORECAST_OPTIONS = ("raise", "fill")


def check_option(missing, options, where):
    if not isinstance(missing, str) or missing not in options:
        shown = " or ".join(repr(o) for o in options)
        raise ValueError(f"missing must be {shown} in {where}; got {missing!r}.")
    return missing


def _labels(labels, positions, limit=5):
    shown = ", ".join(str(labels[p]) for p in positions[:limit])
    more = f" and {len(positions) - limit} more" if len(positions) > limit else ""
    return shown + more


def check_time_steps(index, what="series", dates=True):
    """Refuse a time index with missing time stamps, which would read as contiguous.

    A ``DatetimeIndex`` with a ``freq`` is regular by construction; without
    one, its frequency must be inferable (``pandas.infer_freq``). A
    ``PeriodIndex`` must hold consecutive periods. Other indexes are labels
    and are not checked; nor is a ``DatetimeIndex`` when ``dates`` is false
    (``forecast`` refuses an irregular one when it dates the forecast).
    """
    # Time in decreasing order is refused where it matters, with its own message.
    if isinstance(index, pd.PeriodIndex) and len(index) > 1 and index.is_monotonic_increasing:
        jumps = np.flatnonzero(np.diff(index.asi8) != 1)
        if len(jumps):
            raise ValueError(_irregular(index, jumps, what, f"'{index.freqstr}'"))
    if not dates or not isinstance(index, pd.DatetimeIndex):
        return
    if index.freq is None and len(index) >= 3:
        if pd.infer_freq(index) is not None:
            return
        # As timedeltas, not integers: the integers' unit (ns, us, ...) depends
        # on the index's resolution, which pandas 3 no longer fixes at ns.
        steps = np.diff(index.to_numpy())
        usual = pd.Series(steps).mode()
        jumps = np.flatnonzero(steps != usual.iloc[0]) if len(usual) else np.array([0])
        freq = pd.Timedelta(usual.iloc[0]) if len(usual) else None
        hint = f"'{_freq_alias(freq)}'" if freq is not None else "'D' (your frequency)"
        raise ValueError(_irregular(index, jumps, what, hint))


def _freq_alias(delta):
    # Whole days read as days under every pandas (pandas 3 would say "24h").
    day = pd.Timedelta(days=1)
    if delta >= day and delta % day == pd.Timedelta(0):
        days = delta // day
        return "D" if days == 1 else f"{days}D"
    try:
        return pd.tseries.frequencies.to_offset(delta).freqstr
    except ValueError:
        return str(delta)


def _irregular(index, jumps, what, freq):
    pairs = ", ".join(f"{index[j]} -> {index[j + 1]}" for j in jumps[:3])
    more = f" and {len(jumps) - 3} more" if len(jumps) > 3 else ""
    return (
        f"The {what}'s time index is not equally spaced: time stamps are missing or "
        f"irregular ({pairs}{more}). Its values would be read as consecutive steps, "
        f"across the gaps. Put it on a regular grid first, e.g. {what}.asfreq({freq}) "
        "(missing steps become NaN, handled by missing=), or pass "
        f"{what}.reset_index(drop=True) if its values are consecutive steps."
    )


def interior_gaps(values):
    """Mask of the NaN values between a column's first and last finite values.

    ``values`` is 1-D or 2-D (time steps first); ``NaN`` before a series starts
    or after it ends is not a gap.
    """
    values = np.asarray(values)
    present = ~np.isnan(values)
    started = np.maximum.accumulate(present, axis=0)
    ongoing = np.flip(np.maximum.accumulate(np.flip(present, axis=0), axis=0), axis=0)
    return ~present & started & ongoing


def refuse_gaps(gaps, labels, names=None):
    """The ``missing="raise"`` error of ``make_windows``: where the gaps are."""
    if gaps.ndim == 1:
        where = _labels(labels, np.flatnonzero(gaps))
        n = int(gaps.sum())
        place = f"at {where}"
    else:
        times, series = np.nonzero(gaps)
        n = len(times)
        place = "at " + ", ".join(
            f"{names[s]!r} {labels[t]}" for t, s in zip(times[:5], series[:5], strict=True)
        )
        place += f" and {n - 5} more" if n > 5 else ""
    raise ValueError(
        f"The history has {n} missing value(s) between its first and last values, {place}. "
        "With missing='raise' rows may not touch a gap: fill the gaps, or pass "
        "missing='drop' to leave out the rows whose history or targets touch one."
    )


def window_gaps(estimator, values, labels, missing, name=None):
    """The last ``window_`` values of one series, its gaps refused or filled.

    ``values`` is the series on its regular time grid up to its last value
    (float64, ``NaN`` in the gaps); ``labels`` names its positions in messages.
    """
    window = estimator.window_
    last = values[-window:]
    if not np.isnan(last).any():
        return last
    missing_at = np.flatnonzero(np.isnan(values))
    missing_at = missing_at[missing_at >= len(values) - window]
    who = "" if name is None else f" of series {name!r}"
    if missing == "raise":
        what = "history" if name is None else f"series {name!r}"
        raise ValueError(
            f"The last {window} values of {what} contain NaN: {len(missing_at)} missing "
            f"value(s), at {_labels(labels, missing_at)}, in the window the model reads. "
            "Fill them (e.g. series.interpolate()), pass missing='fill' to fill them "
            "with the model's own one-step forecasts, or forecast from a history that "
            "ends before the gap."
        )
    if getattr(estimator, "covariates_", None):
        raise ValueError(
            f"The window{who} has missing values at {_labels(labels, missing_at)}, and "
            "missing='fill' is not available for a model with covariates. Fill the "
            "gaps first."
        )
    return fill_gaps(estimator, values, labels, who)[-window:]


def fill_gaps(estimator, values, labels, who=""):
    """``values`` with the gaps that the last window needs filled, oldest first.

    Each missing value is the model's one-step forecast from the ``window_``
    values before it (themselves filled where they were missing).
    """
    from ._forecasting import forecast_values

    window = estimator.window_
    values = np.array(values, dtype=np.float64)
    # The earliest missing value the last window depends on, through the fills.
    first = len(values) - window
    while True:
        before = np.flatnonzero(np.isnan(values[max(first - window, 0) : first]))
        gaps_after = np.isnan(values[first:]).any()
        if not gaps_after or not len(before):
            break
        first = max(first - window, 0) + before[0]
    todo = np.flatnonzero(np.isnan(values[first:])) + first
    if len(todo) and todo[0] < window:
        raise ValueError(
            f"The history{who} has a missing value at {labels[todo[0]]}, fewer than "
            f"window_={window} steps after its start, so missing='fill' cannot forecast "
            "it: the model needs the window_ values before each missing one. Pass a "
            "history that starts after the gap."
        )
    for position in todo:
        history = values[position - window : position][None, :]
        values[position] = forecast_values(estimator, history, 1)[0, 0]
    return values


def panel_window_gaps(estimator, panel, values, windows, missing):
    """The panel's last windows with the gaps of the series that reach its end handled.

    A series whose window holds NaN only because it starts late or ends
    early is left as it is (``forecast`` warns and gives NaN for it); one
    that has ``window_`` values before the end of the panel, its last value
    on the panel's last row, has gaps: refused or filled by ``missing``.
    """
    window = estimator.window_
    with np.errstate(invalid="ignore"):
        present = ~np.isnan(values)
    first = np.argmax(present, axis=0)
    gapped = np.isnan(windows).any(axis=1) & present[-1] & (first <= len(values) - window)
    for s in np.flatnonzero(gapped):
        column = values[first[s] :, s]
        name = panel.columns[s]
        windows[s] = window_gaps(estimator, column, panel.index[first[s] :], missing, name)
    return windows
