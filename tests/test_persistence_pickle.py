"""Persistence with pickle and joblib, clone, and loading a GPU-fitted model on a CPU.

A CUDA GPU is usually not available where the tests run. To test the CPU side
of "fitted on a GPU, loaded on a CPU-only machine", ``tensors_on_fake_cuda``
makes a fitted network's tensors report ``cuda:0``, stay there when copied and
pickle with the ``cuda:0`` location tag, which is exactly what the tensors of a
network trained on a GPU do; ``cpu_only`` makes ``torch.cuda.is_available()``
false while loading. The control tests show that this reproduces the real
failure (torch refuses to restore a ``cuda:0`` storage) when the estimator does
not move its network to the CPU, also when it only copies it. With a GPU,
``test_real_gpu_fit_loads_on_a_cpu_only_process`` runs the real check as well.
"""

import contextlib
import copy
import io
import os
import pickle
import subprocess
import sys
from unittest import mock

import joblib
import numpy as np
import pytest
import torch
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.base import BaseEstimator, clone
from sklearn.exceptions import NotFittedError
from sklearn.utils.validation import check_is_fitted

from sklstm import LSTMForecaster, make_windows

FAST = {"hidden_size": 6, "max_epochs": 3, "dropout": 0.1, "random_state": 0}


@pytest.fixture
def rows(airline):
    return make_windows(airline, window=24, horizon=6)


@pytest.fixture
def fitted(rows):
    X, Y = rows
    return LSTMForecaster(window=12, **FAST).fit(X, Y), X


def pickle_round_trip(obj):
    return pickle.loads(pickle.dumps(obj))


def joblib_round_trip(obj):
    buffer = io.BytesIO()
    joblib.dump(obj, buffer)
    buffer.seek(0)
    return joblib.load(buffer)


ROUND_TRIPS = {"pickle": pickle_round_trip, "joblib": joblib_round_trip}


@pytest.mark.parametrize("round_trip", list(ROUND_TRIPS))
def test_round_trip_gives_identical_predictions(fitted, airline, round_trip):
    model, X = fitted
    loaded = ROUND_TRIPS[round_trip](model)
    assert loaded is not model
    assert_array_equal(loaded.predict(X), model.predict(X))
    assert_array_equal(loaded.forecast(airline, steps=18), model.forecast(airline, steps=18))
    assert loaded.get_params() == model.get_params()
    assert loaded.loss_curve_ == model.loss_curve_
    # The loaded model keeps training where the original would.
    X_new, Y_new = X.iloc[-20:], model.predict(X.iloc[-20:])
    assert_array_equal(
        loaded.partial_fit(X_new, Y_new).predict(X), model.partial_fit(X_new, Y_new).predict(X)
    )


def test_joblib_dump_to_a_file(fitted, tmp_path):
    model, X = fitted
    path = tmp_path / "model.joblib"
    joblib.dump(model, path)
    assert_array_equal(joblib.load(path).predict(X), model.predict(X))


def test_pickling_leaves_the_fitted_model_alone(fitted):
    model, X = fitted
    module, state = model.module_, {k: v.clone() for k, v in model.module_.state_dict().items()}
    pickle.dumps(model)
    assert model.module_ is module
    for key, value in model.module_.state_dict().items():
        assert torch.equal(value, state[key])


def test_clone_of_a_fitted_model_is_unfitted(fitted, rows):
    model, X = fitted
    copy = clone(model)
    assert copy.get_params() == model.get_params()
    with pytest.raises(NotFittedError):
        check_is_fitted(copy)
    with pytest.raises(NotFittedError):
        copy.predict(X)
    assert not hasattr(copy, "module_")
    # Refitting the clone on the same rows reproduces the model: the seed is a parameter.
    assert_array_equal(copy.fit(*rows).predict(X), model.predict(X))


# --- A model fitted on a GPU loads on a CPU-only machine --------------------


@contextlib.contextmanager
def tensors_on_fake_cuda(module):
    """Make ``module``'s tensors look, copy and pickle as if they lived on ``cuda:0``.

    The tensors sharing storage with the module's state report ``cuda:0`` and
    pickle with the ``cuda:0`` location tag. As on a real GPU, a copy stays
    where it is: a ``clone`` (which ``copy.deepcopy`` uses) of a fake-GPU
    tensor is on the fake GPU too, and only ``.cpu()`` or ``.to("cpu")`` gives
    CPU tensors, as a new storage. So a pickle that merely copies the network
    still carries ``cuda:0``, and only one that moves it to the CPU does not.
    """
    on_gpu = {t.untyped_storage().data_ptr(): t for t in module.state_dict().values()}
    real_device = torch._C.TensorBase.device.__get__
    real_tag = torch.serialization.location_tag
    real_clone, real_cpu, real_to = torch.Tensor.clone, torch.Tensor.cpu, torch.Tensor.to

    def is_fake(tensor):
        return real_device(tensor).type == "cpu" and tensor.untyped_storage().data_ptr() in on_gpu

    def device(tensor):
        return torch.device("cuda", 0) if is_fake(tensor) else real_device(tensor)

    def location_tag(storage):
        if isinstance(storage, torch.TypedStorage):
            storage = storage.untyped()
        return "cuda:0" if storage.data_ptr() in on_gpu else real_tag(storage)

    def clone(tensor, *args, **kwargs):
        duplicate = real_clone(tensor, *args, **kwargs)
        if is_fake(tensor):
            # Kept alive, so that its address is never reused by another tensor.
            on_gpu[duplicate.untyped_storage().data_ptr()] = duplicate
        return duplicate

    def cpu(tensor, *args, **kwargs):
        return real_clone(tensor) if is_fake(tensor) else real_cpu(tensor, *args, **kwargs)

    def to(tensor, *args, **kwargs):
        target = torch._C._nn._parse_to(*args, **kwargs)[0]
        if is_fake(tensor) and target is not None and target.type == "cpu":
            return real_to(real_clone(tensor), *args, **kwargs)
        return real_to(tensor, *args, **kwargs)

    with (
        mock.patch.object(torch.Tensor, "device", property(device)),
        mock.patch.object(torch.serialization, "location_tag", location_tag),
        mock.patch.object(torch.Tensor, "clone", clone),
        mock.patch.object(torch.Tensor, "cpu", cpu),
        mock.patch.object(torch.Tensor, "to", to),
    ):
        yield


