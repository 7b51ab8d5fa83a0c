"""Many series, one model: a global LSTMForecaster on groups of the development panel.

Groups (``_panel.py``): the 50 monthly US employment series and the 20
quarterly Australian tourism regions, each as one wide DataFrame on a shared
time index (``NaN`` before a series starts). For each of two forecast origins
(as ``accuracy.py``: the last ``h`` values of every series, then the ``h``
before them), every series is cut at its origin, ``make_windows(panel,
window)`` gives the rows of all series, one model is fitted on them, and
every series is forecast ``h`` steps from its own end.

Configurations: the defaults (which scale a panel's rows one by one,
``scaler="row"``) and ``scaler="minmax"`` (one scale for all the values of
the group), to show what the per-row scaling is worth.

Reported per group and configuration: the geometric mean over forecasts of
the MASE ratio against per-series AutoETS and against per-series
``LSTMForecaster`` models (the defaults, one model per series, as in
``accuracy.py``), the number of series that beat seasonal naive with every
seed, the rows and the fit time of the global model. A separate row times
``forecast`` of 10,000 series x 12 steps.

Run it alone on the machine::

    python benchmarks/global_model.py           # about 5 minutes on 2 cores
    python benchmarks/global_model.py --quick   # smoke size

It prints Markdown tables and writes ``benchmarks/results/global_model.json``.
"""

import json
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import RESULTS, parser, print_table, write_report
from _panel import DATA, all_baselines, gmean, horizon_of, load_panel, make_tasks, mase

from sklstm import LSTMForecaster, make_windows

GROUPS = {"us_employment": "monthly US employment", "visnights": "quarterly tourism regions"}
CONFIGS = {"defaults": {}, 'scaler="minmax"': {"scaler": "minmax"}}


def group_panel(prefix):
    """The group's series as a wide DataFrame on their shared time index."""
    raw = json.loads((DATA / "dev_panel.json").read_text())
    columns = {}
    for name, entry in raw.items():
        if name.startswith(prefix):
            index = pd.period_range(
                entry["start"], periods=len(entry["values"]), freq=entry["freq"][0]
            )
            columns[name] = pd.Series(entry["values"], index=index.to_timestamp())
    panel = pd.DataFrame(columns)
    return panel.asfreq(pd.infer_freq(panel.index)), columns


def fit_group(panel, columns, origin, h, window, params, seed):
    """Fit one model on every series cut ``origin`` horizons before its end; forecast each.

    ``origin`` 1 holds out the last ``h`` values of each series, ``origin`` 2
    the ``h`` before them too (the test values of ``accuracy.py``'s origins).
    """
    cut = panel.copy()
    histories = {}
    for name, series in columns.items():
        history = series.iloc[: len(series) - origin * h]
        histories[name] = history
        cut.loc[cut.index > history.index[-1], name] = np.nan
    X, y = make_windows(cut, window=window)
    start = time.perf_counter()
    model = LSTMForecaster(window=window, horizon=h, random_state=seed, **params)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        model.fit(X, y)
    seconds = time.perf_counter() - start
    forecasts = {
        name: model.forecast(history.to_numpy(), h) for name, history in histories.items()
    }
    return forecasts, len(X), seconds


def forecast_speed(n_series, steps, seed=0):
    """Seconds to forecast ``n_series`` series ``steps`` ahead with a fitted default model."""
    rng = np.random.default_rng(seed)
    t = np.arange(120)
    level = rng.uniform(10, 1e5, n_series)
    season = np.sin(2 * np.pi * t[:, None] / 12 + rng.uniform(0, 6, n_series))
    panel = pd.DataFrame(level * (1 + 0.2 * season) * (1 + 0.002 * t[:, None]))
    model = LSTMForecaster(window=24, horizon=steps, max_epochs=2, random_state=0)
    model.fit(*make_windows(panel.iloc[:, :20], window=24))
    model.forecast(panel.iloc[:, :100], steps)  # warm-up
    start = time.perf_counter()
    model.forecast(panel, steps)
    return time.perf_counter() - start


