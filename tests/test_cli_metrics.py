"""The numbers ``sklstm forecast`` prints: its table and its MAE / MAPE / MASE rows.

Every expected value is computed here with numpy, from the data and the
printed forecast, not with ``sklstm.metrics``: a wrong metric in the library
and the same mistake in the test cannot agree by construction.
"""

import re

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from sklstm._cli import main
from sklstm.datasets import load_airline

# Few epochs: the metrics must match whatever forecast the model makes.
QUICK = ["--epochs", "3"]
METRIC = re.compile(r"MAE|MAPE %|MASE \(season \d+\)")
# The report prints the table with 1 decimal and the metrics with 3.
TABLE_HALF_STEP, METRIC_HALF_STEP = 0.05, 0.0005


def run(argv, capsys):
    assert main(["forecast", *argv, *QUICK]) == 0
    return parse_report(capsys.readouterr().out)


def parse_report(out):
    """The printed table as ``{column: values}`` and metrics as ``{row: {metric: value}}``."""
    lines = out.splitlines()
    end = lines.index("") if "" in lines else len(lines)
    columns = lines[1].split()
    rows = [line.split() for line in lines[2:end]]
    rows = [row for row in rows if len(row) == len(columns) + 1]  # not the index name
    table = {name: np.array([float(row[i + 1]) for row in rows]) for i, name in enumerate(columns)}
    table["index"] = [row[0] for row in rows]
    metrics = {}
    if end < len(lines):
        names = METRIC.findall(lines[end + 1])
        for line in lines[end + 2 :]:
            # A metrics row: its label, then numbers (a note below the table,
            # such as "seasonal naive is left out: ...", ends the table).
            found = re.match(r"(sklstm|seasonal naive)\s+[-\d.]", line)
            if found is None:
                break
            label = found.group(1)
            values = [float(v) for v in line[len(label) :].split()]
            assert len(values) == len(names), line
            metrics[label] = dict(zip(names, values, strict=True))
    return table, metrics


def expected_metrics(actual, forecast, train, season):
    """MAE, MAPE and MASE written out with numpy."""
    error = np.abs(actual - forecast)
    scale = np.mean(np.abs(train[season:] - train[:-season]))
    return {
        "MAE": error.mean(),
        "MAPE %": 100 * np.mean(error / np.abs(actual)),
        f"MASE (season {season})": error.mean() / scale,
    }


def test_airline_report_matches_an_independent_computation(capsys, tmp_path):
    output = tmp_path / "forecast.csv"
    table, metrics = run(["--output", str(output)], capsys)
    y = load_airline().to_numpy(dtype=float)
    train, actual = y[:-12], y[-12:]

    assert table["index"] == [f"1960-{m:02d}-01" for m in range(1, 13)]
    assert_array_equal(table["actual"], actual)
    assert_array_equal(table["seasonal_naive"], train[-12:])  # 1959, repeated
    # The printed forecast is the written one, rounded to 1 decimal.
    written = pd.read_csv(output)["forecast"].to_numpy()
    assert_allclose(table["forecast"], written, atol=TABLE_HALF_STEP + 1e-9)

    assert set(metrics) == {"sklstm", "seasonal naive"}
    naive = expected_metrics(actual, train[-12:], train, 12)
    assert list(metrics["seasonal naive"]) == list(naive)
    for name, value in naive.items():
        assert metrics["seasonal naive"][name] == pytest.approx(value, abs=METRIC_HALF_STEP)
    assert metrics["seasonal naive"]["MASE (season 12)"] == 1.571

    # From the printed forecast: each value is off by at most half its last
    # digit, so each metric by at most that much, scaled the metric's way.
    from_printed = expected_metrics(actual, table["forecast"], train, 12)
    scale = np.mean(np.abs(train[12:] - train[:-12]))
    slack = {
        "MAE": TABLE_HALF_STEP,
        "MAPE %": 100 * TABLE_HALF_STEP / actual.min(),
        "MASE (season 12)": TABLE_HALF_STEP / scale,
    }
    for name, value in from_printed.items():
        tolerance = slack[name] + METRIC_HALF_STEP + 1e-9
        assert metrics["sklstm"][name] == pytest.approx(value, abs=tolerance), name
    # From the written forecast (full precision): exact to the printed digits.
    for name, value in expected_metrics(actual, written, train, 12).items():
        assert metrics["sklstm"][name] == pytest.approx(value, abs=METRIC_HALF_STEP + 1e-9)


@pytest.fixture
def quarterly_csv(tmp_path):
    t = np.arange(48)
    frame = pd.DataFrame(
        {
            "quarter": pd.date_range("2010-01-01", periods=48, freq="QS").strftime("%Y-%m-%d"),
            "sales": 50 + t + 8 * np.sin(2 * np.pi * t / 4) + 3 * np.cos(t / 3),
        }
    )
    path = tmp_path / "quarterly.csv"
    frame.to_csv(path, index=False)
    return path, frame["sales"].to_numpy()


