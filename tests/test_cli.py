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
