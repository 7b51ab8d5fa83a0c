"""One model for many series: the scaler that the default picks for a panel's rows."""

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from sklstm import LSTMForecaster, make_windows
from sklstm._scaling import RowMinMax

FAST = {"hidden_size": 4, "max_epochs": 2, "n_estimators": 2, "random_state": 0}


@pytest.fixture(scope="module")
def panel():
    t = np.arange(80)
    return pd.DataFrame(
        {"small": 5 + np.sin(t / 3), "large": 20_000 + 1_000 * np.sin(t / 3 + 1)},
        index=pd.date_range("2000-01", periods=80, freq="MS"),
    )


def test_default_scales_a_panels_rows_one_by_one(panel):
    X, Y = make_windows(panel, window=8, horizon=2)
    model = LSTMForecaster(**FAST).fit(X, Y)
    assert isinstance(model.scaler_, RowMinMax)
    assert [m.window_scaling for m in model.module_.members] == [True, True]
    # The same rows without their (time, series) index: one scale for all,
    # with a warning that they look like several series.
    with pytest.warns(UserWarning, match="2 series stacked"):
        plain = LSTMForecaster(**FAST).fit(X.to_numpy(), Y.to_numpy())
    assert not isinstance(plain.scaler_, RowMinMax)
    assert [m.window_scaling for m in plain.module_.members] == [True, False]


def test_default_on_a_panel_is_scaler_row(panel):
    X, Y = make_windows(panel, window=8, horizon=2)
    auto = LSTMForecaster(**FAST).fit(X, Y)
    row = LSTMForecaster(scaler="row", **FAST).fit(X.to_numpy(), Y.to_numpy())
    assert_array_equal(auto.predict(X), row.predict(X.to_numpy()))
    assert auto.get_params()["scaler"] == "auto"  # the parameter is left as given


def test_one_series_keeps_minmax(panel):
    X, y = make_windows(panel["small"], window=8)
    auto = LSTMForecaster(**FAST).fit(X, y)
    minmax = LSTMForecaster(scaler="minmax", **FAST).fit(X, y)
    assert not isinstance(auto.scaler_, RowMinMax)
    assert_array_equal(auto.predict(X), minmax.predict(X))


def test_row_scaled_forecast_follows_the_units_of_any_series(panel):
    X, Y = make_windows(panel, window=8, horizon=2)
    model = LSTMForecaster(**FAST).fit(X, Y)
    unseen = 3 * panel["small"].iloc[:40] - 2
    assert_allclose(
        model.forecast(1e4 * unseen + 7, steps=3),
        1e4 * model.forecast(unseen, steps=3) + 7,
        rtol=1e-6,
    )


def test_continued_training_keeps_the_row_scaling(panel):
    X, Y = make_windows(panel, window=8, horizon=2)
    model = LSTMForecaster(**FAST).fit(X, Y)
    # The continued rows have no panel index: the fitted choice stands.
    model.partial_fit(X.reset_index(drop=True), Y.reset_index(drop=True))
    assert isinstance(model.scaler_, RowMinMax)
    assert [m.window_scaling for m in model.module_.members] == [True, True]
