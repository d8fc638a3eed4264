"""Learning boolean circuits exactly from truth tables or 0/1 data.

:func:`learn` fits a :class:`~catlearn.circuits.gates.GateNetwork` to every row of a target
(a netlist's full truth table, a truth table, or ``(X, Y)`` examples) by one of two methods,
both reading the same traced network:

* ``'rda'``, reverse derivative ascent in Z2 (:func:`catlearn.circuits.search.rda`,
  votes aggregated by a rule of :data:`catlearn.learning.rda.VOTES`);
* ``'relaxed'``, Adam on the multilinear relaxation of the same network in Smooth
  (:func:`catlearn.circuits.search.relaxed`).

Multi-output targets are learned output by output (``staged``): each output gets a small
network whose candidate wires are the inputs and every wire already learned, so a ripple
adder's carries are found once and reused.  After an exact fit, each cell is tried in every
configuration and one that leaves fewer gates is kept (:func:`~catlearn.circuits.gates.prune`),
and the netlist is simplified (constants, buffers, inverters folded).

>>> result = learn(ZOO / "full_adder.blif", seed=0)
>>> result.exact, result.netlist.inputs, result.netlist.outputs
(True, ('a', 'b', 'cin'), ('s', 'cout'))
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np

from catlearn.circuits.gates import GateNetwork, prune
from catlearn.netlist.netlist import Gate, Netlist
from catlearn.learning.rda import vote_rule
from catlearn.circuits.search import METHODS
from catlearn.netlist.simplify import simplify
from catlearn.circuits.stages import (focused_network, is_truth_table, projection, sampled,
                                      stage_table, supports)
from catlearn.circuits.table import ZEROS, Table

ZOO = Path(__file__).resolve().parents[2] / "circuits"
STAGE_SIZES = ((4, 2), (8, 3), (16, 4), (24, 5), (32, 6))  # (gates, layers), tried in turn
RECENCY = 4.0  # a learned wire one stage older is drawn this many times less often
OLD_INPUT = 0.5  # the weight of a primary input that entered a support before the last stage


# -- learning a target, output by output or all at once --------------------------------


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
    """How to fit: the method, the network sizes to try, their update budget, and the
    time (``time.perf_counter()``) after which the searches stop (None: no limit)."""

    method: Callable
    steps: int
    sizes: tuple
    seed: int
    choices: int
    options: dict
    say: Callable
    deadline: float | None = None

    def out_of_time(self) -> bool:
        return self.deadline is not None and time.perf_counter() > self.deadline


def _network(plan: _Plan, table: Table, size, seed, weights) -> GateNetwork:
    gates, layers = size
    wiring = int(np.random.default_rng(seed).integers(2**31))
    if weights is None or np.ptp(weights) == 0:  # uniform: the plain random wiring
        return GateNetwork.random(len(table.inputs), len(table.outputs), gates, layers,
                                  plan.choices, wiring)
    return focused_network(weights, len(table.outputs), gates, layers, plan.choices, wiring)


def _fit(plan: _Plan, table: Table, stage: int, weights=None, first: int = 0):
    """Networks of growing size, from ``plan.sizes[first]``, until one fits exactly:
    ``(net, theta, errors, steps, size index)``, or None when time ran out before any was
    tried.  ``weights``: the candidate weights of the primary wires
    (:func:`~catlearn.circuits.stages.focused_network`)."""
    best, used = None, 0
    for attempt in range(first, len(plan.sizes)):
        gates, layers = plan.sizes[attempt]
        if plan.out_of_time():
            break
        seed = [plan.seed, stage, attempt]
        net = _network(plan, table, (gates, layers), seed, weights)
        start = time.perf_counter()
        budget = max(100, plan.steps * gates // max(g for g, _ in plan.sizes))
        theta, errs, steps = sampled(plan.method, net, table, np.random.default_rng(seed),
                                     budget, deadline=plan.deadline, **plan.options)
        used += steps
        plan.say(f"  {gates} gates x {layers} layers: {errs} wrong bits of "
                 f"{table.n_rows} rows after {steps} steps ({time.perf_counter() - start:.1f} s)")
        if best is None or errs < best[2]:
            best = (net, theta, errs, attempt)
        if errs == 0:
            return (net, prune(net, theta, table), 0, used, attempt)
    return None if best is None else (*best[:3], used, best[3])


def _stage_gates(net, theta, names, output: str, prefix: str) -> list[Gate]:
    """One stage's simplified gates, its internal wires renamed apart from the others."""
    stage = net.netlist(theta, "stage", names, [output])
    renamed = {g.output: g.output if g.output == output else prefix + g.output
               for g in stage.gates}
    return [Gate(renamed[g.output], tuple(renamed.get(s, s) for s in g.inputs), g.cover)
            for g in stage.gates]


