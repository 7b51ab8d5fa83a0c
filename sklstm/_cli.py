"""The ``sklstm`` command line: fit on a series, forecast, compare with seasonal naive."""

import argparse
import contextlib
import os
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

_DESCRIPTION = """\
Fit an LSTMForecaster on a series, minus its last HOLDOUT values, and forecast
HORIZON steps. With a holdout, the forecast is printed next to the actual values,
with MAE, MAPE and MASE against the seasonal naive forecast. With no CSV file,
the bundled AirPassengers series (monthly, 1949-1960) is used.
"""

_EPILOG = """\
examples:
  sklstm forecast
      the airline series: fit on 1949-1959, forecast 1960, compare
  sklstm forecast sales.csv --column units --date-column month --plot sales.png
      a column of a CSV file, with dates for the forecast's index and the season
  sklstm forecast sales.csv --column units --holdout 0 --horizon 6 --output next.csv
      fit on all the data and write the next 6 values to a CSV file
"""


class CLIError(Exception):
    """A problem with the user's input, reported as one line."""


def _at_least(minimum):
    def parse(text):
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"must be at least {minimum}, got {value}")
        return value

    return parse


def _build_parser():
    parser = argparse.ArgumentParser(
        prog="sklstm",
        description="LSTM forecasting as a scikit-learn estimator.",
        epilog="Run 'sklstm forecast --help' for the options of the forecast command.",
    )
    parser.add_argument("--version", action="version", version=f"sklstm {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    fc = commands.add_parser(
        "forecast",
        help="fit on a series and forecast it",
        description=_DESCRIPTION,
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    data = fc.add_argument_group("data")
    data.add_argument(
        "csv", nargs="?", metavar="CSV", help="CSV file with the series (default: airline data)"
    )
    data.add_argument(
        "--column", metavar="NAME", help="column with the values (default: the last column)"
    )
    data.add_argument(
        "--date-column",
        metavar="NAME",
        help="column with the dates; sets the forecast's dates and the season",
    )
    data.add_argument(
        "--holdout",
        type=_at_least(0),
        default=12,
        metavar="N",
        help="last values kept out of training and compared with the forecast "
        "(default: 12; 0 fits on all values)",
    )
    data.add_argument(
        "--season",
        type=_at_least(1),
        metavar="N",
        help="season length of the naive forecast and MASE (default: from the dates, "
        "12 for monthly; 1 without dates)",
    )
    model = fc.add_argument_group("model")
    model.add_argument(
        "--window",
        type=_at_least(1),
        default=24,
        metavar="N",
        help="past values the network reads (default: 24, two years of months)",
    )
    model.add_argument(
        "--horizon",
        type=_at_least(1),
        metavar="N",
        help="values to forecast (default: the holdout, or 12 without one)",
    )
    model.add_argument(
        "--epochs",
        type=_at_least(1),
        metavar="N",
        help="maximum training epochs (default: the model's)",
    )
    model.add_argument("--seed", type=int, default=0, help="random seed (default: 0)")
    model.add_argument(
        "-v", "--verbose", action="store_true", help="show a progress bar while training"
    )
    output = fc.add_argument_group("output")
    output.add_argument("--plot", metavar="PNG", help="save a plot of the forecast to PNG")
    output.add_argument("--output", metavar="CSV", help="write the forecast table to CSV")
    return parser


def _read_series(args):
    if args.csv is None:
        from .datasets import load_airline

        return load_airline()
    try:
        frame = pd.read_csv(args.csv)
    except FileNotFoundError:
        raise CLIError(f"file not found: {args.csv}") from None
    except IsADirectoryError:
        raise CLIError(f"{args.csv} is a directory, not a CSV file") from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise CLIError(f"cannot read {args.csv} as CSV: {_one_line(exc)}") from None
    for name in (args.column, args.date_column):
        if name is not None and name not in frame.columns:
            raise CLIError(
                f"no column {name!r} in {args.csv}; "
                f"its columns are: {', '.join(map(str, frame.columns))}"
            )
    column = args.column
    if column is None:
        others = [c for c in frame.columns if c != args.date_column]
        if not others:
            raise CLIError(f"{args.csv} has no column with values besides the dates")
        column = others[-1]
    values = pd.to_numeric(frame[column], errors="coerce")
    bad = values.isna() & frame[column].notna()
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0])
        raise CLIError(
            f"column {column!r} is not numeric: line {row + 2} of {args.csv} holds "
            f"{frame[column].iloc[row]!r}; choose a numeric column with --column"
        )
    if values.isna().any():
        n_empty = int(values.isna().sum())
        raise CLIError(f"column {column!r} has {n_empty} empty value(s); fill or drop them")
    if args.date_column is not None:
        index = pd.DatetimeIndex(
            pd.to_datetime(frame[args.date_column], errors="coerce"), name=args.date_column
        )
        if index.isna().any():
            raise CLIError(f"column {args.date_column!r} holds values that are not dates")
        if not index.is_monotonic_increasing:
            raise CLIError(
                f"the dates in column {args.date_column!r} are not in increasing "
                "order; sort the file by date first"
            )
        # The frequency dates the forecast and sets the season.
        index = pd.DatetimeIndex(index, freq="infer") if len(index) >= 3 else index
        if index.freq is None:
            raise CLIError(
                f"the dates in column {args.date_column!r} are not evenly spaced (missing, "
                "repeated or irregular dates); fix them, or leave out --date-column"
            )
        values.index = index
    return values.astype("float64").rename(column)


