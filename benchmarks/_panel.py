"""The development panel: its series, the forecast protocol and the classical baselines.

Shared by the benchmark scripts that measure accuracy on many series
(``accuracy.py``, ``intervals.py``, ``global_model.py``). The data lie in
``benchmarks/data/`` so that the benchmarks run from a clone:

- ``dev_panel.json``: 82 public series from the R packages fpp2/fpp3
  (20 quarterly Australian tourism regions, 8 quarterly accommodation
  takings, 2 quarterly arrivals, 2 monthly series, 50 monthly US employment
  series);
- ``extra_series.json``: 10 public series that sktime and statsmodels ship
  inside their packages (lynx, sunspots, Nile, shampoo, seatbelts, electrical
  equipment, CO2, US consumption, real GDP and unemployment);
- the bundled airline series (``sklstm.datasets.load_airline``).

Protocol, for every series: the horizon ``h`` is 12 for monthly, 8 for
quarterly and 10 for other (annual) series; the last ``h`` values are the
test of origin 1, and the ``h`` values before them the test of origin 2
(trained on everything before). The LSTM reads ``window = max(2 m, 8)``
values (two seasons, at least 8) from rows cut by ``make_windows(train,
window)`` and forecasts the ``h`` steps recursively. MASE is scaled by the
in-sample seasonal naive error of the training values of that origin.
"""

import json
import math
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np

DATA = Path(__file__).resolve().parent / "data"


@dataclass(frozen=True)
class Task:
    """One forecast: a series' training values and the ``h`` values after them."""

    series: str
    group: str
    freq: str
    m: int
    origin: int
    train: np.ndarray
    test: np.ndarray

    @property
    def h(self):
        return len(self.test)

    @property
    def window(self):
        return max(2 * self.m, 8)

    @property
    def key(self):
        return f"{self.series}@{self.origin}"


def horizon_of(freq):
    return {"M": 12, "Q": 4 * 2}.get(freq[:1], 10)


def frequency_name(freq):
    return {"M": "monthly", "Q": "quarterly"}.get(freq[:1], "annual")


def group_of(name):
    """The series' group (the prefix of its name in the panel, else 'other')."""
    for prefix in ("visnights", "accommodation_takings", "us_employment", "arrivals"):
        if name.startswith(prefix):
            return prefix
    return "other"


def load_panel():
    """``{name: {"m", "freq", "values", "source"}}`` for every series of the panel."""
    from sklstm.datasets import load_airline

    series = {}
    for file in ("dev_panel.json", "extra_series.json"):
        for name, entry in json.loads((DATA / file).read_text()).items():
            series[name] = {
                "m": int(entry["m"]),
                "freq": entry["freq"],
                "values": np.asarray(entry["values"], dtype=np.float64),
                "source": entry["source"],
            }
    airline = load_airline()
    series["airline"] = {
        "m": 12,
        "freq": "MS",
        "values": airline.to_numpy(dtype=np.float64),
        "source": "sklstm.datasets.load_airline",
    }
    return series


def make_tasks(series, origins=2):
    """One :class:`Task` per series and origin (origin 1: the last ``h`` values)."""
    tasks = []
    for name, entry in series.items():
        values, m, freq = entry["values"], entry["m"], entry["freq"]
        h = horizon_of(freq)
        for origin in range(1, origins + 1):
            end = len(values) - (origin - 1) * h
            train, test = values[: end - h], values[end - h : end]
            if len(train) < max(2 * m, 8) + h:
                continue
            tasks.append(Task(name, group_of(name), freq, m, origin, train, test))
    return tasks


def mase(task, forecast):
    """MASE of ``forecast`` on ``task``, seasonal naive scale of its training values."""
    from sklstm.metrics import mean_absolute_scaled_error

    return mean_absolute_scaled_error(task.test, forecast, y_train=task.train, season=task.m)


def gmean(values):
    values = np.asarray(values, dtype=np.float64)
    return float(np.exp(np.mean(np.log(values))))


# --- classical baselines (statsforecast) ------------------------------------

BASELINES = ("AutoETS", "AutoARIMA", "AutoTheta", "SeasonalNaive")
# The series of a --quick smoke run: one of each kind.
QUICK_SERIES = (
    "airline",
    "visnights_NSWMetro",
    "us_employment_CEU0500000001",
    "lynx",
    "accommodation_takings_Victoria",
    "souvenirs",
)
LEVELS = (80, 95)


