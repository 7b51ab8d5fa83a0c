"""Assertions shared by the bad-input test modules."""

import copy
import re

import pandas as pd
import pytest
from numpy.testing import assert_array_equal


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
