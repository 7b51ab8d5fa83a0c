"""Training output: one progress bar with verbose=1, silence with verbose=0, no files."""

import re
import tempfile
import warnings

import numpy as np
import pytest

from sklstm import LSTMForecaster, make_windows

TINY = {"hidden_size": 8, "max_epochs": 4, "random_state": 0}


@pytest.fixture
def rows():
    return make_windows(np.sin(np.arange(90) / 3) + np.arange(90) / 30, window=8, horizon=2)


def _files_in(watched_dirs):
    """Files under the watched directories.

    Empty directories are allowed in the temp directory: the first
    ``torch.optim`` optimizer of a process imports ``torch._dynamo``, which
    creates torch's (empty) compile cache directory there.
    """
    cwd, tmp = watched_dirs
    return list(cwd.iterdir()) + [p for p in tmp.rglob("*") if not p.is_dir()]


@pytest.fixture
def watched_dirs(tmp_path, monkeypatch):
    """An empty working directory and temp directory, to see if fit writes anything."""
    cwd, tmp = tmp_path / "cwd", tmp_path / "tmp"
    cwd.mkdir()
    tmp.mkdir()
    monkeypatch.chdir(cwd)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp))
    for name in ("TMPDIR", "TEMP", "TMP"):
        monkeypatch.setenv(name, str(tmp))
    return cwd, tmp


@pytest.mark.parametrize("early_stopping", [False, True])
def test_verbose_0_is_silent_and_writes_nothing(rows, watched_dirs, capfd, early_stopping):
    X, Y = rows
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model = LSTMForecaster(early_stopping=early_stopping, **TINY).fit(X, Y)
        model.partial_fit(X, Y)
        model.predict(X)
    # capfd sees the file descriptors too, so output from C code would show.
    captured = capfd.readouterr()
    assert captured.out == captured.err == ""
    assert _files_in(watched_dirs) == []


def test_verbose_1_shows_one_bar_over_epochs(rows, watched_dirs, capfd):
    X, Y = rows
    # No fallback: its held-out run, a second training, would show a second bar.
    model = LSTMForecaster(early_stopping=True, verbose=1, fallback=False, **TINY).fit(X, Y)
    captured = capfd.readouterr()
    assert captured.out == ""
    # tqdm redraws one line with carriage returns: a single bar from 0 to the end.
    states = re.findall(r"(\d+)/4 \[", captured.err)
    assert states[0] == "0" and states[-1] == str(model.n_iter_)
    assert captured.err.count("0/4 [") == 1
    assert captured.err.count("\n") <= 1
    assert re.search(r"train_loss=[\d.e-]+, valid_loss=[\d.e-]+", captured.err)
    assert "epoch/s" in captured.err
    assert _files_in(watched_dirs) == []


def test_verbose_1_without_validation_shows_training_loss(rows, capfd):
    X, Y = rows
    LSTMForecaster(verbose=1, **TINY).fit(X, Y)
    err = capfd.readouterr().err
    assert "4/4" in err and "train_loss=" in err and "valid_loss" not in err
