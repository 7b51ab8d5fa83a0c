"""Turn the ``scaler`` parameter into a transformer, fit it and check it.

scikit-learn's scalers treat a range or a standard deviation below about
``10 * eps`` (2e-15) as zero, so values of 1e-16 in magnitude, or of 1e-12
that vary by 1e-16, are scaled by one data unit and the network sees a
constant; the variance of values near 1e-300 underflows to zero; a range of
±1.7e308 overflows to infinity. The built-in scalers are therefore preceded
by :class:`UnitMagnitude`, which divides the values by their largest
magnitude, so that the scaler itself always works on values of magnitude
one and its thresholds apply to the *relative* range of the data, which is
zero only when the values are constant to float64 precision.
"""

import warnings

import numpy as np
from sklearn.base import BaseEstimator, OneToOneFeatureMixin, TransformerMixin, clone
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import (
    FunctionTransformer,
    MaxAbsScaler,
    MinMaxScaler,
    RobustScaler,
    StandardScaler,
)
from sklearn.utils.validation import check_is_fitted

BUILTIN_SCALERS = {
    "minmax": lambda: MinMaxScaler(feature_range=(-1, 1)),
    "standard": StandardScaler,
}

# Scalers whose output does not change when their input is multiplied by a
# positive number: putting UnitMagnitude in front of them changes nothing but
# the rounding, and makes them work at any magnitude.
_SCALE_FREE = (MinMaxScaler, StandardScaler, MaxAbsScaler, RobustScaler)

# Rows of the training values checked for a round trip through the scaler.
_ROUND_TRIP_SAMPLE = 1000
# Scaled values whose spread is below this are no signal for the network,
# whose weights and activations are of order one.
_MIN_SCALED_SPREAD = 1e-6


class UnitMagnitude(OneToOneFeatureMixin, TransformerMixin, BaseEstimator):
    """Divide values by the largest magnitude seen in ``fit``.

    Values of any magnitude from the smallest subnormal to the largest
    float64 come out in [-1, 1]; ``inverse_transform`` multiplies back. All
    zeros keep a scale of one.

    Attributes
    ----------
    scale_ : float
        The largest absolute value seen in ``fit`` (1.0 when all were zero).
    """

    def fit(self, X, y=None):
        values = np.asarray(X, dtype=np.float64)
        self.n_features_in_ = values.shape[1] if values.ndim == 2 else 1
        finite = values[np.isfinite(values)]
        scale = float(np.max(np.abs(finite))) if finite.size else 0.0
        self.scale_ = scale if scale > 0 else 1.0
        return self

    def transform(self, X):
        check_is_fitted(self)
        return np.asarray(X, dtype=np.float64) / self.scale_

    def inverse_transform(self, X):
        check_is_fitted(self)
        # A prediction past the largest float64 becomes inf here; the
        # forecaster reports it.
        with np.errstate(over="ignore"):
            return np.asarray(X, dtype=np.float64) * self.scale_


class RowMinMax(BaseEstimator):
    """Scale each row by its own history: a MinMax to (-1, 1) per row.

    ``scaler="row"``: every forecast origin is scaled by the range of the
    history it carries, so that series of any magnitude share one network.
    Nothing is learned from the training data as a whole; the statistics of
    a row are computed from that row when it is scaled, in training and in
    prediction alike. A flat history is scaled by a thousandth of its
    magnitude (by 1 when it is all zeros), as the network's own per-window
    scaling does.
    """

    def fit(self, X=None, y=None):
        return self

    @staticmethod
    def statistics(history):
        """``(centre, half_range)`` of each row of ``history``, float64 ``(n_rows, 1)`` each."""
        history = np.asarray(history, dtype=np.float64)
        high = history.max(axis=1, keepdims=True)
        low = history.min(axis=1, keepdims=True)
        centre = high / 2 + low / 2  # halves first: no overflow near the float64 limit
        half = high / 2 - low / 2
        floor = _MIN_ROW_RANGE * np.maximum(np.abs(high), np.abs(low))
        scale = np.maximum(half, floor)
        return centre, np.where(scale > 0, scale, 1.0)

    @staticmethod
    def transform(values, statistics):
        centre, scale = statistics
        return (np.asarray(values, dtype=np.float64) - centre) / scale

    @staticmethod
    def inverse_transform(values, statistics):
        centre, scale = statistics
        with np.errstate(over="ignore"):
            return np.asarray(values, dtype=np.float64) * scale + centre


# A row whose range is below this share of its magnitude is flat (see
# RowMinMax); the network's per-window scaling uses the same share.
_MIN_ROW_RANGE = 1e-3


def make_scaler(scaler):
    """Return a fresh transformer for ``scaler`` (a name, None or an estimator).

    A user's transformer is cloned, so the one passed in is never fitted or
    otherwise changed. The built-in scalers, and a user's ``MinMaxScaler``,
    ``StandardScaler``, ``MaxAbsScaler`` or ``RobustScaler``, come after a
    :class:`UnitMagnitude` step in a ``Pipeline``; any other transformer is
    used as it is, since dividing its input could change what it does.
    """
    if scaler is None:
        return FunctionTransformer(validate=False)
    if scaler == "row":
        return RowMinMax()
    scaler = BUILTIN_SCALERS[scaler]() if isinstance(scaler, str) else clone(scaler)
    if type(scaler) in _SCALE_FREE:
        return Pipeline([("magnitude", UnitMagnitude()), ("scaler", scaler)])
    return scaler