def main():
    p = parser("global_model", __doc__)
    p.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    p.add_argument("--baselines", type=Path, default=RESULTS / "panel_baselines.json")
    p.add_argument(
        "--per-series",
        type=Path,
        default=RESULTS / "accuracy.json",
        help="accuracy.py's report, for the per-series LSTM models (its 'defaults' run)",
    )
    args = p.parse_args()
    torch.set_num_threads(1)
    groups = dict(GROUPS)
    configs = dict(CONFIGS)
    if args.quick:
        groups = {"visnights": GROUPS["visnights"]}
        args.seeds = args.seeds[:1]
        configs = {
            name: {**params, "max_epochs": 2, "max_steps": 50} for name, params in configs.items()
        }
    series = load_panel()
    per_series = {}
    if args.per_series.exists():
        report = json.loads(args.per_series.read_text())
        run = report["results"].get("defaults", {})
        per_series = {
            k: float(np.median(v["lstm"])) for k, v in run.get("per_forecast", {}).items()
        }

    results = {}
    rows = []
    for prefix, label in groups.items():
        members = {name: entry for name, entry in series.items() if name.startswith(prefix)}
        tasks = {t.key: t for t in make_tasks(members)}
        baselines = all_baselines(
            list(tasks.values()), cache=None if args.quick else args.baselines
        )
        panel, columns = group_panel(prefix)
        entry = next(iter(members.values()))
        h, window = horizon_of(entry["freq"]), max(2 * entry["m"], 8)
        for config, params in configs.items():
            mases, fit_rows, seconds = {}, [], []
            for seed in args.seeds:
                for origin in (1, 2):
                    forecasts, n_rows, elapsed = fit_group(
                        panel, columns, origin, h, window, params, seed
                    )
                    fit_rows.append(n_rows)
                    seconds.append(elapsed)
                    for name, forecast in forecasts.items():
                        key = f"{name}@{origin}"
                        if key in tasks:
                            mases.setdefault(key, []).append(mase(tasks[key], forecast))
            ets = {k: mase(tasks[k], baselines[k]["AutoETS"]["mean"]) for k in mases}
            naive = {k: mase(tasks[k], baselines[k]["SeasonalNaive"]["mean"]) for k in mases}
            by_series = {}
            for key in mases:
                by_series.setdefault(key.split("@")[0], []).append(key)
            beats = sum(
                all(
                    np.mean([mases[k][i] for k in keys]) < np.mean([naive[k] for k in keys])
                    for i in range(len(args.seeds))
                )
                for keys in by_series.values()
            )
            ratio_ets = gmean([np.median(mases[k]) / ets[k] for k in mases])
            ratio_local = (
                gmean([np.median(mases[k]) / per_series[k] for k in mases if k in per_series])
                if per_series
                else float("nan")
            )
            result = {
                "group": label,
                "config": config,
                "series": len(by_series),
                "rows": int(np.median(fit_rows)),
                "fit_s": float(np.median(seconds)),
                "vs_ets": ratio_ets,
                "vs_per_series_lstm": ratio_local,
                "beats_naive_every_seed": beats,
                "mase": {k: v for k, v in mases.items()},
            }
            results[f"{prefix} {config}"] = result
            rows.append(
                {
                    "group": label,
                    "model": config,
                    "series": result["series"],
                    "rows": result["rows"],
                    "fit s (median)": f"{result['fit_s']:.1f}",
                    "vs per-series AutoETS": f"{ratio_ets:.3f}",
                    "vs per-series LSTM": f"{ratio_local:.3f}",
                    "beats naive, every seed": f"{beats} / {result['series']}",
                }
            )
    print_table("One global model per group: geometric-mean MASE ratios", list(rows[0]), rows)
    n_series = 1000 if args.quick else 10_000
    speed = forecast_speed(n_series, 12)
    results["forecast_speed"] = {"series": n_series, "steps": 12, "seconds": speed}
    print(f"\nforecast of {n_series} series x 12 steps (defaults): {speed:.2f} s")
    write_report("global_model", args, {"seeds": args.seeds, "configs": configs}, results)


if __name__ == "__main__":
    main()
