"""Covariates known in advance: accuracy with and without them, and their cost.

Four measurements, each over seeds 0, 1, 2 (median and range):

1. ``simulated``: a daily series driven by a holiday flag (about one day in
   fifteen, +8) and the temperature (a yearly cycle plus weather noise, 0.6
   per degree), on a weekly cycle with noise; 1,000 days of training, 28-day
   forecasts from 12 origins in the following year. ``LSTMForecaster`` with
   and without ``covariates=[holiday, temperature]``.
2. ``insurance``: monthly insurance quotes and TV advertising spend (fpp2,
   2002-2005, ``benchmarks/data/insurance.csv``); the adverts drive the
   quotes. 6-month forecasts from the last 4 origins, window 8.
3. ``noise``: the simulated series with a covariate of pure noise instead:
   forecasts should be no worse than without it.
4. ``cost``: time per training pair of a 5,000-step series with 5 covariates
   against the same series alone (window 24, 5 epochs).

MASE is scaled by the in-sample seasonal naive error (season 7 for the daily
series, 12 for the monthly one) and averaged over the origins.

    python benchmarks/covariates.py            # about 40 minutes on 2 cores
    python benchmarks/covariates.py --quick    # smoke size

It prints Markdown tables and writes ``benchmarks/results/covariates.json``.
"""

import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import parser, print_table, timed, write_report
from _panel import DATA

from sklstm import LSTMForecaster, make_windows
from sklstm.metrics import mean_absolute_scaled_error


def simulated(n_days, seed=0, noise_covariate=False):
    """A daily series, its covariates (holiday, temperature), and a noise covariate."""
    rng = np.random.default_rng(seed)
    t = np.arange(n_days)
    holiday = (rng.random(n_days) < 1 / 15).astype(float)
    temperature = 12 + 8 * np.sin(2 * np.pi * t / 365.25) + 2 * rng.standard_normal(n_days)
    weekly = 3 * np.sin(2 * np.pi * t / 7)
    values = 40 + weekly + 8 * holiday + 0.6 * temperature + rng.standard_normal(n_days)
    index = pd.date_range("2015-01-01", periods=n_days, freq="D")
    series = pd.Series(values, index=index, name="demand")
    covariates = pd.DataFrame({"holiday": holiday, "temperature": temperature}, index=index)
    noise = pd.DataFrame({"noise": rng.standard_normal(n_days)}, index=index)
    return series, covariates, noise


def evaluate(series, covariates, window, h, origins, season, params, seed):
    """Mean MASE of ``h``-step forecasts from the last ``origins`` origins."""
    scores = []
    for k in range(origins, 0, -1):
        end = len(series) - k * h
        train, test = series.iloc[:end], series.iloc[end : end + h]
        kwargs = {}
        if covariates is not None:
            kwargs["covariates"] = covariates.iloc[:end]
        X, Y = make_windows(train, window=window, horizon=h, **kwargs)
        model = LSTMForecaster(random_state=seed, **params)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            model.fit(X, Y)
        extra = {} if covariates is None else {"covariates": covariates.iloc[: end + h]}
        forecast = model.forecast(train, steps=h, **extra)
        scores.append(
            mean_absolute_scaled_error(
                test.to_numpy(), forecast.to_numpy(), y_train=train, season=season
            )
        )
    return float(np.mean(scores))


def compare(name, series, covariates, window, h, origins, season, params, seeds):
    out = {"without": [], "with": []}
    for seed in seeds:
        out["without"].append(evaluate(series, None, window, h, origins, season, params, seed))
        out["with"].append(evaluate(series, covariates, window, h, origins, season, params, seed))
    change = [w / wo - 1 for w, wo in zip(out["with"], out["without"], strict=True)]
    return {"case": name, **out, "change": change}


def cost(n, n_covariates, epochs, seed=0):
    """Seconds per training pair with and without ``n_covariates`` covariates."""
    rng = np.random.default_rng(seed)
    series = pd.Series(np.sin(np.arange(n) / 5) + 0.1 * rng.standard_normal(n))
    covariates = pd.DataFrame(
        rng.standard_normal((n, n_covariates)), columns=[f"c{i}" for i in range(n_covariates)]
    )
    rows = {}
    for label, kwargs in (
        ("alone", {}),
        (f"{n_covariates} covariates", {"covariates": covariates}),
    ):
        X, y = make_windows(series, window=24, **kwargs)
        model = LSTMForecaster(max_epochs=epochs, random_state=0)
        model.fit(X[:200], y[:200])  # warm-up
        _, wall, _ = timed(model.fit, X, y)
        rows[label] = wall / (len(X) * epochs)
    return rows


def main():
    p = parser("covariates", __doc__)
    p.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    args = p.parse_args()
    torch.set_num_threads(1)
    params, origins, n_days, n_cost, epochs = {}, 12, 1000 + 12 * 28, 5000, 5
    if args.quick:
        args.seeds = args.seeds[:1]
        params, origins, n_days, n_cost, epochs = (
            {"max_epochs": 2, "n_estimators": 2},
            1,
            200,
            400,
            1,
        )
    series, covariates, noise = simulated(n_days)
    insurance = pd.read_csv(DATA / "insurance.csv", index_col=0, parse_dates=True).asfreq("MS")
    cases = [
        compare(
            "simulated: holiday and temperature",
            series,
            covariates,
            28,
            28,
            origins,
            7,
            params,
            args.seeds,
        ),
        compare(
            "insurance quotes: TV adverts",
            insurance["quotes"],
            insurance[["tv_adverts"]],
            8,
            6,
            1 if args.quick else 4,
            12,
            params,
            args.seeds,
        ),
        compare(
            "simulated: a pure-noise covariate",
            series,
            noise,
            28,
            28,
            origins,
            7,
            params,
            args.seeds,
        ),
    ]
    rows = [
        {
            "case": c["case"],
            "MASE without": f"{np.median(c['without']):.3f}",
            "MASE with": f"{np.median(c['with']):.3f}",
            "change (median, range)": "{:+.1%} ({:+.1%} to {:+.1%})".format(
                np.median(c["change"]), min(c["change"]), max(c["change"])
            ),
        }
        for c in cases
    ]
    print_table("Forecasts with and without covariates (median over seeds)", list(rows[0]), rows)
    per_pair = cost(n_cost, 5, epochs)
    labels = list(per_pair)
    ratio = per_pair[labels[1]] / per_pair[labels[0]]
    print(
        f"\ntime per training pair, {n_cost}-step series, window 24: alone "
        f"{1e6 * per_pair[labels[0]]:.0f} us, with 5 covariates "
        f"{1e6 * per_pair[labels[1]]:.0f} us (ratio {ratio:.2f})"
    )
    write_report(
        "covariates",
        args,
        {"seeds": args.seeds},
        {"cases": cases, "cost_per_pair_s": per_pair, "cost_ratio": ratio},
    )


if __name__ == "__main__":
    main()
