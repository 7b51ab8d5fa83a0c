"""Members of an ensemble trained in parallel threads: the same members, whatever the threads."""

import _thread
import threading

import numpy as np
import pytest
import torch
from numpy.testing import assert_allclose, assert_array_equal

import sklstm._fitting
import sklstm._members
from sklstm import LSTMForecaster, make_windows
from sklstm._members import (
    member_workers,
    merge_optimizer_states,
    split_optimizer_state,
)
from sklstm._module import RecurrentOneStep
from sklstm._threads import torch_threads

PARAMS = {"hidden_size": 6, "max_epochs": 5, "batch_size": 16, "random_state": 3}


@pytest.fixture
def rows():
    rng = np.random.default_rng(0)
    series = np.sin(np.arange(160) / 4) + np.arange(160) / 80 + 0.05 * rng.standard_normal(160)
    return make_windows(series, window=12)


@pytest.fixture
def workers(monkeypatch):
    """``workers(n)``: fits from now on train ``n`` members at a time."""

    def force(n):
        monkeypatch.setattr(sklstm._fitting, "member_workers", lambda members, *_: min(n, members))

    return force


def _weights(model):
    return {k: v.clone() for k, v in model.module_.state_dict().items()}


def _fit(rows, **params):
    return LSTMForecaster(**{**PARAMS, **params}).fit(*rows)


@pytest.mark.parametrize("early_stopping", [False, True])
def test_members_in_threads_equal_members_in_one_pass(rows, workers, early_stopping):
    params = {"n_estimators": 3, "early_stopping": early_stopping, "n_iter_no_change": 2}
    workers(1)
    one_pass = _fit(rows, **params)
    workers(3)
    threads = _fit(rows, **params)
    # Different code (one loop over all members, or one loop per member),
    # the same arithmetic per member: equal to float32 rounding.
    for name, value in _weights(one_pass).items():
        assert_allclose(_weights(threads)[name], value, rtol=1e-6, atol=1e-7, err_msg=name)
    assert_allclose(threads.predict(rows[0]), one_pass.predict(rows[0]), rtol=1e-6)
    assert threads.n_iter_ == one_pass.n_iter_
    assert_allclose(threads.loss_curve_, one_pass.loss_curve_, rtol=1e-6)
    if early_stopping:
        assert_allclose(threads.validation_scores_, one_pass.validation_scores_, rtol=1e-6)
        assert_allclose(threads.best_validation_score_, one_pass.best_validation_score_)


def test_each_member_is_the_same_whatever_the_scheduling(rows, workers):
    # Two threads for four members, or four: each member is trained by the
    # same computation alone, in whichever thread and order, bit for bit.
    fits = []
    for n in (2, 4):
        workers(n)
        fits.append(_fit(rows, n_estimators=4, early_stopping=True, n_iter_no_change=2))
    first, second = fits
    for name, value in _weights(first).items():
        assert torch.equal(_weights(second)[name], value), name
    assert first.n_iter_ == second.n_iter_
    assert_array_equal(first.predict(rows[0]), second.predict(rows[0]))


def test_a_member_in_the_ensemble_equals_that_member_fitted_alone(rows, workers):
    workers(2)
    ensemble = _fit(rows, n_estimators=2)
    seed = np.random.RandomState(PARAMS["random_state"]).randint(np.iinfo(np.int32).max, size=2)
    # The second member (window_scaling="alternate": the unscaled kind) by a
    # one-network estimator that draws that member's seed.
    solo = LSTMForecaster(**{**PARAMS, "n_estimators": 1, "window_scaling": False})
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(sklstm._fitting, "check_random_state", lambda _: _SeedStream([seed[1]]))
        solo.fit(*rows)
    for name, value in solo.module_.members[0].state_dict().items():
        assert torch.equal(ensemble.module_.members[1].state_dict()[name], value), name


class _SeedStream:
    """A stand-in random state whose ``randint`` returns given seeds."""

    def __init__(self, seeds):
        self.seeds = seeds

    def randint(self, high, size):
        return np.asarray(self.seeds[:size])


def test_partial_fit_continues_each_members_optimizer(rows, workers):
    workers(1)
    one_pass = _fit(rows, n_estimators=2).partial_fit(*rows)
    workers(2)
    threads = _fit(rows, n_estimators=2).partial_fit(*rows)
    for name, value in _weights(one_pass).items():
        assert_allclose(_weights(threads)[name], value, rtol=1e-6, atol=1e-7, err_msg=name)


def test_optimizer_state_split_and_merge_are_inverse(rows):
    state = _fit(rows, n_estimators=2)._optimizer_state
    sizes = [5, len(state["state"]) - 5]
    parts = split_optimizer_state(state, sizes)
    assert [len(p["state"]) for p in parts] == sizes
    merged = merge_optimizer_states(parts, sizes)
    assert merged["param_groups"] == state["param_groups"]
    assert merged["state"].keys() == state["state"].keys()
    for i, values in state["state"].items():
        for key, value in values.items():
            assert torch.equal(merged["state"][i][key], value)


def test_threads_leave_the_global_random_state_alone(rows, workers):
    workers(2)
    torch.manual_seed(123)
    expected = torch.rand(3)
    torch.manual_seed(123)
    _fit(rows, n_estimators=2)
    assert torch.equal(torch.rand(3), expected)


def test_an_interrupt_ends_each_member_at_its_epoch_with_its_best(rows, workers, monkeypatch):
    workers(2)
    forward = RecurrentOneStep.forward
    calls = []

    def interrupting_forward(module, x, *args):
        calls.append(1)
        if len(calls) == 40:  # in the second epoch (16 batches per member and epoch)
            _thread.interrupt_main()
        return forward(module, x, *args)

    monkeypatch.setattr(RecurrentOneStep, "forward", interrupting_forward)
    with pytest.warns(RuntimeWarning, match="interrupted after"):
        model = _fit(rows, n_estimators=2, max_epochs=50)
    assert 1 <= model.n_iter_ < 50
    assert np.isfinite(model.predict(rows[0])).all()


def test_workers_never_exceed_the_cores_nor_the_callers_threads(monkeypatch):
    monkeypatch.setattr(sklstm._members, "usable_cores", lambda: 2)
    with torch_threads(None):
        torch_before = torch.get_num_threads()
        try:
            torch.set_num_threads(4)
            assert member_workers(5) == 2
            assert member_workers(1) == 1
            assert member_workers(5, dropout=True) == 1
            assert member_workers(5, device="cuda") == 1
            with torch_threads(1):
                # Inside a fit: the caller's setting counts, not the fit's own.
                assert member_workers(5) == 2
            torch.set_num_threads(1)  # as in a joblib or Dask worker
            assert member_workers(5) == 1
        finally:
            torch.set_num_threads(torch_before)


def test_fits_in_threads_train_their_members_one_pass_each():
    seen = []
    thread = threading.Thread(target=lambda: seen.append(member_workers(5)))
    thread.start()
    thread.join()
    assert seen == [1]


@pytest.mark.slow
def test_inside_a_joblib_process_worker_members_do_not_add_threads():
    from joblib import Parallel, delayed

    counts = Parallel(n_jobs=2, backend="loky")(delayed(member_workers)(5) for _ in range(2))
    # loky gives each of the n_jobs workers its share of the cores.
    assert max(counts) <= max(1, sklstm._members.usable_cores() // 2)
