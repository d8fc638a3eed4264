"""Polynomial circuits over Z2, evaluated bit-packed.

Every wire carries one bit per example; a batch of examples is packed 64 per
``uint64`` word (:func:`pack`), so one numpy operation evaluates a gate on
64 examples per word.  ``+`` is XOR, ``*`` is AND, ``-x = x``.  A wire may
also hold a single word (shape ``(1,)``), which broadcasts: that is how
parameters and constants enter.

The reverse derivative of a polynomial circuit (Wilson, Zanasi, arXiv
2101.10488) is the chain rule over Z2; it agrees with the derivative of the
boolean function for multilinear circuits, not in general: ``R[x * x](1, 1)
= 0`` while ``R[x](1, 1) = 1`` (``tests/test_z2.py`` documents it).

>>> from catlearn import z2, R
>>> f = z2.and_()
>>> words = z2.pack([[1, 1], [1, 0], [0, 1]])
>>> z2.unpack(f(*words), 3).ravel().tolist()
[1, 0, 0]
>>> dz = z2.pack([[1], [1], [1]])
>>> z2.unpack(R(f)(*words, *dz), 3).tolist()
[[1, 1], [0, 1], [1, 0]]
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from catlearn.backend import PASS, ArrayOps, Backend, Rule
from catlearn.packing import pack as _pack_rows, unpack as _unpack_rows
from catlearn.core import Generator, Map, Ty, trace
from catlearn.core import generator as _g

ONES = np.array([np.iinfo(np.uint64).max], dtype=np.uint64)
ZEROS = np.array([0], dtype=np.uint64)


@dataclass(frozen=True)
class Bit:
    """The wire type ``Z2``: one bit per example, bit-packed."""

    def __repr__(self) -> str:
        return "Z2"


BIT = Bit()


def bits(n: int) -> Ty:
    """``Z2 @ ... @ Z2`` (n wires)."""
    return Ty(*[BIT] * n)


def pack(rows) -> list[np.ndarray]:
    """0/1 examples ``(n_examples, n_wires)`` to one packed word array per wire.

    Anything but 0 and 1 is refused with the position of the first bad value.
    """
    return list(_pack_rows(rows))


def unpack(words, n: int) -> np.ndarray:
    """One word array per wire back to 0/1 examples ``(n, n_wires)``."""
    words = [np.broadcast_to(w, (max(len(v) for v in words),)) for w in words] if words else []
    return _unpack_rows(np.array(words).reshape(len(words), -1), n)


def check(wire, x, where: str):
    """A Z2 wire takes a 1-d uint64 array of packed words."""
    x = np.asarray(x)
    if x.dtype != np.uint64 or x.ndim != 1:
        raise ValueError(f"{where}: Z2 wires carry bit-packed uint64 words of shape "
                         f"(n_words,), got dtype {x.dtype} shape {x.shape}; "
                         "use catlearn.z2.pack on 0/1 data")
    return x


XOR, AND, NOT, ONE, ZERO, ZERO_LIKE = (
    _g("xor", bits(2), bits(1)), _g("and", bits(2), bits(1)), _g("not", bits(1), bits(1)),
    _g("one", (), bits(1)), _g("zero", (), bits(1)), _g("zero_like", bits(1), bits(1)))

STRUCTURE = {
    "add": lambda w: XOR,
    "mul": lambda w, v: AND,
    "neg": lambda w: None,
    "zero": lambda w: ZERO,
    "zero_like": lambda w: ZERO_LIKE,
    "zero_from": lambda w, v: ZERO_LIKE,
    "scale": lambda w, c: None if int(c) % 2 else ZERO_LIKE,
    "shift": lambda w, c: NOT if int(c) % 2 else None,
}


class Words(ArrayOps):
    """Bitwise operations on packed words of an array module, and one-word constants.

    ``word(bit)`` is a word of ``bit`` s that broadcasts against any batch: numpy's
    ``ONES``/``ZEROS`` here; the JAX backend's words depend on its layout
    (:mod:`catlearn.jax_backend`), so it passes its own ``word``.
    """

    def __init__(self, xp, word, library=None):
        super().__init__(xp, None, library)
        self.word = word


def _parity(*xs):
    out = xs[0]
    for x in xs[1:]:
        out = out ^ x  # not in place: a one-word constant broadcasts against a batch
    return out


def _matvec_kernel(g, xp):
    rows = [tuple(j for j, m in enumerate(row) if m) for row in g.data]

    def run(*xs):
        outs = tuple(_parity(*(xs[j] for j in row)) if row else xp.zeros_like(xs[0])
                     for row in rows)
        return outs[0] if len(outs) == 1 else outs
    return run


# every forward is written against the word namespace ``xp`` (a Words): numpy and JAX alike
RULES = {
    "xor": Rule(lambda g, xp: xp.bitwise_xor, lambda g: lambda x, y, dz: (dz, dz), (PASS, PASS)),
    "and": Rule(lambda g, xp: xp.bitwise_and, lambda g: lambda x, y, dz: (dz * y, dz * x),
                (lambda g, xp: lambda x, y, z, dz: dz & y,
                 lambda g, xp: lambda x, y, z, dz: dz & x)),
    "not": Rule(lambda g, xp: xp.invert, lambda g: lambda x, dz: dz, (PASS,)),
    "parity": Rule(lambda g, xp: _parity, lambda g: lambda *v: (v[-1],) * (len(v) - 1),
                   PASS),
    "one": Rule(lambda g, xp: lambda: xp.word(1), lambda g: lambda dz: ()),
    "zero": Rule(lambda g, xp: lambda: xp.word(0), lambda g: lambda dz: ()),
    "zero_like": Rule(lambda g, xp: xp.zeros_like, lambda g: lambda x, dz: ZERO_LIKE(x),
                      (lambda g, xp: lambda x, y, dz: xp.zeros_like(x),)),
    "matvec": Rule(_matvec_kernel,
                   lambda g: lambda *v: wires_of(matvec(_transpose(g.data))(*v[len(g.dom):]))),
}


def wires_of(result) -> tuple:
    return result if isinstance(result, tuple) else (result,)


def _transpose(m: tuple) -> tuple:
    return tuple(zip(*m)) if m else ()


def batch(wire, x) -> int | None:
    """The number of words on a wire; a one-word wire broadcasts (``None``)."""
    return len(x) if len(x) != 1 else None


WORDS = Words(np, lambda bit: ONES if bit else ZEROS)
backend = Backend("Z2", RULES, WORDS, check, STRUCTURE, batch=batch)


# -- constructors --------------------------------------------------------------


def _map(gen: Generator) -> Map:
    return Map.gen(gen, backend)


def xor() -> Map:
    """``x + y`` (XOR)."""
    return _map(XOR)


def and_() -> Map:
    """``x * y`` (AND)."""
    return _map(AND)


def not_() -> Map:
    """``1 + x`` (NOT)."""
    return _map(NOT)


def one() -> Map:
    """The constant ``1 : 1 -> Z2``."""
    return _map(ONE)


def zero() -> Map:
    """The constant ``0 : 1 -> Z2``."""
    return _map(ZERO)


def identity(n: int = 1) -> Map:
    return Map.id(bits(n), backend)


def copy(n: int = 1, k: int = 2) -> Map:
    return Map.copy(bits(n), backend, k)


def discard(n: int = 1) -> Map:
    return Map.discard(bits(n), backend)


def swap(n: int = 1, m: int = 1) -> Map:
    return Map.swap(bits(n), bits(m), backend)


def parity(n: int) -> Map:
    """``x1 + ... + xn`` in one operation."""
    if n < 1:
        raise ValueError(f"parity needs at least one input, got {n}")
    return _map(_g("parity", bits(n), bits(1)))


def matvec(matrix) -> Map:
    """The GF(2)-linear map ``x |-> M x`` for a constant 0/1 matrix ``M`` (m x n).

    Its reverse derivative is ``M^T`` applied to the cotangent: the dagger.
    """
    m = tuple(tuple(int(v) % 2 for v in row) for row in np.asarray(matrix, dtype=int))
    if not m or not m[0]:
        raise ValueError("matvec needs a non-empty matrix")
    return _map(Generator("matvec", bits(len(m[0])), bits(len(m)), m))


def matvec_param(m: int, n: int) -> Map:
    """``(P : m*n bits row-major, x : n bits) |-> P x`` over GF(2), parameters as wires."""
    def run(*v):
        p, x = v[:m * n], v[m * n:]
        outs = []
        for i in range(m):
            terms = [p[i * n + j] * x[j] for j in range(n)]
            outs.append(parity(n)(*terms))
        return tuple(outs)
    return trace(bits(m * n + n), run, backend)
