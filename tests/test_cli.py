"""The ``sklstm forecast`` command line, used as a new user would."""

import os
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from sklstm._cli import main

# Few epochs keep each run short; the output format does not depend on them.
QUICK = ["--epochs", "3"]


@pytest.fixture
def sales_csv(tmp_path):
    months = pd.date_range("2015-01-01", periods=60, freq="MS")
    t = np.arange(60)
    frame = pd.DataFrame(
        {
            "month": months.strftime("%Y-%m-%d"),
            "store": "north",
            "units": 100 + 2 * t + 15 * np.sin(2 * np.pi * t / 12),
            "price": 9.5,
        }
    )
    path = tmp_path / "sales.csv"
    frame.to_csv(path, index=False)
    return path


def forecast(argv):
    return main(["forecast", *argv])


def _error_line(capsys):
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1, captured.err
    assert lines[0].startswith("sklstm: error: ")
    return lines[0]


def test_airline_by_default(capsys):
    assert forecast([*QUICK]) == 0
    out = capsys.readouterr().out
    assert out.startswith("sklstm ")
    assert "passengers, 132 training values, window 24, horizon 12" in out
    # The table has the twelve months of 1960 with the three forecasts.
    assert "1960-01-01" in out and "1960-12-01" in out and "1961-01-01" not in out
    header = out.splitlines()[1].split()
    assert header == ["forecast", "actual", "seasonal_naive"]
    assert "MASE (season 12)" in out
    assert "seasonal naive" in out.splitlines()[-1]


def test_csv_column_dates_plot_and_output(sales_csv, tmp_path, capsys):
    plot, output = tmp_path / "f.png", tmp_path / "next.csv"
    argv = [str(sales_csv), "--column", "units", "--date-column", "month"]
    argv += ["--window", "6", "--horizon", "4", "--holdout", "0", "--seed", "1"]
    argv += ["--plot", str(plot), "--output", str(output), *QUICK]
    assert forecast(argv) == 0
    out = capsys.readouterr().out
    assert "units, 60 training values, window 6, horizon 4" in out
    assert f"forecast written to {output}" in out
    assert f"plot written to {plot}" in out
    assert plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    table = pd.read_csv(output, index_col=0, parse_dates=True)
    assert list(table.columns) == ["forecast"]
    assert list(table.index.strftime("%Y-%m")) == ["2020-01", "2020-02", "2020-03", "2020-04"]
    assert table.index.name == "month"
    assert np.isfinite(table["forecast"]).all()


def test_holdout_compares_with_actual_values(sales_csv, tmp_path, capsys):
    output = tmp_path / "table.csv"
    argv = [str(sales_csv), "--date-column", "month", "--column", "units", "--holdout", "6"]
    assert forecast([*argv, "--output", str(output), *QUICK]) == 0
    out = capsys.readouterr().out
    assert "54 training values" in out and "horizon 6" in out
    table = pd.read_csv(output, index_col=0)
    assert list(table.columns) == ["forecast", "actual", "seasonal_naive"]
    expected = pd.read_csv(sales_csv)["units"].to_numpy()[-6:]
    np.testing.assert_allclose(table["actual"], expected)


def test_seeded_runs_are_identical(sales_csv, capsys):
    argv = [str(sales_csv), "--column", "units", "--window", "6", *QUICK]
    tables = []
    for _ in range(2):
        assert forecast(argv) == 0
        # Drop the first line: it holds the fit time.
        tables.append(capsys.readouterr().out.split("\n", 1)[1])
    assert tables[0] == tables[1]


def test_verbose_shows_progress_bar(sales_csv, capsys):
    assert forecast([str(sales_csv), "--column", "units", "-v", *QUICK]) == 0
    err = capsys.readouterr().err
    assert "3/3" in err and "train_loss" in err


def test_missing_file(capsys, tmp_path):
    assert forecast([str(tmp_path / "nope.csv")]) == 2
    assert _error_line(capsys) == f"sklstm: error: file not found: {tmp_path / 'nope.csv'}"


def test_non_numeric_column(sales_csv, capsys):
    assert forecast([str(sales_csv), "--column", "store"]) == 2
    line = _error_line(capsys)
    assert "column 'store' is not numeric" in line
    assert "line 2" in line and "'north'" in line and "--column" in line


