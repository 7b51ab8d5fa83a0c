"""Reliability: inputs a careless or hostile user gives, each to a correct result or a clear error.

One section per class of input: values of extreme magnitude or tiny range,
scalers that do not invert, numpy integers and booleans as parameters, dates
and complex numbers, crafted and damaged model files, forecast indexes,
continuing training, ``horizon`` against the targets, and absurd network
sizes. Every error message is checked for the problem and for the fix, and no
input is modified, not even by a call that fails.
"""

import io
import re
import struct
import tracemalloc
import zipfile

import numpy as np
import pandas as pd
import pytest
from _helpers import check_error
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.base import clone
from sklearn.metrics import r2_score
from sklearn.model_selection import GridSearchCV, TimeSeriesSplit
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import (
    FunctionTransformer,
    MaxAbsScaler,
    MinMaxScaler,
    RobustScaler,
    StandardScaler,
)

import sklstm._memory
from sklstm import LSTMForecaster, load, make_windows
from sklstm._memory import check_network_size
from sklstm._module import RecurrentOneStep, parameter_count

FAST = {"hidden_size": 8, "max_epochs": 3, "random_state": 0}
NETWORK = {**FAST, "linear_skip": False, "fallback": False}
SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))


@pytest.fixture(scope="module")
def pattern_rows():
    """A period-12 pattern in [-1, 1], as 2-step rows."""
    X, Y = make_windows(np.sin(2 * np.pi * np.arange(48) / 12), window=12, horizon=2)
    return np.ascontiguousarray(X), np.ascontiguousarray(Y)


@pytest.fixture(scope="module")
def rows():
    X, Y = make_windows(np.sin(np.arange(60) / 3) + np.arange(60) / 40, window=10, horizon=3)
    return np.ascontiguousarray(X), np.ascontiguousarray(Y)


@pytest.fixture(scope="module")
def fitted(rows):
    return LSTMForecaster(**FAST).fit(*rows)


# --- Values of any magnitude and any relative range ------------------------------

_UNIT = {}


def _unit_predictions(pattern_rows, scaler):
    """Predictions (in pattern units) of a model fitted on the pattern itself."""
    if scaler not in _UNIT:
        X, Y = pattern_rows
        _UNIT[scaler] = LSTMForecaster(scaler=scaler, **NETWORK).fit(X, Y).predict(X)
    return _UNIT[scaler]


@pytest.mark.slow
@SETTINGS
@given(
    exponent=st.integers(-300, 300),
    relative=st.integers(0, 8),
    scaler=st.sampled_from(["minmax", "standard"]),
)
@example(exponent=-16, relative=0, scaler="minmax")  # fit(X * 1e-16, ...)
@example(exponent=-16, relative=4, scaler="minmax")  # 1e-12 * (1 + 1e-4 * s)
@example(exponent=-300, relative=0, scaler="standard")  # near 1e-300
@example(exponent=-300, relative=8, scaler="standard")
@example(exponent=299, relative=8, scaler="minmax")
def test_a_pattern_at_any_scale_is_forecast_at_that_scale(
    pattern_rows, exponent, relative, scaler
):
    # The data are level + amplitude * pattern: their range relative to their
    # magnitude is about 10**-relative. Scaled, they are the pattern, so the
    # forecasts are the pattern's forecasts at the data's scale.
    amplitude = 10.0**exponent
    level = 0.0 if relative == 0 else amplitude * 10.0**relative
    if abs(level) > 1e300:
        level = 0.0
    # The networks alone: the ridge start of the linear path picks a penalty
    # from a grid, and the fallback a method, discrete choices that the
    # level's rounding can tip; the scaling path is what this test follows
    # (test_bad_input checks the ridge start at extreme scales).
    X, Y = pattern_rows
    model = LSTMForecaster(scaler=scaler, **NETWORK)
    model.fit(X * amplitude + level, Y * amplitude + level)
    pred = model.predict(X * amplitude + level)
    assert np.isfinite(pred).all()
    # float64 resolves the pattern to about 1e-16 of the level.
    tolerance = 1e-5 + 1e-16 * 10.0**relative * 1e3
    assert_allclose(
        (pred - level) / amplitude, _unit_predictions(pattern_rows, scaler), atol=tolerance
    )


