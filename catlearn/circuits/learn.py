"""Learning boolean circuits exactly from truth tables or 0/1 data.

:func:`learn` fits a :class:`~catlearn.circuits.gates.GateNetwork` to every row of a target
(a netlist's full truth table, a truth table, or ``(X, Y)`` examples) by one of two methods,
both reading the same traced network:

* ``'rda'``, reverse derivative ascent in Z2 (Wilson, Zanasi): the whole table is one
  minibatch, bit-packed, and ``R`` of the Z2 map gives, for every parameter bit and every
  example, whether flipping it would flip an output.  On the examples an output gets wrong
  that is a vote to flip (the update ``theta + R[f](theta, x, f(theta, x) + y)`` of the
  paper); on those it gets right, a vote against.  The votes are aggregated by ``vote``:
  ``'majority'`` flips the bit with the largest majority for flipping (a random bit voted
  for by some wrong example when no bit has one), ``'xor'`` flips every bit whose votes to
  flip are odd (the Z2 sum of the per-example updates, the paper's batch rule taken
  literally).  A population of independent searches runs in parallel bit lanes; a search
  that stops improving restarts.
* ``'relaxed'``: the same network read in Smooth is the multilinear relaxation of the
  circuit; its parameters are sigmoids of logits trained by Adam on the squared error with
  gradients from ``Lens.R``, rounded to bits and checked exactly in Z2 as training goes.

Multi-output targets are learned output by output (``staged``): each output gets a small
network whose candidate wires are the inputs and every wire already learned, so a ripple
adder's carries are found once and reused.  After an exact fit, each cell is tried in every
configuration and one that leaves fewer gates is kept (:func:`~catlearn.circuits.gates.prune`),
and the netlist is simplified (constants, buffers, inverters folded).

>>> result = learn(read_blif(ZOO / "full_adder.blif"), seed=0)
>>> result.exact, result.netlist.inputs, result.netlist.outputs
(True, ('a', 'b', 'cin'), ('s', 'cout'))
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np

from catlearn import Lens, smooth, trace, z2
from catlearn.circuits.blif import read_blif
from catlearn.circuits.convert import simplify
from catlearn.circuits.gates import (GateNetwork, broadcast_stack, errors, parameter_words,
                                     prune)
from catlearn.circuits.netlist import Gate, Netlist
from catlearn.packing import pack, truth_table_inputs, unpack
from catlearn.core import Ty, wires
from catlearn.learning import optim

ZOO = Path(__file__).resolve().parents[2] / "circuits"
ONES, ZEROS = ~np.uint64(0), np.uint64(0)
STAGE_SIZES = ((4, 2), (8, 3), (16, 4), (24, 5), (32, 6))  # (gates, layers), tried in turn
MAX_WORDS = 8192  # Z2 lanes (population x outputs x words) evaluated at once
MAX_FLOATS = 4096  # Smooth lanes (population x rows)


# -- the training set -----------------------------------------------------------------


@dataclass(frozen=True)
class Table:
    """A training set, bit-packed: inputs ``x`` (n, W) and outputs ``y`` (m, W) words.

    ``valid`` marks the bits that hold examples (the last word may be partly padding).
    """

    name: str
    inputs: tuple[str, ...]
    outputs: tuple[str, ...]
    x: np.ndarray
    y: np.ndarray
    n_rows: int
    valid: np.ndarray = field(repr=False)

    @staticmethod
    def of(target, inputs=None, outputs=None) -> "Table":
        """The table of a Netlist, a ``.blif`` path, a truth table array or ``(X, Y)`` data.

        >>> Table.of(np.array([[0], [1], [1], [0]])).inputs
        ('x0', 'x1')
        """
        if isinstance(target, (str, Path)):
            target = read_blif(target)
        if isinstance(target, Netlist):
            return Table._make(target.name, target.inputs, target.outputs,
                               truth_table_inputs(len(target.inputs)),
                               pack(target.truth_table()), 1 << len(target.inputs))
        if isinstance(target, tuple) and len(target) == 2:
            return _data_table(*target, inputs, outputs)
        return _truth_table(target, inputs, outputs)

    @staticmethod
    def _make(name, inputs, outputs, x, y, n_rows) -> "Table":
        valid = np.zeros(x.shape[1], dtype=np.uint64)
        full, rest = divmod(n_rows, 64)
        valid[:full] = ONES
        if rest:
            valid[full] = np.uint64((1 << rest) - 1)
        return Table(name, tuple(inputs), tuple(outputs), x, y, n_rows, valid)


def _names(given, n: int, prefix: str, what: str) -> tuple[str, ...]:
    if given is None:
        return tuple(f"{prefix}{i}" for i in range(n))
    if len(given) != n:
        raise ValueError(f"the data has {n} {what} column(s) but {len(given)} {what} "
                         f"name(s) were given: {tuple(given)}")
    return tuple(given)


def _bits(array, what: str) -> np.ndarray:
    """A 2-D 0/1 array, or a ValueError naming the first bad row and column."""
    arr = np.asarray(array)
    if arr.ndim == 1:
        arr = arr.reshape(-1, 1)
    if arr.ndim != 2:
        raise ValueError(f"{what} must be a 2-D 0/1 array (rows, columns), "
                         f"got shape {arr.shape}")
    bad = np.argwhere(~np.isin(arr, (0, 1)) if arr.dtype.kind in "biuf"
                      else np.ones(arr.shape, bool))
    if len(bad):
        row, col = (int(v) for v in bad[0])
        raise ValueError(f"{what} must hold only 0 and 1: row {row}, column {col} "
                         f"holds {arr[row, col].item()!r}")
    return arr.astype(np.uint8)


def _truth_table(table, inputs, outputs) -> Table:
    y = _bits(table, "truth table")
    n = y.shape[0].bit_length() - 1
    if y.shape[0] != 1 << n:
        raise ValueError(f"a truth table has 2**n rows (row r = inputs in binary, input 0 "
                         f"most significant); got {y.shape[0]} rows")
    if inputs is not None and len(inputs) != n:
        raise ValueError(f"a truth table of {y.shape[0]} rows has {n} inputs, but "
                         f"{len(inputs)} input names were given: {tuple(inputs)}")
    return Table._make("learned", _names(inputs, n, "x", "input"),
                       _names(outputs, y.shape[1], "y", "output"),
                       truth_table_inputs(n), pack(y), y.shape[0])


def _data_table(x, y, inputs, outputs) -> Table:
    x, y = _bits(x, "X"), _bits(y, "Y")
    if x.shape[0] != y.shape[0]:
        raise ValueError(f"X has {x.shape[0]} rows but Y has {y.shape[0]}")
    seen: dict[bytes, int] = {}
    keep = []
    for r, row in enumerate(x):
        first = seen.setdefault(row.tobytes(), r)
        if first == r:
            keep.append(r)
        elif (y[first] != y[r]).any():
            col = int(np.argmax(y[first] != y[r]))
            raise ValueError(f"conflicting rows {first} and {r}: same inputs "
                             f"{row.tolist()}, but Y column {col} is {y[first, col]} "
                             f"and {y[r, col]}")
    x, y = x[keep], y[keep]
    return Table._make("learned", _names(inputs, x.shape[1], "x", "input"),
                       _names(outputs, y.shape[1], "y", "output"), pack(x), pack(y),
                       x.shape[0])


# -- reverse derivative ascent ----------------------------------------------------------


def _population(population: int, table: Table, copies: int) -> int:
    return max(1, min(population, MAX_WORDS // (copies * table.x.shape[1])))


def _majority(fix, against, rng, noise: float = 0.1):
    """Per member, the bit with the largest majority to flip; a walk move when none."""
    gain = fix - against + rng.random(fix.shape) * 0.1
    best = np.argmax(gain, axis=1)
    walk = (gain[np.arange(len(best)), best] <= 0) | (rng.random(len(best)) < noise)
    wanted = np.where(fix > 0, rng.random(fix.shape), -1.0)
    flip = np.zeros(fix.shape, dtype=np.uint8)
    flip[np.arange(len(best)), np.where(walk, np.argmax(wanted, axis=1), best)] = 1
    return flip


def _xor(fix, against, rng):
    """The Z2 sum over the examples of the per-example RDA updates (``fix`` must count
    examples: call with unweighted votes)."""
    return (np.rint(fix).astype(np.int64) % 2).astype(np.uint8)


VOTES = {"majority": _majority, "xor": _xor}


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
        vote: str = "majority", patience: int = 300):
    """Reverse derivative ascent on the whole table; returns ``(theta, errors, steps)``.

    Member ``p``'s lanes hold the table once per output ``o``, with the cotangent 1 on
    output ``o`` only: one backward pass gives every member's per-output sensitivities.
    Majority votes are weighted so that each output's 1s and 0s count equally; XOR votes
    count examples.

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
    search = _Search(rng.integers(0, 2, (p, q), dtype=np.uint8))
    for step in range(steps):
        out = fwd(*parameter_words(search.theta), *xs)
        wrong = (broadcast_stack(out[k:], (p, m * w)).reshape(m, p, m, w) ^ ts) & own
        wrong = np.bitwise_or.reduce(wrong, axis=0)  # block o keeps output o's errors
        stalled = search.record(_weighted(wrong, masks, weights), patience,
                                np.bitwise_count(wrong).sum(axis=(1, 2)))
        if search.found[1] == 0:
            return (*search.found, step)
        search.theta[stalled] = rng.integers(0, 2, (len(stalled), q))
        sens = broadcast_stack(bwd(*out[:k], *cotangents)[:q], (p, m * w)).reshape(q, p, m, w)
        fix = _weighted(sens & wrong, masks, weights).T
        against = _weighted(sens & ~wrong, masks, weights).T
        search.theta ^= VOTES[vote](fix, against, rng)
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
            patience: int = 600, rate: float = 0.1, check: int = 25):
    """Adam on the relaxed network, rounded and checked in Z2 every ``check`` steps.

    The parameters are ``sigmoid(logits)``: one ``sigmoid`` over all the logits of the
    population (P, Q), whose lens is composed with the network's (the chain rule between
    the two is lens composition, done on arrays).  The update is the ``put`` of the Adam
    optimizer lens of :mod:`catlearn.learning.optim` (fed ``-gradient``, as adaptive
    optimizers expect); a restarted member's moments are reset, the step count is shared.
    Returns ``(theta, errors, steps)``.

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
            if search.found[1] == 0:
                return (*search.found, step)
            logits[stalled] = rng.normal(0.0, 1.0, (len(stalled), q))
            moment[stalled], square[stalled] = 0.0, 0.0
    return (*search.found, steps)


# -- learning a target, output by output or all at once --------------------------------

METHODS = {"rda": rda, "relaxed": relaxed}


@dataclass(frozen=True)
class LearnResult:
    """What :func:`learn` found: the netlist (the target's port names) and how well it fits.

    ``accuracy`` is the fraction of rows with every output right; ``gates`` counts the
    ``.names`` of the simplified netlist that are not plain buffers; ``steps`` is the
    total number of updates over every network tried.
    """

    netlist: Netlist
    exact: bool
    accuracy: float
    gates: int
    steps: int
    seconds: float
    method: str

    def __repr__(self) -> str:
        return (f"LearnResult({self.netlist.name} by {self.method}: "
                f"{'exact' if self.exact else 'not exact'}, accuracy {self.accuracy:.4f}, "
                f"{self.gates} gates, {self.steps} steps, {self.seconds:.2f} s)")


@dataclass(frozen=True)
class _Plan:
    """How to fit: the method, the network sizes to try and their update budget."""

    method: Callable
    steps: int
    sizes: tuple
    seed: int
    choices: int
    options: dict
    say: Callable


def _fit(plan: _Plan, table: Table, stage: int):
    """Networks of growing size until one fits exactly: ``(net, theta, errors, steps)``."""
    best, used = None, 0
    for attempt, (gates, layers) in enumerate(plan.sizes):
        seed = [plan.seed, stage, attempt]
        net = GateNetwork.random(len(table.inputs), len(table.outputs), gates, layers,
                                 plan.choices, int(np.random.default_rng(seed).integers(2**31)))
        start = time.perf_counter()
        budget = max(100, plan.steps * gates // max(g for g, _ in plan.sizes))
        theta, errs, steps = plan.method(net, table, np.random.default_rng(seed),
                                         steps=budget, **plan.options)
        used += steps
        plan.say(f"  {gates} gates x {layers} layers: {errs} wrong bits after {steps} steps "
                 f"({time.perf_counter() - start:.1f} s)")
        if best is None or errs < best[2]:
            best = (net, theta, errs)
        if errs == 0:
            return (net, prune(net, theta, table), 0, used)
    return (*best, used)


def _stage_gates(net, theta, names, output: str, prefix: str) -> list[Gate]:
    """One stage's simplified gates, its internal wires renamed apart from the others."""
    stage = net.netlist(theta, "stage", names, [output])
    renamed = {g.output: g.output if g.output == output else prefix + g.output
               for g in stage.gates}
    return [Gate(renamed[g.output], tuple(renamed.get(s, s) for s in g.inputs), g.cover)
            for g in stage.gates]


def _staged(plan: _Plan, table: Table) -> tuple[list[Gate], int]:
    """Each output by its own network, reading the inputs and every wire learned before.

    Outputs go in order; one that no network fits exactly waits once for the others
    (whose wires may help it), then keeps its best fit.
    """
    names, words, gates, used = list(table.inputs), table.x, [], 0
    queue, waited = list(range(len(table.outputs))), set()
    while queue:
        o = queue.pop(0)
        output = table.outputs[o]
        plan.say(f"output {o + 1}/{len(table.outputs)} ({output}):")
        stage = Table(table.name, tuple(names), (output,), words, table.y[o:o + 1],
                      table.n_rows, table.valid)
        net, theta, errs, steps = _fit(plan, stage, o + len(table.outputs) * (o in waited))
        used += steps
        if errs and queue and o not in waited:
            plan.say(f"  {output} waits for the other outputs")
            queue.append(o)
            waited.add(o)
            continue
        new = _stage_gates(net, theta, names, output, f"_s{o}")
        values = Netlist("stage", tuple(names), tuple(g.output for g in new),
                         tuple(new)).evaluate(words)
        names += [g.output for g in new]
        words = np.vstack([words, values])
        gates += new
    return gates, used


def _joint(plan: _Plan, table: Table) -> tuple[list[Gate], int]:
    """All outputs by one network."""
    net, theta, _, used = _fit(plan, table, 0)
    return list(net.netlist(theta, "joint", table.inputs, table.outputs).gates), used


def _plan(method, vote, gates, layers, scale, seed, steps, choices, population,
          progress) -> _Plan:
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}; use one of {', '.join(METHODS)}")
    if vote not in VOTES:
        raise ValueError(f"unknown vote {vote!r}; use one of {', '.join(VOTES)}")
    if layers is not None and gates is None:
        raise ValueError("layers sets the depth of a network of a given size: pass gates too")
    sizes = ((gates, layers or 4),) if gates else tuple((g * scale, l) for g, l in STAGE_SIZES)
    options = {"population": population, **({"vote": vote} if method == "rda" else {})}
    return _Plan(METHODS[method], steps or 2000, sizes, seed, choices, options,
                 progress or (lambda line: None))


