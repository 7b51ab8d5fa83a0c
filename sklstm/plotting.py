"""Plots of forecasts and training curves.

These functions need matplotlib, an optional dependency: install it with
``pip install 'sklstm[plot]'``.
"""

import numpy as np
import pandas as pd
from sklearn.utils.validation import check_is_fitted

from ._forecast_index import future_index

__all__ = ["plot_forecast", "plot_training_curve"]


def _pyplot():
    try:
        import matplotlib.pyplot as plt
    except ImportError as exc:
        raise ImportError(
            "sklstm.plotting needs matplotlib, which is not installed; install it "
            "with pip install 'sklstm[plot]' (or pip install matplotlib)."
        ) from exc
    return plt


def _values(values, name):
    out = np.asarray(values, dtype=np.float64)
    if out.ndim != 1:
        raise ValueError(
            f"{name} must be one-dimensional (one series); got shape {out.shape}. "
            "To plot one row of predict's output, pass y_pred[i]."
        )
    return out


def _plottable(index):
    # matplotlib draws timestamps but not periods.
    return index.to_timestamp() if isinstance(index, pd.PeriodIndex) else index


def _positions(values):
    if isinstance(values, pd.Series):
        return _plottable(values.index)
    return np.arange(len(values))


def _future_positions(history, values):
    """Where values that follow ``history`` go on the x axis.

    A ``pandas.Series`` keeps its own index. Anything else continues the
    history's index, so that an array forecast lines up with a dated history.
    """
    if isinstance(values, pd.Series):
        return _plottable(values.index)
    if isinstance(history, pd.Series):
        try:
            return _plottable(future_index(history.index, len(values)))
        except ValueError:
            pass  # an irregular time index: fall back to plain positions
    return np.arange(len(history), len(history) + len(values))


_BOUNDS = ("forecast", "lower", "upper")


def _listed(value):
    return list(value) if isinstance(value, (list, tuple)) else [value]


def _coverage_label(coverage):
    try:
        share = float(coverage)
    except (TypeError, ValueError):
        share = float("nan")
    if not 0 < share < 1:
        raise ValueError(
            f"coverage must be a share strictly between 0 and 1, such as 0.9; got {coverage!r}."
        )
    # 0.9 -> "90%", 0.975 -> "97.5%"
    return f"{100 * share:.10g}% interval"


def _frame_columns(frame, position):
    """The ``forecast``, ``lower`` and ``upper`` columns of one DataFrame forecast."""
    where = "forecast" if position is None else f"forecast[{position}]"
    if isinstance(frame.columns, pd.MultiIndex):
        raise ValueError(
            f"{where} is a panel's forecast (one group of columns per series); plot one "
            "series at a time: pass frame[name], whose columns are forecast, lower, upper."
        )
    missing = [name for name in _BOUNDS if name not in frame.columns]
    if missing:
        raise ValueError(
            f"{where} is a DataFrame without the column(s) {missing}: a DataFrame "
            "forecast needs the columns 'forecast', 'lower' and 'upper', as "
            "model.forecast(history, steps, coverage=0.9) returns; it has "
            f"{list(map(str, frame.columns))}."
        )
    return [frame[name] for name in _BOUNDS]