@pytest.mark.parametrize("scaler", ["minmax", "standard"])
def test_a_constant_just_below_float64_resolution_forecasts_the_constant(scaler):
    level = 1e-12
    X = np.full((20, 8), level)
    X[::2] = np.nextafter(level, 1.0)  # a relative range of 1e-16: a constant
    Y = X[:, :2].copy()
    model = LSTMForecaster(scaler=scaler, max_epochs=15, hidden_size=8, random_state=0)
    pred = model.fit(X, Y).predict(X)
    assert np.max(np.abs(pred - level)) / level < 0.1


@pytest.mark.parametrize(
    "scaler",
    [
        "minmax",
        "standard",
        MinMaxScaler(),
        StandardScaler(with_mean=False),
        MaxAbsScaler(),
        RobustScaler(),
    ],
    ids=["minmax", "standard", "MinMaxScaler", "StandardScaler", "MaxAbsScaler", "RobustScaler"],
)
def test_scale_free_scalers_work_at_tiny_magnitudes_and_save_without_skops(
    pattern_rows, tmp_path, monkeypatch, scaler
):
    X, Y = pattern_rows
    X, Y = X * 1e-16 + 1e-12, Y * 1e-16 + 1e-12
    model = LSTMForecaster(scaler=scaler, **FAST).fit(X, Y)
    scaled = model.scaler_.transform(X.reshape(-1, 1))
    # The scaler itself saw values of magnitude one: the pattern survives.
    assert np.ptp(scaled) > 1e-4
    assert_allclose(model.scaler_.inverse_transform(scaled).ravel(), X.ravel(), rtol=1e-12)
    monkeypatch.setitem(__import__("sys").modules, "skops", None)
    monkeypatch.setitem(__import__("sys").modules, "skops.io", None)
    model.save(tmp_path / "m.sklstm")
    with zipfile.ZipFile(tmp_path / "m.sklstm") as archive:
        assert "objects.skops" not in archive.namelist()
    loaded = load(tmp_path / "m.sklstm")
    assert repr(loaded.scaler_) == repr(model.scaler_)
    assert_array_equal(loaded.predict(X), model.predict(X))


def test_a_users_pipeline_is_not_rescaled_but_a_lost_pattern_is_an_error(pattern_rows):
    X, Y = pattern_rows
    # In a Pipeline, sklearn's MinMaxScaler treats a range of 2e-16 as zero.
    scaler = make_pipeline(MinMaxScaler((-1, 1)))
    args = (X * 1e-16 + 1e-12, Y * 1e-16 + 1e-12)
    check_error(
        LSTMForecaster(scaler=scaler, **FAST).fit,
        args,
        ValueError,
        r"The scaler maps the training values, which range from 9\.999e-13 to 1\.0001e-12, "
        r"to values that span only 3\.\d+e-16: the network works with values of order one",
        r"Use scaler='minmax' or 'standard' \(or pass a MinMaxScaler or StandardScaler "
        r"itself\), which are applied to the values brought to magnitude one",
    )


def test_scaler_none_on_values_far_below_order_one_is_an_error(pattern_rows):
    X, Y = pattern_rows
    check_error(
        LSTMForecaster(scaler=None, **FAST).fit,
        (X * 1e-9, Y * 1e-9),
        ValueError,
        r"With scaler=None the network trains on the values as they are, .* a span of only 2e-09",
        "Use scaler='minmax' or 'standard'",
    )


# --- Extreme spans ---------------------------------------------------------------


def test_a_span_of_the_whole_float64_range_fits_and_never_predicts_inf(pattern_rows):
    X, Y = pattern_rows
    span = 1.7e308
    model = LSTMForecaster(**NETWORK).fit(X * span, Y * span)
    # Scaled, the data are the pattern: the predictions are the pattern's
    # forecasts at this scale, or, past the largest float, an error.
    try:
        pred = model.predict(X * span)
    except ValueError as exc:
        message = str(exc)
        pred = None
    if pred is None:
        assert "overflow float64 once unscaled" in message
        assert "Divide the data by a large power of ten" in message
    else:
        assert np.isfinite(pred).all()
        assert_allclose(pred / span, _unit_predictions(pattern_rows, "minmax"), atol=1e-5)
    # Forecasts inside the range are finite and right.
    half = model.predict(X * span / 2)
    assert np.isfinite(half).all()


def test_a_trend_that_leaves_the_float64_range_is_an_error_not_inf():
    series = np.linspace(0.0, 1.7e308, 60)
    X, y = make_windows(series, window=12)
    model = LSTMForecaster(**FAST).fit(X, y)
    check_error(
        lambda h: model.forecast(h, steps=30),
        (series,),
        ValueError,
        r"Some predictions overflow float64 once unscaled: they are beyond ±1\.8e308",
        r"Divide the data by a large power of ten \(e\.g\. 1e300\) before fitting",
    )