def _season(series, override):
    if override is not None:
        return override
    freq = getattr(series.index, "freqstr", None)
    if freq is None:
        return 1
    # "MS", "ME", "QS-DEC", "W-SUN" ... : the leading letter names the period.
    return _SEASONS.get(freq.lstrip("0123456789")[:1], 1)


def _one_line(exc):
    return " ".join(str(exc).split())


def _check_writable(*paths):
    # Fail before a fit that would be wasted on an output that cannot be written.
    for path in paths:
        if path is None:
            continue
        folder = os.path.dirname(os.path.abspath(path))
        if not os.path.isdir(folder):
            raise CLIError(f"cannot write {path}: no directory {folder}")
        if os.path.isdir(path):
            raise CLIError(f"cannot write {path}: it is a directory")


def _forecast(args, out):
    _check_writable(args.output, args.plot)
    series = _read_series(args)
    holdout = args.holdout
    horizon = args.horizon or holdout or 12
    n_train = len(series) - holdout
    if n_train < args.window + 2:
        raise CLIError(
            f"the series is too short: {max(n_train, 0)} training values "
            f"({len(series)} minus a holdout of {holdout}) for --window {args.window}; "
            f"need at least {args.window + 2}, so use a smaller --window or --holdout"
        )
    train = series.iloc[:n_train]
    season = _season(series, args.season)
    X, y = make_windows(train, window=args.window)
    params = {"window": args.window, "horizon": horizon, "random_state": args.seed}
    if args.epochs is not None:
        params["max_epochs"] = args.epochs
    if args.verbose:
        params["verbose"] = 1
    model = LSTMForecaster(**params)
    start = time.perf_counter()
    try:
        model.fit(X, y)
        forecast = model.forecast(train, steps=horizon)
    except (ValueError, TypeError) as exc:
        raise CLIError(_one_line(exc)) from None
    seconds = time.perf_counter() - start

    table = pd.DataFrame({"forecast": forecast})
    n_eval = min(holdout, horizon)
    if n_eval:
        actual = series.iloc[n_train : n_train + n_eval].to_numpy()
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
        try:
            table.to_csv(args.output, index_label=series.index.name or "index")
        except OSError as exc:
            raise CLIError(f"cannot write {args.output}: {exc.strerror or exc}") from None
        print(f"forecast written to {args.output}", file=out)
    if args.plot:
        _plot(args.plot, series, train, forecast, holdout, name)
        print(f"plot written to {args.plot}", file=out)


def _plot(path, series, train, forecast, holdout, name):
    try:
        from .plotting import _pyplot, plot_forecast

        plt = _pyplot()
    except ImportError as exc:
        raise CLIError(_one_line(exc)) from None
    actual = series.iloc[len(train) :] if holdout else None
    ax = plot_forecast(train, forecast, actual=actual, title=f"sklstm forecast of {name}")
    try:
        ax.figure.savefig(path, dpi=120)
    except OSError as exc:
        raise CLIError(f"cannot write {path}: {exc.strerror or exc}") from None
    except ValueError as exc:  # an extension matplotlib cannot write, e.g. ".txt"
        raise CLIError(f"cannot write {path}: {_one_line(exc)}") from None
    finally:
        plt.close(ax.figure)


def _metrics_table(table, train, season):
    rows = {}
    actual = table["actual"].to_numpy()
    for column in [c for c in ("forecast", "seasonal_naive") if c in table]:
        pred = table[column].to_numpy()
        row = {"MAE": np.mean(np.abs(actual - pred))}
        if np.all(actual != 0):
            row["MAPE %"] = 100 * np.mean(np.abs((actual - pred) / actual))
        if len(train) > season:
            # A ValueError here means seasonal naive is exact on the training
            # data, so MASE is undefined: the column is left out.
            with contextlib.suppress(ValueError):
                row[f"MASE (season {season})"] = mean_absolute_scaled_error(
                    actual, pred, y_train=train, season=season
                )
        rows["sklstm" if column == "forecast" else "seasonal naive"] = row
    return pd.DataFrame(rows).T.round(3)


def main(argv=None, out=None):
    """Run the command line and return its exit status.

    Parameters
    ----------
    argv : list of str, default=None
        The arguments, without the program name; ``sys.argv[1:]`` when
        ``None``.
    out : file-like, default=None
        Where the report goes; ``sys.stdout`` when ``None``. Errors go to
        ``sys.stderr`` as one line.

    Returns
    -------
    status : int
        ``0`` on success, ``2`` for a problem with the input.
    """
    out = sys.stdout if out is None else out
    args = _build_parser().parse_args(argv)
    try:
        _forecast(args, out)
    except CLIError as exc:
        print(f"sklstm: error: {exc}", file=sys.stderr)
        return 2
    return 0
