"""A backend: a table from generator name to its meaning and its derivative.

A :class:`Rule` gives, for one generator, the forward map (a factory taking
the generator, for its static data, and the backend's array namespace), its
reverse derivative written as a traced function of wires (so that it is
itself a map of the same category and ``R`` can be iterated), and optionally
fused kernels, one per input, computing the same reverse derivative in one
array operation.  The fused kernels are an implementation of the traced rule;
``tests/test_rules.py`` checks that the two agree on every generator.

A generator is defined in one place: one ``Rule``, registered once with
:meth:`Backend.register`.  Its forward is written against the array namespace
``xp`` it is given (an :class:`ArrayOps`: numpy, ``jax.numpy``, sympy object
arrays), so every backend that shares the table reads it: the JAX backend reads
``smooth.RULES`` and ``z2.RULES`` themselves.  Where an array library really
needs other code (a convolution by ``lax``, a scatter by ``.at[].add``), the rule
keeps that library's kernel beside the forward, in ``kernels``:
``Rule(forward, reverse, vjp, kernels={"jax": factory})``, or later with
:meth:`Backend.attach`.  ``tests/test_every_rule.py`` runs every rule on every
backend that claims it.

Nothing here knows a generator by name: the table is data.

>>> import numpy as np
>>> ops = ArrayOps(np, np.float64)
>>> ops.sigmoid(np.zeros(2)).tolist(), ops.take(np.arange(3.0), [2, 0]).tolist()
([0.5, 0.5], [2.0, 0.0])
"""

from __future__ import annotations

import dataclasses
import functools
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

from catlearn.core import Generator, Map, Rev, Ty, trace


PASS = "pass"
"""A ``vjp`` entry meaning: this input's cotangent *is* the output's cotangent.

The chain rule then reuses the cotangent wire instead of emitting an
operation (XOR and NOT in Z2, addition and shifts in Smooth).
"""


@dataclass(frozen=True)
class Rule:
    """Meaning of one generator: ``forward``, ``reverse`` and fused ``vjp``.

    ``forward(gen, xp)`` returns a function of arrays; ``reverse(gen)``
    returns a function of wires ``(*xs, *dys) -> dxs``; ``vjp`` is a tuple
    with, per input ``i``, ``vjp[i](gen, xp)`` a function
    ``(*xs, *ys, *dys) -> dx_i`` of arrays, or :data:`PASS`; ``vjp = PASS``
    says every input passes the output's cotangent through.  ``kernels`` maps an
    array library (``"jax"``) to a forward factory ``(gen, xp)`` that replaces
    ``forward`` on the backends of that library.  ``example`` optionally builds a small
    instance of the generator, which ``tests/test_every_rule.py`` runs on every backend.
    """

    forward: Callable
    reverse: Callable
    vjp: tuple | None = None
    kernels: Mapping[str, Callable] = field(default_factory=dict, compare=False)
    example: Callable[[], Generator] | None = field(default=None, compare=False)

    def forward_for(self, library: str) -> Callable:
        """The forward factory for ``library``: its own kernel, else the ``xp`` forward."""
        return self.kernels.get(library, self.forward)


class ArrayOps:
    """The array operations the rules are written with, on one array module and float type.

    ``xp`` is the array module (``numpy``, ``jax.numpy``); ``dtype`` the float type of
    new arrays (``None``: the module's default, which for JAX follows
    ``jax_enable_x64``).  Anything not defined here is the module's own function
    (``ops.take``, ``ops.stack``, ``ops.repeat``), so a forward written against ``xp``
    reads on every library.
    """

    def __init__(self, xp, dtype=None, library: str | None = None):
        self.xp, self.dtype = xp, dtype
        self.library = library or xp.__name__.split(".")[0]

    def __getattr__(self, name):
        if name in ("xp", "dtype", "library"):
            raise AttributeError(name)
        return getattr(self.xp, name)

    def __repr__(self) -> str:
        return f"ArrayOps({self.library})"

    def zeros(self, shape, dtype=None):
        return self.xp.zeros(shape, dtype or self.dtype)

    def full(self, shape, value, dtype=None):
        return self.xp.full(shape, float(value), dtype or self.dtype)

    def sigmoid(self, x):
        # through tanh: stable for any x (no overflow) and one ufunc pass
        return 0.5 * (1.0 + self.xp.tanh(0.5 * x))

    def relu(self, x):
        return self.xp.maximum(x, 0)

    def step(self, x):
        return (x > 0).astype(x.dtype)

    def softmax(self, x):
        e = self.xp.exp(x - x.max(axis=-1, keepdims=True))
        return e / e.sum(axis=-1, keepdims=True)

    def sum(self, x, axes):  # noqa: A003 - the smooth rules' name
        return x.sum(axis=axes)

    def outer(self, a, b):
        return a.T @ b if a.ndim == 2 else self.xp.tensordot(a, b, axes=0)


