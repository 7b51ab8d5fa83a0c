"""Behaviour a user could not guess: scaler="auto" on arrays, scorers and horizon."""

import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.model_selection import TimeSeriesSplit, cross_val_score

from sklstm import LSTMForecaster, make_windows

TINY = {"hidden_size": 4, "n_estimators": 1, "max_epochs": 1, "random_state": 0}


def _panel():
    rng = np.random.default_rng(0)
    t = np.arange(60)
    season = np.sin(2 * np.pi * t / 12)
    return pd.DataFrame(
        {
            "small": 5 + season + rng.normal(0, 0.1, 60),
            "large": 20_000 - 4_000 * season + rng.normal(0, 300, 60),
        },
        index=pd.date_range("2018-01-01", periods=60, freq="MS"),
    )


def _stacked_warnings(X, y, **params):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model = LSTMForecaster(**{**TINY, **params}).fit(X, y)
    return model, [w for w in caught if "series stacked" in str(w.message)]


def test_auto_scaler_on_a_panels_arrays_warns_and_names_the_fix():
    X, Y = make_windows(_panel(), window=12)
    model, caught = _stacked_warnings(X.to_numpy(), Y.to_numpy())
    assert type(model.scaler_).__name__ != "RowMinMax"  # one scale for all rows
    assert len(caught) == 1
    message = str(caught[0].message)
    assert "2 series" in message and "scaler='row'" in message and "scaler='minmax'" in message
    assert caught[0].filename == __file__  # points at the user's call


@pytest.mark.parametrize(
    ("data", "params"),
    [
        ("panel_frame", {}),  # the (time, series) index: scaled row by row
        ("panel_arrays", {"scaler": "row"}),
        ("panel_arrays", {"scaler": "minmax"}),  # one scale, chosen knowingly
        ("one_series", {}),
        ("one_series_arrays", {}),
        ("random_rows", {}),
    ],
)
def test_no_warning_where_the_scale_is_explicit_or_the_rows_are_one_series(data, params):
    panel = _panel()
    X, Y = make_windows(panel, window=12)
    X1, y1 = make_windows(panel["small"], window=12)
    rng = np.random.default_rng(1)
    inputs = {
        "panel_frame": (X, Y),
        "panel_arrays": (X.to_numpy(), Y.to_numpy()),
        "one_series": (X1, y1),
        "one_series_arrays": (X1.to_numpy(), y1.to_numpy()),
        "random_rows": (rng.normal(size=(40, 12)), rng.normal(size=40)),
    }
    _, caught = _stacked_warnings(*inputs[data], **params)
    assert caught == []


def test_panel_frame_and_arrays_with_scaler_row_fit_the_same_model():
    X, Y = make_windows(_panel(), window=12)
    frame, _ = _stacked_warnings(X, Y)
    arrays, _ = _stacked_warnings(X.to_numpy(), Y.to_numpy(), scaler="row")
    np.testing.assert_allclose(frame.predict(X), arrays.predict(X.to_numpy()), rtol=1e-6)


SERIES = 100 + np.arange(120) + 10 * np.sin(2 * np.pi * np.arange(120) / 12)
CV = TimeSeriesSplit(n_splits=2, gap=5, test_size=12)


def test_scorer_with_targets_of_the_horizon():
    X, Y = make_windows(SERIES, window=12, horizon=6)
    scores = cross_val_score(
        LSTMForecaster(window=12, **TINY), X, Y, cv=CV, scoring="neg_mean_absolute_error"
    )
    assert scores.shape == (2,) and np.all(np.isfinite(scores)) and np.all(scores <= 0)


def test_scorer_with_one_step_targets_and_no_horizon():
    X, y = make_windows(SERIES, window=12)
    scores = cross_val_score(
        LSTMForecaster(window=12, **TINY), X, y, cv=CV, scoring="neg_mean_absolute_error"
    )
    assert scores.shape == (2,) and np.all(np.isfinite(scores))


def test_default_scoring_needs_targets_of_the_horizon():
    # score() is the R² of predict, which returns horizon_ columns: one-step
    # targets with horizon=6 are refused with a message that says what to pass.
    X, y = make_windows(SERIES, window=12)
    model = LSTMForecaster(window=12, horizon=6, **TINY)
    with pytest.raises(ValueError, match=r"predict returns 6 steps.*horizon=6"):
        cross_val_score(model, X, y, cv=CV, error_score="raise")


def test_scorer_with_one_step_targets_and_a_longer_horizon_fails_as_documented():
    # predict returns horizon_ columns (the contract), which a scorer compares
    # with y's one column: sklearn_integration.rst states this and the fixes.
    X, y = make_windows(SERIES, window=12)
    model = LSTMForecaster(window=12, horizon=6, **TINY)
    with pytest.raises(ValueError, match="different number of output"):
        cross_val_score(model, X, y, cv=CV, scoring="neg_mean_absolute_error", error_score="raise")
