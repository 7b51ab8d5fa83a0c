"""The linear skip path and the stopping rule that the quality defaults rely on."""

import pickle

import numpy as np
import pytest
import torch
from numpy.testing import assert_allclose
from skorch.history import History

from sklstm import LSTMForecaster, make_windows
from sklstm._module import build_module
from sklstm._training import _StopWhenStalled

FAST = {"hidden_size": 8, "max_epochs": 3, "random_state": 0}


@pytest.fixture
def rows():
    X, Y = make_windows(np.sin(np.arange(80) / 3) + np.arange(80) / 40, window=10, horizon=3)
    return X, Y


def _network(**config):
    """One network, as the ensemble's only member."""
    return build_module([0], **config).members[0]


def test_skip_starts_at_zero_and_only_exists_when_asked():
    with_skip = _network(hidden_size=4, linear_skip=True, window=6)
    assert with_skip.skip.weight.shape == (1, 6)
    assert torch.count_nonzero(with_skip.skip.weight) == 0
    without = _network(hidden_size=4, linear_skip=False)
    assert without.skip is None
    # A zero skip leaves the recurrent core's output unchanged.
    x = torch.randn(5, 6)
    assert torch.equal(with_skip(x), without(x))
    with pytest.raises(ValueError, match="window"):
        _network(linear_skip=True)


def test_skip_reads_the_relative_window():
    module = _network(hidden_size=4, linear_skip=True, window=3)
    with torch.no_grad():
        for p in (*module.rnn.parameters(), *module.head.parameters()):
            p.zero_()
        module.skip.weight.copy_(torch.tensor([[1.0, 0.0, 0.0]]))
    x = torch.tensor([[1.0, 2.0, 4.0]])
    # last value + (oldest - last): with relative=True the skip sees x - x[-1].
    assert_allclose(module(x).detach().numpy(), [1.0])


def test_fitted_model_uses_the_skip_window(rows):
    X, Y = rows
    model = LSTMForecaster(window=6, **FAST).fit(X, Y)
    assert {m.skip.weight.shape for m in model.module_.members} == {(1, 6)}
    assert model._module_config_["window"] == 6
    plain = LSTMForecaster(window=6, linear_skip=False, **FAST).fit(X, Y)
    assert all(m.skip is None for m in plain.module_.members)
    assert "window" not in plain._module_config_
    assert not np.allclose(model.predict(X), plain.predict(X))


def test_linear_skip_learns_a_linear_recursion_quickly():
    # x[t+1] = 2 cos(w) x[t] - x[t-1]: exactly linear in the window.
    series = np.sin(2 * np.pi * np.arange(160) / 12)
    X, y = make_windows(series[:120], window=12)
    errors = {}
    for skip in (True, False):
        model = LSTMForecaster(window=12, horizon=24, linear_skip=skip, random_state=0)
        forecast = model.fit(X, y).forecast(series[:120], steps=24)
        errors[skip] = np.max(np.abs(forecast - series[120:144]))
    assert errors[True] < 0.02
    assert errors[True] < errors[False]


def test_warm_start_with_a_new_window_needs_a_new_model(rows):
    X, Y = rows
    model = LSTMForecaster(window=6, warm_start=True, **FAST).fit(X, Y)
    model.set_params(window=8)
    with pytest.raises(ValueError, match="window changed"):
        model.fit(X, Y)
    # The recurrent core alone reads any length and may continue.
    plain = LSTMForecaster(window=6, warm_start=True, linear_skip=False, **FAST).fit(X, Y)
    plain.set_params(window=8).fit(X, Y)
    assert plain.window_ == 8


def test_linear_skip_is_validated(rows):
    X, Y = rows
    with pytest.raises(ValueError, match="linear_skip"):
        LSTMForecaster(linear_skip="yes", **FAST).fit(X, Y)


def test_pickle_round_trip_keeps_the_skip(rows):
    X, Y = rows
    model = LSTMForecaster(window=6, **FAST).fit(X, Y)
    loaded = pickle.loads(pickle.dumps(model))
    assert_allclose(loaded.predict(X), model.predict(X))


class _FakeNet:
    """What the stopper reads of a net: a history and an ensemble of one network."""

    def __init__(self):
        self.history = History()
        self.module_ = torch.nn.Module()
        self.module_.members = torch.nn.ModuleList([torch.nn.Linear(1, 1)])
        self.active_ = [0]
        self.budget_spent_ = False


@pytest.mark.parametrize(
    ("losses", "tol", "best_epoch", "stops_at"),
    [
        # Each epoch improves by less than tol: they are misses, yet the
        # weights kept are those of the lowest loss, the last epoch.
        ([1.0, 0.9995, 0.999, 0.9985], 1e-2, 4, 4),
        ([1.0, 0.5, 0.6, 0.7, 0.8], 1e-2, 2, 5),
        ([1.0, 0.5, 0.4, 0.3], 1e-2, 4, None),
    ],
)
def test_stopper_keeps_the_lowest_loss_and_counts_misses_by_tol(losses, tol, best_epoch, stops_at):
    net = _FakeNet()
    stopper = _StopWhenStalled("train", patience=3, tol=tol)
    stopper.on_train_begin(net)
    stopped = None
    for epoch, loss in enumerate(losses, start=1):
        with torch.no_grad():
            net.module_.members[0].weight.fill_(loss)
        net.history.new_epoch()
        net.history.record("epoch", epoch)
        net.history.record("train_loss", loss)
        net.history.record("train_member_losses", [loss])
        try:
            stopper.on_epoch_end(net)
        except KeyboardInterrupt:
            stopped = epoch
            break
    stopper.on_train_end(net)
    assert stopped == stops_at
    assert stopper.best_epoch_ == [best_epoch]
    assert net.module_.members[0].weight.item() == pytest.approx(min(losses))
