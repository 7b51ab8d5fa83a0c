"""Forecast quality of LSTMForecaster: airline, the defaults' neighbourhood, and 10 more series.

Four tables, every LSTM row over the same seeds (0..4), with the median and the
spread (min, max) of MASE, never only the best seed:

1. ``airline``: the bundled AirPassengers series, trained on the first 132
   months, forecasting the last 12 with ``model.forecast(train, steps=12)``;
   MASE with the seasonal (m=12) naive scale of the training months. Rows: the
   default ``LSTMForecaster(window=24, horizon=12)`` on ``make_windows(train,
   24)`` (timed with one torch thread and with torch's default threads), the
   same with ``cell="gru"``, with ``relative=False``, with ``linear_skip=False``,
   with ``window=12``, the previous defaults, seasonal naive, and
   statsforecast's AutoARIMA and AutoETS.
2. ``defaults``: one setting at a time moved away from the defaults (window,
   normalisation, linear skip, scaler, cell, hidden size, epochs, batch size,
   learning rate, stopping), the table the defaults were chosen from.
3. ``series``: 10 other public series that pip packages ship inside themselves
   (sktime's bundled CSV files and statsmodels' datasets; nothing is
   downloaded), each forecast over its last season(s) from the rest, against
   seasonal naive (naive for annual data) and AutoETS, with MASE on the
   training data's seasonal naive scale. The window is two seasons (two
   cycles for annual data, two years for quarterly data).
4. ``settings``: on the series where the defaults spread most or lose to
   naive, the settings the user guide suggests for noisy or changing series
   (``early_stopping=True``, ``relative=False``, the mean of 3 seeds).

Requires ``benchmarks/requirements.txt`` (statsforecast, sktime, statsmodels);
without statsforecast its rows are left out. Run it alone on the machine::

    python benchmarks/quality.py            # about 20 minutes on 2 cores
    python benchmarks/quality.py --quick     # smoke size: 1 seed, 3 epochs, 1 series

It prints Markdown tables and writes ``benchmarks/results/quality.json``.
"""

import math
import os
import sys
import warnings
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import parser, print_table, stats, timed, write_report

from sklstm import LSTMForecaster, make_windows
from sklstm.datasets import load_airline
from sklstm.metrics import mean_absolute_scaled_error, seasonal_naive

SEEDS = (0, 1, 2, 3, 4)
AIRLINE_WINDOW = 24

# The defaults as they were before this benchmark chose them by measurement.
PREVIOUS_DEFAULTS = {
    "linear_skip": False,
    "max_epochs": 100,
    "learning_rate": 0.005,
}


def log_minmax():
    """A log transform followed by MinMax(-1, 1): multiplicative seasonality."""
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import FunctionTransformer, MinMaxScaler

    return make_pipeline(
        FunctionTransformer(np.log, np.exp, check_inverse=False),
        MinMaxScaler(feature_range=(-1, 1)),
    )


# name, LSTMForecaster parameters, rows of make_windows (None: the window).
AIRLINE_ROWS = [
    ("LSTM, defaults", {}, None),
    ("GRU, defaults", {"cell": "gru"}, None),
    ("LSTM, relative=False", {"relative": False}, None),
    ("LSTM, linear_skip=False", {"linear_skip": False}, None),
    ("LSTM, window=12", {"window": 12}, None),
    ("LSTM, previous defaults (window 12)", {"window": 12, **PREVIOUS_DEFAULTS}, None),
    ("LSTM, previous defaults (window 24)", PREVIOUS_DEFAULTS, None),
]

# One setting at a time, away from the defaults.
DEFAULTS_ROWS = [
    ("defaults (window 24)", {}, None),
    ("window=12", {"window": 12}, None),
    ("window=12 on rows of 24", {"window": 12}, 24),
    ("relative=False", {"relative": False}, None),
    ("linear_skip=False", {"linear_skip": False}, None),
    ("linear_skip=False, relative=False", {"linear_skip": False, "relative": False}, None),
    ("scaler='standard'", {"scaler": "standard"}, None),
    ("scaler=log+minmax", {"scaler": log_minmax}, None),
    ("cell='gru'", {"cell": "gru"}, None),
    ("hidden_size=16", {"hidden_size": 16}, None),
    ("hidden_size=64", {"hidden_size": 64}, None),
    ("max_epochs=30", {"max_epochs": 30}, None),
    ("max_epochs=100", {"max_epochs": 100}, None),
    ("batch_size=16", {"batch_size": 16}, None),
    ("batch_size=64", {"batch_size": 64}, None),
    ("learning_rate=0.005", {"learning_rate": 0.005}, None),
    ("learning_rate=0.01", {"learning_rate": 0.01}, None),
    ("learning_rate=0.012", {"learning_rate": 0.012}, None),
    ("n_iter_no_change=15", {"n_iter_no_change": 15}, None),
    ("tol=0", {"tol": 0.0}, None),
    ("early_stopping=True", {"early_stopping": True}, None),
]


