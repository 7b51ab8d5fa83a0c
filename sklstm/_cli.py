"""The ``sklstm`` command line: fit on a series, forecast, compare with seasonal naive."""

import argparse
import os
import sys
import time

import numpy as np
import pandas as pd

from . import __version__
from ._cli_input import CLIError, check_covariate_rows, one_line, read_series_and_covariates
from ._forecaster import LSTMForecaster
from ._windowing import make_windows
from .metrics import (
    empirical_coverage,
    interval_score,
    mean_absolute_scaled_error,
    seasonal_naive,
)

# Season lengths by the pandas frequency's leading letters.
_SEASONS = {"M": 12, "Q": 4, "W": 52, "D": 7, "B": 5, "h": 24, "H": 24}

# The plot shows this many seasons of history before the forecast (at least
# the window and twice the horizon): the whole history would squeeze the
# forecast into a sliver at the right edge.
_PLOT_SEASONS = 3

_DESCRIPTION = """\
Fit an LSTMForecaster on a series, minus its last HOLDOUT values, and forecast
HORIZON steps. With a holdout, the forecast is printed next to the actual values,
with MAE, MAPE and MASE against the seasonal naive forecast. With no CSV file,
the bundled AirPassengers series (monthly, 1949-1960) is used.

With --coverage, the forecast comes with prediction intervals, calibrated on
forecasts from held-out training data; with a holdout, their coverage and
interval score are printed next to the point metrics. With --covariates, other
columns of the CSV file that are known in advance (calendar, prices, promotions)
feed the model: the rows after the last value of the series give their future
values.
"""

_EPILOG = """\
examples:
  sklstm forecast
      the airline series: fit on 1949-1959, forecast 1960, compare
  sklstm forecast sales.csv --column units --date-column month --plot sales.png
      a column of a CSV file, with dates for the forecast's index and the season
  sklstm forecast sales.csv --column units --holdout 0 --horizon 6 --output next.csv
      fit on all the data and write the next 6 values to a CSV file
  sklstm forecast --coverage 0.9 --plot airline.png
      the airline series with 90% prediction intervals, tested on 1960
  sklstm forecast sales.csv --column units --covariates price,promo --holdout 0 --horizon 6
      with the price and promotions of the 6 rows after the last value of units
"""


# Below two training pairs per value of the window, or below this many, the
# fit is poorly determined: the linear skip path alone has window + 1 weights.
# On AirPassengers with window 12, 6 pairs gave MASE 2.3-3.4 over three seeds
# where 60 pairs gave 0.5; the warning comes well before that.
_FEW_PAIRS = 20


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


def _coverage(text):
    """A coverage given as a share (0.9) or a percentage (90 or 90%)."""
    raw = text.strip()
    percent = raw.endswith("%")
    try:
        value = float(raw[:-1] if percent else raw)
    except ValueError:
        value = float("nan")
    if not np.isfinite(value):
        raise argparse.ArgumentTypeError(
            f"expected a share such as 0.9 or a percentage such as 90, got {text!r}"
        )
    if value == 1 and not percent:
        raise argparse.ArgumentTypeError(
            "1 is ambiguous (100%, which no interval can promise, or 1%); give a share "
            "below 1 such as 0.9, or a percentage such as 90 or 1%"
        )
    share = value / 100 if percent or value > 1 else value
    if not 0 < share < 1:
        raise argparse.ArgumentTypeError(
            "must be a share between 0 and 1 (such as 0.9) or a percentage between 0 "
            f"and 100 (such as 90), both exclusive; got {text!r}"
        )
    return share


def _column_names(text):
    names = [name.strip() for name in text.split(",")]
    if not all(names):
        raise argparse.ArgumentTypeError(
            f"expected column names separated by commas, such as price,promo; got {text!r}"
        )
    duplicated = sorted({name for name in names if names.count(name) > 1})
    if duplicated:
        raise argparse.ArgumentTypeError(
            f"{text!r} names {', '.join(duplicated)} more than once; name each column once"
        )
    return names


