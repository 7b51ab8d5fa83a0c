"""``sklstm.metrics``: seasonal naive and MASE, against values worked out by hand."""

import numpy as np
import pytest
from numpy.testing import assert_array_equal

from sklstm.metrics import mean_absolute_scaled_error, seasonal_naive


@pytest.mark.parametrize(
    ("season", "steps", "expected"),
    [
        (1, 3, [6, 6, 6]),  # the last value
        (3, 7, [4, 5, 6, 4, 5, 6, 4]),  # the last 3 values, repeated and cut
        (3, 2, [4, 5]),  # fewer steps than a season
        (6, 6, [1, 2, 3, 4, 5, 6]),  # the whole history is one season
    ],
)
def test_seasonal_naive_repeats_the_last_season(season, steps, expected):
    history = [1, 2, 3, 4, 5, 6]
    forecast = seasonal_naive(history, steps, season=season)
    assert forecast.dtype == np.float64
    assert_array_equal(forecast, expected)
    assert history == [1, 2, 3, 4, 5, 6]


def test_seasonal_naive_needs_a_full_season():
    with pytest.raises(ValueError, match="history has 3 values, fewer than season=4"):
        seasonal_naive([1, 2, 3], steps=2, season=4)


def test_mase_scales_by_the_seasonal_naive_error_in_sample():
    # Season 2: the in-sample seasonal differences of y_train are
    # |3-1|, |2-4|, |7-3|, |6-2| = 2, 2, 4, 4, mean 3.
    y_train = [1, 4, 3, 2, 7, 6]
    y_true, y_pred = [8, 5, 9], [5, 5, 12]  # absolute errors 3, 0, 3: mean 2
    assert mean_absolute_scaled_error(y_true, y_pred, y_train=y_train, season=2) == 2 / 3
    # Season 1: differences 3, 1, 1, 5, 1, mean 11/5.
    assert mean_absolute_scaled_error(y_true, y_pred, y_train=y_train) == pytest.approx(
        2 / (11 / 5)
    )


def test_mase_of_multi_step_rows_is_the_mean_over_every_value():
    y_train = np.array([1.0, 4.0, 3.0, 2.0, 7.0, 6.0])
    y_true = np.array([[8.0, 5.0], [9.0, 1.0]])
    y_pred = np.array([[5.0, 5.0], [12.0, 3.0]])  # errors 3, 0, 3, 2: mean 2
    assert mean_absolute_scaled_error(y_true, y_pred, y_train=y_train, season=2) == 2 / 3
    assert mean_absolute_scaled_error(
        y_true.ravel(), y_pred.ravel(), y_train=y_train, season=2
    ) == mean_absolute_scaled_error(y_true, y_pred, y_train=y_train, season=2)


def test_seasonal_naive_has_mase_one_on_a_repeating_pattern_with_a_trend():
    # On a seasonal series with a linear trend, seasonal naive's error one
    # season ahead equals its in-sample error, so its MASE is exactly 1.
    t = np.arange(40.0)
    y = 2 * t + np.tile([0.0, 5.0, -3.0, 1.0], 10)
    train, test = y[:36], y[36:]
    naive = seasonal_naive(train, 4, season=4)
    assert mean_absolute_scaled_error(test, naive, y_train=train, season=4) == pytest.approx(1.0)


def test_mase_errors_say_what_is_wrong():
    with pytest.raises(ValueError, match=r"y_true \(2,\) and y_pred \(3,\) differ in shape"):
        mean_absolute_scaled_error([1, 2], [1, 2, 3], y_train=[1, 2, 3])
    with pytest.raises(ValueError, match="y_train has 4 values; at least season \\+ 1 = 5"):
        mean_absolute_scaled_error([1], [1], y_train=[1, 2, 3, 4], season=4)
    with pytest.raises(ValueError, match="scale is zero and MASE is undefined"):
        mean_absolute_scaled_error([1], [2], y_train=[1, 2, 1, 2, 1, 2], season=2)
    with pytest.raises(ValueError, match="scale is zero"):
        mean_absolute_scaled_error([1], [2], y_train=[5, 5, 5])


# --- intervals and quantiles ---------------------------------------------------

from sklearn.metrics import mean_pinball_loss  # noqa: E402

from sklstm.metrics import (  # noqa: E402
    empirical_coverage,
    interval_score,
    make_interval_scorer,
    make_quantile_scorer,
    mean_scaled_interval_score,
    pinball_loss,
)


def test_interval_score_is_width_plus_scaled_misses():
    y = np.array([1.0, 5.0, -3.0])
    lower, upper = np.array([0.0, 0.0, 0.0]), np.array([2.0, 4.0, 1.0])
    # alpha = 0.2: misses cost 2 / 0.2 = 10 per unit outside.
    expected = np.mean([2.0, 4.0 + 10 * 1.0, 1.0 + 10 * 3.0])
    assert interval_score(y, lower, upper, coverage=0.8) == pytest.approx(expected)
    assert empirical_coverage(y, lower, upper) == pytest.approx(1 / 3)


