"""Polynomial circuits over Z2 on JAX: bit-packed words and bitwise operations.

The same programs as :mod:`catlearn.z2` (``+`` is XOR, ``*`` is AND), read with
``jax.numpy``.  A wire holds packed words: ``uint64`` of shape ``(n_words,)`` under
``jax_enable_x64``, else ``uint32`` of shape ``(2, n_words)`` (the low halves of the 64-bit
words, then the high halves: the word axis stays last and contiguous, which XLA vectorises),
so a one-word parameter or constant, ``(1,)`` or ``(2, 1)``, broadcasts in both.  Bitwise
operations do not care how bits are grouped into words, so both layouts compute the
same bits; :func:`words` and :func:`from_words` convert to and from numpy's ``uint64``.

Laws: ``from_words(f.to(backend)(*words(x)))`` equals ``f(*x)`` bit for bit, and so does
every reverse derivative (``tests/test_jax_laws.py``).

>>> from catlearn import z2
>>> f = z2.and_().to(backend)
>>> x = z2.pack([[1, 1], [1, 0], [0, 1]])
>>> z2.unpack([from_words(f(*x)[0])], 3).ravel().tolist()
[1, 0, 0]
"""

from __future__ import annotations

import functools

import numpy as np

from catlearn import z2
from catlearn.jax_backend import JaxBackend, dtype, jax, jnp, register


def word_dtype():
    """``uint64`` under ``jax_enable_x64``, else ``uint32``."""
    return jnp.uint64 if dtype() == jnp.float64 else jnp.uint32


def words(x) -> jax.Array:
    """Packed ``uint64`` words ``(n_words,)`` as the device layout of a Z2 wire."""
    x = np.ascontiguousarray(x, dtype=np.uint64)
    if word_dtype() == jnp.uint64:
        return jnp.asarray(x)
    return jnp.asarray(np.ascontiguousarray(x.astype("<u8").view("<u4").reshape(len(x), 2).T))


def from_words(x) -> np.ndarray:
    """A Z2 wire's device words back as numpy ``uint64`` words ``(n_words,)``."""
    x = np.asarray(x)
    if x.dtype == np.uint64:
        return x
    return np.ascontiguousarray(x.T, dtype="<u4").view("<u8").reshape(-1).astype(np.uint64)


def check(wire, x, where: str):
    """A Z2 wire takes numpy ``uint64`` words (converted) or words in the device layout."""
    if isinstance(x, jax.Array):
        halves = () if word_dtype() == jnp.uint64 else (2,)
        if x.dtype != word_dtype() or x.shape[:-1] != halves or x.ndim != 1 + len(halves):
            raise ValueError(f"{where}: Z2 wires on JAX carry {np.dtype(word_dtype())} words of "
                             f"shape ({'2, ' * len(halves)}n_words), got dtype {x.dtype} "
                             f"shape {x.shape}; convert numpy words with catlearn.jax_z2.words")
        return x
    return words(z2.check(wire, x, where))


def _constant(bit: int):
    def word():
        kind = word_dtype()
        return jnp.full((1,) if kind == jnp.uint64 else (2, 1), np.iinfo(kind).max * bit, kind)
    return lambda g, xp: word


def _parity(*xs):
    return functools.reduce(jnp.bitwise_xor, xs)


def _matvec(g, xp):
    rows = [tuple(j for j, m in enumerate(row) if m) for row in g.data]

    def run(*xs):
        outs = tuple(_parity(*(xs[j] for j in row)) if row else jnp.zeros_like(xs[0])
                     for row in rows)
        return outs[0] if len(outs) == 1 else outs
    return run


def _kernel(fn):
    return lambda g, xp: fn


backend = JaxBackend("Z2/JAX", {}, jnp, check, z2.STRUCTURE, fused=False, source=z2.RULES)

FORWARD = {
    "xor": _kernel(jnp.bitwise_xor),
    "and": _kernel(jnp.bitwise_and),
    "not": _kernel(jnp.invert),
    "parity": _kernel(_parity),
    "one": _constant(1),
    "zero": _constant(0),
    "zero_like": _kernel(jnp.zeros_like),
    "matvec": _matvec,
}
for _name, _forward in FORWARD.items():
    register(_name, _forward, into=backend)
