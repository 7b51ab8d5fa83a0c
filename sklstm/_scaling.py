"""Turn the ``scaler`` parameter into an unfitted transformer."""

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
