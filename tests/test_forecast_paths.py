"""forecast() on a history (with covariates) or a panel is predict on the matching rows.

forecast builds the network's windows from a series, its covariates from a
frame or an array, and loops over a panel's columns; predict reads rows cut by
make_windows. Both must give the same forecasts, to float32 rounding, and
forecast's own inputs get clear errors.
"""

import warnings

import numpy as np
import pandas as pd
import pytest
from _helpers import assert_same_float32_work

from sklstm import LSTMForecaster, make_windows

N = 60
FAST = {"hidden_size": 4, "max_epochs": 2, "n_estimators": 2, "random_state": 0}
TIME = pd.date_range("2020-01-01", periods=N + 3, freq="D")


@pytest.fixture(scope="module")
def with_covariates():
    covariates = pd.DataFrame(
        {
            "flag": (np.arange(N + 3) % 7 == 0).astype(float),
            "temp": np.cos(np.arange(N + 3) / 5),
        },
        index=TIME,
    )
    series = pd.Series(
        np.sin(np.arange(N) / 3) + covariates["flag"].to_numpy()[:N], index=TIME[:N], name="y"
    )
    X, Y = make_windows(series, window=8, horizon=3, covariates=covariates.iloc[:N])
    model = LSTMForecaster(**FAST).fit(X, Y)
    return model, series, covariates, X


@pytest.mark.parametrize("end", [20, 55, N])
def test_forecast_with_covariates_is_predict_on_the_matching_row(with_covariates, end):
    model, series, covariates, X = with_covariates
    history = series.iloc[:end]
    by_frame = model.forecast(history, steps=3, covariates=covariates)
    assert list(by_frame.index) == list(TIME[end : end + 3])
    by_array = model.forecast(
        history.to_numpy(), steps=3, covariates=covariates.to_numpy()[: end + 3]
    )
    assert_same_float32_work(by_array, by_frame.to_numpy())
    if end < N:
        # The row of make_windows whose first target is at `end`.
        row = X.loc[[TIME[end]]]
        assert_same_float32_work(by_frame.to_numpy(), model.predict(row)[0])
    # The covariates of the future steps are read: changing them changes the forecast.
    changed = covariates.copy()
    changed.iloc[end : end + 3, 0] = 1.0 - changed.iloc[end : end + 3, 0]
    other = model.forecast(history, steps=3, covariates=changed)
    assert not np.allclose(other.to_numpy(), by_frame.to_numpy())


@pytest.mark.parametrize(
    ("case", "problem"),
    [
        ("none", r"fitted with covariates \['flag', 'temp'\].*covariates=frame"),
        ("short future", r"no rows for 1 of the 11 time stamps.*2020-02-27"),
        ("gap", r"no rows for 1 of the 11 time stamps.*2020-02-23"),
        ("missing column", r"no column\(s\) \['temp'\]"),
        ("duplicated column", r"duplicated column names \['flag'\]"),
        ("duplicated date", r"several rows for 1 of the time stamps.*2020-02-20"),
        ("short array", r"57 rows.*needs 58 rows \(1 more\)"),
        ("NaN", r"NaN or infinite values.*fill them"),
    ],
)
def test_forecast_covariate_errors_name_the_problem(with_covariates, case, problem):
    model, series, covariates, _ = with_covariates
    history = series.iloc[:55]
    given = {
        "none": None,
        "short future": covariates.iloc[:57],
        "gap": covariates.drop(TIME[53]),
        "missing column": covariates[["flag"]],
        "duplicated column": pd.concat([covariates, covariates[["flag"]]], axis=1),
        "duplicated date": pd.concat([covariates, covariates.loc[[TIME[50]]] + 1.0]),
        "short array": covariates.to_numpy()[:57],
        "NaN": covariates.where(pd.Series(TIME[56] != TIME, index=TIME), axis=0),
    }[case]
    if case == "short array":
        history = history.to_numpy()
    before = None if given is None else given.copy()
    with pytest.raises(ValueError, match=problem):
        model.forecast(history, steps=3, covariates=given)
    if isinstance(before, pd.DataFrame):
        pd.testing.assert_frame_equal(given, before)


@pytest.fixture(scope="module")
def panel_model():
    panel = pd.DataFrame(
        {"a": np.sin(np.arange(N) / 3), "b": 3 + 2 * np.cos(np.arange(N) / 4)}, index=TIME[:N]
    )
    X, Y = make_windows(panel, window=8, horizon=2)
    return LSTMForecaster(intervals=True, **FAST).fit(X, Y), panel, X


def test_forecast_of_a_panel_is_the_forecast_of_each_column(panel_model):
    model, panel, X = panel_model
    frame = model.forecast(panel, steps=4)
    assert list(frame.columns) == ["a", "b"]
    assert list(frame.index) == list(pd.date_range(TIME[N], periods=4, freq="D"))
    for name in panel:
        alone = model.forecast(panel[name], steps=4)
        assert_same_float32_work(frame[name].to_numpy(), alone.to_numpy())
    # And the first two steps are predict on the panel's last rows.
    last = X.loc[[(TIME[N - 2], "a"), (TIME[N - 2], "b")]]
    shifted = model.forecast(panel.iloc[:-2], steps=2)
    assert_same_float32_work(shifted.to_numpy().T, model.predict(last))
    # With coverage: each series' bounds are its own forecast's.
    bands = model.forecast(panel, steps=2, coverage=0.8)
    for name in panel:
        alone = model.forecast(panel[name], steps=2, coverage=0.8)
        assert_same_float32_work(bands[name].to_numpy(), alone.to_numpy())


def test_a_panel_series_that_ends_early_gets_nan_and_a_warning(panel_model):
    model, panel, _ = panel_model
    ragged = panel.copy()
    ragged.iloc[-1, 1] = np.nan
    with pytest.warns(UserWarning, match=r"1 series have missing values.*: b\."):
        frame = model.forecast(ragged, steps=2)
    assert frame["b"].isna().all()
    assert_same_float32_work(frame["a"].to_numpy(), model.forecast(panel["a"], steps=2))


@pytest.mark.parametrize(
    ("case", "problem"),
    [
        ("duplicated names", r"duplicated column names \['a'\]; rename them"),
        ("gap", r"no regular frequency \(dates are missing"),
        ("short", r"5 time steps but the model reads the last window_=8"),
    ],
)
def test_forecast_panel_errors_name_the_problem(panel_model, case, problem):
    model, panel, _ = panel_model
    if case == "duplicated names":
        given = panel.set_axis(["a", "a"], axis=1)
    elif case == "gap":
        given = panel.drop(TIME[20])
    else:
        given = panel.iloc[:5]
    before = given.copy()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ValueError, match=problem):
            model.forecast(given, steps=2)
    pd.testing.assert_frame_equal(given, before)
