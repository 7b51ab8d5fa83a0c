"""Forecast accuracy metrics that scikit-learn does not provide."""

import numpy as np


def seasonal_naive(history, steps, season=1):
    """Repeat the last season of ``history`` for ``steps`` values.

    Parameters
    ----------
    history : array-like of shape (n_timesteps,)
        The series, oldest value first, at least ``season`` values long.
    steps : int
        Number of values to forecast.
    season : int, default=1
        Season length; ``1`` repeats the last value.

    Returns
    -------
    forecast : ndarray of shape (steps,)

    Examples
    --------
    >>> from sklstm.metrics import seasonal_naive
    >>> seasonal_naive([1, 2, 3, 4], steps=3, season=2)
    array([3., 4., 3.])
    """
    history = np.asarray(history, dtype=np.float64)
    if len(history) < season:
        raise ValueError(f"history has {len(history)} values, fewer than season={season}.")
    last = history[len(history) - season :]
    return np.resize(last, steps)


def mean_absolute_scaled_error(y_true, y_pred, *, y_train, season=1):
    """Mean absolute scaled error (Hyndman & Koehler, 2006).

    The mean absolute error of the forecast divided by the in-sample mean
    absolute error of the seasonal naive forecast on the training series.
    Below 1 the forecast beats seasonal naive, in the training scale.

    Parameters
    ----------
    y_true : array-like of shape (n_steps,) or (n_samples, n_steps)
        Actual values.
    y_pred : array-like of the same shape as ``y_true``
        Forecast values.
    y_train : array-like of shape (n_timesteps,)
        The training series that sets the scale.
    season : int, default=1
        Season length of the naive forecast used for scaling.

    Returns
    -------
    mase : float

    Examples
    --------
    >>> from sklstm.metrics import mean_absolute_scaled_error
    >>> mean_absolute_scaled_error([5, 6], [5.5, 6.5], y_train=[1, 2, 3, 4])
    0.5
    """
    y_true = np.asarray(y_true, dtype=np.float64)
    y_pred = np.asarray(y_pred, dtype=np.float64)
    y_train = np.asarray(y_train, dtype=np.float64)
    if y_true.shape != y_pred.shape:
        raise ValueError(f"y_true {y_true.shape} and y_pred {y_pred.shape} differ in shape.")
    if len(y_train) <= season:
        raise ValueError(
            f"y_train has {len(y_train)} values; at least season + 1 = {season + 1} "
            "are needed to compute the scale."
        )
    scale = np.mean(np.abs(y_train[season:] - y_train[:-season]))
    if scale == 0:
        raise ValueError(
            "The seasonal naive forecast is exact on y_train (constant or purely "
            "periodic series), so the scale is zero and MASE is undefined."
        )
    return float(np.mean(np.abs(y_true - y_pred)) / scale)
