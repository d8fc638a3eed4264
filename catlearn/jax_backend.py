"""The JAX backend: the same programs read with ``jax.numpy`` and compiled by XLA.

The JAX backends read the numpy backends' own tables, ``smooth.RULES`` and ``z2.RULES``:
a rule's forward is written against the array namespace ``xp`` it is given, here
:class:`~catlearn.backend.ArrayOps` on ``jax.numpy``, and its reverse derivative is a
program of generators, so it means the same thing here: ``R``, ``D``, ``Lens.R`` and
``Para`` work unchanged on a map read with ``f.to(backend)``.  A generator registered
once (``smooth.backend.register``) therefore runs here with no further step; the few
whose JAX code really differs (the convolutions, the logic layer's scatter, the pooling
mask) keep a ``"jax"`` kernel beside their numpy forward (``Rule.kernels``, or
``smooth.backend.attach(name, "jax", factory)``).  The backend runs no fused numpy
kernels (``fused=False``); XLA fuses the traced rules itself.  A fused reverse (``Rev``)
inside a program built on numpy runs its generator's traced rule.

:func:`jit` compiles a map into one ``jax.jit`` function, after checking that every
generator has a rule (the error names the generator and the backend, before any
tracing).  Real wires are ``float32`` arrays by default and ``float64`` when
``jax_enable_x64`` is set; Z2 wires are packed words (below).

Z2 on JAX (:data:`z2_backend`): the programs of :mod:`catlearn.z2` (``+`` is XOR, ``*``
is AND) on packed words: ``uint64`` of shape ``(n_words,)`` under ``jax_enable_x64``, else
``uint32`` of shape ``(2, n_words)`` (the low halves of the 64-bit words, then the high
halves: the word axis stays last and contiguous, which XLA vectorises), so a one-word
parameter or constant, ``(1,)`` or ``(2, 1)``, broadcasts in both.  Bitwise operations do
not care how bits are grouped into words, so both layouts compute the same bits;
:func:`words` and :func:`from_words` convert to and from numpy's ``uint64``.

Laws: a map and its reading on JAX agree (within float rounding on real wires, bit for
bit on Z2 words), ``f.to(backend)(x) == f(x)``, and so does every reverse derivative,
``R(f.to(backend)) == R(f).to(backend)`` (``tests/test_jax_laws.py``).

>>> import numpy as np
>>> from catlearn import R, smooth
>>> f = (smooth.exp(2) >> smooth.sigmoid(2)).to(backend)
>>> [round(float(v), 4) for v in R(f)(np.zeros((1, 2)), np.ones((1, 2)))[0][0]]
[0.1966, 0.1966]
>>> from catlearn import z2
>>> g = z2.and_().to(z2_backend)
>>> x = z2.pack([[1, 1], [1, 0], [0, 1]])
>>> z2.unpack([from_words(g(*x)[0])], 3).ravel().tolist()
[1, 0, 0]
>>> run = jit(f)
>>> str(run(np.zeros((1, 2), dtype=dtype()))[0].dtype) in ("float32", "float64")
True
"""

from __future__ import annotations

import weakref
from collections.abc import Callable

import numpy as np

from catlearn import smooth, z2
from catlearn.backend import ArrayOps, Backend
from catlearn.compile import compile_map
from catlearn.core import Map, Rev

EXTRA = "pip install 'catlearn[jax]'"


class JaxNotInstalled(ModuleNotFoundError, ValueError):
    """jax is missing: a ``ModuleNotFoundError`` (of ``jax``) by nature, a ``ValueError`` for
    the command line."""


try:
    import jax
    import jax.numpy as jnp
except ImportError as error:
    raise JaxNotInstalled(f"the JAX backend needs jax, which is not installed: {EXTRA}",
                          name="jax") from error


def dtype():
    """The float type of real wires: ``float32``, or ``float64`` under ``jax_enable_x64``."""
    return jnp.zeros(()).dtype


JaxOps = ArrayOps(jnp, None, "jax")
"""The array operations the rules are written with, on ``jax.numpy`` (new arrays in the
default float type, :func:`dtype`)."""


def _check_real(wire, x, where: str):
    """A real wire takes a float array of its shape (batch first), put on the device."""
    if isinstance(x, jax.Array):
        smooth.check(wire, np.broadcast_to(np.zeros((), x.dtype), x.shape), where)
        return x if x.dtype == dtype() else x.astype(dtype())
    return jnp.asarray(smooth.check(wire, x, where), dtype())


backend = Backend("JAX", smooth.RULES, JaxOps, _check_real, smooth.STRUCTURE, fused=False,
                  library="jax")


def register(name: str, forward: Callable, into: Backend = backend) -> None:
    """Keep ``forward(gen, xp)`` beside the rule ``name`` as its JAX kernel (where the
    ``xp`` forward does not read on JAX); the same as ``into.attach(name, "jax", forward)``.
    """
    into.attach(name, "jax", forward)


# -- Z2: packed words and bitwise operations ---------------------------------------


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


def _check_words(wire, x, where: str):
    """A Z2 wire takes numpy ``uint64`` words (converted) or words in the device layout."""
    if isinstance(x, jax.Array):
        halves = () if word_dtype() == jnp.uint64 else (2,)
        if x.dtype != word_dtype() or x.shape[:-1] != halves or x.ndim != 1 + len(halves):
            raise ValueError(f"{where}: Z2 wires on JAX carry {np.dtype(word_dtype())} words of "
                             f"shape ({'2, ' * len(halves)}n_words), got dtype {x.dtype} "
                             f"shape {x.shape}; convert numpy words with catlearn.jax_backend.words")
        return x
    return words(z2.check(wire, x, where))


def _word(bit: int):
    """A one-word constant in the device layout: ``(1,)`` uint64 or ``(2, 1)`` uint32."""
    kind = word_dtype()
    return jnp.full((1,) if kind == jnp.uint64 else (2, 1), np.iinfo(kind).max * bit, kind)


z2_backend = Backend("Z2/JAX", z2.RULES, z2.Words(jnp, _word, "jax"), _check_words,
                     z2.STRUCTURE, fused=False, library="jax")


# -- compiling whole maps -----------------------------------------------------------


def require(f: Map) -> None:
    """Check that every generator of ``f`` has a rule on ``f``'s backend, before tracing."""
    for op in f.ops:
        f.backend.rule(op.gen.data[0] if isinstance(op.gen, Rev) else op.gen)


def on_jax(f: Map) -> Map:
    """``f`` read on the JAX backend of its numpy backend (a JAX map is returned as is)."""
    if getattr(f.backend, "library", None) == "jax":
        return f
    for reading in (backend, z2_backend):
        if reading.rules is getattr(f.backend, "rules", None):
            return f.to(reading)
    raise TypeError(f"no JAX reading of the backend {f.backend!r} of {f!r}")


def function(f: Map) -> Callable:
    """The program of ``f`` (read on JAX) as a pure Python function of JAX arrays."""
    f = on_jax(f)
    require(f)
    return compile_map(f)


_JITTED: weakref.WeakKeyDictionary[Map, Callable] = weakref.WeakKeyDictionary()


def jit(f: Map) -> Callable:
    """``f`` compiled by XLA into one ``jax.jit`` function (cached per map).

    Raises ``NotImplementedError`` naming the first generator with no JAX rule.
    """
    if f not in _JITTED:
        _JITTED[f] = jax.jit(function(f))
    return _JITTED[f]
