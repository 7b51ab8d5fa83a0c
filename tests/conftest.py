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
    validation passes; ``batches`` holds the ``(windows, targets)`` tensors.
    """
    from sklstm._training import BatchIterator

    passes = []
    real_iter = BatchIterator.__iter__

    def iter_and_record(self):
        batches = []
        passes.append((self.shuffle, batches))
        for X, y in real_iter(self):
            batches.append((X.detach().clone(), y.detach().clone()))
            yield X, y

    with mock.patch.object(BatchIterator, "__iter__", iter_and_record):
        yield passes


@pytest.fixture(scope="session")
def record_batches():
    """``with record_batches() as passes:`` records what fit trains and validates on."""
    return _record_batches
