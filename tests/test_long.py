"""Long data (one row per series and time step): make_windows and forecast."""

import numpy as np
import pandas as pd
import pytest
from _helpers import check_error
from numpy.testing import assert_allclose, assert_array_equal

from sklstm import LSTMForecaster, make_windows

STARTS = {"b": ("2021-01-05", 30), "a": ("2021-01-01", 40), "c": ("2021-01-03", 25)}


def _long(starts=STARTS, seed=0, columns=("unique_id", "ds", "y")):
    rng = np.random.default_rng(seed)
    frames = []
    for name, (start, n) in starts.items():
        ds = pd.date_range(start, periods=n, freq="D")
        y = 10 + np.sin(np.arange(n) / 3) * (1 + len(frames)) + rng.normal(0, 0.1, n)
        frames.append(pd.DataFrame({columns[0]: name, columns[1]: ds, columns[2]: y}))
    return pd.concat(frames, ignore_index=True)


def _wide(frame):
    return frame.pivot(index="ds", columns="unique_id", values="y")


@pytest.fixture(scope="module")
def fitted():
    X, y = make_windows(_long(), window=5, horizon=2)
    model = LSTMForecaster(window=5, n_estimators=1, hidden_size=4, max_epochs=2)
    return model.set_params(intervals=True, random_state=0).fit(X, y)


def test_make_windows_of_long_data_equals_the_wide_panel():
    frame = _long()
    X, y = make_windows(frame, window=5, horizon=3, step=2)
    X_wide, y_wide = make_windows(_wide(frame), window=5, horizon=3, step=2)
    pd.testing.assert_frame_equal(X, X_wide)
    pd.testing.assert_frame_equal(y, y_wide)
    assert X.index.names == ["ds", "unique_id"]
    # Each series gives its own number of rows: its length - window - horizon + 1.
    X, _ = make_windows(frame, window=5, horizon=3)
    counts = X.index.get_level_values("unique_id").value_counts()
    assert counts.to_dict() == {"a": 40 - 7, "b": 30 - 7, "c": 25 - 7}


def test_rows_of_long_data_hold_each_series_own_values():
    frame = _long()
    X, y = make_windows(frame, window=4)
    series = frame[frame.unique_id == "c"].set_index("ds")["y"]
    X_c, y_c = make_windows(series, window=4)
    rows = X.xs("c", level="unique_id")
    assert_array_equal(rows.to_numpy(), X_c.to_numpy())
    assert_array_equal(y.xs("c", level="unique_id").to_numpy(), y_c.to_numpy())


def test_rows_order_and_shuffled_input_give_the_same_windows():
    frame = _long()
    shuffled = frame.sample(frac=1, random_state=0)
    X, y = make_windows(frame, window=5)
    X_s, y_s = make_windows(shuffled, window=5)
    pd.testing.assert_frame_equal(X, X_s)
    pd.testing.assert_series_equal(y, y_s)


def test_column_names_are_configurable():
    frame = _long(columns=("store", "date", "sales"))
    X, y = make_windows(frame, 5, id_col="store", time_col="date", target_col="sales")
    X_default, _ = make_windows(_long(), 5)
    assert_array_equal(X.to_numpy(), X_default.to_numpy())
    assert X.index.names == ["date", "store"]


def test_integer_time_stamps_are_steps():
    frame = _long().assign(ds=lambda f: (f.ds - pd.Timestamp("2021-01-01")).dt.days)
    X, _ = make_windows(frame, window=5)
    X_dates, _ = make_windows(_long(), window=5)
    assert_array_equal(X.to_numpy(), X_dates.to_numpy())


def test_a_missing_row_is_a_gap_not_a_contiguous_step():
    frame = _long()
    dropped = frame.drop(index=frame.index[(frame.unique_id == "a")][10])
    X, _ = make_windows(dropped, window=3, horizon=1)
    rows = X.xs("a", level="unique_id")
    # 40 values, one missing: 4 fewer windows of 4 (those touching it).
    assert len(rows) == 40 - 4 + 1 - 4
    gap = frame.ds[frame.unique_id == "a"].iloc[10]
    assert not ((rows.index > gap) & (rows.index <= gap + pd.Timedelta(days=3))).any()


def test_covariates_are_columns_of_each_series():
    frame = _long()
    frame["price"] = np.arange(len(frame), dtype=float)
    X, y = make_windows(frame, window=3, horizon=2, covariates=["price"])
    assert list(X.columns[-5:]) == [
        "price_lag_3",
        "price_lag_2",
        "price_lag_1",
        "price_step_1",
        "price_step_2",
    ]
    series = frame[frame.unique_id == "b"].set_index("ds")
    X_b, _ = make_windows(series["y"], 3, 2, covariates=series[["price"]])
    assert_array_equal(X.xs("b", level="unique_id").to_numpy(), X_b.to_numpy())


