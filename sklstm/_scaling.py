"""Turn the ``scaler`` parameter into an unfitted transformer."""

import numpy as np
from sklearn.base import clone
from sklearn.preprocessing import FunctionTransformer, MinMaxScaler, StandardScaler

BUILTIN_SCALERS = {
    "minmax": lambda: MinMaxScaler(feature_range=(-1, 1)),
    "standard": StandardScaler,
}


def make_scaler(scaler):
    """Return a fresh transformer for ``scaler`` (a name, None or an estimator).

    A user's transformer is cloned, so the one passed in is never fitted or
    otherwise changed.
    """
    if scaler is None:
        return FunctionTransformer(validate=False)
    if isinstance(scaler, str):
        return BUILTIN_SCALERS[scaler]()
    return clone(scaler)


def fit_value_scaler(scaler, column):
    """Fit ``scaler`` on the training values ``column`` of shape (n, 1).

    For constant values the built-in scalers have no range to scale by, and
    scikit-learn then scales by one data unit: a model of the constant 2e-12
    would be trained and judged in units of 1, and its forecast be off by far
    more than the level itself. The level's own magnitude is the unit instead,
    so that errors stay relative to the data, as for any other series.
    """
    scaler.fit(column)
    level = float(column[0, 0]) if len(column) else 0.0
    if level == 0.0 or np.ptp(column) != 0:
        return scaler
    if type(scaler) is MinMaxScaler:
        low, high = scaler.feature_range
        scaler.scale_ = np.full_like(scaler.scale_, (high - low) / abs(level))
        scaler.min_ = low - level * scaler.scale_
    elif type(scaler) is StandardScaler and scaler.with_std:
        scaler.scale_ = np.full_like(scaler.scale_, abs(level))
    return scaler
