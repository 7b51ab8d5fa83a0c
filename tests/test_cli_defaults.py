"""The command line's defaults that follow the data: the window and the plot's span."""

import numpy as np
import pandas as pd
import pytest

import sklstm.plotting
from sklstm._cli import main

QUICK = ["--epochs", "1"]


def _quarterly_csv(tmp_path, n=48):
    t = np.arange(n)
    frame = pd.DataFrame(
        {
            "quarter": pd.date_range("2010-01-01", periods=n, freq="QS").strftime("%Y-%m-%d"),
            "v": 50 + t + 5 * np.sin(2 * np.pi * t / 4),
        }
    )
    path = tmp_path / "quarterly.csv"
    frame.to_csv(path, index=False)
    return path


@pytest.mark.parametrize(
    ("argv", "window"),
    [
        ([], 24),  # the bundled monthly series: season 12
        (["--season", "3"], 8),  # two seasons are 6: at least 8
        (["--season", "6"], 12),
        (["--window", "5"], 5),  # an explicit window is kept
    ],
)
def test_window_defaults_to_two_seasons_and_at_least_8(argv, window, capsys):
    assert main(["forecast", *argv, *QUICK]) == 0
    assert f"training values, window {window}, horizon" in capsys.readouterr().out


def test_quarterly_dates_give_a_window_of_8(tmp_path, capsys):
    path = _quarterly_csv(tmp_path)
    assert main(["forecast", str(path), "--date-column", "quarter", "--holdout", "8", *QUICK]) == 0
    assert "40 training values, window 8, horizon 8" in capsys.readouterr().out


def test_plot_shows_recent_seasons_not_the_whole_history(tmp_path, monkeypatch, capsys):
    drawn = {}
    plot_forecast = sklstm.plotting.plot_forecast

    def spy(history, forecast, **kwargs):
        ax = plot_forecast(history, forecast, **kwargs)
        drawn.update(history=history, forecast=forecast, xlim=ax.get_xlim())
        return ax

    monkeypatch.setattr(sklstm.plotting, "plot_forecast", spy)
    assert main(["forecast", "--plot", str(tmp_path / "f.png"), *QUICK]) == 0
    assert (tmp_path / "f.png").exists()
    history, forecast = drawn["history"], drawn["forecast"]
    # Three seasons of months, ending where the forecast starts.
    assert len(history) == 36
    assert history.index[-1] == pd.Timestamp("1959-12-01")
    assert forecast.index[0] == pd.Timestamp("1960-01-01")
    # The forecast's 12 months take a quarter of the 48 months drawn, not 8%.
    left, right = drawn["xlim"]
    share = (forecast.index[-1] - forecast.index[0]).days / ((right - left) or np.nan)
    assert share > 0.2
