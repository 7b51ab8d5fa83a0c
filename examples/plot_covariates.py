"""
=================================
Covariates: holidays and weather
=================================

Daily sales fall on public holidays and rise with the temperature on warm
days. A model that reads only the past of the series cannot know that next
Thursday is a holiday or that a heat wave is coming; both are known in
advance (the calendar, the weather forecast), and
:class:`~sklstm.LSTMForecaster` can read them. :func:`~sklstm.make_windows`
puts each covariate's past and future values into the rows, and ``forecast``
takes their values for the days to come. See :ref:`covariates` for the
details.

The sales are generated, so that the effect of each covariate is known: a
weekly pattern, a drop of a third on holidays, and 4% more sales for every
degree above 15 °C. Every statement about the results below is computed from
the numbers this script prints.
"""

import numpy as np
import pandas as pd

rng = np.random.default_rng(0)
days = pd.date_range("2023-01-01", "2024-08-31", freq="D", name="day")
n = len(days)
# The temperature: a yearly cycle, and spells of warmer or colder weather.
spells = np.zeros(n)
for t in range(1, n):
    spells[t] = 0.8 * spells[t - 1] + rng.normal(0, 1.5)
temp = 12 - 9 * np.cos(2 * np.pi * (days.day_of_year.to_numpy() - 15) / 365) + spells
holiday = (rng.random(n) < 0.03).astype(float)
holiday[[days.get_loc(d) for d in ("2024-08-15", "2024-08-26")]] = 1.0
weekend = days.day_of_week.to_numpy() >= 5


def expected_sales(holiday, temp):
    """The sales without their noise: what the covariates alone make of them."""
    return 200.0 * (1 + 0.25 * weekend) * (1 - holiday / 3) * (1 + 0.04 * np.maximum(temp - 15, 0))


sales = expected_sales(holiday, temp) * rng.normal(1, 0.03, n)
sales = pd.Series(sales, index=days, name="sales")
calendar = pd.DataFrame({"holiday": holiday, "temp": temp}, index=days)

# The last four weeks are the future to forecast.
history, future = sales.iloc[:-28], sales.iloc[-28:]
ahead = calendar.iloc[-28:]
print(
    f"{len(history)} days of history; {int(ahead['holiday'].sum())} holidays ahead; "
    f"{ahead['temp'].min():.1f} to {ahead['temp'].max():.1f} °C ahead"
)

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
# predicts, and its linear path (a ridge regression fitted on the training
# pairs before the network trains) reads them too; every covariate is scaled
# on its own, so the holiday flag stays a flag. One network each
# (``n_estimators=1``) and a bound on the training (``max_steps``) keep the
# example quick.
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
on_holiday = ahead["holiday"].to_numpy() == 1
errors = {}
for name, forecast in forecasts.items():
    error = np.abs(forecast - future).to_numpy()
    errors[name] = {"all": error.mean(), "holidays": error[on_holiday].mean()}
    print(
        f"{name:>18}: MAE {errors[name]['all']:.1f}, "
        f"on the holidays {errors[name]['holidays']:.1f}"
    )
change = errors["with covariates"]["all"] / errors["without covariates"]["all"] - 1
print(f"the covariates change the MAE by {change:+.0%}")

# %%
# The grey days are holidays. The model without covariates can only repeat
# the weekly pattern it has seen; the one with them reads each holiday and
# each day's temperature.
import matplotlib.pyplot as plt

from sklstm.plotting import plot_forecast

fig, axes = plt.subplots(2, 1, figsize=(10, 6), layout="constrained", sharex=True, sharey=True)
for ax, (name, forecast) in zip(axes, forecasts.items(), strict=True):
    plot_forecast(
        history.iloc[-42:],
        forecast,
        actual=future,
        ax=ax,
        title=f"{name}: MAE {errors[name]['all']:.1f}",
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
# not a forecast. Here, the four weeks ahead if they were 3 °C warmer, a
# change inside the range of the summers the model was trained on. The
# sales are simulated, so the scenario's true effect is known too: the
# ratio of the expected sales with and without the change.
warmer = calendar.copy()
warmer.loc[future.index, "temp"] += 3
scenario = with_covariates.forecast(history, steps=28, covariates=warmer)
model_effect = scenario.mean() / forecasts["with covariates"].mean() - 1
true_effect = (
    expected_sales(holiday, warmer["temp"].to_numpy())[-28:].mean()
    / expected_sales(holiday, temp)[-28:].mean()
    - 1
)
print(f"3 °C warmer: sales {model_effect:+.1%} by the model, {true_effect:+.1%} in truth")
