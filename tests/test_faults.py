"""Training faults: a loss that becomes NaN or inf, and KeyboardInterrupt during fit.

Faults are injected into one epoch by patching the network's forward pass;
a spy on the training callbacks records each epoch's losses and weights.
"""

import copy
import re

import numpy as np
import pytest
import torch
from numpy.testing import assert_array_equal
from sklearn.exceptions import NotFittedError

import sklstm._training
from sklstm import LSTMForecaster, make_windows
from sklstm._module import RecurrentOneStep

# One network: the faults are injected per forward pass of a network.
# Without the fallback: its held-out run would be a second training that the
# faults below would also hit.
FAST = {
    "hidden_size": 8,
    "max_epochs": 6,
    "random_state": 0,
    "batch_size": 16,
    "n_estimators": 1,
    "fallback": False,
}


@pytest.fixture
def rows():
    series = np.sin(np.arange(120) / 3) + np.arange(120) / 60
    X, Y = make_windows(series, window=10, horizon=2)
    return np.ascontiguousarray(X), np.ascontiguousarray(Y)


class _Fault:
    """Pass every output of the network through ``action``; record finished epochs.

    ``action(fault, module, out)`` sees the current epoch (``fault.epoch``,
    from 1) and the number of training batches run in it (``fault.batches``).
    """

    def __init__(self, monkeypatch, action):
        self.epoch = 0
        self.batches = 0
        self.epochs = []  # (train loss, valid loss, weights) at each epoch's end
        self.weights_at_fault = None
        fault = self
        forward = RecurrentOneStep.forward

        def patched_forward(module, x, *args):
            if module.training:
                fault.batches += 1
            return action(fault, module, forward(module, x, *args))

        class Spy(sklstm._training._FiniteLoss):
            def on_epoch_begin(self, net, **kwargs):
                fault.epoch += 1
                fault.batches = 0

            def on_epoch_end(self, net, **kwargs):
                super().on_epoch_end(net, **kwargs)
                row = net.history[-1]
                weights = copy.deepcopy(net.module_.state_dict())
                fault.epochs.append((row["train_loss"], row.get("valid_loss"), weights))

        monkeypatch.setattr(RecurrentOneStep, "forward", patched_forward)
        monkeypatch.setattr(sklstm._training, "_FiniteLoss", Spy)


def _add_in_epoch(epoch, value, training=True, from_batch=1):
    """Add ``value`` (NaN or inf) to the training (or validation) outputs of one epoch.

    With ``from_batch``, only from that training batch of the epoch on.
    """

    def action(fault, module, out):
        if fault.epoch != epoch or module.training != training:
            return out
        return out + value if not training or fault.batches >= from_batch else out

    return action


def _weights(model):
    return {name: value.clone() for name, value in model.module_.state_dict().items()}


def _equal(first, second):
    return all(torch.equal(first[name], second[name]) for name in first)