def test_msis_divides_by_the_seasonal_naive_scale():
    y_train = np.array([1.0, 2.0, 4.0, 7.0, 11.0])
    y, lower, upper = [10.0, 12.0], [9.0, 13.0], [11.0, 14.0]
    scale = np.mean(np.abs(y_train[2:] - y_train[:-2]))
    expected = interval_score(y, lower, upper, coverage=0.95) / scale
    got = mean_scaled_interval_score(y, lower, upper, y_train=y_train, season=2)
    assert got == pytest.approx(expected)
    with pytest.raises(ValueError, match="MSIS is undefined"):
        mean_scaled_interval_score(y, lower, upper, y_train=[1.0, 1.0, 1.0])


def test_pinball_loss_matches_sklearn_level_by_level():
    rng = np.random.default_rng(0)
    y = rng.normal(size=(20, 3))
    levels = [0.1, 0.5, 0.9]
    pred = np.sort(rng.normal(size=(20, 3, 3)), axis=-1)
    expected = np.mean(
        [mean_pinball_loss(y.ravel(), pred[..., i].ravel(), alpha=q) for i, q in enumerate(levels)]
    )
    assert pinball_loss(y, pred, levels) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: interval_score([1.0], [0.0], [2.0], coverage=1.0), "strictly between 0 and 1"),
        (lambda: interval_score([1.0], [3.0], [2.0], coverage=0.9), "lower bounds are above"),
        (lambda: empirical_coverage([1.0, 2.0], [0.0], [2.0]), "same shape"),
        (lambda: empirical_coverage([], [], []), "empty"),
        (lambda: pinball_loss([1.0], [[1.0, 2.0]], [0.1, 1.5]), "strictly between 0 and 1"),
        (lambda: pinball_loss([1.0, 2.0], [[1.0, 2.0]], [0.1, 0.9]), r"y_true.shape \+"),
        (lambda: make_quantile_scorer([0.0, 0.5]), "strictly between 0 and 1"),
        (lambda: make_interval_scorer(coverage=2), "strictly between 0 and 1"),
    ],
)
def test_interval_metric_errors(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_scorers_work_in_cross_validate():
    from sklearn.model_selection import TimeSeriesSplit, cross_validate

    from sklstm import LSTMForecaster, make_windows

    series = np.sin(np.arange(160) / 4) + np.arange(160) / 80
    X, Y = make_windows(series, window=8, horizon=3)
    model = LSTMForecaster(intervals=True, n_estimators=1, hidden_size=4, max_epochs=3)
    cv = TimeSeriesSplit(n_splits=2, gap=2)
    scores = cross_validate(
        model,
        X,
        Y,
        cv=cv,
        scoring={
            "interval": make_interval_scorer(coverage=0.8),
            "msis": make_interval_scorer(
                mean_scaled_interval_score, coverage=0.8, y_train=series[:100]
            ),
            "coverage": make_interval_scorer(empirical_coverage, coverage=0.8),
            "pinball": make_quantile_scorer([0.1, 0.9]),
        },
        return_estimator=True,
    )
    # Each score is the metric of that fold's own intervals, with the coverage
    # asked for (MSIS included: not its default 0.95), and a loss is negated
    # as sklearn's neg_* scorers are, so that a search maximising it minimises the loss.
    for fold, (_, test) in enumerate(cv.split(X)):
        fitted, y = scores["estimator"][fold], Y[test]
        lower, upper = fitted.predict_interval(X[test], coverage=0.8)
        quantiles = fitted.predict_quantiles(X[test], quantiles=(0.1, 0.9))
        expected = {
            "interval": -interval_score(y, lower, upper, coverage=0.8),
            "msis": -mean_scaled_interval_score(
                y, lower, upper, y_train=series[:100], coverage=0.8
            ),
            "coverage": empirical_coverage(y, lower, upper),
            "pinball": -pinball_loss(y, quantiles, (0.1, 0.9)),
        }
        for name, value in expected.items():
            assert scores[f"test_{name}"][fold] == pytest.approx(value, rel=1e-12), name


def test_an_interval_loss_scorer_prefers_the_better_intervals():
    """Of two models, the scorer ranks higher the one whose intervals score lower."""

    class Fixed:
        def __init__(self, half_width):
            self.half_width = half_width

        def predict_interval(self, X, coverage):
            centre = np.asarray(X, dtype=float)[:, :1]
            return centre - self.half_width, centre + self.half_width

    X = np.zeros((4, 1))
    y = np.array([[0.5], [-0.5], [0.2], [-0.2]])
    for func, kwargs in [
        (interval_score, {}),
        (mean_scaled_interval_score, {"y_train": [0, 1, 3]}),
    ]:
        scorer = make_interval_scorer(func, coverage=0.8, **kwargs)
        tight, loose = Fixed(0.5), Fixed(5.0)  # both cover every value; tight is narrower
        assert scorer(tight, X, y) > scorer(loose, X, y), func.__name__
        assert scorer(tight, X, y) == pytest.approx(
            -func(y, *tight.predict_interval(X, 0.8), coverage=0.8, **kwargs)
        )
