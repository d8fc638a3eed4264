"""Bit-packed evaluation of a netlist on XLA, one vectorised step per level of gates.

The netlist's gates are sorted into levels (a gate's level is one more than its inputs'),
and the signals are renumbered so that the outputs of one level are contiguous rows, grouped
by truth table.  A level is then one gather of its gates' first inputs, one of their second
inputs, one bitwise operation per truth table present (on a contiguous slice of the gathered
rows) and one update of the level's rows: the XLA program has ``O(levels x kinds)``
operations whatever the number of gates (at most 16 kinds of two-input gate), so its
compile time grows with the depth, not the size, of the circuit.  Examples are processed in
chunks of ``chunk`` 32-bit words by a ``lax.scan``, so the signals of a chunk stay in cache.

Words are ``uint32`` on the device (a ``uint64`` word is two of them: bitwise operations do
not care how bits are grouped), so nothing depends on ``jax_enable_x64``.  jax is imported
when a program is built, never by ``import catlearn.netlist``.

Law: ``XlaEvaluator(n).evaluate(w) == native.evaluator(n).evaluate(w)``, bit for bit, for
every netlist ``n`` of gates with at most two inputs and all packed inputs ``w``
(``tests/test_xla.py``).

>>> from catlearn.netlist.netlist import Netlist
>>> from catlearn.packing import pack
>>> n = Netlist.from_gates("c", "ab", ["y", "z"], [("t", "and", "ab"), ("y", "not", "t"),
...                                               ("z", "xor", ("t", "b"))])
>>> program = levelled(n)
>>> program.depth, [[t for t, _, _ in level.kinds] for level in program.levels]
(2, [[(0, 0, 0, 1)], [(0, 1, 1, 0), (1, 1, 0, 0)]])
>>> w = pack([[1, 1], [0, 1], [1, 0]])
>>> bool((XlaEvaluator(n).evaluate(w) == n.evaluate(w)).all())
True
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from catlearn.netlist.levelled import truth_table
from catlearn.netlist.netlist import Netlist

#: truth table ``(f(0,0), f(0,1), f(1,0), f(1,1))`` of ``(a, b)`` -> the word operation,
#: written with the array namespace ``xp`` (``jax.numpy``); ``~`` is bitwise not
OPS = {
    (0, 0, 0, 1): lambda a, b, xp: a & b, (0, 0, 1, 0): lambda a, b, xp: a & ~b,
    (0, 1, 0, 0): lambda a, b, xp: ~a & b, (1, 0, 0, 0): lambda a, b, xp: ~(a | b),
    (0, 1, 1, 1): lambda a, b, xp: a | b, (1, 0, 1, 1): lambda a, b, xp: a | ~b,
    (1, 1, 0, 1): lambda a, b, xp: ~a | b, (1, 1, 1, 0): lambda a, b, xp: ~(a & b),
    (0, 1, 1, 0): lambda a, b, xp: a ^ b, (1, 0, 0, 1): lambda a, b, xp: ~(a ^ b),
    (0, 0, 1, 1): lambda a, b, xp: a, (1, 1, 0, 0): lambda a, b, xp: ~a,
    (0, 1, 0, 1): lambda a, b, xp: b, (1, 0, 1, 0): lambda a, b, xp: ~b,
    (0, 0, 0, 0): lambda a, b, xp: xp.zeros_like(a), (1, 1, 1, 1): lambda a, b, xp: ~xp.zeros_like(a),
}


@dataclass(frozen=True, eq=False)
class Level:
    """Gates whose outputs are rows ``start, start + 1, ..`` and whose inputs are rows
    ``a`` and ``b``; ``kinds``: ``(truth table, lo, hi)``, gates ``lo:hi`` of the level."""

    start: int
    a: np.ndarray
    b: np.ndarray
    kinds: tuple


@dataclass(frozen=True, eq=False)
class Program:
    """A netlist as levels over renumbered signal rows (inputs first), and its output rows."""

    n_inputs: int
    n_signals: int
    levels: tuple
    outputs: np.ndarray

    @property
    def depth(self) -> int:
        return len(self.levels)


def levelled(netlist: Netlist) -> Program:
    """The levels of ``netlist`` (gates of at most two inputs), signals renumbered."""
    n_in = max(len(netlist.inputs), 1)  # a circuit without inputs reads a row of zeros
    level = {name: 0 for name in netlist.inputs}
    by_level: dict = {}
    for g in netlist.gates:
        table = truth_table(g)
        lev = 1 + max((level[s] for s in g.inputs), default=0)
        level[g.output] = lev
        by_level.setdefault(lev, []).append((table, g))
    row = {name: k for k, name in enumerate(netlist.inputs)}
    levels = []
    for lev in sorted(by_level):
        gates = sorted(by_level[lev], key=lambda tg: tg[0])
        start, a, b, kinds = n_in + len(row) - len(netlist.inputs), [], [], []
        for k, (table, g) in enumerate(gates):
            inputs = [row[s] for s in g.inputs] or [0]
            a.append(inputs[0])
            b.append(inputs[-1])
            if not kinds or kinds[-1][0] != table:
                kinds.append([table, k, k])
            kinds[-1][2] = k + 1
        for k, (_, g) in enumerate(gates):
            row[g.output] = start + k
        levels.append(Level(start, np.array(a, np.int32), np.array(b, np.int32),
                            tuple(tuple(kind) for kind in kinds)))
    n_signals = n_in + len(row) - len(netlist.inputs)
    return Program(len(netlist.inputs), n_signals, tuple(levels),
                   np.array([row[s] for s in netlist.outputs], np.int32))


def program_function(program: Program, chunk: int):
    """``run(words, segments)``: ``(n_inputs, n_chunks * chunk) uint32 -> (n_outputs,
    n_chunks * chunk) uint32``, with ``segments`` from :func:`segments` (arguments, not
    constants: XLA compiles a small program and copies no index array into it).

    A chunk's signals are one buffer, rows in level order.  A level is one fused step:
    each gate's two rows are gathered and go through the generic two-input gate, its truth
    table as four word masks ``m`` (``0`` or all ones), ``out = m00 & ~a & ~b | m01 & ~a &
    b | m10 & a & ~b | m11 & a & b``, written in place into the level's rows.  Consecutive
    levels of the same padded width are one ``lax.scan`` over levels: the program has one
    loop per segment, whatever the number of gates and levels."""
    import jax
    import jax.numpy as jnp
    slack = max((steps_width(program.levels[k]) for k in range(program.depth)), default=0)

    def rows(signals, index):
        # a row-slice gather: XLA copies whole rows (``signals[index]`` gathers element
        # by element on the CPU, 3-4x slower)
        return jax.vmap(lambda k: jax.lax.dynamic_slice_in_dim(signals, k, 1, 0)[0])(index)

    def level(signals, step):
        a, b, masks, start = step
        ra, rb = rows(signals, a), rows(signals, b)
        na, nb = ~ra, ~rb
        out = (masks[0] & na & nb) | (masks[1] & na & rb) | (masks[2] & ra & nb) \
            | (masks[3] & ra & rb)
        # (start, 0) in one integer type, whether or not jax_enable_x64 is on
        return jax.lax.dynamic_update_slice(signals, out, (start, jnp.zeros_like(start))), None

    def one_chunk(segments, x):
        # padding gates write past their level, into rows a later level overwrites (or
        # into the slack at the end), and are never read
        signals = jnp.zeros((program.n_signals + slack, chunk), jnp.uint32)
        signals = jax.lax.dynamic_update_slice(signals, x, (0, 0))
        for steps in segments:
            signals, _ = jax.lax.scan(level, signals, steps)
        return segments, signals[program.outputs]

    def run(words, segments):
        n_in, total = words.shape
        chunks = words.reshape(n_in, total // chunk, chunk).transpose(1, 0, 2)
        _, out = jax.lax.scan(one_chunk, segments, chunks)
        return out.transpose(1, 0, 2).reshape(len(program.outputs), total)
    return run


def padded(n: int) -> int:
    """``n`` rounded up to one of four sizes per octave (at most a third wasted)."""
    if n <= 8:
        return 8
    step = 1 << (n.bit_length() - 3)
    return -(-n // step) * step


def steps_width(level: Level) -> int:
    return padded(len(level.a))


def segments(program: Program) -> tuple:
    """Runs of consecutive levels of the same padded width, each stacked for ``lax.scan``:
    ``(a, b, masks, start)`` of shapes ``(levels, width)``, ``(levels, 4, width, 1)`` and
    ``(levels,)``: the gates' input rows, their truth tables as ``uint32`` word masks, and
    the first row of the level's outputs.  Padding gates read row 0."""
    runs, current = [], None
    for level in program.levels:
        width = steps_width(level)
        if width != current:
            runs.append([])
            current = width
        a, b = (np.zeros(width, np.int32) for _ in range(2))
        a[:len(level.a)], b[:len(level.b)] = level.a, level.b
        masks = np.zeros((4, width, 1), np.uint32)
        for t, lo, hi in level.kinds:
            masks[:, lo:hi, 0] = np.array(t, np.uint32)[:, None] * np.uint32(0xFFFFFFFF)
        runs[-1].append((a, b, masks, np.int32(level.start)))
    return tuple(tuple(np.stack(parts) for parts in zip(*steps)) for steps in runs)


