"""Plots of forecasts and training curves (needs matplotlib: ``pip install sklstm[plot]``)."""

import numpy as np


def _pyplot():
    try:
        import matplotlib.pyplot as plt
    except ImportError as exc:  # pragma: no cover - exercised by a test that hides matplotlib
        raise ImportError(
            "sklstm.plotting needs matplotlib; install it with pip install 'sklstm[plot]'."
        ) from exc
    return plt


def _positions(values, start=0):
    index = getattr(values, "index", None)
    return index if index is not None else np.arange(start, start + len(values))


def plot_forecast(history, forecast, *, actual=None, ax=None, title=None):
    """Draw a series' history, its forecast and, when given, the actual values.

    Parameters
    ----------
    history : array-like or pandas.Series
        The values the forecast starts from.
    forecast : array-like or pandas.Series
        The forecast values. A Series is drawn at its index; an array right
        after the history.
    actual : array-like or pandas.Series, default=None
        The values that really followed the history.
    ax : matplotlib.axes.Axes, default=None
        Where to draw; a new figure when ``None``.
    title : str, default=None
        The axes title.

    Returns
    -------
    ax : matplotlib.axes.Axes
        The axes drawn on, with lines labelled ``history``, ``forecast`` and
        ``actual``.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from sklstm.plotting import plot_forecast
    >>> ax = plot_forecast([1, 2, 3, 4], [5, 6], actual=[5.5, 5.8])
    >>> [line.get_label() for line in ax.get_lines()]
    ['history', 'actual', 'forecast']
    """
    plt = _pyplot()
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 4))
    ax.plot(_positions(history), np.asarray(history), color="0.3", label="history")
    if actual is not None:
        ax.plot(_positions(actual, len(history)), np.asarray(actual), color="C0", label="actual")
    ax.plot(
        _positions(forecast, len(history)),
        np.asarray(forecast),
        color="C1",
        linestyle="--",
        label="forecast",
    )
    if title is not None:
        ax.set_title(title)
    ax.legend()
    return ax
