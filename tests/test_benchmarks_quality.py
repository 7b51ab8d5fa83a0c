"""Smoke test of benchmarks/quality.py at its --quick size (1 seed, 3 epochs, 1 series)."""

import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest

# Benchmark-only dependencies (benchmarks/requirements.txt): the series come
# from the files these packages ship.
pytest.importorskip("sktime", reason="benchmarks/requirements.txt is not installed")
pytest.importorskip("statsmodels", reason="benchmarks/requirements.txt is not installed")

SCRIPT = Path(__file__).resolve().parents[1] / "benchmarks" / "quality.py"


def _finite(value):
    return isinstance(value, int | float) and math.isfinite(value)


def _check_stats(block):
    assert set(block) >= {"median", "min", "max", "values"}
    assert all(_finite(v) for v in block["values"])
    assert block["min"] <= block["median"] <= block["max"]


@pytest.mark.slow
def test_quick_run_writes_the_expected_report(tmp_path):
    output = tmp_path / "quality.json"
    env = {**os.environ, "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    subprocess.run(
        [sys.executable, str(SCRIPT), "--quick", "--output", str(output)],
        check=True,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    report = json.loads(output.read_text())
    assert report["benchmark"] == "quality"
    assert report["quick"] is True
    assert report["config"]["seeds"] == [0]
    assert report["config"]["defaults"]["linear_skip"] is True
    results = report["results"]
    assert set(results) == {"airline", "defaults", "series", "settings"}

    methods = {row["method"]: row for row in results["airline"]}
    lstm = methods["LSTM, defaults"]
    for key in ("mase", "wall_s", "cpu_s"):
        _check_stats(lstm[key])
    assert lstm["seeds"] == [0]
    assert lstm["n_iter"] == [3]
    # Seasonal naive on the airline split is a fixed, known quantity.
    assert methods["seasonal naive"]["mase"] == pytest.approx(1.5709, abs=1e-3)

    assert [row["setting"] for row in results["defaults"]] == ["defaults (window 24)"]
    _check_stats(results["defaults"][0]["mase"])

    (series,) = results["series"]
    assert series["series"] == "lynx"
    assert series["length"] == 114
    assert _finite(series["seasonal_naive"])
    _check_stats(series["lstm"]["mase"])
    assert series["lstm"]["seeds"] == [0]
    assert isinstance(series["lstm_beats_naive_every_seed"], bool)

    settings = results["settings"]
    assert [row["setting"] for row in settings] == ["defaults", "early_stopping=True"]
    for row in settings:
        assert row["series"] == "lynx"
        assert row["seasonal_naive"] == series["seasonal_naive"]
        _check_stats(row["mase"])