def test_scaler_none_on_a_float64_span_is_an_error(pattern_rows):
    X, Y = pattern_rows
    check_error(
        LSTMForecaster(scaler=None, **FAST).fit,
        (X * 1e300, Y * 1e300),
        ValueError,
        r"exceed the range of float32 \(about 3\.4e38\)",
        "scaler='minmax'",
    )


# --- Scalers that do not invert ----------------------------------------------------


@pytest.mark.parametrize(
    "scaler",
    [
        FunctionTransformer(np.log),
        FunctionTransformer(np.log, inverse_func=np.log1p),
        make_pipeline(FunctionTransformer(np.sqrt), MinMaxScaler()),
    ],
    ids=["no inverse", "wrong inverse", "pipeline without inverse"],
)
def test_a_scaler_that_does_not_invert_is_refused(rows, scaler):
    X, Y = rows
    check_error(
        LSTMForecaster(scaler=scaler, **FAST).fit,
        (X + 3, Y + 3),
        ValueError,
        r"The scaler's inverse_transform does not undo its transform on the training "
        r"values \(e\.g\. [\d.]+ -> [\d.-]+ -> [\d.-]+\), so forecasts would come back "
        r"in the scaler's units",
        r"Give the transformer its inverse, e\.g\. FunctionTransformer\(np\.log, "
        r"inverse_func=np\.exp\)",
    )


def test_a_scaler_with_its_inverse_is_accepted(rows):
    X, Y = rows
    log = FunctionTransformer(np.log, inverse_func=np.exp)
    pred = LSTMForecaster(scaler=log, **FAST).fit(X + 3, Y + 3).predict(X + 3)
    assert np.isfinite(pred).all()


# --- Integer parameters: numpy integers and booleans --------------------------------


@pytest.mark.slow
def test_numpy_integer_parameters_work_in_a_grid_search(rows):
    X, Y = rows
    grid = {
        "hidden_size": np.arange(4, 9, 4),
        "window": np.arange(6, 9, 2),
        "num_layers": np.arange(1, 3),
        "batch_size": np.arange(16, 17),
        "max_epochs": np.arange(2, 3),
        "n_iter_no_change": np.arange(5, 6),
    }
    search = GridSearchCV(
        LSTMForecaster(random_state=0), grid, cv=TimeSeriesSplit(2), error_score="raise"
    ).fit(X, Y)
    assert np.isfinite(search.cv_results_["mean_test_score"]).all()
    best = search.best_estimator_
    # The parameters are stored as given; only their use converts them.
    assert all(type(best.get_params()[name]) is np.int64 for name in grid)
    assert type(best.window_) is int
    assert best.predict(X).shape == Y.shape


def test_numpy_integer_horizon_and_steps(rows, tmp_path):
    X, Y = rows
    model = LSTMForecaster(horizon=np.int32(5), **FAST).fit(X, Y[:, 0])
    assert model.predict(X).shape == (len(X), 5) and type(model.horizon_) is int
    assert model.forecast(X[0], steps=np.int64(4)).shape == (4,)
    model.save(tmp_path / "m.sklstm")
    assert_array_equal(load(tmp_path / "m.sklstm").predict(X), model.predict(X))
    assert_array_equal(make_windows(np.arange(10), np.int64(3), np.int16(2))[0][0], [0, 1, 2])


@pytest.mark.parametrize(
    ("name", "value", "optional"),
    [
        ("window", True, " or None"),
        ("horizon", True, " or None"),
        ("hidden_size", True, ""),
        ("num_layers", True, ""),
        ("max_epochs", True, ""),
        ("batch_size", True, ""),
        ("n_iter_no_change", True, ""),
    ],
)
def test_booleans_are_refused_as_counts(rows, name, value, optional):
    X, Y = rows
    check_error(
        LSTMForecaster(**{**FAST, name: value}).fit,
        (X, Y),
        ValueError,
        rf"The '{name}' parameter of LSTMForecaster must be an int in the range "
        rf"\[1, inf\){optional}\. Got {value} instead",
        rf"a boolean is not a count; pass an int, e\.g\. {name}=1",
    )


