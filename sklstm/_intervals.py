"""Calibration of prediction intervals from out-of-sample multi-step errors.

Nothing here knows about torch or estimators: :class:`StepCalibration` takes
the errors of held-out recursive forecasts, one array per horizon step, and
turns them into quantiles of the error at every step.

Why per-step scales and pooled quantiles: the error of a recursive forecast
grows with the step, so each step needs its own width; but a held-out period
gives few errors per step (a 12-step forecast from 20 held-out origins leaves
9 errors at step 12), too few to read a 95% quantile from. So each step gets
its own scale (the mean absolute error at that step, made non-decreasing over
the steps, since later steps are not easier to forecast than earlier ones),
and the errors of all steps, divided by their step's scale, are pooled into one
sample whose order statistics give the quantiles. Read with split-conformal
ranks (the ``ceil((n + 1) q)``-th smallest for an upper quantile), they cover
at least ``q`` whenever the standardised errors of a new forecast are
exchangeable with the held-out ones.
"""

import math

import numpy as np


def _isotonic_increasing(values, weights):
    """Weighted least-squares non-decreasing fit (pool adjacent violators)."""
    blocks = []  # [mean, weight, count]
    for value, weight in zip(values, weights, strict=True):
        blocks.append([float(value), float(weight), 1])
        while len(blocks) > 1 and blocks[-2][0] > blocks[-1][0]:
            mean2, weight2, count2 = blocks.pop()
            mean1, weight1, count1 = blocks.pop()
            total = weight1 + weight2
            blocks.append([(mean1 * weight1 + mean2 * weight2) / total, total, count1 + count2])
    return np.concatenate([np.full(count, mean) for mean, _, count in blocks])


class StepCalibration:
    """Quantiles of the forecast error at each horizon step.

    Parameters
    ----------
    errors : list of array-like
        ``errors[k]`` holds the errors (actual minus forecast, in the units
        the intervals are built in) of held-out forecasts at step ``k + 1``.
        Every step needs at least one error.

    Attributes
    ----------
    scales_ : ndarray of shape (n_steps,)
        The error scale of each step: the mean absolute error, made
        non-decreasing over the steps.
    standardized_ : ndarray of shape (n_errors,)
        All errors divided by their step's scale, sorted.
    counts_ : ndarray of shape (n_steps,)
        Number of errors at each step.
    """

    def __init__(self, errors):
        errors = [np.asarray(e, dtype=np.float64).ravel() for e in errors]
        if not errors or any(len(e) == 0 for e in errors):
            raise ValueError("Every horizon step needs at least one held-out error.")
        if not all(np.isfinite(e).all() for e in errors):
            raise ValueError("The held-out errors contain NaN or infinite values.")
        self.counts_ = np.array([len(e) for e in errors])
        raw = np.array([np.mean(np.abs(e)) for e in errors])
        scales = _isotonic_increasing(raw, self.counts_)
        # A step whose errors are all zero (an exactly predictable series)
        # gets the smallest positive scale of the others, or 1: standardised
        # errors stay finite, and an exact forecast keeps a zero-width band.
        positive = scales[scales > 0]
        floor = positive.min() if len(positive) else 1.0
        self.scales_ = np.where(scales > 0, scales, floor)
        self.standardized_ = np.sort(
            np.concatenate([e / s for e, s in zip(errors, self.scales_, strict=True)])
        )

    @property
    def n_steps(self):
        return len(self.scales_)

    def quantile(self, q):
        """Standardised error quantiles at the levels ``q`` (array-like in (0, 1)).

        Upper levels (``q >= 0.5``) take the ``ceil((n + 1) q)``-th smallest
        standardised error and lower levels the ``floor((n + 1) q)``-th, the
        split-conformal ranks, so that an interval between two of them covers
        at least its nominal share. A rank beyond the sample (a level too
        extreme for ``n`` errors) takes the extreme error.
        """
        q = np.asarray(q, dtype=np.float64)
        sample = self.standardized_
        n = len(sample)
        upper = np.ceil((n + 1) * q)
        lower = np.floor((n + 1) * q)
        rank = np.where(q >= 0.5, upper, lower)
        index = np.clip(rank.astype(np.int64) - 1, 0, n - 1)
        return sample[index]

    def offsets(self, q, steps):
        """Error quantiles at levels ``q`` for steps ``1 .. steps``: ``(steps, len(q))``."""
        if steps > self.n_steps:
            raise ValueError(
                f"The intervals were calibrated for {self.n_steps} steps ahead, but "
                f"{steps} were asked for. Ask for at most {self.n_steps} steps, or fit "
                f"with horizon={steps} so that the calibration covers them."
            )
        return self.scales_[:steps, None] * self.quantile(np.atleast_1d(q))[None, :]

    def to_dict(self):
        return {
            "scales": self.scales_.tolist(),
            "standardized": self.standardized_.tolist(),
            "counts": self.counts_.tolist(),
        }

    @classmethod
    def from_dict(cls, state):
        obj = cls.__new__(cls)
        obj.scales_ = np.asarray(state["scales"], dtype=np.float64)
        obj.standardized_ = np.asarray(state["standardized"], dtype=np.float64)
        obj.counts_ = np.asarray(state["counts"], dtype=np.int64)
        if (
            obj.scales_.ndim != 1
            or obj.standardized_.ndim != 1
            or len(obj.counts_) != len(obj.scales_)
            or not len(obj.standardized_)
            or not np.all(np.isfinite(obj.scales_))
            or not np.all(obj.scales_ > 0)
        ):
            raise ValueError("invalid interval calibration")
        return obj


