"""A Mealy machine as a circuit with latches: its states encoded, its logic synthesised.

:func:`encode` gives each state of a :class:`~catlearn.circuits.automata.Mealy` machine a
code of latch values, then writes the output and next-state logic as the transition table
``inputs @ state -> outputs @ next state`` of a netlist whose latches hold the code:

* ``'binary'``: state ``s`` gets code ``s`` on ``ceil(log2(states))`` latches (the fewest
  there can be); the reset state is code 0;
* ``'one-hot'``: one latch per state, the reset state's latch initialised to 1;
* explicit ``codes`` (for example the target's own latch values at each state).

Each output and next-state bit is a sum of products over the rows the machine defines;
codes no state has and transitions the machine leaves open are don't cares.  When inputs
and latches are few (:data:`EXACT_VARIABLES`) the cover is minimised with the don't cares
(Quine-McCluskey prime implicants, chosen greedily, :func:`sop`); otherwise it is one cube
per transition.  :func:`~catlearn.netlist.simplify.simplify` then folds and shares gates.

Law (``tests/test_automata.py``): the circuit's outputs from reset equal the machine's run
on every input word the machine defines.

>>> from catlearn.circuits.automata import Mealy
>>> toggle = Mealy(({0: (0, 0), 1: (1, 0)}, {0: (1, 1), 1: (0, 1)}), ((), (1,)))
>>> n = encode(toggle, ("t",), ("q",), "toggle")
>>> n.latches, sorted((g.output, g.inputs) for g in n.gates)
((Latch(_s0_next -> _s0, init 0),), [('_s0_next', ('t', '_s0')), ('q', ('_s0',))])
"""

from __future__ import annotations

from catlearn.circuits.automata import Mealy
from catlearn.netlist.netlist import Gate, Latch, Netlist
from catlearn.netlist.simplify import simplify

ENCODINGS = ("binary", "one-hot")
EXACT_VARIABLES = 12  # inputs + latches up to which covers are minimised with don't cares


def binary_width(n_states: int) -> int:
    """Latches of the binary encoding: ``ceil(log2(n_states))``.

    >>> [binary_width(n) for n in (1, 2, 5, 8, 9, 16)]
    [0, 1, 3, 3, 4, 4]
    """
    return (n_states - 1).bit_length()


def _pattern(value: int, mask: int, k: int) -> str:
    return "".join("-" if (mask >> (k - 1 - i)) & 1 else str((value >> (k - 1 - i)) & 1)
                   for i in range(k))


def _primes(cubes: set, k: int) -> set:
    """Prime implicants of the rows ``cubes`` (``(value, mask)`` pairs, mask 0): cubes
    differing in one bit merge, level by level; a cube that merges with none is prime."""
    primes = set()
    while cubes:
        merged, used = set(), set()
        for value, mask in cubes:
            for bit in (1 << i for i in range(k)):
                if not mask & bit and (value ^ bit, mask) in cubes:
                    merged.add((value & ~bit, mask | bit))
                    used.add((value, mask))
        primes |= cubes - used
        cubes = merged
    return primes


def sop(on, dc, k: int) -> list[str]:
    """A small sum-of-products cover of the rows ``on`` of ``k`` variables, free on ``dc``.

    Rows are integers, variable 0 the most significant bit.  Prime implicants of
    ``on | dc`` that cover a row of ``on``, chosen greedily (most rows left first).

    >>> sop({1, 2}, {3}, 2)
    ['-1', '1-']
    >>> sop({0, 1, 2}, set(), 2)
    ['-0', '0-']
    """
    on = set(on)
    if not on:
        return []
    if k > EXACT_VARIABLES:
        return sorted(_pattern(r, 0, k) for r in on)
    primes = _primes({(r, 0) for r in on | set(dc)}, k)
    covers = {p: {r for r in on if r & ~p[1] == p[0]} for p in primes}
    chosen, left = [], set(on)
    while left:
        best = max(covers, key=lambda p: (len(covers[p] & left), bin(p[1]).count("1"), p))
        chosen.append(_pattern(*best, k))
        left -= covers[best]
    return sorted(chosen)


