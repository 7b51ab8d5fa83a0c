"""
=============================================
Cross-validation on time splits, 12 steps out
=============================================

:func:`~sklearn.model_selection.cross_validate` with
:class:`~sklearn.model_selection.TimeSeriesSplit` backtests a forecaster: each
fold trains a model on the earlier forecast origins and scores its 12-month
forecasts from the later ones. This example shows the folds, why the split
needs ``gap = horizon - 1``, the scores, and the forecasts behind them.

The training budget is kept small (20 epochs of batches of 128 windows) so
that the example runs in seconds.
"""

# %%
# Forecast origins and folds
# --------------------------
# :func:`~sklstm.make_windows` cuts the series into origins: 24 months of
# history per row of ``X``, the next 12 months per row of ``Y``, and each row
# dated by its first target month. Four folds test 12 origins each.
from sklearn.model_selection import TimeSeriesSplit

from sklstm import make_windows
from sklstm.datasets import load_airline

y = load_airline()
horizon = 12
X, Y = make_windows(y, window=24, horizon=horizon)
cv = TimeSeriesSplit(n_splits=4, gap=horizon - 1, test_size=12)

# %%
# Why the gap
# -----------
# Neighbouring origins share 11 of their 12 target months. Without a gap, the
# last training rows were trained on months that the first test rows are asked
# to forecast, and the score is optimistic. With ``gap=11`` no test target was
# ever a training target; the test rows' *inputs* may still be training
# targets, which is fine: at a forecast origin that history is known.
import pandas as pd


def target_months(rows):
    """Every month that the given rows predict."""
    return set().union(*(pd.date_range(Y.index[r], periods=horizon, freq="MS") for r in rows))


for gap in (0, horizon - 1):
    split = TimeSeriesSplit(n_splits=4, gap=gap, test_size=12)
    shared = [len(target_months(train) & target_months(test)) for train, test in split.split(X)]
    print(f"gap={gap:>2}: test target months that were training targets, by fold: {shared}")

# %%
# The folds on the time axis: training origins, the gap, and test origins,
# each a row's first target month.
import matplotlib.pyplot as plt
import numpy as np

folds = list(cv.split(X))
fig, ax = plt.subplots(figsize=(8, 3), layout="constrained")
for k, (train, test) in enumerate(folds):
    gap_rows = np.arange(train[-1] + 1, test[0])
    for rows, color, label in [
        (train, "C0", "training origins"),
        (gap_rows, "0.75", "gap (not used)"),
        (test, "C1", "test origins"),
    ]:
        ax.scatter(
            Y.index[rows],
            np.full(len(rows), k),
            s=12,
            color=color,
            marker="s",
            label=label if k == 0 else None,
        )
ax.set(
    yticks=range(len(folds)),
    yticklabels=[f"fold {k}" for k in range(len(folds))],
    xlabel="first target month of the origin",
    title="TimeSeriesSplit(n_splits=4, gap=11, test_size=12)",
)
ax.invert_yaxis()
fig.legend(loc="outside lower center", ncols=3, fontsize="small")
plt.show()

# %%
# Scores
# ------
# Each fold fits a fresh model (the scaler too) on its training rows only and
# scores the 12-step recursive forecasts from its test origins, averaged over
# all steps.
from sklearn.model_selection import cross_validate

from sklstm import LSTMForecaster

model = LSTMForecaster(max_epochs=20, batch_size=128, learning_rate=0.01, random_state=0)
scores = cross_validate(
    model,
    X,
    Y,
    cv=cv,
    scoring={"MAE": "neg_mean_absolute_error", "R2": "r2"},
    return_estimator=True,
    return_indices=True,
)
for k, (mae, r2) in enumerate(zip(-scores["test_MAE"], scores["test_R2"], strict=True)):
    print(f"fold {k}: MAE {mae:5.1f}   R2 {r2:5.2f}")
print(f"mean MAE {-scores['test_MAE'].mean():.1f} +- {scores['test_MAE'].std():.1f}")

# %%
# The forecasts behind the scores
# -------------------------------
# Each fold's model forecasts 12 months from every test origin; drawn here
# from the first one, with :meth:`~sklstm.LSTMForecaster.forecast` on the
# series up to that origin. ``predict`` on the test rows gives the same
# numbers for all origins at once.
fig, ax = plt.subplots(figsize=(8, 4), layout="constrained")
ax.plot(y["1955":], color="0.3", label="AirPassengers")
for k, (estimator, test) in enumerate(
    zip(scores["estimator"], scores["indices"]["test"], strict=True)
):
    origin = Y.index[test[0]]
    forecast = estimator.forecast(y[y.index < origin], steps=horizon)
    assert np.allclose(forecast, estimator.predict(X.iloc[test[:1]])[0])
    ax.plot(
        forecast,
        color=f"C{k + 1}",
        linestyle="--",
        marker=".",
        label=f"fold {k}: from {origin:%Y-%m}",
    )
ax.set(xlabel="month", ylabel="passengers (thousands)", title="Each fold's first test forecast")
ax.legend(loc="upper left", fontsize="small")
plt.show()
