"""Forecast accuracy metrics that scikit-learn does not provide.

Point forecasts: :func:`mean_absolute_scaled_error` against
:func:`seasonal_naive`. Intervals and quantiles: :func:`empirical_coverage`,
:func:`interval_score` (Winkler), :func:`mean_scaled_interval_score` (MSIS, the
M4 competition's interval score) and :func:`pinball_loss`;
:func:`make_interval_scorer` and :func:`make_quantile_scorer` turn them into
scorers for ``cross_validate`` and ``GridSearchCV``.
"""

import inspect

import numpy as np

__all__ = [
    "empirical_coverage",
    "interval_score",
    "make_interval_scorer",
    "make_quantile_scorer",
    "mean_absolute_scaled_error",
    "mean_scaled_interval_score",
    "pinball_loss",
    "seasonal_naive",
]


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
    absolute error of the seasonal naive forecast on the training series
    [1]_.
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

    References
    ----------
    .. [1] R. J. Hyndman and A. B. Koehler, "Another look at measures of
       forecast accuracy", International Journal of Forecasting, 22(4), 2006.

    Examples
    --------
    >>> from sklstm.metrics import mean_absolute_scaled_error
    >>> mean_absolute_scaled_error([5, 6], [5.5, 6.5], y_train=[1, 2, 3, 4])
    0.5
    """
    y_true = np.asarray(y_true, dtype=np.float64)
    y_pred = np.asarray(y_pred, dtype=np.float64)
    if y_true.shape != y_pred.shape:
        raise ValueError(f"y_true {y_true.shape} and y_pred {y_pred.shape} differ in shape.")
    scale = _seasonal_naive_mae(y_train, season, "MASE")
    return float(np.mean(np.abs(y_true - y_pred)) / scale)


def _seasonal_naive_mae(y_train, season, score):
    """The in-sample MAE of seasonal naive on ``y_train``: the scale of ``score``."""
    y_train = np.asarray(y_train, dtype=np.float64)
    if y_train.ndim != 1:
        raise ValueError(f"y_train must be one series (1-D); got shape {y_train.shape}.")
    if len(y_train) <= season:
        raise ValueError(
            f"y_train has {len(y_train)} values; at least season + 1 = {season + 1} "
            "are needed to compute the scale."
        )
    scale = np.mean(np.abs(y_train[season:] - y_train[:-season]))
    if scale == 0:
        raise ValueError(
            "The seasonal naive forecast is exact on y_train (constant or purely "
            f"periodic series), so the scale is zero and {score} is undefined."
        )
    return scale


def _interval_arrays(y_true, lower, upper):
    arrays = [np.asarray(a, dtype=np.float64) for a in (y_true, lower, upper)]
    shapes = {a.shape for a in arrays}
    if len(shapes) != 1:
        raise ValueError(
            "y_true, lower and upper must have the same shape; got "
            f"{arrays[0].shape}, {arrays[1].shape} and {arrays[2].shape}."
        )
    if arrays[0].size == 0:
        raise ValueError("y_true is empty: there is nothing to score.")
    if np.any(arrays[1] > arrays[2]):
        raise ValueError("Some lower bounds are above their upper bounds; swap them.")
    return arrays


def _check_coverage(coverage):
    if not 0 < coverage < 1:
        raise ValueError(
            f"coverage must lie strictly between 0 and 1 (e.g. 0.95); got {coverage!r}."
        )
    return float(coverage)


def empirical_coverage(y_true, lower, upper):
    """Share of the actual values that lie inside their interval.

    Parameters
    ----------
    y_true : array-like
        Actual values.
    lower, upper : array-like of the same shape as ``y_true``
        The interval bounds (inclusive).

    Returns
    -------
    coverage : float
        Between 0 and 1; close to the nominal coverage for calibrated
        intervals.

    Examples
    --------
    >>> from sklstm.metrics import empirical_coverage
    >>> empirical_coverage([1, 2, 3, 4], [0, 0, 0, 5], [2, 2, 4, 6])
    0.75
    """
    y_true, lower, upper = _interval_arrays(y_true, lower, upper)
    return float(np.mean((y_true >= lower) & (y_true <= upper)))


def interval_score(y_true, lower, upper, *, coverage):
    """Mean interval score (Winkler score) of ``coverage`` intervals; lower is better.

    For each value the width of its interval, plus ``2 / (1 - coverage)``
    times the distance by which the actual value falls outside it (Gneiting
    & Raftery, 2007 [1]_). It rewards narrow intervals and penalises misses in
    proportion to how far they miss.

    Parameters
    ----------
    y_true : array-like
        Actual values.
    lower, upper : array-like of the same shape as ``y_true``
        The interval bounds.
    coverage : float
        Nominal coverage of the intervals, e.g. ``0.95``.

    Returns
    -------
    score : float
        In the units of the data.

    References
    ----------
    .. [1] T. Gneiting and A. E. Raftery, "Strictly proper scoring rules,
       prediction, and estimation", Journal of the American Statistical
       Association, 102(477), 2007.

    Examples
    --------
    >>> from sklstm.metrics import interval_score
    >>> interval_score([1, 5], [0, 0], [2, 4], coverage=0.8)
    8.0
    """
    coverage = _check_coverage(coverage)
    y_true, lower, upper = _interval_arrays(y_true, lower, upper)
    penalty = 2.0 / (1.0 - coverage)
    score = (
        (upper - lower)
        + penalty * np.maximum(lower - y_true, 0.0)
        + penalty * np.maximum(y_true - upper, 0.0)
    )
    return float(np.mean(score))


def mean_scaled_interval_score(y_true, lower, upper, *, y_train, season=1, coverage=0.95):
    """Mean scaled interval score (MSIS), the M4 competition's interval score.

    The mean :func:`interval_score` over the forecast divided by the in-sample
    mean absolute error of the seasonal naive forecast on the training
    series, as :func:`mean_absolute_scaled_error` is scaled. M4 scored 95%
    intervals [1]_; lower is better.

    Parameters
    ----------
    y_true : array-like of shape (n_steps,) or (n_samples, n_steps)
        Actual values.
    lower, upper : array-like of the same shape as ``y_true``
        The interval bounds.
    y_train : array-like of shape (n_timesteps,)
        The training series that sets the scale.
    season : int, default=1
        Season length of the naive forecast used for scaling.
    coverage : float, default=0.95
        Nominal coverage of the intervals.

    Returns
    -------
    msis : float

    References
    ----------
    .. [1] S. Makridakis, E. Spiliotis and V. Assimakopoulos, "The M4
       Competition: 100,000 time series and 61 forecasting methods",
       International Journal of Forecasting, 36(1), 2020.

    Examples
    --------
    >>> from sklstm.metrics import mean_scaled_interval_score
    >>> mean_scaled_interval_score([5, 6], [4, 5], [6, 7], y_train=[1, 2, 3, 4])
    2.0
    """
    scale = _seasonal_naive_mae(y_train, season, "MSIS")
    return float(interval_score(y_true, lower, upper, coverage=coverage) / scale)


def pinball_loss(y_true, y_quantiles, quantiles):
    """Mean pinball (quantile) loss over every value and quantile level; lower is better.

    For a level ``q``, a forecast ``f`` of the value ``y`` costs
    ``q (y - f)`` when it is too low and ``(1 - q) (f - y)`` when too high;
    the level-``q`` quantile of the true distribution minimises it [1]_.

    Parameters
    ----------
    y_true : array-like of shape (...)
        Actual values.
    y_quantiles : array-like of shape (..., n_quantiles)
        Forecast quantiles, the last axis over ``quantiles`` (as returned by
        ``LSTMForecaster.predict_quantiles``).
    quantiles : array-like of shape (n_quantiles,)
        The levels, each strictly between 0 and 1.

    Returns
    -------
    loss : float
        In the units of the data.

    References
    ----------
    .. [1] R. Koenker and G. Bassett, "Regression quantiles", Econometrica,
       46(1), 1978.

    Examples
    --------
    >>> from sklstm.metrics import pinball_loss
    >>> pinball_loss([10.0], [[8.0, 12.0]], quantiles=[0.25, 0.75])
    0.5
    """
    y_true = np.asarray(y_true, dtype=np.float64)
    y_quantiles = np.asarray(y_quantiles, dtype=np.float64)
    levels = np.atleast_1d(np.asarray(quantiles, dtype=np.float64))
    if levels.ndim != 1 or not np.all((levels > 0) & (levels < 1)):
        raise ValueError(f"quantiles must be levels strictly between 0 and 1; got {quantiles!r}.")
    if y_quantiles.shape != y_true.shape + levels.shape:
        raise ValueError(
            f"y_quantiles must have shape y_true.shape + (len(quantiles),) = "
            f"{y_true.shape + levels.shape}; got {y_quantiles.shape}."
        )
    diff = y_true[..., None] - y_quantiles
    return float(np.mean(np.maximum(levels * diff, (levels - 1) * diff)))


# Interval metrics where lower is better: a scorer returns their negative.
_INTERVAL_LOSSES = (interval_score, mean_scaled_interval_score)


def _takes_coverage(score_func):
    try:
        parameters = inspect.signature(score_func).parameters
    except (TypeError, ValueError):
        return False
    return "coverage" in parameters


class _IntervalScorer:
    def __init__(self, score_func, coverage, sign, kwargs):
        self.score_func = score_func
        self.coverage = coverage
        self.sign = sign
        self.kwargs = kwargs

    def __call__(self, estimator, X, y):
        lower, upper = estimator.predict_interval(X, coverage=self.coverage)
        y = np.asarray(y, dtype=np.float64).reshape(lower.shape)
        kwargs = dict(self.kwargs)
        if _takes_coverage(self.score_func):
            # The intervals' own coverage, not the function's default (MSIS: 0.95).
            kwargs["coverage"] = self.coverage
        return self.sign * self.score_func(y, lower, upper, **kwargs)

    def __repr__(self):
        sign = "" if self.sign > 0 else ", greater_is_better=False"
        return f"make_interval_scorer({self.score_func.__name__}, coverage={self.coverage}{sign})"


class _QuantileScorer:
    def __init__(self, quantiles):
        self.quantiles = tuple(float(q) for q in quantiles)

    def __call__(self, estimator, X, y):
        pred = estimator.predict_quantiles(X, quantiles=self.quantiles)
        y = np.asarray(y, dtype=np.float64).reshape(pred.shape[:-1])
        return -pinball_loss(y, pred, self.quantiles)

    def __repr__(self):
        return f"make_quantile_scorer(quantiles={self.quantiles})"


def make_interval_scorer(
    score_func=interval_score, *, coverage=0.9, greater_is_better=None, **kwargs
):
    """A scorer ``scorer(estimator, X, y)`` of ``estimator.predict_interval(X, coverage)``.

    For ``scoring=`` in ``cross_validate``, ``GridSearchCV`` and friends,
    like :func:`sklearn.metrics.make_scorer` but for intervals.

    Parameters
    ----------
    score_func : callable, default=interval_score
        ``score_func(y_true, lower, upper, **kwargs)``. A function with a
        ``coverage`` parameter (:func:`interval_score`,
        :func:`mean_scaled_interval_score`) also receives ``coverage``, so
        that it scores the intervals with the coverage they were made for.
    coverage : float, default=0.9
        Nominal coverage of the intervals to score.
    greater_is_better : bool, default=None
        Whether a higher score is better. ``None``: ``False`` for the losses
        :func:`interval_score` and :func:`mean_scaled_interval_score` (the
        scorer returns their negative, as sklearn's ``neg_*`` scorers do, so
        that a search maximising it minimises the loss) and ``True`` otherwise
        (e.g. :func:`empirical_coverage`).
    **kwargs
        Passed to ``score_func``.

    Returns
    -------
    scorer : callable

    Examples
    --------
    >>> from sklstm.metrics import make_interval_scorer
    >>> make_interval_scorer(coverage=0.8)
    make_interval_scorer(interval_score, coverage=0.8, greater_is_better=False)
    """
    coverage = _check_coverage(coverage)
    if greater_is_better is None:
        greater_is_better = score_func not in _INTERVAL_LOSSES
    return _IntervalScorer(score_func, coverage, 1 if greater_is_better else -1, kwargs)


def make_quantile_scorer(quantiles=(0.1, 0.5, 0.9)):
    """A scorer: minus the :func:`pinball_loss` of ``estimator.predict_quantiles``.

    Parameters
    ----------
    quantiles : array-like, default=(0.1, 0.5, 0.9)
        The levels to predict and score.

    Returns
    -------
    scorer : callable
        ``scorer(estimator, X, y)``, higher is better.

    Examples
    --------
    >>> from sklstm.metrics import make_quantile_scorer
    >>> make_quantile_scorer([0.05, 0.95])
    make_quantile_scorer(quantiles=(0.05, 0.95))
    """
    levels = np.atleast_1d(np.asarray(quantiles, dtype=np.float64))
    if levels.ndim != 1 or not np.all((levels > 0) & (levels < 1)):
        raise ValueError(f"quantiles must be levels strictly between 0 and 1; got {quantiles!r}.")
    return _QuantileScorer(levels)
