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


def _band_edges(band):
    """The x positions of a fill_between band and its lower and upper edge there."""
    vertices = band.get_paths()[0].vertices
    xs = np.unique(vertices[:, 0])
    lows = np.array([vertices[vertices[:, 0] == x, 1].min() for x in xs])
    highs = np.array([vertices[vertices[:, 0] == x, 1].max() for x in xs])
    return xs, lows, highs


def _legend(ax):
    return [text.get_text() for text in ax.get_legend().get_texts()]


def test_plot_forecast_interval_band(tmp_path):
    forecast = np.array([5.0, 6.0, 7.0])
    lower = forecast - np.array([1, 0.5, 2])
    upper = forecast + np.array([2, 1, 3])
    ax = plot_forecast([1, 2, 3, 4], forecast, lower=lower, upper=upper, interval_label="90%")
    _save(ax, tmp_path)
    (band,) = ax.collections
    assert band.get_label() == "90%"
    xs, lows, highs = _band_edges(band)
    assert_array_equal(xs, [4, 5, 6])
    assert_array_equal(lows, lower)
    assert_array_equal(highs, upper)
    assert _legend(ax) == ["history", "forecast", "90%"]


def _frame(index, point, below, above):
    point = np.asarray(point, dtype=float)
    return pd.DataFrame(
        {"forecast": point, "lower": point - below, "upper": point + above}, index=index
    )


def test_plot_forecast_dataframe_draws_line_and_band(airline, tmp_path):
    train = airline[:-6]
    frame = _frame(airline.index[-6:], np.linspace(400, 450, 6), 20, np.arange(6) + 25)
    before = frame.copy()
    ax = plot_forecast(train, frame, actual=airline[-6:], coverage=0.9)
    _save(ax, tmp_path)
    lines = _lines(ax)
    assert list(lines) == ["history", "actual", "forecast"]
    assert_array_equal(lines["forecast"].get_ydata(), frame["forecast"])
    # The frame is drawn at its dates, where the actual values are.
    assert_array_equal(lines["forecast"].get_xdata(), lines["actual"].get_xdata())
    (band,) = ax.collections
    assert band.get_label() == "90% interval"
    xs, lows, highs = _band_edges(band)
    assert_allclose(xs, matplotlib.dates.date2num(frame.index))
    assert_array_equal(lows, frame["lower"])
    assert_array_equal(highs, frame["upper"])
    assert _legend(ax) == ["history", "actual", "forecast", "90% interval"]
    pd.testing.assert_frame_equal(frame, before)


def test_plot_forecast_dataframe_after_an_array_history():
    # forecast(array, steps, coverage=...) indexes its rows 0, 1, ...: they
    # still follow the history.
    frame = _frame(pd.RangeIndex(3), [5.0, 6.0, 7.0], 1, 1)
    ax = plot_forecast(np.arange(5.0), frame)
    assert_array_equal(_lines(ax)["forecast"].get_xdata(), [5, 6, 7])
    xs, lows, highs = _band_edges(ax.collections[0])
    assert_array_equal(xs, [5, 6, 7])
    assert ax.collections[0].get_label() == "interval"


def test_plot_forecast_several_bands(airline, tmp_path):
    train, index = airline[:-12], airline.index[-12:]
    point = np.linspace(420, 460, 12)
    steps = np.arange(1, 13)
    narrow = _frame(index, point, 10 + steps, 12 + steps)
    wide = _frame(index, point, 20 + 2 * steps, 25 + 2 * steps)
    ax = plot_forecast(train, [narrow, wide], coverage=[0.8, 0.95], title="fan")
    _save(ax, tmp_path)
    # The widest band is drawn first (underneath), the narrower darker on top.
    outer, inner = ax.collections
    assert (outer.get_label(), inner.get_label()) == ("95% interval", "80% interval")
    assert inner.get_alpha() > outer.get_alpha()
    for band, frame in ((outer, wide), (inner, narrow)):
        _, lows, highs = _band_edges(band)
        assert_array_equal(lows, frame["lower"])
        assert_array_equal(highs, frame["upper"])
    assert [line.get_label() for line in ax.get_lines()] == ["history", "forecast"]
    assert _legend(ax) == ["history", "forecast", "95% interval", "80% interval"]
    # Labels given outright win over the coverage.
    ax = plot_forecast(train, [narrow, wide], interval_label=["likely", "plausible"])
    assert [band.get_label() for band in ax.collections] == ["plausible", "likely"]


def test_plot_forecast_labels_from_coverage():
    ax = plot_forecast([1, 2, 3], [4, 5], lower=[3, 4], upper=[5, 6], coverage=0.975)
    assert ax.collections[0].get_label() == "97.5% interval"
    ax = plot_forecast([1, 2, 3], [4, 5], lower=[3, 4], upper=[5, 6])
    assert ax.collections[0].get_label() == "interval"


