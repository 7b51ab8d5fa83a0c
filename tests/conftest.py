import os

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