def _accuracy(netlist: Netlist, table: Table) -> float:
    wrong = (netlist.evaluate(table.x) ^ table.y) & table.valid
    rows = np.bitwise_or.reduce(wrong, axis=0) if len(wrong) else table.valid & ZEROS
    return 1.0 - int(np.bitwise_count(rows).sum()) / table.n_rows


def learn(target, method: str = "rda", gates: int | None = None, layers: int | None = None,
          seed: int = 0, steps: int | None = None, *, staged: bool | None = None,
          choices: int = 4, population: int = 64, vote: str = "majority",
          inputs=None, outputs=None, progress: Callable | None = None) -> LearnResult:
    """Learn a circuit computing ``target`` on every one of its rows.

    Args:
        target: a :class:`Netlist` or ``.blif`` path (its full truth table, up to ~16
            inputs), a 0/1 truth table of ``2**n`` rows, or ``(X, Y)`` 0/1 examples.
        method: ``'rda'`` (reverse derivative ascent in Z2) or ``'relaxed'``.
        gates, layers: size of each network (layers default to 4 with gates); by default
            networks of growing size (:data:`STAGE_SIZES`) are tried until one fits.
        seed: seeds the wiring and the search.
        steps: updates for the largest network tried (default 2000); smaller ones get
            a share in proportion to their size.
        staged: one network per output (default: when there are several outputs and no
            ``gates`` is given).
        choices: candidate wires per cell input (a power of two).
        population: searches run side by side in bit lanes.
        vote: how RDA aggregates per-example updates, ``'majority'`` or ``'xor'``.
        inputs, outputs: port names for a truth table or data.
        progress: called with a line of text as learning goes (e.g. ``print``).

    Raises:
        ValueError: a bad method or vote, a table of the wrong shape, conflicting rows,
            values other than 0/1 (the row and column are named).

    >>> result = learn(np.array([[0], [1], [1], [1]]), inputs=("a", "b"), outputs=("y",))
    >>> result.exact, result.gates, result.netlist.gates[0].cover
    (True, 1, (('00', '0'),))
    """
    table = Table.of(target, inputs, outputs)
    staged = (len(table.outputs) > 1 and gates is None) if staged is None else staged
    plan = _plan(method, vote, gates, layers, 1 if staged else len(table.outputs), seed,
                 steps, choices, population, progress)
    start = time.perf_counter()
    found, used = (_staged if staged else _joint)(plan, table)
    netlist = simplify(Netlist(table.name, table.inputs, table.outputs, tuple(found)))
    accuracy = _accuracy(netlist, table)
    count = sum(not (len(g.inputs) == 1 and g.cover == (("1", "1"),)) for g in netlist.gates)
    return LearnResult(netlist, accuracy == 1.0, accuracy, count, used,
                       time.perf_counter() - start, method)
