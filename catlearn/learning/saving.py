"""Saving and loading a trained model: its specification, its parameters, how its inputs
were scaled, in one checkpoint (``catlearn.save`` and ``catlearn.load``).

A checkpoint of :mod:`~catlearn.learning.checkpoint` stores arrays and a JSON ``spec``.
:func:`save` puts there the model's :class:`~catlearn.learning.perceptron.MLP` specification
and the input scaling, so :func:`load` rebuilds the same ``Para`` with nothing else given;
``catlearn train --save`` writes the same file, so ``catlearn predict`` and ``--resume``
read either.

>>> import tempfile, numpy as np
>>> from catlearn.learning.perceptron import MLP, init_params
>>> spec = MLP((2, 3))
>>> path = tempfile.mkdtemp() + "/model.npz"
>>> save(path, spec, init_params(spec.build()), scaling=Scaling([0.0, 1.0], [1.0, 2.0]))
>>> saved = load(path)
>>> saved.spec, saved.model
(MLP(sizes=(2, 3), activation='relu', output=None), Para(P^3x2 @ P^3; R^2 -> R^3))
>>> saved.predict(np.array([[0.0, 1.0]])).shape
(1, 3)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from catlearn.errors import DataError
from catlearn.learning import checkpoint as checkpoints
from catlearn.learning.examples import predicted_labels
from catlearn.learning.fit import predict as predict_outputs
from catlearn.learning.history import History
from catlearn.learning.perceptron import MLP
from catlearn.para import Para


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
    """A loaded model: specification, ``Para``, parameters, input scaling, and the whole
    checkpoint (optimizer state, epochs, history, training settings)."""

    spec: MLP
    model: Para
    params: tuple
    scaling: Scaling | None
    checkpoint: checkpoints.Checkpoint

    def predict(self, x) -> np.ndarray:
        """The model's outputs on raw inputs ``x`` (scaled as in training)."""
        x = np.asarray(x, dtype=np.float64)
        return predict_outputs(self.model, self.params, self.scaling(x) if self.scaling else x)

    def classify(self, x) -> np.ndarray:
        """Class labels: the largest output (one output: ``> 0``, a logit)."""
        return predicted_labels(self.predict(x), 0.0 if self.model.cod[0].shape == (1,) else 0.5)


def spec_of(model: MLP, scaling: Scaling | None = None, /, **settings) -> dict:
    """The JSON ``spec`` of a checkpoint: the model, the input scaling, training settings."""
    spec = {"model": model.to_dict(), "train": settings}
    if scaling is not None:
        spec["input"] = scaling.to_dict()
    return spec


def save(path, model: MLP, params: Sequence, *, scaling: Scaling | None = None,
         state: Sequence = (), epoch: int = 0, history: History | None = None,
         **settings) -> None:
    """Write ``model``'s specification and ``params`` (and optionally optimizer ``state``,
    ``epoch``, ``history``, ``settings``) to ``path`` atomically.

    ``model`` is the specification (``MLP(sizes, activation)``), not the ``Para`` it
    builds: a ``Para`` alone does not say how to rebuild it.
    """
    if isinstance(model, Para):
        raise TypeError("save needs the model's specification to rebuild it: pass "
                        "catlearn.learning.perceptron.MLP(sizes, activation), not the Para")
    params = tuple(np.asarray(p, dtype=np.float64) for p in params)
    built = model.build()
    if [p.shape for p in params] != [w.shape for w in built.param]:
        raise ValueError(f"params have shapes {[p.shape for p in params]} but {model} has "
                         f"parameters {built.param}")
    checkpoints.save(path, checkpoints.Checkpoint(
        params, tuple(state), epoch, history or History(), spec_of(model, scaling, **settings)))


def load(path) -> Saved:
    """The model saved at ``path``, rebuilt from its specification.

    Raises ``FileNotFoundError`` or :class:`~catlearn.errors.DataError` (a ``ValueError``)
    naming the file and what is wrong.
    """
    stored = checkpoints.read(path)
    spec = stored.spec.get("model")
    if spec is None:
        raise DataError(f"checkpoint {path} holds no model specification (written by an "
                        "older catlearn); rebuild the model and use checkpoint.load")
    try:
        mlp = MLP.from_dict(spec)
        scaling = None if "input" not in stored.spec else \
            Scaling.from_dict(stored.spec["input"], mlp.sizes[0])
    except DataError as error:
        raise DataError(f"checkpoint {path}: {error}") from None
    model = mlp.build()
    params = checkpoints.matching(path, stored.params, "parameter", model.param, "model")
    return Saved(mlp, model, params, scaling, stored)
