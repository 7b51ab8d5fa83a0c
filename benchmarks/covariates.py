"""Covariates known in advance, on real data: with and without them, against ridge.

For each data set, a target series and its covariates are cut into rows
with ``make_windows(series, window, horizon, covariates=...)``; the last
``n_test`` origins are the test, and the rows whose targets all come before
the first test target train. Two kinds of rows:

- ``multi-step``: rows of ``horizon`` targets; ``predict`` gives the
  ``horizon`` steps (recursively, the network being trained on one-step
  pairs inside each row);
- ``one-step``: rows of one target; ``forecast`` gives the ``horizon`` steps
  from each test origin recursively, reading the covariates of every step.

On the same rows, each over seeds 0, 1, 2 where it has a seed:
``LSTMForecaster`` (every parameter at its default) with and without the
covariates; ``RidgeCV`` (standardised columns, penalty chosen by efficient
leave-one-out among 10^-3 ... 10^3) with and without them, direct on the
multi-step rows and recursive on the one-step rows; seasonal naive.

Data (``benchmarks/data/``, see its README):

- ``seatbelts``: monthly UK car drivers killed or seriously injured,
  1969-1984; the seat-belt law dummy (known in advance), petrol price and
  distance driven (given as scenarios: their actual values);
- ``frozenjuice``: monthly frozen orange juice price index, 1950-2000; the
  freezing degree days in Orlando (a sharp, lagged, nonlinear effect) and the
  producer price index;
- ``airquality``: daily New York ozone, May-September 1973; solar radiation,
  wind and maximum temperature (weather a forecast would supply). Ozone and
  solar radiation have gaps: only rows without a missing value are used;
- ``insurance``: monthly insurance quotes and TV advertising, 2002-2005;
- ``uschange``: quarterly growth of US consumption; income, production,
  savings and unemployment as scenarios, 1970-2016.

Simulated, in a separate table: ``demand``, a daily series with a U-shaped
effect of the temperature (heating and cooling) and a workday flag; and
``noise``, the same series with one covariate of pure noise instead, which
should cost next to nothing.

MASE is scaled by the seasonal naive error on the training part of the
series (season as listed) and averaged over test origins and steps. Also
measured: time per training pair of a 5,000-step series with 5 covariates
against the same series alone (window 24, 5 epochs).

    python benchmarks/covariates.py            # about an hour on 2 cores
    python benchmarks/covariates.py --quick    # smoke size

It prints Markdown tables and writes ``benchmarks/results/covariates.json``.
"""

import statistics
import sys
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import torch
from sklearn.linear_model import RidgeCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import parser, print_table, timed, write_report
from _panel import DATA

from sklstm import LSTMForecaster, make_windows

ALPHAS = np.logspace(-3, 3, 13)


@dataclass
class Case:
    name: str
    series: pd.Series
    covariates: pd.DataFrame
    season: int
    window: int
    horizon: int
    n_test: int
    simulated: bool = False


def _monthly(file, index):
    frame = pd.read_csv(DATA / file)
    frame.index = pd.PeriodIndex(frame.pop(index), freq="M")
    return frame


def real_cases():
    seatbelts = _monthly("seatbelts.csv", "month")
    juice = _monthly("frozenjuice.csv", "month")
    air = pd.read_csv(DATA / "airquality.csv", index_col="day", parse_dates=True).asfreq("D")
    insurance = pd.read_csv(DATA / "insurance.csv", index_col=0, parse_dates=True)
    insurance.index = insurance.index.to_period("M")
    us = pd.read_csv(DATA / "uschange.csv", index_col=0, parse_dates=True)
    us.index = us.index.to_period("Q")
    return [
        Case(
            "seatbelts",
            seatbelts["drivers"].astype(float),
            seatbelts[["law", "PetrolPrice", "kms"]],
            12,
            24,
            6,
            12,
        ),
        Case("frozenjuice", juice["price"], juice[["fdd", "ppi"]], 12, 24, 6, 60),
        Case(
            "airquality",
            air["Ozone"],
            air[["Solar.R", "Wind", "Temp"]].rename(columns={"Solar.R": "solar"}),
            1,
            3,
            3,
            12,
        ),
        Case("insurance", insurance["quotes"], insurance[["tv_adverts"]], 12, 8, 3, 8),
        Case(
            "uschange",
            us["Consumption"],
            us[["Income", "Production", "Savings", "Unemployment"]],
            4,
            8,
            4,
            24,
        ),
    ]


