"""Shared fixtures, and what this suite can only check on a machine with a GPU.

Tests marked ``gpu`` need a CUDA GPU. Where torch sees none (CI, most
development machines) they are skipped, with the reason in pytest's summary.
On a CPU-only machine the device handling is checked by simulation: a network
whose tensors report and pickle as ``cuda:0``
(``test_persistence_pickle.tensors_on_fake_cuda``), files tagged ``cuda:0``
(``test_safe_persistence``), and ``device="cuda"`` refused without a GPU. Only
a GPU machine checks, with the two ``gpu`` tests:

- that ``fit(device="cuda")`` trains a network that ends on the GPU, and
  ``predict`` with it returns values;
- pickling a model fitted on the GPU (the fitted model staying on the GPU)
  and unpickling it in a process that sees no GPU, whose predictions agree
  with the GPU's within float32 rounding
  (``test_real_gpu_fit_loads_on_a_cpu_only_process``);
- ``save`` of a GPU-fitted model (its weights stored as CPU tensors, the model
  staying on the GPU) and ``load`` of it onto the CPU, with predictions that
  agree (``test_a_model_fitted_on_a_gpu_is_saved_from_the_cpu``).

No test checks, even on a GPU, where the training data and the loss live
during ``fit``, that the CUDA random generator is seeded and restored around
``fit``, that ``device="auto"`` picks the GPU, or that a seeded fit on the GPU
is reproducible.
"""

import contextlib
import os
from unittest import mock

# sklearn's check_array_api_input is skipped unless SciPy's array API mode is
# on, and that mode is read when SciPy is first imported: set it before.
os.environ.setdefault("SCIPY_ARRAY_API", "1")

import numpy as np
import pytest
import torch

# The models under test are tiny: one thread is as fast as two and keeps the
# suite from oversubscribing the cores when anything else runs beside it.
torch.set_num_threads(1)


def pytest_collection_modifyitems(config, items):
    if torch.cuda.is_available():
        return
    skip = pytest.mark.skip(reason="needs a CUDA GPU (see tests/conftest.py)")
    for item in items:
        if item.get_closest_marker("gpu"):
            item.add_marker(skip)


@pytest.fixture
def airline():
    from sklstm.datasets import load_airline

    return load_airline()


@pytest.fixture
def sine():
    """A noiseless sine of period 12 that a small network learns almost exactly."""
    return np.sin(2 * np.pi * np.arange(240) / 12)


@contextlib.contextmanager
def _record_batches():
    """Record every batch that training draws, pass by pass.

    Yields a list that fills with one ``(shuffled, batches)`` entry per pass
    over a dataset: ``shuffled`` is true for training epochs and false for
    validation passes; ``batches`` holds the ``(windows, targets)`` tensors
    of the first network of the ensemble (each network draws its own).
    """
    from sklstm._training import MemberBatches

    passes = []
    real_iter = MemberBatches.__iter__

    def iter_and_record(self):
        batches = []
        passes.append((self.generators is not None, batches))
        for X, y, known in real_iter(self):
            batches.append((X[0].detach().clone(), y[0].detach().clone()))
            yield X, y, known

    with mock.patch.object(MemberBatches, "__iter__", iter_and_record):
        yield passes


@pytest.fixture(scope="session")
def record_batches():
    """``with record_batches() as passes:`` records what fit trains and validates on."""
    return _record_batches