def _forecast_and_bands(forecast, lower, upper):
    """The point forecast and a list of ``(lower, upper)`` bands, as given."""
    frames = None
    if isinstance(forecast, pd.DataFrame):
        frames = [forecast]
    elif isinstance(forecast, (list, tuple)) and any(
        isinstance(item, pd.DataFrame) for item in forecast
    ):
        if not all(isinstance(item, pd.DataFrame) for item in forecast):
            raise ValueError(
                "forecast is a list that mixes DataFrames with other values; to draw "
                "several bands, pass a list of DataFrames such as "
                "model.forecast(history, steps, coverage=c) returns."
            )
        frames = list(forecast)
    if frames is None:
        if (lower is None) != (upper is None):
            raise ValueError("Pass both lower and upper to draw an interval, or neither.")
        return forecast, [] if lower is None else [(lower, upper)]
    if lower is not None or upper is not None:
        raise ValueError(
            "lower and upper go with an array or Series forecast; a DataFrame forecast "
            "carries its bounds in its columns 'lower' and 'upper'. Leave out lower "
            "and upper."
        )
    single = len(frames) == 1 and isinstance(forecast, pd.DataFrame)
    columns = [_frame_columns(f, None if single else i) for i, f in enumerate(frames)]
    point = columns[0][0]
    for i, (other, _, _) in enumerate(columns[1:], start=1):
        same_index = other.index.equals(point.index)
        same_values = len(other) == len(point) and np.allclose(
            _values(other, "forecast"), _values(point, "forecast"), equal_nan=True
        )
        if not (same_index and same_values):
            raise ValueError(
                f"forecast[{i}] and forecast[0] hold different forecasts (their "
                "'forecast' columns or indexes differ); the bands of one plot must "
                "surround one forecast: model.forecast(history, steps, coverage=c) of "
                "one model and history, for each coverage c."
            )
    return point, [(lo, up) for _, lo, up in columns]


def _band_labels(n_bands, coverage, interval_label):
    """The legend label of each band."""
    given = {"coverage": coverage, "interval_label": interval_label}
    given = {name: _listed(value) for name, value in given.items() if value is not None}
    if not n_bands:
        if given:
            raise ValueError(
                f"{' and '.join(given)} label(s) an interval, but there is none to draw: "
                "pass lower and upper, or the DataFrame that "
                "model.forecast(history, steps, coverage=0.9) returns, as forecast."
            )
        return []
    for name, values in given.items():
        if len(values) != n_bands:
            raise ValueError(
                f"{name} has {len(values)} value(s) for {n_bands} band(s); give one "
                "per band (a list in the order of the forecast's DataFrames)."
            )
    if "interval_label" in given:
        return [str(label) for label in given["interval_label"]]
    if "coverage" in given:
        return [_coverage_label(value) for value in given["coverage"]]
    return ["interval"] * n_bands


def _checked_band(lower, upper, n_steps):
    lower, upper = _values(lower, "lower"), _values(upper, "upper")
    if not len(lower) == len(upper) == n_steps:
        raise ValueError(
            f"lower ({len(lower)} values) and upper ({len(upper)} values) must "
            f"have one value per forecast step ({n_steps})."
        )
    above = np.flatnonzero(lower > upper)
    if len(above):
        k = int(above[0])
        raise ValueError(
            f"lower is above upper at {len(above)} step(s), first at step {k + 1} "
            f"(lower {lower[k]:g}, upper {upper[k]:g}); pass the lower bounds as lower "
            "and the upper bounds as upper."
        )
    return lower, upper


def _mean_width(lower, upper):
    widths = upper - lower
    widths = widths[np.isfinite(widths)]
    return float(widths.mean()) if len(widths) else 0.0