def check_levels(values, name):
    """``values`` as a 1-D float array of levels strictly inside (0, 1)."""
    array = None
    if not isinstance(values, (str, bytes, bool, np.bool_)):
        raw = np.atleast_1d(np.asarray(values))
        if raw.dtype.kind in "iuf":
            array = raw.astype(np.float64)
    if array is None or array.ndim != 1 or not len(array):
        raise ValueError(f"{name} must be a number or a 1-D list of numbers; got {values!r}.")
    if not np.all((array > 0) & (array < 1)):
        raise ValueError(
            f"{name} must lie strictly between 0 and 1 (e.g. 0.9 for a 90% interval); "
            f"got {values!r}."
        )
    return array


def nominal_rank_ok(n, coverage):
    """Whether ``n`` standardised errors can bound a two-sided ``coverage`` interval."""
    return math.ceil((n + 1) * (1 + coverage) / 2) <= n


def continuations(sequences, n_lags, steps):
    """The ``steps`` values that follow each row's history, as far as the rows tell.

    ``sequences`` holds each row's history (``n_lags`` values) followed by its
    targets. A row's own targets give the first values; beyond them, the row
    one step later (the row whose history is this row's shifted by one value,
    as ``make_windows`` cuts them from a series) gives the next value as its
    last target, and so on along that chain. Unknown values are NaN.

    Returns
    -------
    future : ndarray of shape (n_rows, steps)
    n_chains : int
        Number of chains the rows form: rows that continue no other row start
        one, so rows cut from ``S`` series form ``S`` chains.
    """
    sequences = np.asarray(sequences)
    n_rows, length = sequences.shape
    n_targets = length - n_lags
    future = np.full((n_rows, steps), np.nan)
    known = min(n_targets, steps)
    future[:, :known] = sequences[:, n_lags : n_lags + known]
    if n_rows == 0:
        return future, 0
    # Exact copies of the same series values: their bytes identify them.
    histories = np.ascontiguousarray(sequences[:, :n_lags])
    shifted = np.ascontiguousarray(sequences[:, 1 : n_lags + 1])
    first = {}
    for row in range(n_rows):
        first.setdefault(histories[row].tobytes(), row)
    successor = np.array([first.get(shifted[row].tobytes(), -1) for row in range(n_rows)])
    n_chains = n_rows - len(set(successor[successor >= 0].tolist()))
    current = successor.copy()
    for step in range(n_targets, steps):
        linked = current >= 0
        future[linked, step] = sequences[current[linked], -1]
        current = np.where(linked, successor[np.maximum(current, 0)], -1)
    return future, n_chains


def heldout_errors(future, forecasts, units):
    """Errors of held-out forecasts at each step, in each origin's unit.

    ``future`` and ``forecasts`` have shape ``(n_origins, steps)`` (NaN where
    the actual value is unknown); ``units`` ``(n_origins,)``. Returns one
    array of errors per step.
    """
    errors = (future - forecasts) / np.asarray(units, dtype=np.float64)[:, None]
    return [column[np.isfinite(column)] for column in errors.T]
