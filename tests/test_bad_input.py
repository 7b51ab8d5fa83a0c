"""Bad input: each case gives a correct result, or an error naming the problem and the fix.

tests/test_forecaster.py checks that the commonest bad inputs raise; here every
message is also checked for its fix, and no input is ever modified, not even
by a call that fails.
"""

import numpy as np
import pandas as pd
import pytest
from _helpers import check_error
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.exceptions import NotFittedError

from sklstm import LSTMForecaster, make_windows

FAST = {"hidden_size": 8, "max_epochs": 3, "random_state": 0}


@pytest.fixture(scope="module")
def rows():
    series = np.sin(np.arange(80) / 3) + np.arange(80) / 40
    X, Y = make_windows(series, window=10, horizon=3)
    return np.ascontiguousarray(X), np.ascontiguousarray(Y)


@pytest.fixture(scope="module")
def fitted(rows):
    return LSTMForecaster(**FAST).fit(*rows)


@pytest.fixture(scope="module")
def monthly():
    index = pd.date_range("2000-01-01", periods=40, freq="MS")
    return pd.Series(np.sin(np.arange(40) / 3), index=index, name="sales")


def _with(array, value, dtype=None):
    array = np.array(array, dtype=dtype)
    array.flat[3] = value
    return array


def _strings(array):
    return _with(array.astype(object), "12,5")


# (id, make (X, y) from the clean rows, parameters, error, problem, fix)
FIT_CASES = [
    (
        "NaN in X",
        lambda X, Y: (_with(X, np.nan), Y),
        {},
        ValueError,
        "Input X contains NaN",
        r"series\.interpolate\(\)",
    ),
    (
        "NaN in y",
        lambda X, Y: (X, _with(Y, np.nan)),
        {},
        ValueError,
        "Input y contains NaN",
        "drop the rows with missing values",
    ),
    (
        "inf in X",
        lambda X, Y: (_with(X, np.inf), Y),
        {},
        ValueError,
        "Input X contains infinity",
        "Replace the infinite values",
    ),
    (
        "-inf in y",
        lambda X, Y: (X, _with(Y, -np.inf)),
        {},
        ValueError,
        "Input y contains infinity",
        r"replace\(\[np\.inf, -np\.inf\], np\.nan\)",
    ),
    (
        "pandas NA in X",
        lambda X, Y: (pd.DataFrame(_with(X, np.nan)).astype("Float64"), Y),
        {},
        ValueError,
        "Input X contains NaN",
        "interpolate",
    ),
    (
        "None in object X",
        lambda X, Y: (_with(X.astype(object), None), Y),
        {},
        ValueError,
        "Input X contains NaN",
        "interpolate",
    ),
    (
        "strings in X",
        lambda X, Y: (_strings(X), Y),
        {},
        ValueError,
        "could not convert string to float: '12,5'",
        r"must hold numbers.*pandas\.to_numeric",
    ),
    (
        "strings in y",
        lambda X, Y: (X, _strings(Y)),
        {},
        ValueError,
        "could not convert string to float",
        "must hold numbers",
    ),
    (
        "objects in X",
        lambda X, Y: (_with(X.astype(object), {"value": 1.0}), Y),
        {},
        TypeError,
        "argument must be a string or a real number, not 'dict'",
        "must hold numbers",
    ),
    (
        "complex X",
        lambda X, Y: (X + 1j, Y),
        {},
        ValueError,
        "Complex data not supported",
        r"X\.real",
    ),
    (
        "empty X and y",
        lambda X, Y: (X[:0], Y[:0]),
        {},
        ValueError,
        r"0 sample\(s\)",
        "Pass at least one row",
    ),
    (
        "rows without time steps",
        lambda X, Y: (X[:, :0], Y),
        {},
        ValueError,
        r"0 feature\(s\)",
        "at least one value",
    ),
    (
        "y without columns",
        lambda X, Y: (X, Y[:, :0]),
        {},
        ValueError,
        r"0 feature\(s\)",
        "at least one value",
    ),
    (
        "one series as X",
        lambda X, Y: (X[:, 0], Y[:, 0]),
        {},
        ValueError,
        "X must be 2-D",
        r"make_windows\(series, window=\.\.\.\)",
    ),
    (
        "Keras-style 3-D X",
        lambda X, Y: (X[:, :, None], Y),
        {},
        ValueError,
        r"got shape \(68, 10, 1\)",
        r"pass X\[\.\.\., 0\]",
    ),
    (
        "Keras-style 3-D y",
        lambda X, Y: (X, Y[:, :, None]),
        {},
        ValueError,
        "Found array with dim 3",
        r"pass y\[\.\.\., 0\]",
    ),
    (
        "X and y of different lengths",
        lambda X, Y: (X, Y[:-1]),
        {},
        ValueError,
        r"inconsistent numbers of samples: \[68, 67\]",
        r"make_windows\(series, window, horizon\)",
    ),
    (
        "horizon < 1",
        lambda X, Y: (X, Y),
        {"horizon": 0},
        ValueError,
        "The 'horizon' parameter",
        r"must be an int in the range \[1, inf\) or None. Got 0",
    ),
    (
        "fractional horizon",
        lambda X, Y: (X, Y),
        {"horizon": 1.5},
        ValueError,
        "The 'horizon' parameter",
        r"must be an int .* Got 1\.5",
    ),
    (
        "window < 1",
        lambda X, Y: (X, Y),
        {"window": 0},
        ValueError,
        "The 'window' parameter",
        r"must be an int in the range \[1, inf\)",
    ),
    (
        "rows shorter than window",
        lambda X, Y: (X, Y),
        {"window": 11},
        ValueError,
        "window=11 is longer than the rows of X, which have 10 time steps",
        r"Use window <= 10, or make longer rows, e\.g\. make_windows",
    ),
    (
        "too few rows for validation_fraction",
        lambda X, Y: (X[:3], Y[:3]),
        {"early_stopping": True, "validation_fraction": 0.7},
        ValueError,
        "needs at least one training row .* validation_fraction=0.7 .* only 3 sample",
        "Pass more rows, a smaller validation_fraction, or set early_stopping=False",
    ),
    (
        "validation_fraction of 1",
        lambda X, Y: (X, Y),
        {"early_stopping": True, "validation_fraction": 1.0},
        ValueError,
        "The 'validation_fraction' parameter",
        r"range \(0\.0, 1\.0\)",
    ),
    (
        "unknown scaler name",
        lambda X, Y: (X, Y),
        {"scaler": "robust"},
        ValueError,
        "The 'scaler' parameter",
        # The set's order varies with the hash seed.
        r"among \{" + ", ".join(["'(auto|minmax|standard|row)'"] * 4) + r"\}, "
        "an object implementing",
    ),
]


