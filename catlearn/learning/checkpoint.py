"""Saving a model and its training run: one ``.npz`` format, written atomically and read
without pickles (``catlearn.save``, ``catlearn.load``, and ``fit``'s checkpoints).

A file holds the parameters, the optimizer state, the epochs done, the history, the
model itself as a program (:mod:`~catlearn.learning.serial`: generators, data and
wiring, so any model built from generators is rebuilt without being named) and
``spec``, a JSON object of settings (input scaling, training flags).  It is written to
a temporary file beside the target and renamed over it
(:func:`catlearn.files.write_atomic`, with the user's umask): an interrupted run leaves
the previous file whole.  Reading never unpickles: every member must be a plain
``.npy`` array of numbers (or text), and a file that is empty, truncated, bit-flipped
or not a checkpoint at all raises :class:`~catlearn.errors.DataError` naming the file.

>>> import tempfile, numpy as np
>>> from catlearn import layers
>>> model = layers.dense(2, 3, "relu") >> layers.dense(3, 1)
>>> params = layers.init(model, seed=0)
>>> path = tempfile.mkdtemp() + "/model.npz"
>>> save(path, model, params, scaling=Scaling([0.0, 1.0], [1.0, 2.0]))
>>> saved = load(path)
>>> saved.model, saved.history, saved.predict(np.array([[0.0, 1.0]])).shape
(Para(P^1x3 @ P^1 @ P^3x2 @ P^3; R^2 -> R^1), History(0 epochs), (1, 1))
>>> _ = open(path, "r+b").truncate(100)
>>> read(path)  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
catlearn.errors.DataError: checkpoint .../model.npz is truncated or damaged (File is not a zip file)

Resuming ``fit`` reads the same file with :func:`restore`, which checks every array
against the model's parameter wires and the optimizer's state wires.
"""

from __future__ import annotations

import functools
import io
import json
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

import numpy as np

from catlearn.core import Map, Ty
from catlearn.errors import DataError
from catlearn.files import write_atomic
from catlearn.learning import serial
from catlearn.learning.history import History
from catlearn.learning.perceptron import MLP
from catlearn.para import Para, Parametrised

FORMAT, FORMATS = "catlearn-checkpoint-2", ("catlearn-checkpoint-1", "catlearn-checkpoint-2")
COUNTS = ("epoch", "n_param", "n_state")
# What a damaged archive raises inside zipfile and zlib (a bit flip can land anywhere).
DAMAGED = (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, zlib.error, OSError,
           NotImplementedError, RuntimeError, UnicodeDecodeError, OverflowError, ValueError,
           KeyError, IndexError, TypeError)


@dataclass(frozen=True, eq=False)
class Checkpoint:
    """What resuming needs: parameters, optimizer state, epochs done, history so far,
    ``spec`` (a JSON-able dict of settings) and the ``model`` (a ``Para``, or ``None``)."""

    params: tuple
    state: tuple
    epoch: int
    history: History = field(default_factory=History)
    spec: dict = field(default_factory=dict)
    model: Para | None = None


@dataclass(frozen=True, eq=False)
class Scaling:
    """Inputs are fed to the model as ``(x - shift) / scale``, feature by feature.

    >>> Scaling([1.0], [2.0])(np.array([[5.0]])).tolist()
    [[2.0]]
    """

    shift: Sequence[float]
    scale: Sequence[float]

    def __call__(self, x: np.ndarray) -> np.ndarray:
        return (x - np.asarray(self.shift)) / np.asarray(self.scale)

    @staticmethod
    def standardise(x: np.ndarray) -> "Scaling":
        """Zero mean and unit variance per feature on ``x`` (constant features: scale 1)."""
        std = x.std(axis=0)
        return Scaling(x.mean(axis=0).tolist(), np.where(std > 0, std, 1.0).tolist())

    def to_dict(self) -> dict:
        return {"shift": [float(v) for v in self.shift], "scale": [float(v) for v in self.scale]}

    @staticmethod
    def from_dict(spec, n: int) -> "Scaling":
        """The inverse of :meth:`to_dict` for ``n`` features; :class:`DataError` if wrong."""
        try:
            shift, scale = (np.asarray(spec[k], dtype=np.float64) for k in ("shift", "scale"))
        except (TypeError, KeyError, ValueError):
            raise DataError(f"input scaling must be {{'shift': [...], 'scale': [...]}} of "
                            f"numbers, got {spec!r}") from None
        if shift.shape != (n,) or scale.shape != (n,) or not np.all(np.isfinite(scale)) \
                or np.any(scale == 0) or not np.all(np.isfinite(shift)):
            raise DataError(f"input scaling must be two lists of {n} finite numbers "
                            "(scales non-zero)")
        return Scaling(shift.tolist(), scale.tolist())


