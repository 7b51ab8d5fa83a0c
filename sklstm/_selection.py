"""Choosing between the network and a simple forecast by held-out errors.

A network fitted to a handful of training pairs can extrapolate wildly where
a naive forecast would not; a forecaster users can trust falls back on a
simple forecast when the data cannot support more. The choice is made on
the most recent origins, held out of a second training run (the one that
also calibrates the intervals): the network's forecasts from those origins
and those of each simple method are compared with what followed, and the
method with the lowest error forecasts.

Nothing here knows about torch or estimators: the functions take windows
and forecasts as arrays, in any units in which the simple methods are
equivariant (they commute with any affine map of the values, so they are
the same in data units and in the network's scaled units).
"""

import numpy as np

NETWORK = "network"
SIMPLE_METHODS = ("naive", "seasonal_naive", "drift")


def candidate_methods(window, season_length=None):
    """The simple methods that a window of ``window`` values supports."""
    methods = ["naive", "drift"] if window >= 2 else ["naive"]
    if season_length is not None and 1 < season_length <= window:
        methods.insert(1, "seasonal_naive")
    return methods


def simple_forecast(windows, steps, method, season_length=None):
    """Forecasts ``(n, steps)`` of a simple ``method`` from each row of ``windows``.

    ``"naive"`` repeats the last value; ``"seasonal_naive"`` repeats the last
    ``season_length`` values; ``"drift"`` continues the straight line
    through the window's first and last values.
    """
    windows = np.asarray(windows, dtype=np.float64)
    last = windows[:, -1:]
    if method == "naive":
        return np.repeat(last, steps, axis=1)
    if method == "drift":
        slope = (windows[:, -1:] - windows[:, :1]) / max(windows.shape[1] - 1, 1)
        return last + slope * np.arange(1, steps + 1)[None, :]
    if method == "seasonal_naive":
        m = int(season_length)
        season = windows[:, -m:]
        return season[:, np.arange(steps) % m]
    raise ValueError(f"Unknown simple forecast {method!r}; use one of {SIMPLE_METHODS}.")


def heldout_score(origins, future, forecasts):
    """Mean scaled absolute error of held-out forecasts (lower is better).

    Each origin's errors are divided by the mean absolute step of its own
    window, as MASE does, so that origins of different levels and variability
    weigh alike. The errors are averaged step by step over the origins whose
    actual value at that step is known (NaN where not), then over the
    steps: the most recent origins, whose later steps are unknown, would
    otherwise weigh the short steps, where naive forecasts do best, above
    the long ones.
    """
    origins = np.asarray(origins, dtype=np.float64)
    if origins.shape[1] > 1:
        steps = np.abs(np.diff(origins, axis=1)).mean(axis=1)
    else:
        steps = np.abs(origins[:, -1])
    positive = steps[steps > 0]
    floor = positive.min() if len(positive) else 1.0
    scale = np.where(steps > 0, steps, floor)
    errors = np.abs(np.asarray(future) - np.asarray(forecasts)) / scale[:, None]
    known = np.isfinite(errors)
    reached = known.any(axis=0)
    if not reached.any():
        return np.inf
    per_step = np.nanmean(np.where(known, errors, np.nan)[:, reached], axis=0)
    return float(np.mean(per_step))


def choose_method(origins, future, network_forecasts, season_length=None):
    """The method with the lowest held-out error, and every candidate's score.

    The network is kept unless a simple method's held-out error is lower.

    Returns
    -------
    method : str
        ``"network"`` or one of ``SIMPLE_METHODS``.
    scores : dict
        The held-out score (:func:`heldout_score`) of every candidate.
    """
    origins = np.asarray(origins, dtype=np.float64)
    steps = np.asarray(future).shape[1]
    scores = {NETWORK: heldout_score(origins, future, network_forecasts)}
    for method in candidate_methods(origins.shape[1], season_length):
        forecasts = simple_forecast(origins, steps, method, season_length)
        scores[method] = heldout_score(origins, future, forecasts)
    best = min(scores, key=lambda name: (scores[name], name != NETWORK))
    if not np.isfinite(scores[best]):
        best = NETWORK
    return best, scores
