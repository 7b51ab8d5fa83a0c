"""The model file, without pickle: written by ``LSTMForecaster.save``, read by ``load``.

This module knows the format only; ``_loading.load`` binds it to the estimator
classes a file may hold.

A model file is one zip archive:

- ``sklstm.json``: the format and versions, the parameters and the fitted
  attributes as typed JSON (numbers, strings, lists, arrays of numbers or
  strings, ``RandomState`` states and the built-in scalers);
- ``weights.pt``: the network's ``state_dict``, loaded with
  ``torch.load(weights_only=True)``, which unpickles tensors and containers
  only;
- ``tensors/<name>.pt``: other attributes holding tensors (the optimizer
  state), loaded the same way;
- ``objects.skops``: only when needed, the objects plain JSON cannot hold,
  such as a user's ``Pipeline`` scaler, in skops' format, which loads only
  trusted types.

Loading never unpickles an arbitrary object, so it runs no code from the file.
It never lets a small file take a large amount of memory either: what a
member may expand to is capped before it is read (a "zip bomb"), and the
network is built only once its weights are known to be in the file.
"""

import contextlib
import io
import json
import os
import re
import stat
import struct
import uuid
import zipfile
import zlib

import numpy as np
import torch
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import (
    FunctionTransformer,
    MaxAbsScaler,
    MinMaxScaler,
    RobustScaler,
    StandardScaler,
)

from ._intervals import StepCalibration
from ._module import build_module, parameter_count
from ._scaling import RowMinMax, UnitMagnitude

FORMAT = "sklstm-model"
# Bump when a file written by this code cannot be read correctly by older
# code, or old files no longer by this code; list the readable ones below.
FORMAT_VERSION = 2
# Format 1 (sklstm 0.1): one network, no ensemble, no interval calibration.
_READABLE_FORMATS = (1, 2)

_META = "sklstm.json"
_WEIGHTS = "weights.pt"
_TENSORS = "tensors/{}.pt"
_OBJECTS = "objects.skops"

# Estimators kept as plain JSON (class name and attributes): the scalers that
# the ``scaler`` parameter names, the step that precedes them and a Pipeline
# of these. Anything else goes through skops.
_JSON_ESTIMATORS = {
    cls.__name__: cls
    for cls in (
        MinMaxScaler,
        StandardScaler,
        MaxAbsScaler,
        RobustScaler,
        FunctionTransformer,
        UnitMagnitude,
        RowMinMax,
        Pipeline,
    )
}
_ARRAY_KINDS = "biufU"
_SKOPS_HINT = "pip install 'sklstm[skops]'"

# Decompressed bytes that loading may read: this much, plus this many times
# the size of the file. Members of a model file compress about 1.1 to 3 times
# (weights, JSON); a zip bomb expands a thousand times.
_READ_ALLOWANCE = 16 << 20
_MAX_EXPANSION = 50
_READ_CHUNK = 1 << 20
# What a damaged archive can raise while it is opened or read.
_ZIP_ERRORS = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    zlib.error,
    EOFError,
    OSError,
    struct.error,
    NotImplementedError,
    RuntimeError,  # e.g. a damaged flag byte that marks a member encrypted
    UnicodeDecodeError,
    OverflowError,
    ValueError,
)


class _NotJSON(Exception):
    """A value plain JSON cannot hold."""


