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
plot_forecast(train["1955":], forecast, actual=test, title="AirPassengers: forecast of 1960")

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
# ``loss_curve_`` holds the mean training loss of each epoch, in scaled units.
# Without early stopping, training stops when this loss has not improved for
# ``n_iter_no_change`` epochs (or after ``max_epochs``).
from sklstm.plotting import plot_training_curve

plot_training_curve(model, title=f"Training: {model.n_iter_} epochs")

# %%
# How the error grows with the horizon
# ------------------------------------
# Only step 1 of a forecast reads observed values alone; step ``k`` reads
# ``k - 1`` of the model's own predictions, so errors can compound along the
# horizon. To measure it, train on 1949-1957 and forecast twelve months ahead
# from every month after that. Each of the 24 months of 1959-1960 is then
# forecast twelve times: 1 month ahead, 2 months ahead, ..., 12 months ahead,
# always from origins after the training data. Comparing the steps on the
# same target months keeps the level of the series out of the comparison.
import matplotlib.pyplot as plt
import pandas as pd

X_early, Y_early = make_windows(y[:"1957-12"], window=24)
early_model = LSTMForecaster(window=24, horizon=12, random_state=0).fit(X_early, Y_early)

X_all, _ = make_windows(y, window=24)  # rows indexed by the month of their first target
pred = pd.DataFrame(early_model.predict(X_all), index=X_all.index, columns=range(1, 13))
targets = y["1959":]
mape = pd.Series(
    {
        # The forecast of month t, k steps ahead, is step k of the row whose
        # first target is month t - (k - 1).
        k: (100 * (pred[k].shift(k - 1, freq="MS") - targets).abs() / targets).mean()
        for k in range(1, 13)
    }
)
naive_mape = (100 * (y.shift(12) - targets).abs() / targets).mean()
print("MAPE % by step:", mape.round(1).to_dict())

fig, ax = plt.subplots(figsize=(8, 4), layout="constrained")
ax.bar(mape.index, mape, color="C1", label="sklstm (recursive)")
ax.axhline(naive_mape, color="k", linestyle="--", label="seasonal naive (any step)")
ax.set(
    xlabel="forecast step (months ahead)",
    ylabel="mean absolute error (% of actual)",
    xticks=mape.index,
    ylim=(0, 1.3 * max(naive_mape, mape.max())),
    title="Error by forecast step on the same 24 months, 1959-1960",
)
ax.legend(loc="upper left", ncols=2)

# %%
# The seasonal naive forecast copies the same month of last year, so it is
# the same forecast at every step. The recursive forecast has to carry the
# trend and the season forward through its own predictions; compare its first
# steps with the last ones. :ref:`recursive` explains the trade-off, and
# :ref:`cross_validation` shows how to score multi-step forecasts on time
# splits.
