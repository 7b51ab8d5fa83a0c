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