@pytest.mark.parametrize(
    ("make", "params", "error", "problem", "fix"),
    [case[1:] for case in FIT_CASES],
    ids=[case[0] for case in FIT_CASES],
)
def test_fit_errors_name_the_problem_and_the_fix(rows, make, params, error, problem, fix):
    X, y = make(*rows)
    check_error(LSTMForecaster(**{**FAST, **params}).fit, (X, y), error, problem, fix)


def test_complex_input_message_does_not_print_the_array(rows):
    X, Y = rows
    with pytest.raises(ValueError, match="Complex data not supported") as info:
        LSTMForecaster(**FAST).fit(X + 1j, Y)
    assert len(str(info.value)) < 200


PREDICT_CASES = [
    ("NaN", lambda X: _with(X, np.nan), ValueError, "Input X contains NaN", "interpolate"),
    ("inf", lambda X: _with(X, np.inf), ValueError, "contains infinity", "Replace the infinite"),
    ("strings", _strings, ValueError, "could not convert string", "must hold numbers"),
    ("empty", lambda X: X[:0], ValueError, r"0 sample\(s\)", "at least one row"),
    (
        "one history as a 1-D array",
        lambda X: X[0],
        ValueError,
        "X must be 2-D",
        r"call forecast\(history\)\. Reshape your data with X\.reshape\(1, -1\)",
    ),
    (
        "Keras-style 3-D X",
        lambda X: X[:, :, None],
        ValueError,
        r"got shape \(68, 10, 1\)",
        r"X\[\.\.\., 0\]",
    ),
    (
        "fewer time steps than in fit",
        lambda X: X[:, 1:],
        ValueError,
        "X has 9 features, but LSTMForecaster is expecting 10 features",
        r"must hold the 10 time steps .* pass longer histories, or call forecast\(history\)",
    ),
    (
        "more time steps than in fit",
        lambda X: np.hstack((X, X)),
        ValueError,
        "X has 20 features, but LSTMForecaster is expecting 10 features",
        r"pass the last 10 steps of each row, X\[:, -10:\]",
    ),
    (
        "values that overflow once scaled",
        lambda X: X * 1e300,
        ValueError,
        "too large for the network once scaled",
        "Check them for wrong units or corrupt values, or refit",
    ),
]


@pytest.mark.parametrize(
    ("make", "error", "problem", "fix"),
    [case[1:] for case in PREDICT_CASES],
    ids=[case[0] for case in PREDICT_CASES],
)
def test_predict_errors_name_the_problem_and_the_fix(rows, fitted, make, error, problem, fix):
    check_error(fitted.predict, (make(rows[0]),), error, problem, fix)