@pytest.mark.parametrize(
    ("change", "error", "problem", "fix"),
    [
        (lambda f: f.drop(columns="y"), ValueError, r"no column\(s\) 'y'", "target_col="),
        (
            lambda f: pd.concat([f, f.iloc[:1]]),
            ValueError,
            r"repeat a \(series, time stamp\)",
            "Aggregate",
        ),
        (
            lambda f: f.assign(ds=f.ds.astype(str)),
            TypeError,
            "dates .* or integers",
            "to_datetime",
        ),
        (
            lambda f: f.assign(ds=f.ds + pd.Timedelta(hours=1) * (f.index == 3).astype(int)),
            ValueError,
            "grid",
            "Align",
        ),
        (lambda f: f.assign(price=np.nan), ValueError, "'price' is missing", "fill"),
    ],
    ids=["no target", "duplicates", "text dates", "off grid", "covariate gap"],
)
def test_bad_long_data_is_refused_with_the_fix(change, error, problem, fix):
    frame = change(_long().assign(price=1.0))
    check_error(lambda f: make_windows(f, 3, covariates=["price"]), [frame], error, problem, fix)


def test_covariate_values_are_refused_for_long_data():
    frame = _long()
    with pytest.raises(ValueError, match="pass their names"):
        make_windows(frame, 3, covariates=frame[["y"]])


def test_long_forecast_in_two_lines(fitted):
    forecast = fitted.forecast(_long(), coverage=0.8)
    assert list(forecast.columns) == ["unique_id", "ds", "forecast", "lo-80", "hi-80"]
    assert len(forecast) == 3 * 2
    assert (forecast["lo-80"] <= forecast["hi-80"]).all()
    # Each series continues from its own last time stamp.
    ends = _long().groupby("unique_id").ds.max()
    firsts = forecast.groupby("unique_id").ds.min()
    assert (firsts == ends + pd.Timedelta(days=1)).all()


def test_long_forecast_equals_the_forecast_of_each_series(fitted):
    frame = _long()
    forecast = fitted.forecast(frame, steps=2, coverage=0.9).set_index(["unique_id", "ds"])
    for name, group in frame.groupby("unique_id"):
        series = group.set_index("ds")["y"].asfreq("D")
        expected = fitted.forecast(series, steps=2, coverage=0.9)
        got = forecast.loc[name]
        assert_allclose(got["forecast"], expected["forecast"], rtol=1e-12)
        assert_allclose(got["lo-90"], expected["lower"], rtol=1e-12)
        assert_allclose(got["hi-90"], expected["upper"], rtol=1e-12)
        assert_array_equal(got.index, expected.index)


def test_long_forecast_equals_the_wide_panel_forecast(fitted):
    # Series ending together: the wide path forecasts them all.
    starts = {"x": ("2021-01-01", 30), "y2": ("2021-01-06", 25)}
    frame = _long(starts)
    forecast = fitted.forecast(frame, steps=2)
    wide = fitted.forecast(_wide(frame), steps=2)
    got = forecast.pivot(index="ds", columns="unique_id", values="forecast")
    pd.testing.assert_frame_equal(got, wide, check_names=False, check_freq=False, rtol=1e-12)


def test_long_forecast_of_a_short_series_names_it(fitted):
    frame = _long({"a": ("2021-01-01", 30), "tiny": ("2021-01-01", 3)})
    with pytest.raises(ValueError, match=r"fewer than window_=5.*'tiny'"):
        fitted.forecast(frame)


def test_long_forecast_with_covariates():
    frame = _long()
    frame["promo"] = (frame.ds.dt.dayofweek == 0).astype(float)
    X, y = make_windows(frame, window=4, horizon=2, covariates=["promo"])
    model = LSTMForecaster(window=4, n_estimators=1, hidden_size=4, max_epochs=1, random_state=0)
    model.fit(X, y)
    ends = frame.groupby("unique_id").ds.max()
    future = pd.DataFrame(
        [
            {"unique_id": name, "ds": end + pd.Timedelta(days=k), "promo": float(k == 1)}
            for name, end in ends.items()
            for k in (1, 2)
        ]
    )
    forecast = model.forecast(frame, covariates=future)
    for name, group in frame.groupby("unique_id"):
        history = group.set_index("ds").asfreq("D")
        covariates = pd.concat(
            [history[["promo"]], future[future.unique_id == name].set_index("ds")[["promo"]]]
        )
        expected = model.forecast(history["y"], covariates=covariates)
        assert_allclose(forecast[forecast.unique_id == name]["forecast"], expected, rtol=1e-12)
    with pytest.raises(ValueError, match=r"no \(finite\) values for 2 of the 6"):
        model.forecast(frame, covariates=future.iloc[2:])
