"""
==============================
Backtesting at rolling origins
==============================

One train/test split scores a forecaster on one stretch of time, which may be
easy or hard by chance. A *backtest* forecasts from many origins (cutoffs) in
turn, each time from the history up to the cutoff only, and scores every
forecast against what followed: how the error grows with the step ahead, and
how it varies from one cutoff to the next.

:func:`sklstm.backtest` does this for one series, a wide panel or long data,
and returns the forecasts next to the actuals, with MASE, sMAPE and interval
coverage by step and by series. Here: six months ahead of AirPassengers from 13
cutoffs two months apart, June 1958 to June 1960. See :ref:`backtesting` for the details.
"""

from sklstm.datasets import load_airline

y = load_airline()

# %%
# Fit once, forecast from every cutoff
# ------------------------------------
# ``refit=False`` fits the model once, on the history up to the first cutoff,
# and forecasts every later cutoff from its own, longer history with that fit:
# one fit instead of 13. ``refit=True`` (the default) fits at every cutoff;
# an integer ``k`` every ``k`` cutoffs. The model passed in is cloned and
# stays unfitted.
from sklstm import LSTMForecaster, backtest

model = LSTMForecaster(window=24, intervals=True, max_epochs=20, random_state=0)
result = backtest(model, y, horizon=6, n_windows=13, step=2, refit=False, coverage=0.8, season=12)
print(result.forecasts.head(7).round({"forecast": 1, "actual": 1, "lo-80": 1, "hi-80": 1}))

# %%
# Scores by step ahead
# --------------------
# MASE scales each absolute error by the mean absolute error of the seasonal
# naive forecast (the same month a year earlier) on the history up to its
# cutoff; below 1 is better than that naive forecast. sMAPE is in percent.
print(result.by_step.round(2))

# %%
# The same MASE for the seasonal naive forecast, from the same cutoffs.
import numpy as np

from sklstm.metrics import seasonal_naive

frame = result.forecasts
errors = []
for cutoff, one in frame.groupby("cutoff"):
    train = y.loc[:cutoff].to_numpy()
    naive = seasonal_naive(train, steps=6, season=12)
    scale = np.mean(np.abs(train[12:] - train[:-12]))
    errors.append(np.abs(one["actual"].to_numpy() - naive) / scale)
print("seasonal naive MASE by step:", np.round(np.mean(errors, axis=0), 2).tolist())

# %%
# Every forecast, and what followed
# ---------------------------------
import matplotlib.pyplot as plt

fig, ax = plt.subplots(figsize=(8, 3.5))
recent = y.loc["1958-06-01":]
ax.plot(recent.index, recent, color="k", lw=1.5, label="passengers")
for i, (_, one) in enumerate(frame.groupby("cutoff")):
    ax.plot(
        one["ds"], one["forecast"], color="C1", alpha=0.8, label="forecasts" if i == 0 else None
    )
ax.set_ylabel("passengers (thousands)")
ax.legend()
fig.tight_layout()
plt.show()
