"""Behaviour the documentation promises, checked through the public API.

Continued training keeps the intervals' calibration; the scaler asked for is
the one used (and its inverse applied to the forecasts); ``window_scaling``
makes each network's forecast follow the level and scale of its own window;
the linear skip starts at the least-squares fit of the window.
"""

import numpy as np
import pytest
from numpy.testing import assert_allclose
from sklearn.base import clone
from sklearn.preprocessing import FunctionTransformer, MaxAbsScaler, RobustScaler, StandardScaler

from sklstm import LSTMForecaster, make_windows

FAST = {"hidden_size": 4, "max_epochs": 2, "n_estimators": 2, "random_state": 0}


@pytest.fixture(scope="module")
def rows():
    series = np.sin(np.arange(90) / 3) + np.arange(90) / 45
    return make_windows(series, window=8, horizon=3)


def _offsets(model, X):
    """The interval's half-widths: what the calibration adds to the forecast."""
    lower, upper = model.predict_interval(X, coverage=0.8)
    point = model.predict(X)
    return point - lower, upper - point


# --- continued training keeps the calibration -------------------------------------


@pytest.mark.parametrize("how", ["partial_fit", "warm_start"])
def test_continued_training_keeps_the_calibration(rows, how):
    X, Y = rows
    model = LSTMForecaster(intervals=True, warm_start=how == "warm_start", **FAST).fit(X, Y)
    before_point, before = model.predict(X), _offsets(model, X)
    # Continued on other rows, on which a new calibration would differ.
    if how == "partial_fit":
        model.partial_fit(X[30:], Y[30:])
    else:
        model.fit(X[30:], Y[30:])
    # The network trained on ...
    assert not np.allclose(model.predict(X), before_point)
    # ... but the intervals are those calibrated in the first fit.
    for after, first in zip(_offsets(model, X), before, strict=True):
        assert_allclose(after, first, rtol=1e-9, atol=1e-12)


def test_a_fit_from_scratch_recalibrates(rows):
    X, Y = rows
    model = LSTMForecaster(intervals=True, **FAST).fit(X, Y)
    before = _offsets(model, X)
    model.fit(X[:-20], Y[:-20])  # other rows: another calibration
    assert not np.allclose(_offsets(model, X)[1], before[1])


# --- the scaler asked for is the one used ------------------------------------------


# Monotone and non-linear: forecasts come back through its inverse.
CUBE = FunctionTransformer(np.cbrt, inverse_func=lambda v: v**3)


@pytest.mark.parametrize(
    "scaler",
    ["standard", StandardScaler(), MaxAbsScaler(), RobustScaler(), CUBE],
    ids=["standard", "StandardScaler", "MaxAbsScaler", "RobustScaler", "cube root"],
)
def test_other_scalers_are_really_used(rows, scaler):
    X, Y = rows
    model = LSTMForecaster(scaler=scaler, **FAST).fit(X, Y)
    minmax = LSTMForecaster(scaler="minmax", **FAST).fit(X, Y)
    # The fitted scaler is the kind asked for, fitted on the training values
    # (the built-in ones after bringing them to magnitude one, which changes
    # nothing for these scale-free scalers).
    fitted = model.scaler_[-1] if hasattr(model.scaler_, "steps") else model.scaler_
    reference = StandardScaler() if scaler == "standard" else clone(scaler)
    assert type(fitted) is type(reference)
    values = np.concatenate((X, Y), axis=1).reshape(-1, 1)
    assert_allclose(
        model.scaler_.transform(values), reference.fit_transform(values), rtol=1e-9, atol=1e-12
    )
    # Same seeds, other units: the network sees other numbers, so a silent
    # fallback to minmax (same forecasts) fails here.
    assert not np.allclose(model.predict(X), minmax.predict(X), rtol=1e-3)
    assert np.isfinite(model.predict(X)).all()


def test_a_non_linear_scaler_inverse_is_applied_to_forecasts(rows):
    # With the cube root as scaler the network sees the cube roots of the
    # values: the very numbers an unscaled model fitted on cube roots sees.
    # Same seeds, same numbers, same network: the forecasts in the data's
    # units are that model's forecasts, cubed.
    X, Y = rows
    X, Y = X + 5.0, Y + 5.0
    cube = LSTMForecaster(scaler=CUBE, **FAST).fit(X, Y)
    roots = LSTMForecaster(scaler=None, **FAST).fit(np.cbrt(X), np.cbrt(Y))
    assert_allclose(cube.predict(X), roots.predict(np.cbrt(X)) ** 3, rtol=1e-6)
    assert not np.allclose(cube.predict(X), roots.predict(np.cbrt(X)), rtol=0.1)


# --- window_scaling --------------------------------------------------------------


@pytest.mark.parametrize("window_scaling", [True, False])
def test_window_scaling_makes_forecasts_follow_each_windows_level_and_scale(rows, window_scaling):
    # Without a global scaler the network sees the values themselves. A
    # network that scales each window by its own range forecasts a*x + b for
    # the window a*w + b; one that does not, does not.
    # The network alone: the ridge path's intercept and the fallback's simple
    # methods do not scale with the window.
    X, Y = rows
    model = LSTMForecaster(
        scaler=None, window_scaling=window_scaling, linear_skip=False, fallback=False, **FAST
    ).fit(X, Y)
    pred = model.predict(X)
    moved = model.predict(3.0 * X + 5.0)
    equivariant = np.allclose(moved, 3.0 * pred + 5.0, rtol=1e-4, atol=1e-4)
    assert equivariant is window_scaling


# --- the least-squares start of the linear skip ------------------------------------


@pytest.mark.parametrize("relative", [False, True])
def test_linear_skip_starts_at_the_least_squares_fit_of_the_window(relative):
    # x[t+1] = 2 cos(w) x[t] - x[t-1]: an exact linear recursion. One
    # optimizer step of 1e-9 leaves the skip where it started.
    series = np.sin(2 * np.pi * np.arange(80) / 12)
    X, y = make_windows(series, window=4)
    params = {
        "window_scaling": False,
        "relative": relative,
        "scaler": None,
        "max_steps": 1,
        "learning_rate": 1e-9,
        "hidden_size": 4,
        "n_estimators": 1,
        "random_state": 0,
    }
    model = LSTMForecaster(fallback=False, **params).fit(X, y)
    skip = model.module_.members[0].skip
    weights = skip.weight.detach().numpy().ravel()
    bias = skip.bias.detach().numpy() if skip.bias is not None else 0.0
    # A ridge whose penalty generalised cross-validation chooses: on an exact
    # recursion the smallest, so the skip reproduces every training target of
    # the change from the window's last value (relative) or of the value
    # itself. A window of 4 holds the recursion in more than one way, so the
    # fit, not the weights, is what is determined.
    base = X[:, -1:] if relative else np.zeros((len(X), 1))
    fitted = base[:, 0] + (X - base) @ weights + bias
    assert_allclose(fitted, y, atol=0.02)
    assert np.abs(weights).max() > 0.5  # far from the zero start
