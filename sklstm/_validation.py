"""Input validation with messages that name the forecasting fix.

scikit-learn's ``validate_data`` names problems in general terms: "features",
an imputer or a gradient-boosting model for NaN, the whole array for complex
input. A forecaster's user needs the forecasting fix instead: fill the series,
cut it into rows with ``make_windows``, call ``forecast`` for one history.
The first sentence of sklearn's message is kept, since sklearn's own estimator
checks (and users' ``except`` clauses) match on it.
"""

import numpy as np
import pandas as pd
from sklearn.utils.validation import validate_data

_NUMBERS_HINT = (
    " X and y must hold numbers: convert text columns first, e.g. "
    "df.apply(pandas.to_numeric), and drop date or label columns (one row of X "
    "is the history of one series, oldest value first)."
)


# What the caller is doing, for the advice in the messages.
_CONTEXTS = ("fit", "partial_fit", "warm_start", "predict", "score")


def validate_input(estimator, X, y="no_validation", *, context=None, **kwargs):
    """``validate_data``, re-raising its input errors with a clearer message.

    ``context`` is one of ``_CONTEXTS``; by default ``"fit"`` when ``y`` is
    given, else ``"predict"``.
    """
    has_y = not (isinstance(y, str) and y == "no_validation")
    context = context or ("fit" if has_y else "predict")
    assert context in _CONTEXTS, context
    _refuse_dates(X, "X")
    if has_y:
        _refuse_dates(y, "y")
    try:
        # sklearn's finiteness check sums the array first: values near the
        # float64 limit overflow that sum and warn, though they are finite.
        with np.errstate(over="ignore", invalid="ignore"):
            return validate_data(estimator, X, y, **kwargs)
    except (TypeError, ValueError) as exc:
        message = _explain(str(exc), estimator, X, context)
        if message is None:
            raise
        raise (TypeError if isinstance(exc, TypeError) else ValueError)(message) from exc


def _is_date_dtype(dtype):
    """Whether ``dtype`` holds dates, times or durations (numpy or pandas)."""
    if isinstance(dtype, np.dtype):
        return dtype.kind in "mM"
    return isinstance(dtype, (pd.DatetimeTZDtype, pd.PeriodDtype)) or (
        getattr(dtype, "kind", None) in ("m", "M")
    )


def _refuse_dates(data, name):
    """Refuse date, time and duration values, which numpy would turn into numbers."""
    if isinstance(data, pd.DataFrame):
        columns = [column for column, dtype in data.dtypes.items() if _is_date_dtype(dtype)]
        if columns:
            raise TypeError(
                f"{name} has date or time column(s) {columns}, but it must hold only "
                "the values of the series: one history per row, oldest value first. "
                f"Drop them, e.g. {name}.drop(columns={columns!r}); the dates of a "
                "series belong in its index (make_windows(series, ...) keeps them there)."
            )
        return
    dtype = getattr(data, "dtype", None)
    if dtype is not None and _is_date_dtype(dtype):
        raise TypeError(
            f"{name} holds dates or durations (dtype {dtype}), not the values of a "
            "series. Pass the values, and keep the dates as the index of a "
            "pandas.Series: make_windows(pandas.Series(values, index=dates), window=...)."
        )


def _shape(X):
    """The shape of ``X`` without failing on ragged or odd input."""
    try:
        return np.shape(X)
    except (TypeError, ValueError):
        return None


def _explain(message, estimator, X, context):
    """A clearer message for one of sklearn's input errors, or None to keep it."""
    fitting = context in ("fit", "partial_fit", "warm_start")
    first_line = message.split("\n", 1)[0].rstrip()
    if not first_line.endswith("."):
        first_line += "."
    if "contains NaN" in message:
        return (
            f"{first_line} Forecast origins need complete histories and targets: fill "
            "the gaps of the series before cutting it into rows (e.g. "
            "series.interpolate(), then make_windows), or drop the rows with "
            "missing values."
        )
    if "contains infinity" in message:
        return (
            f"{first_line} Replace the infinite values before fitting or predicting, "
            "e.g. series.replace([np.inf, -np.inf], np.nan).interpolate(), or drop "
            "those rows."
        )
    if "could not convert" in message or "argument must be a string or a" in message:
        return message.rstrip(".") + "." + _NUMBERS_HINT
    if "Complex data not supported" in message:
        # sklearn appends the whole array to this message: leave it out.
        return (
            "Complex data not supported: X and y must hold real numbers. Pass the "
            "real part (X.real) or the magnitude (np.abs(X))."
        )
    if "Expected 2D array" in message or "Expected a 2-dimensional container" in message:
        if fitting:
            fix = (
                "To train on one series, cut it into rows first: "
                "X, y = make_windows(series, window=...)."
            )
        else:
            fix = "To forecast one series, call forecast(history)."
        return (
            "X must be 2-D, one history per row, shape (n_samples, n_timesteps); "
            f"got a 1-D array or Series. {fix} Reshape your data with "
            "X.reshape(1, -1) if it is a single history."
        )
    if "Found array with dim" in message:
        shape = _shape(X)
        if shape is not None and len(shape) > 2:
            return (
                f"X must be 2-D, one univariate history per row, shape (n_samples, "
                f"n_timesteps); got shape {shape}. For Keras-style input of shape "
                "(n_samples, n_timesteps, 1), pass X[..., 0]; several variables per "
                "time step are not supported."
            )
        return (
            f"{first_line} y must be 1-D (one target per row) or 2-D (n_samples, "
            "horizon); for Keras-style targets of shape (n_samples, horizon, 1), "
            "pass y[..., 0]."
        )
    if "features, but" in message and "is expecting" in message:
        expected = estimator.n_features_in_
        shape = _shape(X)
        given = shape[1] if shape is not None and len(shape) == 2 else None
        if given is not None and given > expected:
            fix = f"pass the last {expected} steps of each row, X[:, -{expected}:]"
        else:
            fix = "pass longer histories"
        if context == "partial_fit":
            other = (
                "or fit a new model on these rows: model.fit(X, y), or "
                "clone(model).fit(X, y) to keep this one"
            )
        elif fitting:
            other = "or set warm_start=False to fit a new model on these rows"
        else:
            other = "or call forecast(history) for one series of any length >= window_"
        return (
            f"{first_line} Each row must hold the {expected} time steps the model "
            f"was fitted on (it reads the last window_={getattr(estimator, 'window_', '?')}): "
            f"{fix}, {other}."
        )
    if "0 sample(s)" in message:
        return (
            f"{first_line} Pass at least one row; make_windows needs a series of at "
            "least window + horizon values to cut one."
        )
    if "0 feature(s)" in message:
        return f"{first_line} Every row of X and of y needs at least one value."
    if "inconsistent numbers of samples" in message:
        return (
            f"{first_line} X and y need one row per forecast origin: "
            "make_windows(series, window, horizon) returns a matching pair."
        )
    return None
