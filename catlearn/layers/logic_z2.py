"""The Z2 reading of a logic-gate network: the layers as circuits, and the readout.

In Z2 a logic layer is one generator ``logic : Z2^(4m) @ Z2^n -> Z2^m`` (the four
truth-table bits of each gate, gate-major, then the inputs): the same cell as in Smooth,
``y = c0 (1+a)(1+b) + c1 (1+a) b + c2 a (1+b) + c3 a b`` over Z2 (the cell of
:mod:`catlearn.layers.cell`, read on words), run bit-packed on all gates at once (one
gather and six word operations per gate row, no loop over gates).  Its reverse
derivative is the chain rule of that polynomial, gate by gate.

The readout of the Smooth network (group counts, softmax) becomes a circuit: a popcount
of each class's group, then an argmax by a chain of comparators; ties go to the lower
class.  :func:`popcount_argmax` is written once over a small algebra of gates
(:class:`Algebra`) and read twice: on traced Z2 wires here, and as netlist gates in
:mod:`catlearn.circuits.classifier`.

>>> import numpy as np
>>> from catlearn import z2
>>> f = readout_map(6, 3)                  # three groups of two bits
>>> bits = [[1, 0, 1, 1, 0, 0], [0, 0, 0, 0, 1, 0], [1, 1, 1, 1, 0, 0]]
>>> z2.unpack(f(*z2.pack(bits)), 3).tolist()   # class index, least significant bit first
[[1, 0], [0, 1], [0, 0]]
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from catlearn import z2
from catlearn.backend import Rule
from catlearn.core import Generator, Map, trace, wires
from catlearn.layers import cell
from catlearn.layers.logic import wiring, wiring_for

# -- the layer ---------------------------------------------------------------------------


def _rows(words, xp=np):
    """Packed wires (one array each, some a broadcasting single word) as one array."""
    return xp.stack(xp.broadcast_arrays(*words))


def cells(c, a, b):
    """The gates on packed rows: ``c`` is ``(4, m, ...)``, ``a`` and ``b`` are ``(m, ...)``;
    the cell of :mod:`catlearn.layers.cell` on words."""
    return cell.polynomial(cell.anf(tuple(c), cell.WORDS), a, b, cell.WORDS)


def _forward(g, xp=np):
    n_in, n_out, seed = g.data
    a_idx, b_idx = wiring_for(xp, n_in, n_out, seed)

    def run(*words):
        c = _rows(words[:4 * n_out], xp)  # one word per bit, usually: not broadcast to x
        x = _rows(words[4 * n_out:], xp)
        c = c.reshape(n_out, 4, *c.shape[1:]).swapaxes(0, 1)
        out = cells(c, xp.take(x, a_idx, axis=0), xp.take(x, b_idx, axis=0))
        return out[0] if n_out == 1 else tuple(out)
    return run


def _reverse(g):
    """Gate by gate: the cell's table cotangent ``dy w(a, b)`` and its slopes, summed over
    the readers of each input (:mod:`catlearn.layers.cell` on traced Z2 wires)."""
    n_in, n_out, seed = g.data
    a_idx, b_idx = wiring(n_in, n_out, seed)

    def rev(*v):
        c, x, dy = v[:4 * n_out], v[4 * n_out:4 * n_out + n_in], v[4 * n_out + n_in:]
        dc, dx = [], [None] * n_in
        for j, (i, k) in enumerate(zip(a_idx.tolist(), b_idx.tolist())):
            a, b, d = x[i], x[k], dy[j]
            dc += cell.cotangent(d, a, b)
            for wire, slope in zip((i, k), cell.slopes(cell.anf(c[4 * j:4 * j + 4]), a, b)):
                term = d * slope
                dx[wire] = term if dx[wire] is None else dx[wire] + term
        dx = [z2.backend.zero_like(x[i].type)(x[i]) if d is None else d for i, d in enumerate(dx)]
        return (*dc, *dx)
    return rev


z2.backend.register("logic", Rule(_forward, _reverse))


def logic_gen(n_in: int, n_out: int, seed: int) -> Generator:
    """``logic : Z2^(4 n_out) @ Z2^n_in -> Z2^n_out``."""
    return Generator("logic", z2.bits(4 * n_out + n_in), z2.bits(n_out), (n_in, n_out, seed))


def logic_map(n_in: int, n_out: int, seed: int = 0) -> Map:
    """The Z2 logic layer as a map (parameters first)."""
    return Map.gen(logic_gen(n_in, n_out, seed), z2.backend)


# -- the readout, over an algebra of gates -------------------------------------------------


@dataclass(frozen=True)
class Algebra:
    """AND, XOR and NOT over some kind of signal; 0 and 1 are Python ints and fold away."""

    and_: Callable[[Any, Any], Any]
    xor: Callable[[Any, Any], Any]
    not_: Callable[[Any], Any]

    def AND(self, x, y):
        if isinstance(x, int) or isinstance(y, int):
            return (y if x else 0) if isinstance(x, int) else (x if y else 0)
        return self.and_(x, y)

    def XOR(self, x, y):
        if isinstance(x, int) and isinstance(y, int):
            return x ^ y
        if isinstance(x, int) or isinstance(y, int):
            const, other = (x, y) if isinstance(x, int) else (y, x)
            return self.not_(other) if const else other
        return self.xor(x, y)

    def NOT(self, x):
        return 1 - x if isinstance(x, int) else self.not_(x)

    def mux(self, s, x, y):
        """``x`` where ``s`` else ``y``."""
        return self.XOR(y, self.AND(s, self.XOR(x, y)))


def _add(alg: Algebra, x: list, y: list) -> list:
    """Ripple-carry sum of two little-endian numbers."""
    width = max(len(x), len(y))
    x, y = x + [0] * (width - len(x)), y + [0] * (width - len(y))
    out, carry = [], 0
    for a, b in zip(x, y):
        t = alg.XOR(a, b)
        out.append(alg.XOR(t, carry))
        carry = alg.XOR(alg.AND(a, b), alg.AND(carry, t))  # the two terms are disjoint
    return out + [carry]


def popcount(alg: Algebra, bits: list) -> list:
    """The number of ones among ``bits``, little-endian, by a balanced adder tree."""
    if len(bits) <= 1:
        return list(bits) or [0]
    half = len(bits) // 2
    total = _add(alg, popcount(alg, bits[:half]), popcount(alg, bits[half:]))
    width = len(bits).bit_length()
    return total[:width]


def greater(alg: Algebra, x: list, y: list):
    """``x > y`` for little-endian numbers of one width."""
    gt = 0
    for a, b in zip(x, y):
        gt = alg.XOR(alg.AND(a, alg.NOT(b)), alg.AND(alg.NOT(alg.XOR(a, b)), gt))
    return gt


def index_width(k: int) -> int:
    """Bits of a class index among ``k`` classes (at least one)."""
    return max(1, (k - 1).bit_length())


def popcount_argmax(alg: Algebra, bits: list, k: int) -> list:
    """The little-endian index of the group (of ``k`` equal groups) with most ones."""
    size = len(bits) // k
    counts = [popcount(alg, bits[i * size:(i + 1) * size]) for i in range(k)]
    width = index_width(k)
    best, index = counts[0], [0] * width
    for i in range(1, k):
        take = greater(alg, counts[i], best)
        best = [alg.mux(take, u, v) for u, v in zip(counts[i], best)]
        index = [alg.mux(take, (i >> j) & 1, v) for j, v in enumerate(index)]
    return index


Z2_WIRES = Algebra(lambda x, y: x * y, lambda x, y: x + y, lambda x: x + 1)


def readout_map(m: int, k: int) -> Map:
    """``Z2^m -> Z2^w``: popcount-and-argmax of ``k`` groups, the class index in ``w`` bits."""
    if k < 2 or m % k:
        raise ValueError(f"the readout needs k >= 2 groups dividing the {m} gates, got k={k}")

    def run(*xs):
        out = popcount_argmax(Z2_WIRES, list(xs), k)
        return tuple((z2.one() if v else z2.zero())() if isinstance(v, int) else v
                     for v in out)
    return trace(z2.bits(m), lambda *xs: wires(run(*xs)), z2.backend)
