"""Accuracy on two forecasting competitions: LSTMForecaster against classical models.

The M1 competition (1,001 series: 181 yearly, 203 quarterly, 617 monthly) and
the tourism forecasting competition (1,311 series: 518 yearly, 427 quarterly,
366 monthly), each series with its official split, season length ``m`` and
horizon ``h`` (M1: 6 / 8 / 18; tourism: 4 / 8 / 24). The data lie in
``benchmarks/data/competitions.json.gz`` (source and licence in
``benchmarks/data/README.md``). Each series is forecast by:

- ``LSTMForecaster`` with the documented recipe: ``window = max(2 m, 8)``
  (at most the series' length minus 3, so that the shortest series still give
  3 training pairs), one-step rows from ``make_windows(train, window)``,
  ``LSTMForecaster(window=window, horizon=h)`` with every other parameter at its
  default (or as ``--configs`` says), ``h`` steps forecast from the training
  values, once per seed;
- statsforecast's AutoETS, AutoTheta, AutoARIMA, SeasonalNaive and Naive on the
  same split (deterministic: cached in
  ``benchmarks/results/competitions_baselines.json.gz``, so reruns skip them).

Reported per competition x frequency (six groups), per competition and overall:
the geometric mean over series of the LSTM's MASE divided by each baseline's
(median over seeds, with the range), the mean sMAPE (M-competition definition,
``200 |y - f| / (|y| + |f|)``) of every method, the series that beat seasonal
naive with every seed (and how many AutoETS beats), the series worse than twice
seasonal naive (with any seed), and the seconds of one fit + forecast.

Examples::

    python benchmarks/competitions.py                     # both, every series, seeds 0 1 2
    python benchmarks/competitions.py --competition M1 --sample 20 --jobs 2
    python benchmarks/competitions.py --configs defaults n_estimators=1
    python benchmarks/competitions.py --quick             # 10 series per group, 1 seed

It prints Markdown tables and writes ``benchmarks/results/competitions.json``
(``competitions-quick.json`` for ``--quick``).
"""

import gzip
import json
import os
import sys
import time
import warnings
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import RESULTS, parse_config, parser, print_table, write_report

DATA = Path(__file__).resolve().parent / "data" / "competitions.json.gz"
BASELINE_CACHE = RESULTS / "competitions_baselines.json.gz"
BASELINES = ("AutoETS", "AutoTheta", "AutoARIMA", "SeasonalNaive", "Naive")
COMPETITIONS = ("M1", "tourism")
FREQUENCIES = ("yearly", "quarterly", "monthly")
LEVELS = (80, 95)
# Training pairs the recipe leaves the shortest series (a yearly series of 7 values).
MIN_PAIRS = 3


def load_competitions(competition="both"):
    """``{key: {"train", "test", "m", "h", "type"}}``, arrays as float64."""
    with gzip.open(DATA, "rt") as f:
        data = json.load(f)
    keep = COMPETITIONS if competition == "both" else (competition,)
    out = {}
    for key, entry in data.items():
        if key.split("/")[0] in keep:
            out[key] = {
                **entry,
                "train": np.asarray(entry["train"], dtype=np.float64),
                "test": np.asarray(entry["test"], dtype=np.float64),
            }
    return out


def group_of(key, entry):
    return f"{key.split('/')[0]} {entry['type']}"


def stratified_sample(series, per_group):
    """``per_group`` series of each competition x frequency, evenly spaced in id order."""
    groups = {}
    for key in sorted(series, key=_natural):
        groups.setdefault(group_of(key, series[key]), []).append(key)
    keep = []
    for keys in groups.values():
        if per_group >= len(keys):
            keep.extend(keys)
        else:
            picks = np.linspace(0, len(keys) - 1, per_group).round().astype(int)
            keep.extend(keys[i] for i in sorted(set(picks.tolist())))
    return {key: series[key] for key in keep}


def _natural(key):
    head = key.rstrip("0123456789")
    tail = key[len(head) :]
    return (head, int(tail) if tail else -1)


