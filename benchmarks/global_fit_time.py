"""Fit time of one global model on 50,000 rows of 100 monthly series, at the defaults.

100 simulated monthly series of 524 values (a level between 10 and 10,000,
a trend, a yearly season and noise, each series its own), as one wide
DataFrame; ``make_windows(panel, 24)`` gives 500 rows per series, 50,000 in
all, and ``LSTMForecaster(window=24, random_state=0)`` (every other
parameter at its default: rows scaled one by one, the training budget's
step cap) is fitted on them:

- with one torch thread allowed (``torch.set_num_threads(1)``, as inside a
  joblib worker): the networks of the ensemble trained one after the other;
- with every usable core allowed (the default of a fresh process): the
  networks trained in parallel threads.

Reported: the seconds of each fit (median of the runs, 2 by default, 1 with
``--quick``, which also uses 4 series and one epoch) and their ratio.

    python benchmarks/global_fit_time.py
    python benchmarks/global_fit_time.py --quick
"""

import statistics
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import parser, print_table, timed, write_report

from sklstm import LSTMForecaster, make_windows
from sklstm._members import usable_cores

WINDOW = 24
LENGTH = 524


def panel(n_series, rng):
    t = np.arange(LENGTH)
    columns = {}
    for i in range(n_series):
        level = 10 ** rng.uniform(1, 4)
        season = rng.uniform(0.02, 0.2) * np.sin(2 * np.pi * t / 12 + rng.uniform(0, 6.3))
        trend = rng.uniform(-0.5, 1.0) * t / LENGTH
        noise = rng.normal(scale=rng.uniform(0.01, 0.05), size=LENGTH)
        columns[f"series_{i}"] = level * (1 + trend + season + noise)
    index = pd.period_range("1980-01", periods=LENGTH, freq="M")
    return pd.DataFrame(columns, index=index)


def main():
    p = parser("global_fit_time", __doc__)
    args = p.parse_args()
    n_series = 4 if args.quick else 100
    reps = 1 if args.quick else 2
    X, y = make_windows(panel(n_series, np.random.default_rng(0)), window=WINDOW)
    cores = usable_cores()
    params = {"window": WINDOW, "random_state": 0}
    if args.quick:
        params["max_epochs"] = 1

    def fit(threads):
        torch.set_num_threads(threads)
        try:
            return LSTMForecaster(**params).fit(X, y)
        finally:
            torch.set_num_threads(1)

    variants = {"one thread (networks one after the other)": 1, f"{cores} threads": cores}
    times = {key: [] for key in variants}
    for _ in range(reps):
        for key, threads in variants.items():
            times[key].append(timed(fit, threads)[1])
    base = statistics.median(times[next(iter(variants))])
    rows = [
        {
            "fit": key,
            "rows": len(X),
            "seconds (median)": statistics.median(values),
            "ratio": statistics.median(values) / base,
        }
        for key, values in times.items()
    ]
    print_table(f"Global model on {n_series} monthly series, {len(X):,} rows", list(rows[0]), rows)
    write_report(
        "global_fit_time",
        args,
        {"series": n_series, "rows": len(X), "window": WINDOW, "reps": reps, "cores": cores},
        {"seconds": times, "rows": rows},
    )


if __name__ == "__main__":
    np.seterr(all="ignore")
    main()