def _fresh(taken: set, base: str) -> str:
    name, k = base, 0
    while name in taken:
        k += 1
        name = f"{base}{k}_"
    taken.add(name)
    return name


def _gate(name: str, signals, rows: list[str]) -> Gate:
    """A gate over the columns that some row of ``rows`` reads."""
    used = [i for i in range(len(signals)) if any(r[i] != "-" for r in rows)]
    cover = tuple(("".join(r[i] for i in used), "1") for r in rows)
    return Gate(name, tuple(signals[i] for i in used), cover)


def encode(machine: Mealy, inputs, outputs, name: str, encoding: str = "binary",
           codes=None) -> Netlist:
    """A netlist with latches that runs ``machine`` from reset.

    Args:
        machine: the Mealy machine; its input symbols are vectors over ``inputs`` and its
            output symbols vectors over ``outputs`` (port 0 the most significant bit).
        inputs, outputs: the port names; name: the model name.
        encoding: ``'binary'`` (default) or ``'one-hot'``.
        codes: ``(code per state, latches)``: an encoding of your own (overrides
            ``encoding``); codes must be distinct.

    Raises:
        ValueError: an unknown encoding, or codes that are not distinct or too wide.
    """
    inputs, outputs = tuple(inputs), tuple(outputs)
    if codes is not None:
        state_codes, k, hot = [int(c) for c in codes[0]], int(codes[1]), False
        if len(set(state_codes)) != machine.n_states or max(state_codes) >= 1 << k:
            raise ValueError(f"state codes {state_codes} are not {machine.n_states} distinct "
                             f"codes of {k} bits")
    elif encoding == "one-hot":
        state_codes, k, hot = [1 << (machine.n_states - 1 - s)
                               for s in range(machine.n_states)], machine.n_states, True
    elif encoding == "binary":
        state_codes, k, hot = list(range(machine.n_states)), binary_width(machine.n_states), \
            False
    else:
        raise ValueError(f"unknown state encoding {encoding!r}; use one of "
                         f"{', '.join(ENCODINGS)}")
    taken = set(inputs) | set(outputs)
    state = [_fresh(taken, f"_s{i}") for i in range(k)]
    nexts = [_fresh(taken, f"_s{i}_next") for i in range(k)]
    n, m = len(inputs), len(outputs)
    signals = inputs + tuple(state)
    on = {bit: set() for bit in range(m + k)}  # output bits, then next-state bits
    cubes = {bit: [] for bit in range(m + k)}
    for s, moves in enumerate(machine.delta):
        for a, (t, o) in moves.items():
            row = (a << k) | state_codes[s]
            word = (o << k) | state_codes[t]
            cube = _pattern(a, 0, n) + ("".join("1" if i == s else "-" for i in range(k))
                                        if hot else _pattern(state_codes[s], 0, k))
            for bit in range(m + k):
                if (word >> (m + k - 1 - bit)) & 1:
                    on[bit].add(row)
                    cubes[bit].append(cube)
    care = {(a << k) | state_codes[s] for s, moves in enumerate(machine.delta) for a in moves}
    free = None if hot or n + k > EXACT_VARIABLES else \
        set(range(1 << (n + k))) - care
    gates = []
    for bit, signal in enumerate(outputs + tuple(nexts)):
        rows = sorted(set(cubes[bit])) if free is None else sop(on[bit], free, n + k)
        gates.append(_gate(signal, signals, rows))
    core = simplify(Netlist(name, signals, outputs + tuple(nexts), tuple(gates)))
    init = state_codes[0]
    latches = tuple(Latch(d, q, (init >> (k - 1 - i)) & 1)
                    for i, (d, q) in enumerate(zip(nexts, state)))
    return Netlist(name, inputs, outputs, core.gates, latches=latches)