def _constant(table: Table, o: int) -> list[Gate]:
    """Output ``o`` as the constant it most often is (what is left when time ran out)."""
    ones = int(np.bitwise_count(table.y[o] & table.valid).sum())
    return [Gate(table.outputs[o], (), (("", "1"),) if 2 * ones > table.n_rows else ())]


@dataclass
class _Wires:
    """The wires a stage may read: names, packed values, supports and birth stages."""

    names: list
    words: np.ndarray
    support: list
    born: list
    inputs: int
    stages: int = 0

    def pool(self, support) -> tuple[list[int], np.ndarray]:
        """The wires inside ``support`` and their weights: ``RECENCY**-age`` for learned
        wires; 1 for a primary input new to the supports or first read by the last
        stage, ``OLD_INPUT`` for an older one (inputs are never starved)."""
        pool = [w for w, s in enumerate(self.support) if s <= support]
        age = np.array([max(0, self.stages - 1 - self.born[w]) if self.born[w] is not None
                        else 0 for w in pool], dtype=float)
        primary = np.array(pool) < self.inputs
        return pool, np.where(primary, np.where(age > 0, OLD_INPUT, 1.0), RECENCY ** -age)

    def add(self, gates: list[Gate], support, full: bool, n: int) -> None:
        values = Netlist("stage", tuple(self.names), tuple(g.output for g in gates),
                         tuple(gates)).evaluate(self.words)
        self.support += supports(values, n) if full else [support] * len(gates)
        self.born += [self.stages] * len(gates)
        for i in support:
            if self.born[i] is None:
                self.born[i] = self.stages
        self.names += [g.output for g in gates]
        self.words = np.vstack([self.words, values])
        self.stages += 1


def _retry(plan: _Plan, stage: Table, o: int, m: int, weights, first: int):
    """A waited output's second chance: candidates drawn uniformly from the smallest size,
    then, if that does not fit, focused again on new wirings; the better fit."""
    fits = [_fit(plan, stage, o + m)]
    if fits[0] is not None and fits[0][2]:
        fits.append(_fit(plan, stage, o + 2 * m, weights, first))
    fits = [f for f in fits if f is not None]
    if not fits:
        return None
    best = min(fits, key=lambda f: f[2])
    return (*best[:3], sum(f[3] for f in fits), best[4])


def _staged(plan: _Plan, table: Table) -> tuple[list[Gate], int]:
    """Each output by its own network, reading the inputs and every wire learned before
    that lies inside the output's support, weighed by recency, on the rows that the
    support spans (:mod:`catlearn.circuits.stages`).

    Outputs go smallest support first; one that no network fits exactly waits once for
    the others (whose wires may help it), then has a second chance (:func:`_retry`) and
    keeps its best fit.  A stage starts one size below the
    size that fitted the stage before it.
    """
    n, m, full = len(table.inputs), len(table.outputs), is_truth_table(table)
    every = frozenset(range(n))
    wanted = supports(table.y, n) if full else [every] * m
    wires = _Wires(list(table.inputs), table.x, supports(table.x, n) if full else [
        frozenset({i}) for i in range(n)], [None] * n, n)
    queue, waited, gates, used = sorted(range(m), key=lambda o: len(wanted[o])), set(), [], 0
    first = 0
    while queue:
        o = queue.pop(0)
        plan.say(f"output {o + 1}/{m} ({table.outputs[o]}), support of "
                 f"{len(wanted[o])} inputs:")
        pool, weights = wires.pool(wanted[o])
        rows = projection(wanted[o], n) if full and wanted[o] != every else None
        stage = stage_table(table, wires.words, wires.names, pool, o, rows)
        fit = _retry(plan, stage, o, m, weights, first) if o in waited else \
            _fit(plan, stage, o, weights, first)
        if fit is None:
            plan.say(f"  out of time: {table.outputs[o]} is a constant")
            gates += _constant(table, o)
            continue
        net, theta, errs, steps, size = fit
        used += steps
        if errs and queue and o not in waited and not plan.out_of_time():
            plan.say(f"  {table.outputs[o]} waits for the other outputs")
            queue.append(o)
            waited.add(o)
            continue
        new = _stage_gates(net, theta, [wires.names[w] for w in pool], table.outputs[o],
                           f"_s{o}")
        wires.add(new, wanted[o], full, n)
        gates += new
        first = max(0, size - 1) if errs == 0 else first
    return gates, used


