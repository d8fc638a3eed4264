"""The two-input gate cell, written once: a 4:1 multiplexer of its truth table.

A cell with truth table ``t = (t00, t01, t10, t11)`` on inputs ``(a, b)`` is

    ``table(t, a, b) = mux(a, mux(b, t00, t01), mux(b, t10, t11))``

with ``mux(s, x, y) = x + s (y - x)``.

Its table bits choose which of the 16 two-input boolean functions (:data:`FUNCTIONS`) it
is.  Written with ``+``, ``-`` and ``*`` only, it reads in every ring that catlearn
traces: over Z2 (``+`` is XOR, ``*`` AND) it is the gate's truth table, over the reals
the multilinear relaxation (Petersen et al., arXiv 2210.08277; the input-wise
parametrisation of Rüttgers et al., arXiv 2510.03250).  Everything else is derived from
:func:`table`, here, once:

* :data:`ANF`, the matrix with ``table(t, a, b) = (t @ ANF) . (1, a, b, ab)``, read off
  :func:`table` on the four corners;
* :func:`polynomial`, :func:`slopes` and :func:`cotangent`: the cell in that form, its two
  partial derivatives, and the cotangent of its table (``dy w(a, b)``), for any ring given
  as a :class:`Ring`: the arithmetic of numbers, arrays and traced wires
  (:data:`ARITHMETIC`), or bitwise operations on packed Z2 words (:data:`WORDS`).

The layers (:mod:`catlearn.layers.logic`, :mod:`catlearn.layers.logic_z2`) and the
learnable gate networks (:mod:`catlearn.circuits.gates`) all read this cell.

>>> [table((0, 1, 1, 0), a, b) for a in (0, 1) for b in (0, 1)]       # XOR
[0, 1, 1, 0]
>>> ANF.astype(int).tolist()
[[1, -1, -1, 1], [0, 0, 1, -1], [0, 1, 0, -1], [0, 0, 0, 1]]
>>> g = anf((0.0, 1.0, 1.0, 1.0))                                     # OR
>>> polynomial(g, 0.5, 0.5), slopes(g, 0.5, 0.5)
(0.75, (0.5, 0.5))
>>> x, y, ones = 0b0011, 0b0101, 0b1111                # four examples per word; a 1 is all ones
>>> bin(polynomial(anf((0, ones, ones, 0), WORDS), x, y, WORDS))
'0b110'
"""

from __future__ import annotations

import operator
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np


def mux(s, x, y):
    """``x`` where ``s`` is 0, ``y`` where ``s`` is 1: ``x + s (y - x)``."""
    return x + s * (y - x)


def table(t, a, b):
    """The cell: truth table ``t = (t00, t01, t10, t11)`` read at ``(a, b)``."""
    return mux(a, mux(b, t[0], t[1]), mux(b, t[2], t[3]))


#: the 16 two-input functions as truth tables ``(f(0,0), f(0,1), f(1,0), f(1,1))``
FUNCTIONS = np.array([[(f >> r) & 1 for r in range(4)] for f in range(16)], dtype=float)
FUNCTIONS.flags.writeable = False


def _anf_matrix() -> np.ndarray:
    """``ANF[k]``: the monomial coefficients ``(1, a, b, ab)`` of :func:`table` on ``e_k``."""
    rows = []
    for k in range(4):
        t = [float(j == k) for j in range(4)]
        f = {(a, b): table(t, a, b) for a in (0, 1) for b in (0, 1)}
        rows.append([f[0, 0], f[1, 0] - f[0, 0], f[0, 1] - f[0, 0],
                     f[1, 1] - f[1, 0] - f[0, 1] + f[0, 0]])
    return np.array(rows)


#: ``g = t @ ANF`` are the cell's coefficients of ``1, a, b, ab``
ANF = _anf_matrix()
ANF.flags.writeable = False


@dataclass(frozen=True)
class Ring:
    """``+``, ``-`` and ``*`` of the values a cell is evaluated on."""

    add: Callable[[Any, Any], Any]
    sub: Callable[[Any, Any], Any]
    mul: Callable[[Any, Any], Any]


ARITHMETIC = Ring(operator.add, operator.sub, operator.mul)
"""Numbers, arrays and traced wires (whose ``+``, ``*`` are their backend's)."""

WORDS = Ring(operator.xor, operator.xor, operator.and_)
"""Packed Z2 words: XOR and AND, bit by bit."""


def _order(signs) -> list[int]:
    """The indices of the non-zero ``signs``, positive ones first."""
    return sorted((i for i in range(len(signs)) if signs[i]), key=lambda i: -signs[i])


def _combine(ring: Ring, terms):
    """``sum_k s_k v_k`` for signs ``s_k = +-1`` (the first sign must be +1)."""
    (sign, total), *rest = terms
    assert sign > 0
    for sign, v in rest:
        total = ring.add(total, v) if sign > 0 else ring.sub(total, v)
    return total


def anf(t, ring: Ring = ARITHMETIC) -> tuple:
    """``g = t @ ANF`` entry by entry, in ``ring``: the coefficients of ``1, a, b, ab``."""
    return tuple(_combine(ring, [(ANF[k, j], t[k]) for k in _order(ANF[:, j])])
                 for j in range(4))


def polynomial(g, a, b, ring: Ring = ARITHMETIC):
    """The cell from its coefficients ``g``: ``g0 + a (g1 + b g3) + b g2``."""
    add, mul = ring.add, ring.mul
    return add(add(g[0], mul(a, add(g[1], mul(b, g[3])))), mul(b, g[2]))


def slopes(g, a, b, ring: Ring = ARITHMETIC) -> tuple:
    """``(dy/da, dy/db) = (g1 + b g3, g2 + a g3)``."""
    return ring.add(g[1], ring.mul(b, g[3])), ring.add(g[2], ring.mul(a, g[3]))


def cotangent(dy, a, b, ring: Ring = ARITHMETIC) -> tuple:
    """The table's cotangent ``dy w_k(a, b)``: the moments ``dy (1, a, b, ab)`` times
    ``ANF^T``."""
    da = ring.mul(dy, a)
    m = (dy, da, ring.mul(dy, b), ring.mul(da, b))
    return tuple(_combine(ring, [(ANF[k, j], m[j]) for j in _order(ANF[k])]) for k in range(4))
