"""The layout of a row of ``X``: which columns are target history and which covariates.

``make_windows`` names the columns of a row; ``RowLayout.from_feature_names``
reads those names back, so that the estimator can find each value wherever a
``ColumnTransformer`` moved it.

The grammar of the names (after any ``<transformer>__`` prefix):

- ``lag_<k>``: the target ``k`` steps before the first target (``k >= 1``);
- ``<cov>_lag_<k>``: covariate ``<cov>`` at that same time step;
- ``<cov>_step_<k>``: covariate ``<cov>`` at the time of the ``k``-th target.

A name is parsed from its end (the last ``_lag_<k>`` or ``_step_<k>``), so a
covariate name may itself contain ``_lag_``; it may not contain ``__`` (taken
for a transformer prefix) nor start or end with ``_`` (``num___x`` could be
``num__`` + ``_x`` or ``num___`` + ``x``).
"""

import re
from dataclasses import dataclass, field

import numpy as np

_TARGET_LAG = re.compile(r"lag_([1-9][0-9]*)")
_COVARIATE = re.compile(r"(.+)_(lag|step)_([1-9][0-9]*)", re.DOTALL)
_REWINDOW = (
    "Cut the rows with make_windows(series, window, horizon, covariates=...), which "
    "names every column as needed."
)


def target_lag_names(window):
    """Names of the target's history columns, oldest first."""
    return [f"lag_{k}" for k in range(window, 0, -1)]


def covariate_names(name, window, horizon):
    """Names of one covariate's columns: its lags (oldest first), then its steps."""
    return [f"{name}_lag_{k}" for k in range(window, 0, -1)] + [
        f"{name}_step_{k}" for k in range(1, horizon + 1)
    ]


def check_covariate_name(name):
    """Raise a ``ValueError`` if ``name`` cannot name a covariate unambiguously."""
    if not isinstance(name, str):
        raise ValueError(
            f"Covariate names must be strings; got {name!r} ({type(name).__name__}). "
            "Rename the columns, e.g. covariates.columns = covariates.columns.astype(str)."
        )
    if not name:
        raise ValueError("A covariate has an empty name; give every covariate a name.")
    if "__" in name or name.startswith("_") or name.endswith("_"):
        raise ValueError(
            f"Covariate name {name!r} contains '__', starts with '_' or ends with '_': "
            f"behind a transformer prefix ('<transformer>__<column>') its columns "
            f"({name}_lag_1, ...) could not be told apart from the prefix. Rename it, e.g. "
            "covariates.rename(columns=lambda c: c.replace('__', '_').strip('_'))."
        )


def _parse(name):
    """``("target", None, k)``, ``(kind, covariate, k)`` or ``None`` for another name."""
    if not isinstance(name, str):
        return None
    name = name.rpartition("__")[2]
    match = _TARGET_LAG.fullmatch(name)
    if match:
        return "target", None, int(match[1])
    match = _COVARIATE.fullmatch(name)
    if match:
        return match[2], match[1], int(match[3])
    return None


def _describe(ks):
    """``[1, 2, 3, 5]`` -> ``"1..3, 5"``."""
    ks = sorted(ks)
    if not ks:
        return "none"
    parts, start, previous = [], ks[0], ks[0]
    for k in [*ks[1:], None]:
        if k is not None and k == previous + 1:
            previous = k
            continue
        parts.append(str(start) if start == previous else f"{start}..{previous}")
        start = previous = k
    return ", ".join(parts)


