"""Smooth generators that learning needs: batch means, fused losses, optimizer arithmetic.

Each generator is one :class:`~catlearn.backend.Rule` registered with ``smooth.backend.register``
(so the Symbolic backend reads it too): its forward map, its reverse derivative
written with other generators (so ``R`` iterates), and fused numpy kernels.

* ``batch_mean : R^s -> P^s`` and its reverse ``spread_mean : P^s @ R^s -> R^s``
  (``z / n`` along the batch): losses are batch means, so gradients are too.
* ``log_softmax : R^n -> R^n``, ``x - log sum_i exp x_i`` with a log-sum-exp shift, whose
  fused reverse reads the softmax off its output (``exp y``); ``cross_entropy : R^n @ R^n
  -> R``, ``(t, y) |-> -sum_i t_i y_i`` for log-probabilities ``y``.  Together:
  softmax cross-entropy, reverse derivative in the logits ``dl * (softmax(p) sum_i t_i - t)``,
  which is ``dl * (softmax(p) - t)`` for a label on the simplex (a one-hot, exactly).
  ``mean_cross_entropy : R^n @ R^n -> P`` is ``cross_entropy ; batch_mean`` in one
  generator, for speed.
* ``sigmoid_cross_entropy : R^n @ R^n -> R^n``, ``(t, p) |-> log(1 + e^p) - t p``
  (binary cross-entropy on logits), reverse ``(-p dl, (sigmoid(p) - t) dl)``.
* ``divide`` and ``power`` (``t |-> beta^t`` on a step-count wire) for optimizers.

>>> import numpy as np
>>> from catlearn import R, smooth
>>> from catlearn.core import Map, Ty
>>> w = smooth.Real((3,))
>>> xent = smooth.identity(3) @ Map.gen(log_softmax(w), smooth.backend) >> Map.gen(
...     cross_entropy(w), smooth.backend)
>>> t, p = np.array([[0.0, 1.0, 0.0]]), np.array([[1.0, 2.0, 3.0]])
>>> _, dp = R(xent)(t, p, np.ones(1))
>>> bool(np.allclose(dp, smooth.softmax(3)(p)[0] - t))
True
"""

from __future__ import annotations

import math

import numpy as np

from catlearn import smooth
from catlearn.backend import Rule, kernel
from catlearn.core import Generator
from catlearn.core import generator as _g
from catlearn.smooth import Real, batch_sum_gen, expand_gen, sum_gen, zero_like_gen


SCALAR = Real((), False)


def pointwise(name: str, w: Real) -> Generator:
    """The elementwise generator ``name`` (``sqrt``, ``exp``, ...) on any wire, batched or not."""
    return _g(name, (w,), (w,))


def batch_mean(w: Real) -> Generator:
    """The mean over the batch ``R^s -> P^s``."""
    return _g("batch_mean", (w,), (Real(w.shape, False),))


def spread_mean(w: Real) -> Generator:
    """``(z : P^s, x : R^s) |-> z / n`` repeated along the batch (``n`` examples) of ``x``."""
    return _g("spread_mean", (Real(w.shape, False), w), (w,))


def log_softmax(w: Real) -> Generator:
    """``x |-> x - log sum_i exp x_i`` over the last axis."""
    return _g("log_softmax", (w,), (w,))


def cross_entropy(w: Real) -> Generator:
    """``(t, y) |-> -sum_i t_i y_i``: cross-entropy of log-probabilities ``y``, per example."""
    return _g("cross_entropy", (w, w), (Real((), w.batched),))


def mean_cross_entropy(w: Real) -> Generator:
    """:func:`cross_entropy` then ``batch_mean``, fused: ``(t, y) |-> -sum t y / n``, to ``P``.

    One generator instead of three on the hot path of every classifier: its reverse
    derivative is ``-t dl / n`` without materialising per-example cotangents.
    """
    if not w.batched:
        raise TypeError(f"mean_cross_entropy averages over a batch: expected a batched wire, "
                        f"got {w!r}")
    return _g("mean_cross_entropy", (w, w), (SCALAR,))


def sigmoid_cross_entropy(w: Real) -> Generator:
    """``(t, p) |-> log(1 + exp p) - t p`` entrywise: binary cross-entropy on logits."""
    return _g("sigmoid_cross_entropy", (w, w), (w,))


def divide(a: Real, b: Real | None = None) -> Generator:
    """``(a, b) |-> a / b`` entrywise; ``b`` of the type of ``a`` or the scalar ``P``."""
    b = a if b is None else b
    if b not in (a, SCALAR):
        raise TypeError(f"divide: the denominator must have the type of the numerator {a!r} "
                        f"or be the scalar {SCALAR!r}, got {b!r}")
    return _g("divide", (a, b), (a,))


def power(beta: float, w: Real) -> Generator:
    """``t |-> beta ** t`` (``beta > 0``), e.g. on an optimizer's step count."""
    if not beta > 0:
        raise ValueError(f"power needs a positive base, got {beta}")
    return _g("power", (w,), (w,), float(beta))


