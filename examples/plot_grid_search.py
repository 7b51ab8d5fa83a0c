"""
=======================================================
Tuning ``window`` and ``hidden_size`` with GridSearchCV
=======================================================

:class:`~sklstm.LSTMForecaster` is a scikit-learn regressor, so its settings
are tuned with :class:`~sklearn.model_selection.GridSearchCV` like any other
model's. This example searches over how many months the network reads
(``window``) and the size of its hidden state (``hidden_size``) on
AirPassengers up to 1959, scoring 12-month forecasts on time splits, and then
forecasts 1960 with the chosen model.

The training budget is kept small (20 epochs of batches of 128 windows) so
that the search runs in seconds; a real search would train longer.
"""

# %%
# Forecast origins and time splits
# ---------------------------------
# Each row of ``X`` carries 24 months of history and each row of ``Y`` the 12
# months that follow. The rows are as long as the largest window tried: a
# shorter ``window`` reads only the most recent months of each row.
# :class:`~sklearn.model_selection.TimeSeriesSplit` keeps time order, and
# ``gap = horizon - 1`` keeps every test target out of the training targets
# (see :ref:`cross_validation`).
from sklearn.model_selection import GridSearchCV, TimeSeriesSplit

from sklstm import LSTMForecaster, make_windows
from sklstm.datasets import load_airline

y = load_airline()
train, test = y[:-12], y[-12:]
X, Y = make_windows(train, window=24, horizon=12)
cv = TimeSeriesSplit(n_splits=2, gap=11)

search = GridSearchCV(
    LSTMForecaster(max_epochs=20, batch_size=128, learning_rate=0.01, random_state=0),
    {"window": [12, 24], "hidden_size": [8, 32]},
    cv=cv,
    scoring="neg_mean_absolute_error",
)
search.fit(X, Y)
print("best:", search.best_params_, f"MAE {-search.best_score_:.1f} passengers")

# %%
# The scores
# ----------
# ``cv_results_`` holds, for every candidate, the score of each fold and their
# mean. The scorer is the negative mean absolute error, averaged over all 12
# steps of every test origin: flip the sign to read it as an error.
import matplotlib.pyplot as plt
import numpy as np

windows = search.param_grid["window"]
sizes = search.param_grid["hidden_size"]
results = search.cv_results_
mae = np.empty((len(sizes), len(windows)))
for params, score in zip(results["params"], results["mean_test_score"], strict=True):
    mae[sizes.index(params["hidden_size"]), windows.index(params["window"])] = -score

fig, ax = plt.subplots(figsize=(6, 3), layout="constrained")
image = ax.imshow(mae, cmap="viridis_r", aspect="auto")
for (i, j), value in np.ndenumerate(mae):
    # Dark text on the light (low error) cells, light text on the dark ones.
    color = "k" if value < mae.mean() else "w"
    ax.text(j, i, f"{value:.1f}", ha="center", va="center", color=color)
ax.set(
    xticks=range(len(windows)),
    xticklabels=windows,
    yticks=range(len(sizes)),
    yticklabels=sizes,
    xlabel="window (months read)",
    ylabel="hidden_size",
    title="Mean absolute error over 2 time splits (lower is better)",
)
fig.colorbar(image, ax=ax, label="passengers (thousands)")
plt.show()

# %%
# The chosen model forecasts 1960
# -------------------------------
# With ``refit=True`` (the default) the best configuration is trained again on
# all rows; ``best_estimator_`` then forecasts the year after the training
# data. The seasonal naive forecast (the same month last year) is the
# yardstick.
from sklstm.metrics import mean_absolute_scaled_error, seasonal_naive
from sklstm.plotting import plot_forecast

forecast = search.best_estimator_.forecast(train, steps=12)
naive = seasonal_naive(train, steps=12, season=12)
for name, pred in [("tuned sklstm", forecast), ("seasonal naive", naive)]:
    mase = mean_absolute_scaled_error(test, pred, y_train=train, season=12)
    print(f"{name:>15}: MASE {mase:.2f}")

plot_forecast(
    train["1956":],
    forecast,
    actual=test,
    title=f"Forecast of 1960 with {search.best_params_}",
)
plt.show()

# %%
# The same search works with :class:`~sklearn.model_selection.RandomizedSearchCV`
# (for example with ``learning_rate`` drawn from ``scipy.stats.loguniform``),
# over a :class:`~sklearn.pipeline.Pipeline`'s ``model__<param>`` names, and in
# parallel with ``n_jobs``; see :ref:`sklearn_integration`.
