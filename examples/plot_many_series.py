"""
=========================
One model for many series
=========================

A row of ``X`` is one forecast origin and carries its own history, so nothing
ties a model to one series. A *global* model is trained on the rows of many
series at once: it learns the shapes they share (here a yearly season on a
growing level) from all of them, and forecasts all of them with one call.

The workflow, from a wide DataFrame of series to their forecasts:

1. :func:`~sklstm.make_windows` cuts every series of the panel into rows,
   ordered by time;
2. one :class:`~sklstm.LSTMForecaster` with ``scaler="row"`` learns from
   series of any magnitude;
3. :func:`~sklearn.model_selection.cross_validate` with
   :class:`~sklearn.model_selection.TimeSeriesSplit` validates it over time;
4. ``forecast(panel, steps)`` forecasts every series.

The series are generated so that the example runs offline and in seconds:
eight monthly series, from tens to tens of thousands, each with its own
growth, season and noise; one of them starts three years late.
See :ref:`panels` for the details.
"""

import numpy as np
import pandas as pd

rng = np.random.default_rng(0)
n_series, n_months = 8, 96
months = np.arange(n_months)[:, None]
level = 10.0 ** rng.uniform(1, 4.5, size=n_series)  # about 10 to 30,000
growth = rng.uniform(0.0, 0.012, size=n_series)  # per month
strength = rng.uniform(0.1, 0.35, size=n_series)
phase = rng.integers(0, 12, size=n_series)
values = (
    level
    * np.exp(growth * months)
    * (1 + strength * np.sin(2 * np.pi * (months + phase) / 12))
    * rng.normal(1, 0.03, size=(n_months, n_series))
)
panel = pd.DataFrame(
    values,
    index=pd.date_range("2016-01-01", periods=n_months, freq="MS", name="month"),
    columns=[f"store {i}" for i in range(n_series)],
)
panel.iloc[:36, -1] = np.nan  # the last store opened three years later
print(panel.describe().loc[["count", "min", "max"]].round(0).T)

# %%
# Rows of every series
# --------------------
# The last year is kept aside for the final check. :func:`~sklstm.make_windows`
# cuts every series of the rest into rows of 24 months followed by the next
# 12, leaves out the windows that touch a ``NaN``, and orders the rows by time,
# then by series, with a ``(time, series)`` index.
from sklstm import LSTMForecaster, make_windows

history, future = panel.iloc[:-12], panel.iloc[-12:]
X, Y = make_windows(history, window=24, horizon=12)
print(f"{X.shape[0]} rows from {n_series} series; the first ones:")
print(X.index[:3].tolist())

# %%
# One model, on a per-row scale
# -----------------------------
# A scaler fitted on all values at once would map the range of the largest
# store onto (-1, 1) and squash the small ones into a sliver of it. With
# ``scaler="row"`` each row is scaled by its own history, so every series
# counts alike. The rows overlap (each carries twelve targets), so
# ``max_steps`` caps the training and a larger ``batch_size`` makes each step
# cover more of them.
model = LSTMForecaster(
    scaler="row", hidden_size=16, n_estimators=2, batch_size=64, max_steps=150, random_state=0
)

# %%
# Validation over time
# --------------------
# The rows are in time order across all series, so ``TimeSeriesSplit`` trains
# each fold on earlier origins and tests on later ones. Its ``gap`` counts
# rows: to keep the test targets apart from the training targets of the same
# series it must span ``horizon - 1`` months of every series, here
# ``11 * n_series`` rows. The mean absolute percentage error treats a small
# store like a large one.
from sklearn.model_selection import TimeSeriesSplit, cross_validate

cv = TimeSeriesSplit(n_splits=3, gap=11 * n_series)
scores = cross_validate(model, X, Y, cv=cv, scoring="neg_mean_absolute_percentage_error")
print("MAPE of 12-month forecasts by fold:", np.round(-scores["test_score"], 3))

# %%
# Forecast every series
# ---------------------
# Fitted on all the rows, the model takes the wide history and returns a wide
# DataFrame of forecasts: one column per series, on the next twelve months.
model = model.fit(X, Y)
forecast = model.forecast(history, steps=12)
print(forecast.round(0).iloc[:3, :4])

# %%
# How good are the forecasts of the last year? The mean absolute scaled error
# compares each with the seasonal naive forecast (repeat the last year) on its
# own scale; below 1 is better than naive.
from sklstm.metrics import mean_absolute_scaled_error, seasonal_naive

mase = {}
for name in panel.columns:
    train = history[name].dropna().to_numpy()
    naive = seasonal_naive(train, steps=12, season=12)
    mase[name] = {
        method: mean_absolute_scaled_error(future[name], pred, y_train=train, season=12)
        for method, pred in (("sklstm", forecast[name]), ("seasonal naive", naive))
    }
mase = pd.DataFrame(mase).T
print(mase.round(2))
wins = (mase["sklstm"] < mase["seasonal naive"]).sum()
print(f"sklstm beats seasonal naive on {wins} of {n_series} series")

# %%
# Every forecast
# --------------
# All eight series, from the smallest to the largest, with the year that was
# kept aside; the titles give each forecast's MASE and that of seasonal naive.
import matplotlib.pyplot as plt

from sklstm.plotting import plot_forecast

smallest_to_largest = panel.mean().sort_values().index
fig, axes = plt.subplots(4, 2, figsize=(10, 11), layout="constrained", sharex=True)
for ax, name in zip(axes.flat, smallest_to_largest, strict=True):
    plot_forecast(
        history[name].iloc[-36:],
        forecast[name],
        actual=future[name],
        ax=ax,
        title=f"{name}: MASE {mase.loc[name, 'sklstm']:.2f} "
        f"(naive {mase.loc[name, 'seasonal naive']:.2f})",
    )
for ax in axes.flat:
    ax.set_ylabel("")
    ax.get_legend().remove()
axes[0, 0].legend(loc="upper left")
fig.suptitle("One model, eight series from tens to tens of thousands")
plt.show()

# %%
# A series the model never saw is forecast the same way: its last 24 months
# are just another row, and ``scaler="row"`` puts it on the model's scale.
