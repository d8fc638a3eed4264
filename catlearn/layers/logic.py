"""Logic-gate layers: ``n_out`` two-input gates over ``n_in`` wires, one generator per layer.

A logic layer (Petersen et al., *Deep Differentiable Logic Gate Networks*, arXiv
2210.08277) reads its ``n_in`` input wires through a fixed, seeded wiring: gate ``j``
reads wires ``a[j]`` and ``b[j]``.  Each gate is the 4:1 multiplexer cell of
:mod:`catlearn.circuits.gates` over its two inputs, with the four entries of its truth
table as parameters (the input-wise parametrisation of Rüttgers et al., arXiv
2510.03250)::

    y = c0 (1-a)(1-b) + c1 (1-a) b + c2 a (1-b) + c3 a b

In Smooth the coefficients are ``sigmoid(theta)`` and the formula is the multilinear
relaxation; in Z2 they are bits and the same formula is the gate's truth table.  The
wiring is generator data ``(n_in, n_out, seed)`` (hashable); the index arrays are
derived from it, and every input is read when ``2 n_out >= n_in``.

Generators (Smooth), each next to its reverse derivative written with the others, so
that ``R`` iterates; the first-order reverse pass runs fused numpy kernels (gathers,
and one ``bincount`` for the scatter-add, no loop over gates):

* ``logic    : P^(m,4) @ R^n -> R^m``    the layer;
* ``gather   : R^n -> R^m``              ``x[:, a]`` (``side`` 0) or ``x[:, b]`` (1);
* ``scatter  : R^m -> R^n``              its transpose (sums where a wire is read twice);
* ``mux      : P^(m,4) @ R^m @ R^m -> R^m``  the cells on gathered inputs;
* ``mux_dc   : R^m @ R^m @ R^m -> P^(m,4)``  ``sum_batch u * w_k(a, b)``, the cells'
  parameter cotangent;
* ``group_sum  : R^m -> R^k`` and ``group_spread : R^k -> R^m``: the readout, counts of
  ``k`` equal groups divided by ``tau``, and its transpose.

>>> import numpy as np
>>> from catlearn import R
>>> f = logic_map(3, 4, seed=0)
>>> c = np.tile([0.0, 0.0, 0.0, 1.0], (4, 1))       # four AND gates
>>> x = np.array([[1.0, 1.0, 0.0]])
>>> f(c, x)[0].shape
(1, 4)
>>> [d.shape for d in R(f)(c, x, np.ones((1, 4)))]
[(4, 4), (1, 3)]
"""

from __future__ import annotations

import functools

import numpy as np

from catlearn import smooth
from catlearn.backend import Rule, kernel
from catlearn.core import Generator, Map, Ty
from catlearn.smooth import Real

#: ``y = g . (1, a, b, ab)`` with ``g = c @ ANF``: the polynomial form of the cell
ANF = np.array([[1, -1, -1, 1], [0, 0, 1, -1], [0, 1, 0, -1], [0, 0, 0, 1]], dtype=float)
ANF.flags.writeable = False