def test_default_column_skips_the_date_column(tmp_path, capsys):
    path = tmp_path / "data.csv"
    pd.DataFrame({"value": np.arange(40.0), "day": pd.date_range("2020", periods=40)}).to_csv(
        path, index=False
    )
    assert forecast([str(path), "--date-column", "day", "--window", "5", *QUICK]) == 0
    assert "value, 28 training values" in capsys.readouterr().out


def test_unknown_column(sales_csv, capsys):
    assert forecast([str(sales_csv), "--column", "revenue"]) == 2
    line = _error_line(capsys)
    assert "no column 'revenue'" in line and "month, store, units, price" in line


def test_too_short_series(tmp_path, capsys):
    path = tmp_path / "short.csv"
    path.write_text("v\n" + "\n".join(map(str, range(20))) + "\n")
    assert forecast([str(path)]) == 2
    line = _error_line(capsys)
    assert "too short" in line and "8 training values" in line
    assert "--window" in line and "--holdout" in line


def test_empty_values_and_bad_dates(tmp_path, capsys):
    path = tmp_path / "gaps.csv"
    path.write_text("date,v\n2020-01-01,1\n2020-01-02,\nsoon,3\n")
    assert forecast([str(path), "--column", "v"]) == 2
    assert "1 empty value(s)" in _error_line(capsys)
    path.write_text("date,v\n2020-01-01,1\n2020-01-02,2\nsoon,3\n")
    assert forecast([str(path), "--column", "v", "--date-column", "date"]) == 2
    assert "not dates" in _error_line(capsys)
    path.write_text("date,v\n2020-01-03,1\n2020-01-02,2\n2020-01-01,3\n")
    assert forecast([str(path), "--date-column", "date"]) == 2
    assert "not in increasing order" in _error_line(capsys)
    path.write_text("date,v\n2020-01-01,1\n2020-01-02,2\n2020-01-04,3\n2020-01-05,4\n")
    assert forecast([str(path), "--date-column", "date"]) == 2
    assert "not evenly spaced" in _error_line(capsys)