class XlaEvaluator:
    """A netlist compiled by XLA: ``evaluate(words) -> outputs`` on packed ``uint64`` words.

    ``chunk``: 32-bit words per chunk (a multiple of 2; the inputs are padded to it).
    """

    def __init__(self, netlist: Netlist, chunk: int = 128):
        import jax
        if chunk < 2 or chunk % 2:
            raise ValueError(f"chunk must be an even number of 32-bit words, got {chunk}")
        self.netlist, self.chunk = netlist, chunk
        self.program = levelled(netlist)
        self.segments = jax.device_put(segments(self.program))
        self.run = jax.jit(program_function(self.program, chunk))

    def evaluate(self, words) -> np.ndarray:
        """Outputs ``(n_outputs, n_words)`` on packed inputs ``(n_inputs, n_words)``."""
        words = np.ascontiguousarray(words, dtype=np.uint64)
        n_in, n_words = words.shape
        if n_in != self.program.n_inputs:
            raise ValueError(f"netlist {self.netlist.name!r} has {self.program.n_inputs} "
                             f"inputs, got {n_in} rows of words")
        halves = words.view(np.uint32) if n_in else np.zeros((1, 2 * n_words), np.uint32)
        pad = -halves.shape[1] % self.chunk
        if pad:
            halves = np.concatenate([halves, np.zeros((len(halves), pad), np.uint32)], axis=1)
        out = np.asarray(self.run(halves, self.segments))[:, :2 * n_words]
        return np.ascontiguousarray(out).view(np.uint64)
