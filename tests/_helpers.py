"""Assertions shared by the test modules."""

import copy
import re

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose, assert_array_equal


def assert_unchanged(before, after):
    """``after`` is equal to ``before`` and of the same type."""
    assert type(before) is type(after)
    if isinstance(before, pd.DataFrame):
        pd.testing.assert_frame_equal(before, after)
    elif isinstance(before, pd.Series):
        pd.testing.assert_series_equal(before, after)
    else:
        assert_array_equal(before, after)


def check_error(call, args, error, problem, fix):
    """Call, expecting ``error``; its message must match ``problem`` and ``fix``.

    The arguments must come back unchanged: a refused call mutates nothing.
    """
    copies = copy.deepcopy(args)
    with pytest.raises(error) as info:
        call(*args)
    message = str(info.value)
    assert re.search(problem, message), message
    assert re.search(fix, message), message
    for before, after in zip(copies, args, strict=True):
        assert_unchanged(before, after)
    return message


def assert_same_float32_work(actual, desired):
    """Two code paths that do the same float32 arithmetic in another order.

    Batch sizes, row order and kernel blocking change the rounding, by
    different amounts on different CPUs and builds, so bitwise equality is not
    portable. Float32 rounds at 6e-8 of a value; the few dozen operations and
    recursive steps between input and output stay within 1e-5 of the largest
    value, while a wrong row, batch or shuffle changes the values by percents.
    """
    actual, desired = np.asarray(actual), np.asarray(desired)
    scale = float(np.max(np.abs(desired), initial=0.0))
    assert_allclose(actual, desired, rtol=1e-5, atol=1e-5 * scale)
