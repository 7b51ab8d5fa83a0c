"""``make_windows``, and the built-in windowing that fit applies inside each row."""

import math

import numpy as np
import pandas as pd
import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from numpy.testing import assert_array_equal

from sklstm import LSTMForecaster, make_windows


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


# --- Built-in windowing: every (window -> next value) pair inside each row ------


def brute_force_pairs(sequences, window):
    """The pairs, taken row by row with plain slicing: one ``[*window, next]`` each."""
    return np.array(
        [
            row[start : start + window + 1]
            for row in sequences
            for start in range(len(row) - window)
        ],
        dtype=np.float32,
    ).reshape(-1, window + 1)


def as_rows(batches):
    """Batches of ``(windows, targets)`` as one array of ``[*window, target]`` rows."""
    if not batches:
        return np.empty((0, 0), dtype=np.float32)
    return np.concatenate([np.column_stack((X.numpy(), y.numpy())) for X, y in batches])


def sorted_rows(array):
    return array[np.lexsort(array.T[::-1])] if len(array) else array


def unique_values(shape):
    # Distinct values, so that a pair taken one step off never equals the right one.
    return arrays(np.float32, shape, elements=st.floats(-1e3, 1e3, width=32), unique=True).filter(
        lambda a: np.isfinite(a).all()
    )


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_window_pairs_gather_every_pair_of_every_row_in_index_order(data):
    from sklstm._training import WindowPairs

    n_rows = data.draw(st.integers(1, 6), label="rows")
    n_steps = data.draw(st.integers(2, 20), label="steps per row")
    window = data.draw(st.integers(1, n_steps - 1), label="window")
    values = data.draw(unique_values((n_rows, n_steps)), label="values")
    expected = brute_force_pairs(values, window)

    pairs = WindowPairs(torch.as_tensor(values), window)
    assert len(pairs) == len(expected) == n_rows * (n_steps - window)
    X, y, _ = pairs.gather(torch.arange(len(pairs)))
    assert_array_equal(X.numpy(), expected[:, :-1])
    assert_array_equal(y.numpy(), expected[:, -1])
    # Any batch of indices, in any order, gathers the same pairs.
    index = data.draw(st.lists(st.integers(0, len(pairs) - 1), min_size=1), label="index")
    X, y, _ = pairs.gather(torch.as_tensor(index))
    assert_array_equal(X.numpy(), expected[index, :-1])
    assert_array_equal(y.numpy(), expected[index, -1])
    X, y, _ = pairs[index[0]]
    assert_array_equal(X.numpy(), expected[index[:1], :-1])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_fit_trains_on_exactly_the_pairs_of_each_row_and_its_targets(data, record_batches):
    n_rows = data.draw(st.integers(1, 5), label="rows")
    n_steps = data.draw(st.integers(1, 8), label="steps per row")
    n_targets = data.draw(st.integers(1, 3), label="targets per row")
    window = data.draw(st.none() | st.integers(1, n_steps), label="window")
    early_stopping = n_rows > 1 and data.draw(st.booleans(), label="early_stopping")
    # A spread the network can see without a scaler (fit refuses less).
    values = data.draw(
        unique_values((n_rows, n_steps + n_targets)).filter(lambda a: np.ptp(a) >= 1e-3),
        label="values",
    )
    X, Y = values[:, :n_steps].astype(np.float64), values[:, n_steps:].astype(np.float64)
    y = Y[:, 0] if n_targets == 1 else Y
    batch_size = data.draw(st.integers(1, 8), label="batch_size")
    # No scaler: the network sees the values themselves, so pairs compare
    # exactly. No fallback: its held-out run would add passes of its own.
    model = LSTMForecaster(
        window=window,
        fallback=False,
        scaler=None,
        hidden_size=2,
        max_epochs=2,
        n_iter_no_change=5,
        batch_size=batch_size,
        early_stopping=early_stopping,
        validation_fraction=0.4,
        random_state=0,
    )
    with record_batches() as passes:
        model.fit(X, y)

    window = window or n_steps
    n_valid = math.ceil(0.4 * n_rows) if early_stopping else 0
    train_rows, valid_rows = values[: n_rows - n_valid], values[n_rows - n_valid :]
    epochs = [batches for shuffled, batches in passes if shuffled]
    validations = [batches for shuffled, batches in passes if not shuffled]
    assert len(epochs) == model.n_iter_ == 2
    for batches in epochs:
        # Each epoch visits every pair of the training rows once, in batches.
        assert all(len(targets) <= batch_size for _, targets in batches)
        assert_array_equal(
            sorted_rows(as_rows(batches)), sorted_rows(brute_force_pairs(train_rows, window))
        )
    assert len(validations) == (2 if early_stopping else 0)
    for batches in validations:
        # Validation reads the held-out rows' pairs in order.
        assert_array_equal(as_rows(batches), brute_force_pairs(valid_rows, window))
