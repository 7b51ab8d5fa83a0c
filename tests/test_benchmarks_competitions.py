"""Smoke test of ``benchmarks/competitions.py`` on one series per group.

It compares with statsforecast's models, a benchmark-only package that the
test command does not install, so CI skips it (the reason shows in pytest's
summary). Run it locally with ``pip install -c constraints.txt -r
benchmarks/requirements.txt``.
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

SCRIPT = Path(__file__).resolve().parents[1] / "benchmarks" / "competitions.py"
GROUPS = [f"{c} {f}" for c in ("M1", "tourism") for f in ("yearly", "quarterly", "monthly")]


def test_reports_every_group_against_every_baseline(tmp_path):
    output = tmp_path / "competitions.json"
    env = {**os.environ, "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    command = [sys.executable, str(SCRIPT), "--quick", "--sample", "1", "--output", str(output)]
    command += ["--no-baseline-cache", "--configs", "max_epochs=2,n_estimators=1"]
    subprocess.run(command, check=True, env=env, capture_output=True, text=True, timeout=900)
    report = json.loads(output.read_text())
    assert report["quick"] is True and report["config"]["series"] == 6
    run = report["results"]["max_epochs=2,n_estimators=1"]
    rows = {row["subset"]: row for row in run["summary"]}
    assert set(GROUPS) | {"all", "M1", "tourism"} == set(rows)
    for row in rows.values():
        for baseline in ("AutoETS", "AutoTheta", "AutoARIMA", "SeasonalNaive", "Naive"):
            entry = row[f"vs {baseline}"]
            assert all(math.isfinite(entry[k]) and entry[k] > 0 for k in ("median", "min", "max"))
            assert math.isfinite(row["sMAPE"][baseline])
        assert 0 <= row["beats seasonal naive every seed"] <= row["series"]
        assert 0 <= row["worse than 2x seasonal naive"] <= row["series"]
    assert rows["all"]["series"] == 6
    assert len(run["per_series"]) == 6
    assert all(len(entry["lstm_mase"]) == 1 for entry in run["per_series"].values())