def recipe_window(entry):
    return int(min(max(2 * entry["m"], 8), len(entry["train"]) - MIN_PAIRS))


def mase(entry, forecast):
    """MASE with the in-sample seasonal naive scale (naive when the season is too long)."""
    train, m = entry["train"], entry["m"]
    if len(train) <= m:
        m = 1
    scale = np.mean(np.abs(train[m:] - train[:-m]))
    if not scale > 0:
        scale = np.mean(np.abs(np.diff(train))) or 1.0
    return float(np.mean(np.abs(entry["test"] - np.asarray(forecast))) / scale)


def smape(entry, forecast):
    y, f = entry["test"], np.asarray(forecast, dtype=np.float64)
    denominator = np.abs(y) + np.abs(f)
    ratio = np.where(denominator > 0, np.abs(y - f) / np.where(denominator > 0, denominator, 1), 0)
    return float(200 * np.mean(ratio))


def gmean(values):
    return float(np.exp(np.mean(np.log(np.maximum(values, 1e-12)))))


# --- classical baselines (statsforecast) ------------------------------------


def baseline_forecasts(entry):
    """Point forecasts of each baseline, and AutoETS's 80% and 95% intervals."""
    from statsforecast.models import AutoARIMA, AutoETS, AutoTheta, Naive, SeasonalNaive

    m, h = entry["m"], entry["h"]
    models = {
        "AutoETS": AutoETS(season_length=m),
        "AutoTheta": AutoTheta(season_length=m),
        "AutoARIMA": AutoARIMA(season_length=m),
        "SeasonalNaive": SeasonalNaive(season_length=m),
        "Naive": Naive(),
    }
    out = {}
    for name, model in models.items():
        levels = list(LEVELS) if name == "AutoETS" else None
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                result = model.forecast(y=entry["train"], h=h, level=levels)
            except Exception:  # a model that cannot fit: its naive counterpart stands in
                fallback = SeasonalNaive(season_length=m) if m > 1 else Naive()
                result = fallback.forecast(y=entry["train"], h=h, level=levels)
        keep = ["mean"] + ([f"{s}-{lv}" for lv in LEVELS for s in ("lo", "hi")] if levels else [])
        out[name] = {k: [float(f"{v:.7g}") for v in np.asarray(result[k])] for k in keep}
    return out


def _fingerprint(entry):
    return [len(entry["train"]), float(f"{entry['train'].sum():.9g}"), entry["h"]]


def all_baselines(series, jobs=1, cache=BASELINE_CACHE):
    """Baselines of every series, read from (and added to) the gzipped JSON ``cache``."""
    stored = {}
    if cache is not None and Path(cache).exists():
        with gzip.open(cache, "rt") as f:
            stored = json.load(f)
    missing = [
        key
        for key, entry in series.items()
        if stored.get(key, {}).get("fingerprint") != _fingerprint(entry)
    ]
    if missing:
        print(f"baselines: computing {len(missing)} series")
    # Saved chunk by chunk, so that an interrupted run keeps what it computed.
    for first in range(0, len(missing), 100):
        chunk = missing[first : first + 100]
        computed = _parallel(baseline_forecasts, [series[k] for k in chunk], jobs)
        for key, models in zip(chunk, computed, strict=True):
            stored[key] = {"fingerprint": _fingerprint(series[key]), "models": models}
        if cache is not None:
            Path(cache).parent.mkdir(parents=True, exist_ok=True)
            tmp = Path(str(cache) + ".tmp")
            with gzip.open(tmp, "wt", compresslevel=9) as f:
                json.dump(dict(sorted(stored.items())), f, separators=(",", ":"))
            tmp.replace(cache)
    return {key: stored[key]["models"] for key in series}


def _parallel(function, items, jobs, *args):
    if jobs == 1:
        return [function(item, *args) for item in items]
    from joblib import Parallel, delayed

    return Parallel(n_jobs=jobs)(delayed(_one_thread(function))(item, *args) for item in items)


