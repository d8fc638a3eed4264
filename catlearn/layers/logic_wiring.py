"""Learned connections: each gate input chosen among ``k`` candidate wires by a softmax.

As in the learned-interconnect logic networks (LILogicNet, 2025), side ``a`` (and ``b``) of
gate ``j`` reads a relaxed choice among ``k`` seeded candidate wires ``cand[j, :]``::

    a_j = sum_i softmax(w_j)_i x[cand[j, i]]

so a layer is ``(sigmoid(theta) @ softmax(w_a) @ softmax(w_b) @ x) ; select, select ; mux``
with the mux cells of :mod:`catlearn.layers.logic`.  In Z2 the choice is read as fixed wiring,
the argmax candidate (:func:`hard_wiring`), so the hard network is an ordinary logic layer with
that wiring, exported and verified as before.

The new generators are the three faces of the trilinear form ``<select(p, x), y>``, each the
others' reverse derivative (so ``R`` iterates), forwards written against ``xp``; the one
scatter-add keeps a JAX kernel beside numpy's ``bincount``:

* ``select    : P^(m,k) @ R^n -> R^m``   ``y_j = sum_i p[j,i] x[cand[j,i]]``;
* ``select_t  : P^(m,k) @ R^m -> R^n``   its transpose in ``x``;
* ``select_dp : R^n @ R^m -> P^(m,k)``   ``sum over the batch of x[cand[j,i]] v_j``.

>>> import numpy as np
>>> from catlearn import R
>>> f = select_map(Candidates(4, 2, 3, seed=0, side=0))
>>> p = np.array([[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]])
>>> x = np.array([[10.0, 11.0, 12.0, 13.0]])
>>> y = f(p, x)[0]
>>> cand = candidates(Candidates(4, 2, 3, seed=0, side=0))
>>> y.tolist() == [[10.0 + cand[0, 0], 10.0 + cand[1, 2]]]
True
>>> [d.shape for d in R(f)(p, x, np.ones((1, 2)))]
[(2, 3), (1, 4)]
>>> layer = learned_layer(6, 4, k=3, seed=0)
>>> layer.param, layer.dom, layer.cod
(Ty(P^4x4, P^4x3, P^4x3), Ty(R^6), Ty(R^4))
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from catlearn import smooth
from catlearn.backend import Rule
from catlearn.core import Generator, Map, Ty, trace
from catlearn.layers import logic
from catlearn.layers.logic_conv import onehot_scatter
from catlearn.para import Para
from catlearn.smooth import Real


@dataclass(frozen=True)
class Candidates:
    """``k`` candidate wires among ``n`` for each of ``m`` gate inputs on side ``side``."""

    n: int
    m: int
    k: int
    seed: int = 0
    side: int = 0

    def __post_init__(self):
        if min(self.n, self.m, self.k) < 1 or self.k > self.n:
            raise ValueError(f"learned wiring needs 1 <= k <= n and m >= 1, got {self}")


@functools.lru_cache(maxsize=64)
def candidates(c: Candidates) -> np.ndarray:
    """``(m, k)`` distinct candidate wires per gate; candidate 0 is the fixed random wiring of
    :func:`catlearn.layers.logic.wiring`, so every input is a candidate somewhere."""
    rng = np.random.default_rng((c.seed, c.n, c.m, c.k, c.side))
    first = logic.wiring(c.n, c.m, c.seed)[c.side]
    out = np.empty((c.m, c.k), dtype=np.int64)
    out[:, 0] = first
    for j in range(c.m):
        rest = rng.choice(c.n - 1, size=c.k - 1, replace=False)
        out[j, 1:] = rest + (rest >= first[j])
    out.flags.writeable = False
    return out


def _select(g, xp):
    index, (m, k) = candidates(g.data).ravel(), (g.data.m, g.data.k)
    return lambda p, x: (xp.take(x, index, axis=-1).reshape(x.shape[:-1] + (m, k)) * p).sum(-1)


def _select_dp(g, xp):
    index, (m, k) = candidates(g.data).ravel(), (g.data.m, g.data.k)

    def run(x, v):
        moments = xp.take(x, index, axis=-1).reshape(x.shape[:-1] + (m, k)) * v[..., None]
        return moments.sum(0) if moments.ndim == 3 else moments
    return run


def _select_t(g, xp=np):
    """numpy: ``bincount`` of ``p[j,i] v_j`` onto ``cand[j,i]``."""
    c = g.data
    index = candidates(c).ravel()

    def run(p, v):
        terms = p * v[..., None]
        if terms.ndim == 2:
            return np.bincount(index, terms.ravel(), minlength=c.n)
        n = terms.shape[0]
        flat = (np.arange(n)[:, None] * c.n + index).ravel()
        return np.bincount(flat, terms.ravel(), minlength=n * c.n).reshape(n, c.n)
    return run


def _sympy_select_t(g, xp):
    c = g.data
    run = onehot_scatter(candidates(c).ravel(), c.n)
    return lambda p, v: run((p * v[..., None]).reshape(v.shape[:-1] + (-1,)))


def _jax_select_t(g, xp):
    c = g.data
    index = np.asarray(candidates(c).ravel(), np.int32)

    def run(p, v):
        terms = (p * v[..., None]).reshape(v.shape[:-1] + (-1,))
        return xp.zeros(v.shape[:-1] + (c.n,)).astype(terms.dtype).at[..., index].add(terms)
    return run


def select_gen(c: Candidates) -> Generator:
    return Generator("select", Ty(Real((c.m, c.k), False), Real((c.n,))), Ty(Real((c.m,))), c)


def select_t_gen(c: Candidates) -> Generator:
    return Generator("select_t", Ty(Real((c.m, c.k), False), Real((c.m,))), Ty(Real((c.n,))), c)


def select_dp_gen(c: Candidates) -> Generator:
    return Generator("select_dp", Ty(Real((c.n,)), Real((c.m,))), Ty(Real((c.m, c.k), False)), c)


_EXAMPLE = Candidates(4, 2, 3, seed=0, side=0)
smooth.backend.register("select", Rule(
    _select,
    lambda g: lambda p, x, dy: (select_dp_gen(g.data)(x, dy), select_t_gen(g.data)(p, dy)),
    (lambda g, xp: lambda p, x, y, dy: _select_dp(g, xp)(x, dy),
     lambda g, xp: lambda p, x, y, dy: _select_t(g)(p, dy)), example=lambda: select_gen(_EXAMPLE)))
smooth.backend.register("select_t", Rule(
    _select_t,
    lambda g: lambda p, v, dx: (select_dp_gen(g.data)(dx, v), select_gen(g.data)(p, dx)),
    (lambda g, xp: lambda p, v, x, dx: _select_dp(g, xp)(dx, v),
     lambda g, xp: lambda p, v, x, dx: _select(g, xp)(p, dx)),
    kernels={"jax": _jax_select_t, "sympy": _sympy_select_t}, example=lambda: select_t_gen(_EXAMPLE)))
smooth.backend.register("select_dp", Rule(
    _select_dp,
    lambda g: lambda x, v, dp: (select_t_gen(g.data)(dp, v), select_gen(g.data)(dp, x)),
    (lambda g, xp: lambda x, v, p, dp: _select_t(g)(dp, v),
     lambda g, xp: lambda x, v, p, dp: _select(g, xp)(dp, x)), example=lambda: select_dp_gen(_EXAMPLE)))


def _softmax(w, xp):
    e = xp.exp(w - w.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def _softmax_t(w, dp, xp):
    p = _softmax(w, xp)
    return p * (dp - (p * dp).sum(axis=-1, keepdims=True))


def _no_second_derivative(g):
    raise NotImplementedError(f"{g.name}: second reverse derivatives of the row softmax of "
                              "learned wiring are not implemented")


smooth.backend.register("row_softmax", Rule(
    lambda g, xp: lambda w: _softmax(w, xp),
    lambda g: lambda w, dp: Generator("row_softmax_t", Ty(g.dom[0], g.cod[0]), g.dom)(w, dp),
    (lambda g, xp: lambda w, p, dp: _softmax_t(w, dp, xp),)))
smooth.backend.register("row_softmax_t", Rule(
    lambda g, xp: lambda w, dp: _softmax_t(w, dp, xp), _no_second_derivative))


def select_map(c: Candidates) -> Map:
    """``select : P^(m,k) @ R^n -> R^m`` of Smooth."""
    return Map.gen(select_gen(c), smooth.backend)


# -- the layer -------------------------------------------------------------------------


def learned_layer(n_in: int, n_out: int, k: int, seed: int = 0) -> Para:
    """A logic layer whose inputs are learned: parameters ``theta (m,4)``, ``w_a (m,k)``,
    ``w_b (m,k)``; ``sigmoid(theta)`` truth tables, ``softmax(w)`` choices."""
    a, b = (select_map(Candidates(n_in, n_out, k, seed, side)) for side in (0, 1))
    theta, w = Real((n_out, 4), False), Real((n_out, k), False)
    mux, sigmoid = logic.mux_gen(n_out), smooth.sigmoid(theta)
    softmax = Map.gen(Generator("row_softmax", Ty(w), Ty(w)), smooth.backend)

    def run(t, wa, wb, x):
        return mux(sigmoid(t), a(softmax(wa), x), b(softmax(wb), x))
    f = trace(Ty(theta, w, w, Real((n_in,))), run, smooth.backend)
    return Para(Ty(theta, w, w), f)


def hard_wiring(w_a, w_b, n_in: int, n_out: int, k: int, seed: int = 0):
    """The argmax candidate of each side: the fixed wiring ``(a, b)`` of the Z2 reading."""
    rows = np.arange(n_out)
    return tuple(candidates(Candidates(n_in, n_out, k, seed, side))[rows, np.argmax(w, axis=1)]
                 for side, w in ((0, w_a), (1, w_b)))


# -- the network -----------------------------------------------------------------------


@dataclass(frozen=True)
class LearnedLogicNetwork:
    """Layers of ``widths`` gates whose inputs are learned among ``k`` candidates each, then
    the group-sum readout of :class:`~catlearn.layers.logic_net.LogicNetwork`.

    Parameters per layer: ``theta (m,4)`` (mux cells), ``w_a (m,k)``, ``w_b (m,k)``.  The hard
    reading (:meth:`hard`) is the argmax wiring and the rounded truth tables of every layer.

    >>> net = LearnedLogicNetwork(6, (8, 4), classes=2, k=3, seed=0)
    >>> params = net.init(seed=0)
    >>> [p.shape for p in params]
    [(8, 4), (8, 3), (8, 3), (4, 4), (4, 3), (4, 3)]
    >>> net.predict(net.hard(params), np.eye(6, dtype=np.uint8)).shape
    (6,)
    """

    n_in: int
    widths: tuple
    classes: int
    k: int = 8
    tau: float = 1.0
    seed: int = 0

    def __post_init__(self):
        object.__setattr__(self, "widths", tuple(int(w) for w in self.widths))
        self.fixed  # checks the sizes and the readout

    @property
    def fixed(self):
        """The same network with fixed random wiring (candidate 0 of every gate)."""
        from catlearn.layers.logic_net import LogicNetwork
        return LogicNetwork(self.n_in, self.widths, self.classes, self.tau, self.seed)

    @property
    def layers(self) -> tuple[tuple[int, int, int], ...]:
        return self.fixed.layers

    def para(self) -> Para:
        from catlearn.layers.layer import sequential
        from catlearn.layers.logic_net import group_sum_gen
        layers = [learned_layer(n, m, min(self.k, n), s) for n, m, s in self.layers]
        readout = Map.gen(group_sum_gen(self.widths[-1], self.classes, self.tau), smooth.backend)
        return sequential(*layers, Para(Ty(), readout))

    def init(self, seed: int = 0, scale: float = 1.0) -> tuple[np.ndarray, ...]:
        """Truth-table logits normal (``scale``), choice logits normal (``scale / 10``)."""
        rng = np.random.default_rng(seed)
        return tuple(a for n, m, _ in self.layers for a in (
            rng.normal(0.0, scale, (m, 4)), *rng.normal(0.0, scale / 10, (2, m, min(self.k, n)))))

    def hard(self, params) -> tuple[tuple[np.ndarray, np.ndarray, np.ndarray], ...]:
        """``(a, b, tables)`` of every layer: argmax wiring, rounded truth tables (uint8)."""
        out = []
        for i, (n, m, s) in enumerate(self.layers):
            theta, w_a, w_b = params[3 * i:3 * i + 3]
            a, b = hard_wiring(w_a, w_b, n, m, min(self.k, n), s)
            out.append((a, b, (np.asarray(theta) > 0).astype(np.uint8)))
        return tuple(out)

    def predict(self, hard, x) -> np.ndarray:
        """Class predictions of the Z2 reading (bit-packed cells on the argmax wiring, then the
        popcount-argmax readout) on 0/1 rows ``x``."""
        from catlearn import z2
        from catlearn.layers.logic_z2 import cells, readout_map
        rows = np.array(z2.pack(np.asarray(x)))
        for a, b, t in hard:
            c = np.where(t.T[:, :, None] == 1, z2.ONES, z2.ZEROS)
            rows = np.asarray(cells(c, rows[a], rows[b]))
        bits = z2.unpack(list(readout_map(self.widths[-1], self.classes)(*rows)), len(x))
        return bits.astype(np.int64) @ (1 << np.arange(bits.shape[1]))
