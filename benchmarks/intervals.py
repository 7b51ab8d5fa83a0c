"""Prediction intervals on the development panel: coverage per step and interval scores.

Same series, origins and recipe as ``accuracy.py`` (``_panel.py``): for each
series two forecast origins, ``h`` = 12 monthly, 8 quarterly, 10 otherwise,
``window = max(2 m, 8)``, one-step rows. ``LSTMForecaster(intervals=True)``
with every other parameter at its default gives 80% and 95% intervals from
``forecast(train, h, coverage=...)``; statsforecast's AutoETS and AutoARIMA
give theirs (``level=[80, 95]``) in the same run.

Reported: the pooled empirical coverage of the 80% and 95% intervals (share
of the actual values inside, over every series, origin and step), the
coverage at each horizon step (steps beyond 8 exist for monthly and annual
series only), the geometric mean of MSIS (M4's scaled interval score of the
95% intervals) and of the 80% interval score scaled the same way, the LSTM's
point MASE, and the time of one fit + forecast. Seeds: the LSTM rows show the
median over seeds and the range.

A forecast whose training rows are too few to hold out origins that reach
``h`` steps, where ``intervals=True`` refuses to fit with an error that says
so, is left out of every method's figures and listed below the table.

Run it alone on the machine::

    python benchmarks/intervals.py            # about 30 minutes on 2 cores
    python benchmarks/intervals.py --quick    # a smoke run: 6 series, 1 seed

It prints Markdown tables and writes ``benchmarks/results/intervals.json``.
"""

import sys
import time
import warnings
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import RESULTS, parser, print_table, write_report
from _panel import QUICK_SERIES, all_baselines, gmean, load_panel, make_tasks, mase

from sklstm import LSTMForecaster, make_windows
from sklstm.metrics import interval_score, mean_scaled_interval_score

LEVELS = (80, 95)


