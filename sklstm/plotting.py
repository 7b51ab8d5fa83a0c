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


def plot_forecast(
    history,
    forecast,
    *,
    actual=None,
    lower=None,
    upper=None,
    interval_label="interval",
    ax=None,
    title=None,
):
    """Draw a series' history, its forecast and, when given, the actual values.

    Parameters
    ----------
    history : array-like of shape (n_timesteps,) or pandas.Series
        The values the forecast starts from.
    forecast : array-like of shape (steps,) or pandas.Series
        The forecast. A ``pandas.Series`` is drawn at its index; an array
        right after the history (at the next dates when ``history`` is a
        ``pandas.Series`` with a regular time index).
    actual : array-like or pandas.Series, default=None
        The values that really followed the history, placed like
        ``forecast``.
    lower, upper : array-like of shape (steps,), default=None
        The bounds of a prediction interval around the forecast, drawn as a
        shaded band. Give both or neither.
    interval_label : str, default="interval"
        Legend label of the band, e.g. ``"90% interval"``.
    ax : matplotlib.axes.Axes, default=None
        Where to draw; a new figure when ``None``.
    title : str, default=None
        The axes title.

    Returns
    -------
    ax : matplotlib.axes.Axes
        The axes drawn on, with lines labelled ``history``, ``actual`` (when
        given) and ``forecast``. The x label is the name of the history's
        index (or "time step"), the y label the history's name (or "value").

    See Also
    --------
    plot_training_curve : The training loss and validation score by epoch.

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
    """
    if (lower is None) != (upper is None):
        raise ValueError("Pass both lower and upper to draw an interval, or neither.")
    plt = _pyplot()
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 4), layout="constrained")
    history_values = _values(history, "history")
    forecast_values = _values(forecast, "forecast")
    history_x = _positions(history)
    forecast_x = _future_positions(history, forecast)

    ax.plot(history_x, history_values, color="0.35", label="history")
    if actual is not None:
        actual_values = _values(actual, "actual")
        ax.plot(_future_positions(history, actual), actual_values, color="C0", label="actual")
    if lower is not None:
        lower, upper = _values(lower, "lower"), _values(upper, "upper")
        if not len(lower) == len(upper) == len(forecast_values):
            raise ValueError(
                f"lower ({len(lower)} values) and upper ({len(upper)} values) must "
                f"have one value per forecast step ({len(forecast_values)})."
            )
        ax.fill_between(
            forecast_x, lower, upper, color="C1", alpha=0.25, linewidth=0, label=interval_label
        )
    ax.plot(
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
    ax.legend(loc="upper left")
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
