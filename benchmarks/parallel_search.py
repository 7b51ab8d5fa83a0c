"""Wall time of a GridSearchCV over LSTMForecaster: n_jobs=1, n_jobs=2, and Dask.

The search is the one a user runs on the bundled airline series: 12-step rows
from ``make_windows``, ``TimeSeriesSplit(gap=horizon - 1)``, a grid over
``window`` and ``hidden_size``. Every fit runs exactly ``max_epochs`` epochs
(``n_iter_no_change=max_epochs``), so each configuration does the same work.

Measured, in this order, on the same data:

1. ``n_jobs=1``: the fits run one after the other in this process.
2. ``n_jobs=2``, first call: includes starting the loky workers (each imports
   torch).
3. ``n_jobs=2``, workers warm: the same search again on the reused workers.
   The speed-up is ``(1) / (3)``.
4. With ``--oversubscribe``: ``n_jobs=2`` with every worker told to use all
   the cores (``joblib.parallel_config(inner_max_num_threads=cpu_count)``),
   i.e. what happens without the per-worker thread limit.
5. ``n_jobs=2`` under joblib's Dask backend on a ``LocalCluster`` of two
   single-threaded worker processes, started and made to import sklstm
   before timing (``--no-dask`` skips it).

Each run also records how many threads torch used inside the workers (through
a scorer that returns ``torch.get_num_threads()``): joblib's loky backend and
Dask's nanny both set ``OMP_NUM_THREADS`` in the worker processes (loky to
``cpu_count() // n_jobs`` unless the parent sets it), and torch reads it at
import, so two workers on two cores use one thread each.

Run alone on the machine for numbers worth publishing::

    python benchmarks/parallel_search.py            # full size, about a minute on 2 cores
    python benchmarks/parallel_search.py --quick    # smoke size, a few seconds

Results are printed as a table and written to
``benchmarks/results/parallel_search.json``.
"""

import argparse
import json
import os
import platform
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
    # n_splits, max_epochs, grid
    "full": (3, 20, {"window": [12, 24], "hidden_size": [16, 32]}),
    "quick": (2, 2, {"window": [12], "hidden_size": [4, 8]}),
}


def torch_threads(estimator, X, y):
    """A "scorer" reporting the torch thread count of the process that fitted."""
    return torch.get_num_threads()


def make_search(n_jobs, size):
    n_splits, max_epochs, grid = SIZES[size]
    estimator = LSTMForecaster(max_epochs=max_epochs, n_iter_no_change=max_epochs, random_state=0)
    return GridSearchCV(
        estimator,
        grid,
        cv=TimeSeriesSplit(n_splits=n_splits, gap=HORIZON - 1),
        scoring={"mae": "neg_mean_absolute_error", "threads": torch_threads},
        refit=False,
        n_jobs=n_jobs,
    )


def timed_search(n_jobs, size, X, Y):
    search = make_search(n_jobs, size)
    start = time.perf_counter()
    search.fit(X, Y)
    wall = time.perf_counter() - start
    return wall, search.cv_results_


def summary(name, wall, results, baseline=None):
    threads = sorted({int(t) for t in results["mean_test_threads"]})
    return {
        "run": name,
        "wall_s": round(wall, 3),
        "speedup_vs_n_jobs_1": None if baseline is None else round(baseline / wall, 3),
        "torch_threads_per_fit": threads,
        "mean_test_mae": [float(s) for s in results["mean_test_mae"]],
    }


def import_sklstm():
    import sklstm  # noqa: F401


def run_dask(size, X, Y):
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
        # Import torch and sklstm in the workers before timing, as the loky
        # workers are warm in the run this is compared with.
        client.run(import_sklstm)
        startup = time.perf_counter() - start
        with joblib.parallel_backend("dask"):
            wall, results = timed_search(2, size, X, Y)
    return startup, wall, results


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny smoke-test size")
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

    X, Y = make_windows(load_airline(), window=24, horizon=HORIZON)
    # The first fit in a process pays for torch's lazy initialisation: do it
    # before timing, as the workers' first call below is timed separately.
    LSTMForecaster(hidden_size=4, max_epochs=1).fit(X[:20], Y[:20])

    rows = []
    wall_1, results_1 = timed_search(1, size, X, Y)
    rows.append(summary("n_jobs=1", wall_1, results_1))
    wall_cold, results_cold = timed_search(2, size, X, Y)
    rows.append(summary("n_jobs=2, first call (starts workers)", wall_cold, results_cold, wall_1))
    wall_2, results_2 = timed_search(2, size, X, Y)
    rows.append(summary("n_jobs=2, workers warm", wall_2, results_2, wall_1))
    same_scores = bool(np.array_equal(results_1["mean_test_mae"], results_2["mean_test_mae"]))

    oversubscribed = None
    if args.oversubscribe:
        # What the workers' thread limit saves: every worker told to use all
        # the cores (an environment change restarts the workers; time the
        # second call).
        with joblib.parallel_config("loky", inner_max_num_threads=os.cpu_count()):
            timed_search(2, size, X, Y)
            wall_over, results_over = timed_search(2, size, X, Y)
        rows.append(summary("n_jobs=2, workers use all cores", wall_over, results_over, wall_1))
        oversubscribed = round(wall_over / wall_2, 3)

    dask = None
    if not args.no_dask:
        startup, wall_dask, results_dask = run_dask(size, X, Y)
        rows.append(summary("n_jobs=2, Dask LocalCluster", wall_dask, results_dask, wall_1))
        dask = {
            "cluster_startup_s": round(startup, 3),
            "search_wall_s": round(wall_dask, 3),
            "max_abs_score_difference_vs_loky": float(
                np.max(np.abs(results_dask["mean_test_mae"] - results_2["mean_test_mae"]))
            ),
        }

    n_splits, max_epochs, grid = SIZES[size]
    report = {
        "benchmark": "GridSearchCV(LSTMForecaster) wall time, n_jobs=1 vs n_jobs=2 vs Dask",
        "size": size,
        "n_fits": n_splits * int(np.prod([len(v) for v in grid.values()])),
        "max_epochs": max_epochs,
        "grid": grid,
        "rows": rows,
        "speedup_n_jobs_2": round(wall_1 / wall_2, 3),
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

    print(f"GridSearchCV over LSTMForecaster: {report['n_fits']} fits, {size} size")
    print(f"{'run':<40} {'wall (s)':>9} {'speed-up':>9} {'torch threads':>14}")
    for row in rows:
        speedup = row["speedup_vs_n_jobs_1"]
        print(
            f"{row['run']:<40} {row['wall_s']:>9.2f} "
            f"{'' if speedup is None else f'{speedup:.2f}x':>9} "
            f"{','.join(map(str, row['torch_threads_per_fit'])):>14}"
        )
    if dask is not None:
        print(
            f"Dask cluster start-up and imports: {dask['cluster_startup_s']:.2f} s "
            "(not in the search time)"
        )
    machine = report["machine"]
    print(
        f"cpu_count={machine['cpu_count']}, "
        f"parent OMP_NUM_THREADS={machine['parent_OMP_NUM_THREADS']}"
    )

    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(report, indent=2) + "\n")
    print(f"Wrote {args.output}")
    return report


if __name__ == "__main__":
    main()