def test_plot_forecast_of_a_model_with_intervals(tmp_path):
    index = pd.date_range("2020-01-01", periods=60, freq="D")
    y = pd.Series(np.sin(np.arange(60) / 3), index=index, name="signal")
    X, target = make_windows(y, window=6)
    model = LSTMForecaster(horizon=4, intervals=True, **TINY).fit(X, target)
    frames = [model.forecast(y, 4, coverage=c) for c in (0.5, 0.9)]
    ax = plot_forecast(y, frames, coverage=[0.5, 0.9])
    _save(ax, tmp_path)
    assert_array_equal(_lines(ax)["forecast"].get_ydata(), frames[0]["forecast"])
    for band, frame in zip(ax.collections, frames[::-1], strict=True):
        xs, lows, highs = _band_edges(band)
        assert_allclose(xs, matplotlib.dates.date2num(frame.index))
        assert_allclose(lows, frame["lower"])
        assert_allclose(highs, frame["upper"])
    assert ax.get_ylabel() == "signal"


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
    with pytest.raises(ValueError, match=r"lower \(1 values\).*one value per forecast step"):
        plot_forecast([1, 2], [3, 4], lower=[2], upper=[5])
    with pytest.raises(ValueError, match=r"upper \(3 values\).*one value per forecast step \(2\)"):
        plot_forecast([1, 2], [3, 4], lower=[2, 3], upper=[5, 6, 7])
    with pytest.raises(ValueError, match=r"one-dimensional.*y_pred\[i\]"):
        plot_forecast([1, 2], np.ones((2, 3)))


def test_plot_forecast_lower_above_upper():
    with pytest.raises(
        ValueError,
        match=r"lower is above upper at 1 step\(s\), first at step 2 .*lower 5, upper 4",
    ):
        plot_forecast([1, 2], [3, 4], lower=[2, 5], upper=[4, 4])
    frame = _frame(pd.RangeIndex(2), [3.0, 4.0], 1, 1)
    swapped = frame.rename(columns={"lower": "upper", "upper": "lower"})
    with pytest.raises(ValueError, match=r"lower is above upper at 2 step.*pass the lower bounds"):
        plot_forecast([1, 2], swapped)


def test_plot_forecast_bad_dataframes():
    frame = _frame(pd.RangeIndex(3), [3.0, 4.0, 5.0], 1, 1)
    with pytest.raises(ValueError, match=r"without the column\(s\) \['upper'\].*coverage=0.9"):
        plot_forecast([1, 2], frame.drop(columns="upper"))
    panel = pd.concat({"a": frame, "b": frame}, axis=1)
    with pytest.raises(ValueError, match=r"panel.*frame\[name\]"):
        plot_forecast([1, 2], panel)
    with pytest.raises(ValueError, match="Leave out lower and upper"):
        plot_forecast([1, 2], frame, lower=[1, 2, 3], upper=[4, 5, 6])
    with pytest.raises(ValueError, match="mixes DataFrames"):
        plot_forecast([1, 2], [frame, [1, 2, 3]])
    other = _frame(pd.RangeIndex(3), [3.0, 4.5, 5.0], 2, 2)
    with pytest.raises(ValueError, match=r"forecast\[1\] and forecast\[0\] hold different"):
        plot_forecast([1, 2], [frame, other])
    with pytest.raises(ValueError, match=r"forecast\[1\] and forecast\[0\] hold different"):
        plot_forecast([1, 2], [frame, frame.iloc[:2]])
    with pytest.raises(ValueError, match=r"forecast\[1\] is a DataFrame without"):
        plot_forecast([1, 2], [frame, frame[["forecast"]]])


def test_plot_forecast_bad_labels():
    frame = _frame(pd.RangeIndex(3), [3.0, 4.0, 5.0], 1, 1)
    with pytest.raises(ValueError, match=r"coverage has 1 value\(s\) for 2 band\(s\)"):
        plot_forecast([1, 2], [frame, frame], coverage=0.9)
    with pytest.raises(ValueError, match=r"interval_label has 3 value\(s\) for 1 band"):
        plot_forecast([1, 2], frame, interval_label=["a", "b", "c"])
    for bad in (0, 1, 90, "high"):
        with pytest.raises(ValueError, match=r"strictly between 0 and 1, such as 0\.9"):
            plot_forecast([1, 2], frame, coverage=bad)
    with pytest.raises(ValueError, match=r"coverage label.*none to draw"):
        plot_forecast([1, 2], [3, 4], coverage=0.9)


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
    # The marker is the curve's best epoch (with several networks each keeps
    # its own best, so best_validation_score_ need not lie on the curve).
    assert_allclose(best.get_ydata(), [max(model.validation_scores_)])
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
