"""Smooth maps between real vector spaces, on numpy arrays.

Data wires (:class:`Real` with ``batched=True``, written ``R^n``) carry a
leading batch axis; parameter wires (``batched=False``, written ``P^n``)
do not, and the reverse derivative of a generator that meets a parameter
sums over the batch.  float64 is the default; float32 arrays stay float32.

Each generator is defined by one :class:`~catlearn.backend.Rule`: its
forward map, right next to its reverse derivative written with the other
generators (so ``R`` iterates), and fused numpy kernels for the first-order
reverse pass.

Naming rule: a **Map** constructor has no suffix and takes sizes
(``exp(2)``, ``linear(2, 1)``, ``adder(3)``, ``sum(3)``): it is what models are
built from.  A **Generator** constructor ends in ``_gen`` and takes wire types
(``add_gen(w)``, ``sum_gen(w)``, ``linear_gen(W, x)``): it is the vocabulary
the rules' reverse derivatives are written in.

>>> import numpy as np
>>> from catlearn import smooth, R
>>> f = smooth.linear(2, 1)
>>> W, x, dy = np.array([[1.0, 2.0]]), np.array([[3.0, 4.0]]), np.array([[1.0]])
>>> f(W, x)[0].tolist()
[[11.0]]
>>> [d.tolist() for d in R(f)(W, x, dy)]
[[[3.0, 4.0]], [[1.0, 2.0]]]
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from catlearn.backend import PASS, ArrayOps, Backend, Rule, kernel
from catlearn.core import Generator, Map, Ty
from catlearn.core import generator as _g


@dataclass(frozen=True)
class Real:
    """The wire type ``R^shape``: batched data, or an unbatched parameter."""

    shape: tuple = ()
    batched: bool = True

    def __repr__(self) -> str:
        letter = "R" if self.batched else "P"
        return f"{letter}^{'x'.join(map(str, self.shape))}" if self.shape else letter


def real(n=(), batched: bool = True) -> Real:
    """``Real`` from an int, a shape, or a ``Real`` (returned as it is)."""
    if isinstance(n, Real):
        return n
    return Real(tuple(n) if isinstance(n, (tuple, list)) else (n,), batched)


# -- array namespaces: numpy here, jax.numpy in catlearn.jax_backend, sympy in symbolic --

NumpyOps = ArrayOps(np, np.float64)
"""The array operations the smooth rules are written with, on numpy (float64 new arrays)."""


# -- the wire-level structure (used by the generic constructions) ------------


def _unbatched(w: Real) -> Real:
    return Real(w.shape, False)


STRUCTURE = {
    "add": lambda w: _g("add", (w, w), (w,)),
    "neg": lambda w: _g("neg", (w,), (w,)),
    "mul": lambda w, v: _g("mul", (w, v), (w if w.batched or not v.batched else v,)),
    "zero": lambda w: _g("zero", (), (w,)),
    "zero_like": lambda w: _g("zero_like", (w,), (w,)),
    "zero_from": lambda w, v: _g("zero_from", (w,), (v,)),
    "scale": lambda w, c: _g("scale", (w,), (w,), float(c)),
    "shift": lambda w, c: _g("shift", (w,), (w,), float(c)),
}
add_gen, neg_gen, zero_gen, zero_like_gen = (
    STRUCTURE[k] for k in ("add", "neg", "zero", "zero_like"))


def mul_gen(w, v=None) -> Generator:
    """Elementwise product (an unbatched factor broadcasts over the batch)."""
    return STRUCTURE["mul"](w, v or w)


def _spread_over(xp, z, x, wire):
    """``z`` (one number per example) copied over the entries of ``x`` on ``wire``.

    The result has the broadcast shape of both, so a batch axis on either side is kept: a
    constant's array carries none (it broadcasts), while the cotangent reaching it does.
    """
    z = z.reshape(z.shape + (1,) * len(wire.shape))
    return xp.broadcast_to(z, np.broadcast_shapes(z.shape, x.shape))


def _sum_axes(w: Real) -> tuple:
    return tuple(range(-len(w.shape), 0))


def _unbroadcast(dx, w: Real):
    """The cotangent of a wire that was broadcast over the batch."""
    return batch_sum_gen(dx.type)(dx) if dx.type.batched and not w.batched else dx


def _rev_mul(g):
    a, b = g.dom

    def rev(x, y, dz):
        return _unbroadcast(dz * y, a), _unbroadcast(dz * x, b)
    return rev


def _vjp_mul(i):
    def factory(g, xp):
        w = g.dom[i]
        if w.batched or not g.cod[0].batched:
            return lambda x, y, z, dz: dz * (y if i == 0 else x)
        return lambda x, y, z, dz: (dz * (y if i == 0 else x)).sum(axis=0)
    return factory


RULES = {
    "add": Rule(lambda g, xp: xp.add, lambda g: lambda x, y, dz: (dz, dz), (PASS, PASS)),
    "neg": Rule(lambda g, xp: xp.negative, lambda g: lambda x, dz: -dz,
                (kernel(lambda x, y, dz: -dz),)),
    "mul": Rule(lambda g, xp: xp.multiply, _rev_mul, (_vjp_mul(0), _vjp_mul(1))),
    "zero": Rule(lambda g, xp: lambda: xp.zeros(g.cod[0].shape), lambda g: lambda dz: ()),
    "zero_like": Rule(lambda g, xp: xp.zeros_like, lambda g: lambda x, dz: zero_like_gen(x.type)(x),
                      (lambda g, xp: lambda x, y, dz: xp.zeros_like(x),)),
    "zero_from": Rule(lambda g, xp: lambda x: xp.zeros(
                          x.shape[:g.dom[0].batched] * g.cod[0].batched + g.cod[0].shape),
                      lambda g: lambda x, dz: zero_like_gen(x.type)(x),
                      (lambda g, xp: lambda x, y, dz: xp.zeros_like(x),)),
    "constant": Rule(lambda g, xp: lambda: xp.full(g.cod[0].shape, g.data),
                     lambda g: lambda dz: ()),
    "scale": Rule(lambda g, xp: lambda x: g.data * x, lambda g: lambda x, dz: g.data * dz,
                  (lambda g, xp: lambda x, y, dz: g.data * dz,)),
    "shift": Rule(lambda g, xp: lambda x: x + g.data, lambda g: lambda x, dz: dz, (PASS,)),
    "exp": Rule(lambda g, xp: xp.exp, lambda g: lambda x, dy: dy * exp(x.type)(x),
                (kernel(lambda x, y, dy: dy * y),)),
    "log": Rule(lambda g, xp: xp.log, lambda g: lambda x, dy: dy * reciprocal(x.type)(x),
                (kernel(lambda x, y, dy: dy / x),)),
    "reciprocal": Rule(lambda g, xp: xp.reciprocal,
                       lambda g: lambda x, dy: _neg_sq(dy, reciprocal(x.type)(x)),
                       (kernel(lambda x, y, dy: -dy * y * y),)),
    "sqrt": Rule(lambda g, xp: xp.sqrt,
                 lambda g: lambda x, dy: 0.5 * dy * reciprocal(x.type)(sqrt(x.type)(x)),
                 (kernel(lambda x, y, dy: 0.5 * dy / y),)),
    "sigmoid": Rule(lambda g, xp: xp.sigmoid, lambda g: lambda x, dy: _dsigmoid(x, dy),
                    (kernel(lambda x, y, dy: dy * y * (1 - y)),)),
    "tanh": Rule(lambda g, xp: xp.tanh, lambda g: lambda x, dy: _dtanh(x, dy),
                 (kernel(lambda x, y, dy: dy * (1 - y * y)),)),
    "relu": Rule(lambda g, xp: xp.relu, lambda g: lambda x, dy: dy * step(x.type)(x),
                 (kernel(lambda x, y, dy: dy * (x > 0)),)),
    "step": Rule(lambda g, xp: xp.step, lambda g: lambda x, dy: zero_like_gen(x.type)(x),
                 (lambda g, xp: lambda x, y, dy: xp.zeros_like(x),)),
    "softmax": Rule(lambda g, xp: xp.softmax, lambda g: lambda x, dy: _dsoftmax(x, dy),
                    (kernel(lambda x, y, dy: y * (dy - (y * dy).sum(axis=-1, keepdims=True))),)),
    "sum": Rule(lambda g, xp: lambda x: xp.sum(x, _sum_axes(g.dom[0])),
                lambda g: lambda x, dz: expand_gen(x.type)(dz, x),
                (lambda g, xp: lambda x, y, dz: _spread_over(xp, dz, x, g.dom[0]),)),
    "expand": Rule(lambda g, xp: lambda z, x: _spread_over(xp, z, x, g.dom[1]),
                   lambda g: lambda z, x, dy: (sum_gen(g.dom[1])(dy), zero_like_gen(x.type)(x))),
    "batch_sum": Rule(lambda g, xp: lambda x: xp.sum(x, 0),
                      lambda g: lambda x, dz: spread_gen(x.type)(dz, x),
                      (lambda g, xp: lambda x, y, dz: xp.broadcast_to(dz, x.shape),)),
    "spread": Rule(lambda g, xp: lambda z, x: xp.broadcast_to(z, x.shape),
                   lambda g: lambda z, x, dy: (batch_sum_gen(x.type)(dy),
                                               zero_like_gen(x.type)(x))),
    "linear": Rule(lambda g, xp: lambda W, x: x @ W.T,
                   lambda g: lambda W, x, dy: (outer_gen(dy.type, x.type)(dy, x),
                                               linear_t_gen(W.type, dy.type)(W, dy)),
                   (lambda g, xp: lambda W, x, y, dy: xp.outer(dy, x),
                    kernel(lambda W, x, y, dy: dy @ W))),
    "linear_t": Rule(lambda g, xp: lambda W, u: u @ W,
                     lambda g: lambda W, u, dv: (outer_gen(u.type, dv.type)(u, dv),
                                                 linear_gen(W.type, dv.type)(W, dv)),
                     (lambda g, xp: lambda W, u, v, dv: xp.outer(u, dv),
                      kernel(lambda W, u, v, dv: dv @ W.T))),
    "bias": Rule(lambda g, xp: lambda b, x: x + b,
                 lambda g: lambda b, x, dy: (batch_sum_gen(dy.type)(dy), dy),
                 (kernel(lambda b, x, y, dy: dy.sum(axis=0) if dy.ndim > b.ndim else dy), PASS)),
    "outer": Rule(lambda g, xp: xp.outer,
                  lambda g: lambda a, b, dW: (linear_gen(dW.type, b.type)(dW, b),
                                              linear_t_gen(dW.type, a.type)(dW, a)),
                  (kernel(lambda a, b, W, dW: b @ dW.T), kernel(lambda a, b, W, dW: a @ dW))),
}


def _neg_sq(dy, r):
    return -(dy * r * r)


def _dsigmoid(x, dy):
    s = sigmoid(x.type)(x)
    return dy * s * (1 - s)


def _dtanh(x, dy):
    t = tanh(x.type)(x)
    return dy * (1 - t * t)


def _dsoftmax(x, dy):
    s = softmax(x.type)(x)
    sd = s * dy
    return sd - s * expand_gen(x.type)(sum_gen(x.type)(sd), s)


def _pointwise(name):
    def constructor(n=()) -> Map:
        return Map.gen(_g(name, (real(n),), (real(n),)), backend)
    constructor.__name__ = name
    constructor.__doc__ = f"The pointwise map ``{name} : R^n -> R^n``."
    return constructor


exp, log, reciprocal, sqrt, sigmoid, tanh, relu, step = map(_pointwise, (
    "exp", "log", "reciprocal", "sqrt", "sigmoid", "tanh", "relu", "step"))


def softmax(n=()) -> Map:
    """Softmax ``R^n -> R^n`` of a vector wire (its reverse sums over that one axis)."""
    w = real(n)
    if len(w.shape) != 1:
        raise ValueError(f"softmax is defined on vector wires R^n, got {w!r}")
    return Map.gen(_g("softmax", (w,), (w,)), backend)


def sum_gen(w: Real) -> Generator:
    """Sum over the feature axes: ``R^shape -> R`` (batch kept)."""
    return _g("sum", (w,), (Real((), w.batched),))


def expand_gen(w: Real) -> Generator:
    """``(z : R, x : R^shape) -> z`` broadcast to the shape of ``x``."""
    return _g("expand", (Real((), w.batched), w), (w,))


def batch_sum_gen(w: Real) -> Generator:
    """Sum over the batch: ``R^shape -> P^shape``."""
    return _g("batch_sum", (w,), (_unbatched(w),))


def spread_gen(w: Real) -> Generator:
    """``(p : P^shape, x : R^shape) -> p`` repeated along the batch of ``x``."""
    return _g("spread", (_unbatched(w), w), (w,))


def linear_gen(W: Real, x: Real) -> Generator:
    return _g("linear", (W, x), (Real(W.shape[:1], x.batched),))


def linear_t_gen(W: Real, u: Real) -> Generator:
    return _g("linear_t", (W, u), (Real(W.shape[1:], u.batched),))


def outer_gen(a: Real, b: Real) -> Generator:
    return _g("outer", (a, b), (Real(a.shape + b.shape, False),))


def check(wire: Real, x, where: str):
    """Validate (and convert to float) an array for a wire, or say what is wrong."""
    x = np.asarray(x)
    if x.dtype.kind in "biu":
        x = x.astype(np.float64)
    elif x.dtype.kind != "f":
        raise ValueError(f"{where}: expected a float array, got dtype {x.dtype}")
    want = ("batch",) * wire.batched + wire.shape
    if x.ndim != len(want) or x.shape[wire.batched:] != wire.shape:
        raise ValueError(f"{where}: expected shape ({', '.join(map(str, want))}), "
                         f"got {x.shape}")
    return x


def batch(wire: Real, x) -> int | None:
    """The batch size of an array on a data wire (``None`` on a parameter wire)."""
    return x.shape[0] if wire.batched else None


backend = Backend("Smooth", RULES, NumpyOps, check, STRUCTURE, batch=batch)


# -- constructors: each a Map of this backend ---------------------------------


def _map(gen: Generator) -> Map:
    return Map.gen(gen, backend)


def identity(n=()) -> Map:
    """``id : R^n -> R^n``."""
    return Map.id(Ty(real(n)), backend)


def copy(n=(), k: int = 2) -> Map:
    """``copy : R^n -> R^n @ R^n``."""
    return Map.copy(Ty(real(n)), backend, k)


def discard(n=()) -> Map:
    """``discard : R^n -> 1``."""
    return Map.discard(Ty(real(n)), backend)


def swap(n=(), m=()) -> Map:
    """``swap : R^n @ R^m -> R^m @ R^n``."""
    return Map.swap(Ty(real(n)), Ty(real(m)), backend)


def adder(n=()) -> Map:
    """``add : R^n @ R^n -> R^n``."""
    return _map(add_gen(real(n)))


def constant(value: float, n=(), batched: bool = True) -> Map:
    """``1 -> R^n``, every entry ``value``.

    A map with no input cannot know the batch size: on a batched wire the
    array has no batch axis and broadcasts against any batch (use
    ``batched=False`` for a parameter-typed constant, e.g. in ``reparam``).
    """
    return _map(_g("constant", (), (real(n, batched),), float(value)))


def scale(c: float, n=()) -> Map:
    """``x |-> c x``."""
    return _map(STRUCTURE["scale"](real(n), c))


def negate(n=()) -> Map:
    """``x |-> -x``."""
    return _map(neg_gen(real(n)))


def multiply(n=()) -> Map:
    """Elementwise product ``R^n @ R^n -> R^n``."""
    return _map(mul_gen(real(n)))


def linear(n_in: int, n_out: int) -> Map:
    """``(W : P^(n_out x n_in), x : R^n_in) |-> W x``: a matrix on a parameter wire."""
    return _map(linear_gen(Real((n_out, n_in), False), real(n_in)))


def bias(n) -> Map:
    """``(b : P^n, x : R^n) |-> x + b``."""
    w = real(n)
    return _map(_g("bias", (_unbatched(w), w), (w,)))


def sum(n) -> Map:  # noqa: A001 - the papers call this generator sum
    """``R^n -> R``, the sum of the entries (batch kept)."""
    return _map(sum_gen(real(n)))

