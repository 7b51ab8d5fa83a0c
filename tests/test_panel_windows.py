"""make_windows on panels (many series in a wide DataFrame) and with covariates."""

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_array_equal
from sklearn.model_selection import TimeSeriesSplit

from sklstm import make_windows


def brute_force(values, index, columns, window, horizon, step, covariates=None):
    """Rows as a loop over time steps and series, in the documented order."""
    length = window + horizon
    rows, targets, keys = [], [], []
    for start in range(0, len(values) - length + 1, step):
        for j, name in enumerate(columns):
            cut = values[start : start + length, j]
            if np.isnan(cut).any():
                continue
            row = list(cut[:window])
            if covariates is not None:
                for c in range(covariates.shape[1]):
                    row += list(covariates[start : start + length, c])
            rows.append(row)
            targets.append(cut[window:])
            keys.append((index[start + window], name))
    return np.array(rows), np.array(targets), keys


@st.composite
def panels(draw):
    n_times = draw(st.integers(1, 25))
    n_series = draw(st.integers(1, 4))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    values = rng.normal(size=(n_times, n_series)).round(2)
    for j in range(n_series):
        start, end = sorted(draw(st.lists(st.integers(0, n_times), min_size=2, max_size=2)))
        values[:start, j] = np.nan
        values[end:, j] = np.nan
        for gap in draw(st.lists(st.integers(0, max(n_times - 1, 0)), max_size=2)):
            values[gap, j] = np.nan
    columns = draw(st.permutations(["b", "a", "d", "c"]))[:n_series]
    index = pd.date_range("2020-01-01", periods=n_times, freq="MS", name="month")
    return pd.DataFrame(values, index=index, columns=columns)


@settings(max_examples=80, deadline=None)
@given(
    panel=panels(),
    window=st.integers(1, 5),
    horizon=st.integers(1, 3),
    step=st.integers(1, 3),
    n_covariates=st.integers(0, 2),
)
def test_panel_rows_match_brute_force(panel, window, horizon, step, n_covariates):
    before = panel.copy()
    covariates = None
    if n_covariates:
        covariates = pd.DataFrame(
            np.arange(len(panel) * n_covariates, dtype=float).reshape(len(panel), -1) * 0.5,
            index=panel.index,
            columns=["temp", "promo"][:n_covariates],
        )
    values = panel.to_numpy()
    cov_values = None if covariates is None else covariates.to_numpy()
    rows, targets, keys = brute_force(
        values, panel.index, panel.columns, window, horizon, step, cov_values
    )
    if not keys:
        with pytest.raises(ValueError, match="No series of the panel"):
            make_windows(panel, window, horizon, step=step, covariates=covariates)
        return
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        X, y = make_windows(panel, window, horizon, step=step, covariates=covariates)

    assert list(X.index) == keys
    assert X.index.names == ["month", "series"]
    assert y.index.equals(X.index)
    assert_array_equal(X.to_numpy(), rows)
    assert_array_equal(np.asarray(y).reshape(len(y), -1), targets)
    assert X.dtypes.eq(np.float64).all()
    short = [name for name in panel.columns if name not in {key[1] for key in keys}]
    if short:
        (warning,) = caught
        assert f"{len(short)} of {panel.shape[1]} series give no row" in str(warning.message)
        assert all(repr(name) in str(warning.message) for name in short)
    else:
        assert not caught
    pd.testing.assert_frame_equal(panel, before)


def test_rows_are_ordered_by_time_then_by_series_in_column_order():
    panel = pd.DataFrame(
        {"z": [1.0, 2, 3, 4, 5], "a": [np.nan, 10, 20, 30, 40], "m": [7.0, 8, 9, 10, 11]}
    )
    X, y = make_windows(panel, window=2)
    assert X.index.tolist() == [
        (2, "z"),
        (2, "m"),
        (3, "z"),
        (3, "a"),
        (3, "m"),
        (4, "z"),
        (4, "a"),
        (4, "m"),
    ]
    assert X.index.names == ["time", "series"]
    assert y.name == "y"
    assert X.loc[(3, "a")].tolist() == [10.0, 20.0]
    assert y.loc[(4, "a")] == 40.0