def _one_thread(function):
    def run(*args):
        import torch

        torch.set_num_threads(1)
        return function(*args)

    return run


# --- LSTMForecaster ---------------------------------------------------------


def lstm_runs(entry, params, seeds):
    """``[(forecast, seconds)]`` for each seed: the documented recipe on one series."""
    from sklstm import LSTMForecaster, make_windows

    window = recipe_window(entry)
    out = []
    for seed in seeds:
        start = time.perf_counter()
        X, y = make_windows(entry["train"], window=window)
        model = LSTMForecaster(window=window, horizon=entry["h"], random_state=seed, **params)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            forecast = model.fit(X, y).forecast(entry["train"], steps=entry["h"])
        seconds = time.perf_counter() - start
        method = getattr(model, "method_", "network")
        out.append((np.asarray(forecast, dtype=np.float64), seconds, method))
    return out


# --- summary ----------------------------------------------------------------


def summarise(series, lstm_mase, lstm_smape, base_mase, base_smape, seconds, seeds):
    """One row per subset: ratios to each baseline, sMAPE, naive counts, seconds."""
    subsets = {"all": list(series)}
    for competition in COMPETITIONS:
        keys = [k for k in series if k.startswith(competition + "/")]
        if keys:
            subsets[competition] = keys
        for freq in FREQUENCIES:
            group = [k for k in keys if series[k]["type"] == freq]
            if group:
                subsets[f"{competition} {freq}"] = group
    rows = []
    for label, keys in subsets.items():
        row = {"subset": label, "series": len(keys)}
        for name in BASELINES:
            ratios = [
                gmean([lstm_mase[k][i] / max(base_mase[k][name], 1e-12) for k in keys])
                for i in range(len(seeds))
            ]
            row[f"vs {name}"] = {
                "median": float(np.median(ratios)),
                "min": float(min(ratios)),
                "max": float(max(ratios)),
            }
        row["sMAPE"] = {
            "LSTM": float(
                np.median([np.mean([lstm_smape[k][i] for k in keys]) for i in range(len(seeds))])
            ),
            **{name: float(np.mean([base_smape[k][name] for k in keys])) for name in BASELINES},
        }
        naive = {k: base_mase[k]["SeasonalNaive"] for k in keys}
        row["beats seasonal naive every seed"] = sum(
            all(v < naive[k] for v in lstm_mase[k]) for k in keys
        )
        row["AutoETS beats seasonal naive"] = sum(base_mase[k]["AutoETS"] < naive[k] for k in keys)
        row["worse than 2x seasonal naive"] = sum(
            any(v > 2 * naive[k] for v in lstm_mase[k]) for k in keys
        )
        row["AutoETS worse than 2x seasonal naive"] = sum(
            base_mase[k]["AutoETS"] > 2 * naive[k] for k in keys
        )
        times = [t for k in keys for t in seconds[k]]
        row["seconds"] = {"median": float(np.median(times)), "mean": float(np.mean(times))}
        rows.append(row)
    return rows


def report(name, rows):
    table = []
    for row in rows:
        n = row["series"]
        table.append(
            {
                "subset": row["subset"],
                "series": n,
                **{
                    f"vs {b}": _range(row[f"vs {b}"])
                    for b in ("AutoETS", "AutoTheta", "AutoARIMA")
                },
                "vs SNaive": f"{row['vs SeasonalNaive']['median']:.3f}",
                "vs Naive": f"{row['vs Naive']['median']:.3f}",
                "beats SNaive (ETS)": f"{row['beats seasonal naive every seed']} "
                f"({row['AutoETS beats seasonal naive']})",
                ">2x SNaive (ETS)": f"{row['worse than 2x seasonal naive']} "
                f"({row['AutoETS worse than 2x seasonal naive']})",
                "s/series": f"{row['seconds']['median']:.2f}",
            }
        )
    print_table(
        f"{name}: geometric-mean MASE ratio, median over seeds (range)", list(table[0]), table
    )
    smape_rows = [
        {"subset": row["subset"], **{k: f"{v:.2f}" for k, v in row["sMAPE"].items()}}
        for row in rows
    ]
    print_table(f"{name}: mean sMAPE (LSTM: median over seeds)", list(smape_rows[0]), smape_rows)


