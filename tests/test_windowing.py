import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_array_equal

from sklstm import make_windows


def test_rows_and_targets_follow_the_series():
    X, y = make_windows(np.arange(10.0), window=3, horizon=2, step=2)
    assert_array_equal(X, [[0, 1, 2], [2, 3, 4], [4, 5, 6]])
    assert_array_equal(y, [[3, 4], [5, 6], [7, 8]])


def test_horizon_one_gives_1d_targets():
    X, y = make_windows(np.arange(5), window=2)
    assert y.shape == (3,)
    assert_array_equal(y, [2, 3, 4])


def test_exact_fit_gives_one_origin():
    X, y = make_windows(np.arange(5), window=3, horizon=2)
    assert X.shape == (1, 3)
    assert_array_equal(y, [[3, 4]])


def test_windows_are_read_only_views_not_copies():
    series = np.arange(1000.0)
    X, y = make_windows(series, window=48, horizon=4)
    assert np.shares_memory(X, series)
    assert np.shares_memory(y, series)
    assert not X.flags.writeable
    assert not y.flags.writeable


@pytest.mark.parametrize(("length", "window", "horizon"), [(4, 3, 2), (0, 1, 1), (2, 2, 1)])
def test_too_short_series_is_a_clear_error(length, window, horizon):
    with pytest.raises(ValueError, match="fewer than window \\+ horizon"):
        make_windows(np.arange(length), window=window, horizon=horizon)


@pytest.mark.parametrize(
    "bad", [{"window": 0}, {"window": 2, "horizon": 0}, {"window": 2, "step": 0}]
)
def test_non_positive_sizes_are_rejected(bad):
    with pytest.raises(ValueError, match="must be an int in the range"):
        make_windows(np.arange(10), **bad)


def test_two_dimensional_input_is_rejected():
    with pytest.raises(ValueError, match="one-dimensional"):
        make_windows(np.zeros((10, 2)), window=2)


def test_non_numeric_input_is_a_type_error():
    with pytest.raises(TypeError, match="must hold numbers"):
        make_windows(["a", "b", "c", "d"], window=2)


def test_pandas_series_gives_named_lags_and_target_times(airline):
    X, y = make_windows(airline, window=12, horizon=1)
    assert list(X.columns) == [f"lag_{k}" for k in range(12, 0, -1)]
    assert X.index[0] == pd.Timestamp("1950-01-01")
    assert y.index.equals(X.index)
    assert y.iloc[0] == airline.iloc[12]
    assert_array_equal(X.iloc[0], airline.iloc[:12])


def test_pandas_multi_step_targets_are_a_frame(airline):
    X, Y = make_windows(airline, window=24, horizon=12)
    assert list(Y.columns) == [f"step_{k}" for k in range(1, 13)]
    assert len(X) == len(Y) == 144 - 24 - 12 + 1
    assert_array_equal(Y.iloc[-1], airline.iloc[-12:])


def test_input_is_not_modified():
    series = np.arange(20.0)
    before = series.copy()
    make_windows(series, window=5, horizon=3)
    assert_array_equal(series, before)