def test_index_levels_are_named_after_the_panel():
    panel = pd.DataFrame(np.arange(12.0).reshape(6, 2), columns=pd.Index(["a", "b"], name="store"))
    panel.index = pd.date_range("2024-01-01", periods=6, freq="D", name="day")
    X, Y = make_windows(panel, window=2, horizon=3)
    assert X.index.names == ["day", "store"]
    assert list(Y.columns) == ["step_1", "step_2", "step_3"]
    assert X.index.get_level_values("day")[0] == pd.Timestamp("2024-01-03")
    assert X.index.levels[0].equals(pd.DatetimeIndex(["2024-01-03", "2024-01-04"], name="day"))


def test_interior_gaps_leave_out_the_windows_that_touch_them():
    panel = pd.DataFrame({"a": [1.0, 2, 3, np.nan, 5, 6, 7]})
    X, y = make_windows(panel, window=2)
    assert X.index.get_level_values("time").tolist() == [2, 6]
    assert y.tolist() == [3.0, 7.0]


@settings(max_examples=40, deadline=None)
@given(panel=panels(), window=st.integers(1, 4), n_splits=st.integers(2, 5), gap=st.integers(0, 2))
def test_time_series_split_folds_are_in_time_order_across_series(panel, window, n_splits, gap):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            X, _ = make_windows(panel, window)
        except ValueError:
            return
    if len(X) <= (n_splits + 1) * max(gap, 1):  # too few rows for these folds
        return
    times = X.index.get_level_values("month")
    for train, test in TimeSeriesSplit(n_splits=n_splits, gap=gap).split(X):
        assert times[train].max() <= times[test].min()


def test_time_series_split_never_trains_on_a_later_origin():
    rng = np.random.default_rng(0)
    values = rng.normal(size=(40, 6))
    values[:15, 1] = np.nan
    values[30:, 4] = np.nan
    values[20, 2] = np.nan
    X, Y = make_windows(pd.DataFrame(values), window=5, horizon=3)
    times = X.index.get_level_values("time")
    for train, test in TimeSeriesSplit(n_splits=5, gap=2).split(X, Y):
        assert times[train].max() <= times[test].min()


def test_short_series_are_left_out_with_a_warning_naming_them():
    panel = pd.DataFrame(
        {"long": np.arange(10.0), "short": [np.nan] * 8 + [1.0, 2.0], "empty": np.nan}
    )
    with pytest.warns(UserWarning, match="2 of 3 series give no row.*'short', 'empty'"):
        X, _ = make_windows(panel, window=3)
    assert set(X.index.get_level_values("series")) == {"long"}


def test_a_panel_without_any_window_is_an_error():
    panel = pd.DataFrame({"a": [1.0, 2.0], "b": [np.nan, 3.0]})
    with pytest.raises(ValueError, match="window \\+ horizon = 3 values in a row without NaN"):
        make_windows(panel, window=2)
    with pytest.raises(ValueError, match="No series"):
        make_windows(pd.DataFrame({"a": []}), window=1)
    with pytest.raises(ValueError, match="no column"):
        make_windows(pd.DataFrame(), window=1)


def test_many_short_series_are_listed_briefly():
    panel = pd.DataFrame(np.nan, index=range(5), columns=[f"s{i}" for i in range(30)])
    panel["ok"] = 1.0
    with pytest.warns(UserWarning, match="30 of 31.*'s9' and 20 more"):
        make_windows(panel, window=2)


@pytest.mark.parametrize(
    ("panel", "error", "match"),
    [
        (
            pd.DataFrame({"a": [1.0, 2, 3], "b": ["x", "y", "z"]}),
            TypeError,
            # pandas 3 names text columns' dtype "str", pandas 2 "object".
            "must hold numbers.*'b' \\((str|object)\\).*id_col='series'",
        ),
        (
            pd.DataFrame([[1.0, 2.0]] * 4, columns=["a", "a"]),
            ValueError,
            "'a' occur more than once",
        ),
        (
            pd.DataFrame({"a": [1.0, 2, 3, 4]}, index=[3, 1, 2, 4]),
            ValueError,
            "increasing order.*sort_index",
        ),
        (
            pd.DataFrame({"a": [1.0, 2, 3, 4]}, index=[1, 1, 2, 3]),
            ValueError,
            "each once",
        ),
        (
            pd.DataFrame([[1.0, 2.0]] * 4, columns=pd.MultiIndex.from_tuples([(1, 2), (3, 4)])),
            ValueError,
            "MultiIndex.*id_col='series'",
        ),
    ],
)
def test_bad_panels_are_clear_errors(panel, error, match):
    with pytest.raises(error, match=match):
        make_windows(panel, window=2)


