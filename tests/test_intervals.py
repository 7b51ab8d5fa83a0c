"""Prediction intervals and quantiles: calibration per horizon step, on held-out errors."""

import math
import pickle

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV, TimeSeriesSplit
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer

from sklstm import LSTMForecaster, load, make_windows
from sklstm._intervals import StepCalibration, continuations
from sklstm.datasets import load_airline

FAST = {"hidden_size": 8, "max_epochs": 5, "n_estimators": 2, "random_state": 0}


# --- the calibration ---------------------------------------------------------


def test_scales_grow_with_the_step_and_never_shrink():
    rng = np.random.default_rng(0)
    errors = [rng.normal(scale=s, size=40) for s in (1.0, 2.0, 1.5, 4.0)]
    calibration = StepCalibration(errors)
    assert np.all(np.diff(calibration.scales_) >= 0)
    # Steps 2 and 3 are out of order: they are pooled, weighted by their counts.
    means = [np.mean(np.abs(e)) for e in errors]
    assert calibration.scales_[0] == pytest.approx(means[0])
    assert calibration.scales_[1] == pytest.approx((means[1] + means[2]) / 2)
    assert calibration.scales_[3] == pytest.approx(means[3])
    assert len(calibration.standardized_) == 160


def test_quantiles_use_split_conformal_ranks():
    # Standardised errors 1 .. 19 (scale 1 after dividing by the mean, times it).
    errors = [np.arange(1.0, 20.0)]
    calibration = StepCalibration(errors)
    sample = calibration.standardized_
    # n = 19: the 0.9 quantile is the ceil(20 * 0.9) = 18th smallest, the 0.1
    # quantile the floor(20 * 0.1) = 2nd smallest.
    assert calibration.quantile([0.9])[0] == sample[17]
    assert calibration.quantile([0.1])[0] == sample[1]
    # Beyond the sample: the extreme.
    assert calibration.quantile([0.99])[0] == sample[-1]
    offsets = calibration.offsets([0.1, 0.5, 0.9], steps=1)
    assert offsets.shape == (1, 3)
    assert np.all(np.diff(offsets) >= 0)


def test_more_steps_than_calibrated_is_a_clear_error():
    calibration = StepCalibration([np.ones(5), np.ones(5)])
    with pytest.raises(ValueError, match=r"calibrated for 2 steps ahead, but 3 .* horizon=3"):
        calibration.offsets([0.5], steps=3)


def test_continuations_follow_the_rows_of_one_series():
    series = np.arange(30.0)
    X, y = make_windows(series, window=5)
    sequences = np.column_stack((X, y))
    future, n_chains = continuations(sequences, n_lags=5, steps=4)
    assert n_chains == 1
    for i in range(len(X)):
        expected = series[i + 5 : i + 9]
        known = future[i][np.isfinite(future[i])]
        assert_array_equal(known, expected[: len(known)])
        # Known as far as the series goes.
        assert len(known) == min(4, len(series) - (i + 5))


def test_continuations_of_panel_rows_stay_within_their_series():
    panel = pd.DataFrame({"a": np.arange(20.0), "b": 100 + np.arange(20.0) * 2})
    X, y = make_windows(panel, window=4, horizon=2)
    sequences = np.column_stack((X, y))
    future, n_chains = continuations(sequences, n_lags=4, steps=5)
    assert n_chains == 2
    for row, (_, name) in zip(future, X.index, strict=True):
        values = row[np.isfinite(row)]
        assert (values < 100).all() if name == "a" else (values >= 100).all()
        assert_array_equal(np.diff(values), np.full(len(values) - 1, 1.0 if name == "a" else 2.0))


# --- statistical behaviour ------------------------------------------------------


def _ar1(n, phi, sigma, seed):
    rng = np.random.default_rng(seed)
    x = np.zeros(n)
    for t in range(1, n):
        x[t] = phi * x[t - 1] + sigma * rng.standard_normal()
    return x


