"""Smooth maps read as sympy expressions: print ``R(f)`` and ``D(f)`` of any composite.

The Symbolic backend uses the Smooth backend's table of rules with sympy in
place of numpy: arrays of sympy expressions, a batch axis of length one on
data wires.  It never uses fused kernels, so ``R(f)`` is built from the
generators' reverse derivatives as written in :mod:`catlearn.smooth`, and
what it prints is what the chain rule computes.  A program built in Smooth,
whose fused reverses ``R_i[g]`` are numpy kernels, reads here with each fused
reverse run by ``g``'s traced rule (:meth:`catlearn.backend.Backend.implement`).

>>> from catlearn import smooth, symbolic, R
>>> f = smooth.sigmoid(1) >> smooth.scale(2.0, 1)
>>> symbolic.formulas(R(f), ["x", "dy"])
[0.5*dy0/cosh(x0/2)**2]
>>> symbolic.formulas(R(smooth.relu(1)), ["x", "dy"])
[dy0*Heaviside(x0, 0)]
"""

from __future__ import annotations

import numpy as np
import sympy

from catlearn import smooth
from catlearn.backend import ArrayOps, Backend
from catlearn.core import Map


def _elementwise(fn):
    ufunc = np.frompyfunc(fn, 1, 1)
    return lambda x: np.asarray(ufunc(x), dtype=object)


def _keep_array(ufunc):
    """numpy ufuncs on 0-d object arrays return bare sympy numbers; keep arrays."""
    return staticmethod(lambda *xs: np.asarray(ufunc(*xs), dtype=object))


class SympyOps(ArrayOps):
    """The array operations of :class:`catlearn.backend.ArrayOps`, on sympy object arrays."""

    add, negative, multiply, matmul = map(_keep_array, (np.add, np.negative, np.multiply,
                                                        np.matmul))
    exp, log, tanh, sqrt = (staticmethod(_elementwise(f))
                            for f in (sympy.exp, sympy.log, sympy.tanh, sympy.sqrt))
    reciprocal = staticmethod(_elementwise(lambda a: 1 / a))
    sigmoid = staticmethod(_elementwise(lambda a: 1 / (1 + sympy.exp(-a))))
    relu = staticmethod(_elementwise(lambda a: sympy.Max(0, a)))
    step = staticmethod(_elementwise(lambda a: sympy.Heaviside(a, 0)))
    broadcast_to = staticmethod(np.broadcast_to)

    def __init__(self):
        super().__init__(np, object, "sympy")

    @staticmethod
    def zeros(shape):
        return np.full(shape, sympy.Integer(0), dtype=object)

    @staticmethod
    def zeros_like(x):
        return np.full(np.shape(x), sympy.Integer(0), dtype=object)

    @staticmethod
    def full(shape, value):
        return np.full(shape, sympy.nsimplify(value), dtype=object)

    @staticmethod
    def softmax(x):
        e = SympyOps.exp(x)
        return e / e.sum(axis=-1, keepdims=True)

    @staticmethod
    def sum(x, axes):  # noqa: A003 - the smooth rules' name
        return np.asarray(x.sum(axis=axes), dtype=object)

    @staticmethod
    def outer(a, b):
        return a.T @ b if a.ndim == 2 else np.multiply.outer(a, b)


def check(wire, x, where: str):
    """Accept arrays of expressions with the wire's shape (batch axis of length 1)."""
    x = np.asarray(x, dtype=object)
    want = (1,) * wire.batched + wire.shape
    if x.shape != want:
        raise ValueError(f"{where}: expected shape {want}, got {x.shape}")
    return x


backend = Backend("Symbolic", smooth.RULES, SympyOps(), check, smooth.STRUCTURE, fused=False,
                  library="sympy")


def symbols(wire, name: str) -> np.ndarray:
    """An array of fresh symbols for a wire, ``name0, name1, ...``."""
    size = int(np.prod(wire.shape, dtype=int))
    flat = sympy.symbols(f"{name}0:{size}") if size > 1 else (sympy.Symbol(f"{name}0"),)
    return np.array(flat, dtype=object).reshape((1,) * wire.batched + wire.shape)


def default_names(f: Map) -> list[str]:
    """Symbol prefixes for the input wires of ``f``: ``x, y, z, u, v, ...``."""
    letters = "xyzuvabcdefghijklmnopqrst"
    return [letters[i] if i < len(letters) else f"in{i}_" for i in range(len(f.dom))]


def evaluate(f: Map, names=None) -> tuple[np.ndarray, ...]:
    """Run ``f`` on fresh symbols; one simplified expression array per output wire.

    ``names`` gives one symbol prefix per input wire (default
    :func:`default_names`); wire ``x`` of shape ``(2,)`` becomes ``x0, x1``.
    """
    f = f.to(backend)
    names = names or default_names(f)
    if len(names) != len(f.dom):
        raise ValueError(f"{len(names)} names for {len(f.dom)} input wires ({f.dom})")
    inputs = [symbols(w, n) for w, n in zip(f.dom, names)]
    simplify = np.vectorize(sympy.simplify, otypes=[object])
    return tuple(simplify(y) for y in f(*inputs))


def formulas(f: Map, names=None) -> list:
    """The outputs of ``f`` as one flat list of simplified sympy expressions.

    For ``R(g)`` the input wires are ``g``'s inputs then the output
    cotangents: ``formulas(R(g), ["x", "dy"])``.
    """
    return [e for y in evaluate(f, names) for e in np.ravel(y)]


def _lift(name):
    def constructor(*args, **kwargs) -> Map:
        return getattr(smooth, name)(*args, **kwargs).to(backend)
    constructor.__name__ = name
    constructor.__doc__ = f"``smooth.{name}`` read symbolically."
    return constructor


(identity, copy, discard, swap, adder, constant, scale, negate, multiply, linear, bias,
 sum, exp, log, sigmoid, tanh, relu, softmax, sqrt, reciprocal) = map(_lift, (  # noqa: A001
    "identity", "copy", "discard", "swap", "adder", "constant", "scale", "negate", "multiply",
    "linear", "bias", "sum", "exp", "log", "sigmoid", "tanh", "relu", "softmax", "sqrt",
    "reciprocal"))
