"""Convolutional logic trees: trees of two-input gates over a receptive field, shared over positions.

The convolutional logic-gate networks of Petersen et al. (*Convolutional Differentiable
Logic Gate Networks*, NeurIPS 2024, arXiv 2411.04732).  A block (:class:`TreeSpec`) has
``out`` channels; channel ``o`` is one binary tree of gates of depth ``d`` whose ``2^d``
leaves read fixed, seeded places of a ``k x k`` receptive field (on two randomly chosen input
channels, as in the paper), and the same tree (the same ``2^d - 1`` truth tables) is applied
at every position: parameters are shared across positions, wiring is fixed.  Positions past
the border read the nearest pixel (replicate padding ``pad``).  OR pooling is
``maxpool2d`` of :mod:`catlearn.layers.pool`: the maximum, which on bits *is* the OR.

Channel axis layout.  Leaves are ``(out * 2^d, h', w')``; a tree level reads the first half
of the channel axis as its gates' ``a`` inputs and the second half as ``b``, so the gates of
tree ``o`` are the channels ``= o (mod out)`` of every level and the root of tree ``o`` is
channel ``o`` of the last level.  Smooth generators, each beside its reverse derivative
(written with the others, so ``R`` iterates), forwards written with array methods only
(against ``xp``, so the JAX backend reads them as they are) except the leaves' transpose,
a scatter-add, which keeps a JAX kernel beside its numpy ``bincount``:

* ``patch_gather : R^(c,h,w) -> R^(out 2^d,h',w')`` the leaves; ``patch_scatter`` its transpose;
* ``halves : R^(2m,h,w) -> R^(m,h,w) @ R^(m,h,w)`` and ``join : R^(m,h,w)^2 -> R^(2m,h,w)``;
* ``tree_mux : P^(m,4) @ R^(m,h,w) @ R^(m,h,w) -> R^(m,h,w)``: the mux cells of
  :mod:`catlearn.layers.logic` with one truth table per channel, broadcast over positions;
* ``tree_mux_dc : R^(m,h,w)^3 -> P^(m,4)``: its parameter cotangent (summed over
  batch and positions).

>>> import numpy as np
>>> from catlearn import R
>>> spec = TreeSpec(1, 4, 4, out=2, depth=2, k=3, pad=0, seed=0)
>>> f = tree_map(spec)
>>> f.dom, f.cod
(Ty(P^4x4, P^2x4, R^1x4x4), Ty(R^2x2x2))
>>> c1, c2 = np.tile([0.0, 0, 0, 1], (4, 1)), np.tile([0.0, 1, 1, 1], (2, 1))  # AND, then OR
>>> x = np.ones((1, 1, 4, 4))
>>> f(c1, c2, x)[0].ravel().tolist()
[1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0]
>>> [d.shape for d in R(f)(c1, c2, x, np.ones((1, 2, 2, 2)))]
[(4, 4), (2, 4), (1, 1, 4, 4)]
"""

from __future__ import annotations

import dataclasses
import functools
from dataclasses import dataclass

import numpy as np

from catlearn import smooth
from catlearn.backend import Rule
from catlearn.core import Generator, Map, Ty, trace
from catlearn.layers.logic import ANF
from catlearn.smooth import Real


