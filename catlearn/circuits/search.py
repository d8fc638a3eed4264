"""The two searches of exact circuit learning, on one traced gate network.

Both fit a :class:`~catlearn.circuits.gates.GateNetwork` to every row of a
:class:`~catlearn.circuits.table.Table` and return ``(theta, wrong bits, steps)``:

* :func:`rda`, reverse derivative ascent in Z2 (Wilson, Zanasi): the whole table is one
  minibatch, bit-packed, and ``R`` of the Z2 map gives, for every parameter bit and every
  example, whether flipping it would flip an output.  On the examples an output gets
  wrong that is a vote to flip (the update ``theta + R[f](theta, x, f(theta, x) + y)`` of
  the paper); on those it gets right, a vote against.  A rule of
  :data:`catlearn.learning.rda.VOTES` turns the votes into an update: ``'greedy'`` (the
  default) flips the bit with the largest net vote, ``'xor'`` every bit whose votes to
  flip are odd (the Z2 sum of the per-example updates, the paper's batch rule taken
  literally), ``'majority'`` the bits more than half of the rows ask for.  A population of
  independent searches runs in parallel bit lanes; a search that stops improving restarts.
* :func:`relaxed`: the same network read in Smooth is the multilinear relaxation of the
  circuit; its parameters are sigmoids of logits trained by Adam on the squared error with
  gradients from ``Lens.R``, rounded to bits and checked exactly in Z2 as training goes.

>>> from catlearn.circuits.table import Table
>>> net = GateNetwork.random(2, 1, gates=1, layers=1, choices=1)
>>> rda(net, Table.of([[0], [1], [1], [0]]), np.random.default_rng(0))[1]
0
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from catlearn import Lens, smooth, trace, z2
from catlearn.circuits.gates import GateNetwork, broadcast_stack, errors, parameter_words
from catlearn.learning.rda import vote_rule
from catlearn.circuits.table import Table
from catlearn.core import Ty, wires
from catlearn.learning import optim
from catlearn.packing import unpack

MAX_WORDS = 8192  # Z2 lanes (population x outputs x words) evaluated at once
MAX_FLOATS = 4096  # Smooth lanes (population x rows)


# -- reverse derivative ascent ----------------------------------------------------------


def _late(deadline: float | None) -> bool:
    """True once ``time.perf_counter()`` has passed ``deadline`` (None: never)."""
    return deadline is not None and time.perf_counter() > deadline


def _population(population: int, table: Table, copies: int) -> int:
    return max(1, min(population, MAX_WORDS // (copies * table.x.shape[1])))


@dataclass
class _Search:
    """Best parameters found so far by a population, and when each member last improved."""

    theta: np.ndarray
    best: np.ndarray = None
    since: np.ndarray = None
    found: tuple = (None, np.inf)

    def __post_init__(self):
        self.best = np.full(len(self.theta), np.inf)
        self.since = np.zeros(len(self.theta), dtype=int)

    def record(self, score, patience: int, errs=None) -> np.ndarray:
        """Note each member's score (and wrong bits, if they differ); return the members
        whose score has not improved for ``patience`` records (they restart)."""
        errs = score if errs is None else errs
        k = int(np.argmin(errs))
        if errs[k] < self.found[1]:
            self.found = (self.theta[k].copy(), int(errs[k]))
        improved = score < self.best
        self.best = np.minimum(self.best, score)
        self.since = np.where(improved, 0, self.since + 1)
        stalled = np.flatnonzero(self.since > patience)
        self.best[stalled], self.since[stalled] = np.inf, 0
        return stalled


def _class_weights(table: Table, balanced: bool = True):
    """Masks of the 1s and 0s of each output (2, m, W) and their weights (2, m): balanced,
    each class of each output weighs half the rows (a rare 1 is not outvoted by the 0s);
    otherwise every example weighs 1."""
    masks = np.stack([table.y & table.valid, ~table.y & table.valid])
    counts = np.bitwise_count(masks).sum(axis=2)
    if not balanced:
        return masks, np.ones(counts.shape)
    return masks, table.n_rows / (2.0 * np.maximum(counts, 1))


def _weighted(words, masks, weights):
    """Weighted count of the set bits of ``words`` (..., m, W) in each class."""
    return sum((np.bitwise_count(words & mask).sum(axis=-1) * weight).sum(axis=-1)
               for mask, weight in zip(masks, weights))


def rda(net: GateNetwork, table: Table, rng, steps: int = 2000, population: int = 16,
        vote: str = "greedy", patience: int = 300, deadline: float | None = None):
    """Reverse derivative ascent on the whole table; returns ``(theta, errors, steps)``.

    Member ``p``'s lanes hold the table once per output ``o``, with the cotangent 1 on
    output ``o`` only: one backward pass gives every member's per-output sensitivities.
    Votes are weighted so that each output's 1s and 0s count equally; XOR votes count
    examples.

    >>> net = GateNetwork.random(2, 1, gates=1, layers=1, choices=1)
    >>> rda(net, Table.of([[0], [1], [1], [0]]), np.random.default_rng(0))[1]
    0
    """
    m, w = table.y.shape
    p = _population(population, table, m)
    lens = Lens.R(net.map(z2.backend))
    fwd, bwd, k, q = lens.fwd.compiled, lens.bwd.compiled, len(lens.res), net.n_params
    xs, ts = np.tile(table.x, m)[:, None, :], np.tile(table.y, m).reshape(m, 1, m, w)
    own = np.zeros((m, 1, m, w), dtype=np.uint64)
    for o in range(m):
        own[o, :, o] = table.valid
    cotangents = list(own.reshape(m, 1, -1))
    masks, weights = _class_weights(table, balanced=vote != "xor")
    rule, total = vote_rule(vote, "vote"), float((weights * np.bitwise_count(masks).sum(
        axis=2)).sum())
    search = _Search(rng.integers(0, 2, (p, q), dtype=np.uint8))
    for step in range(steps):
        out = fwd(*parameter_words(search.theta), *xs)
        wrong = (broadcast_stack(out[k:], (p, m * w)).reshape(m, p, m, w) ^ ts) & own
        wrong = np.bitwise_or.reduce(wrong, axis=0)  # block o keeps output o's errors
        stalled = search.record(_weighted(wrong, masks, weights), patience,
                                np.bitwise_count(wrong).sum(axis=(1, 2)))
        if search.found[1] == 0 or _late(deadline):
            return (*search.found, step)
        search.theta[stalled] = rng.integers(0, 2, (len(stalled), q))
        sens = broadcast_stack(bwd(*out[:k], *cotangents)[:q], (p, m * w)).reshape(q, p, m, w)
        fix = _weighted(sens & wrong, masks, weights).T
        against = _weighted(sens & ~wrong, masks, weights).T
        search.theta ^= rule(fix, against, total, rng)
    return (*search.found, steps)


# -- the multilinear relaxation, by gradient descent ----------------------------------


def _relaxed_loss(net: GateNetwork, n_out: int):
    """The Smooth map ``probabilities @ inputs @ targets @ weights -> sum_o w_o (y_o - t_o)^2``
    per example (the weights balance each output's 1s against its 0s, as RDA's votes)."""
    q, n, real = net.n_params, net.n_inputs, smooth.Real(())
    model = net.map(smooth.backend)

    def loss(*v):
        ys = wires(model(*v[:q + n]))
        targets, weights = v[q + n:q + n + n_out], v[q + n + n_out:]
        total = None
        for y, t, w in zip(ys, targets, weights):
            term = w * ((y - t) * (y - t))
            total = term if total is None else total + term
        return total
    return trace(Ty(*[real] * (q + n + 2 * n_out)), loss, smooth.backend)


def relaxed(net: GateNetwork, table: Table, rng, steps: int = 3000, population: int = 16,
            patience: int = 600, rate: float = 0.1, check: int = 25,
            deadline: float | None = None):
    """Adam on the relaxed network, rounded and checked in Z2 every ``check`` steps.

    The parameters are ``sigmoid(logits)``: one ``sigmoid`` over all the logits of the
    population (P, Q), whose lens is composed with the network's (the chain rule between
    the two is lens composition, done on arrays).  The update is the ``put`` of the Adam
    optimizer lens of :mod:`catlearn.learning.optim` (fed ``-gradient``, as adaptive
    optimizers expect); a restarted member's moments are reset, the step count is shared.
    Returns ``(theta, errors, steps)``; past ``deadline`` (``time.perf_counter()``)
    the best so far.

    >>> net = GateNetwork.random(2, 1, gates=1, layers=1, choices=1)
    >>> relaxed(net, Table.of([[0], [1], [1], [1]]), np.random.default_rng(0))[1]
    0
    """
    n, q, rows = table.n_rows, net.n_params, table.n_rows
    p = max(1, min(population, MAX_FLOATS // rows))
    lens = Lens.R(_relaxed_loss(net, len(table.outputs)))
    fwd, bwd, k = lens.fwd.compiled, lens.bwd.compiled, len(lens.res)
    squash = Lens.R(smooth.sigmoid(q))
    squash_fwd, squash_bwd = squash.fwd.compiled, squash.bwd.compiled
    values = unpack(np.vstack([table.x, table.y]), n).T.astype(float)
    targets, (ones, zeros) = values[net.n_inputs:], _class_weights(table)[1]
    balance = ones[:, None] * targets + zeros[:, None] * (1.0 - targets)
    data = np.vstack([values, balance])[:, None, :]
    adam, wire = optim.adam(rate), Ty(smooth.Real((q,), batched=False))
    update = adam.lens(wire, smooth.backend).put.compiled
    count, moment, square = (np.broadcast_to(a, (p, q)).copy() if a.ndim else a
                             for a in adam.init(wire))
    logits = rng.normal(0.0, 1.0, (p, q))
    search = _Search((logits > 0).astype(np.uint8))
    scale = np.full((1, rows), 1.0 / rows)
    for step in range(1, steps + 1):
        *residual, probabilities = squash_fwd(logits)
        out = fwd(*probabilities.T[:, :, None], *data)
        grad = broadcast_stack(bwd(*out[:k], scale)[:q], (p, rows)).sum(axis=2).T
        grad = squash_bwd(*residual, grad)[0]
        count, moment, square, logits = update(count, moment, square, logits, -grad)
        if step % check == 0:
            search.theta = (logits > 0).astype(np.uint8)
            stalled = search.record(errors(net, search.theta, table), patience // check)
            if search.found[1] == 0 or _late(deadline):
                return (*search.found, step)
            logits[stalled] = rng.normal(0.0, 1.0, (len(stalled), q))
            moment[stalled], square[stalled] = 0.0, 0.0
    return (*search.found, steps)


METHODS = {"rda": rda, "relaxed": relaxed}