def test_unwritable_output_fails_before_fitting(sales_csv, tmp_path, capsys):
    target = tmp_path / "missing" / "out.csv"
    assert forecast([str(sales_csv), "--output", str(target)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.strip() == (
        f"sklstm: error: cannot write {target}: no directory {target.parent}"
    )


def test_usage_errors_exit_2(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["forecast", "--window", "0"])
    assert exc.value.code == 2
    assert "argument --window: must be at least 1, got 0" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exc:
        main(["forecast", "--horizon", "three"])
    assert exc.value.code == 2
    assert "expected a whole number, got 'three'" in capsys.readouterr().err


@pytest.mark.slow
def test_help_reads_well():
    env = {**os.environ, "COLUMNS": "100"}
    result = subprocess.run(
        [sys.executable, "-m", "sklstm", "forecast", "--help"],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )
    text = result.stdout
    assert text.startswith("usage: sklstm forecast")
    for option in ("--column", "--date-column", "--window", "--horizon", "--holdout"):
        assert option in text
    for option in ("--epochs", "--seed", "--plot PNG", "--output CSV", "--verbose"):
        assert option in text
    assert "AirPassengers" in text and "examples:" in text
    assert max(len(line) for line in text.splitlines()) <= 100
    assert result.stderr == ""


# --- Plots, warnings and metrics notes ---------------------------------------


def _no_training(monkeypatch):
    """Make any fit fail loudly, to show that a check came before training."""

    def fail(*args, **kwargs):
        raise AssertionError("the model was trained")

    monkeypatch.setattr("sklstm._cli.LSTMForecaster.fit", fail)


def test_plot_without_matplotlib_fails_before_training(sales_csv, tmp_path, monkeypatch, capsys):
    # A missing package: importing it raises ImportError.
    for name in [m for m in sys.modules if m == "matplotlib" or m.startswith("matplotlib.")]:
        monkeypatch.setitem(sys.modules, name, None)
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    _no_training(monkeypatch)
    assert forecast([str(sales_csv), "--plot", str(tmp_path / "f.png")]) == 2
    line = _error_line(capsys)
    assert "--plot needs matplotlib" in line
    assert "pip install 'sklstm[plot]'" in line and "leave out --plot" in line
    assert list(tmp_path.iterdir()) == [sales_csv]


def test_plot_without_extension_writes_and_reports_png(sales_csv, tmp_path, capsys):
    target = tmp_path / "noext"
    argv = [str(sales_csv), "--column", "units", "--window", "6", "--plot", str(target)]
    assert forecast([*argv, *QUICK]) == 0
    written = tmp_path / "noext.png"
    assert f"plot written to {written}\n" in capsys.readouterr().out
    assert written.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert not target.exists()


def test_plot_with_unknown_extension_fails_before_training(
    sales_csv, tmp_path, monkeypatch, capsys
):
    _no_training(monkeypatch)
    assert forecast([str(sales_csv), "--plot", str(tmp_path / "f.txt")]) == 2
    line = _error_line(capsys)
    assert "does not know the extension '.txt'" in line and "use .png" in line


def test_few_training_pairs_warn_but_forecast(tmp_path, capsys):
    path = tmp_path / "short.csv"
    path.write_text("v\n" + "\n".join(map(str, range(20))) + "\n")
    assert forecast([str(path), "--window", "6", *QUICK]) == 0
    captured = capsys.readouterr()
    warnings = [line for line in captured.err.splitlines() if "warning" in line]
    assert len(warnings) == 1
    assert warnings[0].startswith(
        "sklstm: warning: only 2 training pairs (8 training values minus --window 6), "
        "fewer than 20: the forecast may be unreliable"
    )
    assert "--window" in warnings[0] and "--holdout" in warnings[0]
    assert "8 training values, window 6, horizon 12" in captured.out


def test_pairs_fewer_than_twice_the_window_warn(sales_csv, capsys):
    # 48 training values, window 24: 24 pairs for a linear path of 25 weights.
    assert forecast([str(sales_csv), "--column", "units", *QUICK]) == 0
    err = capsys.readouterr().err
    assert (
        "only 24 training pairs (48 training values minus --window 24), fewer than two "
        "per value of the window (48)"
    ) in err


def test_enough_training_pairs_do_not_warn(capsys):
    # The airline default: 132 training values, window 24, so 108 pairs.
    assert forecast(QUICK) == 0
    assert "warning" not in capsys.readouterr().err


def _metric_notes(out):
    """The lines after the metrics table."""
    lines = out.rstrip("\n").splitlines()
    header = max(i for i, line in enumerate(lines) if "MAE" in line)
    return [line for line in lines[header + 1 :] if "left out" in line]


def test_metrics_left_out_say_why(tmp_path, capsys):
    # A purely periodic series: seasonal naive is exact on the training data,
    # so MASE has no scale; a zero among the actual values rules out MAPE.
    path = tmp_path / "periodic.csv"
    path.write_text("v\n" + "\n".join(["0", "1", "2", "3"] * 12) + "\n")
    argv = [str(path), "--window", "4", "--season", "4", "--holdout", "4", *QUICK]
    assert forecast(argv) == 0
    out = capsys.readouterr().out
    assert "MASE (season" not in out and "MAPE" not in out.split("MAE", 1)[1].splitlines()[0]
    notes = _metric_notes(out)
    assert notes == [
        "MAPE is left out: some actual values are 0",
        "MASE is left out: its scale is zero, since the seasonal naive forecast "
        "(season 4) is exact on the training values",
    ]


def test_metrics_need_a_season_of_training_values(tmp_path, capsys):
    path = tmp_path / "short_season.csv"
    path.write_text("v\n" + "\n".join(str(10 + k % 7 + k) for k in range(40)) + "\n")
    argv = [str(path), "--window", "4", "--season", "30", "--holdout", "12", *QUICK]
    assert forecast(argv) == 0
    out = capsys.readouterr().out
    assert "seasonal_naive" not in out and "MASE (season" not in out
    assert _metric_notes(out) == [
        "seasonal naive is left out: it repeats the last season (30 values), but there "
        "are only 28 training values",
        "MASE is left out: its scale needs more than one season (30) of training "
        "values; there are 28",
    ]


def test_epochs_help_gives_the_default_number(capsys):
    from sklstm import LSTMForecaster

    with pytest.raises(SystemExit):
        main(["forecast", "--help"])
    help_text = " ".join(capsys.readouterr().out.split())
    assert f"maximum training epochs (default: {LSTMForecaster().max_epochs})" in help_text


def test_data_options_need_a_csv_file(capsys):
    assert forecast(["--column", "passengers"]) == 2
    assert "need a CSV file" in _error_line(capsys)


# --- Reading the CSV file: time index, separators, the input kept safe -------


def _yearly_csv(path, column="year"):
    years = np.arange(1950, 2010)
    values = 50 + 0.5 * (years - 1950) + 5 * np.sin(years / 3)
    pd.DataFrame({column: years, "value": values}).to_csv(path, index=False)
    return path


def test_integer_years_continue_as_years(tmp_path, capsys):
    path = _yearly_csv(tmp_path / "annual.csv")
    output = tmp_path / "next.csv"
    argv = [str(path), "--date-column", "year", "--window", "8", "--holdout", "0"]
    assert forecast([*argv, "--horizon", "3", "--output", str(output), *QUICK]) == 0
    out = capsys.readouterr().out
    assert "1970" not in out
    table = pd.read_csv(output)
    assert list(table.columns) == ["year", "forecast"]
    assert table["year"].tolist() == [2010, 2011, 2012]


def test_integer_time_steps_keep_their_step(tmp_path, capsys):
    path = tmp_path / "steps.csv"
    pd.DataFrame({"t": np.arange(0, 200, 5), "v": np.sin(np.arange(40) / 3)}).to_csv(
        path, index=False
    )
    output = tmp_path / "next.csv"
    argv = [str(path), "--date-column", "t", "--window", "6", "--holdout", "0", "--horizon", "2"]
    assert forecast([*argv, "--output", str(output), *QUICK]) == 0
    assert pd.read_csv(output)["t"].tolist() == [200, 205]


def test_integer_dates_as_yyyymmdd(tmp_path, capsys):
    days = pd.date_range("2020-01-01", periods=40, freq="D")
    path = tmp_path / "daily.csv"
    pd.DataFrame({"day": days.strftime("%Y%m%d").astype(int), "v": np.arange(40.0)}).to_csv(
        path, index=False
    )
    output = tmp_path / "next.csv"
    argv = [str(path), "--date-column", "day", "--window", "6", "--holdout", "0", "--horizon", "1"]
    assert forecast([*argv, "--output", str(output), *QUICK]) == 0
    assert pd.read_csv(output)["day"].tolist() == ["2020-02-10"]


def test_uneven_integer_time_steps(tmp_path, capsys):
    path = tmp_path / "gaps.csv"
    path.write_text("year,v\n" + "\n".join(f"{y},{y % 7}" for y in [*range(1950, 1980), 1985]))
    assert forecast([str(path), "--date-column", "year", "--window", "4"]) == 2
    line = _error_line(capsys)
    assert "whole numbers in column 'year'" in line and "not evenly spaced" in line
    path.write_text("year,v\n" + "\n".join(f"{y},{y % 7}" for y in range(1980, 1950, -1)))
    assert forecast([str(path), "--date-column", "year", "--window", "4"]) == 2
    assert "not in increasing order" in _error_line(capsys)


@pytest.mark.parametrize("spelling", ["same", "dotted", "symlink"])
def test_output_never_overwrites_the_input(sales_csv, tmp_path, monkeypatch, capsys, spelling):
    _no_training(monkeypatch)
    before = sales_csv.read_bytes()
    if spelling == "same":
        target = str(sales_csv)
    elif spelling == "dotted":
        (tmp_path / "sub").mkdir()
        target = str(tmp_path / "sub" / ".." / "." / sales_csv.name)
    else:
        link = tmp_path / "link.csv"
        link.symlink_to(sales_csv)
        target = str(link)
    assert forecast([str(sales_csv), "--column", "units", "--output", target]) == 2
    line = _error_line(capsys)
    assert f"--output {target} is the input file {sales_csv}" in line
    assert "write to another file" in line
    assert sales_csv.read_bytes() == before


def test_output_and_plot_must_differ(sales_csv, tmp_path, monkeypatch, capsys):
    _no_training(monkeypatch)
    target = str(tmp_path / "f.png")
    assert forecast([str(sales_csv), "--output", target, "--plot", target]) == 2
    assert "--output and --plot name the same file" in _error_line(capsys)


def test_semicolon_separated_file_is_read(sales_csv, tmp_path, capsys):
    frame = pd.read_csv(sales_csv)
    semicolon = tmp_path / "sales_semicolon.csv"
    frame.to_csv(semicolon, index=False, sep=";", decimal=",")  # as European tools write it
    tab = tmp_path / "sales_tab.csv"
    frame.to_csv(tab, index=False, sep="\t")
    tables = []
    for path in (sales_csv, semicolon, tab):
        output = tmp_path / f"out_{path.stem}.csv"
        argv = [str(path), "--column", "units", "--date-column", "month", "--window", "6"]
        assert forecast([*argv, "--output", str(output), *QUICK]) == 0
        tables.append(pd.read_csv(output))
    capsys.readouterr()
    pd.testing.assert_frame_equal(tables[1], tables[0])
    pd.testing.assert_frame_equal(tables[2], tables[0])


def _daily_csv(path, fmt, start="2000-02-01", periods=40, freq="D"):
    dates = pd.date_range(start, periods=periods, freq=freq)
    values = 10 + np.sin(np.arange(periods) / 2)
    pd.DataFrame({"date": dates.strftime(fmt), "v": values}).to_csv(path, index=False)
    return path


def test_day_first_dates_are_read_day_first(tmp_path, capsys):
    # 01/02/2000 ... 29/02/2000, 01/03/2000 ...: month first, 13/02 is no date.
    path = _daily_csv(tmp_path / "daily.csv", "%d/%m/%Y")
    output = tmp_path / "next.csv"
    argv = [str(path), "--date-column", "date", "--window", "6", "--holdout", "0"]
    assert forecast([*argv, "--horizon", "2", "--output", str(output), *QUICK]) == 0
    assert pd.read_csv(output)["date"].tolist() == ["2000-03-12", "2000-03-13"]


def test_day_first_dates_with_a_gap_are_called_uneven(tmp_path, capsys):
    # Month first, 13/02/2000 is no date; day first, the dates are dates with a
    # gap, and that is the problem to report.
    path = tmp_path / "gap.csv"
    days = pd.date_range("2000-02-01", periods=40, freq="D").delete(20)
    pd.DataFrame({"date": days.strftime("%d/%m/%Y"), "v": np.arange(39.0)}).to_csv(
        path, index=False
    )
    assert forecast([str(path), "--date-column", "date", "--window", "4"]) == 2
    assert "the dates in column 'date' are not evenly spaced" in _error_line(capsys)


def test_ambiguous_day_month_order_asks_for_the_format(tmp_path, capsys):
    # 01/01/2000, 01/02/2000, ...: daily month first, monthly day first.
    path = _daily_csv(tmp_path / "monthly.csv", "%d/%m/%Y", "2000-01-01", 12, "MS")
    argv = [str(path), "--date-column", "date", "--window", "4", "--holdout", "0"]
    assert forecast(argv) == 2
    line = _error_line(capsys)
    assert "month first (2000-01-01, 2000-01-02, ...)" in line
    assert "day first (2000-01-01, 2000-02-01, ...)" in line
    assert "--date-format '%m/%d/%Y' or '%d/%m/%Y'" in line
    output = tmp_path / "next.csv"
    argv += ["--date-format", "%d/%m/%Y", "--horizon", "1", "--output", str(output)]
    assert forecast([*argv, *QUICK]) == 0
    assert pd.read_csv(output)["date"].tolist() == ["2001-01-01"]


def test_date_format_that_does_not_match(tmp_path, capsys):
    path = _daily_csv(tmp_path / "daily.csv", "%Y-%m-%d")
    argv = [str(path), "--date-column", "date", "--date-format", "%d/%m/%Y"]
    assert forecast(argv) == 2
    line = _error_line(capsys)
    assert "holds '2000-02-01' on line 2, which does not match --date-format '%d/%m/%Y'" in line
