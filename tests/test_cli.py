"""The ``sklstm forecast`` command line, used as a new user would."""

import os
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

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
    assert forecast([str(sales_csv), "--column", "units", "--window", "24", *QUICK]) == 0
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


# --- Prediction intervals: --coverage ----------------------------------------


def _coverage_of(text):
    from sklstm._cli import _build_parser

    return _build_parser().parse_args(["forecast", "--coverage", text]).coverage


@pytest.mark.parametrize(
    ("text", "share"),
    [("0.9", 0.9), ("90", 0.9), ("90%", 0.9), ("97.5", 0.975), (" 80 % ", 0.8), ("0.5%", 0.005)],
)
def test_coverage_as_share_or_percentage(text, share):
    assert _coverage_of(text) == pytest.approx(share)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("0", "must be a share between 0 and 1 (such as 0.9) or a percentage"),
        ("100", "both exclusive; got '100'"),
        ("100%", "both exclusive; got '100%'"),
        ("-0.9", "both exclusive; got '-0.9'"),
        ("1", "1 is ambiguous (100%, which no interval can promise, or 1%)"),
        ("high", "expected a share such as 0.9 or a percentage such as 90, got 'high'"),
        ("nan", "expected a share such as 0.9"),
    ],
)
def test_bad_coverage_is_a_usage_error(text, message, capsys):
    with pytest.raises(SystemExit) as exc:
        _coverage_of(text)
    assert exc.value.code == 2
    err = " ".join(capsys.readouterr().err.split())
    assert "argument --coverage: " in err and message in err


