"""
===========
LSTM vs GRU
===========

``cell="gru"`` swaps the LSTM core for a GRU, which has three gates instead of
four and so about three quarters of the weights. This example fits both on
AirPassengers (1949-1959), forecasts 1960 with three random seeds each, and
compares accuracy and fit time. One split of one series is far too little to
crown a winner, and the repository's benchmarks measure the LSTM core only:
to choose for your data, search ``cell`` with
:class:`~sklearn.model_selection.GridSearchCV` over time splits of your own
series (:ref:`sklearn_integration`).
"""

import time

import numpy as np

from sklstm import LSTMForecaster, make_windows
from sklstm.datasets import load_airline
from sklstm.metrics import mean_absolute_scaled_error

y = load_airline()
train, test = y[:-12], y[-12:]
X, Y = make_windows(train, window=12)

results, forecasts = [], {}
for cell in ["lstm", "gru"]:
    for seed in [0, 1, 2]:
        start = time.perf_counter()
        model = LSTMForecaster(window=12, horizon=12, cell=cell, random_state=seed).fit(X, Y)
        forecast = model.forecast(train)
        seconds = time.perf_counter() - start
        mase = mean_absolute_scaled_error(test, forecast, y_train=train, season=12)
        n_weights = sum(p.numel() for p in model.module_.parameters())
        results.append((cell, seed, mase, seconds, model.n_iter_, n_weights))
        forecasts[cell, seed] = forecast

print("cell  seed  MASE  seconds  epochs  weights")
for cell, seed, mase, seconds, epochs, n_weights in results:
    print(f"{cell:>4}  {seed:>4}  {mase:.2f}  {seconds:7.1f}  {epochs:>6}  {n_weights:>7}")

# %%
# The forecasts of 1960
# ---------------------
# Each cell's forecast with seed 0 (dots) and seeds 1 and 2, next to the
# actual values.
import matplotlib.pyplot as plt

from sklstm.plotting import plot_forecast

fig, axes = plt.subplots(1, 2, figsize=(10, 4), layout="constrained", sharey=True)
for ax, cell in zip(axes, ["lstm", "gru"], strict=True):
    plot_forecast(train["1957":], forecasts[cell, 0], actual=test, ax=ax, title=cell.upper())
    for seed in [1, 2]:
        label = "seeds 1 and 2" if seed == 1 else None
        ax.plot(forecasts[cell, seed], color="C1", linestyle="--", alpha=0.4, label=label)
    ax.legend(loc="upper left")
axes[1].set_ylabel("")
plt.show()

# %%
# Accuracy by seed
# ----------------
# The spread over seeds shows how much of a difference between the cells is
# luck.
fig, ax = plt.subplots(figsize=(6, 3.5), layout="constrained")
for i, cell in enumerate(["lstm", "gru"]):
    mase = [r[2] for r in results if r[0] == cell]
    ax.scatter(np.full(len(mase), i), mase, s=60, color=f"C{i}", zorder=2)
    ax.hlines(np.median(mase), i - 0.2, i + 0.2, color=f"C{i}", label=f"{cell.upper()} median")
ax.axhline(1.0, color="0.6", linestyle=":", label="MASE 1")
ax.set(
    xticks=[0, 1],
    xticklabels=["LSTM", "GRU"],
    xlim=(-0.6, 1.6),
    ylim=(0, None),
    ylabel="MASE, 1960 (lower is better)",
)
ax.legend(loc="lower right")
plt.show()
