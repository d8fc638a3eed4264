"""Combinational netlists of BLIF ``.names`` gates, evaluated bit-parallel.

A :class:`Netlist` is a named list of primary inputs, primary outputs and gates (its cells
live in :mod:`catlearn.netlist.cells`). Each :class:`Gate` defines one signal by a sum-of-products *cover*, exactly as a BLIF
``.names`` block: rows ``(pattern, value)`` where ``pattern`` has one character per gate
input (``'1'`` the input, ``'0'`` its complement, ``'-'`` don't care). If the rows output
``'1'`` (on-set) the gate is the OR of the rows; if they output ``'0'`` (off-set) it is the
complement of that OR. An empty cover is the constant 0; the single row ``('', '1')`` is
the constant 1.

Netlists are validated on construction (every signal defined exactly once, no cycles,
covers as wide as their gate) and store their gates in topological order.

A netlist may also hold :class:`Latch` es (BLIF ``.latch``): then it is a *sequential*
circuit, a map of St(Z2) whose state is the latches' outputs (reset to their ``init``
values); :mod:`catlearn.circuits.sequential` runs it step by step.  Combinational-only
operations (``evaluate``, ``truth_table``) refuse a sequential netlist with a clear error.

Laws: ``Netlist.truth_table()`` agrees with ``Netlist.__call__`` on every row, and with
``evaluate`` on packed words (64 examples per uint64, see :mod:`catlearn.packing`).

>>> xor = Netlist.from_gates("xor2", ("a", "b"), ("y",), [("y", "xor", ("a", "b"))])
>>> xor.truth_table().ravel().tolist()
[0, 1, 1, 0]
>>> xor.gates[0].cover
(('01', '1'), ('10', '1'))
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

import numpy as np

from catlearn import display
from catlearn.netlist.cells import (MAX_TRUTH_TABLE_INPUTS, Gate, Latch, NetlistError,
                                     check_name, gate)
from catlearn.packing import pack, truth_table_inputs, unpack

@dataclass(frozen=True)
class Netlist:
    """A combinational circuit: primary inputs, primary outputs, gates in topological order.

    Args:
        name: the model name.
        inputs: primary input signals (their order is the order of ``evaluate``'s rows).
        outputs: primary output signals; each is an input or a gate output.
        gates: the gates; reordered topologically if given out of order.
        source: file name for error messages (not part of equality).

    Raises:
        NetlistError: a signal defined twice or never, a cycle, a bad cover.

    >>> Netlist("inv", ("a",), ("y",), (Gate("y", ("a",), (("0", "1"),)),))
    Netlist('inv': (a) -> (y), 1 gates)
    """

    name: str
    inputs: tuple[str, ...]
    outputs: tuple[str, ...]
    gates: tuple[Gate, ...]
    source: str | None = field(default=None, compare=False)
    latches: tuple[Latch, ...] = ()

    def __post_init__(self):
        for attr in ("inputs", "outputs", "gates", "latches"):
            object.__setattr__(self, attr, tuple(getattr(self, attr)))
        try:
            ordered = _validated_order(self)
        except NetlistError as error:
            raise NetlistError(error.detail, error.signal, error.line, self.source) from None
        object.__setattr__(self, "gates", ordered)

    @classmethod
    def from_gates(cls, name: str, inputs, outputs, specs) -> Netlist:
        """Build a netlist from simple gates ``(output, kind, inputs)``, kinds of ``GATE_KINDS``.

        >>> n = Netlist.from_gates("maj", "abc", ["m"], [
        ...     ("ab", "and", "ab"), ("bc", "and", "bc"), ("ac", "and", "ac"),
        ...     ("m", "or", ("ab", "bc", "ac"))])
        >>> n.truth_table().ravel().tolist()
        [0, 0, 0, 1, 0, 1, 1, 1]
        """
        return cls(name, tuple(inputs), tuple(outputs),
                   tuple(gate(out, kind, args) for out, kind, args in specs))

    def __repr__(self) -> str:
        def names(signals):
            shown = ", ".join(signals[:8]) + (f", ... ({len(signals)} in all)"
                                              if len(signals) > 8 else "")
            return f"({shown})"
        latches = f", {len(self.latches)} latches" if self.latches else ""
        return (f"Netlist({self.name!r}: {names(self.inputs)} -> {names(self.outputs)}, "
                f"{self.n_gates} gates{latches})")

    def _repr_svg_(self) -> str | None:
        return display.netlist_svg(self)

    def _repr_html_(self) -> str | None:
        return display.netlist_html(self)

    @property
    def is_sequential(self) -> bool:
        """True when the netlist has latches (a map of St(Z2), not of Z2)."""
        return bool(self.latches)

    def combinational(self, operation: str) -> None:
        """Refuse a combinational-only ``operation`` on a sequential netlist, saying what to use."""
        if self.latches:
            raise NetlistError(
                f"{operation} needs a combinational circuit, but {self.name!r} is sequential "
                f"({len(self.latches)} latches: "
                f"{', '.join(latch.output for latch in self.latches[:4])}"
                f"{', ...' if len(self.latches) > 4 else ''}); run it step by step with "
                f"catlearn.circuits.sequential.simulate, or compare it with "
                f"catlearn.circuits.seqequiv")

    @property
    def n_gates(self) -> int:
        """Number of gates (``.names`` blocks)."""
        return len(self.gates)

    def evaluate(self, words) -> np.ndarray:
        """Outputs (n_outputs, n_words) on packed input words (n_inputs, n_words), uint64.

        >>> xor = Netlist.from_gates("x", "ab", "y", [("y", "xor", "ab")])
        >>> xor.evaluate(pack([[0, 1], [1, 1]])).tolist()
        [[1]]
        """
        self.combinational("evaluate")
        rows, n_words = self._input_rows(words)
        env = dict(zip(self.inputs, rows))
        for g in self.gates:
            env[g.output] = g.evaluate([env[s] for s in g.inputs], n_words)
        if not self.outputs:
            return np.zeros((0, n_words), dtype=np.uint64)
        return np.stack([env[s] for s in self.outputs])

    def _input_rows(self, words) -> tuple[list[np.ndarray], int]:
        """One uint64 row per input, and the common number of words (also for 0 inputs)."""
        if isinstance(words, np.ndarray) and words.ndim == 2:
            rows, n_words = list(words.astype(np.uint64, copy=False)), words.shape[1]
        else:
            rows = [np.asarray(w, dtype=np.uint64) for w in words]
            n_words = rows[0].shape[0] if rows and rows[0].ndim == 1 else 0
        if len(rows) != len(self.inputs):
            raise ValueError(f"netlist {self.name!r} has {len(self.inputs)} inputs "
                             f"{self.inputs}, but {len(rows)} rows of words were given")
        if any(r.shape != (n_words,) for r in rows):
            raise ValueError(f"input words must be 1-D and of one length, got shapes "
                             f"{sorted({r.shape for r in rows})}")
        return rows, n_words

    def __call__(self, rows) -> np.ndarray:
        """Outputs on unpacked 0/1 rows (n, n_inputs) -> uint8 (n, n_outputs); 1-D for one row.

        >>> Netlist.from_gates("x", "ab", "y", [("y", "xor", "ab")])([1, 0]).tolist()
        [1]
        """
        arr = np.asarray(rows)
        single = arr.ndim == 1
        arr = arr.reshape(1, -1) if single else arr
        if arr.ndim != 2 or arr.shape[1] != len(self.inputs):
            raise ValueError(f"netlist {self.name!r} expects rows of {len(self.inputs)} "
                             f"inputs {self.inputs}, got shape {np.shape(rows)}")
        out = unpack(self.evaluate(pack(arr)), arr.shape[0])
        return out[0] if single else out

    def truth_table(self) -> np.ndarray:
        """All ``2**n_inputs`` output rows, uint8 (2**n, n_outputs), input 0 most significant.

        >>> Netlist.from_gates("n", "a", "y", [("y", "not", "a")]).truth_table().tolist()
        [[1], [0]]
        """
        self.combinational("a truth table")
        n = len(self.inputs)
        if n > MAX_TRUTH_TABLE_INPUTS:
            raise ValueError(f"netlist {self.name!r} has {n} inputs; truth tables are "
                             f"limited to {MAX_TRUTH_TABLE_INPUTS} (use evaluate on samples)")
        return unpack(self.evaluate(truth_table_inputs(n)), 1 << n)


def check_same_ports(a: Netlist, b: Netlist) -> None:
    """Refuse to compare two circuits whose input or output names differ (ports match by name)."""
    for what in ("inputs", "outputs"):
        if set(getattr(a, what)) != set(getattr(b, what)):
            raise ValueError(f"cannot compare {a.name!r} and {b.name!r}: their {what} differ "
                             f"({' '.join(getattr(a, what))} against "
                             f"{' '.join(getattr(b, what))}); ports are matched by name")


def _validated_order(netlist: Netlist) -> tuple[Gate, ...]:
    """Check names, definitions and uses; return the gates in topological order."""
    check_name(netlist.name, "model name")
    defined: dict[str, int | None] = {}
    for name in netlist.inputs:
        check_name(name, "input")
        if name in defined:
            raise NetlistError(f"input {name!r} is listed twice", name)
        defined[name] = None
    for latch in netlist.latches:
        if latch.output in defined:
            raise NetlistError(f"latch output {latch.output!r} is defined twice (it is "
                               f"already an input or another latch)", latch.output, latch.line)
        defined[latch.output] = latch.line
    for g in netlist.gates:
        if g.output in defined:
            first = "a primary input" if defined[g.output] is None \
                else f"defined by the gate on line {defined[g.output]}"
            raise NetlistError(f"signal {g.output!r} is defined twice (it is already "
                               f"{first})", g.output, g.line)
        defined[g.output] = g.line
    for g in netlist.gates:
        for name in g.inputs:
            if name not in defined:
                raise NetlistError(f"signal {name!r} is used by gate {g.output!r} but never "
                                   f"defined (not an input, not a gate output)", name, g.line)
    for latch in netlist.latches:
        if latch.input not in defined:
            raise NetlistError(f"latch {latch.output!r} reads signal {latch.input!r}, which "
                               f"is never defined (not an input, gate or latch output)",
                               latch.input, latch.line)
    seen = set()
    for name in netlist.outputs:
        check_name(name, "output")
        if name not in defined:
            raise NetlistError(f"output {name!r} is never defined (not an input, "
                               f"not a gate output)", name)
        if name in seen:
            raise NetlistError(f"output {name!r} is listed twice", name)
        seen.add(name)
    return _topological(netlist.gates)


def _topological(gates: tuple[Gate, ...]) -> tuple[Gate, ...]:
    """Kahn's algorithm, iterative; keeps the given order when it is already topological."""
    index = {g.output: k for k, g in enumerate(gates)}
    if _in_order(gates, index):
        return gates
    pending = [sum(s in index for s in g.inputs) for g in gates]
    users: list[list[int]] = [[] for _ in gates]
    for k, g in enumerate(gates):
        for s in g.inputs:
            if s in index:
                users[index[s]].append(k)
    queue = deque(k for k, p in enumerate(pending) if p == 0)
    order = []
    while queue:
        k = queue.popleft()
        order.append(gates[k])
        for user in users[k]:
            pending[user] -= 1
            if pending[user] == 0:
                queue.append(user)
    if len(order) < len(gates):
        _raise_cycle(gates, index, pending)
    return tuple(order)


def _in_order(gates: tuple[Gate, ...], index: dict[str, int]) -> bool:
    done = set()
    for g in gates:
        if any(s in index and s not in done for s in g.inputs):
            return False
        done.add(g.output)
    return True


def _raise_cycle(gates, index, pending) -> None:
    """Walk back through unfinished gates until a signal repeats: that is a cycle."""
    k = next(k for k, p in enumerate(pending) if p > 0)
    position: dict[int, int] = {}
    path = []
    while k not in position:
        position[k] = len(path)
        path.append(k)
        k = next(index[s] for s in gates[k].inputs if s in index and pending[index[s]] > 0)
    # the walk went from each gate to one of its inputs: reverse it to follow the data
    cycle = [gates[j].output for j in reversed(path[position[k]:])]
    shown = " -> ".join(cycle[:8] + ["..."] * (len(cycle) > 8) + [cycle[0]])
    first = gates[path[-1]]
    raise NetlistError(f"combinational cycle through signal {cycle[0]!r}: {shown}",
                       cycle[0], first.line)
