"""Ensembles: the networks are trained together, each exactly as if alone."""

import numpy as np
import pytest
import torch
from _helpers import assert_same_float32_work
from numpy.testing import assert_array_equal

from sklstm import LSTMForecaster, make_windows
from sklstm._module import build_module, predict_recursive
from sklstm._training import WindowPairs, train

CONFIG = {"cell": "lstm", "hidden_size": 6, "relative": True, "linear_skip": True, "window": 8}
TRAINING = {
    "max_epochs": 12,
    "max_steps": None,
    "batch_size": 16,
    "learning_rate": 0.01,
    "optimizer": "adam",
    "weight_decay": 0.0,
    "n_iter_no_change": 3,
    "tol": 1e-3,
    "device": "cpu",
    "verbose": 0,
}


@pytest.fixture
def pairs():
    rng = np.random.default_rng(0)
    series = np.sin(np.arange(200) / 5) + 0.2 * rng.standard_normal(200)
    return WindowPairs(torch.as_tensor(series, dtype=torch.float32)[None], 8)


def _state(module):
    return {name: value.clone() for name, value in module.state_dict().items()}


def test_members_trained_together_equal_members_trained_one_by_one(pairs):
    seeds = [11, 22, 33]
    together = build_module(seeds, **CONFIG)
    train(together, pairs, None, seeds=seeds, **TRAINING)
    for e, seed in enumerate(seeds):
        alone = build_module([seed], **CONFIG)
        train(alone, pairs, None, seeds=[seed], **TRAINING)
        # Same initial weights, same batches, same gradients, same updates,
        # same best epoch kept: the same weights, to float32 rounding (the
        # ensemble's batched arithmetic may round in another order).
        for name, value in alone.members[0].state_dict().items():
            assert_same_float32_work(together.members[e].state_dict()[name], value)


def test_with_validation_each_member_stops_at_its_own_epoch(pairs):
    seeds = [5, 6, 7]
    valid = WindowPairs(pairs.sequences[:, -40:], 8)
    together = build_module(seeds, **CONFIG)
    train(together, pairs, valid, seeds=seeds, **TRAINING)
    stopped_at = []
    for e, seed in enumerate(seeds):
        alone = build_module([seed], **CONFIG)
        stopped_at.append(train(alone, pairs, valid, seeds=[seed], **TRAINING).n_iter)
        for k, v in alone.members[0].state_dict().items():
            assert_same_float32_work(together.members[e].state_dict()[k], v)
    # Alone, the members stop at different epochs; together each still does.
    assert len(set(stopped_at)) > 1, stopped_at


def test_dropout_masks_come_from_one_stream_so_members_differ_from_solo_training(pairs):
    # What differs, exactly: with dropout, the members draw their masks from
    # one shared random stream, so only the first member's masks can match a
    # solo fit's, and later members train on other masks than alone.
    config = {**CONFIG, "dropout": 0.3}
    seeds = [1, 2]
    together = build_module(seeds, **config)
    train(together, pairs, None, seeds=seeds, **{**TRAINING, "n_iter_no_change": 100})
    alone = build_module([seeds[1]], **config)
    train(alone, pairs, None, seeds=[seeds[1]], **{**TRAINING, "n_iter_no_change": 100})
    assert not torch.equal(together.members[1].head.weight, alone.members[0].head.weight)


def test_forecast_is_one_recursive_model_fed_the_members_mean():
    module = build_module([0, 1, 2], **CONFIG)
    windows = torch.randn(16, 8)
    forecast = predict_recursive(module, windows, 4)
    current = windows.clone()
    for step in range(4):
        with torch.no_grad():
            mean = torch.stack([m(current).double() for m in module.members]).mean(0)
        assert_same_float32_work(forecast[:, step].numpy(), mean.numpy())
        current = torch.cat((current[:, 1:], mean.float()[:, None]), dim=1)
    assert forecast.dtype == torch.float64


def test_estimator_members_have_their_own_seeds_and_refit_identically():
    series = np.sin(np.arange(120) / 4) + np.arange(120) / 50
    X, y = make_windows(series, window=12)
    params = {"hidden_size": 6, "max_epochs": 4, "n_estimators": 3, "random_state": 7}
    model = LSTMForecaster(**params).fit(X, y)
    assert len(model.module_.members) == 3
    heads = [m.head.weight for m in model.module_.members]
    assert not torch.equal(heads[0], heads[1]) and not torch.equal(heads[1], heads[2])
    again = LSTMForecaster(**params).fit(X, y)
    assert_array_equal(again.predict(X), model.predict(X))


def test_one_estimator_is_one_network():
    series = np.sin(np.arange(120) / 4)
    X, y = make_windows(series, window=12)
    model = LSTMForecaster(hidden_size=6, max_epochs=2, n_estimators=1, random_state=0).fit(X, y)
    assert len(model.module_.members) == 1


def test_warm_start_keeps_the_ensemble_size():
    series = np.sin(np.arange(120) / 4)
    X, y = make_windows(series, window=12)
    model = LSTMForecaster(
        hidden_size=6, max_epochs=2, n_estimators=2, warm_start=True, random_state=0
    ).fit(X, y)
    model.set_params(n_estimators=3)
    with pytest.raises(ValueError, match=r"n_estimators=2 when fitted, now 3"):
        model.fit(X, y)


def test_n_estimators_is_validated():
    X, y = make_windows(np.arange(40.0), window=5)
    with pytest.raises(ValueError, match="n_estimators"):
        LSTMForecaster(n_estimators=0).fit(X, y)
    with pytest.raises(ValueError, match="n_estimators"):
        LSTMForecaster(n_estimators=True).fit(X, y)
