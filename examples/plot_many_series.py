"""
=========================
One model for many series
=========================

A row of ``X`` is one forecast origin and carries its own history, so nothing
ties a model to one series: rows cut from many series can be stacked and fed
to one :class:`~sklstm.LSTMForecaster`. Such a *global* model learns the
shapes the series share (here a yearly season on a growing level) from all of
them at once, and forecasts all of them with one call to ``predict``.

The series here are generated, so that the example runs offline and in
seconds: 40 monthly series, eight years each, with their own level, growth,
season strength, phase and noise.
"""

import numpy as np

rng = np.random.default_rng(0)
n_series, n_months = 40, 96
t = np.arange(n_months)
level = rng.uniform(20, 500, size=(n_series, 1))
growth = rng.uniform(0.0, 0.015, size=(n_series, 1))  # per month
strength = rng.uniform(0.05, 0.3, size=(n_series, 1))
phase = rng.integers(0, 12, size=(n_series, 1))
noise = rng.normal(1, 0.03, size=(n_series, n_months))
series = level * np.exp(growth * t) * (1 + strength * np.sin(2 * np.pi * (t + phase) / 12))
series *= noise

train, test = series[:, :-12], series[:, -12:]

# %%
# Put the series on one scale
# ---------------------------
# The model's scaler is fitted on all training values at once, so a series in
# the hundreds would drown one in the tens. Dividing each series by its own
# training mean puts them on a common scale; the forecasts are multiplied
# back at the end. (The per-window normalisation, ``relative=True`` by
# default, already removes each window's level; this removes its units.)
scale = train.mean(axis=1, keepdims=True)
train_scaled = train / scale

# %%
# Stack the forecast origins of all series
# ----------------------------------------
# :func:`~sklstm.make_windows` cuts each series into rows of 12 months and the
# month that follows; the rows of all series are stacked into one ``X``.
from sklstm import LSTMForecaster, make_windows

pairs = [make_windows(row, window=12) for row in train_scaled]
X = np.vstack([X_i for X_i, _ in pairs])
y = np.concatenate([y_i for _, y_i in pairs])
print(f"{n_series} series -> X {X.shape}, y {y.shape}")


# %%
# With thousands of rows, larger batches keep each epoch short.
model = LSTMForecaster(window=12, horizon=12, batch_size=128, max_epochs=30, random_state=0)
model = model.fit(X, y)

# %%
# Forecast every series at once
# -----------------------------
# The last 12 months of each series are one row; ``predict`` returns the next
# 12 months of every row, recursively, in one batched pass.
forecast = model.predict(train_scaled[:, -12:]) * scale
print("forecast:", forecast.shape)

# %%
# Compare with the seasonal naive forecast (repeat the last year) by the mean
# absolute scaled error of each series.
from sklstm.metrics import mean_absolute_scaled_error, seasonal_naive

mase = {"sklstm": [], "seasonal naive": []}
for history, actual, pred in zip(train, test, forecast, strict=True):
    naive = seasonal_naive(history, steps=12, season=12)
    for name, values in [("sklstm", pred), ("seasonal naive", naive)]:
        mase[name].append(mean_absolute_scaled_error(actual, values, y_train=history, season=12))
mase = {name: np.array(values) for name, values in mase.items()}
for name, values in mase.items():
    print(f"{name:>15}: median MASE {np.median(values):.2f}")
wins = np.mean(mase["sklstm"] < mase["seasonal naive"])
print(f"sklstm beats seasonal naive on {wins:.0%} of the series")

# %%
# Four of the forecasts
# ---------------------
import matplotlib.pyplot as plt

from sklstm.plotting import plot_forecast

fig, axes = plt.subplots(2, 2, figsize=(10, 6), layout="constrained", sharex=True)
for ax, i in zip(axes.flat, np.argsort(level.ravel())[:: n_series // 4], strict=True):
    plot_forecast(
        train[i, -36:],
        forecast[i],
        actual=test[i],
        ax=ax,
        title=f"series {i}: MASE {mase['sklstm'][i]:.2f} (naive {mase['seasonal naive'][i]:.2f})",
    )
for ax in axes[0]:
    ax.set_xlabel("")
for ax in axes.flat:
    ax.set_ylabel("")
    ax.get_legend().remove()
axes[0, 0].legend(loc="upper left")
fig.suptitle("One model, 40 series: the last three years and the forecast of the next")
plt.show()

# %%
# The same model would forecast a series it never saw, as long as its values
# are put on the same scale: its last 12 months are just another row.
