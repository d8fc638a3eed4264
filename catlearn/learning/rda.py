"""Reverse Derivative Ascent (Wilson, Zanasi, arXiv 2101.10488) over Z2: its one home.

A model is a parametrised Z2 map ``(P, f : P @ A -> B)``.  One RDA step on an
example ``(x, y)`` is the ordinary supervised-learning lens
(:func:`catlearn.learning.supervised.supervised`) read over Z2:

* the model lens ``Lens.R(f)``, then the loss :func:`catlearn.learning.loss.z2_error`
  (the error ``e = y + f(theta, x)``, :func:`error_lens`);
* the learning rate is the identity (``-1 = 1`` in Z2), so the error is fed back as
  the cotangent: ``dy = y + f(theta, x)``, ``(dtheta, dx) = R[f](theta, x, dy)``;
* the optimizer :func:`catlearn.learning.optim.rda` adds: ``theta' = theta + dtheta`` (XOR).

:func:`rda_gradient` is that learner's step read as ``dtheta``, one compiled map
``P @ A @ B -> P``.  A batch of ``B`` examples is packed into words: the map then
gives one ``dtheta`` per example, and a rule of :data:`VOTES` turns them into one update.
``'xor'`` is the Z2-categorical one: running ``B`` copies of ``f`` on one ``theta``
copies ``theta``, and ``R[copy]`` is the sum, so the parameter cotangent of the batch
is the XOR of the per-example ones.  ``'majority'`` (flip a bit when more than half of
the batch asks for it) and ``'greedy'`` (flip the one bit with the largest net vote)
are heuristics outside the category.  For ``B = 1`` ``'xor'`` and ``'majority'`` are
the paper's update.  :data:`VOTES` is the one table of vote rules of catlearn: the
truth-table searches of :mod:`catlearn.circuits.search` use it too.

Laws (``tests/test_rda.py``): on the lookup table one step sets the table entry of the
input seen to its label; with ``theta = 0`` the paper's Iris numbers come out exactly.

>>> import numpy as np
>>> from catlearn.learning.rda_models import lookup_table
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
from catlearn.learning.rda_models import (
    basis, lookup_table, pseudo_linear, pseudo_linear_rd, stack_words, stacked_tables,
)
from catlearn.core import Map, trace, wires
from catlearn.learning import loss, optim
from catlearn.learning.supervised import supervised
from catlearn.lens import Lens
from catlearn.packing import pack, unpack
from catlearn.para import Para

__all__ = [
    "VOTES", "RDAFit", "accuracy", "basis", "error_lens", "lookup_table", "predict",
    "pseudo_linear", "pseudo_linear_rd", "rda_fit", "rda_gradient", "rda_step",
    "stacked_tables", "supervised_lens", "vote_rule",
]


# -- the learning step as one lens ---------------------------------------------------


def error_lens(n: int) -> Lens:
    """``Lens.R`` of the Z2 error ``(y, y_hat) |-> y + y_hat`` on ``n`` output bits
    (:func:`catlearn.learning.loss.z2_error`, the label first).

    >>> lens = error_lens(1)
    >>> [w.tolist() for w in lens.put(*z2.pack([[1, 0, 1]]))]
    [[1], [1]]
    """
    return Lens.R(loss.z2_error(n).f)


def supervised_lens(model: Para) -> Lens:
    """RDA's supervised-learning lens ``(B @ P @ A) -> (1, 1)``: the model, the Z2 error,
    the identity learning rate and the optimizer :func:`~catlearn.learning.optim.rda`."""
    return supervised(model, loss.z2_error(len(model.cod)), optim.rda()).lens


@functools.lru_cache(maxsize=64)
def rda_gradient(model: Para) -> Map:
    """The parameter cotangent of one step, ``P @ A @ B -> P``, per example.

    The learner's step ``theta' = theta + dtheta`` read back as
    ``dtheta = R[f](theta, x, y + f(theta, x))_theta``; the dead ``dx`` is pruned.

    >>> from catlearn.learning.rda_models import lookup_table
    >>> rda_gradient(lookup_table(1, 1)).cod == z2.bits(2)
    True
    """
    update = supervised(model, loss.z2_error(len(model.cod)), optim.rda()).update
    n_param, n_in = len(model.param), len(model.dom)

    def run(*v):
        theta, x, y = v[:n_param], v[n_param:n_param + n_in], v[n_param + n_in:]
        return tuple(new + old for new, old in zip(wires(update(*theta, *x, *y)), theta))
    return trace(model.param @ model.dom @ model.cod, run, z2.backend).prune()


# -- votes: a batch of per-example updates becomes one update -----------------------------


def _xor(fix, against, batch, rng):
    """The Z2 sum of the per-example updates: the bits an odd number of examples flip
    (``fix`` must count examples)."""
    return (np.rint(fix).astype(np.int64) % 2).astype(np.uint8)


def _majority(fix, against, batch, rng):
    """The bits that more than half of the ``batch`` examples ask to flip."""
    return (2 * fix > batch).astype(np.uint8)


def _greedy(fix, against, batch, rng, noise: float = 0.1):
    """Per row (a member of a population), the one bit with the largest net vote
    ``fix - against``, ties and zero votes broken by a small random jitter (so a bit that
    no example minds may drift); a random walk move (a bit some example asks for) when
    none has a positive net vote or, with probability ``noise``, anyway.  A row that no
    example asks to change is left alone.  Without ``rng``: no jitter and no walk."""
    single = np.ndim(fix) == 1
    fix, against = np.atleast_2d(fix), np.atleast_2d(against)
    rows = np.arange(len(fix))
    gain = fix - against + (rng.random(fix.shape) * 0.1 if rng is not None else 0.0)
    best = np.argmax(gain, axis=1)
    if rng is None:
        asked = gain[rows, best] > 0
    else:
        walk = (gain[rows, best] <= 0) | (rng.random(len(best)) < noise)
        wanted = np.where(fix > 0, rng.random(fix.shape), -1.0)
        best = np.where(walk, np.argmax(wanted, axis=1), best)
        asked = fix.max(axis=1) > 0
    flip = np.zeros(fix.shape, dtype=np.uint8)
    flip[rows[asked], best[asked]] = 1
    return flip[0] if single else flip


VOTES: dict[str, Callable] = {"xor": _xor, "majority": _majority, "greedy": _greedy}
"""Vote rules ``(fix, against, batch, rng) -> flip``: per parameter bit, ``fix`` counts
(or weighs) the examples whose update flips it, ``against`` those whose output it would
break (0 where unknown), ``batch`` the examples (or their total weight); the result is
the 0/1 update, one row per member of a population (last axis: the bits)."""


def vote_rule(name: str, what: str = "vote rule") -> Callable:
    """The :data:`VOTES` rule called ``name``, or a ValueError naming the known ones.

    >>> vote_rule("xor")(np.array([3, 2]), 0, 5, None).tolist()
    [1, 0]
    """
    try:
        return VOTES[name]
    except KeyError:
        raise ValueError(f"unknown {what} {name!r}; choose one of {sorted(VOTES)}") from None


# -- parameters, batches and their reductions ------------------------------------------


def _param_words(theta) -> list[np.ndarray]:
    """Parameter bits as broadcasting words: 1 is all-ones, 0 all-zeros."""
    return [z2.ONES if bit else z2.ZEROS for bit in np.asarray(theta).tolist()]


def _votes(words, batch: int) -> np.ndarray:
    """How many of the ``batch`` examples set each wire (padding bits are ignored)."""
    return unpack(stack_words(words, max(map(len, words))), batch).sum(axis=0, dtype=np.int64)


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


def _update(grad: Callable, theta: np.ndarray, x, y, vote: Callable) -> np.ndarray:
    dtheta = grad(*_param_words(theta), *pack(x), *pack(y))
    votes = _votes(dtheta, len(x))
    return theta ^ vote(votes, np.zeros_like(votes), len(x), None).astype(np.uint8)


def rda_step(model: Para, theta, x, y, reduce: str = "xor") -> np.ndarray:
    """One RDA update of ``theta`` (0/1 vector) on a batch ``x`` (rows), ``y`` (rows).

    A batch of one row is the paper's update ``theta + R[f](theta, x, y + f(theta, x))``.

    >>> from catlearn.learning.rda_models import lookup_table
    >>> rda_step(lookup_table(1, 1), [0, 0], [[1], [1], [1]], [[1], [1], [1]]).tolist()
    [0, 1]
    """
    _check_model(model)
    theta = _bits([theta], len(model.param), "theta")[0]
    x, y = _bits(x, len(model.dom), "x"), _bits(y, len(model.cod), "y")
    return _update(rda_gradient(model).compiled, theta, x, y, vote_rule(reduce, "reduction"))


# -- evaluation ------------------------------------------------------------------------------


def predict(model: Para, theta, x) -> np.ndarray:
    """``f(theta, x)`` for 0/1 rows ``x``, as 0/1 rows.

    >>> from catlearn.learning.rda_models import lookup_table
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

    >>> from catlearn.learning.rda_models import lookup_table
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
            :data:`VOTES` rule combining their updates ('xor', 'majority', 'greedy').
        steps: number of steps (default: one pass, ``len(x) // batch_size``).
        validate: optional ``(x, y)``; the parameters are scored (rows fully right)
            before the first step and after every ``every`` steps, and the best kept.

    >>> from catlearn.learning.rda_models import lookup_table
    >>> fit = rda_fit(lookup_table(1, 1), ([[0], [1], [1]], [[1], [0], [1]]))
    >>> fit.theta.tolist(), fit.steps
    ([1, 1], 3)
    """
    _check_model(model)
    theta = np.zeros(len(model.param), np.uint8) if theta is None else \
        _bits([theta], len(model.param), "theta")[0].copy()
    data = _bits(data[0], len(model.dom), "x"), _bits(data[1], len(model.cod), "y")
    grad, how = rda_gradient(model).compiled, vote_rule(reduce, "reduction")
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