def cpu_only():
    return mock.patch.object(torch.cuda, "is_available", return_value=False)


@pytest.mark.parametrize("round_trip", ["pickle", "joblib"])
def test_gpu_fitted_model_loads_on_a_cpu_only_machine(fitted, round_trip):
    model, X = fitted
    expected = model.predict(X)
    dumps, loads = {
        "pickle": (pickle.dumps, pickle.loads),
        "joblib": (_joblib_dumps, _joblib_loads),
    }[round_trip]
    with tensors_on_fake_cuda(model.module_):
        assert next(model.module_.parameters()).device == torch.device("cuda", 0)
        blob = dumps(model)
        # The user's model is not moved by pickling.
        assert next(model.module_.parameters()).device == torch.device("cuda", 0)
    with cpu_only():
        loaded = loads(blob)
    assert {p.device.type for p in loaded.module_.parameters()} == {"cpu"}
    assert_array_equal(loaded.predict(X), expected)


def test_control_without_mapping_the_simulated_gpu_pickle_fails_on_cpu(fitted):
    # Without LSTMForecaster.__getstate__, the network pickles with its device,
    # and torch refuses to load it where CUDA is not available: the simulation
    # above reproduces the real problem, and the estimator is what fixes it.
    model, _ = fitted
    with (
        tensors_on_fake_cuda(model.module_),
        mock.patch.object(LSTMForecaster, "__getstate__", BaseEstimator.__getstate__),
    ):
        blob = pickle.dumps(model)
    with cpu_only(), pytest.raises(RuntimeError, match="CUDA device"):
        pickle.loads(blob)


def test_control_the_simulated_gpu_copies_like_a_real_one(fitted):
    # A copy of a network on a GPU is on the GPU; only .cpu() moves it. A
    # simulation in which copying alone "moved" the network would let a
    # __getstate__ without its .cpu() step pass the tests above.
    model, _ = fitted
    with tensors_on_fake_cuda(model.module_):
        assert {p.device.type for p in copy.deepcopy(model.module_).parameters()} == {"cuda"}
        assert {p.device.type for p in copy.deepcopy(model.module_).cpu().parameters()} == {"cpu"}
        assert {p.device.type for p in copy.deepcopy(model.module_).to("cpu").parameters()} == {
            "cpu"
        }
        blob = pickle.dumps(copy.deepcopy(model.module_))
    with cpu_only(), pytest.raises(RuntimeError, match="CUDA device"):
        pickle.loads(blob)


def _joblib_dumps(obj):
    buffer = io.BytesIO()
    joblib.dump(obj, buffer)
    return buffer.getvalue()


def _joblib_loads(blob):
    return joblib.load(io.BytesIO(blob))


@pytest.mark.gpu
def test_real_gpu_fit_loads_on_a_cpu_only_process(rows, tmp_path):
    X, Y = (frame.to_numpy() for frame in rows)
    model = LSTMForecaster(window=12, device="cuda", **FAST).fit(X, Y)
    assert next(model.module_.parameters()).is_cuda
    path = tmp_path / "gpu_model.pkl"
    path.write_bytes(pickle.dumps(model))
    assert next(model.module_.parameters()).is_cuda  # pickling did not move it
    np.save(tmp_path / "X.npy", X)
    script = (
        "import pickle, sys, numpy as np, torch\n"
        "assert not torch.cuda.is_available()\n"
        f"model = pickle.loads(open({str(path)!r}, 'rb').read())\n"
        f"X = np.load({str(tmp_path / 'X.npy')!r})\n"
        f"np.save({str(tmp_path / 'pred.npy')!r}, model.predict(X))\n"
    )
    env = {**os.environ, "CUDA_VISIBLE_DEVICES": ""}
    subprocess.run([sys.executable, "-c", script], env=env, check=True, timeout=120)
    # CPU and GPU kernels round differently; the weights are the same.
    assert_allclose(np.load(tmp_path / "pred.npy"), model.predict(X), rtol=1e-4)
