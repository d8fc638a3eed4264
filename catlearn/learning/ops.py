"""Smooth generators that learning needs: batch means, fused losses, optimizer arithmetic.

Each generator is one :class:`~catlearn.backend.Rule` registered into ``smooth.RULES``
(so the Symbolic backend reads it too): its forward map, its reverse derivative
written with other generators (so ``R`` iterates), and fused numpy kernels.

* ``batch_mean : R^s -> P^s`` and its reverse ``spread_mean : P^s @ R^s -> R^s``
  (``z / n`` along the batch): losses are batch means, so gradients are too.
* ``log_softmax : R^n -> R^n``; ``softmax_cross_entropy : R^n @ R^n -> R^1``,
  ``(t, p) |-> -sum_i t_i log softmax(p)_i``, computed with a log-sum-exp shift;
  its reverse derivative in ``p`` is ``dl * (softmax(p) sum_i t_i - t)``, which is
  ``dl * (softmax(p) - t)`` for a label on the simplex (a one-hot, exactly).
* ``sigmoid_cross_entropy : R^n @ R^n -> R^n``, ``(t, p) |-> log(1 + e^p) - t p``
  (binary cross-entropy on logits), reverse ``(-p dl, (sigmoid(p) - t) dl)``.
* ``divide`` and ``power`` (``t |-> beta^t`` on a step-count wire) for optimizers.

>>> import numpy as np
>>> from catlearn import R, smooth
>>> from catlearn.core import Map, Ty
>>> w = smooth.Real((3,))
>>> xent = Map.gen(softmax_cross_entropy(w), smooth.backend)
>>> t, p = np.array([[0.0, 1.0, 0.0]]), np.array([[1.0, 2.0, 3.0]])
>>> _, dp = R(xent)(t, p, np.ones(1))
>>> bool(np.allclose(dp, smooth.softmax(3)(p)[0] - t))
True
"""

from __future__ import annotations

import math

import numpy as np

from catlearn import smooth
from catlearn.backend import Rule
from catlearn.core import Generator, Ty
from catlearn.smooth import Real, expand, sum_, zero_like


def _g(name: str, dom, cod, data=None) -> Generator:
    return Generator(name, Ty(*dom), Ty(*cod), data)


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


def softmax_cross_entropy(w: Real) -> Generator:
    """``(t, p) |-> -sum_i t_i log softmax(p)_i``, one number per example."""
    return _g("softmax_cross_entropy", (w, w), (Real((), w.batched),))


def sigmoid_cross_entropy(w: Real) -> Generator:
    """``(t, p) |-> log(1 + exp p) - t p`` entrywise: binary cross-entropy on logits."""
    return _g("sigmoid_cross_entropy", (w, w), (w,))


def divide(w: Real) -> Generator:
    """``(a, b) |-> a / b`` entrywise."""
    return _g("divide", (w, w), (w,))


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
        return z - xp.log(xp.exp(z).sum(axis=-1, keepdims=True))
    return run


def _xent(xp):
    log_softmax_ = _log_softmax(xp)
    return lambda t, p: -(t * log_softmax_(p)).sum(axis=-1)


def _bce(xp):
    # log(1 + e^p) = relu(p) + log(1 + e^-|p|): no overflow for large |p|
    return lambda t, p: xp.relu(p) + xp.log(1 + xp.exp(-(xp.relu(p) + xp.relu(-p)))) - t * p


# -- fused reverse kernels (numpy) -------------------------------------------


def _softmax_np(p):
    e = np.exp(p - p.max(axis=-1, keepdims=True))
    e /= e.sum(axis=-1, keepdims=True)
    return e


def _vjp_xent_p(t, p, loss, dl):
    g = _softmax_np(p)
    g *= t.sum(axis=-1, keepdims=True)
    g -= t
    g *= dl[..., None]
    return g


def _vjp_xent_t(t, p, loss, dl):
    return _log_softmax(smooth.NumpyOps)(p) * -dl[..., None]


def _vjp_bce_p(t, p, loss, dl):
    return (smooth.NumpyOps.sigmoid(p) - t) * dl


def _k(fn):
    return lambda g, xp: fn


# -- traced reverse derivatives ------------------------------------------------


def _rev_xent(g):
    w = g.dom[0]

    def rev(t, p, dl):
        ls = log_softmax(w)(p)
        dt = -(ls * expand(w)(dl, t))
        dp = _softmax_gen(w)(p) * expand(w)(dl * sum_(w)(t), p) - t * expand(w)(dl, t)
        return dt, dp
    return rev


def _rev_divide(g):
    w = g.dom[0]

    def rev(a, b, dz):
        q = divide(w)(dz, b)
        return q, -(q * divide(w)(a, b))
    return rev


RULES = {
    "batch_mean": Rule(lambda g, xp: lambda x: xp.sum(x, 0) / len(x),
                       lambda g: lambda x, dz: spread_mean(x.type)(dz, x),
                       (_k(lambda x, y, dz: np.full(x.shape, dz / len(x))),)),
    "spread_mean": Rule(lambda g, xp: lambda z, x: xp.broadcast_to(z / len(x), x.shape),
                        lambda g: lambda z, x, dy: (batch_mean(dy.type)(dy), zero_like(x.type)(x)),
                        (_k(lambda z, x, y, dy: dy.sum(axis=0) / len(x)),
                         _k(lambda z, x, y, dy: np.zeros_like(x)))),
    "log_softmax": Rule(lambda g, xp: _log_softmax(xp),
                        lambda g: lambda x, dy: dy - _softmax_gen(x.type)(x) * expand(x.type)(
                            sum_(x.type)(dy), x),
                        (_k(lambda x, y, dy: dy - np.exp(y) * dy.sum(axis=-1, keepdims=True)),)),
    "softmax_cross_entropy": Rule(lambda g, xp: _xent(xp), _rev_xent,
                                  (_k(_vjp_xent_t), _k(_vjp_xent_p))),
    "sigmoid_cross_entropy": Rule(lambda g, xp: _bce(xp),
                                  lambda g: lambda t, p, dl: (-(p * dl), (pointwise(
                                      "sigmoid", p.type)(p) - t) * dl),
                                  (_k(lambda t, p, y, dl: -(p * dl)), _k(_vjp_bce_p))),
    "divide": Rule(lambda g, xp: lambda a, b: a / b, _rev_divide,
                   (_k(lambda a, b, y, dz: dz / b), _k(lambda a, b, y, dz: -(dz / b) * y))),
    "power": Rule(lambda g, xp: lambda t: g.data ** t,
                  lambda g: lambda t, dy: math.log(g.data) * (dy * power(g.data, t.type)(t)),
                  (lambda g, xp: lambda t, y, dy: math.log(g.data) * (dy * y),)),
}


def _softmax_gen(w: Real) -> Generator:
    return pointwise("softmax", w)


def register() -> None:
    """Put these rules into ``smooth.RULES`` (idempotent; done on import)."""
    for name, rule in RULES.items():
        smooth.RULES.setdefault(name, rule)


register()