def test_panel_columns_of_numbers_in_any_dtype_are_read():
    panel = pd.DataFrame(
        {
            "int": [1, 2, 3, 4],
            "nullable": pd.array([1, None, 3, 4], dtype="Int64"),
            "object": pd.Series([1, 2.5, None, 4], dtype=object),
        }
    )
    X, y = make_windows(panel, window=1)
    assert X.loc[(3, "nullable")].tolist() == [3.0]
    assert (2, "object") not in X.index
    assert y.loc[(1, "object")] == 2.5


# Covariates ---------------------------------------------------------------------------


def test_covariate_columns_follow_the_target_lags():
    series = pd.Series(np.arange(10.0) * 100, name="sales")
    covariates = pd.DataFrame({"temp": np.arange(10.0), "promo": np.arange(10) % 2})
    X, y = make_windows(series, window=3, horizon=2, covariates=covariates)
    assert list(X.columns) == [
        "lag_3",
        "lag_2",
        "lag_1",
        "temp_lag_3",
        "temp_lag_2",
        "temp_lag_1",
        "temp_step_1",
        "temp_step_2",
        "promo_lag_3",
        "promo_lag_2",
        "promo_lag_1",
        "promo_step_1",
        "promo_step_2",
    ]
    assert X.loc[4].tolist() == [100, 200, 300, 1, 2, 3, 4, 5, 1, 0, 1, 0, 1]
    assert y.loc[4].tolist() == [400.0, 500.0]
    assert list(y.columns) == ["step_1", "step_2"]


@settings(max_examples=40, deadline=None)
@given(
    n_times=st.integers(2, 25),
    window=st.integers(1, 5),
    horizon=st.integers(1, 3),
    step=st.integers(1, 3),
    n_covariates=st.integers(1, 3),
)
def test_array_covariates_match_brute_force(n_times, window, horizon, step, n_covariates):
    series = np.arange(n_times, dtype=float)
    covariates = np.arange(n_times * n_covariates).reshape(n_times, -1) + 1000
    if n_times < window + horizon:
        with pytest.raises(ValueError, match="fewer than window"):
            make_windows(series, window, horizon, step=step, covariates=covariates)
        return
    before = covariates.copy()
    X, y = make_windows(series, window, horizon, step=step, covariates=covariates)
    rows, targets, keys = brute_force(
        series[:, None], np.arange(n_times), ["s"], window, horizon, step, covariates
    )
    assert isinstance(X, pd.DataFrame)
    assert X.columns[window] == f"x0_lag_{window}"
    assert X.columns[-1] == f"x{n_covariates - 1}_step_{horizon}"
    assert X.index.tolist() == [key[0] for key in keys]
    assert_array_equal(X.to_numpy(), rows)
    assert_array_equal(np.asarray(y).reshape(len(y), -1), targets)
    assert isinstance(y, np.ndarray)
    assert_array_equal(covariates, before)


def test_panel_covariates_are_shared_by_every_series():
    index = pd.date_range("2024-01-01", periods=5, freq="D")
    panel = pd.DataFrame({"a": [1.0, 2, 3, 4, 5], "b": [np.nan, 20, 30, 40, 50]}, index=index)
    weekday = pd.Series(index.day_of_week, index=index, name="weekday")
    X, _ = make_windows(panel, window=2, covariates=weekday)
    assert list(X.columns) == [
        "lag_2",
        "lag_1",
        "weekday_lag_2",
        "weekday_lag_1",
        "weekday_step_1",
    ]
    last = pd.Timestamp("2024-01-05")
    assert X.loc[(last, "a")].tolist() == [3, 4, 2, 3, 4]  # Wednesday .. Friday
    assert X.loc[(last, "b")].tolist() == [30, 40, 2, 3, 4]


def test_unnamed_series_covariate_is_x0():
    X, _ = make_windows(np.arange(5.0), window=2, covariates=pd.Series(np.ones(5)))
    assert X.columns[2:].tolist() == ["x0_lag_2", "x0_lag_1", "x0_step_1"]