def _percent(share):
    return f"{100 * share:.10g}%"


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
        "--date-format",
        metavar="FORMAT",
        help="how the dates are written, e.g. %%d/%%m/%%Y (default: inferred; "
        "day-first dates are recognised when only they are evenly spaced)",
    )
    data.add_argument(
        "--covariates",
        type=_column_names,
        default=[],
        metavar="NAMES",
        help="columns with values known in advance (calendar, prices, ...), separated by "
        "commas; their future values go in the rows after the last value of the series "
        "(left empty there): HORIZON rows, less the held-out rows, whose own are used",
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
        metavar="N",
        help="past values the network reads (default: two seasons and at least 8, "
        "max(2 * season, 8): 24 for monthly data, 8 for quarterly or without dates)",
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
        help=f"maximum training epochs (default: {LSTMForecaster().max_epochs})",
    )
    model.add_argument(
        "--coverage",
        type=_coverage,
        metavar="P",
        help="add prediction intervals meant to hold the actual values with probability "
        "P: a share such as 0.9 or a percentage such as 90 or 90%%; calibrated on "
        "forecasts from held-out training data (a second fit)",
    )
    model.add_argument("--seed", type=int, default=0, help="random seed (default: 0)")
    model.add_argument(
        "-v", "--verbose", action="store_true", help="show a progress bar while training"
    )
    output = fc.add_argument_group("output")
    output.add_argument(
        "--plot",
        metavar="PNG",
        help="save a plot of the forecast and of the recent history (the last "
        f"{_PLOT_SEASONS} seasons, at least the window and twice the horizon) to PNG "
        "(.png is added to a name without an extension; .pdf or .svg give those "
        "formats); needs matplotlib",
    )
    output.add_argument("--output", metavar="CSV", help="write the forecast table to CSV")
    return parser


def _read_series(args):
    """The series and, with ``--covariates``, their frame over every row of the file."""
    if args.csv is None:
        if args.column is not None or args.date_column is not None or args.date_format:
            raise CLIError("--column, --date-column and --date-format need a CSV file")
        if args.covariates:
            raise CLIError("--covariates needs a CSV file with the covariates' columns")
        from .datasets import load_airline

        return load_airline(), None
    return read_series_and_covariates(
        args.csv, args.column, args.date_column, args.date_format, args.covariates
    )


def default_window(season):
    """``--window``'s default: two seasons, and at least 8 values (settings.rst)."""
    return max(2 * season, 8)


def _season(series, override):
    if override is not None:
        return override
    freq = getattr(series.index, "freqstr", None)
    if freq is None:
        return 1
    # "MS", "ME", "QS-DEC", "W-SUN" ... : the leading letter names the period.
    return _SEASONS.get(freq.lstrip("0123456789")[:1], 1)


def _plot_path(path):
    """The file ``--plot`` writes, checked before any training."""
    try:
        from .plotting import _pyplot

        _pyplot()
    except ImportError:
        raise CLIError(
            "--plot needs matplotlib, which is not installed; install it with "
            "pip install 'sklstm[plot]', or leave out --plot"
        ) from None
    from matplotlib.backend_bases import FigureCanvasBase

    extension = os.path.splitext(path)[1]
    if not extension:
        # matplotlib would add the extension itself; add it here, so that the
        # checks and the report name the file that is written.
        return path + ".png"
    known = FigureCanvasBase.get_supported_filetypes()
    if extension[1:].lower() not in known:
        raise CLIError(
            f"cannot write a plot to {path}: matplotlib does not know the extension "
            f"{extension!r}; use .png (or one of .{', .'.join(sorted(known))})"
        )
    return path


def _check_outputs(args, plot):
    """Fail before a fit that would be wasted, or that would overwrite the input."""
    outputs = [(o, path) for o, path in (("--output", args.output), ("--plot", plot)) if path]
    for option, path in outputs:
        folder = os.path.dirname(os.path.abspath(path))
        if not os.path.isdir(folder):
            raise CLIError(f"cannot write {path}: no directory {folder}")
        if os.path.isdir(path):
            raise CLIError(f"cannot write {path}: it is a directory")
        if args.csv is not None and _same_file(path, args.csv):
            raise CLIError(
                f"{option} {path} is the input file {args.csv}, which would be "
                f"overwritten; write to another file"
            )
    if len(outputs) == 2 and _same_file(outputs[0][1], outputs[1][1]):
        raise CLIError(
            f"--output and --plot name the same file, {args.output}; give them different names"
        )


def _same_file(a, b):
    # realpath follows symbolic links and normalises the spelling (./x, a/../x);
    # samefile also catches hard links and case-insensitive file systems.
    if os.path.realpath(a) == os.path.realpath(b):
        return True
    try:
        return os.path.samefile(a, b)
    except OSError:  # one of them does not exist (yet)
        return False