@pytest.mark.parametrize("name", ["window", "horizon", "step"])
def test_make_windows_refuses_booleans(name):
    kwargs = {"window": 2, "horizon": 1, "step": 1, name: True}
    series = np.arange(10.0)
    check_error(
        lambda s: make_windows(s, **kwargs),
        (series,),
        ValueError,
        rf"The '{name}' parameter of make_windows must be an int .* Got True instead",
        rf"pass an int, e\.g\. {name}=1",
    )


# --- Dates, durations and complex numbers -------------------------------------------

DATES = pd.date_range("2000-01-01", periods=30, freq="D")
NOT_VALUES = [
    ("datetime64", DATES.to_numpy(), TypeError, r"{} holds dates or durations \(dtype datetime64"),
    ("dated Series", pd.Series(DATES), TypeError, r"{} holds dates .*dtype datetime64"),
    (
        "timedelta64",
        (DATES - DATES[0]).to_numpy(),
        TypeError,
        r"{} holds dates or durations \(dtype timedelta64",
    ),
    ("complex", np.arange(30) + 1j, ValueError, "Complex data not supported: {} must hold real"),
    ("complex Series", pd.Series(np.arange(30) * (1 + 1j)), ValueError, "{} must hold real"),
    ("complex objects", np.array([1 + 1j] * 30, dtype=object), TypeError, "{} must hold numbers"),
]
FIXES = {
    TypeError: r"pandas\.Series\(values, index=dates\)|pandas\.to_numeric",
    ValueError: r"Pass the real part \(np\.real\(values\)\) or the magnitude",
}


@pytest.mark.parametrize(
    ("series", "error", "problem"),
    [case[1:] for case in NOT_VALUES],
    ids=[case[0] for case in NOT_VALUES],
)
def test_make_windows_refuses_dates_and_complex_numbers(series, error, problem):
    check_error(
        lambda s: make_windows(s, window=3),
        (series,),
        error,
        problem.format("series"),
        FIXES[error],
    )


@pytest.mark.parametrize(
    ("series", "error", "problem"),
    [case[1:] for case in NOT_VALUES],
    ids=[case[0] for case in NOT_VALUES],
)
def test_forecast_refuses_dates_and_complex_numbers(fitted, series, error, problem):
    check_error(fitted.forecast, (series,), error, problem.format("history"), FIXES[error])


def _dated_frame(X, dtype):
    frame = pd.DataFrame(X, columns=[f"lag_{k}" for k in range(X.shape[1], 0, -1)])
    dates = pd.Series(pd.date_range("2000-01-01", periods=len(X), freq="D"))
    column = {
        "datetime64": dates,
        "tz-aware": dates.dt.tz_localize("UTC"),
        "timedelta64": dates - dates[0],
        "period": dates.dt.to_period("D"),
    }[dtype]
    return frame.assign(date=column.to_numpy())


@pytest.mark.parametrize("dtype", ["datetime64", "tz-aware", "timedelta64", "period"])
def test_date_columns_in_X_name_the_columns_and_the_fix(rows, fitted, dtype):
    X, Y = rows
    frame = _dated_frame(X, dtype)
    for call, args in ((LSTMForecaster(**FAST).fit, (frame, Y)), (fitted.predict, (frame,))):
        check_error(
            call,
            args,
            TypeError,
            r"X has date or time column\(s\) \['date'\], but it must hold only the values",
            r"Drop them, e\.g\. X\.drop\(columns=\['date'\]\)",
        )
    Y_frame = pd.DataFrame(Y).assign(when=pd.date_range("2000", periods=len(Y)))
    check_error(
        LSTMForecaster(**FAST).fit, (X, Y_frame), TypeError, r"y has date .*\['when'\]", "Drop"
    )


@pytest.mark.parametrize("kind", ["M8[D]", "m8[s]"])
def test_date_arrays_as_X_or_y_are_refused(rows, fitted, kind):
    X, Y = rows
    dates = np.arange(X.size).astype(kind).reshape(X.shape)
    fix = r"make_windows\(pandas\.Series\(values, index=dates\), window=\.\.\.\)"
    for call, args in (
        (LSTMForecaster(**FAST).fit, (dates, Y)),
        (LSTMForecaster(**FAST).fit, (X, dates[:, :3])),
        (fitted.predict, (dates,)),
    ):
        check_error(call, args, TypeError, r"holds dates or durations \(dtype", fix)


# --- A generator as history, and histories without a usable index ------------------------