@pytest.mark.slow
def test_coverage_on_an_ar1_is_nominal_per_step():
    # An AR(1) with known noise: train on 1,000 values, then check 150
    # independent test origins (spaced a whole horizon apart) that come after.
    phi, sigma, horizon = 0.7, 1.0, 4
    series = _ar1(1000 + 150 * horizon + 16, phi, sigma, seed=1)
    train, test = series[:1000], series[1000:]
    X, y = make_windows(train, window=16)
    model = LSTMForecaster(
        window=16,
        horizon=horizon,
        intervals=True,
        hidden_size=8,
        n_estimators=2,
        max_epochs=10,
        random_state=0,
    ).fit(X, y)
    origins, actual = make_windows(test, window=16, horizon=horizon, step=horizon)
    n = len(origins)
    for coverage in (0.8, 0.95):
        lower, upper = model.predict_interval(origins, coverage=coverage)
        inside = (actual >= lower) & (actual <= upper)
        # Per step: the binomial standard error of a share over n independent
        # origins; 3 of them either way, plus 2 points for the calibration
        # model being fitted on 80% of the data (its intervals are a little wide).
        tolerance = 3 * math.sqrt(coverage * (1 - coverage) / n) + 0.02
        for step in range(horizon):
            assert abs(inside[:, step].mean() - coverage) <= tolerance, (coverage, step)
    # The widths match the known error of the AR(1): the k-step forecast error
    # has standard deviation sigma * sqrt(sum phi^(2j), j < k).
    lower, upper = model.predict_interval(origins, coverage=0.95)
    width = (upper - lower).mean(axis=0)
    true_sd = sigma * np.sqrt(np.cumsum(phi ** (2 * np.arange(horizon))))
    assert_allclose(width, 2 * 1.96 * true_sd, rtol=0.25)


def test_intervals_widen_with_the_step_on_a_random_walk():
    rng = np.random.default_rng(3)
    walk = np.cumsum(rng.standard_normal(400))
    X, y = make_windows(walk, window=10)
    model = LSTMForecaster(window=10, horizon=8, intervals=True, **FAST).fit(X, y)
    lower, upper = model.predict_interval(X[-20:], coverage=0.9)
    width = (upper - lower).mean(axis=0)
    assert np.all(np.diff(width) >= -1e-9)
    # A random walk's k-step error grows like sqrt(k): step 8 is far wider.
    assert width[-1] > 1.8 * width[0]


# --- the API -------------------------------------------------------------------


@pytest.fixture(scope="module")
def fitted():
    y = load_airline()
    X, Y = make_windows(y[:-12], window=24)
    model = LSTMForecaster(window=24, horizon=12, intervals=True, **FAST).fit(X, Y)
    return model, X, Y, y[:-12]


def test_shapes_and_dtypes_follow_predict(fitted):
    model, X, _, _ = fitted
    point = model.predict(X)
    lower, upper = model.predict_interval(X, coverage=0.8)
    assert lower.shape == upper.shape == point.shape == (len(X), 12)
    assert lower.dtype == upper.dtype == np.float64
    assert np.all(lower <= upper)
    q = model.predict_quantiles(X, quantiles=[0.05, 0.5, 0.95])
    assert q.shape == (len(X), 12, 3) and q.dtype == np.float64
    assert np.all(np.diff(q, axis=-1) >= 0)
    # An interval is the pair of quantiles (1 -/+ coverage) / 2.
    q = model.predict_quantiles(X, quantiles=[0.1, 0.9])
    assert_array_equal(q[..., 0], lower)
    assert_array_equal(q[..., 1], upper)
    # Wider for a higher coverage.
    lo95, up95 = model.predict_interval(X, coverage=0.95)
    assert np.all(lo95 <= lower) and np.all(up95 >= upper)


def test_one_step_one_dimensional_shapes():
    series = np.sin(np.arange(200) / 4)
    X, y = make_windows(series, window=8)
    model = LSTMForecaster(intervals=True, **FAST).fit(X, y)
    assert model.predict(X).shape == (len(X),)
    lower, upper = model.predict_interval(X)
    assert lower.shape == upper.shape == (len(X),)
    assert model.predict_quantiles(X, quantiles=(0.2, 0.8)).shape == (len(X), 2)


def test_forecast_with_coverage_is_a_frame_on_the_future_index(fitted):
    model, _, _, train = fitted
    frame = model.forecast(train, steps=12, coverage=0.9)
    assert list(frame.columns) == ["forecast", "lower", "upper"]
    assert frame.index[0] == pd.Timestamp("1960-01-01") and len(frame) == 12
    assert_array_equal(frame["forecast"].to_numpy(), model.forecast(train, steps=12).to_numpy())
    # The 5% and 95% error quantiles straddle zero here, so the 90% band
    # holds the forecast.
    assert (frame["lower"] <= frame["forecast"]).all()
    assert (frame["forecast"] <= frame["upper"]).all()
    array = model.forecast(train.to_numpy(), steps=6, coverage=0.9)
    assert isinstance(array, pd.DataFrame) and array.shape == (6, 3)


def test_errors(fitted):
    model, X, Y, train = fitted
    for bad in (0, 1, 1.5, -0.2):
        with pytest.raises(ValueError, match="strictly between 0 and 1"):
            model.predict_interval(X, coverage=bad)
    for bad in ("0.9", True, None):
        with pytest.raises(ValueError, match="coverage must be a number"):
            model.predict_interval(X, coverage=bad)
    with pytest.raises(ValueError, match="quantiles must lie strictly between 0 and 1"):
        model.predict_quantiles(X, quantiles=[0.5, 1.0])
    with pytest.raises(ValueError, match="calibrated for 12 steps ahead, but 13"):
        model.forecast(train, steps=13, coverage=0.9)
    plain = LSTMForecaster(**FAST).fit(X, Y)
    with pytest.raises(
        ValueError, match=r"fitted with intervals=False\. Fit it with intervals=True"
    ):
        plain.predict_interval(X)
    with pytest.raises(ValueError, match="intervals=False"):
        plain.forecast(train, coverage=0.9)