def test_season_comes_from_the_dates_and_a_short_holdout_scores_its_own_values(
    quarterly_csv, capsys
):
    # Quarterly dates: season 4. Holdout 5 < horizon 8: the metrics cover the
    # 5 held-out values only, and the table shows no actual value after them.
    path, sales = quarterly_csv
    argv = [str(path), "--date-column", "quarter", "--window", "8"]
    table, metrics = run([*argv, "--holdout", "5", "--horizon", "8"], capsys)
    train, actual = sales[:-5], sales[-5:]
    assert len(table["forecast"]) == 8
    assert_allclose(table["actual"][:5], actual, atol=TABLE_HALF_STEP + 1e-9)
    assert np.isnan(table["actual"][5:]).all()
    naive = np.resize(train[-4:], 8)  # the last year of the training data, repeated
    assert_allclose(table["seasonal_naive"], naive, atol=TABLE_HALF_STEP + 1e-9)

    for label, forecast in (("seasonal naive", naive[:5]), ("sklstm", table["forecast"][:5])):
        expected = expected_metrics(actual, forecast, train, 4)
        assert list(metrics[label]) == list(expected)
        scale = np.mean(np.abs(train[4:] - train[:-4]))
        # The printed forecast carries a rounding error; the naive one does not.
        half_step = TABLE_HALF_STEP if label == "sklstm" else 0.0
        slack = {"MAE": half_step, "MAPE %": 100 * half_step / actual.min()}
        slack["MASE (season 4)"] = half_step / scale
        for name, value in expected.items():
            tolerance = slack[name] + METRIC_HALF_STEP + 1e-9
            assert metrics[label][name] == pytest.approx(value, abs=tolerance), (label, name)


def test_season_option_overrides_the_dates(quarterly_csv, capsys):
    path, sales = quarterly_csv
    argv = [str(path), "--date-column", "quarter", "--window", "8", "--season", "2"]
    table, metrics = run([*argv, "--holdout", "4"], capsys)
    train, actual = sales[:-4], sales[-4:]
    assert_allclose(table["seasonal_naive"], np.resize(train[-2:], 4), atol=TABLE_HALF_STEP)
    naive = expected_metrics(actual, np.resize(train[-2:], 4), train, 2)
    assert metrics["seasonal naive"] == pytest.approx(naive, abs=METRIC_HALF_STEP + 1e-9)


def write_values(tmp_path, values):
    path = tmp_path / "values.csv"
    pd.DataFrame({"v": values}).to_csv(path, index=False)
    return path


def test_a_zero_actual_value_leaves_out_mape(tmp_path, capsys):
    values = 10 + np.sin(np.arange(40) / 2) * 5
    values[-2] = 0.0  # one held-out value is zero: its percentage error is undefined
    table, metrics = run([str(write_values(tmp_path, values)), "--window", "6"], capsys)
    train, actual = values[:-12], values[-12:]
    for label, forecast in (("sklstm", table["forecast"]), ("seasonal naive", train[-1:])):
        # Without dates the season is 1: seasonal naive repeats the last value.
        assert list(metrics[label]) == ["MAE", "MASE (season 1)"]
        assert metrics[label]["MAE"] == pytest.approx(
            np.mean(np.abs(actual - forecast)), abs=TABLE_HALF_STEP + METRIC_HALF_STEP
        )
    assert_allclose(table["seasonal_naive"], np.repeat(train[-1], 12), atol=TABLE_HALF_STEP + 1e-9)


def test_mase_is_left_out_when_it_is_undefined(tmp_path, capsys):
    # A purely periodic training series (period 4): seasonal naive is exact on
    # it, the MASE scale is zero.
    periodic = np.tile([3.0, 7.0, 5.0, 1.0], 10)
    path = write_values(tmp_path, periodic)
    _, metrics = run([str(path), "--window", "6", "--season", "4", "--holdout", "8"], capsys)
    assert list(metrics["sklstm"]) == list(metrics["seasonal naive"]) == ["MAE", "MAPE %"]
    assert metrics["seasonal naive"]["MAE"] == 0.0  # exact on the held-out values too

    # As many training values as the season: no in-sample seasonal error.
    values = 10 + np.arange(36.0) % 5
    path = write_values(tmp_path, values)
    table, metrics = run([str(path), "--window", "6", "--season", "30", "--holdout", "6"], capsys)
    assert_array_equal(table["seasonal_naive"], values[:6])  # the 30 values, from the start
    assert list(metrics["sklstm"]) == ["MAE", "MAPE %"]


def test_no_seasonal_naive_without_a_full_season_of_training_data(tmp_path, capsys):
    values = 10 + np.arange(36.0) % 5
    table, metrics = run(
        [str(write_values(tmp_path, values)), "--window", "6", "--season", "31", "--holdout", "6"],
        capsys,
    )
    assert "seasonal_naive" not in table
    assert list(metrics) == ["sklstm"]
    assert list(metrics["sklstm"]) == ["MAE", "MAPE %"]


def test_no_metrics_without_a_holdout(tmp_path, capsys):
    values = 10 + np.arange(36.0) % 5
    table, metrics = run(
        [str(write_values(tmp_path, values)), "--window", "6", "--holdout", "0"], capsys
    )
    assert list(table) == ["forecast", "index"]
    assert metrics == {}
