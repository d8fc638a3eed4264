"""Checkpoints: parameters, optimizer state and history in one ``.npz``, written atomically.

A checkpoint is written to a temporary file in the same folder, flushed to disk, then
moved over the old one with ``os.replace`` (atomic on POSIX and Windows): an interrupted
run (Ctrl-C, a crash, a full disk) leaves the previous checkpoint whole.  Loading checks
every array against the model's parameter wires and the optimizer's state wires and
names the first that does not fit.

>>> import tempfile, numpy as np
>>> from catlearn.core import Ty
>>> from catlearn.smooth import Real
>>> params = Ty(Real((2, 3), False))
>>> path = tempfile.mkdtemp() + "/run.npz"
>>> save(path, Checkpoint((np.ones((2, 3)),), (), 4))
>>> load(path, params, Ty()).epoch
4
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from catlearn.core import Ty
from catlearn.learning.history import History


@dataclass(frozen=True, eq=False)
class Checkpoint:
    """What resuming needs: parameters, optimizer state, epochs done, history so far."""

    params: tuple
    state: tuple
    epoch: int
    history: History = field(default_factory=History)


def save(path, checkpoint: Checkpoint) -> None:
    """Write ``checkpoint`` to ``path`` atomically (temporary file, fsync, ``os.replace``)."""
    path = Path(path)
    arrays = {f"param_{i}": np.asarray(p) for i, p in enumerate(checkpoint.params)}
    arrays.update({f"state_{i}": np.asarray(s) for i, s in enumerate(checkpoint.state)})
    arrays.update(checkpoint.history.arrays(), epoch=np.array(checkpoint.epoch),
                  n_param=np.array(len(checkpoint.params)),
                  n_state=np.array(len(checkpoint.state)))
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


def load(path, params: Ty, state: Ty) -> Checkpoint:
    """Read a checkpoint for a model with parameter wires ``params`` and optimizer ``state``.

    Raises ``ValueError`` naming the parameter (or state wire) and both shapes when
    the checkpoint was written for another model or optimizer.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no checkpoint at {path}")
    try:
        with np.load(path, allow_pickle=False) as archive:
            arrays = dict(archive)
    except (OSError, ValueError) as error:
        raise ValueError(f"{path} is not a catlearn checkpoint (.npz): {error}") from None
    missing = {"epoch", "n_param", "n_state"} - set(arrays)
    if missing:
        raise ValueError(f"{path} is not a catlearn checkpoint: missing {sorted(missing)}")
    values = _matching(path, arrays, "param", "parameter", params, "model")
    states = _matching(path, arrays, "state", "optimizer state", state, "optimizer")
    return Checkpoint(values, states, int(arrays["epoch"]), History.from_arrays(arrays))


def _matching(path, arrays, key: str, what: str, wires: Ty, owner: str) -> tuple:
    count = int(arrays[f"n_{key}"])
    if count != len(wires):
        raise ValueError(f"checkpoint {path} holds {count} {what} arrays but this {owner} has "
                         f"{len(wires)} ({wires}): it was written for a different {owner}")
    values = []
    for i, w in enumerate(wires):
        value = arrays[f"{key}_{i}"]
        if value.shape != w.shape:
            raise ValueError(f"checkpoint {path} does not fit this {owner}: {what} {i} ({w!r}) "
                             f"has shape {value.shape} in the checkpoint, the {owner} expects "
                             f"{w.shape}")
        values.append(value)
    return tuple(values)
