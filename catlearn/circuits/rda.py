"""Reverse Derivative Ascent (Wilson, Zanasi, arXiv 2101.10488) over Z2.

A model is a parametrised Z2 map ``(P, f : P @ A -> B)``.  One RDA step on an
example ``(x, y)`` is the papers' supervised-learning lens, read over Z2:

* the model lens ``Lens.R(f)`` then the error lens ``Lens.R(xor)`` (error ``e = f(theta, x) + y``);
* the learning rate is the identity (``-1 = 1`` in Z2), so the error is fed back as
  the cotangent: ``dy = y + f(theta, x)``, ``(dtheta, dx) = R[f](theta, x, dy)``;
* the optimizer adds: ``theta' = theta + dtheta`` (XOR).

:func:`rda_gradient` is that composite lens's ``put`` as one compiled map
``P @ A @ B -> P``.  A batch of ``B`` examples is packed into words: the map then
gives one ``dtheta`` per example, and :data:`REDUCTIONS` turns them into one update.
``'xor'`` is the Z2-categorical one: running ``B`` copies of ``f`` on one ``theta``
copies ``theta``, and ``R[copy]`` is the sum, so the parameter cotangent of the batch
is the XOR of the per-example ones.  ``'majority'`` (flip a bit when more than half of
the batch asks for it) is a heuristic outside the category.  For ``B = 1`` both are
the paper's update.

Laws (``tests/test_rda.py``): on the lookup table one step sets the table entry of the
input seen to its label; with ``theta = 0`` the paper's Iris numbers come out exactly.

>>> import numpy as np
>>> from catlearn.circuits.rda_models import lookup_table
>>> model = lookup_table(2, 1)
>>> theta = rda_step(model, np.zeros(4, np.uint8), [[1, 0]], [[1]])
>>> theta.tolist()           # entry 1 (x = (1, 0)) now holds the label
[0, 1, 0, 0]
>>> rda_step(model, theta, [[1, 0]], [[0]]).tolist()
[0, 0, 0, 0]
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Callable

import numpy as np

from catlearn import z2
from catlearn.packing import pack, unpack
from catlearn.circuits.rda_models import (
    basis, lookup_table, pseudo_linear, pseudo_linear_rd, stack_words, stacked_tables,
)
from catlearn.core import Map, trace, wires
from catlearn.lens import Lens
from catlearn.para import Para

__all__ = [
    "REDUCTIONS", "RDAFit", "accuracy", "basis", "error_lens", "iris_bits", "iris_ceiling",
    "lookup_table", "mnist01", "predict", "pseudo_linear", "pseudo_linear_rd", "rda_fit",
    "rda_gradient", "rda_step", "split_by_class", "stacked_tables", "supervised_lens",
]


# -- the learning step as one lens ---------------------------------------------------


def error_lens(n: int) -> Lens:
    """``Lens.R`` of the Z2 error ``(y_hat, y) |-> y_hat + y`` on ``n`` output bits."""
    error = trace(z2.bits(2 * n), lambda *v: tuple(a + b for a, b in zip(v[:n], v[n:])),
                  z2.backend)
    return Lens.R(error)


def supervised_lens(model: Para) -> Lens:
    """``(Lens.R(f) @ id_B) ; error``: ``P @ A @ B -> B``, the error ``f(theta, x) + y``."""
    n_out = len(model.cod)
    return (Lens.R(model.f) @ Lens.id(z2.bits(n_out), z2.backend)) >> error_lens(n_out)


@functools.lru_cache(maxsize=64)
def rda_gradient(model: Para) -> Map:
    """The parameter cotangent of one step, ``P @ A @ B -> P``, per example.

    The supervised lens's ``put`` fed its own error (learning rate: identity), so
    ``dtheta = R[f](theta, x, y + f(theta, x))_theta``; the dead ``dx`` is pruned.

    >>> from catlearn.circuits.rda_models import lookup_table
    >>> rda_gradient(lookup_table(1, 1)).cod == z2.bits(2)
    True
    """
    lens, n_param = supervised_lens(model), len(model.param)

    def run(*v):
        out = wires(lens.fwd(*v))
        return wires(lens.bwd(*out))[:n_param]
    return trace(lens.dom, run, z2.backend).prune()


# -- parameters, batches and their reductions ------------------------------------------


def _param_words(theta) -> list[np.ndarray]:
    """Parameter bits as broadcasting words: 1 is all-ones, 0 all-zeros."""
    return [z2.ONES if bit else z2.ZEROS for bit in np.asarray(theta).tolist()]


def _votes(words, batch: int) -> np.ndarray:
    """How many of the ``batch`` examples set each wire (padding bits are ignored)."""
    return unpack(stack_words(words, max(map(len, words))), batch).sum(axis=0, dtype=np.int64)


REDUCTIONS: dict[str, Callable[[np.ndarray, int], np.ndarray]] = {
    "xor": lambda votes, batch: votes % 2,
    "majority": lambda votes, batch: 2 * votes > batch,
}
"""Batch reductions of per-example ``dtheta``: votes per bit -> update bit."""


def _reduction(name: str):
    try:
        return REDUCTIONS[name]
    except KeyError:
        raise ValueError(f"unknown reduction {name!r}; "
                         f"choose one of {sorted(REDUCTIONS)}") from None


def _check_model(model) -> None:
    if not isinstance(model, Para) or model.backend is not z2.backend:
        raise TypeError(f"RDA trains a parametrised Z2 map (catlearn.Para over z2), got {model!r}")


def _bits(rows, width: int, what: str) -> np.ndarray:
    """``rows`` as a uint8 0/1 matrix with ``width`` columns, or an error saying where not."""
    rows = np.asarray(rows)
    if rows.ndim != 2 or rows.shape[1] != width:
        raise ValueError(f"{what}: expected 0/1 rows of {width} bits, got shape {rows.shape}")
    bad = (rows != 0) & (rows != 1)
    if bad.any():
        r, c = (int(i) for i in np.argwhere(bad)[0])
        raise ValueError(f"{what}: row {r}, column {c} holds {rows[r, c].item()!r}, expected 0 or 1")
    return rows.astype(np.uint8, copy=False)


def _update(grad: Callable, theta: np.ndarray, x, y, reduce: Callable) -> np.ndarray:
    dtheta = grad(*_param_words(theta), *pack(x), *pack(y))
    return theta ^ reduce(_votes(dtheta, len(x)), len(x)).astype(np.uint8)


def rda_step(model: Para, theta, x, y, reduce: str = "xor") -> np.ndarray:
    """One RDA update of ``theta`` (0/1 vector) on a batch ``x`` (rows), ``y`` (rows).

    A batch of one row is the paper's update ``theta + R[f](theta, x, y + f(theta, x))``.

    >>> from catlearn.circuits.rda_models import lookup_table
    >>> rda_step(lookup_table(1, 1), [0, 0], [[1], [1], [1]], [[1], [1], [1]]).tolist()
    [0, 1]
    """
    _check_model(model)
    theta = _bits([theta], len(model.param), "theta")[0]
    x, y = _bits(x, len(model.dom), "x"), _bits(y, len(model.cod), "y")
    return _update(rda_gradient(model).compiled, theta, x, y, _reduction(reduce))


# -- evaluation ------------------------------------------------------------------------------


def predict(model: Para, theta, x) -> np.ndarray:
    """``f(theta, x)`` for 0/1 rows ``x``, as 0/1 rows.

    >>> from catlearn.circuits.rda_models import lookup_table
    >>> predict(lookup_table(1, 1), [0, 1], [[0], [1]]).tolist()
    [[0], [1]]
    """
    x = _bits(x, len(model.dom), "x")
    xs = pack(x)
    out = model.f.compiled(*_param_words(theta), *xs)
    return unpack(stack_words(out, len(xs[0])), len(x))


def _correct_counter(model: Para, data) -> Callable[[np.ndarray], int]:
    """``theta |-> number of rows of data whose whole label vector f gets right``.

    The data are packed once; each call is one bit-packed forward pass.
    """
    x, y = _bits(data[0], len(model.dom), "x"), _bits(data[1], len(model.cod), "y")
    xs, ys, n, run = pack(x), pack(y), len(x), model.f.compiled
    mask = pack(np.ones((n, 1), np.uint8))[0]  # the padding bits of the last word are 0

    def correct(theta) -> int:
        wrong = np.zeros_like(mask)
        for out, target in zip(run(*_param_words(theta), *xs), ys):
            wrong |= out ^ target
        return n - int(np.bitwise_count(wrong & mask).sum())
    return correct


def accuracy(model: Para, theta, data) -> float:
    """Share of rows of ``data = (x, y)`` whose whole label vector is predicted.

    >>> from catlearn.circuits.rda_models import lookup_table
    >>> accuracy(lookup_table(1, 1), [0, 1], ([[0], [1], [1]], [[0], [1], [0]]))
    0.6666666666666666
    """
    return _correct_counter(model, data)(theta) / len(data[0])


# -- training ------------------------------------------------------------------------------


@dataclass(frozen=True)
class RDAFit:
    """The result of :func:`rda_fit`.

    ``theta``: parameters after the last step; ``best``: the parameters with the best
    validation score (ties go to the later ones, as in the paper's ``keepMaxBy``),
    ``theta`` when no validation set was given; ``best_step``: how many steps had been
    taken for ``best``; ``scores``: ``(step, correct)`` for every evaluation.
    """

    theta: np.ndarray
    best: np.ndarray
    best_step: int
    best_score: int | None
    steps: int
    scores: tuple[tuple[int, int], ...] = ()


def _batches(data, batch_size: int, steps: int | None):
    x, y = data
    n = len(x) // batch_size if steps is None else steps
    if n * batch_size > len(x):
        raise ValueError(f"{n} steps of batch {batch_size} need {n * batch_size} rows, "
                         f"the training data has {len(x)}")
    return ((x[k * batch_size:(k + 1) * batch_size], y[k * batch_size:(k + 1) * batch_size])
            for k in range(n))


def rda_fit(model: Para, data, theta=None, *, batch_size: int = 1, reduce: str = "xor",
            steps: int | None = None, validate=None, every: int = 1) -> RDAFit:
    """Reverse derivative ascent over ``data = (x, y)`` (0/1 rows), in order.

    Args:
        model: a parametrised Z2 map; ``theta`` its initial parameters (default 0).
        batch_size: rows per step, packed into words; ``reduce`` names the
            :data:`REDUCTIONS` entry combining their updates ('xor' or 'majority').
        steps: number of steps (default: one pass, ``len(x) // batch_size``).
        validate: optional ``(x, y)``; the parameters are scored (rows fully right)
            before the first step and after every ``every`` steps, and the best kept.

    >>> from catlearn.circuits.rda_models import lookup_table
    >>> fit = rda_fit(lookup_table(1, 1), ([[0], [1], [1]], [[1], [0], [1]]))
    >>> fit.theta.tolist(), fit.steps
    ([1, 1], 3)
    """
    _check_model(model)
    theta = np.zeros(len(model.param), np.uint8) if theta is None else \
        _bits([theta], len(model.param), "theta")[0].copy()
    data = _bits(data[0], len(model.dom), "x"), _bits(data[1], len(model.cod), "y")
    grad, how = rda_gradient(model).compiled, _reduction(reduce)
    score = None if validate is None else _correct_counter(model, validate)
    scores = [] if score is None else [(0, score(theta))]
    best, best_step, taken = theta, 0, 0
    for taken, (x, y) in enumerate(_batches(data, batch_size, steps), start=1):
        theta = _update(grad, theta, x, y, how)
        if score is not None and taken % every == 0:
            scores.append((taken, score(theta)))
            if scores[-1][1] >= scores[best_step // every][1]:
                best, best_step = theta, taken
    if score is None:
        best, best_step = theta, taken
    best_score = scores[best_step // every][1] if scores else None
    return RDAFit(theta, best, best_step, best_score, taken, tuple(scores))


# -- the paper's data: binarised Iris, MNIST 0 vs 1 --------------------------------------------


def _label_bits(classes: np.ndarray, n_classes: int, labels: str) -> np.ndarray:
    if labels == "one-hot":
        return np.eye(n_classes, dtype=np.uint8)[classes]
    if labels == "binary":
        width = max(1, (n_classes - 1).bit_length())
        return ((classes[:, None] >> np.arange(width)) & 1).astype(np.uint8)
    raise ValueError(f"labels must be 'binary' or 'one-hot', got {labels!r}")


def iris_bits(n_classes: int = 2, labels: str = "binary", dataset=None, levels: int = 1):
    """The paper's binarised Iris: ``(x, y, classes)``, rows in file order.

    Two classes are the first 100 rows (setosa, versicolor), three all 150.  Each
    feature is min-max normalised over the rows used, then ``bit = value > 0.5``.
    Labels: the class index in binary (least significant bit first) or one-hot.
    ``levels > 1`` (not in the paper) gives a thermometer code instead: bits
    ``value > t`` for ``t = 1/(levels+1), ..., levels/(levels+1)``, feature by feature.

    >>> x, y, c = iris_bits(3, "binary")
    >>> x.shape, y.shape, x[0].tolist(), y[-1].tolist()
    ((150, 4), (150, 2), [0, 1, 0, 0], [0, 1])
    >>> iris_bits(3, "binary", levels=2)[0][0].tolist()
    [0, 0, 1, 0, 0, 0, 0, 0]
    """
    if dataset is None:
        from catlearn.data import load_iris
        dataset = load_iris()
    if n_classes not in (2, 3):
        raise ValueError(f"the paper's Iris sets have 2 or 3 classes, got {n_classes}")
    keep = dataset.y < n_classes
    features, classes = np.asarray(dataset.x)[keep], np.asarray(dataset.y)[keep]
    low, high = features.min(axis=0), features.max(axis=0)
    thresholds = np.arange(1, levels + 1) / (levels + 1)
    x = ((features - low) / (high - low))[:, :, None] > thresholds
    return x.reshape(len(x), -1).astype(np.uint8), _label_bits(classes, n_classes, labels), classes


def split_by_class(x, y, classes, n_train: int = 25):
    """``((x, y) train, (x, y) test)``: stable sort by class, first ``n_train`` of each train.

    The paper's ``splitTrainTest 25``; training order is therefore class by class.

    >>> (xt, yt), (xs, ys) = split_by_class(*iris_bits(2, "one-hot"))
    >>> len(xt), len(xs), yt[24].tolist(), yt[25].tolist()
    (50, 50, [1, 0], [0, 1])
    """
    order = np.argsort(classes, kind="stable")
    ranked = np.asarray(classes)[order]
    within = np.arange(len(order)) - np.searchsorted(ranked, ranked)  # place inside its class
    train, test = order[within < n_train], order[within >= n_train]
    return (x[train], y[train]), (x[test], y[test])


def iris_ceiling(x, y) -> float:
    """The best accuracy any function of the bits ``x`` can reach on ``(x, y)``.

    Per input pattern the most common label vector is right, the others wrong; computed
    on the evaluation set itself, so it bounds every model of those bits from above.

    >>> iris_ceiling(np.array([[0], [0], [0], [1]]), np.array([[1], [1], [0], [0]]))
    0.75
    """
    counts: dict = {}
    for row, label in zip(map(bytes, np.asarray(x, np.uint8)), map(bytes, np.asarray(y, np.uint8))):
        counts.setdefault(row, {}).setdefault(label, 0)
        counts[row][label] += 1
    return sum(max(c.values()) for c in counts.values()) / len(x)


MNIST_THRESHOLD, MNIST_HOLDOUT = 32, 11400


def _mnist01_kind(directory, kind: str):
    from catlearn.data import load_mnist_raw
    images, labels = load_mnist_raw(directory, kind)
    keep = labels <= 1
    x = (images[keep].reshape(-1, 784) > MNIST_THRESHOLD).astype(np.uint8)
    return x, (labels[keep] == 1).astype(np.uint8)[:, None]


def mnist01(directory=None, holdout: int = MNIST_HOLDOUT):
    """MNIST 0 vs 1 as in the paper: ``(train, validation, test)``, each ``(x, y)``.

    Pixels are bits ``raw > 32`` (784 per image), the label is ``digit == 1``; the
    0/1 training images in file order are split at ``holdout`` (11,400 train, the
    rest validate); test is the 0/1 part of the test set.  ``directory`` as for
    :func:`catlearn.data.load_mnist_raw` (else ``$CATLEARN_DATA``).

    >>> train, validation, test = mnist01("/data/mnist")  # doctest: +SKIP
    >>> len(train[0]), len(validation[0]), len(test[0])  # doctest: +SKIP
    (11400, 1265, 2115)
    """
    x, y = _mnist01_kind(directory, "train")
    return (x[:holdout], y[:holdout]), (x[holdout:], y[holdout:]), _mnist01_kind(directory, "test")