def test_a_generator_as_history_is_a_clear_error(fitted):
    history = (float(v) for v in range(30))
    with pytest.raises(TypeError, match=r"history must be a sequence of values .* got generator"):
        fitted.forecast(history)
    with pytest.raises(TypeError, match=r"pass list\(history\)"):
        fitted.forecast(iter(range(30)))


@pytest.mark.parametrize(
    ("index", "expected"),
    [
        (pd.Index(range(1950, 2010)), pd.RangeIndex(2010, 2014)),
        (
            pd.Index(np.arange(1950, 2010), name="year"),
            pd.Index([2010, 2011, 2012, 2013], name="year"),
        ),
        (
            pd.Index(np.arange(1710, 2010, 5, dtype=np.int32)),
            pd.Index([2010, 2015, 2020, 2025], dtype=np.int32),
        ),
        (
            pd.Index(np.arange(194, 254, dtype=np.uint8)),
            pd.Index([254, 255, 256, 257], dtype=np.int64),
        ),
        (
            pd.period_range("2000-01", periods=60, freq="M", name="month"),
            pd.period_range("2005-01", periods=4, freq="M", name="month"),
        ),
        (
            pd.date_range("2000-01-01", periods=60, freq="MS", name="month"),
            pd.date_range("2005-01-01", periods=4, freq="MS", name="month"),
        ),
        (pd.Index([f"t{k}" for k in range(60)]), pd.RangeIndex(60, 64)),
    ],
    ids=["years", "numpy years", "every 5 years", "unsigned", "periods", "dates", "labels"],
)
def test_forecast_index_continues_the_history_index(fitted, index, expected):
    history = pd.Series(np.sin(np.arange(60) / 3), index=index, name="sales")
    forecast = fitted.forecast(history, steps=4)
    assert forecast.name == "sales"
    pd.testing.assert_index_equal(forecast.index, expected, exact="equiv")
    assert forecast.index.name == index.name
    assert_array_equal(forecast.to_numpy(), fitted.forecast(history.to_numpy(), steps=4))


def test_a_single_integer_label_continues_by_one(fitted):
    history = pd.Series(np.ones(10), index=pd.Index([2009] * 1 + list(range(2010, 2019))))
    assert list(fitted.forecast(history, steps=2).index) == [2019, 2020]
    short = LSTMForecaster(window=1, **FAST).fit(np.ones((5, 1)), np.ones(5))
    assert list(short.forecast(pd.Series([1.0], index=[1999]), steps=2).index) == [2000, 2001]


@pytest.mark.parametrize(
    ("index", "problem", "fix"),
    [
        (
            pd.Index([*range(1950, 1980), *range(1981, 2011)]),
            r"integer index has no regular step \(labels are missing, duplicated or "
            r"irregular: 1950, 1951, 1952, 1953, 1954, \.\.\.\)",
            r"history\.reindex\(range\(first, last \+ 1\)\) .* history\.reset_index\(drop=True\)",
        ),
        (
            pd.Index(np.arange(2009, 1949, -1)),
            "The history's labels are not in increasing order",
            r"history\.sort_index\(\)",
        ),
    ],
    ids=["gap", "newest first"],
)
def test_irregular_integer_index_is_a_clear_error(fitted, index, problem, fix):
    history = pd.Series(np.sin(np.arange(60) / 3), index=index)
    check_error(fitted.forecast, (history,), ValueError, problem, fix)


@pytest.mark.parametrize("n_dates", [1, 2])
def test_too_few_dates_without_freq_is_a_clear_error(n_dates):
    model = LSTMForecaster(window=1, **FAST).fit(np.ones((5, 1)), np.ones(5))
    dates = pd.DatetimeIndex(["2000-01-01", "2000-02-01"][:n_dates])
    assert dates.freq is None
    history = pd.Series(np.ones(n_dates), index=dates)
    check_error(
        model.forecast,
        (history,),
        ValueError,
        rf"DatetimeIndex has {n_dates} date\(s\) and no freq, too few to infer the "
        r"frequency .* at least 3",
        r"history\.asfreq\('MS'\) for monthly data, or pass history\.to_numpy\(\)",
    )
    # With its frequency set, two dates are enough.
    forecast = model.forecast(history.asfreq("MS"), steps=2)
    assert list(forecast.index) == list(pd.date_range(dates[-1], periods=3, freq="MS")[1:])


# --- Continuing training: partial_fit and warm_start ----------------------------------