def _check_length(args, series, covariates, horizon):
    """The number of training values and of training pairs, or an error if too few."""
    holdout, window = args.holdout, args.window
    n_train = len(series) - holdout
    # With covariates, each pair holds the targets of the whole horizon, so
    # that every step the model predicts comes with its covariates.
    span = window + (horizon if covariates is not None else 1)
    if n_train < span + 1:
        needs = f"--window {window}"
        if covariates is not None:
            needs += f" and --horizon {horizon} (with --covariates, each pair spans both)"
        more = ", --horizon" if covariates is not None else ""
        raise CLIError(
            f"the series is too short: {max(n_train, 0)} training values "
            f"({len(series)} minus a holdout of {holdout}) for {needs}; need at least "
            f"{span + 1}, so use a smaller --window{more} or --holdout"
        )
    return n_train, n_train - span + 1


def _warn_few_pairs(args, n_train, n_pairs, covariates, horizon):
    """A warning on standard error when the pairs are too few for a reliable fit."""
    window = args.window
    if n_pairs >= max(_FEW_PAIRS, 2 * window):
        return
    least = (
        f"two per value of the window ({2 * window})"
        if 2 * window > _FEW_PAIRS
        else str(_FEW_PAIRS)
    )
    if covariates is None:
        how = f"{n_train} training values minus --window {window}"
    else:
        how = (
            f"{n_train} training values, each pair spanning --window {window} "
            f"and --horizon {horizon}"
        )
    print(
        f"sklstm: warning: only {n_pairs} training pairs ({how}), fewer than {least}: "
        "the forecast may be unreliable; use a longer series, or a smaller --window"
        f"{', --horizon' if covariates is not None else ''} or --holdout",
        file=sys.stderr,
    )


def _check_future_rows(args, series, covariates, n_train, horizon):
    """The covariates must reach ``horizon`` rows past the training values, all filled."""
    n_after = len(covariates) - n_train
    if n_after < horizon:
        future = len(covariates) - len(series)
        if args.holdout:
            have = (
                f"the {args.holdout} held-out row(s) and {future} row(s) after them give {n_after}"
            )
        else:
            have = f"{args.csv} has {n_after} such row(s)"
        shorter = f", or use --horizon {n_after}" if n_after else ""
        raise CLIError(
            f"--covariates needs the covariates' values at the {horizon} forecast steps, "
            f"in the rows after the training values, with {series.name!r} empty after its "
            f"last value; {have}: add {horizon - n_after} row(s) with the covariates' "
            f"future values{shorter}"
        )
    check_covariate_rows(covariates, n_train + horizon, args.csv)


def _forecast(args, out):
    plot = _plot_path(args.plot) if args.plot else None
    _check_outputs(args, plot)
    series, covariates = _read_series(args)
    holdout, coverage = args.holdout, args.coverage
    horizon = args.horizon or holdout or 12
    season = _season(series, args.season)
    if args.window is None:
        args.window = default_window(season)
    n_train, n_pairs = _check_length(args, series, covariates, horizon)
    if covariates is not None:
        _check_future_rows(args, series, covariates, n_train, horizon)
    _warn_few_pairs(args, n_train, n_pairs, covariates, horizon)
    train = series.iloc[:n_train]
    params = {"window": args.window, "horizon": horizon, "random_state": args.seed}
    if args.epochs is not None:
        params["max_epochs"] = args.epochs
    if args.verbose:
        params["verbose"] = 1
    if coverage is not None:
        params["intervals"] = True
    model = LSTMForecaster(**params)
    start = time.perf_counter()
    try:
        if covariates is None:
            X, y = make_windows(train, window=args.window)
        else:
            X, y = make_windows(
                train, window=args.window, horizon=horizon, covariates=covariates.iloc[:n_train]
            )
        _fit(model, X, y, coverage, horizon)
        forecast = model.forecast(train, steps=horizon, coverage=coverage, covariates=covariates)
    except (ValueError, TypeError) as exc:
        raise CLIError(one_line(exc)) from None
    seconds = time.perf_counter() - start

    table = pd.DataFrame({"forecast": forecast}) if coverage is None else forecast.copy()
    n_eval = min(holdout, horizon)
    if n_eval:
        actual = series.iloc[n_train : n_train + n_eval].to_numpy()
        table["actual"] = np.append(actual, [np.nan] * (horizon - n_eval))
        if len(train) >= season:
            table["seasonal_naive"] = seasonal_naive(train, horizon, season)
    name = series.name if series.name is not None else "series"
    with_covariates = (
        "" if covariates is None else f" with covariates {', '.join(args.covariates)}"
    )
    intervals = "" if coverage is None else f", {_percent(coverage)} intervals"
    print(
        f"sklstm {__version__}: {name}{with_covariates}, {len(train)} training values, window "
        f"{args.window}, horizon {horizon}{intervals}, fitted in {seconds:.2f} s "
        f"({model.n_iter_} epochs)",
        file=out,
    )
    print(table.to_string(float_format=lambda v: f"{v:.1f}"), file=out)
    if n_eval:
        metrics, notes = _metrics_table(table.iloc[:n_eval], train, season, coverage)
        print(file=out)
        print(metrics.to_string(na_rep="-"), file=out)
        for note in notes:
            print(note, file=out)
    if args.output:
        try:
            table.to_csv(args.output, index_label=series.index.name or "index")
        except OSError as exc:
            raise CLIError(f"cannot write {args.output}: {exc.strerror or exc}") from None
        print(f"forecast written to {args.output}", file=out)
    if plot:
        shown = max(_PLOT_SEASONS * season, 2 * horizon, args.window)
        _plot(plot, series, train, forecast, holdout, name, coverage, shown)
        print(f"plot written to {plot}", file=out)


