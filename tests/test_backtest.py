"""sklstm.backtest: rolling-origin evaluation against hand-written loops of fits."""

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.base import clone

from sklstm import LSTMForecaster, backtest, make_windows

WINDOW, HORIZON = 6, 3


class CountingForecaster(LSTMForecaster):
    """An LSTMForecaster that counts its fits (on the class: backtest clones it)."""

    fits = 0

    def fit(self, X, y):
        type(self).fits += 1
        return super().fit(X, y)


def _model(**params):
    return CountingForecaster(
        window=WINDOW, n_estimators=1, hidden_size=4, max_epochs=2, random_state=0, **params
    )


def _series(n=60, name="level"):
    index = pd.date_range("2020-01-01", periods=n, freq="D")
    return pd.Series(np.sin(np.arange(n) / 3) + np.arange(n) / 20 + 2, index=index, name=name)


def _hand_loop(model, series, cutoffs, fit_at):
    """Forecasts of ``horizon`` steps at each cutoff, fitting at the cutoffs ``fit_at``."""
    forecasts = []
    for cutoff in cutoffs:
        if cutoff in fit_at:
            train = series.iloc[: cutoff + 1]
            estimator = clone(model).set_params(horizon=HORIZON)
            estimator.fit(*make_windows(train, WINDOW))
        forecasts.append(estimator.forecast(series.iloc[: cutoff + 1], HORIZON).to_numpy())
    return np.concatenate(forecasts)


@pytest.mark.parametrize(
    ("refit", "fit_at"), [(True, [53, 54, 55, 56]), (False, [53]), (3, [53, 56])]
)
def test_backtest_is_the_hand_written_loop_of_fits(refit, fit_at):
    series, model = _series(), _model()
    CountingForecaster.fits = 0
    result = backtest(model, series, HORIZON, n_windows=4, refit=refit)
    assert CountingForecaster.fits == len(fit_at)
    cutoffs = [53, 54, 55, 56]  # the last ends HORIZON steps before the data
    assert_allclose(result.forecasts["forecast"], _hand_loop(model, series, cutoffs, fit_at))
    frame = result.forecasts
    assert list(frame.columns) == ["unique_id", "cutoff", "step", "ds", "forecast", "actual"]
    assert (frame["unique_id"] == "level").all()
    assert list(frame["cutoff"].unique()) == list(series.index[cutoffs])
    assert list(frame["step"][:3]) == [1, 2, 3]
    assert_array_equal(frame["actual"], series.loc[frame["ds"]].to_numpy())
    assert (frame["ds"] > frame["cutoff"]).all()
    assert not hasattr(model, "module_"), "the model passed in was fitted"


def test_step_spaces_the_cutoffs():
    result = backtest(_model(), _series(), HORIZON, n_windows=3, step=5, refit=False)
    cutoffs = result.forecasts["cutoff"].unique()
    assert list(np.diff(cutoffs)) == [pd.Timedelta(days=5)] * 2
    assert cutoffs[-1] == _series().index[-1 - HORIZON]


def test_summary_scores_are_those_of_the_forecasts():
    series = _series()
    result = backtest(_model(intervals=True), series, HORIZON, 3, coverage=0.8, refit=False)
    frame = result.forecasts
    assert {"lo-80", "hi-80"} <= set(frame.columns)
    error = (frame["actual"] - frame["forecast"]).abs()
    smape = 200 * error / (frame["actual"].abs() + frame["forecast"].abs())
    scale = {
        cutoff: np.mean(np.abs(np.diff(series.loc[:cutoff].to_numpy())))
        for cutoff in frame["cutoff"].unique()
    }
    mase = error / frame["cutoff"].map(scale)
    inside = (frame["lo-80"] <= frame["actual"]) & (frame["actual"] <= frame["hi-80"])
    by_step = result.by_step
    assert_allclose(by_step["mae"], error.groupby(frame["step"]).mean())
    assert_allclose(by_step["smape"], smape.groupby(frame["step"]).mean())
    assert_allclose(by_step["mase"], mase.groupby(frame["step"]).mean())
    assert_allclose(by_step["coverage"], inside.groupby(frame["step"]).mean())
    assert list(by_step["n"]) == [3, 3, 3]
    assert_allclose(result.by_series.loc["level", "mae"], error.mean())


