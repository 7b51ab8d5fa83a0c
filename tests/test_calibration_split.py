"""The intervals' calibration ensemble never sees the rows it is calibrated on.

A leak would make the intervals in-sample (too narrow): the second ensemble
must train only on the rows before the held-out ones, the held-out rows must be
each series' most recent, and their number must follow ``calibration_fraction``'s
documented rule: ``ceil(calibration_fraction * n_rows)``, at least two horizons
of each series' most recent origins, at most half of the rows.
"""

import math

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_array_equal

from sklstm import LSTMForecaster, make_windows

EPOCHS = 2
# No scaler: the network sees the values themselves, so pairs compare exactly.
# No early stopping: every pass over the data is a training epoch.
PARAMS = {
    "hidden_size": 4,
    "max_epochs": EPOCHS,
    "n_estimators": 1,
    "scaler": None,
    "intervals": True,
    "random_state": 0,
}


def _pairs(X, Y, window):
    sequences = np.column_stack((np.asarray(X), np.asarray(Y))).astype(np.float32)
    windows = np.lib.stride_tricks.sliding_window_view(sequences, window + 1, axis=1)
    return windows.reshape(-1, window + 1)


def _sorted(pairs):
    return pairs[np.lexsort(pairs.T[::-1])]


def _seen(batches):
    return np.concatenate([np.column_stack((w.numpy(), t.numpy())) for w, t in batches])


def _expected_held(n_rows, fraction, horizon, n_series):
    return min(max(math.ceil(fraction * n_rows), 2 * horizon * n_series), n_rows // 2)


@pytest.mark.parametrize(
    ("fraction", "rule"),
    [
        (0.3, "ceil(fraction * n_rows)"),
        (0.01, "two horizons"),
        (0.9, "half of the rows"),
    ],
)
def test_calibration_trains_only_on_the_rows_before_the_held_out_ones(
    fraction, rule, record_batches
):
    series = np.sin(np.arange(70) / 3) + np.arange(70) / 35
    X, Y = make_windows(series, window=8, horizon=3)
    n_rows = len(X)  # 60
    n_held = _expected_held(n_rows, fraction, 3, 1)
    # Each parameter exercises its own branch of the rule.
    assert (
        n_held
        == {
            "ceil(fraction * n_rows)": math.ceil(fraction * n_rows),
            "two horizons": 6,
            "half of the rows": n_rows // 2,
        }[rule]
    )
    model = LSTMForecaster(window=8, calibration_fraction=fraction, **PARAMS)
    with record_batches() as passes:
        model.fit(X, Y)
    assert all(shuffled for shuffled, _ in passes)
    assert len(passes) == 2 * EPOCHS
    main, calibration = passes[:EPOCHS], passes[EPOCHS:]
    for _, batches in main:
        assert_array_equal(_sorted(_seen(batches)), _sorted(_pairs(X, Y, 8)))
    # The calibration ensemble's epochs read exactly the pairs of the rows
    # before the last n_held ones: none of a held-out row's values.
    expected = _sorted(_pairs(X[: n_rows - n_held], Y[: n_rows - n_held], 8))
    for _, batches in calibration:
        assert_array_equal(_sorted(_seen(batches)), expected)


def test_held_out_rows_are_each_series_most_recent(record_batches):
    # Two series whose values never coincide: every pair names its series and time.
    time = pd.date_range("2020-01-01", periods=40, freq="D")
    panel = pd.DataFrame({"a": np.arange(40.0), "b": 1000.0 + 3 * np.arange(40.0)}, index=time)
    X, Y = make_windows(panel, window=6, horizon=2)
    n_rows = len(X)  # 2 series x 33 origins
    n_held = _expected_held(n_rows, 0.2, 2, 2)
    model = LSTMForecaster(window=6, **PARAMS)
    with record_batches() as passes:
        model.fit(X, Y)
    calibration = passes[EPOCHS:]
    assert len(calibration) == EPOCHS
    trained = {tuple(p) for _, batches in calibration for p in _seen(batches)}
    # What the calibration may train on: for each series, the origins before
    # its n_held / 2 most recent ones.
    times = X.index.get_level_values(0)
    names = X.index.get_level_values(1)
    allowed = np.zeros(n_rows, dtype=bool)
    for name in ("a", "b"):
        mine = np.flatnonzero(names == name)
        latest = np.sort(times[mine])[-(n_held // 2)]
        allowed[mine] = times[mine] < latest
    assert allowed.sum() == n_rows - n_held
    expected = _pairs(X.to_numpy()[allowed], np.asarray(Y)[allowed], 6)
    assert trained == {tuple(p) for p in expected}