@dataclass(frozen=True, eq=False)
class Saved:
    """What :func:`load` returns: the model, its parameters, the training history, the
    input scaling, and the whole checkpoint (optimizer state, epochs, settings)."""

    model: Para
    params: tuple
    history: History
    scaling: Scaling | None
    checkpoint: Checkpoint

    def predict(self, x) -> np.ndarray:
        """The model's outputs on raw inputs ``x`` (scaled as in training)."""
        x = np.asarray(x, dtype=np.float64)
        return self.model.bind(self.params)(self.scaling(x) if self.scaling else x)

    def classify(self, x) -> np.ndarray:
        """Class labels: the largest output (one output: ``> 0``, a logit)."""
        y = self.predict(x)
        return (y[:, 0] > 0).astype(np.int64) if y.shape[1] == 1 else y.argmax(axis=1)


def spec_of(model: MLP, scaling: Scaling | None = None, /, **settings) -> dict:
    """The JSON ``spec`` of a checkpoint: the perceptron asked for, the input scaling,
    training settings (what ``catlearn train --resume`` compares its flags with)."""
    spec = {"model": model.to_dict(), "train": settings}
    if scaling is not None:
        spec["input"] = scaling.to_dict()
    return spec


def save(path, model, params: Sequence, *, scaling: Scaling | None = None,
         state: Sequence = (), epoch: int = 0, history: History | None = None,
         **settings) -> None:
    """Write ``model`` (any ``Para`` built from generators, a map, or an ``MLP``
    specification) with its ``params`` to ``path`` atomically; optionally the input
    ``scaling``, optimizer ``state``, ``epoch``, ``history`` and training ``settings``."""
    para = _para(model, len(params))
    params = tuple(np.asarray(p) for p in params)
    if [p.shape for p in params] != [w.shape for w in para.param]:
        raise ValueError(f"params have shapes {[p.shape for p in params]} but the model has "
                         f"parameters {para.param}")
    spec = {"train": settings} if scaling is None else \
        {"train": settings, "input": scaling.to_dict()}
    if isinstance(model, MLP):
        spec["model"] = model.to_dict()
    write(path, Checkpoint(params, tuple(state), epoch, history or History(), spec, para))


def _para(model, n_params: int) -> Para:
    if isinstance(model, MLP):
        return model.build()
    if isinstance(model, Parametrised):
        return model.para
    if isinstance(model, Map):
        return Para.of(model, n_params)
    if isinstance(model, Para):
        return model
    raise TypeError(f"cannot save a {type(model).__name__}: pass a Para (a model built "
                    "from layers or generators), a Map, or an MLP specification")


def load(path) -> Saved:
    """The model saved at ``path`` with its parameters, history and input scaling.

    Raises ``FileNotFoundError`` or :class:`~catlearn.errors.DataError` (a ``ValueError``)
    naming the file and what is wrong.
    """
    stored = read(path)
    if stored.model is None:
        raise DataError(f"checkpoint {path} holds parameters but no model; rebuild the model "
                        "and read it with catlearn.learning.checkpoint.restore")
    try:
        scaling = None if "input" not in stored.spec else \
            Scaling.from_dict(stored.spec["input"], stored.model.dom[0].shape[0])
    except (DataError, IndexError) as error:
        raise DataError(f"checkpoint {path}: {error}") from None
    params = matching(path, stored.params, "parameter", stored.model.param, "model")
    return Saved(stored.model, params, stored.history, scaling, stored)


