"""Cut a series into forecast origins: ``make_windows``."""

import warnings
from numbers import Integral

import numpy as np
import pandas as pd
from numpy.lib.stride_tricks import sliding_window_view
from sklearn.utils._param_validation import Interval, InvalidParameterError, validate_params

# numpy >= 1.25 has it in np.exceptions; numpy 2 only there.
_ComplexWarning = getattr(np, "exceptions", np).ComplexWarning


def _as_series_values(series, name="series"):
    """Return ``series`` as a 1-D real ndarray, without copying when possible.

    Dates, durations and complex numbers are refused rather than converted:
    numpy would turn dates into nanoseconds since 1970 and drop imaginary
    parts with only a warning.
    """
    values = series.to_numpy() if isinstance(series, pd.Series) else np.asarray(series)
    if values.ndim == 0:
        raise TypeError(
            f"{name} must be a sequence of values (a list, 1-D array or "
            f"pandas.Series); got {type(series).__name__}. For a generator or another "
            f"iterator, pass list({name})."
        )
    if values.ndim != 1:
        raise ValueError(
            f"{name} must be one-dimensional (a list, 1-D array or pandas.Series); "
            f"got an array of shape {values.shape}. For a DataFrame, select one "
            "column, e.g. df['value']."
        )
    if values.dtype.kind in "mM":
        raise TypeError(
            f"{name} holds dates or durations (dtype {values.dtype}), not the values "
            "of a series. Pass the values, with the dates as the index of a "
            "pandas.Series: pandas.Series(values, index=dates)."
        )
    if values.dtype.kind == "c":
        raise ValueError(
            f"Complex data not supported: {name} must hold real numbers. Pass the "
            "real part (np.real(values)) or the magnitude (np.abs(values))."
        )
    if values.dtype.kind not in "biuf":
        try:
            with warnings.catch_warnings():
                # Complex Python numbers in an object array: refused below.
                warnings.simplefilter("error", _ComplexWarning)
                values = values.astype(np.float64)
        except (TypeError, ValueError, _ComplexWarning) as exc:
            raise TypeError(
                f"{name} must hold numbers; got dtype {values.dtype}. Convert it "
                "first, e.g. pandas.to_numeric(series)."
            ) from exc
    return values


def _check_not_bool(**params):
    """Refuse booleans, which the ``Integral`` constraints accept as 0 and 1."""
    for name, value in params.items():
        if isinstance(value, (bool, np.bool_)):
            raise InvalidParameterError(
                f"The '{name}' parameter of make_windows must be an int in the range "
                f"[1, inf). Got {value!r} instead: a boolean is not a number of "
                f"steps; pass an int, e.g. {name}={int(value) or 1}."
            )


@validate_params(
    {
        "series": ["array-like"],
        "window": [Interval(Integral, 1, None, closed="left")],
        "horizon": [Interval(Integral, 1, None, closed="left")],
        "step": [Interval(Integral, 1, None, closed="left")],
    },
    prefer_skip_nested_validation=True,
)
def make_windows(series, window, horizon=1, *, step=1):
    """Cut one series into forecast origins ``(X, y)`` ready for ``fit``.

    Row ``i`` of ``X`` holds ``window`` consecutive values, oldest first,
    starting at position ``i * step``; ``y[i]`` holds the ``horizon`` values
    that follow them. Rows are in time order, so ``X`` and ``y`` can be split
    with :class:`~sklearn.model_selection.TimeSeriesSplit`.

    Parameters
    ----------
    series : array-like of shape (n_timesteps,) or pandas.Series
        The series, oldest value first, equally spaced in time.
    window : int
        Number of past values in each row of ``X``.
    horizon : int, default=1
        Number of future values in each row of ``y``.
    step : int, default=1
        Distance between the starts of consecutive rows.

    Returns
    -------
    X : ndarray of shape (n_origins, window) or pandas.DataFrame
        The histories. For an ndarray input this is a read-only view of the
        series (no copy is made per window). For a ``pandas.Series`` it is a
        DataFrame with columns ``lag_<window>`` ... ``lag_1`` and, like ``y``,
        indexed by the time of the first target.
    y : ndarray of shape (n_origins,) or (n_origins, horizon), or pandas object
        The targets: 1-D when ``horizon == 1``. For a ``pandas.Series`` input a
        Series (``horizon == 1``) or a DataFrame with columns ``step_1`` ...
        ``step_<horizon>``.

    Raises
    ------
    ValueError
        If the series is not one-dimensional or shorter than
        ``window + horizon``.

    Examples
    --------
    >>> import numpy as np
    >>> from sklstm import make_windows
    >>> X, y = make_windows(np.arange(6), window=3, horizon=2)
    >>> X
    array([[0, 1, 2],
           [1, 2, 3]])
    >>> y
    array([[3, 4],
           [4, 5]])
    """
    _check_not_bool(window=window, horizon=horizon, step=step)
    values = _as_series_values(series)
    n_origins = (len(values) - window - horizon) // step + 1
    if n_origins < 1:
        raise ValueError(
            f"The series has {len(values)} values, fewer than window + horizon = "
            f"{window + horizon}: no (history, target) pair fits. Use a longer "
            "series or a smaller window or horizon."
        )
    X = sliding_window_view(values, window)[: n_origins * step : step]
    targets = values[window:]
    if horizon == 1:
        y = targets[: n_origins * step : step]
        # Read-only like the sliding views, so no window can write into the series.
        y.flags.writeable = False
    else:
        y = sliding_window_view(targets, horizon)[: n_origins * step : step]
    if isinstance(series, pd.Series):
        index = series.index[window : window + n_origins * step : step]
        X = pd.DataFrame(X, index=index, columns=[f"lag_{k}" for k in range(window, 0, -1)])
        if horizon == 1:
            y = pd.Series(y, index=index, name=series.name)
        else:
            y = pd.DataFrame(y, index=index, columns=[f"step_{k}" for k in range(1, horizon + 1)])
    return X, y