def test_partial_fit_with_other_time_steps_names_the_fix(rows):
    X, Y = rows
    model = LSTMForecaster(**FAST).fit(X, Y)
    # partial_fit ignores warm_start: the advice is to fit a new model.
    fix = r"X\[:, -10:\], or fit a new model on these rows: model\.fit\(X, y\), or clone\(model\)"
    check_error(model.partial_fit, (np.hstack((X, X)), Y), ValueError, "20 features", fix)


@pytest.mark.parametrize("method", ["predict", "forecast", "score"])
def test_unfitted_model_says_to_fit_first(rows, method):
    X, Y = rows
    args = {"predict": (X,), "forecast": (X[0],), "score": (X, Y)}[method]
    check_error(
        getattr(LSTMForecaster(), method),
        args,
        NotFittedError,
        "is not fitted yet",
        "Call 'fit'",
    )


FORECAST_CASES = [
    (
        "history shorter than window",
        lambda s: s[:5],
        {},
        ValueError,
        "history has 5 values but the model reads the last window_=10",
        "pass a longer history",
    ),
    (
        "a 2-D array as history",
        lambda s: np.column_stack((s, s)),
        {},
        ValueError,
        "history must be one-dimensional",
        r"select its column, e\.g\. df\['value'\]; for many series .* pandas\.DataFrame",
    ),
    (
        "text history",
        lambda s: s.astype(str).str.replace(".", ",", regex=False),
        {},
        TypeError,
        "history must hold numbers",
        r"pandas\.to_numeric",
    ),
    (
        "missing value at the end",
        lambda s: s.where(s.index != s.index[-2]),
        {},
        ValueError,
        "The last 10 values of history contain NaN",
        r"series\.interpolate\(\)",
    ),
    (
        "missing dates",
        lambda s: s.drop(s.index[[20, 30]]),
        {},
        ValueError,
        "DatetimeIndex has no regular frequency",
        r"series\.asfreq\('MS'\) and fill the gaps, or pass series\.to_numpy\(\)",
    ),
    (
        "duplicated dates",
        lambda s: pd.concat([s.iloc[:20], s.iloc[19:]]),
        {},
        ValueError,
        "no regular frequency",
        "asfreq",
    ),
    (
        "irregular dates",
        lambda s: s.set_axis(s.index + pd.to_timedelta(np.arange(len(s)) % 3, unit="D")),
        {},
        ValueError,
        "no regular frequency",
        "asfreq",
    ),
    (
        "newest date first",
        lambda s: s.iloc[::-1],
        {},
        ValueError,
        "dates are not in increasing order",
        r"history\.sort_index\(\)",
    ),
    (
        "newest period first",
        lambda s: s.to_period().iloc[::-1],
        {},
        ValueError,
        "dates are not in increasing order",
        r"history\.sort_index\(\)",
    ),
    (
        "steps < 1",
        lambda s: s,
        {"steps": 0},
        ValueError,
        "steps must be a positive integer",
        "got 0",
    ),
    (
        "fractional steps",
        lambda s: s,
        {"steps": 2.5},
        ValueError,
        "steps must be a positive integer",
        "got 2.5",
    ),
    (
        "values that overflow once scaled",
        lambda s: s * 1e300,
        {},
        ValueError,
        "too large for the network once scaled",
        "wrong units",
    ),
]


@pytest.mark.parametrize(
    ("make", "kwargs", "error", "problem", "fix"),
    [case[1:] for case in FORECAST_CASES],
    ids=[case[0] for case in FORECAST_CASES],
)
def test_forecast_errors_name_the_problem_and_the_fix(
    fitted, monthly, make, kwargs, error, problem, fix
):
    history = make(monthly)
    check_error(lambda h: fitted.forecast(h, **kwargs), (history,), error, problem, fix)


def test_forecast_ignores_gaps_before_the_last_window(fitted, monthly):
    gappy = monthly.where(monthly.index != monthly.index[5])
    forecast = fitted.forecast(gappy)
    assert_array_equal(forecast.to_numpy(), fitted.forecast(monthly.to_numpy()[-10:]))
    assert forecast.index[0] == pd.Timestamp("2003-05-01")


def test_one_row_trains_a_model(rows):
    X, Y = rows
    model = LSTMForecaster(**FAST).fit(X[:1], Y[:1])
    pred = model.predict(X[:1])
    assert pred.shape == (1, 3) and np.isfinite(pred).all()
    # A shorter window turns the one row into several training pairs.
    model = LSTMForecaster(window=4, **FAST).fit(X[:1], Y[:1])
    assert np.isfinite(model.forecast(X[0], steps=5)).all()


