"""Safe persistence: ``LSTMForecaster.save`` and ``sklstm.load`` run no code from a file."""

import io
import json
import pickle
import sys
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import torch
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.exceptions import NotFittedError
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer, MinMaxScaler, StandardScaler

import sklstm
from sklstm import LSTMForecaster, load, make_windows

FAST = {"hidden_size": 8, "max_epochs": 3, "random_state": 0}


@pytest.fixture(scope="module")
def rows():
    series = np.sin(np.arange(80) / 3) + np.arange(80) / 40 + 2.0
    X, Y = make_windows(series, window=10, horizon=3)
    return np.ascontiguousarray(X), np.ascontiguousarray(Y)


@pytest.fixture(scope="module")
def model(rows):
    return LSTMForecaster(early_stopping=True, **FAST).fit(*rows)


@pytest.fixture
def saved(model, tmp_path):
    path = tmp_path / "model.sklstm"
    model.save(path)
    return path


def _members(path):
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _rewrite(path, replace):
    """Write ``path`` again with some members replaced (bytes) or removed (None)."""
    members = _members(path)
    for name, data in replace.items():
        if data is None:
            members.pop(name)
        else:
            members[name] = data
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)


def _edit_meta(path, edit):
    meta = json.loads(_members(path)["sklstm.json"])
    edit(meta)
    _rewrite(path, {"sklstm.json": json.dumps(meta).encode()})


def _assert_same_model(loaded, model, X):
    assert type(loaded) is LSTMForecaster
    assert_array_equal(loaded.predict(X), model.predict(X))
    assert_array_equal(loaded.forecast(X[0], steps=5), model.forecast(X[0], steps=5))
    assert repr(loaded.get_params()) == repr(model.get_params())
    for name in ("window_", "horizon_", "n_outputs_", "n_features_in_", "n_iter_"):
        assert getattr(loaded, name) == getattr(model, name)
    assert loaded.loss_curve_ == model.loss_curve_
    assert loaded.validation_scores_ == model.validation_scores_
    assert loaded.best_validation_score_ == model.best_validation_score_
    assert loaded._module_config_ == model._module_config_
    assert next(loaded.module_.parameters()).device.type == "cpu"
    assert not loaded.module_.training


def test_round_trip_gives_identical_predictions(model, saved, rows):
    loaded = load(saved)
    _assert_same_model(loaded, model, rows[0])
    # The built-in scaler, after the division by the largest magnitude.
    assert repr(loaded.scaler_) == repr(model.scaler_)
    assert loaded.scaler_[0].scale_ == model.scaler_[0].scale_
    assert_array_equal(loaded.scaler_[-1].scale_, model.scaler_[-1].scale_)


def test_file_records_the_versions_and_holds_no_pickle_of_objects(saved):
    members = _members(saved)
    assert set(members) == {"sklstm.json", "weights.pt", "tensors/_optimizer_state.pt"}
    meta = json.loads(members["sklstm.json"])
    assert meta["format"] == "sklstm-model"
    assert meta["format_version"] == 2
    assert meta["sklstm_version"] == sklstm.__version__
    assert meta["torch_version"] == torch.__version__
    assert meta["params"]["scaler"] == "auto"
    scaler = meta["attributes"]["scaler_"]
    assert scaler["__estimator__"] == "Pipeline"
    steps = scaler["state"]["__dict__"]["steps"]
    assert [step["__tuple__"][1]["__estimator__"] for step in steps] == [
        "UnitMagnitude",
        "MinMaxScaler",
    ]


@pytest.mark.parametrize(
    "scaler",
    [
        "standard",
        None,
        MinMaxScaler(feature_range=(0, 2)),
        StandardScaler(with_mean=False),
    ],
    ids=["standard", "None", "MinMaxScaler", "StandardScaler"],
)
def test_builtin_scalers_are_stored_as_json(rows, tmp_path, scaler):
    X, Y = rows
    model = LSTMForecaster(scaler=scaler, **FAST).fit(X, Y[:, 0])
    model.save(tmp_path / "m.sklstm")
    assert "objects.skops" not in _members(tmp_path / "m.sklstm")
    loaded = load(tmp_path / "m.sklstm")
    _assert_same_model(loaded, model, X)
    assert loaded.predict(X).shape == (len(X),)


