"""Read the series of ``sklstm forecast`` from a CSV file: separator, values, time index.

Every problem ends as a :class:`CLIError`, one line that names the problem and
the fix. Where a file is readable in only one sensible way (a ``;``-separated
file, day-first dates, whole numbers for years) it is read that way; where
two readings are plausible, the user is asked to choose.
"""

import re
import warnings

import numpy as np
import pandas as pd


class CLIError(Exception):
    """A problem with the user's input, reported as one line."""


def one_line(exc):
    """The message of ``exc`` on one line."""
    return " ".join(str(exc).split())


# Separators other than "," that a file read as one column may be using.
_OTHER_SEPARATORS = {";": "';'", "\t": "tab", "|": "'|'"}
# d/m/y, d.m.y or d-m-y (or m/d/y): the day-month order is ambiguous.
_DAY_MONTH_YEAR = re.compile(r"^\s*\d{1,2}([/.\-])\d{1,2}\1(\d{2}|\d{4})\b")


def read_series(path, column=None, date_column=None, date_format=None):
    """The values of ``column`` of the CSV file ``path`` as a float64 Series.

    With ``date_column`` the Series is indexed by its dates (a regular
    ``DatetimeIndex``) or, for whole numbers such as years, by a
    ``RangeIndex`` that continues them.
    """
    series, _ = read_series_and_covariates(path, column, date_column, date_format)
    return series


def read_series_and_covariates(
    path, column=None, date_column=None, date_format=None, covariates=()
):
    """The series of ``column`` and the covariate columns of ``path``.

    Returns ``(series, frame)``. With covariates, the rows after the last
    value of ``column`` (empty there) hold the covariates' future values:
    ``series`` ends at its last value, and ``frame`` (float64, one column per
    covariate, ``None`` without covariates) has every row of the file, on an
    index that continues the series'. Empty covariate cells are left as
    ``NaN``: which rows are needed depends on the forecast, so they are
    checked by :func:`check_covariate_rows`.
    """
    frame = _read_frame(path)
    covariates = list(covariates)
    for name in (column, date_column, *covariates):
        if name is not None and name not in frame.columns:
            option = " (named in --covariates)" if name in covariates else ""
            raise CLIError(
                f"no column {name!r}{option} in {path}; "
                f"its columns are: {', '.join(map(str, frame.columns))}"
            )
    for role, name in (("--column", column), ("--date-column", date_column)):
        if name is not None and name in covariates:
            raise CLIError(
                f"column {name!r} is both {role} and a covariate; leave it out of --covariates"
            )
    if column is None:
        others = [c for c in frame.columns if c != date_column and c not in covariates]
        if not others:
            what = "the dates and the covariates" if covariates else "the dates"
            raise CLIError(f"{path} has no column with values besides {what}")
        column = others[-1]
    values = _numeric_column(frame, column, path, "choose a numeric column with --column")
    n_values = len(values)
    if covariates:
        present = np.flatnonzero(values.notna().to_numpy())
        if not len(present):
            raise CLIError(f"column {column!r} has no values")
        n_values = int(present[-1]) + 1
    empty = np.flatnonzero(values.iloc[:n_values].isna().to_numpy())
    if len(empty):
        if covariates:
            raise CLIError(
                f"column {column!r} has {len(empty)} empty value(s) before its last value "
                f"(the first on line {empty[0] + 2}); only the rows after its last value, "
                "which hold the covariates' future values, may leave it empty; fill or "
                "drop them"
            )
        trailing = empty[0] == n_values - len(empty)
        hint = (
            " (rows after the last value hold future values of covariates only with --covariates)"
            if trailing
            else ""
        )
        raise CLIError(
            f"column {column!r} has {len(empty)} empty value(s); fill or drop them{hint}"
        )
    cov = None
    if covariates:
        cov = pd.DataFrame(
            {
                name: _numeric_column(
                    frame,
                    name,
                    path,
                    "covariates must be numbers: code flags and categories as 0, 1, ...",
                    what="covariate column",
                )
                for name in covariates
            }
        ).astype("float64")
        for name in covariates:
            _check_covariate_name(name, path)
    if date_column is not None:
        index = time_index(frame[date_column], date_column, date_format)
    elif date_format is not None:
        raise CLIError("--date-format needs --date-column, the column it applies to")
    else:
        index = pd.RangeIndex(len(frame))
    values.index = index
    if cov is not None:
        cov.index = index
    return values.iloc[:n_values].astype("float64").rename(column), cov