def test_partial_fit_errors_give_advice_that_works_for_partial_fit(rows):
    X, Y = rows
    model = LSTMForecaster(**FAST).fit(X, Y)
    messages = [
        check_error(
            model.partial_fit,
            (X, Y[:, :1]),
            ValueError,
            r"y has 1 column\(s\) but the model was fitted with 3",
            r"partial_fit continues the fitted model, so y must keep 3 column\(s\)\. "
            r"To train on these targets, fit a new model: model\.fit\(X, y\), or "
            r"clone\(model\)\.fit\(X, y\)",
        ),
        check_error(
            model.partial_fit,
            (X[:, 2:], Y),
            ValueError,
            "X has 8 features, but LSTMForecaster is expecting 10",
            r"or fit a new model on these rows: model\.fit\(X, y\), or clone\(model\)",
        ),
    ]
    model.set_params(hidden_size=4, cell="gru")
    messages.append(
        check_error(
            model.partial_fit,
            (X, Y),
            ValueError,
            r"Cannot continue training: cell, hidden_size changed since the last fit "
            r"\(cell='lstm' when fitted, now 'gru'; hidden_size=8 when fitted, now 4\)",
            r"partial_fit continues the fitted network: set them back to continue it, or "
            r"fit a new model with these settings: clone\(model\)\.fit\(X, y\)",
        )
    )
    assert not any("warm_start" in message for message in messages)
    # The advice works.
    assert clone(model).fit(X, Y).predict(X).shape == Y.shape


def test_warm_start_on_rows_of_another_length_names_the_rows_not_window(rows):
    X, Y = rows
    model = LSTMForecaster(warm_start=True, **FAST).fit(X, Y)
    before = model.predict(X)
    longer = np.hstack((X, X))
    message = check_error(
        model.fit,
        (longer, Y),
        ValueError,
        r"the rows of X have 20 time steps, but the model was fitted on rows of 10, and "
        r"with window=None the network reads whole rows",
        r"Pass rows of 10 time steps \(X\[:, -10:\]\), or set window=10 to read the last "
        r"10 steps of each row, or set warm_start=False to fit a new model",
    )
    assert "window changed" not in message
    # The failed fit left the fitted model as it was.
    assert model.n_features_in_ == 10
    assert_array_equal(model.predict(X), before)
    # Both fixes work.
    model.set_params(window=10).fit(longer, Y)
    assert model.window_ == 10


def test_a_refit_that_fails_keeps_the_fitted_model(rows):
    X, Y = rows
    frame = pd.DataFrame(X, columns=[f"lag_{k}" for k in range(10, 0, -1)])
    model = LSTMForecaster(**FAST).fit(frame, Y)
    before = model.predict(frame)
    with pytest.raises(ValueError, match="window=12 is longer than the rows"):
        model.set_params(window=12).fit(np.hstack((X, X))[:, :11], Y)
    assert_array_equal(model.feature_names_in_, frame.columns)
    assert_array_equal(model.predict(frame), before)


# --- horizon against the targets, and score ------------------------------------------


def test_score_is_the_r2_of_predict(rows):
    X, Y = rows
    model = LSTMForecaster(**FAST).fit(X, Y)  # horizon_ = 3, as Y has
    assert model.score(X, Y) == pytest.approx(r2_score(Y, model.predict(X)))
    weights = np.linspace(0.1, 1.0, len(X))
    assert model.score(X, Y, sample_weight=weights) == pytest.approx(
        r2_score(Y, model.predict(X), sample_weight=weights)
    )
    one_step = LSTMForecaster(**FAST).fit(X, Y[:, 0])
    assert one_step.score(X, Y[:, 0]) == pytest.approx(r2_score(Y[:, 0], one_step.predict(X)))
    assert one_step.score(X, Y[:, :1]) == pytest.approx(one_step.score(X, Y[:, 0]))


@pytest.mark.parametrize(
    ("horizon", "columns"), [(12, 1), (12, 3), (2, 3), (1, 3)], ids=["12-1d", "12-3", "2-3", "1-3"]
)
def test_score_on_targets_of_another_horizon_is_an_error(rows, horizon, columns):
    # score is the R² of predict(X) against y: targets of another number of
    # steps than predict returns would score forecasts the model does not make.
    X, Y = rows
    model = LSTMForecaster(horizon=horizon, **FAST).fit(X, Y[:, 0])
    y = Y[:, 0] if columns == 1 else Y[:, :columns]
    steps = "1 step" if horizon == 1 else f"{horizon} steps"
    check_error(
        model.score,
        (X, y),
        ValueError,
        rf"predict returns {steps} \(horizon_={horizon}\), but y has {columns} column",
        rf"horizon={horizon}\).*or fit with horizon={columns}",
    )


