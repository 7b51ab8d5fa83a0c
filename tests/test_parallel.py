"""Searches in parallel: joblib's process workers and its Dask backend.

Two torch processes that each use every core oversubscribe the machine. joblib's
loky backend sets ``OMP_NUM_THREADS`` (and the MKL/OpenBLAS equivalents) in its
worker processes to ``cpu_count() // n_jobs`` unless the parent already sets it,
and Dask's nanny sets them to 1; torch reads ``OMP_NUM_THREADS`` at import, so
each worker sizes its thread pool to its share of the cores. These tests check
that this holds for fits of ``LSTMForecaster``, and that the scores do not
depend on where the fits ran.
"""

import os

import joblib
import pytest
import torch
from joblib._parallel_backends import LokyBackend
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.model_selection import GridSearchCV, TimeSeriesSplit

from sklstm import LSTMForecaster, make_windows

pytestmark = pytest.mark.slow

HORIZON = 6
GRID = {"window": [6, 12], "hidden_size": [4, 6]}


def torch_threads(estimator, X, y):
    """A "scorer" reporting the torch thread count of the process that fitted."""
    return torch.get_num_threads()


def process_id(estimator, X, y):
    """A "scorer" reporting the id of the process that fitted."""
    return os.getpid()


def omp_num_threads(estimator, X, y):
    """A "scorer" reporting ``OMP_NUM_THREADS`` where the fit ran; -1 when unset."""
    return int(os.environ.get("OMP_NUM_THREADS", -1))


SCORING = {
    "mae": "neg_mean_absolute_error",
    "threads": torch_threads,
    "pid": process_id,
    "omp_num_threads": omp_num_threads,
}


@pytest.fixture(scope="module")
def rows():
    from sklstm.datasets import load_airline

    return make_windows(load_airline(), window=24, horizon=HORIZON)


def search(n_jobs=None):
    return GridSearchCV(
        LSTMForecaster(max_epochs=3, random_state=0),
        GRID,
        cv=TimeSeriesSplit(n_splits=2, gap=HORIZON - 1),
        scoring=SCORING,
        refit="mae",
        n_jobs=n_jobs,
    )


@pytest.fixture(scope="module")
def sequential(rows):
    return search(n_jobs=1).fit(*rows)


@pytest.fixture
def no_thread_limits(monkeypatch):
    """Clear the thread-count variables of this process, as in a user's plain shell.

    Workers inherit them: with ``OMP_NUM_THREADS=1`` set here (as developers run
    the suite) every worker would use one thread whatever joblib or Dask do, and
    the assertions on the workers' thread counts could not fail.
    """
    for var in LokyBackend.MAX_NUM_THREADS_VARS:
        monkeypatch.delenv(var, raising=False)


def test_n_jobs_2_workers_share_the_cores_and_agree_with_n_jobs_1(
    rows, sequential, no_thread_limits
):
    threads_before = torch.get_num_threads()
    parallel = search(n_jobs=2).fit(*rows)
    results = parallel.cv_results_

    pids = {int(pid) for key in ("split0_test_pid", "split1_test_pid") for pid in results[key]}
    assert os.getpid() not in pids  # the fits ran in worker processes
    # This process sets no limit, so joblib did: OMP_NUM_THREADS is the share
    # of the cores in each worker, and each worker's torch uses that many
    # threads (torch alone would size its pool from the machine's cores).
    share = max(1, joblib.cpu_count() // 2)
    assert {int(n) for n in results["mean_test_omp_num_threads"]} == {share}
    worker_threads = {int(t) for t in results["mean_test_threads"]}
    assert worker_threads == {share}
    assert torch.get_num_threads() == threads_before

    # Where a fit ran does not change it: seeds are parameters. With one
    # thread on both sides the floats are identical; with more threads, torch
    # may split reductions differently and change the last bits.
    if worker_threads == {torch.get_num_threads()} == {1}:
        assert_array_equal(results["mean_test_mae"], sequential.cv_results_["mean_test_mae"])
    else:
        assert_allclose(
            results["mean_test_mae"], sequential.cv_results_["mean_test_mae"], rtol=1e-5
        )
    assert parallel.best_params_ == sequential.best_params_


def test_dask_backend_gives_the_default_backends_scores(rows, sequential, no_thread_limits):
    pytest.importorskip("dask")
    distributed = pytest.importorskip("dask.distributed")

    with (
        distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        worker_pids = set(client.run(os.getpid).values())
        with joblib.parallel_backend("dask"):
            on_dask = search().fit(*rows)

    results = on_dask.cv_results_
    pids = {int(pid) for key in ("split0_test_pid", "split1_test_pid") for pid in results[key]}
    assert pids <= worker_pids  # every fit ran on a Dask worker
    # This process sets no limit: the nanny's OMP_NUM_THREADS=1 is what the
    # workers' torch follows.
    assert set(results["mean_test_omp_num_threads"]) == {1}
    assert set(results["mean_test_threads"]) == {1}
    # Same seeds, same scores: one thread per fit on both sides here, but the
    # parent's thread count may differ from the workers', so last bits may too.
    assert_allclose(results["mean_test_mae"], sequential.cv_results_["mean_test_mae"], rtol=1e-6)
    assert on_dask.best_params_ == sequential.best_params_
    # The refit runs in the calling process, as with the default backend.
    assert_array_equal(on_dask.predict(rows[0]), sequential.predict(rows[0]))