def _numeric_column(frame, name, path, fix, what="column"):
    values = pd.to_numeric(frame[name], errors="coerce")
    bad = values.isna() & frame[name].notna()
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0])
        raise CLIError(
            f"{what} {name!r} is not numeric: line {row + 2} of {path} holds "
            f"{frame[name].iloc[row]!r}; {fix}"
        )
    return values


def _check_covariate_name(name, path):
    from ._layout import check_covariate_name

    try:
        check_covariate_name(name)
    except ValueError:
        raise CLIError(
            f"covariate column {name!r} cannot be used under that name: names with '__' "
            "or ending in '_' would be misread in the model's column names; rename the "
            f"column in {path}"
        ) from None


def check_covariate_rows(covariates, n_rows, path):
    """Fail on an empty cell among the first ``n_rows`` rows of the covariates."""
    for name in covariates.columns:
        empty = np.flatnonzero(covariates[name].iloc[:n_rows].isna().to_numpy())
        if len(empty):
            raise CLIError(
                f"covariate column {name!r} is empty on line {empty[0] + 2} of {path} "
                f"({len(empty)} empty cell(s) in the first {n_rows} rows, which the fit "
                "and the forecast read); fill them"
            )


def _read_csv(path, **kwargs):
    try:
        return pd.read_csv(path, **kwargs)
    except FileNotFoundError:
        raise CLIError(f"file not found: {path}") from None
    except IsADirectoryError:
        raise CLIError(f"{path} is a directory, not a CSV file") from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise CLIError(f"cannot read {path} as CSV: {one_line(exc)}") from None


def _read_frame(path):
    """The CSV file as a DataFrame, also when it is separated by ';', tabs or '|'."""
    frame = _read_csv(path)
    if frame.shape[1] != 1:
        return frame
    header = str(frame.columns[0])
    for sep, name in _OTHER_SEPARATORS.items():
        if sep not in header:
            continue
        # One column whose name holds a separator: the file uses that one.
        try:
            other = pd.read_csv(path, sep=sep)
        except (pd.errors.ParserError, UnicodeDecodeError) as exc:
            raise CLIError(
                f"{path} seems to use {name} as separator, but cannot be read with it: "
                f"{one_line(exc)}; save it with ',' as separator"
            ) from None
        if other.shape[1] < 2:
            continue
        if sep == ";":
            # Files separated by ';' often write decimals with a comma (1,5).
            comma = pd.read_csv(path, sep=sep, decimal=",")
            if _n_numeric(comma) > _n_numeric(other):
                other = comma
        return other
    return frame


def _n_numeric(frame):
    return sum(dtype.kind in "iuf" for dtype in frame.dtypes)


