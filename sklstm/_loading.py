"""``load``: the model file's reader, bound to the estimators it may hold.

Kept apart from ``_persistence`` (the file format), which ``LSTMForecaster.save``
uses: the format then needs no estimator, and no module imports the other back.
"""

import os

from ._forecaster import LSTMForecaster
from ._persistence import read_model

_CLASSES = {"LSTMForecaster": LSTMForecaster}


def load(path, *, trusted=None):
    """Load a model written by :meth:`LSTMForecaster.save`, running no code from it.

    The network's weights are read with ``torch.load(weights_only=True)``,
    the parameters and the built-in scalers from JSON, and any other scaler
    (a user's transformer or ``Pipeline``) with skops, which refuses types it
    does not trust unless they are listed in ``trusted``.

    Parameters
    ----------
    path : str, path-like or binary file object
        The file written by :meth:`LSTMForecaster.save`.
    trusted : list of str, default=None
        Extra types the skops part of the file may hold, by their full name
        as reported in the error that lists them. Review them first: these
        types are trusted to be constructed while loading. ``None`` trusts
        only skops' default types (scikit-learn, NumPy, SciPy and builtins).

    Returns
    -------
    estimator : LSTMForecaster
        The model, with its network on the CPU. Its predictions equal those
        of the saved model.

    Raises
    ------
    ValueError
        If the file is not an sklstm model file, is truncated, corrupt or
        crafted (including a part that would expand far beyond the file's
        size), is a file object open in text mode, or was written in a format
        this version of sklstm cannot read. The message says which.
    ImportError
        If the file holds a scaler stored with skops and skops is missing.

    See Also
    --------
    LSTMForecaster.save : Write a model in this format.

    Examples
    --------
    >>> import os, tempfile
    >>> import numpy as np
    >>> from sklstm import LSTMForecaster, load, make_windows
    >>> X, y = make_windows(np.sin(np.arange(100) / 4), window=8)
    >>> model = LSTMForecaster(max_epochs=3, random_state=0).fit(X, y)
    >>> path = os.path.join(tempfile.mkdtemp(), "model.sklstm")
    >>> model.save(path)
    >>> restored = load(path)
    >>> bool(np.array_equal(restored.predict(X), model.predict(X)))
    True
    """
    if hasattr(path, "read"):
        return read_model(path, "The file", trusted, _CLASSES)
    with open(path, "rb") as file:
        return read_model(file, repr(os.fspath(path)), trusted, _CLASSES)
