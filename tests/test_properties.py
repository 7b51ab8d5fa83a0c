"""Property-based tests (hypothesis): windowing, and fit/predict on random series."""

import math
import re
from unittest import mock

import numpy as np
import pandas as pd
import pytest
from _helpers import assert_same_float32_work
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from numpy.testing import assert_array_equal

import sklstm._forecasting
from sklstm import LSTMForecaster, make_windows

# Small example counts and tiny models: the file runs in seconds.
SETTINGS = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(
    # NaN marks a gap, whose rows are dropped (tests/test_gaps.py has those
    # properties); every other value, inf included, is copied as it is.
    series=arrays(np.float64, st.integers(0, 60), elements=st.floats(width=64, allow_nan=False)),
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
    # inf and signed zeros are copied like any value: compare bit patterns.
    assert_array_equal(X.view(np.int64), expected_X.view(np.int64))
    assert_array_equal(y.view(np.int64), expected_y.view(np.int64))


# The errors fit documents for data it cannot learn from (see its docstring
# and the API contract), each with the condition on the input that warrants
# it; any other error is a bug, and so is an input that meets a condition but
# fits.
def warranted_fit_errors(X, y, params):
    """The documented fit errors that this input warrants: (pattern, why) pairs."""
    n_rows, n_steps = X.shape
    values = np.concatenate((X.ravel(), np.ravel(y)))
    errors = []
    if params["window"] is not None and params["window"] > n_steps:
        errors.append(r"window=\d+ is longer than the rows of X")
    if params["early_stopping"]:
        n_valid = math.ceil(params["validation_fraction"] * n_rows)
        if n_rows - n_valid < 1:
            errors.append(r"early_stopping needs at least one training row")
    # horizon must match targets of several steps; a 1-D y goes with any.
    n_targets = 1 if y.ndim == 1 else y.shape[1]
    if n_targets > 1 and params["horizon"] not in (None, n_targets):
        errors.append(r"horizon=\d+, but y holds targets of \d+ steps")
    # scaler=None on values that vary, but by less than 1e-6 in absolute
    # terms (the magnitudes drawn reach 1e-12): the network would see a constant.
    if params["scaler"] is None:
        magnitude = np.max(np.abs(values))
        relative_spread = np.ptp(values / magnitude) if magnitude > 0 else 0.0
        if relative_spread > 1e-6 > np.ptp(values):
            errors.append(r"With scaler=None the network trains on the values as they are")
    return errors


def permitted_fit_errors(X, y, params):
    """Errors this input may meet without requiring them: a diverging loss.

    Unscaled (``scaler=None``), values far from order one make the float32
    loss and its gradients huge: two epochs may overflow them, and fit then
    says so. Whether they do depends on the draw of the weights, not only on
    the data; scaled values (in [-1, 1]) never diverge here.
    """
    values = np.concatenate((X.ravel(), np.ravel(y)))
    if params["scaler"] is None and np.max(np.abs(values)) > 1e6:
        return [r"The train loss became (nan|inf) at epoch \d+.*Training diverged"]
    return []


DEFAULT_PARAMS = {
    "window": None,
    "horizon": None,
    "scaler": "minmax",
    "relative": True,
    "cell": "lstm",
    "early_stopping": False,
    "validation_fraction": 0.1,
}


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
@example(problem=(np.arange(24.0).reshape(6, 4), np.arange(4.0, 10.0), DEFAULT_PARAMS))
# Constant values far from order one, unscaled: the linear skip's least-squares
# start meets a singular system.
@example(
    problem=(
        np.full((1, 2), 1e7),
        np.full((1, 1), 1e7),
        {**DEFAULT_PARAMS, "scaler": None, "relative": False},
    )
)
# Unscaled values of 1e13: the loss may overflow float32 (a permitted error).
@example(
    problem=(
        np.zeros((1, 1)),
        np.full((1, 1), 1.9e13),
        {**DEFAULT_PARAMS, "scaler": None, "relative": False},
    )
)
def test_fit_predict_return_finite_values_of_the_right_shape(problem):
    X, y, params = problem
    model = LSTMForecaster(hidden_size=4, max_epochs=2, batch_size=8, random_state=0, **params)
    warranted = warranted_fit_errors(X, y, params)
    event("documented fit error" if warranted else "fits")
    if warranted:
        # The input is one fit documents it cannot learn from: the error says why.
        with pytest.raises(ValueError, match="|".join(warranted)):
            model.fit(X, y)
        return
    # Any other input fits: no error, documented or not, but a permitted one.
    permitted = permitted_fit_errors(X, y, params)
    try:
        model.fit(X, y)
    except ValueError as exc:
        if not any(re.search(pattern, str(exc)) for pattern in permitted):
            raise
        event("permitted divergence")
        return
    pred = model.predict(X)
    horizon = params["horizon"] or (1 if y.ndim == 1 else y.shape[1])
    expected = (len(X),) if horizon == 1 and y.ndim == 1 else (len(X), horizon)
    assert pred.shape == expected
    assert pred.dtype == np.float64
    assert np.isfinite(pred).all()
    # Each row carries its own history: row order does not matter (beyond
    # the rounding of the rows' place in the kernels' blocks).
    assert_same_float32_work(model.predict(X[::-1]), pred[::-1])
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
        assert_same_float32_work(model.predict(X), one_pass)
