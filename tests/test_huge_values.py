"""Values near the float64 limit: scaled where that works, refused clearly where not.

The square of a value above about 1.3e154 overflows float64, so a variance
(``StandardScaler``) or an R² computed on such values directly is infinite or NaN.
"""

import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sklstm import LSTMForecaster, make_windows

FAST = {"hidden_size": 4, "max_epochs": 3, "random_state": 0, "n_estimators": 1}
HUGE = 1e200


@pytest.fixture(scope="module")
def rows():
    return make_windows(2 + np.sin(np.arange(60) / 3), window=6)


@pytest.mark.parametrize("scaler", ["standard", StandardScaler()], ids=["name", "instance"])
def test_standard_scaler_on_values_near_1e200_fits_and_scores_them_at_scale(rows, scaler):
    X, y = rows
    unit = LSTMForecaster(scaler=scaler, **FAST).fit(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no overflow, not even a warning
        model = LSTMForecaster(scaler=scaler, **FAST).fit(X * HUGE, y * HUGE)
        pred = model.predict(X * HUGE)
        score = model.score(X * HUGE, y * HUGE)
    # The scaler sees the values brought to magnitude one: what it learns,
    # and so the forecasts, are those of the same data at unit scale.
    assert_allclose(pred / HUGE, unit.predict(X), rtol=1e-5)
    assert np.isfinite(score)
    assert score == pytest.approx(unit.score(X, y), rel=1e-6)


def test_a_scaler_whose_variance_overflows_is_a_clear_error(rows):
    # In a Pipeline the StandardScaler gets the values as they are: its
    # variance overflows, and the error says so rather than blaming a log.
    X, y = rows
    model = LSTMForecaster(scaler=make_pipeline(StandardScaler()), **FAST)
    with pytest.raises(ValueError, match=r"reach 3e\+200.*overflow.*scaler='standard'") as info:
        model.fit(X * HUGE, y * HUGE)
    assert "log" not in str(info.value)
