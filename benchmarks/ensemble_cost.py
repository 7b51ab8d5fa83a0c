"""What an ensemble costs: its networks in one pass, or in parallel threads, against one network.

On airline (``make_windows(train, 24)``, 108 pairs) and on a long monthly
employment series of the development panel (933 pairs), with every
parameter at its default but ``n_estimators``:

- ``LSTMForecaster(n_estimators=k)`` for k = 1, 2, 5, 10 with one torch
  thread allowed (``torch.set_num_threads(1)`` before ``fit``, as inside a
  joblib worker): the k networks trained in one pass, one after the other;
- the same with every usable core allowed (``torch.set_num_threads(cores)``,
  the default of a fresh process): the networks trained in parallel
  threads, one network per thread at a time.

By default the networks alternate between two kinds
(``window_scaling="alternate"``): the first scales its windows (so
``n_estimators=1`` is that kind), the second does not, and so on. Without
early stopping every network trains for every epoch, so the work per
network of a kind is the same in every row. Runs are interleaved after a
warm-up; reported are median times (5 runs, 2 with ``--quick``) and the
ratio to one network. That the networks trained in threads end with the
weights they have when trained in one pass, or alone, is checked by the
test suite (``tests/test_parallel_members.py``, ``tests/test_ensemble.py``).

    python benchmarks/ensemble_cost.py
    python benchmarks/ensemble_cost.py --quick
    python benchmarks/ensemble_cost.py --airline-only --reps 3
"""

import statistics
import sys
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import airline_split, parser, print_table, timed, write_report
from _panel import load_panel

from sklstm import LSTMForecaster, make_windows
from sklstm._members import usable_cores


def cases(quick, airline_only=False):
    train, _ = airline_split()
    employment = load_panel()["us_employment_CEU0500000001"]["values"][:-12]
    out = {"airline (108 pairs)": make_windows(train, window=24)}
    if not (quick or airline_only):
        out["employment series (933 pairs)"] = make_windows(employment, window=24)
    return out


def main():
    p = parser("ensemble_cost", __doc__)
    p.add_argument("--airline-only", action="store_true", help="leave out the long series")
    p.add_argument("--reps", type=int, default=None, help="runs per variant (default: 5)")
    args = p.parse_args()
    torch.set_num_threads(1)
    reps = args.reps or (2 if args.quick else 5)
    epochs = 3 if args.quick else 50
    common = {"window": 24, "max_epochs": epochs}

    cores = usable_cores()

    def fit(X, y, k, threads):
        def run():
            torch.set_num_threads(threads)
            try:
                return LSTMForecaster(n_estimators=k, random_state=0, **common).fit(X, y)
            finally:
                torch.set_num_threads(1)

        return run

    sizes = (1, 2, 5) if args.quick else (1, 2, 5, 10)
    results = {}
    rows = []
    for name, (X, y) in cases(args.quick, args.airline_only).items():
        variants = {"1 network": fit(X, y, 1, 1)}
        for k in sizes[1:]:
            variants[f"{k} networks, one pass"] = fit(X, y, k, 1)
            variants[f"{k} networks, {cores} threads"] = fit(X, y, k, cores)
        for fn in variants.values():
            fn()  # warm-up
        times = {key: [] for key in variants}
        for _ in range(reps):
            for key, fn in variants.items():
                times[key].append(timed(fn)[1])
        base = statistics.median(times["1 network"])
        results[name] = {
            key: {"seconds": values, "ratio": statistics.median(values) / base}
            for key, values in times.items()
        }
        for key, values in times.items():
            rows.append(
                {
                    "data": name,
                    "fit": key,
                    "seconds (median)": f"{statistics.median(values):.2f}",
                    "ratio to 1 network": f"{statistics.median(values) / base:.2f}",
                }
            )
    print_table(
        "Fit time of an ensemble (defaults, every network trains every epoch)", list(rows[0]), rows
    )
    write_report("ensemble_cost", args, {"reps": reps, "epochs": epochs, "cores": cores}, results)


if __name__ == "__main__":
    np.seterr(all="ignore")
    main()
