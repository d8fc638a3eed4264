"""Checkpoints: parameters, optimizer state, history and the model's specification in one
``.npz``, written atomically and read without pickles.

A checkpoint is written to a temporary file in the same folder, flushed to disk, then
moved over the old one with ``os.replace`` (atomic on POSIX and Windows): an interrupted
run (Ctrl-C, a crash, a full disk) leaves the previous checkpoint whole.

``spec`` is a JSON object stored beside the arrays (the model's specification, the
training settings, the input scaling: whatever rebuilds the model without being told).
Reading never unpickles: the archive is opened with :mod:`zipfile`, every member must be
a plain ``.npy`` array of numbers (or the spec's text), and a file that is empty,
truncated, bit-flipped or not a checkpoint at all raises :class:`~catlearn.errors.DataError`
naming the file and what is wrong.  :func:`load` then checks every array against the
model's parameter wires and the optimizer's state wires and names the first that does
not fit.

>>> import tempfile, numpy as np
>>> from catlearn.core import Ty
>>> from catlearn.smooth import Real
>>> params = Ty(Real((2, 3), False))
>>> path = tempfile.mkdtemp() + "/run.npz"
>>> save(path, Checkpoint((np.ones((2, 3)),), (), 4, spec={"model": "mlp"}))
>>> load(path, params, Ty()).epoch, read(path).spec
(4, {'model': 'mlp'})
>>> _ = open(path, "r+b").truncate(100)
>>> read(path)  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
catlearn.errors.DataError: checkpoint .../run.npz is truncated or damaged (File is not a zip file)
"""

from __future__ import annotations

import io
import json
import os
import tempfile
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from catlearn.core import Ty
from catlearn.errors import DataError
from catlearn.learning.history import History

FORMAT = "catlearn-checkpoint-1"
COUNTS = ("epoch", "n_param", "n_state")
# What a damaged archive raises inside zipfile and zlib (a bit flip can land anywhere).
DAMAGED = (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, zlib.error, OSError,
           NotImplementedError, RuntimeError, UnicodeDecodeError, OverflowError, ValueError,
           KeyError, IndexError, TypeError)


@dataclass(frozen=True, eq=False)
class Checkpoint:
    """What resuming needs: parameters, optimizer state, epochs done, history so far, and
    ``spec``, a JSON-able dict that says how to rebuild the model."""

    params: tuple
    state: tuple
    epoch: int
    history: History = field(default_factory=History)
    spec: dict = field(default_factory=dict)


def save(path, checkpoint: Checkpoint) -> None:
    """Write ``checkpoint`` to ``path`` atomically (temporary file, fsync, ``os.replace``)."""
    path = Path(path)
    if path.is_dir():
        raise DataError(f"cannot write the checkpoint {path}: it is a directory")
    arrays = {f"param_{i}": np.asarray(p) for i, p in enumerate(checkpoint.params)}
    arrays.update({f"state_{i}": np.asarray(s) for i, s in enumerate(checkpoint.state)})
    arrays.update(checkpoint.history.arrays(), epoch=np.array(checkpoint.epoch),
                  n_param=np.array(len(checkpoint.params)),
                  n_state=np.array(len(checkpoint.state)), format=np.array(FORMAT),
                  spec=np.array(json.dumps(checkpoint.spec, sort_keys=True)))
    handle = tempfile.NamedTemporaryFile(dir=path.parent or ".", prefix=f".{path.name}.",
                                         suffix=".tmp", delete=False)
    try:
        with handle:
            np.savez(handle, **arrays)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(handle.name, path)
    except BaseException:
        Path(handle.name).unlink(missing_ok=True)
        raise


def read(path) -> Checkpoint:
    """The checkpoint at ``path`` as stored, without a model to check it against.

    Raises ``FileNotFoundError`` when there is no file and :class:`DataError` for a
    directory or a file that is not a whole catlearn checkpoint.
    """
    path = Path(path)
    arrays = _arrays(path)
    if "format" in arrays and _text(path, arrays, "format") != FORMAT:
        raise DataError(f"checkpoint {path} has format {_text(path, arrays, 'format')!r}; "
                        f"this catlearn reads {FORMAT!r}")
    epoch, n_param, n_state = (_count(path, arrays, key) for key in COUNTS)
    params = tuple(_member(path, arrays, f"param_{i}") for i in range(n_param))
    state = tuple(_member(path, arrays, f"state_{i}") for i in range(n_state))
    return Checkpoint(params, state, epoch, _history(path, arrays),
                      _spec(path, arrays))


def load(path, params: Ty, state: Ty) -> Checkpoint:
    """Read a checkpoint for a model with parameter wires ``params`` and optimizer ``state``.

    Raises :class:`DataError` (a ``ValueError``) naming the parameter (or state wire) and
    both shapes when the checkpoint was written for another model or optimizer.
    """
    stored = read(path)
    values = matching(path, stored.params, "parameter", params, "model")
    states = matching(path, stored.state, "optimizer state", state, "optimizer")
    return Checkpoint(values, states, stored.epoch, stored.history, stored.spec)


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


def _spec(path: Path, arrays: dict) -> dict:
    if "spec" not in arrays:
        return {}
    try:
        spec = json.loads(_text(path, arrays, "spec"))
    except json.JSONDecodeError as error:
        raise DataError(f"checkpoint {path}: its model specification is not JSON "
                        f"({error})") from None
    if not isinstance(spec, dict):
        raise DataError(f"checkpoint {path}: its model specification is not a JSON object")
    return spec


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