# Above this magnitude a value's square overflows float64 (a variance, say).
_SQUARE_OVERFLOWS = np.sqrt(np.finfo(np.float64).max)


def non_finite_error(magnitude=0.0):
    if magnitude > _SQUARE_OVERFLOWS:
        return ValueError(
            f"The scaler produced NaN or infinite values from the training data, "
            f"whose values reach {magnitude:.3g}: beyond about 1.3e154 their squares "
            "overflow float64, as in the variance of a StandardScaler. Use "
            "scaler='standard' or 'minmax' (or a StandardScaler or MinMaxScaler "
            "itself, not inside a Pipeline), which are applied to the values brought "
            "to magnitude one, or divide the values by a large constant first."
        )
    return ValueError(
        "The scaler produced NaN or infinite values from the training data "
        "(e.g. a log transform of values <= 0). Use a scaler defined for "
        "all of the data, such as 'minmax'."
    )


def _sample(column):
    """Up to about ``_ROUND_TRIP_SAMPLE`` training values, the extremes included."""
    step = max(1, len(column) // _ROUND_TRIP_SAMPLE)
    extremes = column[[np.argmin(column[:, 0]), np.argmax(column[:, 0])]]
    return np.concatenate((column[::step], extremes))


def _is_identity(scaler):
    return (
        type(scaler) is FunctionTransformer and scaler.func is None and scaler.inverse_func is None
    )


def fit_value_scaler(scaler, column):
    """Fit ``scaler`` on the training values ``column`` of shape (n, 1) and check it.

    As ``TransformedTargetRegressor(check_inverse=True)`` does, a sample of the
    training values must come back from ``inverse_transform(transform(...))``:
    otherwise forecasts would be returned in the scaler's units. The scaled
    values must also keep the variation of the data: values that all scale to
    (nearly) one number leave the network nothing to learn.
    """
    scaler.fit(column)
    if not len(column):
        return scaler
    sample = _sample(column)
    magnitude = float(np.max(np.abs(sample)))
    with np.errstate(all="ignore"):
        scaled = np.asarray(scaler.transform(sample), dtype=np.float64).reshape(-1, 1)
        if not np.isfinite(scaled).all():
            raise non_finite_error(magnitude)
        back = np.asarray(scaler.inverse_transform(scaled), dtype=np.float64).reshape(-1, 1)
    spread = float(np.ptp(scaled))
    # Relative to the magnitude: a span of ±1.7e308 would overflow.
    relative_range = float(np.ptp(sample / magnitude)) if magnitude > 0 else 0.0
    if relative_range > _MIN_SCALED_SPREAD > spread:
        values = f"range from {sample.min():.6g} to {sample.max():.6g}"
        if _is_identity(scaler):
            problem = (
                f"With scaler=None the network trains on the values as they are, which "
                f"{values}, a span of only {spread:.3g}"
            )
        else:
            problem = (
                f"The scaler maps the training values, which {values}, to values that "
                f"span only {spread:.3g}"
            )
        raise ValueError(
            f"{problem}: the network works with values of order one and would see a "
            "constant. Use scaler='minmax' or 'standard' (or pass a MinMaxScaler or "
            "StandardScaler itself), which are applied to the values brought to "
            "magnitude one, or multiply the values by a large constant first."
        )
    if back.shape != sample.shape or not np.allclose(
        back, sample, rtol=1e-5, atol=1e-5 * magnitude
    ):
        worst = int(np.argmax(np.abs(back - sample))) if back.shape == sample.shape else 0
        raise ValueError(
            "The scaler's inverse_transform does not undo its transform on the "
            f"training values (e.g. {sample[worst, 0]:.6g} -> {scaled[worst, 0]:.6g} -> "
            f"{back.ravel()[worst]:.6g}), so forecasts would come back in the scaler's "
            "units rather than the data's. Give the transformer its inverse, e.g. "
            "FunctionTransformer(np.log, inverse_func=np.exp), or use scaler='minmax'."
        )
    return scaler


# Values scaled per transform call in fit (about): bounds its temporaries on long data.
_SCALE_CHUNK = 1 << 16

_FLOAT32_OVERFLOW = (
    "The scaled training values exceed the range of float32 (about 3.4e38), in "
    "which the network computes. Use a scaler that brings them to order one, such "
    "as scaler='minmax'."
)


def scaled_sequences(scaler, X, Y, fit_scaler):
    """Rows followed by their targets, scaled, as float32 ``(n_rows, n_x + n_y)``.

    With ``fit_scaler`` the scaler is first fitted on every value of ``X`` and
    ``Y`` as one column (and checked, :func:`fit_value_scaler`). A
    :class:`RowMinMax` scales each row and its targets by the row's history.
    """
    if isinstance(scaler, RowMinMax):
        statistics = scaler.statistics(X)
        scaled = np.concatenate(
            (scaler.transform(X, statistics), scaler.transform(Y, statistics)), axis=1
        )
        with np.errstate(over="ignore"):
            scaled = scaled.astype(np.float32)
        if not np.isfinite(scaled).all():
            raise ValueError(
                "Some targets lie so far outside the range of their row's history that "
                "they overflow float32 once scaled by it. Check them for wrong units or "
                "corrupt values."
            )
        return scaled
    if fit_scaler:
        # The scaler sees every training value as one column; that float64
        # copy is freed before the float32 result is built.
        fit_value_scaler(scaler, np.concatenate((X, Y), axis=1).reshape(-1, 1))
    n_x = X.shape[1]
    scaled = np.empty((len(X), n_x + Y.shape[1]), dtype=np.float32)
    # A few rows at a time, straight into float32, so that the transform's
    # float64 temporaries stay small on long data. Each value is scaled on
    # its own, so chunks give the same numbers as one call.
    step = max(1, _SCALE_CHUNK // scaled.shape[1])
    for start in range(0, len(X), step):
        rows = slice(start, start + step)
        for part, columns in ((X[rows], slice(0, n_x)), (Y[rows], slice(n_x, None))):
            # float64 as in the fit (y may arrive as float32): same rounding.
            column = part.astype(np.float64, copy=False).reshape(-1, 1)
            values = np.asarray(scaler.transform(column))
            if not np.isfinite(values).all():
                raise non_finite_error()
            with np.errstate(over="ignore"):
                scaled[rows, columns] = values.reshape(part.shape)
        if not np.isfinite(scaled[rows]).all():
            raise ValueError(_FLOAT32_OVERFLOW)
    return scaled


def make_covariate_scaler():
    """Each covariate mapped onto (-1, 1) by its own training range.

    An affine map per column keeps binary flags two-valued and category codes
    in their order; a constant column maps to a constant.
    """
    return MinMaxScaler(feature_range=(-1, 1))


def scaled_covariates(scaler, lags, steps, fit_scaler):
    """Covariates at the time of each value of the rows and their targets.

    ``lags`` has shape ``(n_rows, n_covariates, n_lags)`` and ``steps``
    ``(n_rows, n_covariates, n_steps)``; the result, float32 of shape
    ``(n_rows, n_lags + n_steps, n_covariates)``, is aligned with the
    target's sequence of history and targets.
    """
    values = np.concatenate((lags, steps), axis=2).transpose(0, 2, 1)
    flat = values.reshape(-1, values.shape[2]).astype(np.float64, copy=False)
    if fit_scaler:
        scaler.fit(flat)
    with np.errstate(over="ignore"):
        scaled = np.asarray(scaler.transform(flat), dtype=np.float32).reshape(values.shape)
    if not np.isfinite(scaled).all():
        raise ValueError(
            "Some covariate values are far outside the range the model was fitted on "
            "(they overflow float32 once scaled). Check them for wrong units."
        )
    return scaled


def scaled_future(scaler, history, future):
    """``future`` values (NaN where unknown) in the network's units of each row.

    ``history`` holds each row's history in data units: a :class:`RowMinMax`
    scales a row's future by its history, like its targets in training.
    """
    known = np.isfinite(future)
    out = np.full(future.shape, np.nan)
    if isinstance(scaler, RowMinMax):
        statistics = scaler.statistics(history)
        out[known] = scaler.transform(future, statistics)[known]
    elif known.any():
        out[known] = np.asarray(scaler.transform(future[known].reshape(-1, 1))).ravel()
    return out


def warn_if_stacked_series(history):
    """Warn when one-scaler rows look like the rows of several series stacked.

    ``scaler="auto"`` tells a panel's rows by the ``(time, series)`` index of
    :func:`make_windows`; an array has no index, so its rows get one MinMax
    scale, which squeezes series of small magnitude to nearly flat lines.
    Rows cut from a series continue one another (a row's history shifted by
    one value is the next row's history): rows that do so, along two or more
    chains, were cut from two or more series (or from one with gaps).
    """
    n_rows = len(history)
    if n_rows < 4:
        return
    history = np.ascontiguousarray(history)
    heads = [row.tobytes() for row in np.ascontiguousarray(history[:, :-1])]
    tails = [row.tobytes() for row in np.ascontiguousarray(history[:, 1:])]
    # Row r continues row q when r's history without its last value is q's
    # without its first; a row that continues none starts a chain.
    tail_set, head_set = set(tails), set(heads)
    starts = sum(head not in tail_set for head in heads)
    linked = sum(tail in head_set for tail in tails)
    if starts < 2 or linked < n_rows / 2:
        return
    warnings.warn(
        f"These rows look like the rows of {starts} series stacked (or of one series "
        "with gaps), and scaler='auto' scales rows without the (time, series) index "
        "of make_windows(panel) with one MinMax scale for all of them, on which "
        "series of small magnitude look flat. Pass scaler='row' to scale each row "
        "by its own history, as for a panel, or scaler='minmax' to keep one scale "
        "and silence this warning.",
        UserWarning,
        stacklevel=6,  # the caller of fit, past _fit_context
    )