def plot_forecast(
    history,
    forecast,
    *,
    actual=None,
    lower=None,
    upper=None,
    coverage=None,
    interval_label=None,
    ax=None,
    title=None,
):
    """Draw a series' history, its forecast with its intervals, and the actual values.

    Parameters
    ----------
    history : array-like of shape (n_timesteps,) or pandas.Series
        The values the forecast starts from.
    forecast : array-like of shape (steps,), pandas.Series, pandas.DataFrame or list
        The forecast. A ``pandas.Series`` is drawn at its index; an array
        right after the history (at the next dates when ``history`` is a
        ``pandas.Series`` with a regular time index). A ``DataFrame`` with
        columns ``forecast``, ``lower`` and ``upper``, as
        ``model.forecast(history, steps, coverage=0.9)`` returns, draws the
        forecast and its interval as a shaded band; it is placed like a
        ``Series`` when ``history`` is a ``pandas.Series``, else like an
        array. A list of such DataFrames (the same forecast at several
        coverages, e.g. 80% and 95%) draws one band each, the narrower
        darker.
    actual : array-like or pandas.Series, default=None
        The values that really followed the history, placed like
        ``forecast``.
    lower, upper : array-like of shape (steps,), default=None
        The bounds of a prediction interval around an array or ``Series``
        forecast, drawn as a shaded band. Give both or neither; a
        ``DataFrame`` forecast carries its own.
    coverage : float or list of float, default=None
        The coverage of each band (one per DataFrame of a list), e.g.
        ``0.9``: labels the band ``"90% interval"``.
    interval_label : str or list of str, default=None
        Legend label of each band, overriding the one made from
        ``coverage``; ``"interval"`` when neither is given.
    ax : matplotlib.axes.Axes, default=None
        Where to draw; a new figure when ``None``.
    title : str, default=None
        The axes title.

    Returns
    -------
    ax : matplotlib.axes.Axes
        The axes drawn on, with lines labelled ``history``, ``actual`` (when
        given) and ``forecast``, and one band (in ``ax.collections``) per
        interval, widest first. The x label is the name of the history's
        index (or "time step"), the y label the history's name (or "value").

    Raises
    ------
    ValueError
        If a band does not have one bound per forecast step, if a lower
        bound is above its upper bound, if a DataFrame lacks a column, if
        the DataFrames of a list hold different forecasts, or if
        ``coverage`` or ``interval_label`` do not give one value per band.

    See Also
    --------
    plot_training_curve : The training loss and validation score by epoch.
    sklstm.LSTMForecaster.forecast : With ``coverage``, the DataFrame drawn here.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from sklstm.plotting import plot_forecast
    >>> ax = plot_forecast(
    ...     [1, 2, 3, 4], [5, 6], actual=[5.5, 5.8], lower=[4.5, 5], upper=[5.5, 7]
    ... )
    >>> [line.get_label() for line in ax.get_lines()]
    ['history', 'actual', 'forecast']
    >>> ax.get_xlabel(), ax.get_ylabel()
    ('time step', 'value')

    A model fitted with ``intervals=True`` forecasts with intervals; the
    80% and 95% bands of its forecast go on one plot:

    >>> from sklstm import LSTMForecaster, make_windows
    >>> from sklstm.datasets import load_airline
    >>> y = load_airline()
    >>> train, test = y[:-12], y[-12:]
    >>> X, y = make_windows(train, window=12)
    >>> model = LSTMForecaster(
    ...     horizon=12, max_epochs=3, intervals=True, random_state=0
    ... ).fit(X, y)
    >>> bands = [model.forecast(train, 12, coverage=c) for c in (0.8, 0.95)]
    >>> list(bands[0].columns)
    ['forecast', 'lower', 'upper']
    >>> ax = plot_forecast(train, bands, actual=test, coverage=[0.8, 0.95])
    >>> [band.get_label() for band in ax.collections]
    ['95% interval', '80% interval']
    """
    point, bands = _forecast_and_bands(forecast, lower, upper)
    labels = _band_labels(len(bands), coverage, interval_label)
    plt = _pyplot()
    if isinstance(forecast, (pd.DataFrame, list, tuple)) and not isinstance(history, pd.Series):
        # forecast(array, steps, coverage=...) indexes its rows from 0: they
        # follow the history, like an array forecast.
        point = np.asarray(point)
    history_values = _values(history, "history")
    forecast_values = _values(point, "forecast")
    bands = [_checked_band(lo, up, len(forecast_values)) for lo, up in bands]
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 4), layout="constrained")
    history_x = _positions(history)
    forecast_x = _future_positions(history, point)

    ax.plot(history_x, history_values, color="0.35", label="history")
    if actual is not None:
        actual_values = _values(actual, "actual")
        ax.plot(_future_positions(history, actual), actual_values, color="C0", label="actual")
    # Widest first, palest first: nested bands read as a fan.
    order = sorted(range(len(bands)), key=lambda i: -_mean_width(*bands[i]))
    alphas = np.linspace(0.15, 0.35, len(bands)) if len(bands) > 1 else [0.25] * len(bands)
    drawn = []
    for alpha, i in zip(alphas, order, strict=True):
        band = ax.fill_between(
            forecast_x,
            bands[i][0],
            bands[i][1],
            color="C1",
            alpha=alpha,
            linewidth=0,
            label=labels[i],
        )
        drawn.append(band)
    (line,) = ax.plot(
        forecast_x,
        forecast_values,
        color="C1",
        linestyle="--",
        marker="." if len(forecast_values) <= 60 else None,
        label="forecast",
    )

    if isinstance(history_x, pd.DatetimeIndex):
        # Concise labels ("1960", "Jul") stay readable on narrow axes.
        from matplotlib.dates import AutoDateLocator, ConciseDateFormatter

        locator = AutoDateLocator()
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(ConciseDateFormatter(locator))
    index_name = history.index.name if isinstance(history, pd.Series) else None
    series_name = getattr(history, "name", None)
    ax.set_xlabel(index_name if index_name is not None else "time step")
    ax.set_ylabel(series_name if series_name is not None else "value")
    if title is not None:
        ax.set_title(title)
    # The bands are drawn under the forecast line, but listed after it.
    handles, _ = ax.get_legend_handles_labels()
    handles = [h for h in handles if all(h is not band for band in drawn)]
    at = next(k for k, h in enumerate(handles) if h is line) + 1
    ax.legend(handles=handles[:at] + drawn + handles[at:], loc="upper left")
    return ax