# -- forward maps, written with the backend's array namespace -----------------


def _shift(x):
    """The log-sum-exp shift: the row maximum for numbers, nothing for sympy objects."""
    return 0 if x.dtype == object else x.max(axis=-1, keepdims=True)


def _log_softmax(xp):
    def run(x):
        z = x - _shift(x)
        z -= xp.log(xp.exp(z).sum(axis=-1, keepdims=True))
        return z
    return run


def _vjp_log_softmax(g, xp):
    def run(x, y, dy):
        """``dy - softmax(x) sum(dy)``, the softmax read off the output as ``exp y``."""
        s = xp.exp(y)
        s *= np.add.reduce(dy, axis=-1, keepdims=True)
        return np.subtract(dy, s, out=s)
    return run


def _bce(xp):
    # log(1 + e^p) = relu(p) + log(1 + e^-|p|): no overflow for large |p|
    return lambda t, p: xp.relu(p) + xp.log(1 + xp.exp(-(xp.relu(p) + xp.relu(-p)))) - t * p


# -- fused reverse kernels (numpy, or the backend's namespace where it differs) ----


# -- traced reverse derivatives ------------------------------------------------


def _rev_divide(g):
    wa, wb = g.dom

    def rev(a, b, dz):
        q = divide(wa, wb)(dz, b)
        return q, _reduce_to(-(q * divide(wa, wb)(a, b)), wb)
    return rev


def _reduce_to(x, w: Real):
    """Sum the cotangent ``x`` down to the wire ``w`` it was broadcast from."""
    if x.type == w:
        return x
    total = sum_gen(x.type)(x)
    return batch_sum_gen(total.type)(total) if total.type.batched else total


def _vjp_divide_b(g, xp):
    broadcast = g.dom[0] != g.dom[1]
    return lambda a, b, y, dz: (-(dz / b) * y).sum() if broadcast else -(dz / b) * y


def _rev_mean_xent(g):
    w = g.dom[0]

    def rev(t, y, dl):
        share = expand_gen(w)(spread_mean(Real(()))(dl, sum_gen(w)(t)), t)  # dl / n per entry
        return -(y * share), -(t * share)
    return rev


RULES = {
    "batch_mean": Rule(lambda g, xp: lambda x: xp.sum(x, 0) / len(x),
                       lambda g: lambda x, dz: spread_mean(x.type)(dz, x),
                       (kernel(lambda x, y, dz: np.full(x.shape, dz / len(x))),)),
    "spread_mean": Rule(lambda g, xp: lambda z, x: xp.broadcast_to(z / len(x), x.shape),
                        lambda g: lambda z, x, dy: (batch_mean(dy.type)(dy),
                                                    zero_like_gen(x.type)(x)),
                        (kernel(lambda z, x, y, dy: dy.sum(axis=0) / len(x)),
                         kernel(lambda z, x, y, dy: np.zeros_like(x)))),
    "mean_cross_entropy": Rule(lambda g, xp: lambda t, y: -xp.tensordot(t, y, t.ndim) / len(t),
                               _rev_mean_xent,
                               (kernel(lambda t, y, l, dl: y * (dl * (-1.0 / len(y)))),
                                kernel(lambda t, y, l, dl: t * (dl * (-1.0 / len(t)))))),
    "log_softmax": Rule(lambda g, xp: _log_softmax(xp),
                        lambda g: lambda x, dy: dy - pointwise("softmax", x.type)(x) * expand_gen(
                            x.type)(sum_gen(x.type)(dy), x),
                        (_vjp_log_softmax,)),
    "cross_entropy": Rule(lambda g, xp: lambda t, y: -(t * y).sum(axis=-1),
                          lambda g: lambda t, y, dl: (-(y * expand_gen(y.type)(dl, y)),
                                                      -(t * expand_gen(t.type)(dl, t))),
                          (kernel(lambda t, y, l, dl: y * -dl[..., None]),
                           kernel(lambda t, y, l, dl: t * -dl[..., None]))),
    "sigmoid_cross_entropy": Rule(lambda g, xp: _bce(xp),
                                  lambda g: lambda t, p, dl: (-(p * dl), (pointwise(
                                      "sigmoid", p.type)(p) - t) * dl),
                                  (kernel(lambda t, p, y, dl: -(p * dl)),
                                   lambda g, xp: lambda t, p, y, dl: (xp.sigmoid(p) - t) * dl)),
    "divide": Rule(lambda g, xp: lambda a, b: a / b, _rev_divide,
                   (kernel(lambda a, b, y, dz: dz / b), _vjp_divide_b)),
    "power": Rule(lambda g, xp: lambda t: g.data ** t,
                  lambda g: lambda t, dy: math.log(g.data) * (dy * power(g.data, t.type)(t)),
                  (lambda g, xp: lambda t, y, dy: math.log(g.data) * (dy * y),)),
}


for _name, _rule in RULES.items():  # a name another module owns is refused, not shadowed
    smooth.backend.register(_name, _rule)
