"""Training the members of an ensemble in parallel Python threads (CPU).

On a CPU the members of an ensemble do not batch well: one recurrent layer
for all members grows with the square of their number, and stepping them
together costs per-step overhead. Independent members in separate Python
threads do: torch releases the GIL inside its kernels, so two threads with
one intra-op thread each train two networks in about the time of one.

Each member is then trained alone, as :func:`sklstm._training.train` would
train a one-member ensemble with its seed, so that what a member ends with
does not depend on which thread trained it, or when. Training the members
together in one pass gives the same members (see ``sklstm._training``), so
the estimator's results do not depend on the number of threads either.

How many threads: never more than the cores the process may use
(``os.sched_getaffinity``) nor than the torch threads its caller allowed
(``torch.get_num_threads()`` before ``fit``: joblib's and Dask's workers
lower it to their share of the cores), and one (the members in one pass)
when ``fit`` runs in a thread other than the main one, as in joblib's
threading backend or a Dask worker, where the caller already runs work in
parallel.
"""

import os
import threading
from concurrent.futures import ThreadPoolExecutor, wait

import numpy as np
import torch

from ._module import Ensemble
from ._threads import caller_threads
from ._training import TrainResult, fit_linear_skips, train


def usable_cores() -> int:
    """The CPU cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not on Linux
        return os.cpu_count() or 1


def member_workers(n_members: int, device: str = "cpu", dropout: bool = False) -> int:
    """How many members train at once in this process, on ``device``.

    Dropout draws its masks from torch's global random generator, which
    threads would share: with dropout the members train in one pass.
    """
    if n_members < 2 or dropout or torch.device(device).type != "cpu":
        return 1
    if threading.current_thread() is not threading.main_thread():
        return 1
    return max(1, min(n_members, usable_cores(), caller_threads()))


def has_dropout(module: Ensemble) -> bool:
    """Whether any layer of ``module`` drops out units in training."""
    for layer in module.modules():
        if isinstance(layer, torch.nn.Dropout) and layer.p > 0:
            return True
        if isinstance(layer, torch.nn.RNNBase) and layer.dropout > 0:
            return True
    return False


def train_members(module: Ensemble, train_pairs, valid_pairs, *, seeds, workers, **kwargs):
    """Train the ensemble ``module`` in place, each member alone, ``workers`` at a time.

    Takes and returns what :func:`sklstm._training.train` does, with the
    same record: the training loss of each epoch is the mean over the
    members still training, the validation scores likewise, the optimizer
    state that of one optimizer over all members' weights.
    """
    if workers < 2:
        return train(module, train_pairs, valid_pairs, seeds=seeds, **kwargs)
    optimizer_state = kwargs.pop("optimizer_state", None)
    if kwargs.pop("linear_start", False):
        # One least-squares fit for all members rather than one each.
        fit_linear_skips(module, train_pairs)
    sizes = [len(list(member.parameters())) for member in module.members]
    states = split_optimizer_state(optimizer_state, sizes)

    stop = threading.Event()

    def train_one(e):
        return train(
            Ensemble([module.members[e]]),
            train_pairs,
            valid_pairs,
            seeds=[seeds[e]],
            optimizer_state=states[e],
            stop=stop,
            **kwargs,
        )

    # Each member's training seeds and restores torch's global generator,
    # which the threads share (without dropout nothing draws from it): the
    # caller's state is restored here, once, after all of them.
    with torch.random.fork_rng(devices=[]), ThreadPoolExecutor(workers) as pool:
        futures = [pool.submit(train_one, e) for e in range(len(module.members))]
        try:
            # Waiting in short slices lets this (main) thread see an interrupt
            # that the operating system delivered to a worker thread.
            while wait(futures, timeout=0.1).not_done:
                pass
        except KeyboardInterrupt:
            # As in one pass: the members end their epoch and keep their best
            # weights; a member that has not trained an epoch has none, so
            # then the interrupt goes on to the caller.
            stop.set()
            for future in futures:
                future.cancel()
            wait(futures)
            if any(future.cancelled() for future in futures):
                raise
        results = [future.result() for future in futures]
    return merge_results(results, sizes)


def merge_results(results, sizes) -> TrainResult:
    """One ensemble's record from its members' records, as one pass would have kept it."""
    n_iter = max(r.n_iter for r in results)

    def per_epoch(curves, reduce):
        return [
            float(reduce([curve[k] for curve in curves if k < len(curve)])) for k in range(n_iter)
        ]

    scores = best = None
    if results[0].validation_scores is not None:
        scores = per_epoch([r.validation_scores for r in results], np.nanmean)
        best = float(np.mean([r.best_validation_score for r in results]))
    return TrainResult(
        loss_curve=per_epoch([r.loss_curve for r in results], np.mean),
        validation_scores=scores,
        best_validation_score=best,
        n_iter=n_iter,
        optimizer_state=merge_optimizer_states([r.optimizer_state for r in results], sizes),
        interrupted=any(r.interrupted for r in results),
    )


def split_optimizer_state(state, sizes):
    """One optimizer state per member from that of one optimizer over all members' weights."""
    if state is None:
        return [None] * len(sizes)
    (group,) = state["param_groups"]
    states, offset = [], 0
    for size in sizes:
        states.append(
            {
                "state": {
                    i - offset: value
                    for i, value in state["state"].items()
                    if offset <= i < offset + size
                },
                "param_groups": [{**group, "params": list(range(size))}],
            }
        )
        offset += size
    return states


def merge_optimizer_states(states, sizes):
    """The inverse of :func:`split_optimizer_state`."""
    merged, offset = {}, 0
    for state, size in zip(states, sizes, strict=True):
        merged.update({offset + i: value for i, value in state["state"].items()})
        offset += size
    group = {**states[0]["param_groups"][0], "params": list(range(offset))}
    return {"state": merged, "param_groups": [group]}