def demand(n_days=4 * 365, seed=0):
    """Daily demand: U-shaped in the temperature, lower on days off, weekly cycle.

    The temperature follows a yearly cycle with weather noise; demand rises
    below 12 °C (heating) and above 20 °C (cooling); weekends and about one
    day in thirty (holidays) are days off, 25% lower.
    """
    rng = np.random.default_rng(seed)
    t = np.arange(n_days)
    index = pd.date_range("2020-01-01", periods=n_days, freq="D")
    weather = np.zeros(n_days)
    for i in range(1, n_days):  # weather persists for a few days
        weather[i] = 0.7 * weather[i - 1] + rng.normal(0, 2.5)
    temp = 14 + 10 * np.sin(2 * np.pi * (t - 110) / 365.25) + weather
    workday = ((index.dayofweek < 5) & (rng.random(n_days) > 1 / 30)).astype(float)
    heating = np.maximum(12 - temp, 0)
    cooling = np.maximum(temp - 20, 0)
    level = 100 + 3 * heating + 4 * cooling
    values = level * (0.75 + 0.25 * workday) + rng.normal(0, 4, n_days)
    series = pd.Series(values, index=index, name="demand")
    covariates = pd.DataFrame({"temp": temp, "workday": workday}, index=index)
    noise = pd.DataFrame({"noise": rng.standard_normal(n_days)}, index=index)
    return series, covariates, noise


def simulated_cases():
    series, covariates, noise = demand()
    return [
        Case("demand: temperature, workday", series, covariates, 7, 28, 7, 56, True),
        Case("demand: a pure-noise covariate", series, noise, 7, 28, 7, 56, True),
    ]


class Split:
    """Rows of a case, without any that touch a missing value, split in train and test."""

    def __init__(self, case, horizon):
        y, cov = case.series, case.covariates
        w = case.window
        missing = y.isna().to_numpy() | cov.isna().any(axis=1).to_numpy()
        X, Y = make_windows(y.fillna(0.0), w, horizon, covariates=cov.fillna(0.0))
        starts = np.arange(len(X))
        spans = np.lib.stride_tricks.sliding_window_view(missing, w + horizon)[: len(X)]
        complete = ~spans.any(axis=1)
        # The test: the last n_test complete origins of the multi-step rows,
        # whatever kind of rows trains (so both kinds forecast the same steps).
        long_span = w + case.horizon
        long_ok = ~np.lib.stride_tricks.sliding_window_view(missing, long_span).any(axis=1)
        test_starts = np.flatnonzero(long_ok)[-case.n_test :]
        first_target = test_starts[0] + w
        self.train = complete & (starts + w + horizon <= first_target)
        self.X, self.Y = X, Y
        self.lags = [c for c in X.columns if c.startswith("lag_")]
        self.test_starts = test_starts
        self.values = y.to_numpy(dtype=float)
        self.cov = cov.to_numpy(dtype=float)
        train_values = self.values[:first_target]
        m = case.season
        diffs = np.abs(train_values[m:] - train_values[:-m])
        self.scale = float(np.nanmean(diffs))
        self.truth = np.stack([self.values[s + w : s + w + case.horizon] for s in test_starts])

    def mase(self, forecasts):
        return float(np.mean(np.abs(self.truth - forecasts)) / self.scale)


def _columns(split, with_covariates):
    return list(split.X.columns) if with_covariates else split.lags


# Parameters of every LSTMForecaster: the defaults (--quick: a smoke size).
PARAMS = {}


def lstm_multi(split, case, with_cov, seed):
    cols = _columns(split, with_cov)
    X = split.X[cols]
    model = LSTMForecaster(random_state=seed, **PARAMS)
    model.fit(X[split.train], split.Y[split.train])
    rows = X.iloc[split.test_starts]
    return split.mase(np.asarray(model.predict(rows)))


def lstm_recursive(split, case, with_cov, seed):
    cols = _columns(split, with_cov)
    X = split.X[cols]
    model = LSTMForecaster(random_state=seed, **PARAMS)
    model.fit(X[split.train], split.Y[split.train])
    w, h = case.window, case.horizon
    forecasts = []
    for s in split.test_starts:
        extra = {"covariates": split.cov[s : s + w + h]} if with_cov else {}
        forecasts.append(np.asarray(model.forecast(split.values[s : s + w], steps=h, **extra)))
    return split.mase(np.stack(forecasts))


def _ridge():
    return make_pipeline(StandardScaler(), RidgeCV(alphas=ALPHAS))


def ridge_multi(split, case, with_cov):
    cols = _columns(split, with_cov)
    X = split.X[cols].to_numpy()
    model = _ridge().fit(X[split.train], np.asarray(split.Y)[split.train])
    return split.mase(model.predict(X[split.test_starts]))


def ridge_recursive(split, case, with_cov):
    cols = _columns(split, with_cov)
    X = split.X[cols].to_numpy()
    model = _ridge().fit(X[split.train], np.asarray(split.Y)[split.train])
    w, h = case.window, case.horizon
    out = np.empty((len(split.test_starts), h))
    for i, s in enumerate(split.test_starts):
        values = split.values[s : s + w].copy()
        for k in range(h):
            row = [values[k : k + w]]
            if with_cov:
                # make_windows' order: per covariate, its lags, then its step.
                for j in range(split.cov.shape[1]):
                    row.append(split.cov[s + k : s + k + w + 1, j])
            out[i, k] = model.predict(np.concatenate(row)[None])[0]
            values = np.append(values, out[i, k])
    return split.mase(out)


def seasonal_naive(split, case):
    m, w = case.season, case.window
    steps = np.arange(case.horizon) % m
    forecasts = np.stack([split.values[s + w - m + steps] for s in split.test_starts])
    return split.mase(forecasts)


