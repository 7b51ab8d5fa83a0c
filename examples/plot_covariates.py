"""
=================================
Covariates: holidays and weather
=================================

Daily sales fall on public holidays and rise with the temperature. A model
that reads only the past of the series cannot know that next Thursday is a
holiday or that a heat wave is coming; both are known in advance (the
calendar, the weather forecast), and :class:`~sklstm.LSTMForecaster` can read
them. :func:`~sklstm.make_windows` puts each covariate's past and future
values into the rows, and ``forecast`` takes their values for the days to
come. See :ref:`covariates` for the details.

The sales are generated, so that the effect of each covariate is known: a
weekly pattern, a drop of a third on holidays, and more sales above 15 °C.
"""

import numpy as np
import pandas as pd

rng = np.random.default_rng(0)
days = pd.date_range("2023-01-01", "2024-12-31", freq="D", name="day")
n = len(days)
# The temperature: a yearly cycle, and spells of warmer or colder weather.
spells = np.zeros(n)
for t in range(1, n):
    spells[t] = 0.8 * spells[t - 1] + rng.normal(0, 1.5)
temp = 12 - 9 * np.cos(2 * np.pi * (days.day_of_year.to_numpy() - 15) / 365) + spells
holiday = (rng.random(n) < 0.03).astype(float)
holiday[[days.get_loc(d) for d in ("2024-12-12", "2024-12-24", "2024-12-25")]] = 1.0
weekend = days.day_of_week.to_numpy() >= 5
sales = (
    200.0
    * (1 + 0.25 * weekend)
    * (1 - holiday / 3)
    * (1 + 0.04 * np.maximum(temp - 15, 0))
    * rng.normal(1, 0.03, n)
)
sales = pd.Series(sales, index=days, name="sales")
calendar = pd.DataFrame({"holiday": holiday, "temp": temp}, index=days)

# The last four weeks are the future to forecast.
history, future = sales.iloc[:-28], sales.iloc[-28:]
holidays_ahead = int(calendar["holiday"].iloc[-28:].sum())
print(f"{len(history)} days of history; {holidays_ahead} holidays ahead")

# %%
# Rows with and without covariates
# --------------------------------
# With ``covariates``, each row also carries every covariate at the 14 days
# of its history (``holiday_lag_14`` ... ``holiday_lag_1``) and at the day it
# forecasts (``holiday_step_1``). The covariates must be aligned with the
# series row for row.
from sklstm import LSTMForecaster, make_windows

X_plain, y_plain = make_windows(history, window=14)
X_cov, y_cov = make_windows(history, window=14, covariates=calendar.loc[history.index])
print("without:", X_plain.shape, " with:", X_cov.shape)
print(list(X_cov.columns[-4:]))

# %%
# Two models with the same settings, one reading the covariates. The network
# reads the covariates of each day of its window, and those of the day it
# predicts; every covariate is scaled on its own, so the holiday flag stays a
# flag. One network each (``n_estimators=1``) and a bound on the training
# (``max_steps``) keep the example quick.
settings = {"n_estimators": 1, "max_steps": 800, "random_state": 0}
plain = LSTMForecaster(**settings).fit(X_plain, y_plain)
with_covariates = LSTMForecaster(**settings).fit(X_cov, y_cov)

# %%
# Forecast four weeks
# -------------------
# ``forecast`` of the model with covariates needs their values at the last 14
# days of the history and at the 28 days ahead: here the whole calendar is
# passed, and the rows it needs are found by date. In practice the
# temperatures ahead would come from a weather forecast.
forecasts = {
    "without covariates": plain.forecast(history, steps=28),
    "with covariates": with_covariates.forecast(history, steps=28, covariates=calendar),
}
for name, forecast in forecasts.items():
    mae = np.mean(np.abs(forecast - future))
    on_holidays = np.mean(np.abs(forecast - future)[calendar["holiday"].iloc[-28:] == 1])
    print(f"{name:>18}: MAE {mae:.1f}, on the holidays {on_holidays:.1f}")

# %%
# Without covariates the model repeats the weekly pattern it has seen and
# misses the holidays; with them it lowers the forecast of each holiday.
import matplotlib.pyplot as plt

from sklstm.plotting import plot_forecast

fig, axes = plt.subplots(2, 1, figsize=(10, 6), layout="constrained", sharex=True, sharey=True)
for ax, (name, forecast) in zip(axes, forecasts.items(), strict=True):
    mae = np.mean(np.abs(forecast - future))
    plot_forecast(
        history.iloc[-42:], forecast, actual=future, ax=ax, title=f"{name}: MAE {mae:.1f}"
    )
    for day in calendar.index[-70:][calendar["holiday"].iloc[-70:] == 1]:
        ax.axvspan(day - pd.Timedelta(hours=12), day + pd.Timedelta(hours=12), color="0.85")
axes[0].set_xlabel("")
fig.suptitle("Daily sales: grey days are holidays")
plt.show()

# %%
# A "what if" with covariates that are not known in advance
# ----------------------------------------------------------
# The future values given to ``forecast`` are an assumption. For the
# temperature, a weather forecast makes it a good one. For a covariate that
# nobody knows in advance (income, a competitor's price) the same call gives
# a *scenario*: what the model expects if the covariate takes those values,
# not a forecast. Here, the four weeks ahead if they were 8 °C warmer:
warmer = calendar.copy()
warmer.loc[future.index, "temp"] += 8
scenario = with_covariates.forecast(history, steps=28, covariates=warmer)
change = scenario.mean() / forecasts["with covariates"].mean() - 1
print(f"8 °C warmer: sales {change:+.1%} over the four weeks")