def test_long_data_and_the_wide_panel_give_the_same_backtest():
    panel = pd.DataFrame({"a": _series(), "b": 2 * _series() + 1})
    panel.iloc[:10, 1] = np.nan  # b starts later
    long = panel.reset_index(names="ds").melt("ds", var_name="unique_id", value_name="y")
    long = long.dropna()
    wide = backtest(_model(), panel, HORIZON, 2, refit=False)
    result = backtest(_model(), long, HORIZON, 2, refit=False)
    pd.testing.assert_frame_equal(result.forecasts, wide.forecasts)
    assert set(result.forecasts["unique_id"]) == {"a", "b"}
    # A global model: one fit on the panel's rows, the rows of every series.
    estimator = clone(_model()).set_params(horizon=HORIZON)
    estimator.fit(*make_windows(panel.iloc[:56], WINDOW))
    expected = estimator.forecast(panel.iloc[:56], HORIZON)
    first = result.forecasts[result.forecasts["cutoff"] == panel.index[55]]
    assert_allclose(first["forecast"], expected.to_numpy().T.ravel())


def test_a_series_without_a_window_at_a_cutoff_is_left_out_there():
    panel = pd.DataFrame({"a": _series(), "late": _series()})
    panel.iloc[:50, 1] = np.nan  # a window at the last cutoff only
    with pytest.warns(UserWarning, match="give no row"):
        result = backtest(_model(), panel, HORIZON, 2, step=2)
    counts = result.forecasts.groupby("unique_id")["cutoff"].nunique()
    assert counts.to_dict() == {"a": 2, "late": 1}


def test_gaps_refused_or_filled_and_gaps_in_actuals_are_not_scored():
    series = _series()
    series.iloc[[52, 57]] = np.nan  # in the windows, and an actual of both cutoffs
    with pytest.raises(ValueError, match=r"missing value.*2020-02-22"):
        backtest(_model(), series, HORIZON, 2, refit=False)
    result = backtest(_model(), series, HORIZON, 2, refit=False, missing="fill")
    assert np.isfinite(result.forecasts["forecast"]).all()
    assert result.forecasts["actual"].isna().sum() == 2
    assert result.by_series["n"].iloc[0] == 2 * HORIZON - 2


@pytest.mark.slow
def test_n_jobs_gives_the_same_numbers():
    series = _series()
    one = backtest(_model(), series, HORIZON, 2, n_jobs=1)
    two = backtest(_model(), series, HORIZON, 2, n_jobs=2)
    pd.testing.assert_frame_equal(one.forecasts, two.forecasts)


def test_an_array_is_one_series():
    result = backtest(_model(), _series().to_numpy(), HORIZON, 2, refit=False)
    assert (result.forecasts["unique_id"] == "y").all()
    assert list(result.forecasts["cutoff"].unique()) == [55, 56]


@pytest.mark.parametrize(
    ("model", "kwargs", "message"),
    [
        (_model().set_params(window=None), {}, "pass window="),
        (_model(horizon=2), {}, "horizon=2 but the backtest forecasts horizon=3"),
        (_model(), {"coverage": 0.9}, "intervals=True"),
        (_model(), {"n_windows": 60}, "fewer than window \\+ horizon"),
    ],
)
def test_what_cannot_be_backtested_is_refused(model, kwargs, message):
    kwargs = {"n_windows": 2, **kwargs}
    with pytest.raises(ValueError, match=message):
        backtest(model, _series(), HORIZON, **kwargs)
