"""Optimizers as reparametrisation lenses ``(S @ P, S @ P) -> (P, P)`` (CFGBL Sec. 3.3).

An optimizer sits on the parameter port of a learner.  Forward, ``get : S @ P -> P``
gives the parameters at which the model is evaluated (``p``; ``p + gamma v`` for
Nesterov).  Backward, ``put : S @ P @ P -> S @ P`` reads the state ``s``, the parameters
``p`` and what arrives on the parameter port, ``d``, and returns the new state and the
new parameters.  The state is an explicit wire, so a training step is a pure function.

**Sign convention.** ``d`` is what the learning-rate lens lets through: ``d = -eps * g``
for the SGD family (``rate.constant(eps)``), ``d = -g`` for the adaptive ones, ``g`` the
gradient of the (batch-mean) loss.  Every update therefore *adds*: ``p' = p + u``.

**Learning rate of adaptive optimizers.** Adam, RMSprop and Adagrad divide by a running
root mean square of ``d``; a step size folded into ``d`` would cancel except inside
``eps``, so their update could not equal the standard one.  They therefore take the
learning rate themselves, as optax does (``scale_by_adam`` then ``scale(lr)``), and ask
for the learning-rate lens ``-1``: ``u = lr * adam(-g) = -lr * adam(g)``, the optax update
(``tests/test_learning_optim.py`` checks it against hand-written loops).

**Against optax** (0.2.8 with jax 0.10.2, float64, 50 steps of the same random gradients;
``benchmarks/bench_optax.py``, asserted by ``tests/test_learning_optax.py``):

* ``sgd`` equals ``optax.sgd`` bit for bit at every step;
* ``momentum``, ``adagrad``, ``rmsprop`` and ``adam`` (and ``decayed`` weights) agree to
  rounding, not bit for bit: after 50 steps 1 ulp for Adagrad, RMSprop and Adam (at most
  2.2e-16), 12 ulp for momentum (6.7e-16, on an entry near zero); the order of
  floating-point operations differs (optax's Adagrad multiplies by ``rsqrt``; Adam's
  first differing step is the 7th);
* ``nesterov`` follows another convention: catlearn's ``put`` returns ``p``, and the model
  is evaluated at the look-ahead ``get = p + gamma v``; optax returns the look-ahead
  point itself.  catlearn's ``get`` equals optax's parameters to rounding (1.1e-15), its
  ``p`` differs from them by ``gamma v`` (6.9e-2 in that run).

Named optimizers are short compositions of :class:`Transform` pieces (optax's
gradient transformations), each a map ``S_w @ W -> S_w @ W`` of smooth generators:

>>> import numpy as np
>>> from catlearn import smooth
>>> from catlearn.core import Ty
>>> opt = momentum(0.1, gamma=0.9)
>>> opt
Optimizer(momentum: scale_by_momentum(0.9), rate 0.1)
>>> lens = opt.lens(Ty(smooth.Real((2,), batched=False)), smooth.backend)
>>> lens
Lens((P^2 @ P^2, P^2 @ P^2) -> (P^2, P^2), residual P^2 @ P^2)
>>> v, p, d = np.array([1.0, 0.0]), np.array([5.0, 5.0]), np.array([-0.5, 1.0])
>>> [a.tolist() for a in lens.put(v, p, d)]
[[0.4, 1.0], [5.4, 6.0]]
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Callable

import numpy as np

from catlearn.core import Map, Ty, trace
from catlearn.learning import ops, rate as rates
from catlearn.lens import Lens

COUNT = ops.SCALAR  # the step-count wire P (a scalar)


@dataclass(frozen=True)
class Transform:
    """A gradient transformation: per parameter wire ``w``, state wires and an update.

    ``state(w)``: the state wires; ``init(w)``: their initial arrays; ``update(w)``: a
    traced function ``(*s, d) -> (*s', u)`` of wires, or ``(*s, p, d) -> (*s', u)`` when
    ``uses_params`` (it reads the parameters ``p`` too, as weight decay does).  ``a >> b``
    chains (optax's ``chain``): ``b`` transforms what ``a`` outputs, states side by side.
    """

    name: str
    state: Callable
    init: Callable
    update: Callable
    uses_params: bool = False

    def __repr__(self) -> str:
        return self.name

    def __call__(self, w, state, p, d) -> tuple:
        """``(*s', u)``: one update on the wire ``w`` of state ``s``, parameters ``p``."""
        run = self.update(w)
        return run(*state, p, d) if self.uses_params else run(*state, d)

    def then(self, other: "Transform") -> "Transform":
        uses = self.uses_params or other.uses_params

        def update(w):
            k, n = len(self.state(w)), len(self.state(w) + other.state(w))

            def run(*v):  # (*s1, *s2, d), or (*s1, *s2, p, d) when either uses p
                p = v[n] if uses else None
                *s1, u = self(w, v[:k], p, v[-1])
                return (*s1, *other(w, v[k:n], p, u))
            return run
        return Transform(f"{self.name} ; {other.name}",
                         lambda w: self.state(w) + other.state(w),
                         lambda w: self.init(w) + other.init(w), update, uses)

    __rshift__ = then

    def map(self, w, backend) -> Map:
        """The map ``S_w @ w -> S_w @ w`` (``S_w @ w @ w -> S_w @ w``, parameters then
        ``d``, when it uses the parameters) of this transformation on the wire ``w``."""
        return trace(Ty(*self.state(w), *([w] if self.uses_params else []), w),
                     self.update(w), backend)


def _stateless(name: str, fn: Callable) -> Transform:
    return Transform(name, lambda w: (), lambda w: (), lambda w: lambda d: (fn(w, d),))


def identity() -> Transform:
    """``u = d``."""
    return _stateless("identity", lambda w, d: d)


def scale(c: float) -> Transform:
    """``u = c d``."""
    return _stateless(f"scale({c})", lambda w, d: c * d)


def add_decayed_weights(weight_decay: float) -> Transform:
    """Weight decay (optax ``add_decayed_weights``): ``u = d - weight_decay p``.

    ``d`` is the descent direction (``-g`` in this module's sign convention), so this is
    optax's ``g + weight_decay p`` with the sign of the whole update: an L2 penalty
    ``weight_decay |p|^2 / 2`` on the loss when it comes first, decoupled decay
    (AdamW) when it comes after ``scale_by_adam``.
    """
    return Transform(f"add_decayed_weights({weight_decay})", lambda w: (), lambda w: (),
                     lambda w: lambda p, d: (d - weight_decay * p,), True)


def scale_by_momentum(gamma: float) -> Transform:
    """Heavy-ball momentum: ``v' = gamma v + d``, ``u = v'``; state ``v`` starts at 0."""
    def update(w):
        def run(v, d):
            v1 = gamma * v + d
            return v1, v1
        return run
    return Transform(f"scale_by_momentum({gamma})", lambda w: (w,),
                     lambda w: (np.zeros(w.shape),), update)


def _bias_corrected(x, beta: float, count, w):
    """``x / (1 - beta^count)``."""
    return ops.divide(w, COUNT)(x, 1.0 - ops.power(beta, COUNT)(count))


def scale_by_adam(b1: float = 0.9, b2: float = 0.999, eps: float = 1e-8,
                  eps_root: float = 0.0) -> Transform:
    """Adam's direction (optax ``scale_by_adam``), state ``(count, m, v)`` from zeros.

    ``c' = c + 1``; ``m' = b1 m + (1 - b1) d``; ``v' = b2 v + (1 - b2) d^2``;
    ``u = m_hat / (sqrt(v_hat + eps_root) + eps)`` with ``m_hat = m' / (1 - b1^c')``,
    ``v_hat = v' / (1 - b2^c')``.
    """
    def update(w):
        def run(count, m, v, d):
            c1 = count + 1.0
            m1 = b1 * m + (1 - b1) * d
            v1 = b2 * v + (1 - b2) * (d * d)
            v_hat = _bias_corrected(v1, b2, c1, w)
            root = ops.pointwise("sqrt", w)(v_hat + eps_root if eps_root else v_hat)
            return c1, m1, v1, ops.divide(w)(_bias_corrected(m1, b1, c1, w), root + eps)
        return run
    return Transform(f"scale_by_adam({b1}, {b2}, {eps})", lambda w: (COUNT, w, w),
                     lambda w: (np.zeros(()), np.zeros(w.shape), np.zeros(w.shape)), update)


def _scale_by_root(name: str, decay: float | None, eps: float, initial: float) -> Transform:
    """``a' = decay a + (1 - decay) d^2`` (``a + d^2`` if no decay), ``u = d / sqrt(a' + eps)``."""
    def update(w):
        def run(a, d):
            a1 = a + d * d if decay is None else decay * a + (1 - decay) * (d * d)
            return a1, ops.divide(w)(d, ops.pointwise("sqrt", w)(a1 + eps))
        return run
    return Transform(name, lambda w: (w,), lambda w: (np.full(w.shape, float(initial)),), update)


def scale_by_rms(decay: float = 0.9, eps: float = 1e-8, initial: float = 0.0) -> Transform:
    """RMSprop's direction (optax ``scale_by_rms``): ``nu' = decay nu + (1 - decay) d^2``,
    ``u = d / sqrt(nu' + eps)``; ``nu`` starts at ``initial``."""
    return _scale_by_root(f"scale_by_rms({decay}, {eps})", decay, eps, initial)


def scale_by_rss(initial: float = 0.1, eps: float = 1e-7) -> Transform:
    """Adagrad's direction (optax ``scale_by_rss``): ``a' = a + d^2``,
    ``u = d / sqrt(a' + eps)``; ``a`` starts at ``initial``."""
    return _scale_by_root(f"scale_by_rss({initial}, {eps})", None, eps, initial)


@dataclass(frozen=True)
class Optimizer:
    """A named optimizer: a :class:`Transform`, the learning-rate lens it expects, a look-ahead.

    ``rate``: the factor ``eps`` of the learning-rate lens ``-eps`` (``None``: the Z2
    identity rate).  ``lookahead(w)``: a traced ``(*s, p) -> p_eval`` giving ``get``
    (default ``p``).
    """

    name: str
    transform: Transform
    rate: float | None
    lookahead: Callable | None = None

    def __repr__(self) -> str:
        rate = "" if self.rate is None else f", rate {self.rate:g}"
        return f"Optimizer({self.name}: {self.transform!r}{rate})"

    def learning_rate(self, loss: Ty, backend) -> Lens:
        """The learning-rate lens ``(L, L) -> (1, 1)`` this optimizer is designed for."""
        if self.rate is None:
            return rates.identity(loss, backend)
        return rates.constant(self.rate, loss)

    def state(self, params: Ty) -> Ty:
        """``S``: the state wires of all parameters, parameter by parameter."""
        return Ty(*(s for w in params for s in self.transform.state(w)))

    def init(self, params: Ty) -> tuple:
        """The initial state: one array per wire of :meth:`state`."""
        return tuple(a for w in params for a in self.transform.init(w))

    def lens(self, params: Ty, backend) -> Lens:
        """The reparametrisation lens ``(S @ P, S @ P) -> (P, P)``."""
        pieces = [self._piece(w, backend) for w in params]
        sizes = [len(self.transform.state(w)) for w in params]
        n_state, order, start = sum(sizes), [], 0
        for k, size in enumerate(sizes):  # S @ P -> S_1 @ P_1 @ S_2 @ P_2 ...
            order += [*range(start, start + size), n_state + k]
            start += size
        dom = self.state(params) @ params
        inverse = [order.index(i) for i in range(len(order))]
        interleave = Lens(Map.wire(dom, order, backend),
                          Map.wire(Ty(*(dom[i] for i in order)), inverse, backend), Ty())
        return interleave >> _tensor(pieces, backend)

    def _piece(self, w, backend) -> Lens:
        """The lens ``(S_w @ w, S_w @ w) -> (w, w)`` for one parameter wire."""
        k = len(self.transform.state(w))
        look = self.lookahead(w) if self.lookahead else lambda *sp: sp[-1]

        def put(*v):
            *s1, u = self.transform(w, v[:k], v[k], v[k + 1])
            return (*s1, v[k] + u)
        dom = Ty(*self.transform.state(w), w)
        return Lens.of(trace(dom, look, backend), trace(dom @ Ty(w), put, backend))


def _tensor(lenses, backend) -> Lens:
    return functools.reduce(Lens.tensor, lenses) if lenses else Lens.id(Ty(), backend)


# -- named optimizers: short compositions ---------------------------------------------


def sgd(lr: float) -> Optimizer:
    """Gradient update ``p' = p + d``, ``d = -lr g`` (learning-rate lens ``-lr``)."""
    return Optimizer("sgd", identity(), lr)


def momentum(lr: float, gamma: float = 0.9) -> Optimizer:
    """Momentum: ``v' = gamma v + d``, ``p' = p + v'``, ``d = -lr g``.

    ``gamma > 0`` keeps going the way it went.  (The CFGBL code passes ``gamma = -0.1``
    into ``v = g + gamma v``; its Keras twin uses ``+0.1``: the minus is a known sign slip.)
    """
    return Optimizer("momentum", scale_by_momentum(gamma), lr)


def nesterov(lr: float, gamma: float = 0.9) -> Optimizer:
    """Nesterov momentum: the model runs at the look-ahead ``p + gamma v`` (``get``), and
    with ``d = -lr g(p + gamma v)``: ``v' = gamma v + d``, ``p' = p + v'``.

    The convention: the parameters carried (and returned by ``fit``) are ``p``, not the
    look-ahead.  optax's ``sgd(lr, momentum=gamma, nesterov=True)`` carries the
    look-ahead ``p + gamma v`` instead; the two runs visit the same look-ahead points.
    """
    def lookahead(w):
        return lambda v, p: p + gamma * v
    return Optimizer("nesterov", scale_by_momentum(gamma), lr, lookahead)


def adagrad(lr: float, initial: float = 0.1, eps: float = 1e-7) -> Optimizer:
    """Adagrad (optax's): ``a' = a + g^2``, ``p' = p - lr g / sqrt(a' + eps)``, ``a_0 = initial``.
    """
    return Optimizer("adagrad", scale_by_rss(initial, eps) >> scale(lr), 1.0)


def rmsprop(lr: float, decay: float = 0.9, eps: float = 1e-8) -> Optimizer:
    """RMSprop (optax's): ``nu' = decay nu + (1 - decay) g^2``, ``p' = p - lr g / sqrt(nu' + eps)``.
    """
    return Optimizer("rmsprop", scale_by_rms(decay, eps) >> scale(lr), 1.0)


def adam(lr: float, b1: float = 0.9, b2: float = 0.999, eps: float = 1e-8) -> Optimizer:
    """Adam (optax's): ``p' = p - lr m_hat / (sqrt(v_hat) + eps)``; see :func:`scale_by_adam`."""
    return Optimizer("adam", scale_by_adam(b1, b2, eps) >> scale(lr), 1.0)


def rda() -> Optimizer:
    """Reverse derivative ascent over Z2 (Wilson, Zanasi): ``p' = p + dp`` (XOR), no state.

    With the identity learning rate, ``dp`` is the reverse derivative of the model at
    the error bits ``t + p``: a parameter flips where that derivative says it matters.
    Parameters are broadcast words, so each step takes one example (replicated across
    the word, as the paper updates after every example).  A batch packed into the word
    gives one ``dp`` per example; :mod:`catlearn.learning.rda` (RDA's home) combines them
    with its table of vote rules, ``VOTES``.
    """
    return Optimizer("rda", identity(), None)


def decayed(optimizer: Optimizer, weight_decay: float) -> Optimizer:
    """``optimizer`` after :func:`add_decayed_weights`: optax's
    ``chain(add_decayed_weights(weight_decay), optimizer)``, an L2 penalty
    ``weight_decay |p|^2 / 2`` on the loss.

    The piece comes first and sees ``d = -rate g``, so it subtracts ``rate * weight_decay
    * p``: the update is the optimizer's on ``g + weight_decay p``.

    >>> decayed(adam(0.01), 1e-4)
    Optimizer(adam: add_decayed_weights(0.0001) ; scale_by_adam(0.9, 0.999, 1e-08) ; scale(0.01), rate 1)
    """
    if optimizer.rate is None:
        raise ValueError(f"{optimizer!r} has no learning rate to decay with (a Z2 optimizer)")
    if not (weight_decay >= 0 and np.isfinite(weight_decay)):
        raise ValueError(f"weight decay must be a non-negative number, got {weight_decay}")
    if weight_decay == 0:
        return optimizer
    piece = add_decayed_weights(optimizer.rate * weight_decay)
    return Optimizer(optimizer.name, piece >> optimizer.transform, optimizer.rate,
                     optimizer.lookahead)


OPTIMIZERS = {f.__name__: f for f in (sgd, momentum, nesterov, adagrad, rmsprop, adam)}


def named(name: str, lr: float, weight_decay: float = 0.0) -> Optimizer:
    """The optimizer ``OPTIMIZERS[name](lr)`` (with :func:`decayed` weights when
    ``weight_decay > 0``), or a clear error for an unknown name."""
    try:
        return decayed(OPTIMIZERS[name](lr), weight_decay)
    except KeyError:
        raise ValueError(f"unknown optimizer {name!r}; known optimizers: "
                         f"{', '.join(OPTIMIZERS)}") from None


__all__ = ["Transform", "Optimizer", "identity", "scale", "add_decayed_weights", "decayed",
           "scale_by_momentum", "scale_by_adam",
           "scale_by_rms", "scale_by_rss", "sgd", "momentum", "nesterov", "adagrad", "rmsprop",
           "adam", "rda", "OPTIMIZERS", "named"]
