"""Smoke tests of the development-panel benchmarks at their --quick size.

``accuracy.py``, ``intervals.py`` and ``global_model.py`` compare with
statsforecast's models, a benchmark-only package that the test command does
not install, so CI skips these tests (the reason shows in pytest's summary).
Run them locally with ``pip install -c constraints.txt -r
benchmarks/requirements.txt`` and ``pytest -m slow tests/test_benchmarks_panel.py``.
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
    # statsforecast's SeasonalNaive against sklstm's seasonal_naive, on the
    # same forecasts: the same values, so their MASE ratio is exactly 1.
    sys.path.insert(0, str(BENCHMARKS))
    try:
        from _panel import QUICK_SERIES, load_panel, make_tasks, mase
    finally:
        sys.path.remove(str(BENCHMARKS))
    from sklstm.metrics import seasonal_naive

    series = load_panel()
    tasks = {t.key: t for t in make_tasks({n: series[n] for n in QUICK_SERIES if n in series})}
    assert set(run["per_forecast"]) == set(tasks)
    for key, per in run["per_forecast"].items():
        task = tasks[key]
        ours = mase(task, seasonal_naive(task.train, task.h, season=task.m))
        assert per["SeasonalNaive"] / ours == pytest.approx(1, rel=1e-9), key
        assert len(per["lstm"]) == 1 and per["lstm"][0] > 0


def test_intervals_reports_coverage_per_step(tmp_path):
    results = _run("intervals", tmp_path)
    summary = results["lstm"]["0"]["summary"]
    assert set(results["baselines"]) == {"AutoETS", "AutoARIMA"}
    for row in (summary, *results["baselines"].values()):
        for level in (80, 95):
            by_step = row[f"coverage {level} by step"]
            assert len(by_step) == 12
            # The overall coverage pools the steps: it lies among theirs.
            assert min(by_step) <= row[f"coverage {level}"] <= max(by_step)
        # A 95% interval contains the 80% one: it covers at least as often,
        # overall and at every step.
        assert row["coverage 95"] >= row["coverage 80"]
        assert all(
            hi >= lo
            for hi, lo in zip(row["coverage 95 by step"], row["coverage 80 by step"], strict=True)
        )


def test_global_model_reports_each_configuration(tmp_path):
    results = _run("global_model", tmp_path)
    rows = [r for k, r in results.items() if k != "forecast_speed"]
    assert {r["config"] for r in rows} == {"defaults", 'scaler="minmax"'}
    assert all(math.isfinite(r["vs_ets"]) for r in rows)
    assert results["forecast_speed"]["seconds"] > 0