def run_case(case, seeds):
    result = {
        "case": case.name,
        "simulated": case.simulated,
        "window": case.window,
        "horizon": case.horizon,
        "season": case.season,
        "n_test": case.n_test,
        "covariates": list(case.covariates.columns),
    }
    for kind, horizon, lstm, ridge in (
        ("multi-step", case.horizon, lstm_multi, ridge_multi),
        ("one-step", 1, lstm_recursive, ridge_recursive),
    ):
        split = Split(case, horizon)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            entry = {
                "n_train_rows": int(split.train.sum()),
                "lstm_without": [lstm(split, case, False, s) for s in seeds],
                "lstm_with": [lstm(split, case, True, s) for s in seeds],
                "ridge_without": ridge(split, case, False),
                "ridge_with": ridge(split, case, True),
                "seasonal_naive": seasonal_naive(split, case),
            }
        result[kind] = entry
        print(f"  {case.name} {kind}: {summary(entry)}", flush=True)
    return result


def summary(e):
    return (
        f"LSTM {statistics.median(e['lstm_without']):.3f} -> "
        f"{statistics.median(e['lstm_with']):.3f}, ridge {e['ridge_without']:.3f} -> "
        f"{e['ridge_with']:.3f}, naive {e['seasonal_naive']:.3f}"
    )


def targets(e):
    """Each target of the covariates on one kind of rows: (value, met)."""
    without, with_ = statistics.median(e["lstm_without"]), statistics.median(e["lstm_with"])
    ridge_gain = 1 - e["ridge_with"] / e["ridge_without"]
    lstm_gain = 1 - with_ / without
    spread = lambda v: max(v) - min(v)  # noqa: E731
    return {
        "with / without": (with_ / without, with_ / without <= 1.02),
        "gain where ridge gains >= 10%": (
            lstm_gain,
            ridge_gain < 0.10 or lstm_gain >= 0.10,
        ),
        "with / ridge with": (with_ / e["ridge_with"], with_ / e["ridge_with"] <= 1.05),
        "spread with, without": (
            (spread(e["lstm_with"]), spread(e["lstm_without"])),
            spread(e["lstm_with"]) <= spread(e["lstm_without"]),
        ),
    }


def _range(values):
    return f"{statistics.median(values):.3f} ({min(values):.3f}-{max(values):.3f})"


def table_rows(results):
    rows = []
    for r in results:
        for kind in ("multi-step", "one-step"):
            e = r[kind]
            t = targets(e)
            rows.append(
                {
                    "data": r["case"],
                    "rows": f"{kind}, h={r['horizon']}",
                    "LSTM without": _range(e["lstm_without"]),
                    "LSTM with": _range(e["lstm_with"]),
                    "ridge without": f"{e['ridge_without']:.3f}",
                    "ridge with": f"{e['ridge_with']:.3f}",
                    "naive": f"{e['seasonal_naive']:.3f}",
                    "with/without": f"{t['with / without'][0]:.3f}",
                    "with/ridge": f"{t['with / ridge with'][0]:.3f}",
                    "targets met": sum(met for _, met in t.values()),
                }
            )
    return rows


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
    p.add_argument("--only", nargs="+", default=None, help="run only these data sets")
    p.add_argument("--noise", action="store_true", help="also the pure-noise covariate")
    args = p.parse_args()
    torch.set_num_threads(1)
    cases = real_cases() + simulated_cases()
    n_cost, epochs = 5000, 5
    if args.quick:
        args.seeds = args.seeds[:1]
        cases = [cases[3], cases[5]]
        n_cost, epochs = 400, 1
        PARAMS.update(max_epochs=2)
    if not args.noise:
        cases = [c for c in cases if "noise" not in c.name]
    if args.only:
        cases = [c for c in cases if c.name.split(":")[0] in args.only]
    if not args.quick:
        # Smallest first: a long run reports the small data sets early.
        order = ["insurance", "uschange", "airquality", "seatbelts", "frozenjuice"]
        cases = sorted(
            cases, key=lambda c: (c.simulated, order.index(c.name) if c.name in order else 0)
        )
    results = []
    for case in cases:
        results.append(run_case(case, args.seeds))
        write_report(
            "covariates", args, {"seeds": args.seeds, "partial": True}, {"cases": results}
        )
    columns = list(table_rows(results[:1])[0])
    for simulated, title in ((False, "Real data"), (True, "Simulated data")):
        part = [r for r in results if r["simulated"] == simulated]
        if part:
            print_table(
                f"{title}: MASE with and without covariates (LSTM: median and range over seeds)",
                columns,
                table_rows(part),
            )
    for r in results:
        for kind in ("multi-step", "one-step"):
            r[kind]["targets"] = {
                name: {"value": value, "met": bool(met)}
                for name, (value, met) in targets(r[kind]).items()
            }
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
        {"seeds": args.seeds, "ridge_alphas": ALPHAS.tolist()},
        {"cases": results, "cost_per_pair_s": per_pair, "cost_ratio": ratio},
    )


if __name__ == "__main__":
    main()
