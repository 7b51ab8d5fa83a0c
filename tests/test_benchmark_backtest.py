"""Smoke test of benchmarks/backtest.py at --quick size (no timing is asserted)."""

import pytest
from test_benchmarks import run_quick

pytestmark = pytest.mark.slow


def test_backtest_benchmark_runs_and_matches_the_hand_loop(tmp_path):
    results = run_quick("backtest", tmp_path)
    assert results["same_forecasts"] is True
    assert results["target_ratio"] == 1.05
    assert results["ratio_of_totals"] > 0
    assert len(results["ratio_per_round"]) == len(results["loop_seconds"]["values"])