def write(path, checkpoint: Checkpoint) -> None:
    """Write ``checkpoint`` to ``path`` atomically (temporary file, ``os.replace``)."""
    path = Path(path)
    if path.is_dir():
        raise DataError(f"cannot write the checkpoint {path}: it is a directory")
    arrays = {f"param_{i}": np.asarray(p) for i, p in enumerate(checkpoint.params)}
    arrays.update({f"state_{i}": np.asarray(s) for i, s in enumerate(checkpoint.state)})
    arrays.update(checkpoint.history.arrays(), epoch=np.array(checkpoint.epoch),
                  n_param=np.array(len(checkpoint.params)),
                  n_state=np.array(len(checkpoint.state)), format=np.array(FORMAT),
                  spec=np.array(json.dumps(checkpoint.spec, sort_keys=True)))
    if checkpoint.model is not None:
        arrays["model"] = np.array(_described(checkpoint.model))
    write_atomic(path, lambda handle: np.savez(handle, **arrays))


@functools.lru_cache(maxsize=4)  # fit writes the same model every epoch
def _described(model: Para) -> str:
    return json.dumps(serial.describe(model))


def read(path) -> Checkpoint:
    """The checkpoint at ``path`` as stored, without a model to check it against.

    Raises ``FileNotFoundError`` when there is no file and :class:`DataError` for a
    directory or a file that is not a whole catlearn checkpoint.
    """
    path = Path(path)
    arrays = _arrays(path)
    version = _text(path, arrays, "format") if "format" in arrays else FORMATS[0]
    if version not in FORMATS:
        raise DataError(f"checkpoint {path} has format {version!r}; this catlearn reads "
                        f"{' and '.join(FORMATS)}")
    epoch, n_param, n_state = (_count(path, arrays, key) for key in COUNTS)
    params = tuple(_member(path, arrays, f"param_{i}") for i in range(n_param))
    state = tuple(_member(path, arrays, f"state_{i}") for i in range(n_state))
    spec, model = _json(path, arrays, "spec", {}), None
    if "model" in arrays:
        try:
            model = serial.rebuild(_json(path, arrays, "model", None))
        except DataError as error:
            raise DataError(f"checkpoint {path}: {error}") from None
    elif version == FORMATS[0] and isinstance(spec.get("model"), dict):
        model, params = _first_format(path, spec["model"], params)
    return Checkpoint(params, state, epoch, _history(path, arrays), spec, model)


def _first_format(path, spec: dict, params: tuple) -> tuple:
    """A perceptron of the first format: parameters were stored first layer first,
    the model (``mlp``, as ``>>`` composes) reads them last layer first."""
    try:
        mlp = MLP.from_dict(spec)
    except DataError as error:
        raise DataError(f"checkpoint {path}: {error}") from None
    pairs = [params[i:i + 2] for i in range(0, len(params), 2)]
    return mlp.build(), tuple(p for pair in reversed(pairs) for p in pair)


def restore(path, params: Ty, state: Ty) -> Checkpoint:
    """Read a checkpoint for a model with parameter wires ``params`` and optimizer ``state``.

    Raises :class:`DataError` (a ``ValueError``) naming the parameter (or state wire) and
    both shapes when the checkpoint was written for another model or optimizer.
    """
    stored = read(path)
    values = matching(path, stored.params, "parameter", params, "model")
    states = matching(path, stored.state, "optimizer state", state, "optimizer")
    return Checkpoint(values, states, stored.epoch, stored.history, stored.spec, stored.model)


def _arrays(path: Path) -> dict:
    """Every member of the archive as an array, by name; never unpickles."""
    if path.is_dir():
        raise DataError(f"checkpoint {path} is a directory, expected a .npz file")
    if not path.is_file():
        raise FileNotFoundError(f"no checkpoint at {path}")
    try:
        with zipfile.ZipFile(path) as archive:
            return {_name(path, member): _npy(path, member, archive.read(member))
                    for member in archive.namelist()}
    except DataError:
        raise
    except MemoryError:
        raise DataError(f"checkpoint {path} is damaged: a member claims more memory than "
                        "this machine has") from None
    except DAMAGED as error:
        raise DataError(f"checkpoint {path} is {_what(path)} ({_reason(error)})") from None


def _what(path: Path) -> str:
    with open(path, "rb") as stream:
        start = stream.read(4)
    if not start:
        return "empty"
    return "truncated or damaged" if start == b"PK\x03\x04" else "not a .npz archive"