def test_pandas_names_random_state_and_file_objects_round_trip(rows):
    X, Y = rows
    columns = [f"lag_{k}" for k in range(10, 0, -1)]
    frame = pd.DataFrame(X, columns=columns)
    model = LSTMForecaster(**{**FAST, "random_state": np.random.RandomState(3)}).fit(frame, Y)
    buffer = io.BytesIO()
    model.save(buffer)
    loaded = load(io.BytesIO(buffer.getvalue()))
    assert_array_equal(loaded.feature_names_in_, columns)
    assert loaded.feature_names_in_.dtype == object
    assert_array_equal(loaded.predict(frame), model.predict(frame))
    assert loaded.random_state.get_state()[2] == model.random_state.get_state()[2]
    assert_array_equal(loaded.random_state.get_state()[1], model.random_state.get_state()[1])


def test_training_continues_as_before_saving(model, saved, rows):
    X, Y = rows
    loaded = load(saved)
    original = pickle.loads(pickle.dumps(model))
    original.partial_fit(X, Y)
    loaded.partial_fit(X, Y)
    assert_array_equal(loaded.predict(X), original.predict(X))


def test_unfitted_model_round_trips(tmp_path):
    LSTMForecaster(window=5, cell="gru").save(tmp_path / "m.sklstm")
    loaded = load(tmp_path / "m.sklstm")
    assert loaded.get_params() == LSTMForecaster(window=5, cell="gru").get_params()
    with pytest.raises(NotFittedError):
        loaded.predict(np.zeros((1, 5)))


def test_a_failed_save_keeps_the_existing_file(model, saved, monkeypatch):
    before = saved.read_bytes()
    real_writestr = zipfile.ZipFile.writestr
    written, mid_write = [], {}

    def disk_full_after_the_first_member(archive, name, data, *args, **kwargs):
        # The first member goes to disk; the disk is full at the second.
        if written:
            archive.fp.flush()
            others = [p for p in saved.parent.iterdir() if p.name != saved.name]
            mid_write["new files"] = {p.name: p.stat().st_size for p in others}
            mid_write["old file intact"] = saved.read_bytes() == before
            raise OSError(28, "No space left on device")
        real_writestr(archive, name, data, *args, **kwargs)
        written.append(name)

    monkeypatch.setattr(zipfile.ZipFile, "writestr", disk_full_after_the_first_member)
    with pytest.raises(OSError, match="No space left on device"):
        model.save(saved)
    monkeypatch.undo()
    # The failure came mid-write: a partial file beside the old one already
    # held the first member, and the old file was untouched.
    assert written == ["sklstm.json"]
    assert len(mid_write["new files"]) == 1, mid_write
    ((name, size),) = mid_write["new files"].items()
    assert name.startswith(f"{saved.name}.") and name.endswith(".partial") and size > 0
    assert mid_write["old file intact"]
    # Afterwards the old model is intact and loads, and nothing else is left.
    assert saved.read_bytes() == before
    assert [p.name for p in saved.parent.iterdir()] == [saved.name]
    assert_array_equal(load(saved).predict(np.zeros((2, 10))), model.predict(np.zeros((2, 10))))


def test_the_file_gets_the_usual_permissions(model, saved):
    reference = saved.parent / "plain"
    reference.write_bytes(b"")
    assert saved.stat().st_mode == reference.stat().st_mode


# --- Files from other versions ------------------------------------------------


def test_a_newer_format_is_refused_with_the_fix(saved):
    _edit_meta(saved, lambda meta: meta.update(format_version=3, sklstm_version="9.0"))
    with pytest.raises(ValueError, match=r"written by sklstm 9\.0 in model format 3") as info:
        load(saved)
    assert f"sklstm {sklstm.__version__} reads format(s) 1, 2 only" in str(info.value)
    assert "Upgrade sklstm (pip install -U sklstm)" in str(info.value)


def test_an_older_format_is_refused_with_the_fix(saved):
    _edit_meta(saved, lambda meta: meta.update(format_version=0, sklstm_version="0.0.1"))
    with pytest.raises(ValueError, match=r"Load it with sklstm 0\.0\.1 and refit"):
        load(saved)


def test_a_parameter_this_version_does_not_know_is_refused(saved):
    _edit_meta(saved, lambda meta: meta["params"].update(lookback=3))
    with pytest.raises(ValueError, match=r"incompatible sklstm .*lookback"):
        load(saved)


@pytest.mark.parametrize(
    ("content", "match"),
    [
        (pickle.dumps({"a": 1}), r"not an sklstm model file \(not a zip archive\)"),
        (b"", "not an sklstm model file"),
    ],
)
def test_other_files_are_refused(tmp_path, content, match):
    path = tmp_path / "model.pkl"
    path.write_bytes(content)
    with pytest.raises(ValueError, match=match):
        load(path)


