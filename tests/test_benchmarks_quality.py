"""Smoke test of benchmarks/quality.py at its --quick size (1 seed, 3 epochs, 1 series).

CI does not run it: quality.py needs statsforecast, sktime and statsmodels
(benchmarks/requirements.txt), heavy benchmark-only packages that the test
command does not install; run it locally with
``pip install -c constraints.txt -e ".[test]" -r benchmarks/requirements.txt`` and
``pytest tests/test_benchmarks_quality.py``. Without them it is skipped, with
that reason shown in pytest's summary.
"""

import importlib.util
import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest

# The baselines come from these packages and the series from the files they ship.
_MISSING = [
    name
    for name in ("statsforecast", "sktime", "statsmodels")
    if importlib.util.find_spec(name) is None
]
pytestmark = pytest.mark.skipif(
    bool(_MISSING),
    reason=f"benchmark-only packages not installed ({', '.join(_MISSING)}); CI does not "
    "install them. Locally: pip install -c constraints.txt -r benchmarks/requirements.txt",
)

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