@dataclass(frozen=True)
class TreeSpec:
    """One convolutional block: ``out`` trees of depth ``depth`` over ``k x k`` fields of a
    ``(c, h, w)`` input, replicate padding ``pad``, stride 1, leaves drawn with ``seed``."""

    c: int
    h: int
    w: int
    out: int
    depth: int = 2
    k: int = 3
    pad: int = 0
    seed: int = 0

    def __post_init__(self):
        if min(self.c, self.h, self.w, self.out, self.depth, self.k) < 1 or self.pad < 0:
            raise ValueError(f"a logic tree block needs positive sizes and pad >= 0, got {self}")
        if self.k > min(self.h, self.w) + 2 * self.pad:
            raise ValueError(f"receptive field {self.k}x{self.k} exceeds the padded input "
                             f"{self.h + 2 * self.pad}x{self.w + 2 * self.pad} in {self}")

    @property
    def out_shape(self) -> tuple[int, int, int]:
        """``(out, h', w')`` with ``h' = h + 2 pad - k + 1``."""
        return (self.out, self.h + 2 * self.pad - self.k + 1, self.w + 2 * self.pad - self.k + 1)

    @property
    def levels(self) -> tuple[int, ...]:
        """Gates per position of each level, leaves first: ``out 2^(d-1), ..., out``."""
        return tuple(self.out << (self.depth - 1 - i) for i in range(self.depth))

    @property
    def gates(self) -> int:
        """Gates of the block as a circuit: every tree at every position."""
        _, h, w = self.out_shape
        return sum(self.levels) * h * w


@functools.lru_cache(maxsize=64)
def leaves(spec: TreeSpec) -> np.ndarray:
    """Flat input indices of the leaves, shape ``(out 2^d, h', w')``; leaf ``r`` of tree ``o``
    is channel ``o + out r``.

    >>> leaves(TreeSpec(1, 3, 3, out=1, depth=1, k=3)).ravel().tolist() in ([[i, j] for i in
    ...     range(9) for j in range(9)])
    True
    """
    rng = np.random.default_rng((spec.seed, spec.c, spec.h, spec.w, spec.out, spec.depth, spec.k))
    n_leaves = 1 << spec.depth
    _, oh, ow = spec.out_shape
    index = np.empty((n_leaves, spec.out, oh, ow), dtype=np.int64)
    rows, cols = np.arange(oh)[:, None], np.arange(ow)[None, :]
    for o in range(spec.out):
        channels = rng.choice(spec.c, size=min(2, spec.c), replace=False)
        for r in range(n_leaves):
            ch, dy, dx = rng.choice(channels), rng.integers(spec.k), rng.integers(spec.k)
            i = np.clip(rows + dy - spec.pad, 0, spec.h - 1)
            j = np.clip(cols + dx - spec.pad, 0, spec.w - 1)
            index[r, o] = (ch * spec.h + i) * spec.w + j
    index = index.reshape(n_leaves * spec.out, oh, ow)
    index.flags.writeable = False
    return index


# -- kernels, written with array methods (numpy and jax.numpy alike) ---------------------


def cell(c, a, b):
    """``g0 + a (g1 + b g3) + b g2`` with ``g = c ANF`` per channel, broadcast over positions."""
    g = (c @ ANF)[:, :, None, None]
    return g[:, 0] + a * (g[:, 1] + b * g[:, 3]) + b * g[:, 2]


def cell_dc(a, b, u):
    """``sum over batch and positions of u w_k(a, b)``, the ``(m, 4)`` parameter cotangent."""
    ua = u * a
    moments = [u, ua, u * b, ua * b]
    if len({np.shape(v) for v in (a, b, u)}) > 1:  # a constant wire meets a batch
        ones = (a * 0 + 1) * (b * 0 + 1) * (u * 0 + 1)
        moments = [m * ones for m in moments]
    axes = (0, 2, 3) if np.ndim(moments[3]) == 4 else (1, 2)
    sums = [m.sum(axis=axes) for m in moments]
    return sum(s[:, None] * ANF.T[k] for k, s in enumerate(sums))


def _gather(g, xp):
    index = leaves(g.data).ravel()
    shape = gather_gen(g.data).cod[0].shape
    return lambda x: xp.take(x.reshape(x.shape[0], -1), index, axis=1).reshape(
        (x.shape[0],) + shape)


def _scatter(g, xp=np):
    """numpy: one ``bincount`` over the flat batch-and-wire index."""
    spec = g.data
    index, shape = leaves(spec).ravel(), (spec.c, spec.h, spec.w)
    n_in = spec.c * spec.h * spec.w

    def run(v):
        n = v.shape[0]
        flat = (np.arange(n)[:, None] * n_in + index).ravel()
        out = np.bincount(flat, v.reshape(n, -1).ravel(), minlength=n * n_in)
        return out.reshape((n,) + shape)
    return run


