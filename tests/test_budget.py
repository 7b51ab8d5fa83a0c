"""The training budget (epochs and optimizer steps) and the thread policy of fit."""

import warnings

import numpy as np
import pytest
import torch

import sklstm._fitting
from sklstm import LSTMForecaster, make_windows


@pytest.fixture
def rows():
    X, y = make_windows(np.sin(np.arange(140) / 4), window=12)
    return X, y  # 128 pairs: 4 batches of 32 per epoch


# fallback=False where a test counts training passes, steps or threads: the
# fallback's held-out run is a second training.
def test_max_steps_ends_training_mid_epoch_without_a_warning(rows, record_batches):
    model = LSTMForecaster(
        max_epochs=50, max_steps=7, n_estimators=1, hidden_size=4, random_state=0, fallback=False
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with record_batches() as passes:
            model.fit(*rows)
    batches = [len(b) for shuffled, b in passes if shuffled]
    assert batches == [4, 3]
    assert model.n_iter_ == len(model.loss_curve_) == 2


def test_max_epochs_binds_when_it_comes_first(rows):
    model = LSTMForecaster(max_epochs=3, max_steps=1000, n_estimators=1, hidden_size=4).fit(*rows)
    assert model.n_iter_ == 3
    unlimited = LSTMForecaster(max_epochs=3, max_steps=None, n_estimators=1, hidden_size=4)
    assert unlimited.fit(*rows).n_iter_ == 3


def test_learning_rate_decays_over_the_planned_steps(rows, monkeypatch):
    seen = []
    step = torch.optim.Adam.step

    def record(self, *args, **kwargs):
        seen.append(self.param_groups[0]["lr"])
        return step(self, *args, **kwargs)

    monkeypatch.setattr(torch.optim.Adam, "step", record)
    LSTMForecaster(
        max_epochs=5,
        max_steps=10,
        n_estimators=1,
        hidden_size=4,
        learning_rate=0.01,
        fallback=False,
    ).fit(*rows)
    assert len(seen) == 10
    assert seen[0] == pytest.approx(0.01)
    assert np.all(np.diff(seen) < 0)
    # Cosine to a tenth of the rate, reached at the planned last step.
    assert seen[-1] == pytest.approx(0.001 + 0.009 * 0.5 * (1 + np.cos(np.pi * 9 / 10)))


def _threads_seen(monkeypatch, module, name):
    """Torch's thread count at each call of ``module.name``, recorded as it runs."""
    seen = []
    original = getattr(module, name)

    def spy(*args, **kwargs):
        seen.append(torch.get_num_threads())
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, spy)
    return seen


@pytest.fixture
def two_threads():
    """The caller's setting is two threads; restored after the test."""
    before = torch.get_num_threads()
    torch.set_num_threads(2)
    yield
    torch.set_num_threads(before)


def test_fit_trains_with_one_thread_and_restores_the_callers_setting(
    rows, monkeypatch, two_threads
):
    inside = _threads_seen(monkeypatch, sklstm._fitting, "train")
    LSTMForecaster(max_epochs=1, n_estimators=1, hidden_size=4, fallback=False).fit(*rows)
    assert inside == [1]
    assert torch.get_num_threads() == 2
    # Also when fit fails.
    with pytest.raises(ValueError, match="window=99 is longer"):
        LSTMForecaster(window=99).fit(*rows)
    assert torch.get_num_threads() == 2


def test_predict_runs_with_one_thread_and_restores_the_callers_setting(
    rows, monkeypatch, two_threads
):
    import sklstm._forecasting

    # The network forecasts (no fallback on a simple forecast, which runs no torch).
    model = LSTMForecaster(max_epochs=1, n_estimators=1, hidden_size=4, fallback=False)
    model = model.fit(*rows)
    inside = _threads_seen(monkeypatch, sklstm._forecasting, "forecast_scaled")
    model.predict(rows[0])
    assert inside == [1]
    assert torch.get_num_threads() == 2