def test_coverage_adds_intervals_and_their_holdout_scores(
    sales_csv, tmp_path, monkeypatch, capsys
):
    import sklstm.plotting

    drawn = {}

    def spy(*args, **kwargs):
        drawn["ax"] = ax = plot_forecast(*args, **kwargs)
        return ax

    plot_forecast = sklstm.plotting.plot_forecast
    monkeypatch.setattr(sklstm.plotting, "plot_forecast", spy)
    output, plot = tmp_path / "table.csv", tmp_path / "f.png"
    argv = [str(sales_csv), "--column", "units", "--date-column", "month", "--window", "6"]
    argv += ["--holdout", "8", "--coverage", "80%", "--output", str(output), "--plot", str(plot)]
    assert forecast([*argv, *QUICK]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert "units, 52 training values, window 6, horizon 8, 80% intervals, fitted" in lines[0]
    assert lines[1].split() == ["forecast", "lower", "upper", "actual", "seasonal_naive"]

    table = pd.read_csv(output, index_col=0)
    assert list(table.columns) == ["forecast", "lower", "upper", "actual", "seasonal_naive"]
    assert (table["lower"] < table["upper"]).all()
    actual, lower, upper = (table[c].to_numpy() for c in ("actual", "lower", "upper"))
    inside = (actual >= lower) & (actual <= upper)
    # The interval score written out: width, plus 2 / (1 - 0.8) = 10 times each miss.
    miss = np.maximum(lower - actual, 0) + np.maximum(actual - upper, 0)
    expected_score = np.mean(upper - lower + 10 * miss)

    header = next(i for i, line in enumerate(lines) if line.lstrip().startswith("MAE"))
    assert lines[header].split()[-4:] == ["coverage", "%", "interval", "score"]
    sklstm_row = lines[header + 1].split()
    assert sklstm_row[0] == "sklstm"
    assert float(sklstm_row[-2]) == pytest.approx(100 * inside.mean(), abs=5e-4)
    assert float(sklstm_row[-1]) == pytest.approx(expected_score, abs=5e-4)
    # Seasonal naive has no interval: its cells say so.
    assert lines[header + 2].split()[-2:] == ["-", "-"]
    assert (
        f"coverage %: {inside.sum()} of the 8 actual values lie inside the 80% intervals" in lines
    )
    assert (
        "interval score (Winkler): the intervals' width plus 10 times the distance of "
        "each miss; lower is better" in lines
    )

    # The plot draws the band of the table's bounds, labelled with the coverage.
    ax = drawn["ax"]
    (band,) = ax.collections
    assert band.get_label() == "80% interval"
    vertices = band.get_paths()[0].vertices
    xs = np.unique(vertices[:, 0])
    assert len(xs) == 8
    assert_allclose([vertices[vertices[:, 0] == x, 1].min() for x in xs], lower, rtol=1e-12)
    assert_allclose([vertices[vertices[:, 0] == x, 1].max() for x in xs], upper, rtol=1e-12)
    assert plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_coverage_without_holdout_prints_the_bounds_only(sales_csv, tmp_path, capsys):
    output = tmp_path / "next.csv"
    argv = [str(sales_csv), "--column", "units", "--date-column", "month", "--window", "6"]
    argv += ["--holdout", "0", "--horizon", "3", "--coverage", "0.95", "--output", str(output)]
    assert forecast([*argv, *QUICK]) == 0
    out = capsys.readouterr().out
    assert "horizon 3, 95% intervals" in out and "MAE" not in out
    table = pd.read_csv(output, index_col=0)
    assert list(table.columns) == ["forecast", "lower", "upper"]
    assert list(table.index) == ["2020-01-01", "2020-02-01", "2020-03-01"]


def test_series_too_short_to_calibrate_the_intervals(tmp_path, capsys):
    # 16 training pairs cannot give held-out forecasts of 12 steps.
    path = tmp_path / "short.csv"
    values = 10 + np.random.default_rng(0).normal(size=20).cumsum()
    path.write_text("v\n" + "\n".join(f"{v:.3f}" for v in values) + "\n")
    argv = [str(path), "--window", "4", "--holdout", "0", "--horizon", "12"]
    assert forecast([*argv, "--coverage", "0.9", "--epochs", "1"]) == 2
    warning, line = capsys.readouterr().err.strip().splitlines()
    assert warning.startswith("sklstm: warning: only 16 training pairs")
    assert line.startswith("sklstm: error: ")
    assert "too few training values to calibrate the 90% intervals of --coverage" in line
    assert "16 pairs" in line
    assert "use a longer series, a smaller --horizon, --window or --holdout" in line
    assert "leave out --coverage" in line
    assert "make_windows" not in line


def test_help_explains_coverage_and_covariates(capsys):
    with pytest.raises(SystemExit):
        main(["forecast", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert (
        "--coverage P" in text and "a share such as 0.9 or a percentage such as 90 or 90%" in text
    )
    assert "--covariates NAMES" in text and "separated by commas" in text
    assert "sklstm forecast --coverage 0.9" in text
    assert "--covariates price,promo" in text


# --- Covariates known in advance: --covariates -------------------------------


def _promo_csv(path, n=60, future=6, effect=10.0, future_promo=None, seed=0):
    """Daily sales that jump by ``effect`` on promotion days; ``future`` rows to forecast."""
    rng = np.random.default_rng(seed)
    promo = (rng.random(n + future) < 0.35).astype(int)
    if future_promo is not None:
        promo[n:] = future_promo
    sales = 20 + effect * promo + rng.normal(0, 0.3, n + future)
    frame = pd.DataFrame(
        {
            "day": pd.date_range("2021-01-01", periods=n + future, freq="D").strftime("%Y-%m-%d"),
            "promo": promo,
            "sales": np.round(sales, 3),
        }
    )
    frame.loc[n:, "sales"] = np.nan
    frame.to_csv(path, index=False)
    return frame


COVARIATE_RUN = ["--date-column", "day", "--column", "sales", "--covariates", "promo"]
COVARIATE_RUN += ["--window", "7", "--season", "7", "--epochs", "8"]


def test_covariates_drive_the_forecast(tmp_path, capsys):
    # The same history, two scenarios for the next 6 days: promotions on days
    # 1, 3 and 5, or on days 2, 4 and 6. The forecast follows them.
    tables = {}
    for name, future in (("odd", [1, 0, 1, 0, 1, 0]), ("even", [0, 1, 0, 1, 0, 1])):
        path, output = tmp_path / f"{name}.csv", tmp_path / f"out_{name}.csv"
        frame = _promo_csv(path, future_promo=future)
        argv = [str(path), *COVARIATE_RUN, "--holdout", "0", "--horizon", "6"]
        assert forecast([*argv, "--output", str(output)]) == 0
        out = capsys.readouterr().out
        assert "sales with covariates promo, 60 training values, window 7, horizon 6" in out
        tables[name] = pd.read_csv(output, index_col=0)
    odd, even = tables["odd"]["forecast"].to_numpy(), tables["even"]["forecast"].to_numpy()
    # The days after the last value of sales, the rows that held the promotions.
    assert list(tables["odd"].index) == list(frame["day"].iloc[60:])
    promo = np.array([1, 0, 1, 0, 1, 0], dtype=bool)
    # The histories are the same, so without covariates the two forecasts
    # would be too. A promotion adds 10; 8 epochs learn about 6 of it.
    assert np.all((odd - even)[promo] > 3), (odd, even)
    assert np.all((even - odd)[~promo] > 3), (odd, even)


def test_covariates_with_a_holdout_use_the_held_out_rows(tmp_path, capsys):
    path = tmp_path / "promo.csv"
    frame = _promo_csv(path, n=66, future=0)
    output = tmp_path / "table.csv"
    argv = [str(path), *COVARIATE_RUN, "--holdout", "6", "--coverage", "0.9"]
    assert forecast([*argv, "--output", str(output)]) == 0
    out = capsys.readouterr().out
    assert "60 training values, window 7, horizon 6, 90% intervals" in out
    table = pd.read_csv(output, index_col=0)
    assert list(table.columns) == ["forecast", "lower", "upper", "actual", "seasonal_naive"]
    assert_allclose(table["actual"], frame["sales"].iloc[60:])
    assert "coverage %: " in out and "MASE (season 7)" in out
    # The held-out promotions shape the forecast: promotion days forecast higher.
    promo = frame["promo"].iloc[60:].to_numpy(dtype=bool)
    assert promo.any() and not promo.all()
    assert table["forecast"][promo].min() > table["forecast"][~promo].max()
    # A horizon past the held-out rows needs rows after them.
    assert forecast([*argv, "--horizon", "8"]) == 2
    line = _error_line(capsys)
    assert "the 6 held-out row(s) and 0 row(s) after them give 6" in line
    assert "add 2 row(s) with the covariates' future values, or use --horizon 6" in line


def _covariate_error(path, capsys, *extra):
    assert forecast([str(path), *COVARIATE_RUN, "--holdout", "0", "--horizon", "6", *extra]) == 2
    return _error_line(capsys)


def test_covariate_errors_come_before_training(tmp_path, monkeypatch, capsys):
    _no_training(monkeypatch)
    path = tmp_path / "promo.csv"
    frame = _promo_csv(path)
    before = path.read_bytes()

    line = _covariate_error(path, capsys, "--covariates", "promo,price")
    assert "no column 'price' (named in --covariates)" in line
    assert "its columns are: day, promo, sales" in line

    line = _covariate_error(path, capsys, "--horizon", "9")
    assert "values at the 9 forecast steps" in line and "has 6 such row(s)" in line
    assert "add 3 row(s) with the covariates' future values, or use --horizon 6" in line

    frame.iloc[:60].to_csv(path, index=False)
    line = _covariate_error(path, capsys)
    assert "has 0 such row(s): add 6 row(s)" in line and "--horizon 0" not in line

    bad = frame.astype({"promo": object})
    bad.loc[10, "promo"] = "yes"
    bad.to_csv(path, index=False)
    line = _covariate_error(path, capsys)
    assert "covariate column 'promo' is not numeric: line 12" in line and "'yes'" in line
    assert "code flags and categories as 0, 1" in line

    for row in (5, 63):  # a training row and a future row
        gap = frame.astype({"promo": float})
        gap.loc[row, "promo"] = np.nan
        gap.to_csv(path, index=False)
        line = _covariate_error(path, capsys)
        assert f"covariate column 'promo' is empty on line {row + 2}" in line
        assert "fill them" in line
    # Rows past those the forecast reads may stay empty.
    longer = pd.concat([frame, frame.iloc[-3:].assign(promo=np.nan)], ignore_index=True)
    longer["day"] = pd.date_range("2021-01-01", periods=len(longer)).strftime("%Y-%m-%d")
    longer.to_csv(path, index=False)
    monkeypatch.undo()
    assert forecast([str(path), *COVARIATE_RUN, "--holdout", "0", "--horizon", "6"]) == 0
    capsys.readouterr()
    _no_training(monkeypatch)

    holes = frame.copy()
    holes.loc[[20, 30], "sales"] = np.nan
    holes.to_csv(path, index=False)
    line = _covariate_error(path, capsys)
    assert "column 'sales' has 2 empty value(s) before its last value (the first on line 22)" in (
        line
    )

    path.write_bytes(before)
    line = _covariate_error(path, capsys, "--covariates", "promo,sales")
    assert "column 'sales' is both --column and a covariate" in line
    line = _covariate_error(path, capsys, "--covariates", "promo,day")
    assert "column 'day' is both --date-column and a covariate" in line
    assert path.read_bytes() == before


def test_covariate_names_and_files(tmp_path, monkeypatch, capsys):
    _no_training(monkeypatch)
    for text, message in (
        ("promo,,price", "expected column names separated by commas, such as price,promo"),
        ("promo,promo", "'promo,promo' names promo more than once"),
    ):
        with pytest.raises(SystemExit):
            main(["forecast", "x.csv", "--covariates", text])
        assert message in capsys.readouterr().err
    assert forecast(["--covariates", "promo"]) == 2
    assert "--covariates needs a CSV file" in _error_line(capsys)
    path = tmp_path / "names.csv"
    _promo_csv(path).rename(columns={"promo": "promo__flag"}).to_csv(path, index=False)
    line = _covariate_error(path, capsys, "--covariates", "promo__flag")
    assert "covariate column 'promo__flag' cannot be used under that name" in line
    assert f"rename the column in {path}" in line


def test_future_rows_without_covariates_are_explained(tmp_path, capsys):
    path = tmp_path / "promo.csv"
    _promo_csv(path)
    assert forecast([str(path), "--column", "sales", "--window", "7"]) == 2
    line = _error_line(capsys)
    assert "column 'sales' has 6 empty value(s); fill or drop them" in line
    assert "future values of covariates only with --covariates" in line


def test_too_short_for_window_and_horizon_with_covariates(tmp_path, capsys):
    path = tmp_path / "promo.csv"
    _promo_csv(path, n=20)
    line = _covariate_error(path, capsys, "--window", "14")
    assert "too short: 20 training values (20 minus a holdout of 0)" in line
    assert "--window 14 and --horizon 6 (with --covariates, each pair spans both)" in line
    assert "need at least 21, so use a smaller --window, --horizon or --holdout" in line


def test_few_pairs_with_covariates_count_the_horizon(tmp_path, monkeypatch, capsys):
    path = tmp_path / "promo.csv"
    _promo_csv(path, n=30)
    _no_training(monkeypatch)
    with pytest.raises(AssertionError, match="the model was trained"):
        forecast([str(path), *COVARIATE_RUN, "--holdout", "0", "--horizon", "6"])
    (warning,) = capsys.readouterr().err.strip().splitlines()
    assert warning.startswith(
        "sklstm: warning: only 18 training pairs (30 training values, each pair spanning "
        "--window 7 and --horizon 6), fewer than 20"
    )
    assert warning.endswith("or a smaller --window, --horizon or --holdout")