def baseline_forecasts(task):
    """Point forecasts and 80%/95% intervals of statsforecast's models on ``task``.

    ``{model: {"mean": [...], "lo-80": [...], "hi-80": [...], ...}}``.
    """
    from statsforecast.models import AutoARIMA, AutoETS, AutoTheta, SeasonalNaive

    models = {
        "AutoETS": AutoETS(season_length=task.m),
        "AutoARIMA": AutoARIMA(season_length=task.m),
        "AutoTheta": AutoTheta(season_length=task.m),
        "SeasonalNaive": SeasonalNaive(season_length=task.m),
    }
    out = {}
    for name, model in models.items():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            result = model.forecast(y=task.train, h=task.h, level=list(LEVELS))
        out[name] = {
            key: np.asarray(value, dtype=np.float64).tolist() for key, value in result.items()
        }
    return out


def all_baselines(tasks, cache=None):
    """Baselines of every task, read from (and added to) the JSON file ``cache``.

    The classical models are deterministic, so a cache only saves time; it is
    keyed by the task and checked against its training values.
    """
    stored = {}
    if cache is not None and Path(cache).exists():
        stored = json.loads(Path(cache).read_text())
    results = {}
    for task in tasks:
        entry = stored.get(task.key)
        fingerprint = [len(task.train), float(task.train.sum()), float(task.test.sum())]
        if entry is None or entry.get("fingerprint") != fingerprint:
            entry = {"fingerprint": fingerprint, "models": baseline_forecasts(task)}
            stored[task.key] = entry
        results[task.key] = entry["models"]
    if cache is not None:
        Path(cache).parent.mkdir(parents=True, exist_ok=True)
        Path(cache).write_text(json.dumps(stored))
    return results


def summarise(tasks, mase_by_seed, baselines):
    """Accuracy summary per frequency and overall.

    ``mase_by_seed[seed][task.key]`` is the LSTM's MASE. Returns rows with the
    geometric-mean MASE ratio against each baseline (median and range over
    seeds), and the share of series that beat seasonal naive with every seed
    (a series beats it when its mean MASE over the origins is lower).
    """
    seeds = sorted(mase_by_seed)
    base_mase = {key: {name: None for name in BASELINES} for key in (t.key for t in tasks)}
    for task in tasks:
        for name in BASELINES:
            base_mase[task.key][name] = mase(task, baselines[task.key][name]["mean"])

    def rows_for(label, subset):
        if not subset:
            return None
        row = {
            "subset": label,
            "forecasts": len(subset),
            "series": len({t.series for t in subset}),
        }
        for name in BASELINES:
            ratios = [
                gmean([mase_by_seed[s][t.key] / base_mase[t.key][name] for t in subset])
                for s in seeds
            ]
            row[f"vs {name}"] = {
                "median": float(np.median(ratios)),
                "min": float(min(ratios)),
                "max": float(max(ratios)),
            }
        ens = [
            gmean(
                [
                    np.median([mase_by_seed[s][t.key] for s in seeds])
                    / base_mase[t.key]["AutoETS"]
                    for t in subset
                ]
            )
        ]
        row["median-of-seeds vs AutoETS"] = ens[0]
        by_series = {}
        for t in subset:
            by_series.setdefault(t.series, []).append(t)
        beats = 0
        for ts in by_series.values():
            naive = np.mean([base_mase[t.key]["SeasonalNaive"] for t in ts])
            if all(np.mean([mase_by_seed[s][t.key] for t in ts]) < naive for s in seeds):
                beats += 1
        row["beats naive every seed"] = beats
        row["beats naive share"] = beats / len(by_series)
        row["gm MASE"] = {
            "median": float(
                np.median([gmean([mase_by_seed[s][t.key] for t in subset]) for s in seeds])
            )
        }
        for name in BASELINES:
            row[f"gm MASE {name}"] = gmean([base_mase[t.key][name] for t in subset])
        return row

    rows = [rows_for("all", tasks)]
    for freq in ("monthly", "quarterly", "annual"):
        rows.append(rows_for(freq, [t for t in tasks if frequency_name(t.freq) == freq]))
    return [row for row in rows if row is not None], base_mase


def fmt_range(entry):
    if isinstance(entry, dict):
        if "min" in entry:
            return f"{entry['median']:.3f} ({entry['min']:.3f}-{entry['max']:.3f})"
        return f"{entry['median']:.3f}"
    if isinstance(entry, float) and math.isfinite(entry):
        return f"{entry:.3f}"
    return str(entry)