def test_too_few_rows_to_calibrate_is_a_clear_error():
    X, y = make_windows(np.arange(10.0), window=8)
    with pytest.raises(ValueError, match=r"holds out the most recent rows .* only 2 row"):
        LSTMForecaster(intervals=True, horizon=2, **FAST).fit(X, y)


def test_rows_that_do_not_reach_the_horizon_are_a_clear_error():
    # Rows cut every 12 steps do not continue one another: step 2 is unknown.
    series = np.sin(np.arange(600) / 4)
    X, y = make_windows(series, window=12, step=12)
    with pytest.raises(ValueError, match=r"do not reach step 2\b.*horizon=6"):
        LSTMForecaster(intervals=True, horizon=6, **FAST).fit(X, y)
    # With targets of the whole horizon the rows carry what followed them.
    X, Y = make_windows(series, window=12, horizon=6, step=12)
    LSTMForecaster(intervals=True, **FAST).fit(X, Y).predict_interval(X)


def test_point_forecasts_do_not_depend_on_intervals(fitted):
    model, X, Y, _ = fitted
    plain = clone(model).set_params(intervals=False).fit(X, Y)
    assert_array_equal(plain.predict(X), model.predict(X))


def test_calibration_is_part_of_the_model(fitted, tmp_path):
    model, X, Y, _ = fitted
    expected = model.predict_interval(X, coverage=0.8)
    copies = [pickle.loads(pickle.dumps(model))]
    model.save(tmp_path / "m.sklstm")
    copies.append(load(tmp_path / "m.sklstm"))
    for copy in copies:
        for got, want in zip(copy.predict_interval(X, coverage=0.8), expected, strict=True):
            assert_array_equal(got, want)
    # A clone is unfitted; fitted again it calibrates again, identically.
    again = clone(model).fit(X, Y)
    assert_array_equal(again.predict_interval(X, coverage=0.8)[1], expected[1])


@pytest.mark.slow
def test_in_a_pipeline_and_a_grid_search():
    y = load_airline().to_numpy()
    X, Y = make_windows(y, window=24, horizon=6)
    pipe = make_pipeline(
        FunctionTransformer(),
        LSTMForecaster(intervals=True, **FAST),
    )
    search = GridSearchCV(
        pipe,
        {"lstmforecaster__hidden_size": [4, 8]},
        cv=TimeSeriesSplit(n_splits=2, gap=5),
        scoring="neg_mean_absolute_error",
    ).fit(X, Y)
    best = search.best_estimator_
    lower, upper = best[-1].predict_interval(best[:-1].transform(X[-3:]))
    assert lower.shape == (3, 6) and np.all(lower <= upper)


def test_covariates_with_one_step_targets_calibrate_the_whole_horizon():
    rng = np.random.default_rng(0)
    flag = (rng.random(300) < 0.2).astype(float)
    series = pd.Series(np.sin(np.arange(300) / 4) + 2 * flag + 0.1 * rng.standard_normal(300))
    covariates = pd.DataFrame({"flag": flag})
    X, Y = make_windows(series, window=8, horizon=3, covariates=covariates)
    # One-step targets, but rows that carry 3 future covariate steps.
    model = LSTMForecaster(horizon=3, intervals=True, **FAST).fit(X, Y["step_1"])
    lower, upper = model.predict_interval(X.iloc[-5:])
    assert lower.shape == (5, 3) and np.all(lower <= upper)


def test_panel_rows_of_one_step_calibrate_over_time():
    rng = np.random.default_rng(1)
    t = np.arange(120)
    panel = pd.DataFrame(
        {
            f"s{i}": (10**i) * (5 + np.sin(t / 3 + i) + 0.1 * rng.standard_normal(120))
            for i in range(6)
        }
    )
    X, y = make_windows(panel, window=8)
    model = LSTMForecaster(horizon=9, scaler="row", intervals=True, **FAST).fit(X, y)
    # Each series' held-out stretch reaches 9 steps ahead.
    assert model._calibration.counts_.min() > 0
    frame = model.forecast(panel, steps=9, coverage=0.8)
    assert frame.shape == (9, 18)
    lower, upper = frame["s3"]["lower"], frame["s3"]["upper"]
    assert (lower <= upper).all() and (upper - lower).mean() > 100  # in the series' own units
