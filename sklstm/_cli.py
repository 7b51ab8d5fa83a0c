"""The ``sklstm`` command line: fit on a series, forecast, compare with seasonal naive."""

import argparse
import sys
import time

import numpy as np
import pandas as pd

from . import __version__
from ._forecaster import LSTMForecaster
from ._windowing import make_windows
from .metrics import mean_absolute_scaled_error, seasonal_naive

# Season lengths by the pandas frequency's leading letters.
_SEASONS = {"M": 12, "Q": 4, "W": 52, "D": 7, "B": 5, "h": 24, "H": 24}


class CLIError(Exception):
    """A problem with the user's input, reported as one line."""


def _build_parser():
    parser = argparse.ArgumentParser(
        prog="sklstm",
        description="LSTM forecasting as a scikit-learn estimator.",
    )
    parser.add_argument("--version", action="version", version=f"sklstm {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    fc = commands.add_parser(
        "forecast",
        help="fit on a series and forecast it",
        description=(
            "Fit an LSTMForecaster on a series, minus its last HOLDOUT values, and "
            "forecast HORIZON steps. With a holdout, print the forecast next to the "
            "actual values with MAE, MAPE and MASE, against the seasonal naive "
            "forecast. With no CSV file, use the bundled AirPassengers series."
        ),
        epilog=(
            "examples:\n"
            "  sklstm forecast\n"
            "  sklstm forecast sales.csv --column units --date-column month --plot f.png\n"
            "  sklstm forecast sales.csv --column units --holdout 0 --output next.csv"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    fc.add_argument("csv", nargs="?", help="CSV file with the series (default: airline data)")
    fc.add_argument("--column", help="column with the values (default: the last column)")
    fc.add_argument("--date-column", help="column with the dates, parsed as the time index")
    fc.add_argument("--window", type=int, default=12, help="steps the network reads (default: 12)")
    fc.add_argument("--horizon", type=int, help="steps to forecast (default: the holdout, or 12)")
    fc.add_argument(
        "--holdout", type=int, default=12, help="last values kept out of training (default: 12)"
    )
    fc.add_argument("--season", type=int, help="season length for MASE (default: from the dates)")
    fc.add_argument("--epochs", type=int, help="maximum training epochs (default: the model's)")
    fc.add_argument("--seed", type=int, default=0, help="random seed (default: 0)")
    fc.add_argument("--plot", metavar="PNG", help="save a plot of the forecast to this PNG file")
    fc.add_argument("--output", metavar="CSV", help="write the forecast table to this CSV file")
    return parser


def _read_series(args):
    if args.csv is None:
        from .datasets import load_airline

        return load_airline()
    try:
        frame = pd.read_csv(args.csv)
    except FileNotFoundError:
        raise CLIError(f"file not found: {args.csv}") from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise CLIError(f"cannot read {args.csv} as CSV: {exc}") from None
    column = args.column if args.column is not None else frame.columns[-1]
    for name in (column, args.date_column):
        if name is not None and name not in frame.columns:
            raise CLIError(
                f"no column {name!r} in {args.csv}; "
                f"columns are: {', '.join(map(str, frame.columns))}"
            )
    values = pd.to_numeric(frame[column], errors="coerce")
    bad = values.isna() & frame[column].notna()
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0])
        raise CLIError(
            f"column {column!r} is not numeric: row {row + 1} holds {frame[column].iloc[row]!r}"
        )
    if values.isna().any():
        n_empty = int(values.isna().sum())
        raise CLIError(f"column {column!r} has {n_empty} empty value(s); fill or drop them")
    if args.date_column is not None:
        index = pd.DatetimeIndex(pd.to_datetime(frame[args.date_column], errors="coerce"))
        if index.isna().any():
            raise CLIError(f"column {args.date_column!r} holds values that are not dates")
        values.index = index
        if len(index) >= 3 and pd.infer_freq(index) is not None:
            values = values.asfreq(pd.infer_freq(index))
    return values.astype("float64").rename(column)


def _season(series, override):
    if override is not None:
        return override
    freq = getattr(series.index, "freqstr", None)
    if freq is None:
        return 1
    # "MS", "ME", "QS-DEC", "W-SUN" ... : the leading letter names the period.
    return _SEASONS.get(freq.lstrip("0123456789")[:1], 1)


def _forecast(args, out):
    series = _read_series(args)
    holdout = args.holdout
    horizon = args.horizon or holdout or 12
    for name in ("window", "horizon", "holdout", "epochs"):
        value = getattr(args, name) if name != "horizon" else horizon
        if value is not None and value < (0 if name == "holdout" else 1):
            raise CLIError(f"--{name} must be at least {0 if name == 'holdout' else 1}")
    train = series.iloc[: len(series) - holdout] if holdout else series
    season = _season(series, args.season)
    if len(train) < args.window + 2:
        raise CLIError(
            f"the series is too short: {len(train)} training values for --window "
            f"{args.window} (need at least {args.window + 2}); use a smaller window or holdout"
        )
    X, y = make_windows(train, window=args.window)
    params = {"window": args.window, "horizon": horizon, "random_state": args.seed}
    if args.epochs is not None:
        params["max_epochs"] = args.epochs
    model = LSTMForecaster(**params)
    start = time.perf_counter()
    model.fit(X, y)
    forecast = model.forecast(train, steps=horizon)
    seconds = time.perf_counter() - start

    table = pd.DataFrame({"forecast": forecast})
    n_eval = min(holdout, horizon)
    if n_eval:
        actual = series.iloc[len(train) : len(train) + n_eval].to_numpy()
        table["actual"] = np.append(actual, [np.nan] * (horizon - n_eval))
        if len(train) >= season:
            table["seasonal_naive"] = seasonal_naive(train, horizon, season)
    name = series.name if series.name is not None else "series"
    print(
        f"sklstm {__version__}: {name}, {len(train)} training values, window "
        f"{args.window}, horizon {horizon}, fitted in {seconds:.2f} s ({model.n_iter_} epochs)",
        file=out,
    )
    print(table.to_string(float_format=lambda v: f"{v:.1f}"), file=out)
    if n_eval:
        print(file=out)
        print(_metrics_table(table.iloc[:n_eval], train, season).to_string(), file=out)
    if args.output:
        table.to_csv(args.output, index_label=series.index.name or "index")
        print(f"forecast written to {args.output}", file=out)
    if args.plot:
        from .plotting import plot_forecast

        ax = plot_forecast(train, forecast, actual=series.iloc[len(train) :] if holdout else None)
        ax.figure.savefig(args.plot, dpi=120, bbox_inches="tight")
        print(f"plot written to {args.plot}", file=out)


def _metrics_table(table, train, season):
    rows = {}
    actual = table["actual"].to_numpy()
    for column in [c for c in ("forecast", "seasonal_naive") if c in table]:
        pred = table[column].to_numpy()
        row = {
            "MAE": np.mean(np.abs(actual - pred)),
            "MAPE %": 100 * np.mean(np.abs((actual - pred) / actual)),
        }
        if len(train) > season:
            row[f"MASE (season {season})"] = mean_absolute_scaled_error(
                actual, pred, y_train=train, season=season
            )
        rows["sklstm" if column == "forecast" else "seasonal naive"] = row
    return pd.DataFrame(rows).T.round(3)


def main(argv=None, out=None):
    """Run the command line; return its exit status."""
    out = sys.stdout if out is None else out
    parser = _build_parser()
    args = parser.parse_args(argv)
    try:
        _forecast(args, out)
    except CLIError as exc:
        print(f"sklstm: error: {exc}", file=sys.stderr)
        return 2
    return 0
