"""Placeholder until the layout branch lands: univariate layouts only."""

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class RowLayout:
    n_lags: int
    covariates: tuple
    n_steps: int
    target: np.ndarray
    covariate_lags: np.ndarray
    covariate_steps: np.ndarray

    @property
    def is_univariate(self):
        return not self.covariates

    @classmethod
    def from_feature_names(cls, names, n_features):
        return cls(
            n_features,
            (),
            0,
            np.arange(n_features),
            np.empty((0, n_features), dtype=np.intp),
            np.empty((0, 0), dtype=np.intp),
        )
