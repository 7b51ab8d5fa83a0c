"""sklstm.plotting: figures rendered with Agg, checked by their content."""

import sys

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from sklstm import LSTMForecaster, make_windows

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from sklstm.plotting import plot_forecast, plot_training_curve  # noqa: E402

TINY = {"hidden_size": 8, "max_epochs": 4, "random_state": 0}


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _lines(ax):
    return {line.get_label(): line for line in ax.get_lines()}


def _save(ax, tmp_path):
    path = tmp_path / "figure.png"
    ax.figure.savefig(path)
    assert path.stat().st_size > 1000
    return path


def test_plot_forecast_arrays(tmp_path):
    history = np.arange(10.0)
    ax = plot_forecast(history, [10.0, 11.5, 12.0], actual=[10.2, 11.0, 12.5], title="demo")
    _save(ax, tmp_path)
    lines = _lines(ax)
    assert list(lines) == ["history", "actual", "forecast"]
    assert_array_equal(lines["history"].get_xdata(), np.arange(10))
    assert_array_equal(lines["history"].get_ydata(), history)
    # Arrays that follow the history start right after its last position.
    assert_array_equal(lines["forecast"].get_xdata(), [10, 11, 12])
    assert_array_equal(lines["forecast"].get_ydata(), [10.0, 11.5, 12.0])
    assert_array_equal(lines["actual"].get_ydata(), [10.2, 11.0, 12.5])
    assert ax.get_title() == "demo"
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("time step", "value")
    legend = [text.get_text() for text in ax.get_legend().get_texts()]
    assert legend == ["history", "actual", "forecast"]


def test_plot_forecast_dated_series_and_array_forecast(airline, tmp_path):
    train = airline[:-12]
    forecast = np.linspace(400, 450, 12)
    ax = plot_forecast(train, forecast, actual=airline[-12:])
    _save(ax, tmp_path)
    lines = _lines(ax)
    assert len(lines["history"].get_xdata()) == 132
    # The array forecast is drawn at the twelve months after the history,
    # exactly where the actual values (a Series) are drawn.
    assert_array_equal(lines["forecast"].get_xdata(), lines["actual"].get_xdata())
    assert pd.Timestamp(lines["forecast"].get_xdata()[0]) == pd.Timestamp("1960-01-01")
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("month", "passengers")


def test_plot_forecast_period_index(airline, tmp_path):
    monthly = airline.to_period("M")
    ax = plot_forecast(monthly[:-12], np.full(12, 450.0), actual=monthly[-12:])
    _save(ax, tmp_path)
    lines = _lines(ax)
    # Periods are drawn at their start, like the timestamps of a DatetimeIndex.
    assert_array_equal(lines["forecast"].get_xdata(), lines["actual"].get_xdata())
    assert pd.Timestamp(lines["forecast"].get_xdata()[-1]) == pd.Timestamp("1960-12-01")
    assert len(lines["history"].get_xdata()) == 132


def test_plot_forecast_interval_band(tmp_path):
    forecast = np.array([5.0, 6.0, 7.0])
    ax = plot_forecast(
        [1, 2, 3, 4], forecast, lower=forecast - 1, upper=forecast + 2, interval_label="90%"
    )
    _save(ax, tmp_path)
    (band,) = ax.collections
    assert band.get_label() == "90%"
    # The band's outline runs along the bounds: its y range is [lower, upper].
    vertices = band.get_paths()[0].vertices
    assert_allclose([vertices[:, 1].min(), vertices[:, 1].max()], [4.0, 9.0])
    assert_allclose([vertices[:, 0].min(), vertices[:, 0].max()], [4.0, 6.0])
    assert "90%" in [text.get_text() for text in ax.get_legend().get_texts()]


def test_plot_forecast_without_interval_has_no_band():
    ax = plot_forecast([1, 2, 3], [4, 5])
    assert len(ax.collections) == 0
    assert list(_lines(ax)) == ["history", "forecast"]


def test_plot_forecast_on_given_axes():
    fig, (left, right) = plt.subplots(1, 2)
    ax = plot_forecast([1, 2, 3], [4, 5], ax=right)
    assert ax is right
    assert left.get_lines() == []
    assert len(fig.axes) == 2


def test_plot_forecast_bad_input():
    with pytest.raises(ValueError, match="both lower and upper"):
        plot_forecast([1, 2], [3], lower=[2])
    with pytest.raises(ValueError, match="one value per forecast step"):
        plot_forecast([1, 2], [3, 4], lower=[2], upper=[5])
    with pytest.raises(ValueError, match=r"one-dimensional.*y_pred\[i\]"):
        plot_forecast([1, 2], np.ones((2, 3)))


def test_plot_training_curve_without_validation(tmp_path):
    X, y = make_windows(np.sin(np.arange(60) / 3), window=6)
    model = LSTMForecaster(**TINY).fit(X, y)
    ax = plot_training_curve(model, title="training")
    _save(ax, tmp_path)
    (line,) = ax.get_lines()
    assert line.get_label() == "training loss"
    assert_array_equal(line.get_xdata(), np.arange(1, model.n_iter_ + 1))
    assert_allclose(line.get_ydata(), model.loss_curve_)
    assert ax.get_yscale() == "log"
    assert ax.get_xlabel() == "epoch"
    assert "training loss" in ax.get_ylabel()
    assert not hasattr(ax, "right_ax")
    assert ax.get_title() == "training"


def test_plot_training_curve_with_validation(tmp_path):
    X, y = make_windows(np.sin(np.arange(80) / 3), window=6)
    model = LSTMForecaster(early_stopping=True, **TINY).fit(X, y)
    ax = plot_training_curve(model)
    _save(ax, tmp_path)
    scores, best = ax.right_ax.get_lines()
    assert scores.get_label() == "validation R²"
    assert_allclose(scores.get_ydata(), model.validation_scores_)
    assert_allclose(best.get_ydata(), [model.best_validation_score_])
    assert "validation R²" in ax.right_ax.get_ylabel()
    legend = [text.get_text() for text in ax.get_legend().get_texts()]
    assert legend == ["training loss", "validation R²", "best epoch"]


def test_plot_training_curve_needs_fitted_model():
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        plot_training_curve(LSTMForecaster())


def test_clear_error_without_matplotlib(monkeypatch):
    # A None entry in sys.modules makes the import fail as if not installed.
    for name in [m for m in sys.modules if m == "matplotlib" or m.startswith("matplotlib.")]:
        monkeypatch.setitem(sys.modules, name, None)
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with pytest.raises(ImportError, match=r"needs matplotlib.*sklstm\[plot\]"):
        plot_forecast([1, 2, 3], [4, 5])
