"""How many CPU threads torch uses inside ``fit`` and ``predict``.

The networks here are small: a training step multiplies matrices of a few
thousand numbers, where a second thread costs more in synchronisation than it
gives (one thread fits airline as fast as two on an idle machine), and
several times more when the other core is busy, because torch's worker
threads wait on each other at every small operation. So the estimator runs
its torch work, in ``fit`` and in ``predict``, with one thread and gives the
caller's setting back afterwards. Parallel work across series or models
belongs to joblib (``n_jobs`` of sklearn's tools), whose workers each run
with one thread. Within one fit, the networks of an ensemble train in
parallel Python threads, each with that one thread, as many at once as the
caller's setting allows (``sklstm._members``).
"""

import contextlib
import threading

import torch

_LOCK = threading.Lock()
_USERS = 0
_SAVED = None


@contextlib.contextmanager
def torch_threads(n):
    """Run the block with ``torch.set_num_threads(n)``, then restore the setting.

    Nested and concurrent uses (predict called from several Python threads)
    share one change: the caller's setting is restored when the last ends.
    ``None`` leaves the setting alone.
    """
    global _USERS, _SAVED
    if n is None or (torch.get_num_threads() == n and _USERS == 0):
        yield
        return
    with _LOCK:
        if _USERS == 0:
            _SAVED = torch.get_num_threads()
            torch.set_num_threads(n)
        _USERS += 1
    try:
        yield
    finally:
        with _LOCK:
            _USERS -= 1
            if _USERS == 0:
                torch.set_num_threads(_SAVED)


def caller_threads():
    """The torch threads the caller allowed, seen from inside :func:`torch_threads`.

    The setting before the outermost block; one when several blocks run at
    once, as when fits run in several Python threads, which share the cores.
    """
    with _LOCK:
        if _USERS == 0:
            return torch.get_num_threads()
        return _SAVED if _USERS == 1 else 1
