"""
==========================================
The AirPassengers tutorial in ten lines
==========================================

The classic "LSTM on AirPassengers" tutorial scales the series, cuts it into
windows, trains a network one window at a time and feeds its predictions back
to forecast a year ahead, in about a hundred lines. With sklstm the same model
is one estimator, and the whole tutorial fits in ten lines. This example then
looks at how training went and how the forecast error grows with the horizon.

The model here is the default :class:`~sklstm.LSTMForecaster`: nothing is
tuned.
"""

# %%
# Fit on 1949-1959, forecast 1960
# -------------------------------
# :func:`~sklstm.make_windows` cuts the training years into forecast origins:
# each row of ``X`` holds 24 months, and ``Y`` the month that follows them.
# The model reads 24 months (two seasons, so it sees the month a year and a
# year ago) and predicts the next one; asked for 12 steps, it feeds each
# prediction back as the newest value of its window.
from sklstm import LSTMForecaster, make_windows
from sklstm.datasets import load_airline
from sklstm.plotting import plot_forecast

y = load_airline()
train, test = y[:-12], y[-12:]
X, Y = make_windows(train, window=24)
model = LSTMForecaster(window=24, horizon=12, random_state=0).fit(X, Y)
forecast = model.forecast(train, steps=12)
ax = plot_forecast(train["1955":], forecast, actual=test, title="AirPassengers: forecast of 1960")

# %%
# ``forecast`` returns a :class:`pandas.Series` dated by the twelve months of
# 1960, because the history has a monthly index.
print(forecast.round(1).to_string())

# %%
# How good is it? The mean absolute scaled error (MASE) divides the forecast's
# mean absolute error by that of the seasonal naive forecast (repeat last
# year) on the training data: below 1 the forecast beats that benchmark's
# in-sample accuracy. The seasonal naive forecast of 1960 itself is the
# yardstick to beat.
from sklstm.metrics import mean_absolute_scaled_error, seasonal_naive

naive = seasonal_naive(train, steps=12, season=12)
for name, pred in [("sklstm", forecast), ("seasonal naive", naive)]:
    mase = mean_absolute_scaled_error(test, pred, y_train=train, season=12)
    print(f"{name:>15}: MASE {mase:.2f}")

# %%
# The training curve
# ------------------
# ``loss_curve_`` holds the mean training loss of each epoch over the two
# networks of the ensemble, each in its own units. Without early stopping,
# training runs its whole budget (``max_epochs``), while the learning rate
# decays along a cosine to a tenth of its start.
from sklstm.plotting import plot_training_curve

ax = plot_training_curve(model, title=f"Training: {model.n_iter_} epochs")

# %%
# How the error grows with the horizon
# ------------------------------------
# Only step 1 of a forecast reads observed values alone; step ``k`` reads
# ``k - 1`` of the model's own predictions, so errors can compound along the
# horizon. To measure it, train on 1949-1956 and forecast 24 months ahead from
# every month after that. Each of the 24 months of 1959-1960 is then forecast
# 24 times: 1 month ahead, 2 months ahead, ..., 24 months ahead, always from
# origins after the training data. Comparing the steps on the same target
# months keeps the level of the series out of the comparison.
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

steps = np.arange(1, 25)
X_early, Y_early = make_windows(y[:"1956-12"], window=24)
early_model = LSTMForecaster(window=24, horizon=24, random_state=0).fit(X_early, Y_early)

X_all, _ = make_windows(y, window=24)  # rows indexed by the month of their first target
pred = pd.DataFrame(early_model.predict(X_all), index=X_all.index, columns=steps)
targets = y["1959":]


def mape(forecasts):
    """Mean absolute error on the target months, in % of the actual values."""
    return (100 * (forecasts - targets).abs() / targets).mean()


# The forecast of month t, k steps ahead, is step k of the row whose first
# target is month t - (k - 1). Seasonal naive repeats the last observed year:
# k <= 12 steps ahead that is the same month a year before, beyond it the
# same month two years before.
lstm_mape = pd.Series({k: mape(pred[k].shift(k - 1, freq="MS")) for k in steps})
naive_mape = pd.Series({k: mape(y.shift(12 if k <= 12 else 24)) for k in steps})
print("MAPE % by step, steps 1-12: ", lstm_mape[:12].round(1).tolist())
print("MAPE % by step, steps 13-24:", lstm_mape[12:].round(1).tolist())
print(f"mean, steps 1-12: {lstm_mape[:12].mean():.1f}   steps 13-24: {lstm_mape[12:].mean():.1f}")

fig, ax = plt.subplots(figsize=(8, 4), layout="constrained")
ax.bar(steps, lstm_mape, color="C1", label="sklstm (recursive)")
ax.step(steps, naive_mape, where="mid", color="k", linestyle="--", label="seasonal naive")
ax.axvline(12.5, color="0.6", linewidth=1)
ax.set(
    xlabel="forecast step (months ahead)",
    ylabel="mean absolute error (% of actual)",
    xticks=steps[::2],
    ylim=(0, 1.15 * max(naive_mape.max(), lstm_mape.max())),
    title="Error by forecast step on the same 24 months, 1959-1960",
)
ax.legend(loc="upper left", ncols=2)
plt.show()

# %%
# For the first 12 steps the error barely grows. The window holds 24 months,
# and for a strongly seasonal series the inputs that matter most are the same
# month one and two years earlier: up to step 12 they are still observed
# values, and only the most recent months of the window are the model's own
# predictions. From step 13 on, "the same month last year" is itself a
# forecast, and the error steps up. Seasonal naive
# steps up too, since it then has to repeat a year that is two years old.
# How fast errors compound depends on the series and the model: measure it on
# your data for the horizon you need. :ref:`recursive` explains the
# trade-off, and :ref:`cross_validation` shows how to score multi-step
# forecasts on time splits.
