"""Wall time of a GridSearchCV over LSTMForecaster: n_jobs=1, n_jobs=2, and Dask.

The search is the one a user runs on the bundled airline series: 12-step rows
from ``make_windows``, ``TimeSeriesSplit(gap=horizon - 1)``, a grid over
``window`` and ``hidden_size``. Every fit runs exactly ``max_epochs`` epochs
(nothing stops training early without ``early_stopping``), so each
configuration does the same work.

Measured on the same data:

1. ``n_jobs=2``, first call: includes starting the loky workers (each imports
   torch and sklstm). Timed once.
2. ``n_jobs=1`` (the fits one after the other in this process) and ``n_jobs=2``
   on the warm workers, alternated ``--repeats`` times so that both see the
   same background load. The speed-up is the ratio of their fastest runs
   (the least disturbed); the median of the paired ratios is reported too.
3. With ``--oversubscribe``: ``n_jobs=2`` with every worker told to use all
   the cores (``joblib.parallel_config(inner_max_num_threads=cpu_count)``),
   i.e. what happens without the per-worker thread limit.
4. ``n_jobs=2`` under joblib's Dask backend on a ``LocalCluster`` of two
   single-threaded worker processes, started and warmed up with one tiny fit
   each before timing (``--no-dask`` skips it).

Each run also records how many threads torch used where the fits ran (with a
scorer that returns ``torch.get_num_threads()``), the mean fit time that
GridSearchCV measured and, on Linux, the CPU time of all the processes
involved. CPU time hardly depends on what else runs on the machine, so
``2 x CPU(n_jobs=1) / CPU(n_jobs=2)`` bounds the speed-up an idle machine
would show even when the wall times are disturbed. joblib's loky backend and Dask's nanny both set
``OMP_NUM_THREADS`` in their worker processes (loky to ``cpu_count() //
n_jobs`` unless the parent sets it, Dask to 1), and torch reads it at import,
so two workers on two cores use one thread each.

Run it alone on the machine, without ``OMP_NUM_THREADS`` set, for numbers
worth publishing (``n_jobs=1`` then uses torch's default thread count, as a
user's program would)::

    python benchmarks/parallel_search.py            # full size: a few minutes on 2 cores
    python benchmarks/parallel_search.py --quick    # smoke size: mostly process start-up

Results are printed as a table and written to
``benchmarks/results/parallel_search.json``.
"""

import argparse
import json
import os
import platform
import re
import statistics
import sys
import time
from pathlib import Path

import joblib
import numpy as np
import sklearn
import torch
from sklearn.model_selection import GridSearchCV, TimeSeriesSplit

import sklstm
from sklstm import LSTMForecaster, make_windows
from sklstm.datasets import load_airline

HORIZON = 12
SIZES = {
    # n_splits, max_epochs, grid, repeats
    "full": (3, 20, {"window": [12, 24], "hidden_size": [16, 32]}, 3),
    "quick": (2, 2, {"window": [12], "hidden_size": [4, 8]}, 1),
}


def torch_threads(estimator, X, y):
    """A "scorer" reporting the torch thread count of the process that fitted."""
    return torch.get_num_threads()


def process_id(estimator, X, y):
    """A "scorer" reporting the id of the process that fitted."""
    return os.getpid()


def cpu_seconds(pids):
    """User + system CPU time used so far by the processes ``pids`` (Linux only)."""
    total = 0.0
    for pid in pids:
        if pid == os.getpid():
            times = os.times()
            total += times.user + times.system
            continue
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return None
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def make_search(n_jobs, size):
    n_splits, max_epochs, grid, _ = SIZES[size]
    estimator = LSTMForecaster(max_epochs=max_epochs, random_state=0)
    return GridSearchCV(
        estimator,
        grid,
        cv=TimeSeriesSplit(n_splits=n_splits, gap=HORIZON - 1),
        scoring={"mae": "neg_mean_absolute_error", "threads": torch_threads, "pid": process_id},
        refit=False,
        n_jobs=n_jobs,
    )