@pytest.mark.parametrize("horizon", [1, 2, 5])
def test_a_horizon_that_does_not_match_multi_step_targets_is_a_fit_error(rows, horizon):
    X, Y = rows
    steps = "1 step" if horizon == 1 else f"{horizon} steps"
    check_error(
        LSTMForecaster(horizon=horizon, **FAST).fit,
        (X, Y),
        ValueError,
        rf"horizon={horizon}, but y holds targets of 3 steps: predict would return "
        rf"{steps} per row",
        rf"Use horizon=None .* or make targets of {steps}: make_windows\(series, window, "
        rf"horizon={horizon}\)\. One-step targets \(a 1-D y\) go with any horizon",
    )


def test_grid_search_over_horizon(rows):
    X, Y = rows
    cv = TimeSeriesSplit(2)
    # On multi-step targets a horizon other than theirs is refused with the fix.
    search = GridSearchCV(LSTMForecaster(**FAST), {"horizon": [None, 3, 2]}, cv=cv)
    with pytest.raises(ValueError, match=r"horizon=2, but y holds targets of 3 steps"):
        search.set_params(error_score="raise").fit(X, Y)
    # On one-step targets every horizon fits, but score compares predict's
    # 4 steps with one: refused with the fix, as a scorer's shape check would.
    search = GridSearchCV(LSTMForecaster(**FAST), {"horizon": [1, 4]}, cv=cv, error_score="raise")
    with pytest.raises(ValueError, match=r"horizon_=4\), but y has 1 column"):
        search.fit(X, Y[:, 0])


# --- Network size ----------------------------------------------------------------------


@pytest.mark.parametrize(("hidden_size", "num_layers"), [(10**6, 1), (32, 10**8)])
def test_an_absurd_network_is_refused_before_it_is_built(rows, hidden_size, num_layers):
    X, Y = rows
    tracemalloc.start()
    try:
        check_error(
            LSTMForecaster(hidden_size=hidden_size, num_layers=num_layers, max_epochs=1).fit,
            (X, Y),
            ValueError,
            rf"hidden_size={hidden_size} with num_layers={num_layers} makes a network of "
            r"[\d.e+]+ weights; training (it|the \d+ of the ensemble \(n_estimators\)) "
            r"needs about [\d.]+ TiB of memory, more than",
            "Use a smaller hidden_size or num_layers",
        )
        assert tracemalloc.get_traced_memory()[1] < 50 << 20
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("cell", ["lstm", "gru"])
@pytest.mark.parametrize("linear_skip", [True, False])
def test_parameter_count_is_the_networks(cell, linear_skip):
    config = {"cell": cell, "hidden_size": 5, "num_layers": 3, "linear_skip": linear_skip}
    module = RecurrentOneStep(**config, window=7)
    assert parameter_count(**config, window=7) == sum(p.numel() for p in module.parameters())


def test_reasonable_networks_are_never_refused(monkeypatch):
    config = {"cell": "lstm", "hidden_size": 1024, "num_layers": 4, "linear_skip": True}
    config["window"] = 512
    check_network_size(config, window=512, batch_size=256, device="cpu")
    # Where the machine's memory is unknown, only sizes no machine has are refused.
    monkeypatch.setattr(sklstm._memory, "device_memory", lambda device: None)
    check_network_size({**config, "hidden_size": 8192}, window=512, batch_size=256, device="cpu")
    with pytest.raises(ValueError, match="more than any machine can reasonably give"):
        check_network_size({**config, "hidden_size": 10**6}, 512, 32, "cpu")
    monkeypatch.setattr(sklstm._memory, "device_memory", lambda device: 1 << 30)
    with pytest.raises(ValueError, match=r"more than the 1\.0 GiB of memory of this machine"):
        check_network_size({**config, "hidden_size": 4096}, 512, 32, "cpu")


# --- Damaged, truncated and crafted model files --------------------------------------------


@pytest.fixture(scope="module")
def model_bytes(rows):
    model = LSTMForecaster(hidden_size=4, max_epochs=2, random_state=0).fit(*rows)
    buffer = io.BytesIO()
    model.save(buffer)
    return model, buffer.getvalue()


DAMAGED = (
    r"is truncated or damaged: it begins like a zip archive, as a model file does, but "
    r"the archive's directory at its end is missing or unreadable|is corrupt|is empty, so it "
    r"is not an sklstm model file|is incomplete|not a plain tensor state|"
    r"is not an sklstm model file"
)