def lstm_intervals(task, params, seed):
    """``{level: (forecast, lower, upper)}`` of one fitted model, and its seconds."""
    X, y = make_windows(task.train, window=task.window)
    start = time.perf_counter()
    model = LSTMForecaster(
        window=task.window, horizon=task.h, intervals=True, random_state=seed, **params
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        model.fit(X, y)
        out = {}
        for level in LEVELS:
            frame = model.forecast(task.train, steps=task.h, coverage=level / 100)
            out[level] = (
                frame["forecast"].to_numpy(),
                frame["lower"].to_numpy(),
                frame["upper"].to_numpy(),
            )
    return out, time.perf_counter() - start


def scores(task, forecast, bounds):
    """Coverage per step, MSIS-style scaled interval scores and MASE of one forecast."""
    out = {"mase": mase(task, forecast)}
    for level, (lower, upper) in bounds.items():
        inside = (task.test >= lower) & (task.test <= upper)
        out[f"inside {level}"] = inside.astype(float).tolist()
        out[f"msis {level}"] = mean_scaled_interval_score(
            task.test, lower, upper, y_train=task.train, season=task.m, coverage=level / 100
        )
        out[f"width {level}"] = float(np.mean(upper - lower))
        out[f"score {level}"] = interval_score(task.test, lower, upper, coverage=level / 100)
    return out


def calibration_cost(series, params, reps):
    """Fit time with ``intervals=True`` over the same fit without, interleaved runs."""
    names = [
        n for n in ("airline", "visnights_NSWMetro", "us_employment_CEU0500000001") if n in series
    ]
    tasks = [t for t in make_tasks({n: series[n] for n in names}) if t.origin == 1]
    out = {}
    for task in tasks:
        X, y = make_windows(task.train, window=task.window)
        times = {False: [], True: []}
        for _ in range(reps):
            for intervals in (False, True):
                model = LSTMForecaster(
                    window=task.window,
                    horizon=task.h,
                    intervals=intervals,
                    random_state=0,
                    **params,
                )
                start = time.perf_counter()
                model.fit(X, y)
                times[intervals].append(time.perf_counter() - start)
        out[task.series] = {
            "without_s": float(np.median(times[False])),
            "with_s": float(np.median(times[True])),
            "ratio": float(np.median(times[True]) / np.median(times[False])),
        }
    return out


def summarise(per_task, tasks, max_steps):
    row = {}
    for level in LEVELS:
        inside = [v for t in tasks for v in per_task[t.key][f"inside {level}"]]
        row[f"coverage {level}"] = float(np.mean(inside))
        by_step = []
        for step in range(max_steps):
            values = [
                per_task[t.key][f"inside {level}"][step]
                for t in tasks
                if step < len(per_task[t.key][f"inside {level}"])
            ]
            by_step.append(float(np.mean(values)) if values else float("nan"))
        row[f"coverage {level} by step"] = by_step
        row[f"gm MSIS {level}"] = gmean([per_task[t.key][f"msis {level}"] for t in tasks])
    row["gm MASE"] = gmean([per_task[t.key]["mase"] for t in tasks])
    return row


def main():
    p = parser("intervals", __doc__)
    p.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    p.add_argument("--baselines", type=Path, default=RESULTS / "panel_baselines.json")
    args = p.parse_args()
    torch.set_num_threads(1)
    series = load_panel()
    params = {}
    if args.quick:
        series = {name: series[name] for name in QUICK_SERIES if name in series}
        args.seeds = args.seeds[:1]
        params = {"max_epochs": 3, "n_estimators": 2}
    tasks = make_tasks(series)
    max_steps = max(t.h for t in tasks)
    baselines = all_baselines(tasks, cache=None if args.quick else args.baselines)
    print(f"{len(series)} series, {len(tasks)} forecasts, seeds {args.seeds}")

    results = {"lstm": {}, "baselines": {}, "refused": {}}
    seconds = []
    per_seed = {}
    for seed in args.seeds:
        per_task = {}
        for t in tasks:
            try:
                out, elapsed = lstm_intervals(t, params, seed)
            except ValueError as error:
                # Too few rows to hold out origins that reach h steps: the
                # estimator refuses; the forecast leaves every method's figures.
                results["refused"][t.key] = str(error)
                continue
            seconds.append(elapsed)
            per_task[t.key] = scores(t, out[LEVELS[0]][0], {lv: out[lv][1:] for lv in LEVELS})
        per_seed[seed] = per_task
    kept = [t for t in tasks if t.key not in results["refused"]]
    for seed, per_task in per_seed.items():
        results["lstm"][seed] = {
            "summary": summarise(per_task, kept, max_steps),
            "per_forecast": per_task,
        }
    for name in ("AutoETS", "AutoARIMA"):
        per_task = {}
        for t in kept:
            b = baselines[t.key][name]
            bounds = {lv: (np.asarray(b[f"lo-{lv}"]), np.asarray(b[f"hi-{lv}"])) for lv in LEVELS}
            per_task[t.key] = scores(t, np.asarray(b["mean"]), bounds)
        results["baselines"][name] = summarise(per_task, kept, max_steps)
    results["seconds_per_forecast"] = {
        "median": float(np.median(seconds)),
        "mean": float(np.mean(seconds)),
    }
    results["cost"] = calibration_cost(series, params, reps=1 if args.quick else 3)
    report(results, args.seeds, max_steps, len(tasks))
    write_report(
        "intervals",
        args,
        {
            "seeds": args.seeds,
            "levels": LEVELS,
            "series": len(series),
            "forecasts": len(tasks),
            "forecasts_scored": len(kept),
        },
        results,
    )


def report(results, seeds, max_steps, n_forecasts):
    def lstm(key, fmt="{:.3f}"):
        values = [results["lstm"][s]["summary"][key] for s in seeds]
        return (
            fmt.format(np.median(values))
            + " ("
            + fmt.format(min(values))
            + "-"
            + fmt.format(max(values))
            + ")"
        )

    rows = [
        {
            "method": "LSTMForecaster(intervals=True)",
            "coverage 80%": lstm("coverage 80", "{:.1%}"),
            "coverage 95%": lstm("coverage 95", "{:.1%}"),
            "gm MSIS 95%": lstm("gm MSIS 95"),
            "gm scaled score 80%": lstm("gm MSIS 80"),
            "gm MASE": lstm("gm MASE"),
        }
    ]
    for name, row in results["baselines"].items():
        rows.append(
            {
                "method": f"statsforecast {name}",
                "coverage 80%": f"{row['coverage 80']:.1%}",
                "coverage 95%": f"{row['coverage 95']:.1%}",
                "gm MSIS 95%": f"{row['gm MSIS 95']:.3f}",
                "gm scaled score 80%": f"{row['gm MSIS 80']:.3f}",
                "gm MASE": f"{row['gm MASE']:.3f}",
            }
        )
    refused = results["refused"]
    print_table(
        f"Intervals on the development panel, {n_forecasts - len(refused)} of {n_forecasts} "
        "forecasts (LSTM: median over seeds, range)",
        list(rows[0]),
        rows,
    )
    for key, message in refused.items():
        print(f"left out of every row: {key}, where intervals=True refuses to fit: {message}")
    step_rows = []
    for step in range(max_steps):
        entry = {"step": step + 1}
        for level in LEVELS:
            values = [
                results["lstm"][s]["summary"][f"coverage {level} by step"][step] for s in seeds
            ]
            entry[f"LSTM {level}%"] = f"{np.median(values):.1%}"
            for name, row in results["baselines"].items():
                entry[f"{name} {level}%"] = f"{row[f'coverage {level} by step'][step]:.1%}"
        step_rows.append(entry)
    print_table("Coverage at each horizon step", list(step_rows[0]), step_rows)
    t = results["seconds_per_forecast"]
    print(
        f"\nfit (with calibration) + forecast of one series: median {t['median']:.2f} s, "
        f"mean {t['mean']:.2f} s"
    )
    cost_rows = [
        {
            "series": name,
            "fit s without": f"{c['without_s']:.2f}",
            "fit s with intervals": f"{c['with_s']:.2f}",
            "ratio": f"{c['ratio']:.2f}",
        }
        for name, c in results["cost"].items()
    ]
    print_table(
        "Cost of the calibration: fit time with intervals=True over without",
        list(cost_rows[0]),
        cost_rows,
    )


if __name__ == "__main__":
    main()