def _quote(names, limit=5):
    shown = ", ".join(repr(n) for n in names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")


def _readonly(array):
    array = np.asarray(array)
    if array.dtype.kind != "i":
        array = array.astype(np.intp)
    array.flags.writeable = False
    return array


@dataclass(frozen=True, eq=False)
class RowLayout:
    """Where each value of a row of ``X`` sits.

    Attributes
    ----------
    n_features : int
        Number of columns of ``X``.
    n_lags : int
        Length of the target's history in a row.
    covariates : tuple of str
        Names of the covariates, in the order of their first column.
    n_steps : int
        Number of future values per covariate (0 without covariates).
    target : ndarray of shape (n_lags,)
        Columns of the target's history, oldest first.
    covariate_lags : ndarray of shape (n_covariates, n_lags)
        Columns of each covariate's values at the time steps of the target's
        history, oldest first.
    covariate_steps : ndarray of shape (n_covariates, n_steps)
        Columns of each covariate's values at the time steps of the targets.
    """

    n_features: int
    n_lags: int
    covariates: tuple = ()
    n_steps: int = 0
    target: np.ndarray = field(default=None, repr=False)
    covariate_lags: np.ndarray = field(default=None, repr=False)
    covariate_steps: np.ndarray = field(default=None, repr=False)

    def __post_init__(self):
        n_cov = len(self.covariates)
        defaults = {
            # int32: on one long row, int64 column numbers would cost as
            # much memory as the row itself.
            "target": np.arange(self.n_lags, dtype=np.int32 if self.n_lags < 2**31 else np.int64),
            "covariate_lags": np.empty((n_cov, self.n_lags)),
            "covariate_steps": np.empty((n_cov, self.n_steps)),
        }
        for name, default in defaults.items():
            value = getattr(self, name)
            object.__setattr__(self, name, _readonly(default if value is None else value))

    @property
    def is_univariate(self):
        """Whether every column is target history (no covariates)."""
        return not self.covariates

    def __eq__(self, other):
        if not isinstance(other, RowLayout):
            return NotImplemented
        return (
            (self.n_features, self.n_lags, self.covariates, self.n_steps)
            == (other.n_features, other.n_lags, other.covariates, other.n_steps)
            and np.array_equal(self.target, other.target)
            and np.array_equal(self.covariate_lags, other.covariate_lags)
            and np.array_equal(self.covariate_steps, other.covariate_steps)
        )

    __hash__ = None

    def split(self, X):
        """Return the parts of the rows of a 2-D array ``X``.

        Returns
        -------
        target : ndarray of shape (n_samples, n_lags)
        covariate_lags : ndarray of shape (n_samples, n_covariates, n_lags)
        covariate_steps : ndarray of shape (n_samples, n_covariates, n_steps)
        """
        X = np.asarray(X)
        return X[:, self.target], X[:, self.covariate_lags], X[:, self.covariate_steps]

    @classmethod
    def from_feature_names(cls, names, n_features):
        """Read the layout of rows with ``n_features`` columns named ``names``.

        ``names`` is ``None`` (no names: every column is target history, oldest
        first) or one name per column. Names that follow neither the target nor
        the covariate grammar leave every column target history, in the order
        given; when every name is a target lag ``lag_<k>``, or any name is a
        covariate's, columns are located by name, in any order.
        """
        if names is None:
            return cls(n_features=n_features, n_lags=n_features)
        names = list(names)
        if len(names) != n_features:
            raise ValueError(
                f"Got {len(names)} feature names for {n_features} columns; pass one name "
                "per column (or None)."
            )
        parsed = [_parse(name) for name in names]
        has_covariates = any(p is not None and p[0] != "target" for p in parsed)
        all_target = bool(parsed) and all(p is not None and p[0] == "target" for p in parsed)
        if not (has_covariates or all_target):
            return cls(n_features=n_features, n_lags=n_features)

        unknown = [name for name, p in zip(names, parsed, strict=True) if p is None]
        if unknown:
            raise ValueError(
                f"X has covariate columns, and columns that are neither the target's lags "
                f"(lag_<k>) nor a covariate's (<cov>_lag_<k>, <cov>_step_<k>): "
                f"{_quote(unknown)}. Drop those columns, or name them by that grammar. "
                + _REWINDOW
            )
        seen = {}
        for name, p in zip(names, parsed, strict=True):
            seen.setdefault(p, []).append(name)
        duplicates = [found for found in seen.values() if len(found) > 1]
        if duplicates:
            raise ValueError(
                "Several columns hold the same value of a row: "
                + "; ".join(_quote(found) for found in duplicates[:5])
                + ". Keep one column per value (a transformer prefix '<name>__' does not "
                "tell columns apart)."
            )
        position = {p: i for i, p in enumerate(parsed)}

        target_ks = {k for kind, _, k in parsed if kind == "target"}
        n_lags = max(target_ks, default=0)
        covariates = tuple(dict.fromkeys(cov for kind, cov, _ in parsed if kind != "target"))
        if not target_ks:
            raise ValueError(
                f"X has covariate columns ({_quote(covariates)}) but no column of the "
                "target's history (lag_1, lag_2, ...). If these columns are the target's "
                "own history, name them lag_<k>, or pass a numpy array. " + _REWINDOW
            )
        if target_ks != set(range(1, n_lags + 1)):
            raise ValueError(
                f"The target's history has lags {_describe(target_ks)}; a row needs every lag "
                f"from lag_1 to lag_{n_lags}, with no gap. " + _REWINDOW
            )
        steps = {}
        for cov in covariates:
            lags = {k for kind, c, k in parsed if c == cov and kind == "lag"}
            if lags != set(range(1, n_lags + 1)):
                raise ValueError(
                    f"Covariate {cov!r} has lags {_describe(lags)} but the target has "
                    f"1..{n_lags}: each covariate needs its values at the time steps of the "
                    "target's history. " + _REWINDOW
                )
            steps[cov] = {k for kind, c, k in parsed if c == cov and kind == "step"}
            n_steps = max(steps[cov], default=0)
            if steps[cov] != set(range(1, n_steps + 1)) or not n_steps:
                raise ValueError(
                    f"Covariate {cov!r} has future steps {_describe(steps[cov])}; a row needs "
                    f"its values at every step forecast, {cov}_step_1 to {cov}_step_<horizon>. "
                    + _REWINDOW
                )
        counts = {cov: len(ks) for cov, ks in steps.items()}
        if covariates and len(set(counts.values())) > 1:
            described = ", ".join(f"{cov!r}: 1..{n}" for cov, n in counts.items())
            raise ValueError(
                f"Covariates have different numbers of future steps ({described}); all need "
                "the same, one per step forecast. " + _REWINDOW
            )
        n_steps = counts[covariates[0]] if covariates else 0
        return cls(
            n_features=n_features,
            n_lags=n_lags,
            covariates=covariates,
            n_steps=n_steps,
            target=[position["target", None, k] for k in range(n_lags, 0, -1)],
            covariate_lags=np.array(
                [[position["lag", c, k] for k in range(n_lags, 0, -1)] for c in covariates],
                dtype=np.intp,
            ).reshape(len(covariates), n_lags),
            covariate_steps=np.array(
                [[position["step", c, k] for k in range(1, n_steps + 1)] for c in covariates],
                dtype=np.intp,
            ).reshape(len(covariates), n_steps),
        )