def test_covariates_may_be_missing_where_no_row_reads_them():
    covariates = pd.DataFrame({"temp": [0.0, 1, 2, 3, 4, 5, np.nan]})
    X, _ = make_windows(np.arange(7.0), window=2, step=3, covariates=covariates)
    assert X.index.tolist() == [2, 5]  # rows read steps 0..2 and 3..5
    with pytest.raises(ValueError, match="'temp' is nan at position 6"):
        make_windows(np.arange(7.0), window=2, step=1, covariates=covariates)


def test_covariate_gap_names_the_covariate_and_the_first_time_stamp():
    index = pd.date_range("2024-01-01", periods=6, freq="MS")
    series = pd.Series(np.arange(6.0), index=index)
    covariates = pd.DataFrame({"temp": 1.0, "price": [1, 2, np.inf, 4, np.nan, 6]}, index=index)
    with pytest.raises(
        ValueError, match=r"'price' is inf at 2024-03-01.*2 such time steps.*interpolate"
    ):
        make_windows(series, window=2, covariates=covariates)


def test_inputs_are_not_modified():
    index = pd.date_range("2024-01-01", periods=8, freq="D")
    panel = pd.DataFrame({"a": np.arange(8.0), "b": [np.nan, *range(7)]}, index=index)
    covariates = pd.DataFrame({"flag": [True, False] * 4, "n": range(8)}, index=index)
    panel_before, cov_before = panel.copy(), covariates.copy()
    X, y = make_windows(panel, window=3, horizon=2, covariates=covariates)
    X.iloc[:, :] = -1.0
    y.iloc[:, :] = -1.0
    pd.testing.assert_frame_equal(panel, panel_before)
    pd.testing.assert_frame_equal(covariates, cov_before)


@pytest.mark.parametrize(
    ("covariates", "error", "match"),
    [
        (np.ones(9), ValueError, "covariates has 9 rows but the series has 10 time steps"),
        (
            pd.DataFrame({"temp": np.ones(10)}, index=range(1, 11)),
            ValueError,
            "index differs from the index of the series \\(at position 0: 1 vs 0\\).*loc",
        ),
        (pd.DataFrame({"a": ["x"] * 10}), TypeError, "must hold numbers.*'a' \\((str|object)\\)"),
        (np.array([["x"]] * 10), TypeError, "must hold numbers"),
        (pd.DataFrame(np.ones((10, 2)), columns=["a", "a"]), ValueError, "'a' occur more than"),
        (pd.DataFrame(np.ones((10, 1)), columns=[""]), ValueError, "empty name"),
        (pd.DataFrame(np.ones((10, 1)), columns=[3]), ValueError, "must be strings.*astype"),
        (pd.DataFrame({"num__temp": np.ones(10)}), ValueError, "contains '__'.*rename"),
        (pd.DataFrame({"temp_": np.ones(10)}), ValueError, "ends with '_'"),
        (pd.DataFrame({"_temp": np.ones(10)}), ValueError, "starts with '_'"),
        (np.ones((10, 0)), ValueError, "no column"),
        (np.ones((10, 2, 2)), ValueError, "2-D array"),
    ],
)
def test_bad_covariates_are_clear_errors(covariates, error, match):
    with pytest.raises(error, match=match):
        make_windows(pd.Series(np.arange(10.0)), window=2, covariates=covariates)


def test_covariates_must_share_the_panels_index():
    panel = pd.DataFrame({"a": np.arange(5.0)}, index=pd.RangeIndex(5, name="t"))
    covariates = pd.DataFrame({"c": np.ones(5)}, index=range(10, 15))
    with pytest.raises(
        ValueError, match=r"index of the panel.*10 vs 0.*covariates.loc\[panel.index\]"
    ):
        make_windows(panel, window=2, covariates=covariates)


def test_array_series_takes_the_index_of_a_covariate_frame():
    index = pd.date_range("2024-01-01", periods=4, freq="D")
    X, y = make_windows(np.arange(4.0), window=2, covariates=pd.DataFrame({"c": 1.0}, index))
    assert X.index.equals(index[2:])
    assert isinstance(y, np.ndarray)


def test_two_dimensional_array_points_to_a_panel_frame():
    with pytest.raises(ValueError, match=r"one-dimensional.*pandas.DataFrame\(array\)"):
        make_windows(np.zeros((10, 2)), window=2)
