"""The JAX backend: the same programs read with ``jax.numpy`` and compiled by XLA.

A :class:`JaxBackend` is a table of rules like every backend.  Each rule takes its
forward map from a JAX kernel and its reverse derivative from the numpy backend's own
rule, which is a program of generators and so means the same thing here: ``R``, ``D``,
``Lens.R`` and ``Para`` work unchanged on a map read with ``f.to(backend)``.  The backend
runs no fused numpy kernels (``fused=False``); XLA fuses the traced rules itself.  A fused
reverse (``Rev``) inside a program built on numpy runs its generator's traced rule.

:func:`jit` compiles a map into one ``jax.jit`` function, after checking that every
generator has a JAX rule (the error names the generator and the backend, before any
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

import functools
import weakref
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np

from catlearn import smooth, z2
from catlearn.backend import Backend, Rule, kernel
from catlearn.compile import compile_map
from catlearn.core import Generator, Map, Rev

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


class JaxOps:
    """The array operations the smooth rules are written with, on ``jax.numpy``."""

    add, negative, multiply, matmul = jnp.add, jnp.negative, jnp.multiply, jnp.matmul
    exp, log, tanh, sqrt, reciprocal = jnp.exp, jnp.log, jnp.tanh, jnp.sqrt, jnp.reciprocal
    zeros_like, broadcast_to = jnp.zeros_like, jnp.broadcast_to

    @staticmethod
    def zeros(shape):
        return jnp.zeros(shape, dtype())

    @staticmethod
    def full(shape, value):
        return jnp.full(shape, value, dtype())

    @staticmethod
    def sigmoid(x):
        return 0.5 * (1.0 + jnp.tanh(0.5 * x))

    @staticmethod
    def relu(x):
        return jnp.maximum(x, 0)

    @staticmethod
    def step(x):
        return (x > 0).astype(x.dtype)

    @staticmethod
    def softmax(x):
        return jax.nn.softmax(x, axis=-1)

    @staticmethod
    def sum(x, axes):
        return x.sum(axis=axes)

    @staticmethod
    def outer(a, b):
        return a.T @ b if a.ndim == 2 else jnp.tensordot(a, b, axes=0)


@dataclass(frozen=True, eq=False)
class JaxBackend(Backend):
    """A backend whose rules are JAX kernels with the numpy backend's traced reverses.

    ``source`` is the numpy backend's table, whose reverse derivatives it reads.
    """

    source: Mapping = field(default_factory=dict)

    def rule(self, gen: Generator) -> Rule:
        try:
            return self.rules[gen.name]
        except KeyError:
            raise NotImplementedError(
                f"backend {self.name} has no JAX rule for generator {gen!r} (the numpy "
                f"backend defines it in {_owner(self.source, gen.name)}); give it one with "
                f"{__name__}.register({gen.name!r}, forward, into=backend)") from None

    @functools.cache
    def implement(self, gen: Generator) -> Callable:
        """The JAX function of ``gen``; a fused reverse runs its generator's traced rule."""
        if isinstance(gen, Rev):
            return _rev_kernel(self, gen)
        return self.rule(gen).forward(gen, self.xp)

    def has_vjp(self, gen: Generator) -> bool:
        return False


def _owner(table: dict, name: str) -> str:
    rule = table.get(name)
    return "no module" if rule is None else rule.forward.__module__


def _rev_kernel(backend: JaxBackend, gen: Rev) -> Callable:
    base, i = gen.data
    run = compile_map(backend.reverse(base))
    k, n = len(base.dom), len(base.cod)
    return lambda *a: run(*a[:k], *a[k + n:])[i]


def _check_real(wire, x, where: str):
    """A real wire takes a float array of its shape (batch first), put on the device."""
    if isinstance(x, jax.Array):
        smooth.check(wire, np.broadcast_to(np.zeros((), x.dtype), x.shape), where)
        return x if x.dtype == dtype() else x.astype(dtype())
    return jnp.asarray(smooth.check(wire, x, where), dtype())


backend = JaxBackend("JAX", {}, JaxOps, _check_real, smooth.STRUCTURE, fused=False,
                     source=smooth.RULES)


def register(name: str, forward: Callable | None = None, into: JaxBackend = backend) -> None:
    """Give the generator ``name`` a JAX rule: ``forward(gen, xp)`` (default: the numpy
    rule's own forward, when it is written with the namespace ``xp`` only) and the numpy
    rule's traced reverse derivative.

    The numpy rule must exist (its module imported) before it is read on JAX.
    """
    source = into.source
    if name not in source:
        raise ValueError(f"no numpy rule named {name!r} to read on {into.name}; import the "
                         "module that defines the generator first")
    into.register(name, Rule(forward or source[name].forward, source[name].reverse))


# the forwards of these smooth rules are written with ``xp`` only, so they read on JAX as is
PORTABLE = ("add", "neg", "mul", "zero", "zero_like", "zero_from", "constant", "scale", "shift",
            "exp", "log", "reciprocal", "sqrt", "sigmoid", "tanh", "relu", "step", "softmax",
            "sum", "expand", "batch_sum", "spread", "linear", "linear_t", "outer", "bias")
for _name in PORTABLE:
    register(_name)


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


z2_backend = JaxBackend("Z2/JAX", {}, jnp, _check_words, z2.STRUCTURE, fused=False,
                        source=z2.RULES)

Z2_FORWARD = {
    "xor": kernel(jnp.bitwise_xor),
    "and": kernel(jnp.bitwise_and),
    "not": kernel(jnp.invert),
    "parity": kernel(_parity),
    "one": _constant(1),
    "zero": _constant(0),
    "zero_like": kernel(jnp.zeros_like),
    "matvec": _matvec,
}
for _name, _forward in Z2_FORWARD.items():
    register(_name, _forward, into=z2_backend)


# -- compiling whole maps -----------------------------------------------------------


def require(f: Map) -> None:
    """Check that every generator of ``f`` has a rule on ``f``'s backend, before tracing."""
    for op in f.ops:
        f.backend.rule(op.gen.data[0] if isinstance(op.gen, Rev) else op.gen)


def on_jax(f: Map) -> Map:
    """``f`` read on the JAX backend of its numpy backend (a JAX map is returned as is)."""
    if isinstance(f.backend, JaxBackend):
        return f
    for reading in (backend, z2_backend):
        if reading.source is getattr(f.backend, "rules", None):
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
