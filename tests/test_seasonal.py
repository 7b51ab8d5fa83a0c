"""The seasonality test and the season the fallback guesses (sklstm._seasonal)."""

import numpy as np
import pytest

from sklstm import LSTMForecaster, make_windows
from sklstm._seasonal import autocorrelation, guess_season, is_seasonal, series_of_rows

RNG = np.random.default_rng(0)
NOISE = RNG.normal(size=120)
SEASONAL = np.tile([3.0, 9.0, 4.0, 1.0], 30) + 0.3 * NOISE
TREND = np.cumsum(1.0 + 0.3 * NOISE)


def test_autocorrelation_of_an_alternating_series():
    acf = autocorrelation(np.tile([1.0, -1.0], 50), 2)
    assert acf[0] == pytest.approx(-0.99) and acf[1] == pytest.approx(0.98)
    np.testing.assert_array_equal(autocorrelation(np.ones(10), 3), np.zeros(3))


def test_a_season_passes_and_noise_or_a_trend_do_not():
    assert is_seasonal(SEASONAL, 4)
    assert not is_seasonal(NOISE, 4)
    assert not is_seasonal(TREND, 4)


def test_fewer_than_three_seasons_are_never_seasonal():
    assert not is_seasonal(SEASONAL[:11], 4)
    assert not is_seasonal(SEASONAL, 1)


@pytest.mark.parametrize("horizon", [1, 3])
def test_one_step_rows_give_back_their_series(horizon):
    X, Y = make_windows(SEASONAL, window=8, horizon=horizon)
    rows = np.column_stack((X, Y))
    series = series_of_rows(rows, 8)
    np.testing.assert_array_equal(series, SEASONAL[: len(series)])
    assert len(series) == len(SEASONAL) - horizon + 1


def test_rows_that_do_not_continue_one_another_give_no_series():
    X, Y = make_windows(SEASONAL, window=8)
    rows = np.column_stack((X, Y))[::2]
    assert series_of_rows(rows, 8) is None
    assert guess_season(rows, 8, 8) is None


def test_the_guess_is_half_the_window_when_the_data_show_it():
    for values, expected in ((SEASONAL, 4), (TREND, None), (NOISE, None)):
        X, y = make_windows(values, window=8)
        assert guess_season(np.column_stack((X, y)), 8, 8) == expected
    X, y = make_windows(SEASONAL, window=9)
    assert guess_season(np.column_stack((X, y)), 9, 9) is None  # an odd window


def test_the_estimator_records_the_season_its_fallback_used():
    fast = {"max_epochs": 2, "n_estimators": 2, "hidden_size": 4, "random_state": 0}
    X, y = make_windows(SEASONAL, window=8)
    assert LSTMForecaster(window=8, horizon=4, **fast).fit(X, y).season_length_ == 4
    given = LSTMForecaster(window=8, horizon=4, season_length=2, **fast).fit(X, y)
    assert given.season_length_ == 2
    X, y = make_windows(TREND, window=8)
    model = LSTMForecaster(window=8, horizon=4, **fast).fit(X, y)
    assert model.season_length_ is None and "seasonal_naive" not in model.heldout_scores_
