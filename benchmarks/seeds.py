"""Seed-independent cost: LSTMForecaster fit time across random seeds, on airline.

The target is that fit time varies by less than 1.5x across 5 seeds. A single
timing per seed mixes two things: what the seed changes (with early stopping,
the number of epochs, ``n_iter_``) and the noise of the machine (two torch
threads on two shared cores make single runs of a sub-second fit vary by tens
of per cent). To separate them, each seed's fit is
repeated (the seeds interleaved, in a rotating order, after a warm-up) and the
median per seed is compared across seeds. Reported per seed: ``n_iter_``, the
median wall and CPU time of fit + 12-month forecast, and the time per epoch.

Two configurations:

* ``defaults``: ``LSTMForecaster(window=24, horizon=12)`` on
  ``make_windows(train, 24)``, as in ``accuracy.py``: every seed trains for the
  whole budget, so what differs is the noise of the machine;
* ``early_stopping=True``: the same, each network stopping on the most recent
  rows' loss, so that the epochs differ per seed.

Run alone on the machine for numbers worth publishing::

    python benchmarks/seeds.py            # 5 seeds x 5 runs each: about a minute
    python benchmarks/seeds.py --quick    # smoke size
"""

import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import AIRLINE_WINDOW, airline_split, parser, print_table, timed, write_report

from sklstm import LSTMForecaster, make_windows

HORIZON = 12
SIZES = {
    #        seeds, runs per seed, max_epochs (None: the estimator's default)
    "full": ([0, 1, 2, 3, 4], 5, None),
    "quick": ([0, 1], 2, 3),
}


def fit_forecast(train, X, y, estimator):
    estimator.fit(X, y)
    estimator.forecast(train, steps=HORIZON)
    return estimator.n_iter_


def main(argv=None):
    args = parser("seeds", __doc__).parse_args(argv)
    seeds, runs, max_epochs = SIZES["quick" if args.quick else "full"]
    train, _ = airline_split()
    X, y = make_windows(train, window=AIRLINE_WINDOW)
    base = LSTMForecaster(window=AIRLINE_WINDOW, horizon=HORIZON)
    if max_epochs is not None:
        base.set_params(max_epochs=max_epochs)
    configs = {
        "defaults": {},
        "early_stopping=True": {"early_stopping": True, "n_iter_no_change": 3},
    }

    def make(config, seed):
        return LSTMForecaster(**{**base.get_params(), **configs[config], "random_state": seed})

    fit_forecast(train, X, y, make("defaults", 0).set_params(max_epochs=2))  # warm-up
    samples = {(c, s): [] for c in configs for s in seeds}
    for run in range(runs):
        order = seeds[run % len(seeds) :] + seeds[: run % len(seeds)]
        for config in configs:
            for seed in order:
                n_iter, wall, cpu = timed(fit_forecast, train, X, y, make(config, seed))
                samples[config, seed].append({"n_iter": n_iter, "time_s": wall, "cpu_s": cpu})
        print(f"run {run + 1} of {runs} done", flush=True)

    rows = []
    for config in configs:
        per_seed = []
        for seed in seeds:
            runs_ = samples[config, seed]
            n_iter = runs_[0]["n_iter"]  # deterministic for a seed
            wall = statistics.median(r["time_s"] for r in runs_)
            per_seed.append(
                {
                    "seed": seed,
                    "n_iter": n_iter,
                    "time_s_median": wall,
                    "cpu_s_median": statistics.median(r["cpu_s"] for r in runs_),
                    "time_per_epoch_s": wall / n_iter,
                    "runs": runs_,
                }
            )

        def spread(key, per_seed=per_seed):
            values = [p[key] for p in per_seed]
            return max(values) / min(values)

        rows.append(
            {
                "config": config,
                "per_seed": per_seed,
                "time_max_over_min": spread("time_s_median"),
                "cpu_time_max_over_min": spread("cpu_s_median"),
                "time_per_epoch_max_over_min": spread("time_per_epoch_s"),
                "n_iter_max_over_min": spread("n_iter"),
            }
        )

    print_table(
        f"Fit + forecast time across {len(seeds)} seeds (median of {runs} runs per seed), airline",
        [
            "configuration",
            "n_iter_ per seed",
            "time per seed, s",
            "time max/min",
            "CPU time max/min",
            "time per epoch max/min",
            "n_iter_ max/min",
        ],
        [
            {
                "configuration": r["config"],
                "n_iter_ per seed": " / ".join(str(p["n_iter"]) for p in r["per_seed"]),
                "time per seed, s": " / ".join(f"{p['time_s_median']:.2f}" for p in r["per_seed"]),
                "time max/min": r["time_max_over_min"],
                "CPU time max/min": r["cpu_time_max_over_min"],
                "time per epoch max/min": r["time_per_epoch_max_over_min"],
                "n_iter_ max/min": r["n_iter_max_over_min"],
            }
            for r in rows
        ],
    )
    write_report(
        "seeds",
        args,
        {
            "seeds": seeds,
            "runs_per_seed": runs,
            "estimator": f"{base!r} on make_windows(train, {AIRLINE_WINDOW})",
            "configs": configs,
        },
        {"configs": rows},
        notes=[
            "time = wall time of fit + 12-month forecast; per seed the median of the runs",
            "runs interleave the seeds in a rotating order, after a warm-up fit",
        ],
    )


if __name__ == "__main__":
    main()
