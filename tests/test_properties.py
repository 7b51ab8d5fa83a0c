"""Property-based tests (hypothesis): windowing, and fit/predict on random series."""

import re
from unittest import mock

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from numpy.testing import assert_array_equal

import sklstm._forecasting
from sklstm import LSTMForecaster, make_windows

# Small example counts and tiny models: the file runs in seconds.
SETTINGS = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(
    series=arrays(np.float64, st.integers(0, 60), elements=st.floats(width=64)),
    window=st.integers(1, 20),
    horizon=st.integers(1, 8),
    step=st.integers(1, 6),
    as_pandas=st.booleans(),
)
def test_make_windows_agrees_with_plain_slicing(series, window, horizon, step, as_pandas):
    starts = range(0, len(series) - window - horizon + 1, step)
    source = series
    if as_pandas:
        source = pd.Series(series, index=pd.date_range("2000-01-01", periods=len(series)))
    if not starts:
        with pytest.raises(ValueError, match=r"fewer than window \+ horizon"):
            make_windows(source, window, horizon, step=step)
        return
    X, y = make_windows(source, window, horizon, step=step)
    expected_X = np.array([series[s : s + window] for s in starts])
    expected_y = np.array([series[s + window : s + window + horizon] for s in starts])
    if horizon == 1:
        expected_y = expected_y[:, 0]
    if as_pandas:
        target_times = source.index[[s + window for s in starts]]
        assert X.index.equals(target_times) and y.index.equals(target_times)
        X, y = X.to_numpy(), y.to_numpy()
    assert X.shape == expected_X.shape and y.shape == expected_y.shape
    # NaN and inf are copied like any value: compare bit patterns.
    assert_array_equal(X.view(np.int64), expected_X.view(np.int64))
    assert_array_equal(y.view(np.int64), expected_y.view(np.int64))


# The errors fit documents for data it cannot learn from (see its docstring
# and the API contract); anything else is a bug. A diverging loss ("became nan
# at epoch ...") is not among them: with a scaler the network sees values in
# [-1, 1], and without one Adam's steps are still bounded by the learning
# rate, so two epochs at the default learning rate stay finite for any data
# drawn here (1500 examples found no divergence). A divergence on these inputs
# is a bug; test_forecaster.py provokes the error itself (SGD at lr=1e12).
DOCUMENTED_FIT_ERRORS = (
    r"window=\d+ is longer than the rows of X",
    r"early_stopping needs at least one training row",
    r"The scaler produced NaN or infinite values",
    # horizon must match targets of several steps; a 1-D y goes with any.
    r"horizon=\d+, but y holds targets of \d+ steps",
    # scaler=None on values far below order one (the magnitudes drawn reach 1e-12).
    r"With scaler=None the network trains on the values as they are",
)


@st.composite
def problems(draw):
    n_rows = draw(st.integers(1, 12))
    n_steps = draw(st.integers(1, 8))
    n_targets = draw(st.integers(1, 3))
    magnitude = 10.0 ** draw(st.integers(-12, 12))
    values = draw(
        arrays(
            np.float64,
            (n_rows, n_steps + n_targets),
            elements=st.floats(-1e3, 1e3, allow_subnormal=False),
        )
    )
    values = values * magnitude
    X, Y = values[:, :n_steps], values[:, n_steps:]
    y = Y[:, 0] if n_targets == 1 and draw(st.booleans()) else Y
    params = {
        "window": draw(st.none() | st.integers(1, 9)),
        "horizon": draw(st.none() | st.integers(1, 4)),
        "scaler": draw(st.sampled_from(["minmax", "standard", None])),
        "relative": draw(st.booleans()),
        "cell": draw(st.sampled_from(["lstm", "gru"])),
        "early_stopping": draw(st.booleans()),
        "validation_fraction": draw(st.sampled_from([0.1, 0.3, 0.5])),
    }
    return X, y, params


@SETTINGS
@given(problem=problems())
def test_fit_predict_return_finite_values_of_the_right_shape(problem):
    X, y, params = problem
    model = LSTMForecaster(hidden_size=4, max_epochs=2, batch_size=8, random_state=0, **params)
    error = None
    try:
        model.fit(X, y)
    except ValueError as exc:
        error = str(exc)
    event("documented fit error" if error else "fitted")
    if error is not None:
        assert any(re.search(pattern, error) for pattern in DOCUMENTED_FIT_ERRORS), error
        return
    pred = model.predict(X)
    horizon = params["horizon"] or (1 if y.ndim == 1 else y.shape[1])
    expected = (len(X),) if horizon == 1 and y.ndim == 1 else (len(X), horizon)
    assert pred.shape == expected
    assert pred.dtype == np.float64
    assert np.isfinite(pred).all()
    # Each row carries its own history: row order does not matter.
    assert_array_equal(model.predict(X[::-1]), pred[::-1])
    forecast = model.forecast(X[-1], steps=3)
    assert forecast.shape == (3,) and np.isfinite(forecast).all()


@pytest.fixture(scope="module")
def fitted():
    X, Y = make_windows(np.sin(np.arange(90) / 4), window=12, horizon=3)
    model = LSTMForecaster(hidden_size=8, max_epochs=2, random_state=0).fit(X, Y)
    return model, np.ascontiguousarray(X)


@settings(max_examples=20, deadline=None)
@given(chunk=st.integers(1, 80))
def test_predict_in_chunks_equals_one_pass(fitted, chunk):
    # predict bounds its memory by predicting _PREDICT_CHUNK rows at a time;
    # benchmarks/predict_memory.py measures the memory for 10**6 rows.
    model, X = fitted
    with mock.patch.object(sklstm._forecasting, "_PREDICT_CHUNK", 10**9):
        one_pass = model.predict(X)
    with mock.patch.object(sklstm._forecasting, "_PREDICT_CHUNK", chunk):
        assert_array_equal(model.predict(X), one_pass)
