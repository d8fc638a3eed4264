"""Fast bit-packed evaluation of a netlist of gates with at most two inputs.

The gates are sorted into levels (a gate's level is one more than its inputs'), and the
gates of one level are grouped by truth table: one level-group is then a gather of its
two input rows, one or two word operations, and a scatter, whatever the number of gates.
Inputs are processed in chunks of ``chunk`` words (64 examples each), so the signal
array of a large circuit stays in cache.

Laws: ``Levelled(n).evaluate(w) == n.evaluate(w)`` for every netlist ``n`` of gates with
at most two inputs and all packed inputs ``w`` (``tests/test_logic_export.py``).

>>> from catlearn.netlist.netlist import Netlist
>>> from catlearn.packing import pack
>>> n = Netlist.from_gates("c", "ab", ["y", "z"], [("t", "and", "ab"), ("y", "not", "t"),
...                                               ("z", "xor", ("t", "b"))])
>>> Levelled(n).evaluate(pack([[1, 1], [0, 1]])).tolist() == n.evaluate(pack([[1, 1], [0, 1]])).tolist()
True
"""

from __future__ import annotations

import numpy as np

from catlearn.netlist.netlist import Gate, Netlist

_ONES = ~np.uint64(0)


def _and(a, b):
    return np.bitwise_and(a, b, out=a)


def _or(a, b):
    return np.bitwise_or(a, b, out=a)


def _xor(a, b):
    return np.bitwise_xor(a, b, out=a)


def _not(a):
    return np.invert(a, out=a)


#: truth table ``(f(0,0), f(0,1), f(1,0), f(1,1))`` -> word operation on the gathered rows
OPS = {
    (0, 0, 0, 1): _and, (0, 0, 1, 0): lambda a, b: _and(a, _not(b)),
    (0, 1, 0, 0): lambda a, b: _and(_not(a), b), (1, 0, 0, 0): lambda a, b: _not(_or(a, b)),
    (0, 1, 1, 1): _or, (1, 0, 1, 1): lambda a, b: _or(a, _not(b)),
    (1, 1, 0, 1): lambda a, b: _or(_not(a), b), (1, 1, 1, 0): lambda a, b: _not(_and(a, b)),
    (0, 1, 1, 0): _xor, (1, 0, 0, 1): lambda a, b: _not(_xor(a, b)),
    (0, 0, 1, 1): lambda a, b: a, (1, 1, 0, 0): lambda a, b: _not(a),
    (0, 1, 0, 1): lambda a, b: b, (1, 0, 1, 0): lambda a, b: _not(b),
    (0, 0, 0, 0): lambda a, b: np.zeros_like(a), (1, 1, 1, 1): lambda a, b: np.full_like(a, _ONES),
}


def truth_table(g: Gate) -> tuple[int, int, int, int]:
    """The gate as a function of two inputs ``(a, b)`` (a one-input gate reads ``a`` twice)."""
    if len(g.inputs) > 2:
        raise ValueError(f"gate {g.output!r} has {len(g.inputs)} inputs; the levelled "
                         "evaluator takes gates of at most two")
    table = []
    for r in range(4):
        bits = ((r >> 1) & 1, r & 1)[:len(g.inputs)] if len(g.inputs) == 2 else (r >> 1,) * len(g.inputs)
        hit = any(all(c == "-" or int(c) == v for c, v in zip(pattern, bits))
                  for pattern, _ in g.cover)
        table.append(int(hit != g.is_offset))
    return tuple(table)


class Levelled:
    """A netlist compiled into level-groups ``(truth table, outputs, a rows, b rows)``."""

    def __init__(self, netlist: Netlist, chunk: int = 64):
        self.netlist, self.chunk = netlist, chunk
        index = {name: k for k, name in enumerate(netlist.inputs)}
        level = {name: 0 for name in netlist.inputs}
        groups: dict = {}
        for g in netlist.gates:
            rows = [index[s] for s in g.inputs] or [0]
            rows = rows * (3 - len(rows)) if len(rows) < 2 else rows
            lev = 1 + max((level[s] for s in g.inputs), default=0)
            index[g.output], level[g.output] = len(index), lev
            groups.setdefault((lev, truth_table(g)), []).append((index[g.output], *rows[:2]))
        self.n_signals = len(index)
        self.steps = [(OPS[t], *(np.array(c, dtype=np.intp) for c in zip(*members)))
                      for (_, t), members in sorted(groups.items())]
        self.outputs = np.array([index[s] for s in netlist.outputs], dtype=np.intp)

    def evaluate(self, words) -> np.ndarray:
        """Outputs ``(n_outputs, n_words)`` on packed inputs ``(n_inputs, n_words)``."""
        words = np.asarray(words, dtype=np.uint64)
        n_in, total = words.shape
        out = np.empty((len(self.outputs), total), dtype=np.uint64)
        signals = np.empty((self.n_signals, min(self.chunk, total) or 1), dtype=np.uint64)
        for start in range(0, total, self.chunk):
            width = min(self.chunk, total - start)
            s = signals[:, :width]
            s[:n_in] = words[:, start:start + width]
            for op, outs, a, b in self.steps:
                s[outs] = op(s[a], s[b])
            out[:, start:start + width] = s[self.outputs]
        return out
