"""
=====================
Histories with gaps
=====================

Real series have gaps: a sensor down, a day not recorded. sklstm never reads
across a gap as if the values were contiguous, and never returns a ``NaN``
forecast without saying so. Its policy, chosen by ``missing=``:

* training rows (:func:`~sklstm.make_windows`): the rows whose history or
  targets touch a gap are left out (``missing="drop"``, the default), or the
  gaps are refused (``"raise"``);
* forecast origins (:meth:`~sklstm.LSTMForecaster.forecast`,
  :func:`~sklstm.backtest`): a window with a gap is refused with the positions
  (``missing="raise"``, the default), or each missing value is filled by the
  model's own one-step forecast (``"fill"``).

The data: daily ozone in New York, May to September 1973, 37 of the 153 days
missing. See :ref:`gaps` for the details.
"""

from sklstm.datasets import load_airquality

ozone = load_airquality()["ozone"]
print(f"{ozone.isna().sum()} of {len(ozone)} days missing")

# %%
# Training rows around the gaps
# -----------------------------
# A week of history and the next day per row: a series without gaps of 153
# days would give 146 rows. Those that touch a missing day are left out (with
# gaps this frequent, most of them; a shorter window keeps more); each row that
# remains is indexed by the day it forecasts, so nothing is shifted.
from sklstm import LSTMForecaster, make_windows

X, y = make_windows(ozone, window=7)
print(f"{len(X)} rows of 146 kept; the first forecasts {X.index[0].date()}")

model = LSTMForecaster(window=7, max_epochs=30, random_state=0).fit(X, y)

# %%
# A forecast origin with a gap
# ----------------------------
# The last week, 24 to 30 September, misses the 27th. By default the forecast
# is refused, and the message says where:
try:
    model.forecast(ozone, steps=3)
except ValueError as error:
    print(error)

# %%
# With ``missing="fill"`` the missing day is first forecast from the week
# before it, then the next three days from the completed week.
forecast = model.forecast(ozone, steps=3, missing="fill")
print(forecast.round(1))

# %%
# Backtest across the gaps
# ------------------------
# One fit, on the history up to the first cutoff, then one-to-three-day
# forecasts from each of the 28 days from 31 August to 27 September, with the
# gaps in the windows filled. Forecasts of a missing day have no actual: they are listed
# but not scored, so ``n`` counts only the days observed.
from sklstm import backtest

result = backtest(model, ozone, horizon=3, n_windows=28, refit=False, missing="fill")
print(result.by_step.round(2))

# %%
import matplotlib.pyplot as plt

fig, ax = plt.subplots(figsize=(8, 3.5))
recent = ozone.loc["1973-08-01":]
ax.plot(recent.index, recent, "k.-", lw=1, label="ozone (ppb)")
for day in recent.index[recent.isna()]:
    ax.axvspan(day, day + recent.index.freq, color="0.85")
one_day = result.forecasts[result.forecasts["step"] == 1]
ax.plot(one_day["ds"], one_day["forecast"], color="C1", label="one day ahead")
ax.plot(forecast.index, forecast, color="C2", marker="o", label="forecast, gap filled")
ax.legend(fontsize=8)
ax.set_title("Grey: days missing")
fig.tight_layout()
plt.show()