@functools.lru_cache(maxsize=64)
def wiring(n_in: int, n_out: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """The input wires ``(a, b)`` of the ``n_out`` gates, fixed by ``seed``.

    The ``2 n_out`` input slots are filled by successive random permutations of the
    ``n_in`` wires, so every wire is read once before any is read twice; a gate whose
    two slots got the same wire reads the next wire instead.

    >>> a, b = wiring(4, 2, seed=1)
    >>> sorted(np.concatenate([a, b]).tolist())
    [0, 1, 2, 3]
    """
    if n_in < 1 or n_out < 1:
        raise ValueError(f"a logic layer needs at least one input and one gate, "
                         f"got n_in={n_in}, n_out={n_out}")
    rng = np.random.default_rng((seed, n_in, n_out))
    rounds = -(-2 * n_out // n_in)
    slots = np.concatenate([rng.permutation(n_in) for _ in range(rounds)])[:2 * n_out]
    a, b = slots[0::2].copy(), slots[1::2].copy()
    if n_in > 1:
        b[a == b] = (b[a == b] + 1) % n_in
    a.flags.writeable = b.flags.writeable = False
    return a, b


def _side(g: Generator) -> np.ndarray:
    n_in, n_out, seed, side = g.data
    return wiring(n_in, n_out, seed)[side]


# -- array kernels ------------------------------------------------------------------


def take(x, index):
    """``x[:, index]`` in C order (plain indexing may return a transposed layout)."""
    return np.take(x, index, axis=-1)


def anf(c):
    """``g = c @ ANF``: the cell's coefficients of ``1, a, b, ab``."""
    return c @ ANF


def mux_forward(c, a, b):
    """The cells on gathered inputs: ``g0 + a (g1 + b g3) + b g2``."""
    g = anf(c)
    if np.shape(a) != np.shape(b):  # a constant wire meets a batch (higher derivatives)
        return g[:, 0] + a * (g[:, 1] + b * g[:, 3]) + b * g[:, 2]
    y = b * g[:, 3]
    y += g[:, 1]
    y *= a
    y += g[:, 0]
    y += b * g[:, 2]
    return y


def mux_dc_forward(a, b, u):
    """``sum_n u[n, j] w_k(a[n, j], b[n, j])``, the four cell weights ``w``."""
    shape = np.broadcast_shapes(np.shape(a), np.shape(b), np.shape(u))
    if len(shape) == 1:
        u, ua = u * np.ones(shape), u * a
        moments = np.stack([u, ua, u * b, ua * b], axis=-1)
    else:
        u, a, b = (np.broadcast_to(v, shape) for v in (u, a, b))
        ua = u * a
        moments = np.stack([u.sum(axis=0), ua.sum(axis=0), np.einsum("nj,nj->j", u, b),
                            np.einsum("nj,nj->j", ua, b)], axis=-1)
    return moments @ ANF.T


def mux_partials(c, a, b, dy=1.0):
    """``(dy dy/da, dy dy/db)`` of the cells, for the cotangent ``dy``."""
    g = anf(c)
    if np.shape(a) != np.shape(b) or np.shape(dy) not in ((), np.shape(a)):
        return dy * (g[:, 1] + b * g[:, 3]), dy * (g[:, 2] + a * g[:, 3])
    da = b * g[:, 3]
    da += g[:, 1]
    db = a * g[:, 3]
    db += g[:, 2]
    if np.shape(dy):
        da *= dy
        db *= dy
    return da, db


@functools.lru_cache(maxsize=16)
def _flat_index(n_in: int, n_out: int, seed: int, batch: int) -> tuple[np.ndarray, np.ndarray]:
    rows = np.arange(batch)[:, None] * n_in
    return tuple((rows + side).ravel() for side in wiring(n_in, n_out, seed))


def scatter_add(n_in: int, n_out: int, seed: int, da, db):
    """``dx[:, i] = sum_{a[j] = i} da[:, j] + sum_{b[j] = i} db[:, j]``: bincounts."""
    n = da.shape[0]
    ia, ib = _flat_index(n_in, n_out, seed, n)
    dx = np.bincount(ia, da.ravel(), minlength=n * n_in)
    dx += np.bincount(ib, db.ravel(), minlength=n * n_in)
    return dx.reshape(n, n_in)


def _scatter_one(g, dv):
    n_in, n_out, seed, side = g.data
    zero = np.zeros_like(dv)
    da, db = (dv, zero) if side == 0 else (zero, dv)
    return scatter_add(n_in, n_out, seed, da, db)


def logic_forward(g):
    a_idx, b_idx = wiring(*g.data)

    def run(c, x):
        return mux_forward(c, take(x, a_idx), take(x, b_idx))
    return run


def logic_dc(g):
    a_idx, b_idx = wiring(*g.data)
    return lambda c, x, y, dy: mux_dc_forward(take(x, a_idx), take(x, b_idx), dy)


def logic_dx(g):
    a_idx, b_idx = wiring(*g.data)

    def run(c, x, y, dy):
        return scatter_add(*g.data, *mux_partials(c, take(x, a_idx), take(x, b_idx), dy))
    return run


# -- generators -----------------------------------------------------------------------


def _check_sizes(n_in: int, n_out: int) -> None:
    if n_in < 1 or n_out < 1:
        raise ValueError(f"a logic layer needs n_in >= 1 and n_out >= 1, got {n_in}, {n_out}")


def logic_gen(n_in: int, n_out: int, seed: int) -> Generator:
    """``logic : P^(n_out,4) @ R^n_in -> R^n_out``."""
    _check_sizes(n_in, n_out)
    return Generator("logic", Ty(Real((n_out, 4), False), Real((n_in,))), Ty(Real((n_out,))),
                     (n_in, n_out, seed))


def gather_gen(n_in: int, n_out: int, seed: int, side: int) -> Generator:
    """``gather : R^n_in -> R^n_out``, the wires read by side ``side`` of the gates."""
    return Generator("gather", Ty(Real((n_in,))), Ty(Real((n_out,))), (n_in, n_out, seed, side))


def scatter_gen(n_in: int, n_out: int, seed: int, side: int) -> Generator:
    """``scatter : R^n_out -> R^n_in``, the transpose of :func:`gather`."""
    return Generator("scatter", Ty(Real((n_out,))), Ty(Real((n_in,))), (n_in, n_out, seed, side))


def mux_gen(m: int) -> Generator:
    """``mux : P^(m,4) @ R^m @ R^m -> R^m``."""
    w = Real((m,))
    return Generator("mux", Ty(Real((m, 4), False), w, w), Ty(w))


def mux_dc_gen(m: int) -> Generator:
    """``mux_dc : R^m @ R^m @ R^m -> P^(m,4)``."""
    w = Real((m,))
    return Generator("mux_dc", Ty(w, w, w), Ty(Real((m, 4), False)))


def logic_map(n_in: int, n_out: int, seed: int = 0) -> Map:
    """The map ``logic : P^(n_out,4) @ R^n_in -> R^n_out`` of Smooth."""
    return Map.gen(logic_gen(n_in, n_out, seed), smooth.backend)


def _slope(c, a, b, m: int, side: int):
    """``dy/da`` (side 0) or ``dy/db`` of the cells, as traced wires: a difference of muxes."""
    one, zero = smooth.constant(1.0, (m,))(), smooth.constant(0.0, (m,))()
    mux = mux_gen(m)
    if side == 0:
        return mux(c, one, b) - mux(c, zero, b)
    return mux(c, a, one) - mux(c, a, zero)


def _rev_mux(g):
    m = g.cod[0].shape[0]
    return lambda c, a, b, dy: (mux_dc_gen(m)(a, b, dy), dy * _slope(c, a, b, m, 0),
                                dy * _slope(c, a, b, m, 1))


def _rev_mux_dc(g):
    m = g.dom[0].shape[0]
    return lambda a, b, u, dz: (u * _slope(dz, a, b, m, 0), u * _slope(dz, a, b, m, 1),
                                mux_gen(m)(dz, a, b))


def _rev_logic(g):
    n_in, n_out, seed = g.data

    def rev(c, x, dy):
        a, b = gather_gen(n_in, n_out, seed, 0)(x), gather_gen(n_in, n_out, seed, 1)(x)
        dc, da, db = _rev_mux(mux_gen(n_out))(c, a, b, dy)
        return dc, scatter_gen(n_in, n_out, seed, 0)(da) + scatter_gen(n_in, n_out, seed, 1)(db)
    return rev


def _mux_slopes(i):
    def run(c, a, b, y, dy):
        return mux_partials(c, a, b, dy)[i]
    return kernel(run)


def _mux_dc_slopes(i):
    def run(a, b, u, z, dz):
        return mux_partials(dz, a, b, u)[i]
    return kernel(run)


RULES = {
    "logic": Rule(lambda g, xp: logic_forward(g), _rev_logic,
                  (lambda g, xp: logic_dc(g), lambda g, xp: logic_dx(g))),
    "gather": Rule(lambda g, xp: lambda x: take(x, _side(g)),
                   lambda g: lambda x, dy: scatter_gen(*g.data)(dy),
                   (lambda g, xp: lambda x, y, dy: _scatter_one(g, dy),)),
    "scatter": Rule(lambda g, xp: lambda v: _scatter_one(g, v),
                    lambda g: lambda v, dx: gather_gen(*g.data)(dx),
                    (lambda g, xp: lambda v, x, dx: take(dx, _side(g)),)),
    "mux": Rule(kernel(mux_forward), _rev_mux,
                (kernel(lambda c, a, b, y, dy: mux_dc_forward(a, b, dy)),
                 _mux_slopes(0), _mux_slopes(1))),
    "mux_dc": Rule(kernel(mux_dc_forward), _rev_mux_dc,
                   (_mux_dc_slopes(0), _mux_dc_slopes(1),
                    kernel(lambda a, b, u, z, dz: mux_forward(dz, a, b)))),
}

for _name, _rule in RULES.items():
    smooth.backend.register(_name, _rule)