def timed_search(n_jobs, size, X, Y, workers=()):
    """Wall time, results and CPU time of one search.

    The CPU time is that of this process and of ``workers``, the processes the
    fits are expected to run in; ``None`` when they ran elsewhere (the first
    call, which starts the workers) or ``/proc`` is not available.
    """
    watched = {os.getpid(), *workers}
    cpu_before = cpu_seconds(watched)
    search = make_search(n_jobs, size)
    start = time.perf_counter()
    search.fit(X, Y)
    wall = time.perf_counter() - start
    cpu_after = cpu_seconds(watched)
    results = search.cv_results_
    split_keys = [key for key in results if re.fullmatch(r"split\d+_test_pid", key)]
    ran_in = {int(pid) for key in split_keys for pid in results[key]}
    results["ran_in"] = ran_in
    if cpu_before is None or cpu_after is None or not ran_in <= watched:
        results["cpu_s"] = None
    else:
        results["cpu_s"] = cpu_after - cpu_before
    return wall, results


def summary(name, runs, baseline=None):
    """One table row from ``runs``, a list of ``(wall, results)``: the fastest run."""
    walls = [wall for wall, _ in runs]
    best = min(walls)
    results = runs[-1][1]
    cpus = [r["cpu_s"] for _, r in runs if r["cpu_s"] is not None]
    return {
        "run": name,
        "wall_s": round(best, 3),
        "wall_s_all": [round(w, 3) for w in walls],
        "speedup_vs_n_jobs_1": None if baseline is None else round(baseline / best, 3),
        "mean_fit_s": round(float(np.mean(results["mean_fit_time"])), 3),
        # CPU time of every process involved, least of the runs: unlike wall
        # time it hardly depends on what else the machine runs.
        "cpu_s": round(min(cpus), 3) if cpus else None,
        "processes": len(results["ran_in"]),
        "torch_threads_per_fit": sorted({int(t) for t in results["mean_test_threads"]}),
        "mean_test_mae": [float(s) for s in results["mean_test_mae"]],
    }


def warm_up():
    """One tiny fit: a process's first fit pays for torch's lazy imports."""
    X, Y = make_windows(np.sin(np.arange(40.0)), window=8)
    LSTMForecaster(hidden_size=4, max_epochs=1).fit(X, Y)