def _fit(model, X, y, coverage, horizon):
    try:
        model.fit(X, y)
    except ValueError as exc:
        if coverage is None or "intervals=True" not in str(exc):
            raise
        # The estimator's advice (make_windows, intervals=False) is for code.
        raise CLIError(
            f"too few training values to calibrate the {_percent(coverage)} intervals of "
            f"--coverage: they are calibrated on forecasts of {horizon} steps from the most "
            f"recent training pairs, held out of a first fit, against the values that "
            f"followed them, and {len(X)} pairs cannot give those; use a longer series, a "
            "smaller --horizon, --window or --holdout, or leave out --coverage"
        ) from None


def _plot(path, series, train, forecast, holdout, name, coverage, shown):
    from .plotting import _pyplot, plot_forecast

    plt = _pyplot()
    actual = series.iloc[len(train) :] if holdout else None
    ax = plot_forecast(
        train.iloc[-shown:],
        forecast,
        actual=actual,
        coverage=coverage,
        title=f"sklstm forecast of {name}",
    )
    try:
        ax.figure.savefig(path, dpi=120)
    except OSError as exc:
        raise CLIError(f"cannot write {path}: {exc.strerror or exc}") from None
    except ValueError as exc:
        raise CLIError(f"cannot write {path}: {one_line(exc)}") from None
    finally:
        plt.close(ax.figure)


def _metrics_table(table, train, season, coverage=None):
    """The metrics of each forecast, and one line for each metric left out or explained."""
    actual = table["actual"].to_numpy()
    notes = []
    if "seasonal_naive" not in table:
        notes.append(
            f"seasonal naive is left out: it repeats the last season ({season} values), "
            f"but there are only {len(train)} training values"
        )
    show_mape = bool(np.all(actual != 0))
    if not show_mape:
        notes.append("MAPE is left out: some actual values are 0")
    scale = None
    if len(train) <= season:
        notes.append(
            f"MASE is left out: its scale needs more than one season ({season}) of "
            f"training values; there are {len(train)}"
        )
    else:
        y_train = train.to_numpy()
        scale = np.mean(np.abs(y_train[season:] - y_train[:-season]))
        if scale == 0:
            scale = None
            notes.append(
                f"MASE is left out: its scale is zero, since the seasonal naive forecast "
                f"(season {season}) is exact on the training values"
            )
    rows = {}
    for column in [c for c in ("forecast", "seasonal_naive") if c in table]:
        pred = table[column].to_numpy()
        row = {"MAE": np.mean(np.abs(actual - pred))}
        if show_mape:
            row["MAPE %"] = 100 * np.mean(np.abs((actual - pred) / actual))
        if scale is not None:
            row[f"MASE (season {season})"] = mean_absolute_scaled_error(
                actual, pred, y_train=train, season=season
            )
        rows["sklstm" if column == "forecast" else "seasonal naive"] = row
    if coverage is not None:
        lower, upper = table["lower"].to_numpy(), table["upper"].to_numpy()
        inside = int(np.sum((actual >= lower) & (actual <= upper)))
        rows["sklstm"]["coverage %"] = 100 * empirical_coverage(actual, lower, upper)
        rows["sklstm"]["interval score"] = interval_score(actual, lower, upper, coverage=coverage)
        notes.append(
            f"coverage %: {inside} of the {len(actual)} actual values lie inside the "
            f"{_percent(coverage)} intervals"
        )
        notes.append(
            f"interval score (Winkler): the intervals' width plus {2 / (1 - coverage):.10g} "
            "times the distance of each miss; lower is better"
        )
    return pd.DataFrame(rows).T.round(3), notes


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