@pytest.mark.parametrize(("bad", "word"), [(np.nan, "nan"), (np.inf, "inf")])
def test_non_finite_loss_names_epoch_last_finite_loss_and_fix(rows, monkeypatch, bad, word):
    X, Y = rows
    # The same fit without the fault: the learning rate follows the same schedule.
    reference = LSTMForecaster(**FAST).fit(X, Y)
    # An inf output makes the weights NaN at the next step, so only the
    # epoch's last batch gets it, for an epoch loss of inf rather than NaN.
    n_batches = -(-len(X) * Y.shape[1] // FAST["batch_size"])
    _Fault(monkeypatch, _add_in_epoch(3, bad, from_batch=n_batches))
    model = LSTMForecaster(**FAST)
    with pytest.raises(ValueError, match=f"The train loss became {word} at epoch 3") as info:
        model.fit(X, Y)
    message = str(info.value)
    last = re.search(r"last finite training loss: (\S+) at epoch 2\)", message)
    assert last, message
    assert float(last.group(1)) == pytest.approx(reference.loss_curve_[1], rel=1e-5)
    assert f"use a smaller learning_rate (currently {model.learning_rate})" in message


def test_non_finite_loss_in_the_first_epoch(rows, monkeypatch):
    _Fault(monkeypatch, _add_in_epoch(1, np.nan))
    with pytest.raises(
        ValueError, match=r"at epoch 1 \(no earlier epoch of this fit had a finite"
    ):
        LSTMForecaster(**FAST).fit(*rows)


def test_non_finite_validation_loss(rows, monkeypatch):
    _Fault(monkeypatch, _add_in_epoch(2, np.nan, training=False))
    with pytest.raises(ValueError, match=r"The valid loss became nan at epoch 2 .*at epoch 1\)"):
        LSTMForecaster(early_stopping=True, **FAST).fit(*rows)


def test_a_failed_first_fit_leaves_an_unfitted_model(rows, monkeypatch):
    X, Y = rows
    model = LSTMForecaster(**FAST)
    _Fault(monkeypatch, _add_in_epoch(2, np.nan))
    with pytest.raises(ValueError, match="became nan"):
        model.fit(X, Y)
    with pytest.raises(NotFittedError, match="is not fitted yet"):
        model.predict(X)


def test_diverging_refit_leaves_the_fitted_model_intact(rows, monkeypatch):
    X, Y = rows
    model = LSTMForecaster(warm_start=True, **FAST).fit(X, Y)
    before, weights = model.predict(X), _weights(model)
    _Fault(monkeypatch, _add_in_epoch(2, np.nan))
    with pytest.raises(ValueError, match="became nan"):
        model.fit(X, Y)
    assert _equal(_weights(model), weights)
    assert_array_equal(model.predict(X), before)


def _interrupt(epoch, batch):
    """Raise KeyboardInterrupt at one training batch, after earlier optimizer steps."""

    def action(fault, module, out):
        if module.training and fault.epoch == epoch and fault.batches == batch:
            # The ensemble's names of the one network's weights (FAST: one network).
            state = copy.deepcopy(module.state_dict())
            fault.weights_at_fault = {f"members.0.{k}": v for k, v in state.items()}
            raise KeyboardInterrupt
        return out

    return action


@pytest.mark.parametrize("early_stopping", [False, True])
def test_keyboard_interrupt_keeps_the_best_epoch(rows, monkeypatch, early_stopping):
    X, Y = rows
    interrupt = _interrupt(epoch=5, batch=3)

    def spoil_then_interrupt(fault, module, out):
        # Epoch 4 goes badly (a large output offset, in training and in
        # validation), so that the best epoch is an earlier one and restoring
        # it is visible; then the interrupt hits epoch 5 mid-way.
        if fault.epoch == 4:
            return out + 10.0
        return interrupt(fault, module, out)

    fault = _Fault(monkeypatch, spoil_then_interrupt)
    model = LSTMForecaster(early_stopping=early_stopping, tol=0.0, n_iter_no_change=50, **FAST)
    with pytest.warns(RuntimeWarning, match=r"interrupted after 4 of 6 epochs.*best epoch"):
        model.fit(X, Y)

    completed = fault.epochs
    assert len(completed) == model.n_iter_ == 4
    assert model.loss_curve_ == [train for train, _, _ in completed]
    monitored = [valid if early_stopping else train for train, valid, _ in completed]
    best = int(np.argmin(monitored))
    assert best < 3  # the spoiled epoch 4 is not the best
    final = _weights(model)
    assert _equal(final, completed[best][2])
    assert not _equal(final, fault.weights_at_fault)
    assert not _equal(final, completed[-1][2])
    pred = model.predict(X)
    assert pred.shape == Y.shape and np.isfinite(pred).all()
    if early_stopping:
        assert len(model.validation_scores_) == 4
        assert model.best_validation_score_ == max(model.validation_scores_)


def test_keyboard_interrupt_in_the_first_epoch_propagates(rows, monkeypatch):
    X, Y = rows
    model = LSTMForecaster(**FAST).fit(X, Y)
    before, weights = model.predict(X), _weights(model)
    _Fault(monkeypatch, _interrupt(epoch=1, batch=2))
    # No epoch finished: there are no best weights to keep, so the interrupt
    # reaches the caller and the fitted model stays as it was.
    with pytest.raises(KeyboardInterrupt):
        model.fit(X, Y)
    assert _equal(_weights(model), weights)
    assert_array_equal(model.predict(X), before)