def plot_training_curve(estimator, *, ax=None, title=None):
    """Draw a fitted model's training loss and, with early stopping, its validation score.

    Parameters
    ----------
    estimator : LSTMForecaster
        A fitted model; reads ``loss_curve_`` and ``validation_scores_``.
    ax : matplotlib.axes.Axes, default=None
        Where to draw the training loss (log scale); a new figure when
        ``None``. The validation score goes on a twin axis on the right.
    title : str, default=None
        The axes title.

    Returns
    -------
    ax : matplotlib.axes.Axes
        The axes of the training loss, with its line labelled ``training
        loss``. With early stopping, the twin axis holds a line labelled
        ``validation R²`` and a marker at the best epoch; it is reachable as
        ``ax.right_ax``.

    See Also
    --------
    plot_forecast : A forecast next to its history and the actual values.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from sklstm import LSTMForecaster, make_windows
    >>> from sklstm.plotting import plot_training_curve
    >>> from sklstm.datasets import load_airline
    >>> X, y = make_windows(load_airline(), window=12)
    >>> model = LSTMForecaster(
    ...     hidden_size=8, max_epochs=5, early_stopping=True, random_state=0
    ... ).fit(X, y)
    >>> ax = plot_training_curve(model)
    >>> [line.get_label() for line in ax.get_lines()]
    ['training loss']
    >>> [line.get_label() for line in ax.right_ax.get_lines()]
    ['validation R²', 'best epoch']
    """
    check_is_fitted(estimator, "loss_curve_")
    plt = _pyplot()
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 4), layout="constrained")
    loss = np.asarray(estimator.loss_curve_, dtype=np.float64)
    epochs = np.arange(1, len(loss) + 1)
    handles = ax.plot(epochs, loss, color="C0", label="training loss")
    ax.set_yscale("log")
    ax.set_xlabel("epoch")
    ax.set_ylabel("training loss (MSE, scaled units)")
    scores = getattr(estimator, "validation_scores_", None)
    if scores is not None:
        right = ax.twinx()
        scores = np.asarray(scores, dtype=np.float64)
        handles += right.plot(epochs, scores, color="C1", label="validation R²")
        best = int(np.argmax(scores))
        handles += right.plot(
            epochs[best],
            scores[best],
            linestyle="none",
            marker="o",
            color="C1",
            label="best epoch",
        )
        right.set_ylabel("validation R² (one step ahead)")
        ax.right_ax = right
    if title is not None:
        ax.set_title(title)
    # A falling loss leaves the upper right free; a rising score fills it.
    ax.legend(handles=handles, loc="upper right" if scores is None else "center right")
    return ax