def _range(entry):
    return f"{entry['median']:.3f} ({entry['min']:.3f}-{entry['max']:.3f})"


def main():
    p = parser("competitions", __doc__)
    p.add_argument("--competition", choices=["M1", "tourism", "both"], default="both")
    p.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    p.add_argument("--sample", type=int, default=None, help="series per competition x frequency")
    p.add_argument("--jobs", type=int, default=1, help="joblib processes (one torch thread each)")
    p.add_argument(
        "--configs",
        nargs="+",
        default=["defaults"],
        help="configurations: 'defaults' or 'name=value,name=value' (default: defaults)",
    )
    p.add_argument(
        "--baselines-only", action="store_true", help="fill the baseline cache and stop"
    )
    p.add_argument(
        "--no-baseline-cache", action="store_true", help="neither read nor write the cache"
    )
    args = p.parse_args()
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    import torch

    torch.set_num_threads(1)

    series = load_competitions(args.competition)
    if args.quick:
        args.sample = args.sample or 10
        args.seeds = args.seeds[:1]
    if args.sample:
        series = stratified_sample(series, args.sample)
    print(f"{len(series)} series ({args.competition}), seeds {args.seeds}, jobs {args.jobs}")
    start = time.perf_counter()
    cache = None if args.no_baseline_cache else BASELINE_CACHE
    baselines = all_baselines(series, jobs=args.jobs, cache=cache)
    print(f"baselines: {time.perf_counter() - start:.0f} s")
    if args.baselines_only:
        return
    base_mase = {
        k: {b: mase(e, baselines[k][b]["mean"]) for b in BASELINES} for k, e in series.items()
    }
    base_smape = {
        k: {b: smape(e, baselines[k][b]["mean"]) for b in BASELINES} for k, e in series.items()
    }

    results = {}
    for text in args.configs:
        params = parse_config(text)
        start = time.perf_counter()
        keys = list(series)
        runs = _parallel(lstm_runs, [series[k] for k in keys], args.jobs, params, args.seeds)
        runs = dict(zip(keys, runs, strict=True))
        lstm_mase = {k: [mase(series[k], run[0]) for run in runs[k]] for k in keys}
        lstm_smape = {k: [smape(series[k], run[0]) for run in runs[k]] for k in keys}
        seconds = {k: [run[1] for run in runs[k]] for k in keys}
        methods = {k: [run[2] for run in runs[k]] for k in keys}
        rows = summarise(series, lstm_mase, lstm_smape, base_mase, base_smape, seconds, args.seeds)
        for row in rows:
            keys_of = [
                k
                for k in keys
                if row["subset"] in ("all", k.split("/")[0], group_of(k, series[k]))
            ]
            chosen = [m for k in keys_of for m in methods[k]]
            row["methods"] = {m: chosen.count(m) for m in sorted(set(chosen))}
        results[text] = {
            "params": params,
            "wall_seconds": time.perf_counter() - start,
            "summary": rows,
            "per_series": {
                k: {
                    "lstm_mase": lstm_mase[k],
                    "lstm_smape": lstm_smape[k],
                    "seconds": seconds[k],
                    "method": methods[k],
                    "baselines_mase": base_mase[k],
                }
                for k in keys
            },
        }
        report(text, rows)

    write_report(
        "competitions",
        args,
        {
            "competition": args.competition,
            "seeds": args.seeds,
            "series": len(series),
            "sample_per_group": args.sample,
            "jobs": args.jobs,
            "protocol": "official splits and horizons; window = min(max(2 m, 8), n - 3); "
            "one-step rows of make_windows(train, window); recursive forecast of h steps",
        },
        results,
    )


if __name__ == "__main__":
    main()