def run_dask(size, X, Y, repeats):
    from dask.distributed import Client, LocalCluster

    start = time.perf_counter()
    with (
        LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
        ) as cluster,
        Client(cluster) as client,
    ):
        # Warm the workers before timing, as the loky workers are warm in the
        # runs this is compared with.
        client.run(warm_up)
        startup = time.perf_counter() - start
        workers = set(client.run(os.getpid).values())
        with joblib.parallel_backend("dask"):
            runs = [timed_search(2, size, X, Y, workers) for _ in range(repeats)]
    return startup, runs


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny smoke-test size")
    parser.add_argument(
        "--repeats", type=int, default=None, help="timed runs of each setting (default: 3)"
    )
    parser.add_argument("--no-dask", action="store_true", help="skip the Dask run")
    parser.add_argument(
        "--oversubscribe",
        action="store_true",
        help="also time n_jobs=2 with every worker using all cores (no thread limit)",
    )
    parser.add_argument(
        "--output",
        type=Path,
        default=Path(__file__).parent / "results" / "parallel_search.json",
        help="where to write the JSON results",
    )
    args = parser.parse_args(argv)
    size = "quick" if args.quick else "full"
    n_splits, max_epochs, grid, repeats = SIZES[size]
    repeats = args.repeats or repeats

    X, Y = make_windows(load_airline(), window=24, horizon=HORIZON)
    # The first fit in a process pays for torch's lazy imports (torch._dynamo,
    # on creating the optimizer, takes seconds): do it before timing. The
    # workers' first call is timed on its own below.
    warm_up()

    cold = timed_search(2, size, X, Y)
    workers = cold[1]["ran_in"]
    runs_1, runs_2 = [], []
    for _ in range(repeats):
        runs_1.append(timed_search(1, size, X, Y))
        runs_2.append(timed_search(2, size, X, Y, workers))
    best_1 = min(wall for wall, _ in runs_1)
    rows = [
        summary("n_jobs=1", runs_1),
        summary("n_jobs=2, first call (starts workers)", [cold], best_1),
        summary("n_jobs=2, workers warm", runs_2, best_1),
    ]
    scores_2 = runs_2[-1][1]["mean_test_mae"]
    same_scores = bool(np.array_equal(runs_1[-1][1]["mean_test_mae"], scores_2))

    oversubscribed = None
    if args.oversubscribe:
        # Without the limit: every worker told to use all the cores. The
        # changed environment restarts the workers, so time the second call.
        with joblib.parallel_config("loky", inner_max_num_threads=os.cpu_count()):
            first = timed_search(2, size, X, Y)
            over = timed_search(2, size, X, Y, first[1]["ran_in"])
        rows.append(summary("n_jobs=2, workers use all cores", [over], best_1))
        oversubscribed = round(over[0] / rows[2]["wall_s"], 3)

    dask = None
    if not args.no_dask:
        startup, runs_dask = run_dask(size, X, Y, repeats)
        rows.append(summary("n_jobs=2, Dask LocalCluster", runs_dask, best_1))
        dask = {
            "cluster_startup_s": round(startup, 3),
            "search_wall_s": rows[-1]["wall_s"],
            "max_abs_score_difference_vs_loky": float(
                np.max(np.abs(runs_dask[-1][1]["mean_test_mae"] - scores_2))
            ),
        }

    # What the CPU time says about an idle machine: two workers that share
    # the work evenly finish in half the CPU time they use together.
    cpu_1, cpu_2 = rows[0]["cpu_s"], rows[2]["cpu_s"]
    cpu_bound = None if not (cpu_1 and cpu_2) else round(2 * cpu_1 / cpu_2, 3)

    report = {
        "benchmark": "GridSearchCV(LSTMForecaster) wall time, n_jobs=1 vs n_jobs=2 vs Dask",
        "size": size,
        "n_fits": n_splits * int(np.prod([len(v) for v in grid.values()])),
        "max_epochs": max_epochs,
        "grid": grid,
        "repeats": repeats,
        "rows": rows,
        "speedup_n_jobs_2": rows[2]["speedup_vs_n_jobs_1"],
        "speedup_n_jobs_2_median_of_pairs": round(
            statistics.median(a[0] / b[0] for a, b in zip(runs_1, runs_2, strict=True)), 3
        ),
        "speedup_n_jobs_2_idle_machine_cpu_time_bound": cpu_bound,
        "n_jobs_1_and_2_scores_identical": same_scores,
        "slowdown_when_workers_use_all_cores": oversubscribed,
        "dask": dask,
        "machine": {
            "cpu_count": os.cpu_count(),
            "load_average_at_end": list(os.getloadavg()) if hasattr(os, "getloadavg") else None,
            "parent_OMP_NUM_THREADS": os.environ.get("OMP_NUM_THREADS"),
            "parent_torch_threads": torch.get_num_threads(),
            "platform": platform.platform(),
        },
        "versions": {
            "python": sys.version.split()[0],
            "sklstm": sklstm.__version__,
            "torch": torch.__version__,
            "sklearn": sklearn.__version__,
            "joblib": joblib.__version__,
        },
    }

    print(
        f"GridSearchCV over LSTMForecaster: {report['n_fits']} fits, {size} size, "
        f"fastest of {repeats} run(s)"
    )
    print(
        f"{'run':<40} {'wall (s)':>9} {'speed-up':>9} {'fit (s)':>8} {'CPU (s)':>8} {'threads':>8}"
    )
    for row in rows:
        speedup = row["speedup_vs_n_jobs_1"]
        cpu = row["cpu_s"]
        print(
            f"{row['run']:<40} {row['wall_s']:>9.2f} "
            f"{'' if speedup is None else f'{speedup:.2f}x':>9} {row['mean_fit_s']:>8.2f} "
            f"{'' if cpu is None else f'{cpu:.2f}':>8} "
            f"{','.join(map(str, row['torch_threads_per_fit'])):>8}"
        )
    print(
        f"n_jobs=2 speed-up: {report['speedup_n_jobs_2']:.2f}x (fastest runs), "
        f"{report['speedup_n_jobs_2_median_of_pairs']:.2f}x (median of paired runs)"
    )
    if cpu_bound is not None:
        print(
            f"On an idle machine at most {cpu_bound:.2f}x: 2 x CPU time of n_jobs=1 / "
            "CPU time of n_jobs=2 (all processes)"
        )
    if dask is not None:
        print(
            f"Dask cluster start-up and warm-up: {dask['cluster_startup_s']:.2f} s "
            "(not in the search time)"
        )
    machine = report["machine"]
    print(
        f"cpu_count={machine['cpu_count']}, "
        f"parent OMP_NUM_THREADS={machine['parent_OMP_NUM_THREADS']}, "
        f"load average at end={[round(x, 2) for x in machine['load_average_at_end'] or []]}"
    )

    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(report, indent=2) + "\n")
    print(f"Wrote {args.output}")
    return report


if __name__ == "__main__":
    main()