def test_a_zip_without_sklstm_metadata_is_refused(saved):
    _rewrite(saved, {"sklstm.json": None})
    with pytest.raises(ValueError, match=r"not an sklstm model file: it has no 'sklstm\.json'"):
        load(saved)


# --- Crafted files --------------------------------------------------------------


class _RunsCode:
    """Unpickling this creates the file ``marker``: proof that code ran."""

    def __init__(self, marker):
        self.marker = str(marker)

    def __reduce__(self):
        return exec, (f"open({self.marker!r}, 'w').close()",)


@pytest.fixture
def payload(tmp_path):
    marker = tmp_path / "code-ran"
    data = pickle.dumps(_RunsCode(marker))
    # The payload works: plain unpickling runs its code.
    pickle.loads(data)
    assert marker.exists()
    marker.unlink()
    return data, marker


class _Reducer:
    """An object whose pickle is the payload's: torch.save embeds it as is."""

    def __init__(self, data):
        self.data = data

    def __reduce__(self):
        return pickle.loads, (self.data,)


@pytest.mark.filterwarnings("ignore:Detected pickle protocol:UserWarning")
@pytest.mark.parametrize(
    "member", ["weights.pt", "tensors/_optimizer_state.pt", "sklstm.json", "objects.skops"]
)
@pytest.mark.parametrize("wrapped_by_torch", [False, True])
def test_a_crafted_file_cannot_run_code(saved, payload, member, wrapped_by_torch):
    data, marker = payload
    if wrapped_by_torch:
        buffer = io.BytesIO()
        torch.save({"weight": _Reducer(data)}, buffer)
        data = buffer.getvalue()
    _rewrite(saved, {member: data})
    if member == "objects.skops":
        pytest.importorskip("skops")
    with pytest.raises(ValueError, match=r"tampered|corrupt|not JSON|not trusted"):
        load(saved)
    assert not marker.exists()


def test_a_skops_part_with_a_dangerous_function_is_refused(saved):
    skops_io = pytest.importorskip("skops.io")
    import os

    scaler = FunctionTransformer(os.system, os.system)
    _rewrite(saved, {"objects.skops": skops_io.dumps({"scaler_": scaler})})
    _edit_meta(saved, lambda meta: meta["attributes"].update(scaler_={"__skops__": "scaler_"}))
    with pytest.raises(ValueError, match=r"not trusted by default: \[.*system'\]"):
        load(saved)


def test_data_cannot_shadow_a_method(saved):
    _edit_meta(saved, lambda meta: meta["attributes"].update(predict=1))
    with pytest.raises(ValueError, match="forbidden attribute 'predict'"):
        load(saved)


@pytest.mark.parametrize(
    "value",
    [
        {"__estimator__": "os.system", "state": {"__dict__": {}}},
        {"__ndarray__": [1], "dtype": "V8", "shape": [1]},
        {"__estimator__": "FunctionTransformer", "state": {"__dict__": {"func": "print"}}},
        {"__import__": "os"},
    ],
    ids=["unknown class", "void dtype", "function by name", "unknown tag"],
)
def test_json_can_hold_only_data(saved, value):
    _edit_meta(saved, lambda meta: meta["attributes"].update(scaler_=value))
    with pytest.raises(ValueError, match="corrupt or was written by an incompatible"):
        load(saved)


# --- Other scalers: skops ---------------------------------------------------------


class LogScaler(TransformerMixin, BaseEstimator):
    """A user's transformer: not a type skops trusts by default."""

    def fit(self, X, y=None):
        return self

    def transform(self, X):
        return np.log(X)

    def inverse_transform(self, X):
        return np.exp(X)


def test_a_pipeline_scaler_is_stored_with_skops(rows, tmp_path):
    pytest.importorskip("skops")
    X, Y = rows
    scaler = make_pipeline(FunctionTransformer(np.log, np.exp), MinMaxScaler())
    model = LSTMForecaster(scaler=scaler, **FAST).fit(X, Y)
    model.save(tmp_path / "m.sklstm")
    assert "objects.skops" in _members(tmp_path / "m.sklstm")
    _assert_same_model(load(tmp_path / "m.sklstm"), model, X)


def test_untrusted_types_need_the_users_consent(rows, tmp_path):
    pytest.importorskip("skops")
    X, Y = rows
    model = LSTMForecaster(scaler=LogScaler(), **FAST).fit(X, Y)
    model.save(tmp_path / "m.sklstm")
    name = f"{LogScaler.__module__}.LogScaler"
    with pytest.raises(ValueError, match=r"not trusted by default: \[.*LogScaler'\]") as info:
        load(tmp_path / "m.sklstm")
    assert "load(path, trusted=[...])" in str(info.value)
    _assert_same_model(load(tmp_path / "m.sklstm", trusted=[name]), model, X)