@dataclass(frozen=True, eq=False)
class Backend:
    """A cartesian reverse-derivative category given by a table of rules.

    ``add``, ``zero`` and ``zero_like`` name the generators of the
    left-additive structure; ``mul`` and ``neg`` those that ``*`` and unary
    ``-`` on traced wires mean; ``check`` validates an array for a wire;
    ``batch`` reads its batch size, which the inputs of one call must share.
    """

    name: str
    rules: Mapping[str, Rule]
    xp: Any
    check: Callable
    structure: Mapping[str, Callable]  # add, zero, zero_like, mul, neg, scale, shift
    fused: bool = True
    batch: Callable = lambda wire, x: None  # batch size of array x on wire (None: broadcasts)
    library: str = "numpy"  # whose kernels (Rule.kernels) this backend runs

    def __repr__(self) -> str:
        return self.name

    def register(self, name: str, rule: Rule) -> None:
        """Add the generator ``name`` to this backend's table.

        The one extension point of a backend: every generator defined outside
        the backend's own module registers here.  A name already defined by
        another module is an error, never silently replaced (re-importing the
        same module re-registers its own rule).
        """
        old = self.rules.get(name)
        if old is not None and _owner(old) != _owner(rule):
            raise ValueError(f"generator name {name!r} is already defined in backend "
                             f"{self.name} by {_owner(old)}; choose another name")
        self.rules[name] = rule

    def attach(self, name: str, library: str, forward: Callable) -> None:
        """Keep ``forward(gen, xp)`` beside the rule ``name`` as its kernel for ``library``.

        The documented way to give an existing generator a library-specific kernel
        (``smooth.backend.attach("conv2d", "jax", factory)``); every backend sharing
        this table and running ``library`` then uses it.
        """
        if name not in self.rules:
            raise ValueError(f"backend {self.name} has no generator {name!r} to attach a "
                             f"{library} kernel to; register its rule first")
        rule = self.rules[name]
        self.rules[name] = dataclasses.replace(rule, kernels={**rule.kernels, library: forward})
        self.implement.cache_clear()

    def rule(self, gen: Generator) -> Rule:
        try:
            return self.rules[gen.name]
        except KeyError:
            what = "interpretation" if self.library == "numpy" else f"{self.library.upper()} rule"
            raise NotImplementedError(
                f"backend {self.name} has no {what} for generator {gen!r}; define it "
                "once with Backend.register (a Rule whose forward is written against xp)"
            ) from None

    @functools.lru_cache(maxsize=None)
    def implement(self, gen: Generator) -> Callable:
        """The array function of ``gen``.

        A fused reverse ``R_i[g]`` runs ``g``'s fused kernel when this backend
        runs fused kernels (``fused``); otherwise (a program built in another
        backend, read here with ``Map.to``) it runs ``g``'s traced rule, whose
        generators this backend reads in its own namespace.
        """
        if not isinstance(gen, Rev):
            return self.rule(gen).forward_for(self.library)(gen, self.xp)
        base, i = gen.data
        if self.fused:
            return self.rule(base).vjp[i](base, self.xp)
        k, n = len(base.dom), len(base.cod)
        run = self.reverse(base).compiled
        return lambda *a: run(*a[:k], *a[k + n:])[i]

    def has_vjp(self, gen: Generator) -> bool:
        return self.fused and not isinstance(gen, Rev) and self.rule(gen).vjp is not None

    @functools.lru_cache(maxsize=None)
    def reverse(self, gen: Generator) -> Map:
        """``R[gen] : dom @ cod -> dom``, the generator's traced rule, as a map of this backend.

        A fused reverse ``R_i[g]`` has no rule of its own: its reverse
        derivative is ``R(catlearn.derivative.unfused(gen, backend))``.
        """
        if isinstance(gen, Rev):
            raise TypeError(f"{gen!r} is a fused reverse, not a generator of {self.name}'s "
                            "table; differentiate catlearn.derivative.unfused(gen, backend)")
        rev = self.rule(gen).reverse(gen)
        return trace(gen.dom @ gen.cod, rev, self)

    # -- the structure used by the generic constructions -------------------

    def add(self, wire) -> Generator:
        return self.structure["add"](wire)

    def zero(self, wire) -> Generator:
        return self.structure["zero"](wire)

    def zero_like(self, wire) -> Generator:
        return self.structure["zero_like"](wire)

    def zeros(self, wires: Ty, like=()) -> tuple:
        """Traced zeros of types ``wires``, batched like a batched wire of ``like``.

        ``like`` are traced wires whose batch size the zeros should take;
        with no batched one, the zeros broadcast over any batch.
        """
        batched = [v for v in like if getattr(v.type, "batched", True)]
        if batched:
            src = batched[0]
            return tuple(self.structure["zero_from"](src.type, w)(src) for w in wires)
        return tuple(self.zero(w)() for w in wires)

    def var_add(self, x, y):
        if not hasattr(y, "builder"):
            return _apply_or_pass(self.structure["shift"](x.type, y), x)
        return self.add(x.type)(x, y)

    def var_mul(self, x, y):
        if not hasattr(y, "builder"):
            return _apply_or_pass(self.structure["scale"](x.type, y), x)
        return self.structure["mul"](x.type, y.type)(x, y)

    def var_neg(self, x):
        return _apply_or_pass(self.structure["neg"](x.type), x)

    # -- wiring, so that generic constructions can ask the backend ---------

    def id(self, ty: Ty) -> Map:
        return Map.id(ty, self)

    def swap(self, a: Ty, b: Ty) -> Map:
        return Map.swap(a, b, self)

    def copy(self, a: Ty, n: int = 2) -> Map:
        return Map.copy(a, self, n)

    def discard(self, a: Ty) -> Map:
        return Map.discard(a, self)


def kernel(fn: Callable) -> Callable:
    """A rule's array factory for ``fn``, which needs neither the generator nor ``xp``."""
    return lambda gen, xp: fn


def _owner(rule: Rule) -> str:
    # the traced reverse is always a function written by the rule's author
    return getattr(rule.reverse, "__module__", None) or "?"


def _apply_or_pass(gen, x):
    """Apply ``gen``; ``None`` stands for the identity (``-x = x`` and ``1 x = x`` in Z2)."""
    return x if gen is None else gen(x)