# --- data ------------------------------------------------------------------


def _sktime(name):
    from sktime import datasets

    return getattr(datasets, name)()


def _statsmodels(name):
    import importlib

    return importlib.import_module(f"statsmodels.datasets.{name}").load_pandas().data


def load_series():
    """``{name: (values, season, horizon, window, description)}``, all offline."""
    lynx = _sktime("load_lynx")
    shampoo = _sktime("load_shampoo_sales")
    # No loader in sktime, but the CSV file ships inside the package.
    with (resources.files("sktime.datasets") / "data/seatbelts/seatbelts.csv").open() as f:
        seatbelts = pd.read_csv(f, index_col=0)["KSI"]
    consumption = _sktime("load_uschange")[0]
    macro = _sktime("load_macroeconomic")
    sunspots = _statsmodels("sunspots")["SUNACTIVITY"]
    nile = _statsmodels("nile")["volume"]
    elec = _statsmodels("elec_equip").iloc[:, 0]
    # Weekly with gaps: monthly means, the few empty months interpolated.
    co2 = _statsmodels("co2")["co2"].resample("MS").mean().interpolate()
    table = {
        "lynx": (lynx, 1, 10, 20, "annual lynx trappings 1821-1934, ~10-year cycle (sktime)"),
        "sunspots": (sunspots, 1, 11, 22, "annual sunspot numbers 1700-2008 (statsmodels)"),
        "nile": (nile, 1, 10, 10, "annual Nile flow 1871-1970, level shift (statsmodels)"),
        "shampoo": (shampoo, 1, 12, 12, "monthly shampoo sales, 3 years, trend (sktime)"),
        "seatbelts": (
            seatbelts,
            12,
            12,
            24,
            "monthly UK drivers killed or injured 1969-84, law change 1983 (sktime file)",
        ),
        "elec_equip": (elec, 12, 12, 24, "monthly euro-area electrical equipment (statsmodels)"),
        "co2": (co2, 12, 12, 24, "monthly Mauna Loa CO2 1958-2001, trend+season (statsmodels)"),
        "us_consumption": (
            consumption,
            4,
            8,
            8,
            "quarterly US consumption % change 1970-2016 (sktime)",
        ),
        "us_realgdp": (macro["realgdp"], 4, 8, 8, "quarterly US real GDP 1959-2009 (sktime)"),
        "us_unemp": (macro["unemp"], 4, 8, 8, "quarterly US unemployment rate (sktime)"),
    }
    return {
        name: (np.asarray(values, dtype=np.float64), season, horizon, window, text)
        for name, (values, season, horizon, window, text) in table.items()
    }


# --- methods -----------------------------------------------------------------


def lstm_runs(train, test, season, params, rows=None, seeds=SEEDS, threads=1, ensemble=1):
    """Fit and forecast once per seed: MASE and timings of each.

    With ``ensemble=k``, each seed's forecast is the mean of ``k`` models
    fitted with seeds ``100 * seed + 0 .. k-1`` (timed together).
    """
    params = {
        key: value() if callable(value) and key == "scaler" else value
        for key, value in params.items()
    }
    window = params.setdefault("window", None)
    X, y = make_windows(train, window=rows or window)
    previous = torch.get_num_threads()
    torch.set_num_threads(threads)
    try:
        # A warm-up fit, so that one-off costs (imports, first allocations)
        # are not charged to the first seed.
        LSTMForecaster(**{**params, "max_epochs": 1, "random_state": 0}).fit(X, y)
        out = {"mase": [], "wall_s": [], "cpu_s": [], "n_iter": []}
        for seed in seeds:
            members = [seed] if ensemble == 1 else [100 * seed + k for k in range(ensemble)]
            models = [
                LSTMForecaster(**params, horizon=len(test), random_state=member)
                for member in members
            ]

            def fit_forecast(models=models):
                return np.mean(
                    [m.fit(X, y).forecast(train, steps=len(test)) for m in models], axis=0
                )

            forecast, wall, cpu = timed(fit_forecast)
            model = models[-1]
            out["mase"].append(
                mean_absolute_scaled_error(test, forecast, y_train=train, season=season)
            )
            out["wall_s"].append(wall)
            out["cpu_s"].append(cpu)
            out["n_iter"].append(model.n_iter_)
    finally:
        torch.set_num_threads(previous)
    return {
        "params": {k: (v if not hasattr(v, "fit") else repr(v)) for k, v in params.items()},
        "rows_window": rows or window,
        "seeds": list(seeds),
        "mase": stats(out["mase"]),
        "wall_s": stats(out["wall_s"]),
        "cpu_s": stats(out["cpu_s"]),
        "n_iter": out["n_iter"],
        "ensemble": ensemble,
    }