def _reason(error: BaseException) -> str:
    text = str(error).splitlines()[0] if str(error) else type(error).__name__
    return text if len(text) <= 120 else text[:117] + "..."


def _name(path: Path, member: str) -> str:
    if not member.endswith(".npy"):
        raise DataError(f"checkpoint {path} holds {member!r}, which is not a .npy array")
    return member[:-len(".npy")]


def _npy(path: Path, member: str, data: bytes) -> np.ndarray:
    """One ``.npy`` member: its header checked against its size before anything is allocated."""
    stream = io.BytesIO(data)
    version = np.lib.format.read_magic(stream)
    header = (np.lib.format.read_array_header_1_0 if version == (1, 0)
              else np.lib.format.read_array_header_2_0)
    shape, fortran, dtype = header(stream, max_header_size=10_000)
    if dtype.hasobject or dtype.kind not in "biufU":
        raise DataError(f"checkpoint {path}: {member} has dtype {dtype}; a checkpoint holds "
                        "only numbers and text")
    expected = dtype.itemsize * int(np.prod(shape, dtype=object))
    if expected != len(data) - stream.tell():
        raise DataError(f"checkpoint {path}: {member} is truncated or damaged (its header "
                        f"promises {expected} bytes, it holds {len(data) - stream.tell()})")
    return np.lib.format.read_array(io.BytesIO(data), allow_pickle=False)


def _member(path: Path, arrays: dict, key: str) -> np.ndarray:
    if key not in arrays:
        raise DataError(f"checkpoint {path} is incomplete: {key} is missing")
    value = arrays[key]
    if value.dtype.kind not in "biuf":
        raise DataError(f"checkpoint {path}: {key} holds {value.dtype} values, expected numbers")
    return value


def _count(path: Path, arrays: dict, key: str) -> int:
    value = _member(path, arrays, key)
    if value.shape != () or value.dtype.kind not in "iu" or int(value) < 0:
        raise DataError(f"checkpoint {path}: {key} must be a non-negative integer, "
                        f"got {value.dtype} of shape {value.shape}")
    return int(value)


def _text(path: Path, arrays: dict, key: str) -> str:
    value = arrays[key]
    if value.shape != () or value.dtype.kind != "U":
        raise DataError(f"checkpoint {path}: {key} must be text")
    return str(value)


def _json(path: Path, arrays: dict, key: str, default):
    if key not in arrays:
        return default
    try:
        value = json.loads(_text(path, arrays, key))
    except json.JSONDecodeError as error:
        raise DataError(f"checkpoint {path}: its {key} is not JSON ({error})") from None
    if not isinstance(value, dict):
        raise DataError(f"checkpoint {path}: its {key} is not a JSON object")
    return value


def _history(path: Path, arrays: dict) -> History:
    columns = [f"history_{name}" for name in History.__dataclass_fields__]
    first = _member(path, arrays, columns[0])
    if first.ndim != 1:
        raise DataError(f"checkpoint {path}: {columns[0]} has shape {first.shape}, expected "
                        "one value per epoch")
    n = len(first)
    for key in columns:
        value = _member(path, arrays, key)
        if value.shape != (n,):
            raise DataError(f"checkpoint {path}: {key} has shape {value.shape}, expected "
                            f"({n},) like {columns[0]}")
    if not np.array_equal(arrays["history_epochs"], np.arange(1, n + 1)):
        raise DataError(f"checkpoint {path}: history_epochs is not 1..{n}")
    return History.from_arrays(arrays)


def matching(path, values: tuple, what: str, wires: Ty, owner: str) -> tuple:
    if len(values) != len(wires):
        raise DataError(f"checkpoint {path} holds {len(values)} {what} arrays but this {owner} "
                        f"has {len(wires)} ({wires}): it was written for a different {owner}")
    for i, (w, value) in enumerate(zip(wires, values)):
        if value.shape != w.shape:
            raise DataError(f"checkpoint {path} does not fit this {owner}: {what} {i} ({w!r}) "
                            f"has shape {value.shape} in the checkpoint, the {owner} expects "
                            f"{w.shape}")
    return values
