"""Smoke tests of the development-panel benchmarks at their --quick size.

``accuracy.py``, ``intervals.py`` and ``global_model.py`` compare with
statsforecast's models, a benchmark-only package that the test command does
not install, so CI skips these tests (the reason shows in pytest's summary).
Run them locally with ``pip install -c constraints.txt -r
benchmarks/requirements.txt`` and ``pytest tests/test_benchmarks_panel.py``.
"""

import importlib.util
import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        importlib.util.find_spec("statsforecast") is None,
        reason="statsforecast (benchmark-only) is not installed; CI does not install it. "
        "Locally: pip install -c constraints.txt -r benchmarks/requirements.txt",
    ),
]

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


def _run(name, tmp_path):
    output = tmp_path / f"{name}.json"
    env = {**os.environ, "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    subprocess.run(
        [sys.executable, str(BENCHMARKS / f"{name}.py"), "--quick", "--output", str(output)],
        check=True,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    report = json.loads(output.read_text())
    assert report["benchmark"] == name and report["quick"] is True
    return report["results"]


def _ratio(entry):
    return all(math.isfinite(entry[k]) and entry[k] > 0 for k in ("median", "min", "max"))


def test_accuracy_reports_ratios_against_each_baseline(tmp_path):
    results = _run("accuracy", tmp_path)
    run = results["defaults"]
    overall = run["summary"][0]
    assert overall["subset"] == "all"
    for baseline in ("AutoETS", "AutoARIMA", "AutoTheta", "SeasonalNaive"):
        assert _ratio(overall[f"vs {baseline}"])
    assert 0 <= overall["beats naive every seed"] <= overall["series"]
    assert len(run["airline"]["values"]) == 2
    # Seasonal naive against itself is exactly 1.
    per = next(iter(run["per_forecast"].values()))
    assert per["SeasonalNaive"] > 0 and len(per["lstm"]) == 1


def test_intervals_reports_coverage_per_step(tmp_path):
    results = _run("intervals", tmp_path)
    summary = results["lstm"]["0"]["summary"]
    for level in (80, 95):
        assert 0 <= summary[f"coverage {level}"] <= 1
        assert len(summary[f"coverage {level} by step"]) == 12
    assert set(results["baselines"]) == {"AutoETS", "AutoARIMA"}


def test_global_model_reports_each_configuration(tmp_path):
    results = _run("global_model", tmp_path)
    rows = [r for k, r in results.items() if k != "forecast_speed"]
    assert {r["config"] for r in rows} == {"defaults", 'scaler="minmax"'}
    assert all(math.isfinite(r["vs_ets"]) for r in rows)
    assert results["forecast_speed"]["seconds"] > 0