def statsforecast_models():
    """``{name: factory(season)}`` for AutoARIMA / AutoETS, or ``{}`` if missing."""
    try:
        from statsforecast.models import AutoARIMA, AutoETS
    except ImportError:
        return {}
    return {
        "AutoARIMA": lambda m: AutoARIMA(season_length=m),
        "AutoETS": lambda m: AutoETS(season_length=m),
    }


def baseline(name, factory, train, test, season):
    """One deterministic statistical model: MASE and time (after a warm-up)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        factory(season).fit(train).predict(len(test))  # numba compiles on first use
        forecast, wall, cpu = timed(lambda: factory(season).fit(train).predict(len(test)))
    forecast = np.asarray(forecast["mean"], dtype=np.float64)
    return {
        "mase": mean_absolute_scaled_error(test, forecast, y_train=train, season=season),
        "wall_s": wall,
        "cpu_s": cpu,
    }


def naive(train, test, season):
    forecast = seasonal_naive(train, len(test), season=season)
    return mean_absolute_scaled_error(test, forecast, y_train=train, season=season)


# --- tables --------------------------------------------------------------------


def _lstm_row(name, run):
    return {
        "method": name,
        "MASE median": run["mase"]["median"],
        "min": run["mase"]["min"],
        "max": run["mase"]["max"],
        "per seed": " / ".join(f"{v:.2f}" for v in run["mase"]["values"]),
        "fit+forecast s (median)": run["wall_s"]["median"],
        "CPU s": run["cpu_s"]["median"],
        "epochs": f"{min(run['n_iter'])}-{max(run['n_iter'])}",
    }


def airline_table(quick, seeds, extra):
    values = load_airline().to_numpy(dtype=np.float64)
    train, test = values[:-12], values[-12:]
    rows = AIRLINE_ROWS[:1] if quick else AIRLINE_ROWS
    results, table = [], []
    for name, params, rows_window in rows:
        params = {"window": AIRLINE_WINDOW, **params, **extra}
        run = lstm_runs(train, test, 12, params, rows_window, seeds)
        results.append({"method": name, **run})
        table.append(_lstm_row(name, run))
        if name == "LSTM, defaults" and not quick:
            cores = os.cpu_count() or 1
            run = lstm_runs(train, test, 12, params, rows_window, seeds, threads=cores)
            label = f"LSTM, defaults, {cores} torch threads"
            results.append({"method": label, **run})
            table.append(_lstm_row(label, run))
    snaive = naive(train, test, 12)
    results.append({"method": "seasonal naive", "mase": snaive})
    table.append({"method": "seasonal naive", "MASE median": snaive})
    if not quick:
        for name, factory in statsforecast_models().items():
            run = baseline(name, factory, train, test, 12)
            results.append({"method": f"statsforecast {name}", **run})
            table.append(
                {
                    "method": f"statsforecast {name}",
                    "MASE median": run["mase"],
                    "fit+forecast s (median)": run["wall_s"],
                    "CPU s": run["cpu_s"],
                }
            )
    columns = [
        "method",
        "MASE median",
        "min",
        "max",
        "per seed",
        "fit+forecast s (median)",
        "CPU s",
        "epochs",
    ]
    print_table(f"airline: MASE over seeds {list(seeds)}", columns, table)
    return results


def defaults_table(quick, seeds, extra):
    values = load_airline().to_numpy(dtype=np.float64)
    train, test = values[:-12], values[-12:]
    rows = DEFAULTS_ROWS[:1] if quick else DEFAULTS_ROWS
    results, table = [], []
    for name, params, rows_window in rows:
        params = {"window": AIRLINE_WINDOW, **params, **extra}
        run = lstm_runs(train, test, 12, params, rows_window, seeds)
        results.append({"setting": name, **run})
        table.append({"setting": name, **_lstm_row(name, run)})
    columns = ["setting", "MASE median", "min", "max", "per seed", "CPU s", "epochs"]
    print_table("airline: one setting away from the defaults", columns, table)
    return results


def series_table(quick, seeds, extra):
    data = load_series()
    if quick:
        data = dict(list(data.items())[:1])
    models = {} if quick else statsforecast_models()
    results, table = [], []
    for name, (values, season, horizon, window, text) in data.items():
        train, test = values[:-horizon], values[-horizon:]
        entry = {
            "series": name,
            "description": text,
            "length": len(values),
            "season": season,
            "horizon": horizon,
            "window": window,
            "seasonal_naive": naive(train, test, season),
        }
        for label, params in (("lstm", {}), ("gru", {"cell": "gru"})):
            if quick and label == "gru":
                continue
            entry[label] = lstm_runs(
                train, test, season, {"window": window, **params, **extra}, seeds=seeds
            )
            entry[label].pop("params")
        for model, factory in models.items():
            if model == "AutoETS":
                entry["auto_ets"] = baseline(model, factory, train, test, season)
        lstm = entry["lstm"]["mase"]
        entry["lstm_beats_naive_every_seed"] = lstm["max"] < entry["seasonal_naive"]
        results.append(entry)
        row = {
            "series": name,
            "n": len(values),
            "m": season,
            "h": horizon,
            "window": window,
            "naive": entry["seasonal_naive"],
            "LSTM median": lstm["median"],
            "LSTM min-max": f"{lstm['min']:.2f}-{lstm['max']:.2f}",
            "beats naive every seed": "yes" if entry["lstm_beats_naive_every_seed"] else "no",
        }
        if "gru" in entry:
            gru = entry["gru"]["mase"]
            row["GRU median"] = gru["median"]
            row["GRU min-max"] = f"{gru['min']:.2f}-{gru['max']:.2f}"
        if "auto_ets" in entry:
            row["AutoETS"] = entry["auto_ets"]["mase"]
        table.append(row)
    columns = [
        "series",
        "n",
        "m",
        "h",
        "window",
        "naive",
        "AutoETS",
        "LSTM median",
        "LSTM min-max",
        "beats naive every seed",
        "GRU median",
        "GRU min-max",
    ]
    print_table(f"10 more series: MASE over seeds {list(seeds)}", columns, table)
    wins = sum(e["lstm_beats_naive_every_seed"] for e in results)
    print(f"\nLSTM defaults beat seasonal naive with every seed on {wins} of {len(results)}")
    return results


# Series where the defaults' forecasts spread or lose to naive, and settings
# that the user guide suggests for them (docs/user_guide/settings.rst).
SETTINGS_SERIES = ("lynx", "sunspots", "seatbelts", "us_consumption", "co2")
SETTINGS_ROWS = [
    ("defaults", {}, 1),
    ("early_stopping=True", {"early_stopping": True}, 1),
    ("relative=False", {"relative": False}, 1),
    ("mean of 3 seeds", {}, 3),
]


def settings_table(quick, seeds, extra):
    data = load_series()
    names = SETTINGS_SERIES[:1] if quick else SETTINGS_SERIES
    rows = SETTINGS_ROWS[:2] if quick else SETTINGS_ROWS
    results, table = [], []
    for name in names:
        values, season, horizon, window, _ = data[name]
        train, test = values[:-horizon], values[-horizon:]
        snaive = naive(train, test, season)
        for label, params, ensemble in rows:
            params = {"window": window, **params, **extra}
            run = lstm_runs(train, test, season, params, seeds=seeds, ensemble=ensemble)
            results.append({"series": name, "setting": label, "seasonal_naive": snaive, **run})
            table.append(
                {
                    "series": name,
                    "setting": label,
                    "naive": snaive,
                    "MASE median": run["mase"]["median"],
                    "min": run["mase"]["min"],
                    "max": run["mase"]["max"],
                    "beats naive every seed": "yes" if run["mase"]["max"] < snaive else "no",
                    "CPU s": run["cpu_s"]["median"],
                }
            )
    columns = [
        "series",
        "setting",
        "naive",
        "MASE median",
        "min",
        "max",
        "beats naive every seed",
        "CPU s",
    ]
    print_table("settings for noisy or changing series", columns, table)
    return results


def main(argv=None):
    p = parser("quality", __doc__)
    p.add_argument(
        "--skip",
        nargs="*",
        default=[],
        choices=["airline", "defaults", "series", "settings"],
        help="tables to leave out",
    )
    args = p.parse_args(argv)
    seeds = SEEDS[:1] if args.quick else SEEDS
    extra = {"max_epochs": 3} if args.quick else {}
    results = {}
    if "airline" not in args.skip:
        results["airline"] = airline_table(args.quick, seeds, extra)
    if "defaults" not in args.skip:
        results["defaults"] = defaults_table(args.quick, seeds, extra)
    if "series" not in args.skip:
        results["series"] = series_table(args.quick, seeds, extra)
    if "settings" not in args.skip:
        results["settings"] = settings_table(args.quick, seeds, extra)
    config = {
        "seeds": list(seeds),
        "airline_window": AIRLINE_WINDOW,
        "torch_threads": torch.get_num_threads(),
        "statsforecast": bool(statsforecast_models()),
        "defaults": {
            k: v
            for k, v in LSTMForecaster().get_params().items()
            if not (isinstance(v, float) and math.isnan(v))
        },
    }
    return write_report("quality", args, config, results)


if __name__ == "__main__":
    main()