def _joint(plan: _Plan, table: Table) -> tuple[list[Gate], int]:
    """All outputs by one network."""
    fit = _fit(plan, table, 0)
    if fit is None:
        return [g for o in range(len(table.outputs)) for g in _constant(table, o)], 0
    net, theta, _, used, _ = fit
    return list(net.netlist(theta, "joint", table.inputs, table.outputs).gates), used


def _plan(method, vote, gates, layers, scale, seed, steps, choices, population,
          progress, deadline) -> _Plan:
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}; use one of {', '.join(METHODS)}")
    vote_rule(vote, "vote")
    if layers is not None and gates is None:
        raise ValueError("layers sets the depth of a network of a given size: pass gates too")
    sizes = ((gates, layers or 4),) if gates else tuple((g * scale, l) for g, l in STAGE_SIZES)
    options = {"population": population, **({"vote": vote} if method == "rda" else {})}
    return _Plan(METHODS[method], steps or 2000, sizes, seed, choices, options,
                 progress or (lambda line: None), deadline)


def _accuracy(netlist: Netlist, table: Table) -> float:
    wrong = (netlist.evaluate(table.x) ^ table.y) & table.valid
    rows = np.bitwise_or.reduce(wrong, axis=0) if len(wrong) else table.valid & ZEROS
    return 1.0 - int(np.bitwise_count(rows).sum()) / table.n_rows


def learn(target, method: str = "rda", gates: int | None = None, layers: int | None = None,
          seed: int = 0, steps: int | None = None, *, staged: bool | None = None,
          choices: int = 4, population: int = 64, vote: str = "greedy",
          inputs=None, outputs=None, progress: Callable | None = None,
          time_limit: float | None = None) -> LearnResult:
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
        vote: how RDA aggregates per-example updates, a rule of
            :data:`catlearn.learning.rda.VOTES` (``'greedy'``, ``'majority'``, ``'xor'``).
        inputs, outputs: port names for a truth table or data.
        progress: called with a line of text as learning goes (e.g. ``print``).
        time_limit: seconds after which the searches stop and the best circuit found so
            far is returned (outputs not reached yet become constants).

    Raises:
        ValueError: a bad method or vote, a table of the wrong shape, conflicting rows,
            values other than 0/1 (the row and column are named).

    >>> result = learn(np.array([[0], [1], [1], [1]]), inputs=("a", "b"), outputs=("y",))
    >>> result.exact, result.gates, result.netlist.gates[0].cover
    (True, 1, (('00', '0'),))
    """
    table = Table.of(target, inputs, outputs)
    staged = (len(table.outputs) > 1 and gates is None) if staged is None else staged
    start = time.perf_counter()
    plan = _plan(method, vote, gates, layers, 1 if staged else len(table.outputs), seed,
                 steps, choices, population, progress,
                 None if time_limit is None else start + time_limit)
    found, used = (_staged if staged else _joint)(plan, table)
    netlist = simplify(Netlist(table.name, table.inputs, table.outputs, tuple(found)))
    accuracy = _accuracy(netlist, table)
    count = sum(not (len(g.inputs) == 1 and g.cover == (("1", "1"),)) for g in netlist.gates)
    return LearnResult(netlist, accuracy == 1.0, accuracy, count, used,
                       time.perf_counter() - start, method)
