"""Smoke tests of the performance benchmarks: each script runs at --quick size.

No timing is asserted (timings depend on the machine and its load); what is
checked is that every script runs end to end, writes its JSON report with the
documented structure, and, where a benchmark compares against a reference that
must do identical work, that the reference really computed the same numbers.
"""

import json
import math
import os
import re
import statistics
import subprocess
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"

pytestmark = pytest.mark.slow


def run_script(name, tmp_path, *options):
    """Run ``benchmarks/<name>.py --quick`` in a fresh process; its output and report."""
    output = tmp_path / f"{name}.json"
    env = {**os.environ, "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    script = str(BENCHMARKS / f"{name}.py")
    proc = subprocess.run(
        [sys.executable, script, "--quick", "--output", str(output), *options],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return proc.stdout, json.loads(output.read_text())


def run_quick(name, tmp_path, *options):
    """Run a script that writes the common report (``_common.write_report``); its results."""
    stdout, report = run_script(name, tmp_path, *options)
    assert "| " in stdout, "the script prints no table"
    assert report["benchmark"] == name
    assert report["quick"] is True
    assert {"cpu", "cores", "torch", "sklstm", "skorch"} <= set(report["machine"])
    assert report["config"]
    return report["results"]


def positive(value):
    return isinstance(value, float) and math.isfinite(value) and value > 0


def test_tutorial_reports_time_and_mase_per_seed(tmp_path):
    results = run_quick("tutorial", tmp_path)
    methods = {row["method"]: row for row in results["methods"]}
    assert list(methods) == ["Tutorial loop", "sklstm, hidden 100", "sklstm, defaults"]
    for row in methods.values():
        assert len(row["per_seed"]) == 2
        for seed in row["per_seed"]:
            assert positive(seed["time_s"])
            assert positive(seed["mase"])
        assert row["mase_worst"] == max(s["mase"] for s in row["per_seed"])
    for row in methods.values():
        # The spreads are those of the per-seed numbers the report lists.
        times = [seed["time_s"] for seed in row["per_seed"]]
        cpu = [seed["cpu_s"] for seed in row["per_seed"]]
        assert row["time_max_over_min"] == pytest.approx(max(times) / min(times))
        assert row["cpu_time_max_over_min"] == pytest.approx(max(cpu) / min(cpu))
    for name in ("sklstm, hidden 100", "sklstm, defaults"):
        row = methods[name]
        assert positive(row["speedup_median"])
        assert row["n_iter"] == [seed["n_iter"] for seed in row["per_seed"]]
        assert all(isinstance(n, int) and n >= 1 for n in row["n_iter"])
        per_epoch = [seed["time_s"] / seed["n_iter"] for seed in row["per_seed"]]
        assert row["time_per_epoch_max_over_min"] == pytest.approx(max(per_epoch) / min(per_epoch))
    assert positive(results["seasonal_naive_mase"])


def test_seeds_reports_the_spread_of_cost_across_seeds(tmp_path):
    results = run_quick("seeds", tmp_path)
    configs = {row["config"]: row for row in results["configs"]}
    assert list(configs) == ["defaults", "early_stopping=True"]
    for row in configs.values():
        assert [p["seed"] for p in row["per_seed"]] == [0, 1]
        for per_seed in row["per_seed"]:
            assert len(per_seed["runs"]) == 2
            # n_iter_ is a property of the seed: every run of it agrees.
            assert {r["n_iter"] for r in per_seed["runs"]} == {per_seed["n_iter"]}
            median = statistics.median(r["time_s"] for r in per_seed["runs"])
            assert positive(median) and per_seed["time_s_median"] == pytest.approx(median)
            assert per_seed["time_per_epoch_s"] == pytest.approx(median / per_seed["n_iter"])
        # The spreads are those of the per-seed numbers the report lists.
        for spread, key in [
            ("time_max_over_min", "time_s_median"),
            ("cpu_time_max_over_min", "cpu_s_median"),
            ("time_per_epoch_max_over_min", "time_per_epoch_s"),
            ("n_iter_max_over_min", "n_iter"),
        ]:
            values = [p[key] for p in row["per_seed"]]
            assert row[spread] == pytest.approx(max(values) / min(values)), spread
    # Without early stopping every seed trains for the whole budget.
    assert configs["defaults"]["n_iter_max_over_min"] == 1.0


def test_overhead_hand_loop_does_exactly_the_same_work(tmp_path):
    results = run_quick("overhead", tmp_path)
    fits, predict = results["warm"][:2], results["warm"][2]
    for row in fits:
        # Same weights, shuffles and batches: the loss curves agree to float
        # rounding (which differs across CPUs and builds); a wrong batch or
        # shuffle would change them by far more than 1e-6 of the loss.
        assert row["max_rel_loss_curve_difference"] <= 1e-6
        assert row["max_abs_loss_curve_difference"] >= 0
        assert row["epochs"] >= 1
        assert positive(row["ratio_wall_median"])
    assert predict["max_rel_prediction_difference"] <= 1e-6
    assert positive(predict["ratio_wall_median"])
    for kind in ("hand", "sklstm"):
        cold = results["cold"][kind]
        assert positive(cold["first_fit_s"]) and positive(cold["second_fit_s"])
        assert cold["import_sklstm_s"] >= 0
    assert positive(results["cold"]["dynamo"]["import_torch_dynamo_s"])


def test_scale_reports_time_per_pair_and_peak_memory(tmp_path):
    # One short length: each (layout, length) runs in a fresh process.
    results = run_quick("scale", tmp_path, "--lengths", "1000")
    rows = results["rows"]
    assert {(r["layout"], r["length"]) for r in rows} == {
        ("one row", 1000),
        ("make_windows", 1000),
    }
    for row in rows:
        assert row["pairs"] == row["length"] - 48
        assert positive(row["s_per_epoch"]) and positive(row["us_per_pair"])
        assert isinstance(row["peak_extra_bytes"], int)
        assert row["series_bytes"] == 8 * row["length"]
        assert row["model_bytes"] > 0
    assert positive(results["us_per_pair_longest_over_shortest"])


def test_peers_script_runs_where_the_peer_libraries_are_installed(tmp_path):
    # CI does not install the peer libraries (heavy, benchmark-only). Locally, in
    # a separate environment with pytest:
    # pip install -c constraints.txt -e ".[test]" -r benchmarks/requirements-peers.txt
    reason = "peer libraries not installed; see benchmarks/requirements-peers.txt"
    pytest.importorskip("darts", reason=reason)
    pytest.importorskip("neuralforecast", reason=reason)
    results = run_quick("peers", tmp_path)
    names = [row["method"] for row in results["methods"]]
    assert names[0] == "sklstm, defaults"
    assert any(name.startswith("darts") for name in names)
    assert any(name.startswith("neuralforecast") for name in names)
    for row in results["methods"]:
        assert positive(row["time_median_s"]) and positive(row["mase_median"])


def test_predict_memory_reports_each_case(tmp_path):
    from sklstm._forecasting import _PREDICT_CHUNK

    results = run_quick("predict_memory", tmp_path)
    assert [r["case"] for r in results] == ["view", "array", "one pass"]
    rows, window, horizon = 5000, 24, 12
    for r in results:
        assert r["rows"] == rows
        # Chunked unless chunking is switched off ("one pass").
        assert r["chunk"] == (rows if r["case"] == "one pass" else min(_PREDICT_CHUNK, rows))
        # A view of the series costs the series; an array, every window.
        series_length = rows + window + horizon - 1
        view_bytes, array_bytes = 8 * series_length, 8 * rows * window
        assert r["input_bytes"] == (view_bytes if r["case"] == "view" else array_bytes)
        assert r["output_bytes"] == 8 * rows * horizon
        for key in ("rss_before_bytes", "peak_bytes"):
            assert isinstance(r[key], int) and r[key] > 0
        assert r["increase_bytes"] == r["peak_bytes"] - r["rss_before_bytes"]
        assert isinstance(r["peak_is_exact"], bool)
        assert positive(r["seconds"])
        assert r["torch_threads"] == 1  # OMP_NUM_THREADS=1 reaches the child processes


def test_parallel_search_reports_each_run(tmp_path):
    # Without --oversubscribe: that run is slow by design (it is what it measures).
    stdout, report = run_script("parallel_search", tmp_path)
    assert report["size"] == "quick" and report["repeats"] == 1
    assert report["n_fits"] == 2 * 2  # 2 splits x 2 hidden sizes
    rows = report["rows"]
    assert [row["run"] for row in rows] == [
        "n_jobs=1",
        "n_jobs=2, first call (starts workers)",
        "n_jobs=2, workers warm",
        "n_jobs=2, Dask LocalCluster",
    ]
    baseline = rows[0]
    assert baseline["processes"] == 1 and baseline["speedup_vs_n_jobs_1"] is None
    for row in rows:
        assert positive(row["wall_s"]) and row["wall_s"] == min(row["wall_s_all"])
        assert len(row["wall_s_all"]) == 1
        assert row["torch_threads_per_fit"] == [1]  # OMP_NUM_THREADS=1 everywhere here
        assert 1 <= row["processes"] <= 2
        # One thread everywhere: wherever a fit ran, its scores are the same.
        assert row["mean_test_mae"] == baseline["mean_test_mae"]
        assert all(math.isfinite(s) and s < 0 for s in row["mean_test_mae"])
    for row in rows[1:]:
        # Rounded to 3 decimals in the report, hence the relative tolerance.
        expected = baseline["wall_s"] / row["wall_s"]
        assert row["speedup_vs_n_jobs_1"] == pytest.approx(expected, rel=0.01)
    assert report["speedup_n_jobs_2"] == rows[2]["speedup_vs_n_jobs_1"]
    assert positive(report["speedup_n_jobs_2_median_of_pairs"])
    assert report["n_jobs_1_and_2_scores_identical"] is True
    assert report["slowdown_when_workers_use_all_cores"] is None
    dask = report["dask"]
    assert positive(dask["cluster_startup_s"])
    assert dask["search_wall_s"] == rows[3]["wall_s"]
    assert dask["max_abs_score_difference_vs_loky"] == 0.0
    assert report["machine"]["parent_OMP_NUM_THREADS"] == "1"
    assert "GridSearchCV over LSTMForecaster: 4 fits, quick size" in stdout
    assert f"Wrote {tmp_path / 'parallel_search.json'}" in stdout


def test_covariates_compares_with_and_without_and_against_ridge(tmp_path):
    results = run_quick("covariates", tmp_path)
    cases = results["cases"]
    assert [c["case"].split(":")[0] for c in cases] == ["insurance", "demand"]
    for case in cases:
        for kind in ("multi-step", "one-step"):
            entry = case[kind]
            assert len(entry["lstm_with"]) == len(entry["lstm_without"]) == 1
            assert all(positive(entry[k]) for k in ("ridge_with", "ridge_without"))
            ratio = entry["targets"]["with / ridge with"]["value"]
            assert ratio == pytest.approx(entry["lstm_with"][0] / entry["ridge_with"])
    per_pair = results["cost_per_pair_s"]
    assert all(positive(v) for v in per_pair.values())
    alone, covariates = per_pair.values()
    assert results["cost_ratio"] == pytest.approx(covariates / alone)


def test_ensemble_cost_reports_each_variant_against_one_network(tmp_path):
    results = run_quick("ensemble_cost", tmp_path)
    (rows,) = results.values()
    assert [re.sub(r"\d+ threads", "N threads", key) for key in rows] == [
        "1 network",
        "2 networks, one pass",
        "2 networks, N threads",
        "5 networks, one pass",
        "5 networks, N threads",
    ]
    base = statistics.median(rows["1 network"]["seconds"])
    for row in rows.values():
        assert row["ratio"] == pytest.approx(statistics.median(row["seconds"]) / base)
