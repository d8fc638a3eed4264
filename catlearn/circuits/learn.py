"""Learning boolean circuits exactly from truth tables or 0/1 data.

:func:`learn` fits a :class:`~catlearn.circuits.gates.GateNetwork` to every row of a target
(a netlist's full truth table, a truth table, or ``(X, Y)`` examples) by one of two methods,
both reading the same traced network:

* ``'rda'``, reverse derivative ascent in Z2 (:func:`catlearn.circuits.search.rda`,
  votes aggregated by a rule of :data:`catlearn.circuits.rda.VOTES`);
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
from catlearn.circuits.netlist import Gate, Netlist
from catlearn.circuits.rda import vote_rule
from catlearn.circuits.search import METHODS
from catlearn.circuits.simplify import simplify
from catlearn.circuits.table import ZEROS, Table

ZOO = Path(__file__).resolve().parents[2] / "circuits"
STAGE_SIZES = ((4, 2), (8, 3), (16, 4), (24, 5), (32, 6))  # (gates, layers), tried in turn


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
    vote_rule(vote, "vote")
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
          choices: int = 4, population: int = 64, vote: str = "greedy",
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
        vote: how RDA aggregates per-example updates, a rule of
            :data:`catlearn.circuits.rda.VOTES` (``'greedy'``, ``'majority'``, ``'xor'``).
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