def test_without_skops_builtin_scalers_still_work(rows, tmp_path, monkeypatch):
    pytest.importorskip("skops")  # to write a file that needs it
    X, Y = rows
    skops_model = LSTMForecaster(scaler=LogScaler(), **FAST).fit(X, Y)
    skops_model.save(tmp_path / "skops.sklstm")
    monkeypatch.setitem(sys.modules, "skops", None)
    monkeypatch.setitem(sys.modules, "skops.io", None)
    with pytest.raises(ImportError, match=r"needs skops.*pip install 'sklstm\[skops\]'"):
        skops_model.save(tmp_path / "m.sklstm")
    with pytest.raises(ImportError, match=r"Loading the scaler .* needs skops"):
        load(tmp_path / "skops.sklstm")
    model = LSTMForecaster(**FAST).fit(X, Y)
    model.save(tmp_path / "builtin.sklstm")
    _assert_same_model(load(tmp_path / "builtin.sklstm"), model, X)


# --- Devices ----------------------------------------------------------------------


def test_tensors_saved_on_a_gpu_load_on_the_cpu(model, tmp_path, monkeypatch, rows):
    # Make torch tag every tensor as a CUDA one, as a file written on a GPU
    # machine without moving the weights would be; this machine needs none.
    monkeypatch.setattr(torch.serialization, "location_tag", lambda storage: "cuda:0")
    model.save(tmp_path / "m.sklstm")
    monkeypatch.undo()
    weights = _members(tmp_path / "m.sklstm")["weights.pt"]
    if not torch.cuda.is_available():
        with pytest.raises(RuntimeError, match="CUDA"):
            torch.load(io.BytesIO(weights), weights_only=True)
    _assert_same_model(load(tmp_path / "m.sklstm"), model, rows[0])


@pytest.mark.gpu
def test_a_model_fitted_on_a_gpu_is_saved_from_the_cpu(rows, tmp_path):
    X, Y = rows
    model = LSTMForecaster(device="cuda", **FAST).fit(X, Y)
    assert next(model.module_.parameters()).is_cuda
    model.save(tmp_path / "m.sklstm")
    weights = torch.load(
        io.BytesIO(_members(tmp_path / "m.sklstm")["weights.pt"]), weights_only=True
    )
    assert all(tensor.is_cpu for tensor in weights.values())
    loaded = load(tmp_path / "m.sklstm")
    assert next(loaded.module_.parameters()).is_cpu
    assert_allclose(loaded.predict(X), model.predict(X), rtol=1e-5, atol=1e-6)
    assert next(model.module_.parameters()).is_cuda  # saving moved a copy


def test_a_file_of_format_1_loads_as_one_network():
    # Written by sklstm 0.1 (one network, no intervals): it loads as an
    # ensemble of one network and forecasts exactly what it did then.
    data = Path(__file__).parent / "data"
    model = load(data / "model-format-1.sklstm")
    series = np.sin(np.arange(60) / 3) + np.arange(60) / 30
    assert len(model.module_.members) == 1
    assert model.n_estimators == 1
    assert_array_equal(
        model.forecast(series, steps=5), np.load(data / "model-format-1-predictions.npy")
    )
    with pytest.raises(ValueError, match="intervals=False"):
        model.predict_interval(series[None, -8:])


# --- what save does to an existing file ----------------------------------------


def test_save_refuses_to_replace_a_read_only_file(model, rows, tmp_path):
    # A read-only file (no write permission for anyone) is one the user chose
    # to protect: save never replaces it, even where the directory would let it.
    path = tmp_path / "protected.sklstm"
    other = LSTMForecaster(hidden_size=4, max_epochs=1, random_state=1).fit(*rows)
    other.save(path)
    before = path.read_bytes()
    path.chmod(0o444)
    try:
        with pytest.raises(PermissionError, match=r"protected\.sklstm.*read-only") as info:
            model.save(path)
        assert "chmod" in str(info.value) or "another path" in str(info.value)
        assert path.read_bytes() == before
        assert sorted(p.name for p in tmp_path.iterdir()) == ["protected.sklstm"]
    finally:
        path.chmod(0o644)
    # Writable again, it is replaced, as any existing file is.
    model.save(path)
    assert_array_equal(load(path).predict(rows[0]), model.predict(rows[0]))