def test_truncated_files_are_a_valueerror_saying_so(model_bytes):
    model, data = model_bytes
    cuts = sorted({*range(0, 40), *range(0, len(data), max(1, len(data) // 150)), len(data) - 1})
    for cut in cuts:
        with pytest.raises(ValueError, match=DAMAGED) as info:
            load(io.BytesIO(data[:cut]))
        if cut >= 4:
            assert "truncated or damaged" in str(info.value)
            assert "Copy or download the whole file again, or save the model again" in str(
                info.value
            )


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_flipped_bytes_are_a_valueerror_or_change_nothing(model_bytes, data):
    model, original = model_bytes
    position = data.draw(st.integers(0, len(original) - 1), label="position")
    mask = data.draw(st.integers(1, 255), label="mask")
    damaged = bytearray(original)
    damaged[position] ^= mask
    try:
        loaded = load(io.BytesIO(bytes(damaged)))
    except ValueError as exc:
        loaded, message = None, str(exc)
    if loaded is None:
        expected = DAMAGED + "|not JSON|incompatible|do not fit|unknown|would expand"
        assert re.search(expected, message), message
    else:
        # A byte that no reader uses (a date, a local copy of a checksum).
        X = np.zeros((3, 10))
        assert_array_equal(loaded.predict(X), model.predict(X))


def test_a_text_mode_file_is_a_clear_error(model_bytes, tmp_path):
    model, data = model_bytes
    path = tmp_path / "m.sklstm"
    path.write_bytes(data)
    with open(path) as text, pytest.raises(ValueError, match=r"open it with open\(path, 'rb'\)"):
        load(text)
    with (
        open(tmp_path / "out", "w") as text,
        pytest.raises(
            ValueError,
            match=r"text mode, but a model file is binary: open it with open\(path, 'wb'\)",
        ),
    ):
        model.save(text)
    assert load(path).window_ == model.window_


def _rewrite(data, members):
    """The model file ``data`` with some members replaced."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        contents = {name: archive.read(name) for name in archive.namelist()}
    contents.update(members)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in contents.items():
            archive.writestr(name, content)
    return buffer.getvalue()


@pytest.mark.parametrize("member", ["weights.pt", "sklstm.json"])
def test_a_zip_bomb_is_refused_before_it_is_decompressed(model_bytes, member):
    _, data = model_bytes
    bomb = _rewrite(data, {member: bytes(64 << 20)})
    assert len(bomb) < 200_000
    tracemalloc.start()
    try:
        with pytest.raises(ValueError, match="zip bomb") as info:
            load(io.BytesIO(bomb))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert re.search(
        rf"its member '{member}' would expand to 67108864 bytes, more than a model file of "
        rf"{len(bomb)} bytes can hold .* crafted to exhaust memory \(a zip bomb\)",
        str(info.value),
    ), info.value
    assert peak < 8 << 20


def test_a_member_whose_header_lies_about_its_size_is_read_no_further(model_bytes):
    _, data = model_bytes
    bomb = bytearray(_rewrite(data, {"weights.pt": bytes(64 << 20)}))
    # Claim 1000 bytes in both the local header and the central directory.
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        start = 0
        while (start := bomb.find(signature, start)) >= 0:
            name_length = struct.unpack_from("<H", bomb, start + offset + 4)[0]
            header = 30 if signature == b"PK\x03\x04" else 46
            name = bytes(bomb[start + header : start + header + name_length])
            if name == b"weights.pt":
                struct.pack_into("<I", bomb, start + offset, 1000)
            start += 4
    tracemalloc.start()
    try:
        with pytest.raises(ValueError, match=r"is corrupt: its member 'weights\.pt' cannot be"):
            load(io.BytesIO(bytes(bomb)))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 8 << 20


def test_a_network_configuration_edited_to_a_huge_size_is_not_built(model_bytes):
    import json

    _, data = model_bytes
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        meta = json.loads(archive.read("sklstm.json"))
    meta["attributes"]["_module_config_"]["__dict__"]["hidden_size"] = 10**6
    crafted = _rewrite(data, {"sklstm.json": json.dumps(meta).encode()})
    tracemalloc.start()
    try:
        with pytest.raises(
            ValueError, match=r"is corrupt: the network's configuration .* has \d+ weights, but"
        ):
            load(io.BytesIO(crafted))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 8 << 20
