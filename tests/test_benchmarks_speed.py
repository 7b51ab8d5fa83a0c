"""The speed benchmarks at --quick size: each runs and reports what it measured."""

import pytest
from test_benchmarks import positive, run_quick

pytestmark = pytest.mark.slow


def test_profile_fit_reports_the_heaviest_entries(tmp_path):
    results = run_quick("profile_fit", tmp_path)
    assert positive(results["total_s"])
    cumulative = [row["cumulative s"] for row in results["cumulative"]]
    assert cumulative == sorted(cumulative, reverse=True)
    # The fit itself is among the heaviest branches of its own profile.
    assert any(row["function"].startswith("fit_checked") for row in results["cumulative"])
    own = [row["own s"] for row in results["own"]]
    assert own == sorted(own, reverse=True)


def test_global_fit_time_reports_each_thread_count(tmp_path):
    results = run_quick("global_fit_time", tmp_path)
    rows = results["rows"]
    assert len(rows) == 2
    assert rows[0]["ratio"] == 1.0
    for row, seconds in zip(rows, results["seconds"].values(), strict=True):
        assert all(positive(s) for s in seconds)
        assert row["ratio"] == pytest.approx(row["seconds (median)"] / rows[0]["seconds (median)"])
