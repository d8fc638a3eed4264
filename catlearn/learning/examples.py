"""Labelled examples checked against a model, once, before training.

:func:`examples` turns ``(x, y)`` into what the training step reads: float features of
the model's input shape, targets of the model's output shape (class labels become
one-hot rows, or a 0/1 column for a single output) and, for accuracy, class labels.
Every refusal says which row, column or shape is wrong and what was expected.

>>> import numpy as np
>>> from catlearn.learning.perceptron import mlp
>>> data = examples(mlp([2, 3]), np.zeros((2, 2)), np.array([0, 2]))
>>> data.targets.tolist(), data.labels.tolist()
([[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]], [0, 2])
>>> examples(mlp([2, 3]), np.zeros((2, 2)), np.array([0, 3]))
Traceback (most recent call last):
...
ValueError: y: row 1 has label 3, but the model has 3 outputs (labels 0..2)

String labels are classes, as in scikit-learn: sorted, class ``i`` is output ``i``, and
``classes`` maps predictions back:

>>> data = examples(mlp([2, 2]), np.zeros((3, 2)), np.array(["dog", "cat", "dog"]))
>>> data.labels.tolist(), data.classes.tolist()
([1, 0, 1], ['cat', 'dog'])
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from catlearn.data import check_finite
from catlearn.para import Para


@dataclass(frozen=True, eq=False)
class Examples:
    """Features ``x``, loss ``targets`` and class ``labels`` (``None``: not a classifier);
    ``classes``: the original label of each class index when ``y`` held strings."""

    x: np.ndarray
    targets: np.ndarray
    labels: np.ndarray | None
    classes: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.x)


def examples(model: Para, x, y, name: str = "", classes=None) -> Examples:
    """Check ``(x, y)`` against ``model`` (one input and one output wire) and prepare them.

    ``classes``: the sorted class names of string labels (default: those of ``y``; give
    the training set's for validation data)."""
    prefix = f"{name} " if name else ""
    x = _features(model, x, f"{prefix}x")
    y = np.asarray(y)
    if len(y) != len(x):
        raise ValueError(f"{prefix}x has {len(x)} rows but {prefix}y has {len(y)}: "
                         "expected one label per example")
    out = model.cod[0].shape
    if y.ndim == 1 and (y.dtype.kind in "OUS" or classes is not None):
        classes = np.unique(y) if classes is None else np.asarray(classes)
        if len(out) == 1 and len(classes) > max(out[0], 2):
            raise ValueError(f"{prefix}y has {len(classes)} classes {classes.tolist()} but "
                             f"the model has {out[0]} outputs: give it one output per class")
        indices = _class_indices(y, classes, f"{prefix}y")
        return Examples(x, *_from_labels(indices, out, f"{prefix}y"), classes)
    if y.ndim == 1 and y.dtype.kind in "biu":
        return Examples(x, *_from_labels(y, out, f"{prefix}y"))
    targets = check_finite(y.astype(np.float64, copy=False), f"{prefix}y")
    if targets.shape[1:] != out:
        raise ValueError(f"{prefix}y has targets of shape {targets.shape[1:]} but the model "
                         f"outputs {model.cod[0]!r} (shape {out}); give class labels (n,) "
                         f"or targets (n, {', '.join(map(str, out))})")
    return Examples(x, targets, _one_hot_labels(targets))


def _features(model: Para, x, what: str) -> np.ndarray:
    if len(model.dom) != 1 or len(model.cod) != 1:
        raise TypeError(f"fit needs a model with one input and one output wire, got "
                        f"{model.dom} -> {model.cod}")
    x = np.asarray(x)
    if x.dtype.kind not in "biuf":
        raise ValueError(f"{what}: expected numbers, got an array of dtype {x.dtype}")
    want = model.dom[0].shape
    if x.ndim != 1 + len(want) or x.shape[1:] != want:
        expected = ", ".join(("n", *map(str, want)))
        raise ValueError(f"{what} has shape {x.shape} but the model takes examples of shape "
                         f"{want} ({model.dom[0]!r}): expected ({expected})")
    return check_finite(np.ascontiguousarray(x, dtype=np.float64), what)


def _class_indices(y: np.ndarray, classes: np.ndarray, what: str) -> np.ndarray:
    """The index of each label of ``y`` in the sorted ``classes``; refuses unknown labels."""
    try:
        indices = np.clip(np.searchsorted(classes, y), 0, len(classes) - 1)
    except TypeError:
        raise ValueError(f"{what}: labels of mixed types ({sorted({type(v).__name__ for v in y})}"
                         "); give labels of one type (all strings or all integers)") from None
    bad = np.flatnonzero(classes[indices] != y)
    if bad.size:
        row = int(bad[0])
        raise ValueError(f"{what}: row {row} has label {y[row].item()!r}, which is not one of the "
                         f"trained classes {classes.tolist()}")
    return indices


def _from_labels(y: np.ndarray, out: tuple, what: str):
    if len(out) != 1:
        raise ValueError(f"{what}: class labels need a model with a vector output, got shape {out}")
    k = out[0]
    classes = max(k, 2)
    bad = np.flatnonzero((y < 0) | (y >= classes))
    if bad.size:
        row = int(bad[0])
        allowed = f"{k} outputs (labels 0..{k - 1})" if k > 1 else "1 output (labels 0 or 1)"
        raise ValueError(f"{what}: row {row} has label {y[row]}, but the model has {allowed}")
    labels = y.astype(np.int64)
    targets = labels[:, None].astype(np.float64) if k == 1 else np.eye(k)[labels]
    return targets, labels


def _one_hot_labels(targets: np.ndarray) -> np.ndarray | None:
    """Class labels when every target row is one-hot, else ``None`` (no accuracy)."""
    if targets.ndim != 2:
        return None
    if targets.shape[1] == 1:
        column = targets[:, 0]
        return column.astype(np.int64) if np.isin(column, (0.0, 1.0)).all() else None
    one_hot = np.isin(targets, (0.0, 1.0)).all() and (targets.sum(axis=1) == 1).all()
    return targets.argmax(axis=1) if one_hot else None


def predicted_labels(predictions: np.ndarray, threshold: float) -> np.ndarray:
    """Class labels of predictions: the largest output, or ``output > threshold`` for one."""
    if predictions.shape[1] == 1:
        return (predictions[:, 0] > threshold).astype(np.int64)
    return predictions.argmax(axis=1)
