"""Input validation with messages that name the forecasting fix.

scikit-learn's ``validate_data`` names problems in general terms: "features",
an imputer or a gradient-boosting model for NaN, the whole array for complex
input. A forecaster's user needs the forecasting fix instead: fill the series,
cut it into rows with ``make_windows``, call ``forecast`` for one history.
The first sentence of sklearn's message is kept, since sklearn's own estimator
checks (and users' ``except`` clauses) match on it.
"""

import numpy as np
from sklearn.utils.validation import validate_data

_NUMBERS_HINT = (
    " X and y must hold numbers: convert text columns first, e.g. "
    "df.apply(pandas.to_numeric), and drop date or label columns (one row of X "
    "is the history of one series, oldest value first)."
)


def validate_input(estimator, X, y="no_validation", **kwargs):
    """``validate_data``, re-raising its input errors with a clearer message."""
    try:
        return validate_data(estimator, X, y, **kwargs)
    except (TypeError, ValueError) as exc:
        fitting = not (isinstance(y, str) and y == "no_validation")
        message = _explain(str(exc), estimator, X, fitting)
        if message is None:
            raise
        raise (TypeError if isinstance(exc, TypeError) else ValueError)(message) from exc


def _shape(X):
    """The shape of ``X`` without failing on ragged or odd input."""
    try:
        return np.shape(X)
    except (TypeError, ValueError):
        return None


def _explain(message, estimator, X, fitting):
    """A clearer message for one of sklearn's input errors, or None to keep it."""
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
        if fitting:
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