def time_index(raw, name, date_format=None):
    """The index given by the date column ``raw``: regular dates or whole numbers."""
    if raw.isna().any():
        row = int(np.flatnonzero(raw.isna().to_numpy())[0])
        raise CLIError(
            f"column {name!r} has an empty value on line {row + 2}; every row needs a date"
        )
    if date_format is not None:
        index = _parse_dates(raw.astype(str), name, format=date_format)
        if index.isna().any():
            row = int(np.flatnonzero(index.isna())[0])
            raise CLIError(
                f"column {name!r} holds {raw.iloc[row]!r} on line {row + 2}, which does "
                f"not match --date-format {date_format!r}; fix the value or the format"
            )
        return _regular_dates(index, name)
    if raw.dtype.kind == "f" and np.all(np.isfinite(raw)) and np.all(raw == np.round(raw)):
        raw = raw.astype(np.int64)
    if raw.dtype.kind in "iu":
        return _whole_number_index(raw, name)
    if raw.dtype.kind == "f":
        raise CLIError(
            f"column {name!r} holds numbers with decimals, not dates or whole time "
            "steps; choose the date column with --date-column, or leave it out"
        )
    text = raw.astype(str).str.strip()
    month_first = _parse_dates(text, name)
    pattern = _DAY_MONTH_YEAR.match(text.iloc[0]) if len(text) else None
    if pattern is None:
        return _regular_dates(month_first, name)
    # 01/02/2000 is 2 January month first (pandas' default) but 1 February day
    # first (most of the world). Only one reading is usually evenly spaced.
    day_first = _parse_dates(text, name, dayfirst=True)
    month_ok, day_ok = _is_regular(month_first), _is_regular(day_first)
    if month_ok and day_ok and not month_first.equals(day_first):
        sep, year = pattern.group(1), "%Y" if len(pattern.group(2)) == 4 else "%y"
        raise CLIError(
            f"the dates in column {name!r} are evenly spaced read month first "
            f"({_first_dates(month_first)}) and day first ({_first_dates(day_first)}); "
            f"say which with --date-format '%m{sep}%d{sep}{year}' or "
            f"'%d{sep}%m{sep}{year}'"
        )
    if month_ok:
        return _regular_dates(month_first, name)
    if day_ok:
        return _regular_dates(day_first, name)
    return _regular_dates(month_first if not month_first.isna().any() else day_first, name)


def _first_dates(index):
    return ", ".join(f"{date:%Y-%m-%d}" for date in index[:2]) + ", ..."


def _whole_number_index(raw, name):
    values = raw.to_numpy()
    if len(values) and values.min() >= 10000101 and values.max() <= 99991231:
        # Eight digits: dates written as YYYYMMDD (20200131).
        dates = _parse_dates(pd.Series(values).astype(str), name, format="%Y%m%d")
        if not dates.isna().any():
            return _regular_dates(dates, name)
    # Years (1950, 1951, ...) or time steps: whole numbers, never nanoseconds
    # after 1970. The forecast continues them (2010, 2011, ...).
    steps = np.diff(values)
    if np.any(steps <= 0):
        raise CLIError(
            f"the values in column {name!r} are not in increasing order; "
            "sort the file by that column first"
        )
    if len(values) < 2 or np.any(steps != steps[0]):
        raise CLIError(
            f"the whole numbers in column {name!r} (read as years or time steps) are "
            "not evenly spaced (missing or repeated values); fix them, or leave out "
            "--date-column"
        )
    return pd.RangeIndex(int(values[0]), int(values[-1] + steps[0]), int(steps[0]), name=name)


def _parse_dates(text, name, **kwargs):
    with warnings.catch_warnings():
        # pandas warns when it cannot honour dayfirst or infer one format;
        # the result is judged below instead.
        warnings.simplefilter("ignore", UserWarning)
        return pd.DatetimeIndex(pd.to_datetime(text, errors="coerce", **kwargs), name=name)


def _is_regular(index):
    return (
        len(index) >= 3
        and not index.isna().any()
        and index.is_monotonic_increasing
        and pd.DatetimeIndex(index, freq="infer").freq is not None
    )


def _regular_dates(index, name):
    if index.isna().any():
        raise CLIError(f"column {name!r} holds values that are not dates")
    if not index.is_monotonic_increasing:
        raise CLIError(
            f"the dates in column {name!r} are not in increasing order; sort the file by "
            "date first"
        )
    # The frequency dates the forecast and sets the season.
    index = pd.DatetimeIndex(index, freq="infer") if len(index) >= 3 else index
    if index.freq is None:
        raise CLIError(
            f"the dates in column {name!r} are not evenly spaced (missing, repeated or "
            "irregular dates); fix them, or leave out --date-column"
        )
    return index
