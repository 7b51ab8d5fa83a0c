"""
=================================
Long data, as statsforecast takes
=================================

Forecasting libraries such as statsforecast, neuralforecast and mlforecast take
*long* data: one row per series and time step, in columns ``unique_id``, ``ds``
and ``y``. :func:`~sklstm.make_windows` and
:meth:`~sklstm.LSTMForecaster.forecast` take it too, and a long forecast comes
back, with ``lo-<pct>`` and ``hi-<pct>`` bounds named as statsforecast names
them.

The data: monthly employment (thousands) in four US industries, from the US
Bureau of Labor Statistics. The series start in 1972, 1985 and 1990, and one of
them (department stores) ends almost two years before the others. See
:ref:`long_format` for the details.
"""

from sklstm.datasets import load_employment

data = load_employment()
print(data.head(3))
print(data.groupby("unique_id")["ds"].agg(["min", "max", "count"]))

# %%
# Two lines: rows, then a long forecast
# -------------------------------------
# The last year of each series is kept aside for the check below.
# :func:`~sklstm.make_windows` puts the series on one monthly grid and cuts each
# into rows of 24 months followed by the next 12; a series that starts late
# simply has fewer rows. The rows of many series are scaled one by one
# (``scaler="auto"``), so the small and the large industries count alike.
from sklstm import LSTMForecaster, make_windows

last_year = data.groupby("unique_id").tail(12)
history = data.drop(last_year.index)

model = LSTMForecaster(window=24, intervals=True, max_steps=150, random_state=0)
model.fit(*make_windows(history, window=24, horizon=12))
forecast = model.forecast(history, coverage=0.8)
print(forecast.head(3).round({"forecast": 1, "lo-80": 1, "hi-80": 1}))

# %%
# Each series is forecast from its own last month: department stores from
# January 2017, the others from October 2018.
print(forecast.groupby("unique_id")["ds"].min())

# %%
# How good are they?
# ------------------
# The mean absolute scaled error compares each forecast with the seasonal naive
# one (the same month a year earlier) on the series' own history; below 1 is
# better than naive. The share of actuals within the 80% bounds is the
# empirical coverage.
import pandas as pd

from sklstm.metrics import empirical_coverage, mean_absolute_scaled_error

scores = {}
for name, actual in last_year.groupby("unique_id"):
    predicted = forecast[forecast["unique_id"] == name]
    train = history.loc[history["unique_id"] == name, "y"].to_numpy()
    scores[name] = {
        "MASE": mean_absolute_scaled_error(
            actual["y"].to_numpy(), predicted["forecast"].to_numpy(), y_train=train, season=12
        ),
        "coverage": empirical_coverage(actual["y"], predicted["lo-80"], predicted["hi-80"]),
    }
scores = pd.DataFrame(scores).T
print(scores.round(2))

# %%
# The forecasts, and what followed.
import matplotlib.pyplot as plt

fig, axes = plt.subplots(2, 2, figsize=(9, 5.5), sharex=True)
for ax, (name, series) in zip(axes.flat, data.groupby("unique_id"), strict=True):
    recent = series[series["ds"] >= "2010-01-01"]
    predicted = forecast[forecast["unique_id"] == name]
    ax.plot(recent["ds"], recent["y"], color="k", lw=1, label="employment")
    ax.plot(predicted["ds"], predicted["forecast"], color="C1", label="forecast")
    ax.fill_between(
        predicted["ds"],
        predicted["lo-80"],
        predicted["hi-80"],
        color="C1",
        alpha=0.3,
        label="80% interval",
    )
    ax.set_title(name, fontsize=10)
axes[0, 0].legend(fontsize=8)
fig.tight_layout()
plt.show()
