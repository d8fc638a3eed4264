"""A suite of sequential targets: seeded random Moore and Mealy machines, counters, a detector.

Each target is a complete :class:`~catlearn.circuits.automata.Mealy` machine with port
names, written as a circuit with latches by :func:`~catlearn.circuits.seqsynth.encode`
(binary codes unless the target has its own, as the detector's shift register does):

* :func:`random_machine`: a random transition table over ``states`` states (every state
  reachable from reset, the machine minimal), outputs per state (Moore) or per transition
  (Mealy);
* :func:`counter`: a ``bits``-bit up counter with enable (Moore, outputs the count);
* :func:`updown_counter`: a ``bits``-bit counter with enable and direction;
* :func:`detector`: a detector of a bit pattern (Mealy: 1 at the step the pattern ends),
  built as a shift register of the last ``len(pattern) - 1`` inputs, so it has more
  latches than its minimal machine needs.

:func:`suite` lists the targets that :mod:`benchmarks.seq_suite` learns, at most 4 latches
and 16 reachable states each; ``circuits/sequential/make_machines.py`` writes them as BLIF.

>>> t = counter(2)
>>> t.machine.run([1, 1, 0, 1, 1]), minimal(t.machine).n_states
([0, 1, 2, 2, 3], 4)
>>> [len(t.netlist().latches) for t in (counter(3), detector("1011"))]
[3, 3]
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from catlearn.circuits.automata import Mealy, minimal
from catlearn.circuits.seqsynth import binary_width, encode
from catlearn.netlist.blif import save_blif
from catlearn.netlist.netlist import Netlist

KINDS = ("moore", "mealy")


@dataclass(frozen=True)
class Target:
    """A named machine with its ports; ``codes`` (code per state, latches) or binary."""

    name: str
    machine: Mealy
    inputs: tuple
    outputs: tuple
    description: str
    codes: tuple | None = None

    def netlist(self) -> Netlist:
        """The target as a circuit with latches (reset: the code of state 0)."""
        return encode(self.machine, self.inputs, self.outputs, self.name, codes=self.codes)

    @property
    def minimal_states(self) -> int:
        return minimal(self.machine).n_states

    def __repr__(self) -> str:
        return f"Target({self.name}: {self.machine.n_states} states, {self.description})"


def _table(states: int, symbols: int, step) -> Mealy:
    """The machine ``step(state, symbol) -> (next, output)``, access words found breadth
    first."""
    delta = tuple({a: step(s, a) for a in range(symbols)} for s in range(states))
    words, queue = {0: ()}, [0]
    for s in queue:
        for a in range(symbols):
            t = delta[s][a][0]
            if t not in words:
                words[t] = words[s] + (a,)
                queue.append(t)
    return Mealy(delta, tuple(words.get(s, ()) for s in range(states)))


def random_machine(seed: int, kind: str = "moore", states: int | None = None,
                   inputs: int | None = None, outputs: int | None = None) -> Target:
    """A seeded random minimal machine, every state reachable from reset.

    Args:
        seed: the seed; kind: ``'moore'`` or ``'mealy'``.
        states: 5-16 when not given; inputs: 1-2; outputs: 1-3 (drawn from the seed).

    >>> t = random_machine(0, "mealy", states=6, inputs=2, outputs=1)
    >>> t.machine.n_states, t.minimal_states, t.inputs, len(t.netlist().latches)
    (6, 6, ('x0', 'x1'), 3)
    """
    if kind not in KINDS:
        raise ValueError(f"unknown machine kind {kind!r}; use one of {', '.join(KINDS)}")
    rng = np.random.default_rng([seed, KINDS.index(kind)])
    states = int(rng.integers(5, 17)) if states is None else states
    inputs = int(rng.integers(1, 3)) if inputs is None else inputs
    outputs = int(rng.integers(1, 4)) if outputs is None else outputs
    symbols = 1 << inputs
    for _ in range(1000):
        nexts = rng.integers(0, states, (states, symbols))
        for s in range(1, states):  # a spanning tree from reset: s entered from an earlier state
            slot = rng.integers(0, s * symbols)
            nexts[slot // symbols, slot % symbols] = s
        outs = rng.integers(0, 1 << outputs, (states, 1 if kind == "moore" else symbols))
        machine = _table(states, symbols, lambda s, a: (int(nexts[s, a]),
                                                        int(outs[s, min(a, outs.shape[1] - 1)])))
        if minimal(machine).n_states == states:
            return Target(f"{kind}_{seed}", machine, tuple(f"x{i}" for i in range(inputs)),
                          tuple(f"y{i}" for i in range(outputs)),
                          f"random {kind} machine, seed {seed}")
    raise ValueError(f"no minimal {kind} machine of {states} states found for seed {seed}")


def _count_ports(bits: int) -> tuple:
    return tuple(f"q{i}" for i in reversed(range(bits)))  # most significant first


def counter(bits: int = 3) -> Target:
    """An up counter with enable: outputs the count (reset 0), +1 after each ``en = 1``."""
    top = 1 << bits
    return Target(f"counter_en{bits}", _table(top, 2, lambda s, en: ((s + en) % top, s)),
                  ("en",), _count_ports(bits), f"{bits}-bit up counter with enable")


def updown_counter(bits: int = 3) -> Target:
    """A counter with enable and direction: ``en up``: 1 1 counts up, 1 0 down, 0 - holds."""
    top = 1 << bits

    def step(s, a):
        return (s + ((1 if a & 1 else -1) if a >> 1 else 0)) % top, s
    return Target(f"updown{bits}", _table(top, 4, step), ("en", "up"), _count_ports(bits),
                  f"{bits}-bit up/down counter with enable")


def detector(pattern: str = "1011") -> Target:
    """1 at each step whose input ends ``pattern`` (overlaps count), a shift register."""
    k, want = len(pattern) - 1, int(pattern, 2)
    top = 1 << k
    machine = _table(top, 2, lambda s, x: (((s << 1) | x) % top, int(((s << 1) | x) == want)))
    return Target(f"detect{pattern}", machine, ("x",), ("y",),
                  f"detector of the pattern {pattern}, a {k}-bit shift register",
                  (tuple(range(top)), k))


def suite() -> list[Target]:
    """The targets of the sequential suite (at most 4 latches and 16 states each)."""
    targets = [counter(3), counter(4), updown_counter(3), detector("1011")]
    targets += [random_machine(seed, kind) for kind in KINDS for seed in range(3)]
    targets += [random_machine(3, "moore", states=5), random_machine(4, "moore", states=6)]
    assert all(binary_width(t.machine.n_states) <= 4 for t in targets)
    return targets


def write_suite(folder) -> list[Path]:
    """Write every target of :func:`suite` as ``suite_<name>.blif`` in ``folder``."""
    paths = []
    for t in suite():
        path = Path(folder) / f"suite_{t.name}.blif"
        save_blif(t.netlist(), path, comment=f"{t.description}: {t.machine.n_states} states "
                  f"({t.minimal_states} minimal); written by catlearn.circuits.machines")
        paths.append(path)
    return paths