def onehot_scatter(index, n: int):
    """``v -> v @ M`` with ``M[i, index[i]] = 1``: the scatter-add as a matrix, for array
    libraries with neither ``bincount`` nor ``.at`` (sympy object arrays), on small sizes."""
    matrix = np.zeros((len(index), n), dtype=int)
    matrix[np.arange(len(index)), index] = 1
    return lambda flat: flat @ matrix


def _sympy_scatter(g, xp):
    spec = g.data
    run = onehot_scatter(leaves(spec).ravel(), spec.c * spec.h * spec.w)
    return lambda v: run(v.reshape(v.shape[0], -1)).reshape((v.shape[0], spec.c, spec.h, spec.w))


def _jax_scatter(g, xp):
    """JAX: ``.at[].add`` (numpy has no functional scatter-add, JAX no ``bincount`` of this
    shape)."""
    spec = g.data
    index, shape = np.asarray(leaves(spec).ravel(), np.int32), (spec.c, spec.h, spec.w)

    def run(v):
        flat = xp.zeros((v.shape[0], spec.c * spec.h * spec.w)).astype(v.dtype)
        return flat.at[:, index].add(v.reshape(v.shape[0], -1)).reshape((v.shape[0],) + shape)
    return run


def _halves(g, xp):
    m = g.cod[0].shape[0]
    return lambda x: (x[:, :m], x[:, m:])


def _join(g, xp):
    return lambda a, b: xp.concatenate([a, b], axis=1)


# -- generators ------------------------------------------------------------------------


def gather_gen(spec: TreeSpec) -> Generator:
    """``patch_gather : R^(c,h,w) -> R^(out 2^d, h', w')``."""
    out, oh, ow = spec.out_shape
    return Generator("patch_gather", Ty(Real((spec.c, spec.h, spec.w))),
                     Ty(Real((out << spec.depth, oh, ow))), spec)


def scatter_gen(spec: TreeSpec) -> Generator:
    """``patch_scatter : R^(out 2^d, h', w') -> R^(c,h,w)``, the transpose of the gather."""
    g = gather_gen(spec)
    return Generator("patch_scatter", g.cod, g.dom, spec)


