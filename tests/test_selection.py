"""The fallback on a simple forecast, chosen by held-out errors (sklstm._selection)."""

import numpy as np
import pytest

from sklstm import LSTMForecaster, make_windows
from sklstm._selection import (
    NETWORK,
    candidate_methods,
    choose_method,
    heldout_score,
    simple_forecast,
)

FAST = {"max_epochs": 3, "n_estimators": 2, "hidden_size": 4}


def test_simple_forecasts_continue_the_window():
    windows = np.array([[1.0, 2.0, 3.0, 4.0, 5.0, 7.0]])
    np.testing.assert_array_equal(simple_forecast(windows, 3, "naive"), [[7, 7, 7]])
    np.testing.assert_allclose(simple_forecast(windows, 2, "drift"), [[8.2, 9.4]])
    np.testing.assert_array_equal(
        simple_forecast(windows, 5, "seasonal_naive", season_length=2), [[5, 7, 5, 7, 5]]
    )


@pytest.mark.parametrize("method", ["naive", "drift", "seasonal_naive"])
def test_simple_forecasts_commute_with_affine_maps(method):
    # They are computed in the network's units and unscaled: that must equal
    # computing them in data units, for any affine scaler.
    rng = np.random.default_rng(0)
    windows = rng.normal(size=(5, 8))
    direct = simple_forecast(3.0 * windows - 2.0, 6, method, season_length=4)
    mapped = 3.0 * simple_forecast(windows, 6, method, season_length=4) - 2.0
    np.testing.assert_allclose(direct, mapped)


def test_unknown_method_is_refused():
    with pytest.raises(ValueError, match="Unknown simple forecast"):
        simple_forecast(np.ones((1, 4)), 2, "mean")


def test_candidates_need_a_season_that_fits_the_window():
    assert candidate_methods(8) == ["naive", "drift"]
    assert candidate_methods(8, season_length=4) == ["naive", "seasonal_naive", "drift"]
    assert "seasonal_naive" not in candidate_methods(8, season_length=12)
    assert "seasonal_naive" not in candidate_methods(8, season_length=1)


def test_score_scales_each_origin_and_skips_unknown_steps():
    origins = np.array([[0.0, 1.0, 2.0], [0.0, 10.0, 20.0]])
    future = np.array([[3.0, np.nan], [30.0, 40.0]])
    forecasts = np.array([[4.0, 99.0], [40.0, 40.0]])
    # Scaled errors: step 1, |3 - 4| / 1 and |30 - 40| / 10; step 2, 0 (origin 2 only).
    assert heldout_score(origins, future, forecasts) == pytest.approx((1.0 + 0.0) / 2)
    assert heldout_score(origins, np.full((2, 2), np.nan), forecasts) == np.inf


def test_choice_keeps_the_network_unless_a_simple_forecast_did_better():
    origins = np.tile(np.arange(8.0), (4, 1))
    future = origins[:, -1:] + np.arange(1.0, 4.0)  # the line continues
    method, scores = choose_method(origins, future, future + 0.5)
    assert method == "drift" and scores["drift"] == 0
    method, scores = choose_method(origins, future, future.copy())
    assert method == NETWORK  # a tie keeps the network
    assert set(scores) == {NETWORK, "naive", "drift"}


def test_a_line_falls_back_on_drift_and_continues_exactly():
    series = 5.0 + 0.5 * np.arange(60)
    X, y = make_windows(series, window=8)
    model = LSTMForecaster(window=8, horizon=5, random_state=0, **FAST).fit(X, y)
    assert model.method_ == "drift"
    assert model.heldout_scores_["drift"] < model.heldout_scores_[NETWORK]
    np.testing.assert_allclose(model.forecast(series), 5.0 + 0.5 * np.arange(60, 65))


def test_seasonal_naive_is_a_candidate_only_where_a_season_is_found():
    pattern = np.array([3.0, 9.0, 4.0, 1.0])
    series = np.tile(pattern, 15)
    X, y = make_windows(series, window=8)
    seasonal = LSTMForecaster(window=8, horizon=6, season_length=4, random_state=0, **FAST)
    seasonal.fit(X, y)
    assert seasonal.method_ == "seasonal_naive"
    np.testing.assert_allclose(seasonal.forecast(series), np.tile(pattern, 2)[:6])
    # Without season_length the season is looked for at half the window (the
    # recipe's window is two seasons): found here, so it is a candidate too.
    guessed = LSTMForecaster(window=8, horizon=6, random_state=0, **FAST).fit(X, y)
    assert "seasonal_naive" in guessed.heldout_scores_
    # A trend without a season gives no seasonal candidate.
    trend = 5.0 + 0.5 * np.arange(60)
    X, y = make_windows(trend, window=8)
    plain = LSTMForecaster(window=8, horizon=6, random_state=0, **FAST).fit(X, y)
    assert "seasonal_naive" not in plain.heldout_scores_


def test_fallback_false_keeps_the_network():
    series = 5.0 + 0.5 * np.arange(60)
    X, y = make_windows(series, window=8)
    model = LSTMForecaster(window=8, horizon=5, fallback=False, random_state=0, **FAST)
    model.fit(X, y)
    assert model.method_ == NETWORK and model.heldout_scores_ is None


def test_intervals_follow_the_chosen_method():
    series = 5.0 + 0.5 * np.arange(60)
    X, y = make_windows(series, window=8)
    model = LSTMForecaster(window=8, horizon=5, intervals=True, random_state=0, **FAST)
    frame = model.fit(X, y).forecast(series, coverage=0.9)
    # Drift was exact on every held-out origin: a zero-width band around it.
    np.testing.assert_allclose(frame["lower"], frame["forecast"])
    np.testing.assert_allclose(frame["upper"], frame["forecast"])


def test_too_few_rows_to_hold_out_leave_the_network():
    X, y = make_windows(np.arange(12.0) ** 1.5, window=8)  # 4 rows
    model = LSTMForecaster(window=8, horizon=3, random_state=0, **FAST).fit(X, y)
    assert model.method_ == NETWORK and model.heldout_scores_ is None


@pytest.mark.parametrize(
    ("season_length", "n_lags", "window"), [(4, 30, 8), (12, 30, 24), (12, 20, 20)]
)
def test_season_length_sizes_the_window(season_length, n_lags, window):
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(40, n_lags)), rng.normal(size=40)
    model = LSTMForecaster(season_length=season_length, **FAST).fit(X, y)
    assert model.window_ == window
    assert LSTMForecaster(window=10, season_length=season_length, **FAST).fit(X, y).window_ == 10