@pytest.mark.parametrize("scaler", ["minmax", "standard"])
@pytest.mark.parametrize("relative", [True, False])
def test_constant_series_forecasts_the_constant_relative_to_its_level(scaler, relative):
    params = {**FAST, "max_epochs": 15, "scaler": scaler, "relative": relative}
    errors = []
    for level in (5.0, -3e12, 2e-12):
        X, Y = np.full((20, 8), level), np.full((20, 2), level)
        model = LSTMForecaster(**params).fit(X, Y)
        assert np.isfinite(model.scaler_[-1].scale_).all()
        errors.append((model.predict(X[:1])[0] - level) / abs(level))
    # The zero range gives no scale: the level is the unit, so the forecast
    # is as close to a constant of 2e-12 as to a constant of 5.
    assert_allclose(errors[1:], [errors[0]] * 2, rtol=1e-4, atol=1e-6)
    assert np.max(np.abs(errors)) < 0.1
    zero = LSTMForecaster(**params).fit(np.zeros((20, 8)), np.zeros((20, 2)))
    assert np.max(np.abs(zero.predict(np.zeros((1, 8))))) < 0.1


@pytest.fixture(scope="module")
def sine_rows():
    X, Y = make_windows(np.sin(2 * np.pi * np.arange(96) / 12), window=12, horizon=2)
    return np.ascontiguousarray(X), np.ascontiguousarray(Y)


@pytest.mark.parametrize(
    ("amplitude", "level", "scaler"),
    [
        (1e12, 0.0, "minmax"),
        (1e-12, 0.0, "minmax"),
        (1e3, 1e12, "minmax"),
        (1e-12, 0.0, "standard"),
    ],
)
def test_extreme_magnitudes_forecast_the_pattern_at_scale(sine_rows, amplitude, level, scaler):
    X, Y = sine_rows
    params = {**FAST, "max_epochs": 20, "scaler": scaler}
    unit = LSTMForecaster(**params).fit(X, Y).predict(X)
    model = LSTMForecaster(**params).fit(X * amplitude + level, Y * amplitude + level)
    pred = (model.predict(X * amplitude + level) - level) / amplitude
    # Scaled, the data are the same as at unit scale, up to the rounding of
    # a level of 1e12 (1e-4 of an amplitude of 1e3), which can move the ridge
    # start's penalty to a neighbour on its grid: so is the forecast, to 1e-3.
    assert_allclose(pred, unit, atol=1e-3)
    assert np.max(np.abs(pred - Y)) < 0.25


@pytest.mark.parametrize("kind", ["int", "float32", "read-only memmap", "int DataFrame"])
def test_int_float32_and_read_only_memmap_inputs(rows, tmp_path, kind):
    X, Y = rows
    X, Y = np.round(X * 100), np.round(Y * 100)
    if kind == "int":
        X_in, Y_in = X.astype(np.int64), Y.astype(np.int32)
    elif kind == "float32":
        X_in, Y_in = (X / 7).astype(np.float32), (Y / 7).astype(np.float32)
        X, Y = X_in.astype(np.float64), Y_in.astype(np.float64)
    elif kind == "read-only memmap":
        np.save(tmp_path / "X.npy", X)
        np.save(tmp_path / "Y.npy", Y)
        X_in = np.load(tmp_path / "X.npy", mmap_mode="r")
        Y_in = np.load(tmp_path / "Y.npy", mmap_mode="r")
        assert not X_in.flags.writeable
    else:
        X_in, Y_in = pd.DataFrame(X.astype(np.int64)), pd.DataFrame(Y.astype(np.int64))
    reference = LSTMForecaster(**FAST).fit(X, Y)
    model = LSTMForecaster(**FAST).fit(X_in, Y_in)
    assert_array_equal(model.predict(X_in), reference.predict(X))
    assert model.score(X_in, Y_in) == reference.score(X, Y)
    model.partial_fit(X_in, Y_in)
    reference.partial_fit(X, Y)
    assert_array_equal(model.predict(X_in), reference.predict(X))
    assert_array_equal(model.forecast(np.asarray(X_in)[0]), reference.forecast(X[0]))


def test_pandas_inputs_are_not_modified(monthly):
    X, Y = make_windows(monthly, window=10, horizon=3)
    X_before, Y_before, series_before = X.copy(), Y.copy(), monthly.copy()
    model = LSTMForecaster(**FAST).fit(X, Y)
    model.predict(X)
    model.score(X, Y)
    model.partial_fit(X, Y)
    model.forecast(monthly)
    pd.testing.assert_frame_equal(X, X_before)
    pd.testing.assert_frame_equal(Y, Y_before)
    pd.testing.assert_series_equal(monthly, series_before)


def test_forecast_does_not_modify_the_history(fitted):
    history = np.linspace(0.0, 2.0, 30)
    before = history.copy()
    fitted.forecast(history, steps=4)
    assert_array_equal(history, before)
