"""
=====================================
Prediction intervals, step by step
=====================================

A forecast is more useful with a range that holds the actual value with a
known probability. With ``intervals=True``, :class:`~sklstm.LSTMForecaster`
calibrates such ranges while it fits, on out-of-sample errors of its own
recursive forecasts, separately for each step of the horizon: a second
ensemble, trained without the most recent rows, forecasts from those
held-out origins, and its errors at each step set the width of that step
(see :ref:`intervals`).

This example draws the 80% and 95% intervals of the AirPassengers forecast,
then checks on many series that the intervals hold what they promise at every
step of the horizon.
"""

from sklstm import LSTMForecaster, make_windows
from sklstm.datasets import load_airline

y = load_airline()
train, test = y[:-12], y[-12:]
X, Y = make_windows(train, window=24)

# %%
# Fit with intervals
# ------------------
# ``intervals=True`` costs one more training run in ``fit``; the point
# forecast is the same as without it. Three networks (``n_estimators=3``)
# keep the example quick.
model = LSTMForecaster(window=24, horizon=12, intervals=True, n_estimators=3, random_state=0)
model = model.fit(X, Y)

# %%
# ``forecast`` with a ``coverage`` returns the forecast and the bounds of the
# interval, on the future months.
bands = {coverage: model.forecast(train, coverage=coverage) for coverage in (0.8, 0.95)}
print(bands[0.95].round(1).head(3))

# %%
# How did 1960 fare? One year is only 12 values, so its coverage says little
# on its own; the interval score and MSIS reward narrow intervals and
# penalise misses by how far they miss.
from sklstm.metrics import empirical_coverage, interval_score, mean_scaled_interval_score

for coverage, frame in bands.items():
    inside = empirical_coverage(test, frame["lower"], frame["upper"])
    score = interval_score(test, frame["lower"], frame["upper"], coverage=coverage)
    msis = mean_scaled_interval_score(
        test, frame["lower"], frame["upper"], y_train=train, season=12, coverage=coverage
    )
    width = (frame["upper"] - frame["lower"]).to_numpy()
    print(
        f"{coverage:.0%} interval: {inside:.0%} of 1960 inside, width {width[0]:.0f} at "
        f"step 1 and {width[-1]:.0f} at step 12, interval score {score:.0f}, MSIS {msis:.2f}"
    )

# %%
# The bands
# ---------
# :func:`~sklstm.plotting.plot_forecast` draws a band from ``lower`` and
# ``upper``.
import matplotlib.pyplot as plt

from sklstm.plotting import plot_forecast

fig, axes = plt.subplots(1, 2, figsize=(10, 4), layout="constrained", sharey=True)
for ax, (coverage, frame) in zip(axes, bands.items(), strict=True):
    plot_forecast(
        train[-36:],
        frame["forecast"],
        actual=test,
        lower=frame["lower"],
        upper=frame["upper"],
        interval_label=f"{coverage:.0%} interval",
        ax=ax,
        title=f"{coverage:.0%} prediction interval",
    )
axes[1].set_ylabel("")
plt.show()

# %%
# Coverage at every step, on many series
# --------------------------------------
# An interval is calibrated when the share of actual values inside it is
# close to its nominal coverage, at every step of the horizon: a method that
# uses one width for all steps covers too much at step 1 and too little at
# step 12. Checking that takes many forecasts. Here, twelve monthly series of
# different sizes, with a drifting level, a season and noise, are generated;
# one model with ``scaler="row"`` is trained on their first five years (see
# :ref:`panels`), and its intervals are checked on every origin of the last
# three years. The rows carry the twelve values that follow them
# (``horizon=12``), from which the intervals are calibrated; ``max_steps``
# bounds the training.
import numpy as np
import pandas as pd

rng = np.random.default_rng(0)
n_series, n_months = 12, 96
months = np.arange(n_months)[:, None]
drift = np.exp(np.cumsum(rng.normal(0.003, 0.02, size=(n_months, n_series)), axis=0))
level = rng.uniform(20, 2000, size=n_series) * drift
season = 1 + rng.uniform(0.05, 0.3, n_series) * np.sin(
    2 * np.pi * (months + rng.integers(0, 12, n_series)) / 12
)
panel = pd.DataFrame(
    level * season * rng.normal(1, 0.03, size=(n_months, n_series)),
    index=pd.date_range("2015-01-01", periods=n_months, freq="MS", name="month"),
    columns=[f"series {i}" for i in range(n_series)],
)
first_test = 60  # five years to train on

X_panel, Y_panel = make_windows(panel.iloc[:first_test], window=24, horizon=12)
global_model = LSTMForecaster(
    scaler="row",
    intervals=True,
    hidden_size=16,
    n_estimators=2,
    batch_size=64,
    max_steps=150,
    random_state=0,
).fit(X_panel, Y_panel)

# Every origin whose first target lies in the last three years.
X_test, Y_test = make_windows(panel.iloc[first_test - 24 :], window=24, horizon=12)
actual = Y_test.to_numpy()
inside = {}
for coverage in (0.8, 0.95):
    lower, upper = global_model.predict_interval(X_test, coverage=coverage)
    inside[coverage] = ((actual >= lower) & (actual <= upper)).mean(axis=0)
    print(
        f"{coverage:.0%} intervals: {inside[coverage].mean():.1%} of {actual.size} values "
        f"inside; by step from {inside[coverage].min():.0%} to {inside[coverage].max():.0%}"
    )

# %%
fig, ax = plt.subplots(figsize=(8, 4), layout="constrained")
steps = np.arange(1, 13)
for coverage, color in ((0.8, "C0"), (0.95, "C1")):
    ax.plot(steps, inside[coverage], marker="o", color=color, label=f"{coverage:.0%} interval")
    ax.axhline(coverage, color=color, linestyle=":", linewidth=1)
ax.set_xlabel("forecast step (months ahead)")
ax.set_ylabel("share of actual values inside")
ax.set_xticks(steps)
ax.set_ylim(0.5, 1.02)
ax.legend(loc="lower left")
ax.set_title(f"Empirical coverage by step: {n_series} series, {len(X_test)} origins")
plt.show()

# %%
# The dotted lines are the nominal coverages: a step below its line had
# intervals too narrow on these series, a step above it too wide. The origins
# of one series overlap (a new one each month), so neighbouring steps share
# much of their data and the curves are smoother than independent samples
# would be.
#
# Coverage holds when the errors of new forecasts behave like the held-out
# ones. The held-out origins are the last months before the test; a level
# that drifts, as here, or a break or noise that grows after them, can make the
# far steps' intervals too narrow. The benchmarks of the repository measure the
# coverage at each step, and the interval scores against classical models, on
# 93 real series (``benchmarks/README.md``).