def _encode(value):
    """``value`` as JSON data; containers and arrays are tagged to decode exactly."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if type(value) in (int, float):
        return value
    if isinstance(value, np.generic) and value.dtype.kind in "biuf":
        return value.item()
    if isinstance(value, list):
        return [_encode(item) for item in value]
    if isinstance(value, tuple):
        return {"__tuple__": [_encode(item) for item in value]}
    if isinstance(value, dict):
        if not all(isinstance(key, str) for key in value):
            raise _NotJSON
        return {"__dict__": {key: _encode(item) for key, item in value.items()}}
    if isinstance(value, np.ndarray):
        kind = value.dtype.kind
        if kind in _ARRAY_KINDS:
            dtype = value.dtype.str
        elif kind == "O" and value.ndim == 1 and all(isinstance(item, str) for item in value):
            dtype = "object"
        else:
            raise _NotJSON
        return {"__ndarray__": value.tolist(), "dtype": dtype, "shape": list(value.shape)}
    if type(value) is StepCalibration:
        return {"__calibration__": _encode(value.to_dict())}
    if type(value) is np.random.RandomState:
        name, keys, pos, has_gauss, cached = value.get_state(legacy=True)
        return {"__random_state__": [name, keys.tolist(), pos, has_gauss, cached]}
    if _JSON_ESTIMATORS.get(type(value).__name__) is type(value):
        if type(value) is Pipeline:
            # Decoding rebuilds the steps only; anything else goes through skops.
            _json_pipeline(vars(value))
        # A FunctionTransformer holding functions fails to encode: skops then.
        return {"__estimator__": type(value).__name__, "state": _encode(vars(value))}
    raise _NotJSON


def _json_estimator(name, state):
    """Rebuild a built-in scaler from its attributes, refusing anything unusual."""
    cls = _JSON_ESTIMATORS[name]
    if cls is FunctionTransformer and (
        state.get("func") is not None or state.get("inverse_func") is not None
    ):
        # Only the identity (scaler=None) is data; a function goes through skops.
        raise _NotJSON
    if cls is Pipeline:
        return _json_pipeline(state)
    estimator = cls()
    unknown = set(state) - set(vars(estimator)) - {k for k in state if k.endswith("_")}
    if unknown:
        raise _NotJSON
    estimator.__dict__.update(state)
    return estimator


def _json_pipeline(state):
    """A Pipeline of the estimators above, with no cache directory or options."""
    steps = state.get("steps")
    verbose = state.get("verbose", False)
    if (
        not set(state) <= {"steps", "memory", "transform_input", "verbose"}
        or state.get("memory") is not None
        or state.get("transform_input") is not None
        or not isinstance(verbose, bool)
        or not isinstance(steps, list)
        or not steps
        or not all(
            isinstance(step, tuple)
            and len(step) == 2
            and isinstance(step[0], str)
            and type(step[1]) in _JSON_ESTIMATORS.values()
            for step in steps
        )
    ):
        raise _NotJSON
    return Pipeline(steps, verbose=verbose)


def _decode(value, objects):
    """Invert :func:`_encode`; ``objects`` holds the values stored with skops."""
    if isinstance(value, list):
        return [_decode(item, objects) for item in value]
    if not isinstance(value, dict):
        return value
    if "__tuple__" in value:
        return tuple(_decode(item, objects) for item in value["__tuple__"])
    if "__dict__" in value:
        return {key: _decode(item, objects) for key, item in value["__dict__"].items()}
    if "__ndarray__" in value:
        if value["dtype"] == "object":
            array = np.empty(len(value["__ndarray__"]), dtype=object)
            array[:] = value["__ndarray__"]
            return array.reshape(value["shape"])
        dtype = np.dtype(value["dtype"])
        if dtype.kind not in _ARRAY_KINDS:
            raise ValueError(f"unsupported array dtype {value['dtype']!r}")
        return np.asarray(value["__ndarray__"], dtype=dtype).reshape(value["shape"])
    if "__random_state__" in value:
        name, keys, pos, has_gauss, cached = value["__random_state__"]
        state = np.random.RandomState()
        state.set_state((name, np.asarray(keys, dtype=np.uint32), pos, has_gauss, cached))
        return state
    if "__estimator__" in value:
        try:
            return _json_estimator(value["__estimator__"], _decode(value["state"], objects))
        except (KeyError, _NotJSON):
            raise ValueError(f"unsupported estimator {value['__estimator__']!r}") from None
    if "__calibration__" in value:
        return StepCalibration.from_dict(_decode(value["__calibration__"], objects))
    if "__skops__" in value:
        return objects[value["__skops__"]]
    raise ValueError(f"unknown JSON tag in {sorted(value)}")


def _contains_tensor(value):
    if isinstance(value, torch.Tensor):
        return True
    if isinstance(value, dict):
        return any(_contains_tensor(item) for item in value.values())
    if isinstance(value, (list, tuple)):
        return any(_contains_tensor(item) for item in value)
    return False


def _to_cpu(value):
    if isinstance(value, torch.Tensor):
        return value.detach().cpu()
    if isinstance(value, dict):
        return {key: _to_cpu(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_to_cpu(item) for item in value)
    return value


def _torch_bytes(obj):
    buffer = io.BytesIO()
    torch.save(_to_cpu(obj), buffer)
    return buffer.getvalue()


def _skops_io(action):
    try:
        import skops.io
    except ImportError as exc:
        raise ImportError(
            f"{action} needs skops, the secure format for scikit-learn objects: "
            f"{_SKOPS_HINT}. Models with scaler='minmax', 'standard' or None need "
            "nothing extra."
        ) from exc
    return skops.io


def save_model(estimator, path):
    """Write ``estimator`` to ``path`` (a file name or a binary file object)."""
    from . import __version__

    members = {}
    skops_objects = {}

    def encode(name, value):
        try:
            return _encode(value)
        except _NotJSON:
            skops_objects[name] = value
            return {"__skops__": name}

    params = estimator.get_params(deep=False)
    attributes = {}
    for name, value in vars(estimator).items():
        if name in params:
            continue
        if name == "module_":
            members[_WEIGHTS] = _torch_bytes(value.state_dict())
        elif _contains_tensor(value):
            members[_TENSORS.format(name)] = _torch_bytes(value)
            attributes[name] = {"__tensors__": _TENSORS.format(name)}
        else:
            attributes[name] = encode(name, value)
    meta = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "sklstm_version": __version__,
        "sklearn_version": __import__("sklearn").__version__,
        "torch_version": torch.__version__,
        "estimator": type(estimator).__name__,
        "params": {name: encode(name, value) for name, value in params.items()},
        "attributes": attributes,
    }
    if skops_objects:
        names = ", ".join(
            f"{name} ({type(value).__name__})" for name, value in skops_objects.items()
        )
        sio = _skops_io(f"Saving {names}")
        try:
            members[_OBJECTS] = sio.dumps(skops_objects)
        except (TypeError, NotImplementedError) as exc:
            raise TypeError(
                f"Cannot save {names} in the safe format: {exc}. Use pickle or "
                "joblib for this model, or a scaler made of scikit-learn parts."
            ) from exc
    members[_META] = json.dumps(meta, indent=1).encode()

    if hasattr(path, "write"):
        if _is_text_file(path):
            raise ValueError(
                "The file object is open in text mode, but a model file is binary: "
                "open it with open(path, 'wb')."
            )
        _write_zip(path, members)
        return
    # Write next to the target and rename, so that a failed save never leaves
    # a truncated file in place of a good one.
    path = os.fspath(path)
    _refuse_read_only(path)
    partial = f"{path}.{uuid.uuid4().hex}.partial"
    try:
        # open() rather than mkstemp, so that the file gets the usual
        # permissions (the umask's), not private ones.
        with open(partial, "xb") as file:
            _write_zip(file, members)
        os.replace(partial, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(partial)
        raise


def _refuse_read_only(path):
    """Never replace a read-only file: renaming over it would succeed silently.

    Read-only: no write permission bit at all (``chmod a-w``), or one the
    user may not write (``os.access``, which grants root everything).
    """
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return
    writable = mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)
    if stat.S_ISREG(mode) and not (writable and os.access(path, os.W_OK)):
        raise PermissionError(
            f"{path!r} is read-only, and save does not replace a read-only file. "
            "Save to another path, or make the file writable first (chmod u+w)."
        )


def _write_zip(file, members):
    with zipfile.ZipFile(file, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        # The metadata first, so that a reader can check the format up front.
        archive.writestr(_META, members.pop(_META))
        for name, data in members.items():
            archive.writestr(name, data)


def _is_text_file(file):
    if isinstance(file, io.TextIOBase):
        return True
    mode = getattr(file, "mode", None)
    return isinstance(mode, str) and "b" not in mode


class _Reader:
    """Reads members of an open model archive, within a budget of decompressed bytes.

    Every error of a damaged archive becomes a ``ValueError`` naming the
    member; a member that would expand past the budget is refused before any
    of it is decompressed, and read with a bounded read in case its header
    lies.
    """

    def __init__(self, archive, source, file_size):
        self.archive = archive
        self.source = source
        self.file_size = file_size
        self.budget = _READ_ALLOWANCE + _MAX_EXPANSION * file_size

    def names(self):
        return self.archive.namelist()

    def read(self, name):
        """The bytes of member ``name``; ``KeyError`` if there is none."""
        info = self.archive.getinfo(name)
        if info.file_size > self.budget:
            raise self._too_large(name, info.file_size)
        chunks, size = [], 0
        try:
            with self.archive.open(info) as member:
                # In chunks: one large read makes zlib produce that much
                # output at once, whatever the header claims.
                while size <= self.budget and (chunk := member.read(_READ_CHUNK)):
                    chunks.append(chunk)
                    size += len(chunk)
        except _ZIP_ERRORS as exc:
            raise ValueError(
                f"{self.source} is corrupt: its member {name!r} cannot be read "
                f"({type(exc).__name__}: {exc}). The file was damaged after it was "
                "written (a failed copy or download?): copy it again, or save the "
                "model again."
            ) from exc
        if size > self.budget:
            raise self._too_large(name, f"more than {self.budget}")
        self.budget -= size
        return b"".join(chunks)

    def _too_large(self, name, size):
        return ValueError(
            f"{self.source}: its member {name!r} would expand to {size} bytes, more than a "
            f"model file of {self.file_size} bytes can hold (at most "
            f"{_MAX_EXPANSION} times its size, plus {_READ_ALLOWANCE >> 20} MiB). The "
            "file is corrupt or was crafted to exhaust memory (a zip bomb), and was "
            "not loaded."
        )


def _torch_load(data, member, source):
    try:
        return torch.load(io.BytesIO(data), map_location="cpu", weights_only=True)
    except Exception as exc:
        # torch's message suggests weights_only=False, the unsafe load this
        # format exists to avoid: keep only what it found.
        found = re.search(r"WeightsUnpickler error:\s*(.+?)(?:\.\s|\n\n|$)", str(exc), re.S)
        detail = found.group(1).strip() if found else str(exc).split("\n", 1)[0]
        raise ValueError(
            f"{source}: {member!r} is not a plain tensor state; the file is corrupt or "
            f"was tampered with, and was not loaded ({type(exc).__name__}: {detail})"
        ) from exc


def _load_tensors(reader, member):
    try:
        data = reader.read(member)
    except KeyError:
        raise ValueError(f"{reader.source} is incomplete: it has no {member!r}.") from None
    return _torch_load(data, member, reader.source)


def _file_size(file):
    position = file.tell()
    size = file.seek(0, os.SEEK_END)
    file.seek(position)
    return size


def _open_archive(file, source):
    """Open the zip archive of a model file, or say what the file is instead."""
    size, head = None, b""
    try:
        if isinstance(file.read(0), str):
            raise ValueError(
                f"{source} is open in text mode, but a model file is binary: open it "
                "with open(path, 'rb')."
            )
        size = _file_size(file)
        start = file.tell()
        head = file.read(4)
        file.seek(start)
        archive = zipfile.ZipFile(file)
    except ValueError as exc:
        if "text mode" in str(exc):
            raise
        error = exc
    except _ZIP_ERRORS as exc:
        error = exc
    else:
        return archive, size
    if size is None or isinstance(error, io.UnsupportedOperation):
        raise ValueError(
            f"{source} cannot be read as a model file: a model file is a zip archive, "
            "which needs a seekable binary file object (e.g. open(path, 'rb') or "
            f"io.BytesIO(data)); ({type(error).__name__}: {error})."
        ) from error
    if size == 0:
        raise ValueError(
            f"{source} is empty, so it is not an sklstm model file. If it should be "
            "one, it was truncated while it was written or copied: save the model again."
        )
    if head == b"PK\x03\x04":
        raise ValueError(
            f"{source} is truncated or damaged: it begins like a zip archive, as a model "
            "file does, but the archive's directory at its end is missing or unreadable "
            f"({error}). Copy or download the whole file again, or save the model again."
        ) from None
    raise ValueError(
        f"{source} is not an sklstm model file (not a zip archive). A model "
        "written with pickle or joblib loads with pickle.load or joblib.load, "
        "which can run code: only do that for files from a trusted source."
    ) from None


def read_model(file, source, trusted, classes):
    """Build the estimator stored in the open binary ``file``.

    ``classes`` maps the estimator names a file may hold to their classes:
    this module reads and writes the format and knows no estimator.
    """
    from . import __version__

    archive, size = _open_archive(file, source)
    with archive:
        reader = _Reader(archive, source, size)
        try:
            meta = json.loads(reader.read(_META))
        except KeyError:
            known = sorted(set(reader.names()) & {_WEIGHTS, _OBJECTS})
            damaged = (
                f" It holds {', '.join(map(repr, known))}, as a model file does: if it "
                "is one, it is damaged; copy it again, or save the model again."
                if known
                else ""
            )
            raise ValueError(
                f"{source} is not an sklstm model file: it has no {_META!r}.{damaged}"
            ) from None
        except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
            raise ValueError(f"{source} is corrupt: {_META!r} is not JSON ({exc}).") from exc
        if not isinstance(meta, dict) or meta.get("format") != FORMAT:
            raise ValueError(f"{source} is not an sklstm model file.")
        version = meta.get("format_version")
        written_by = meta.get("sklstm_version", "an unknown version")
        if version not in _READABLE_FORMATS:
            newer = isinstance(version, int) and version > FORMAT_VERSION
            fix = (
                "Upgrade sklstm (pip install -U sklstm) to load it."
                if newer
                else f"Load it with sklstm {written_by} and refit or convert it there."
            )
            raise ValueError(
                f"{source} was written by sklstm {written_by} in model format "
                f"{version!r}, but sklstm {__version__} reads format(s) "
                f"{', '.join(map(str, _READABLE_FORMATS))} only. {fix}"
            )
        cls = classes.get(meta.get("estimator"))
        if cls is None:
            raise ValueError(f"{source} holds an unknown estimator {meta.get('estimator')!r}.")

        objects = {}
        if _OBJECTS in reader.names():
            objects = _load_skops(reader.read(_OBJECTS), trusted, source)
        try:
            params = {name: _decode(v, objects) for name, v in meta["params"].items()}
            if version == 1:
                # Written before ensembles: one network, no intervals.
                params.setdefault("n_estimators", 1)
            attributes = {
                name: value if _is_tensors(value) else _decode(value, objects)
                for name, value in meta["attributes"].items()
            }
            estimator = cls(**params)
        except (AttributeError, KeyError, TypeError, ValueError) as exc:
            raise ValueError(
                f"{source} is corrupt or was written by an incompatible sklstm "
                f"({written_by}): {type(exc).__name__}: {exc}"
            ) from exc
        for name, value in attributes.items():
            # Data may set fitted attributes only, never shadow a method.
            if not name.isidentifier() or name.startswith("__") or hasattr(cls, name):
                raise ValueError(f"{source} sets a forbidden attribute {name!r}.")
            if _is_tensors(value):
                value = attributes[name] = _load_tensors(reader, value["__tensors__"])
            setattr(estimator, name, value)
        if version == 1 and "_module_config_" in attributes:
            estimator._calibration = attributes["_calibration"] = None
            estimator._ensemble_size = attributes["_ensemble_size"] = 1
        if _WEIGHTS in reader.names():
            estimator.module_ = _load_module(
                reader.read(_WEIGHTS), attributes, source, single=version == 1
            )
        elif "_module_config_" in attributes:
            # Fitted, but without its network: not a model that can predict.
            raise ValueError(f"{source} is incomplete: it has no {_WEIGHTS!r}.")
    return estimator


def _is_tensors(value):
    return isinstance(value, dict) and set(value) == {"__tensors__"}


def _load_skops(data, trusted, source):
    sio = _skops_io(f"Loading the scaler of {source}")
    # sklstm's own step before the built-in scalers is safe to construct.
    trusted = [*(trusted or ()), f"{UnitMagnitude.__module__}.{UnitMagnitude.__name__}"]
    try:
        untrusted = sorted(set(sio.get_untrusted_types(data=data)) - set(trusted))
    except Exception as exc:
        raise ValueError(
            f"{source}: its skops part is corrupt or was tampered with, and was not "
            f"loaded ({type(exc).__name__}: {exc})"
        ) from exc
    if untrusted:
        raise ValueError(
            f"{source} holds objects of types that are not trusted by default: "
            f"{untrusted}. Check that you trust them (they are constructed while "
            "loading), then pass them to load(path, trusted=[...])."
        )
    try:
        objects = sio.loads(data, trusted=trusted)
    except Exception as exc:
        raise ValueError(f"{source}: its skops part could not be loaded ({exc}).") from exc
    if not isinstance(objects, dict):
        raise ValueError(f"{source}: its skops part is not a dict of objects.")
    return objects


def _load_module(data, attributes, source, single=False):
    """Build the ensemble of ``attributes`` and load the weights ``data`` into it.

    The configuration says how many weights the networks have; they are built
    only when the file holds at least that many bytes of weights, so a
    configuration edited to a huge size cannot make loading allocate it.
    ``single``: the weights of one network, as format 1 stored them.
    """
    config = attributes.get("_module_config_")
    n_members = attributes.get("_ensemble_size", 1)
    if not isinstance(config, dict) or type(n_members) is not int or n_members < 1:
        raise ValueError(f"{source} is corrupt: the network's configuration is missing.")
    try:
        n_weights = parameter_count(**config) * n_members
    except (TypeError, KeyError, ValueError) as exc:
        raise ValueError(
            f"{source} is corrupt: the network's configuration {config} is invalid ({exc})."
        ) from exc
    if not isinstance(n_weights, int) or n_weights * 4 > len(data):
        raise ValueError(
            f"{source} is corrupt: the network's configuration {config} has "
            f"{n_weights} weights, but {_WEIGHTS!r} holds only {len(data)} bytes."
        )
    state = _torch_load(data, _WEIGHTS, source)
    if not isinstance(state, dict):
        raise ValueError(f"{source} is corrupt: the network's weights are missing.")
    if not all(isinstance(v, torch.Tensor) for v in state.values()):
        raise ValueError(f"{source} is corrupt: the weights are not all tensors.")
    if single:
        state = {f"members.0.{name}": value for name, value in state.items()}
    try:
        module = build_module([0] * n_members, **config)
        module.load_state_dict(state)
    except (TypeError, KeyError, RuntimeError, ValueError) as exc:
        raise ValueError(
            f"{source}: the weights do not fit the network {config} ({exc})."
        ) from exc
    return module.eval()
