"""The ridge linear path: its fit, what it reads, and what training leaves of it."""

import numpy as np
import pandas as pd
import pytest
import torch
from numpy.testing import assert_allclose
from sklearn.linear_model import Ridge

from sklstm import LSTMForecaster, make_windows
from sklstm._module import build_module, parameter_count
from sklstm._training import WindowPairs, _moments, fit_linear_skips, ridge_gcv


def _pairs(n, width, rng, signal):
    """Inputs of ``width`` columns and a target: linear in them, or pure noise."""
    z = rng.normal(size=(n, width)) * rng.uniform(0.1, 10, width)
    weights = rng.normal(size=width) if signal else np.zeros(width)
    t = 3.0 + z @ weights + rng.normal(size=n)
    return z, t


def _sums(z, t):
    z, t = torch.as_tensor(z), torch.as_tensor(t)
    return {"z": z.sum(0), "t": t.sum(), "zz": z.T @ z, "zt": z.T @ t, "tt": t @ t}


def test_ridge_gcv_is_a_ridge_on_standardised_inputs():
    rng = np.random.default_rng(0)
    z, t = _pairs(200, 6, rng, signal=True)
    weights, intercept, penalty = ridge_gcv(len(t), _sums(z, t))
    std = z.std(axis=0)
    reference = Ridge(alpha=penalty * len(t)).fit(z / std, t)
    assert_allclose(weights.numpy(), reference.coef_ / std, rtol=1e-6, atol=1e-9)
    assert_allclose(float(intercept), reference.intercept_, rtol=1e-6)


def test_ridge_gcv_shrinks_noise_and_keeps_signal():
    # Many columns on few pairs: with no signal GCV picks a penalty that
    # leaves next to the mean; with a signal, next to least squares.
    rng = np.random.default_rng(1)
    z, t = _pairs(60, 40, rng, signal=False)
    _, intercept, noise_penalty = ridge_gcv(60, _sums(z, t))
    z, t = _pairs(60, 40, rng, signal=True)
    _, _, signal_penalty = ridge_gcv(60, _sums(z, t))
    assert noise_penalty > 100 * signal_penalty
    assert signal_penalty < 0.1


def test_a_constant_column_gets_no_weight():
    rng = np.random.default_rng(2)
    z, t = _pairs(100, 3, rng, signal=True)
    z = np.column_stack([z, np.full(100, 5.0)])
    weights, _, _ = ridge_gcv(100, _sums(z, t))
    assert weights[-1] == 0
    assert torch.isfinite(weights).all()


@pytest.mark.parametrize("n_covariates", [0, 3])
def test_parameter_count_of_a_ridge_path(n_covariates):
    config = {"hidden_size": 5, "linear_skip": "ridge", "window": 7, "n_covariates": n_covariates}
    module = build_module([0], **config).members[0]
    assert parameter_count(**config) == sum(p.numel() for p in module.parameters())


def _sequences(n_rows=40, length=12, n_covariates=2, seed=0):
    gen = torch.Generator().manual_seed(seed)
    cov = torch.randn(n_rows, length, n_covariates, generator=gen)
    values = torch.randn(n_rows, length, generator=gen).cumsum(1) + 2 * cov[..., 0]
    return values, cov


@pytest.mark.parametrize("window_scaling", [False, True])
def test_the_network_starts_as_the_ridge(window_scaling):
    values, cov = _sequences()
    window = 8
    pairs = WindowPairs(values, window, cov)
    module = build_module(
        [0], linear_skip="ridge", window=window, n_covariates=2, window_scaling=window_scaling
    )
    fit_linear_skips(module, pairs)
    member = module.members[0]
    weights, intercept, _ = ridge_gcv(*_moments(member, pairs))
    x, _, known = pairs.gather(torch.arange(len(pairs)))
    # A relative network reads the covariates as changes from the window's last step.
    changes = known - known[:, -2:-1]
    inputs = torch.cat((x - x[:, -1:], changes.flatten(1)), dim=1).double()
    expected = x[:, -1].double() + inputs @ weights + intercept
    with torch.no_grad():
        assert_allclose(member(x, known).double().numpy(), expected.numpy(), rtol=1e-4, atol=1e-4)


def test_a_covariates_effect_does_not_grow_with_the_windows_range():
    # A window-scaling network multiplies its recurrent output by the
    # window's range; the linear path's covariate part is added in the
    # values' units, the same for a calm and a wild window.
    module = build_module([0], linear_skip="ridge", window=4, n_covariates=1, window_scaling=True)
    member = module.members[0]
    with torch.no_grad():
        member.known.weight.zero_()
        member.known.weight[0, -1] = 1.0
    calm = torch.tensor([[0.0, 0.1, 0.0, 0.1]])
    wild = torch.tensor([[0.0, 9.0, -9.0, 0.1]])
    flag = torch.zeros(1, 5, 1)
    flagged = flag.clone()
    flagged[0, -1, 0] = 1.0
    with torch.no_grad():
        for x in (calm, wild):
            assert_allclose(float(member(x, flagged) - member(x, flag)), 1.0, rtol=1e-5)


def test_training_keeps_the_covariate_part_and_trains_the_window_part():
    rng = np.random.default_rng(0)
    index = pd.date_range("2024-01-01", periods=120, freq="D")
    flag = pd.Series((rng.random(120) < 0.2).astype(float), index=index, name="flag")
    series = pd.Series(np.sin(np.arange(120) / 4) + 2 * flag.to_numpy(), index=index)
    X, y = make_windows(series, window=8, covariates=flag)
    members = {}
    for epochs in (1, 4):
        model = LSTMForecaster(n_estimators=1, hidden_size=4, max_epochs=epochs, random_state=0)
        members[epochs] = model.fit(X, y).module_.members[0]
    short, long = members[1], members[4]
    assert torch.equal(short.known.weight, long.known.weight)
    assert not torch.equal(short.skip.weight, long.skip.weight)
    # The ridge found the flag. The path predicts the change from the last
    # value, and reads the flag as its change from the window's last step,
    # which the flag moves by 2: the largest weight is the predicted step's,
    # positive; the window's last step reads no change at all.
    weights = long.known.weight[0]
    assert int(torch.argmax(weights.abs())) == len(weights) - 1
    assert weights[-1] > 0
    assert weights[-2] == 0
