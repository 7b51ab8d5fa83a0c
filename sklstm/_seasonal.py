"""Seasonality: the classical autocorrelation test, and a series from one-step rows.

Nothing here knows about torch or estimators.
"""

import numpy as np

# The two-sided 90% normal quantile of the classical test (as the Theta
# method and statsforecast use it).
_Z90 = 1.645


def autocorrelation(values, max_lag):
    """Sample autocorrelations at lags ``1 .. max_lag``."""
    values = np.asarray(values, dtype=np.float64)
    # Autocorrelations do not change with the unit; dividing by the largest
    # magnitude first keeps the sums of squares finite near 1e200.
    magnitude = np.max(np.abs(values), initial=0.0)
    if np.isfinite(magnitude) and magnitude > 0:
        values = values / magnitude
    centred = values - values.mean()
    denominator = np.dot(centred, centred)
    if not denominator > 0:
        return np.zeros(max_lag)
    return np.array(
        [np.dot(centred[lag:], centred[:-lag]) / denominator for lag in range(1, max_lag + 1)]
    )


def is_seasonal(values, period):
    """Whether ``values`` show a season of ``period`` steps (the classical 90% test).

    The autocorrelation at lag ``period`` must exceed 1.645 times its standard
    error under the hypothesis of no correlation beyond the lower lags
    (Bartlett's formula), as the Theta method's test asks; it is read on the
    first differences, where a trend, which makes every autocorrelation of
    the values large, leaves none. Needs at least three seasons.
    """
    values = np.diff(np.asarray(values, dtype=np.float64))
    period = int(period)
    if period < 2 or len(values) + 1 < 3 * period:
        return False
    acf = autocorrelation(values, period)
    bound = _Z90 * np.sqrt((1 + 2 * np.sum(acf[:-1] ** 2)) / len(values))
    return bool(abs(acf[-1]) > bound)


def series_of_rows(sequences, n_lags):
    """The series that one-step rows were cut from, or ``None`` when they were not.

    ``sequences`` holds each row's ``n_lags`` history values followed by its
    targets, as ``make_windows(series, window)`` cuts them: every row then
    continues the previous one by one step, and the series is the first
    row's history followed by every row's first target.
    """
    sequences = np.asarray(sequences, dtype=np.float64)
    if len(sequences) < 2 or sequences.shape[1] <= n_lags:
        return None
    if not np.array_equal(sequences[1:, : n_lags - 1], sequences[:-1, 1:n_lags]):
        return None
    if not np.array_equal(sequences[1:, n_lags - 1], sequences[:-1, n_lags]):
        return None
    return np.concatenate((sequences[0, :n_lags], sequences[:, n_lags]))


def guess_season(sequences, n_lags, window):
    """Half the window, when the rows' series passes the seasonality test at that lag.

    The documented recipe reads two seasons (``window = max(2 m, 8)``), so
    half the window is the season a user most likely meant; the test keeps
    it only when the data show it. ``None`` otherwise.
    """
    period = window // 2
    if window % 2 or period < 2:
        return None
    series = series_of_rows(sequences, n_lags)
    if series is None or not is_seasonal(series, period):
        return None
    return period