def halves_gen(x: Real) -> Generator:
    m2, h, w = x.shape
    half = Real((m2 // 2, h, w))
    return Generator("halves", Ty(x), Ty(half, half))


def join_gen(a: Real) -> Generator:
    m, h, w = a.shape
    return Generator("join", Ty(a, a), Ty(Real((2 * m, h, w))))


def tree_mux_gen(m: int, h: int, w: int) -> Generator:
    """``tree_mux : P^(m,4) @ R^(m,h,w) @ R^(m,h,w) -> R^(m,h,w)``."""
    x = Real((m, h, w))
    return Generator("tree_mux", Ty(Real((m, 4), False), x, x), Ty(x))


def tree_mux_dc_gen(m: int, h: int, w: int) -> Generator:
    """``tree_mux_dc : R^(m,h,w)^3 -> P^(m,4)``."""
    x = Real((m, h, w))
    return Generator("tree_mux_dc", Ty(x, x, x), Ty(Real((m, 4), False)))


def _slope(c, a, b, shape, side: int):
    """``dy/da`` (side 0) or ``dy/db`` as traced wires: a difference of muxes."""
    one, zero = smooth.constant(1.0, shape)(), smooth.constant(0.0, shape)()
    mux = tree_mux_gen(*shape)
    return mux(c, one, b) - mux(c, zero, b) if side == 0 else mux(c, a, one) - mux(c, a, zero)


def _rev_tree_mux(g):
    shape = g.cod[0].shape
    return lambda c, a, b, dy: (tree_mux_dc_gen(*shape)(a, b, dy), dy * _slope(c, a, b, shape, 0),
                                dy * _slope(c, a, b, shape, 1))


def _rev_tree_mux_dc(g):
    shape = g.dom[0].shape
    return lambda a, b, u, dz: (u * _slope(dz, a, b, shape, 0), u * _slope(dz, a, b, shape, 1),
                                tree_mux_gen(*shape)(dz, a, b))


def _partials(c, a, b, dy):
    g = (c @ ANF)[:, :, None, None]
    return dy * (g[:, 1] + b * g[:, 3]), dy * (g[:, 2] + a * g[:, 3])


def _portable(fn):
    return lambda g, xp: fn


RULES = {
    "patch_gather": Rule(_gather, lambda g: lambda x, dy: scatter_gen(g.data)(dy),
                         (lambda g, xp: lambda x, y, dy: _scatter(g)(dy),)),
    "patch_scatter": Rule(_scatter, lambda g: lambda v, dx: gather_gen(g.data)(dx),
                          (lambda g, xp: lambda v, x, dx: _gather(g, xp)(dx),),
                          kernels={"jax": _jax_scatter, "sympy": _sympy_scatter}),
    "halves": Rule(_halves, lambda g: lambda x, da, db: join_gen(da.type)(da, db),
                   (lambda g, xp: lambda x, a, b, da, db: _join(g, xp)(da, db),)),
    "join": Rule(_join,
                 lambda g: lambda a, b, dy: halves_gen(dy.type)(dy),
                 (lambda g, xp: lambda a, b, y, dy: dy[:, :a.shape[1]],
                  lambda g, xp: lambda a, b, y, dy: dy[:, a.shape[1]:])),
    "tree_mux": Rule(_portable(cell), _rev_tree_mux,
                     (_portable(lambda c, a, b, y, dy: cell_dc(a, b, dy)),
                      _portable(lambda c, a, b, y, dy: _partials(c, a, b, dy)[0]),
                      _portable(lambda c, a, b, y, dy: _partials(c, a, b, dy)[1]))),
    "tree_mux_dc": Rule(_portable(cell_dc), _rev_tree_mux_dc,
                        (_portable(lambda a, b, u, z, dz: _partials(dz, a, b, u)[0]),
                         _portable(lambda a, b, u, z, dz: _partials(dz, a, b, u)[1]),
                         _portable(lambda a, b, u, z, dz: cell(dz, a, b)))),
}

_EXAMPLE = TreeSpec(1, 3, 3, out=1, depth=1, k=2, pad=0, seed=0)
_EXAMPLES = {"patch_gather": lambda: gather_gen(_EXAMPLE),
             "patch_scatter": lambda: scatter_gen(_EXAMPLE),
             "halves": lambda: halves_gen(Real((4, 2, 2))), "join": lambda: join_gen(Real((2, 2, 2))),
             "tree_mux": lambda: tree_mux_gen(2, 2, 2), "tree_mux_dc": lambda: tree_mux_dc_gen(2, 2, 2)}
for _name, _rule in RULES.items():
    smooth.backend.register(_name, dataclasses.replace(_rule, example=_EXAMPLES[_name]))


# -- the block as a map -------------------------------------------------------------------


def tree_map(spec: TreeSpec) -> Map:
    """``P^(m_1,4) @ ... @ P^(m_d,4) @ R^(c,h,w) -> R^(out,h',w')``: leaves, then the levels."""
    _, oh, ow = spec.out_shape
    params = Ty(*(Real((m, 4), False) for m in spec.levels))

    def run(*wires):
        *cs, x = wires
        v = gather_gen(spec)(x)
        for c, m in zip(cs, spec.levels):
            a, b = halves_gen(v.type)(v)
            v = tree_mux_gen(m, oh, ow)(c, a, b)
        return v
    return trace(params @ Ty(Real((spec.c, spec.h, spec.w))), run, smooth.backend)
