"""Accuracy on the development panel: LSTMForecaster against classical models, per series.

For each of the 93 series of the development panel (``_panel.py``: 82 series
from fpp2/fpp3, 10 series shipped inside sktime and statsmodels, and
airline), two forecast origins: the last ``h`` values (12 monthly, 8
quarterly, 10 otherwise) and the ``h`` before them. Each origin is forecast
by:

- ``LSTMForecaster`` with the documented recipe: ``window = max(2 m, 8)``,
  one-step rows from ``make_windows(train, window)``, the ``h`` steps
  predicted recursively, once per seed, every other parameter at its default
  (or as the configuration row says);
- statsforecast's AutoETS, AutoARIMA, AutoTheta and SeasonalNaive, in the
  same run (deterministic, so ``--baselines`` may cache them between runs).

Reported per frequency and overall: the geometric mean over forecasts of the
LSTM's MASE divided by each baseline's (median over seeds, with the range),
the number of series whose mean MASE over the two origins beats seasonal
naive with every seed, and the time of one fit + forecast. Airline is
also reported alone, over 5 seeds.

Run it alone on the machine (about 15 minutes at full size, baselines cached)::

    python benchmarks/accuracy.py                       # defaults, seeds 0 1 2
    python benchmarks/accuracy.py --configs defaults n_estimators=1 scaler=minmax
    python benchmarks/accuracy.py --quick               # a smoke run: 6 series, 1 seed

It prints Markdown tables and writes ``benchmarks/results/accuracy.json``.
"""

import sys
import time
import warnings
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import RESULTS, parse_config, parser, print_table, write_report
from _panel import (
    BASELINES,
    QUICK_SERIES,
    all_baselines,
    load_panel,
    make_tasks,
    mase,
    summarise,
)

from sklstm import LSTMForecaster, make_windows


def lstm_forecast(task, params, seed):
    X, y = make_windows(task.train, window=task.window)
    model = LSTMForecaster(window=task.window, horizon=task.h, random_state=seed, **params)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return model.fit(X, y).forecast(task.train, steps=task.h)


def run_config(tasks, params, seeds):
    """MASE and seconds of every task and seed: ``{seed: {task.key: (mase, seconds)}}``."""
    out = {}
    for seed in seeds:
        out[seed] = {}
        for task in tasks:
            start = time.perf_counter()
            forecast = lstm_forecast(task, params, seed)
            seconds = time.perf_counter() - start
            out[seed][task.key] = (mase(task, forecast), seconds)
    return out


def main():
    p = parser("accuracy", __doc__)
    p.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    p.add_argument(
        "--configs",
        nargs="+",
        default=["defaults"],
        help="configurations to run: 'defaults' or 'name=value,name=value' (default: defaults)",
    )
    p.add_argument(
        "--baselines",
        type=Path,
        default=RESULTS / "panel_baselines.json",
        help="cache of the classical models' forecasts (checked against the data)",
    )
    p.add_argument("--airline-seeds", type=int, default=5)
    p.add_argument(
        "--every",
        type=int,
        default=1,
        help="only every k-th series of the panel, in its order, and airline (default: all)",
    )
    args = p.parse_args()
    torch.set_num_threads(1)

    series = load_panel()
    if args.quick:
        keep = QUICK_SERIES
        series = {name: series[name] for name in keep if name in series}
        args.seeds = args.seeds[:1]
        args.airline_seeds = 2
    if args.every > 1:
        names = list(series)
        keep = set(names[:: args.every]) | {"airline"}
        series = {name: series[name] for name in names if name in keep}
    tasks = make_tasks(series)
    print(f"{len(series)} series, {len(tasks)} forecasts, seeds {args.seeds}")
    start = time.perf_counter()
    baselines = all_baselines(tasks, cache=None if args.quick else args.baselines)
    print(f"baselines: {time.perf_counter() - start:.0f} s")

    results = {}
    for text in args.configs:
        params = parse_config(text)
        if args.quick:
            params = {"max_epochs": 3, "n_estimators": 2, **params}
        runs = run_config(tasks, params, args.seeds)
        mase_by_seed = {s: {k: v[0] for k, v in runs[s].items()} for s in runs}
        rows, base_mase = summarise(tasks, mase_by_seed, baselines)
        seconds = [runs[s][k][1] for s in runs for k in runs[s]]
        airline_task = next(t for t in tasks if t.key == "airline@1")
        airline = [
            mase(airline_task, lstm_forecast(airline_task, params, seed))
            for seed in range(args.airline_seeds)
        ]
        results[text] = {
            "params": params,
            "summary": rows,
            "seconds_per_forecast": {
                "median": float(np.median(seconds)),
                "mean": float(np.mean(seconds)),
                "max": float(np.max(seconds)),
            },
            "airline": {
                "median": float(np.median(airline)),
                "worst": float(np.max(airline)),
                "values": airline,
            },
            "per_forecast": {
                key: {
                    "lstm": [runs[s][key][0] for s in args.seeds],
                    "seconds": [runs[s][key][1] for s in args.seeds],
                    **{name: base_mase[key][name] for name in BASELINES},
                }
                for key in (t.key for t in tasks)
            },
        }
        report(text, results[text])

    write_report(
        "accuracy",
        args,
        {
            "seeds": args.seeds,
            "series": len(series),
            "forecasts": len(tasks),
            "protocol": "two origins per series; h = 12 monthly, 8 quarterly, 10 otherwise; "
            "window = max(2 m, 8); one-step rows; recursive forecast",
        },
        results,
    )


def report(name, result):
    columns = [
        "subset",
        "series",
        "vs AutoETS",
        "vs AutoARIMA",
        "vs AutoTheta",
        "vs SeasonalNaive",
        "beats naive, every seed",
    ]
    rows = []
    for row in result["summary"]:
        rows.append(
            {
                "subset": row["subset"],
                "series": row["series"],
                **{f"vs {b}": _range(row[f"vs {b}"]) for b in BASELINES},
                "beats naive, every seed": (
                    f"{row['beats naive every seed']} / {row['series']} "
                    f"({100 * row['beats naive share']:.0f}%)"
                ),
            }
        )
    print_table(f"{name}: geometric-mean MASE ratio, median over seeds (range)", columns, rows)
    t, a = result["seconds_per_forecast"], result["airline"]
    print(
        f"\nfit + forecast of one series: median {t['median']:.2f} s, mean {t['mean']:.2f} s, "
        f"max {t['max']:.2f} s"
    )
    print(
        f"airline (origin 1, {len(a['values'])} seeds): MASE median {a['median']:.3f}, "
        f"worst {a['worst']:.3f}"
    )


def _range(entry):
    return f"{entry['median']:.3f} ({entry['min']:.3f}-{entry['max']:.3f})"


if __name__ == "__main__":
    main()
