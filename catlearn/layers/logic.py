"""Logic-gate layers: ``n_out`` two-input gates over ``n_in`` wires, one generator per layer.

A logic layer (Petersen et al., *Deep Differentiable Logic Gate Networks*, arXiv
2210.08277) reads its ``n_in`` input wires through a fixed, seeded wiring: gate ``j``
reads wires ``a[j]`` and ``b[j]``.  Each gate is the cell of :mod:`catlearn.layers.cell`
(a 4:1 multiplexer of its truth table) over its two inputs, with the four entries of its
truth table as parameters (the input-wise parametrisation of Rüttgers et al., arXiv
2510.03250)::

    y = c0 (1-a)(1-b) + c1 (1-a) b + c2 a (1-b) + c3 a b

In Smooth the coefficients are ``sigmoid(theta)`` and the formula is the multilinear
relaxation; in Z2 they are bits and the same formula is the gate's truth table.  The
wiring is generator data ``(n_in, n_out, seed)`` (hashable); the index arrays are
derived from it, and every input is read when ``2 n_out >= n_in``.

Generators (Smooth), each next to its reverse derivative written with the others, so
that ``R`` iterates; the first-order reverse pass runs fused numpy kernels (gathers,
and one ``bincount`` for the scatter-add, no loop over gates).  Forwards are written
against ``xp``; the scatter-add keeps a JAX kernel beside its ``bincount``:

* ``logic    : P^(m,4) @ R^n -> R^m``    the layer as one generator;
* ``gate_inputs : R^n -> R^m @ R^m``     both gathers at once, ``(x[:, a], x[:, b])``;
* ``gather   : R^n -> R^m``              ``x[:, a]`` (``side`` 0) or ``x[:, b]`` (1);
* ``scatter  : R^m -> R^n``              its transpose (sums where a wire is read twice);
* ``mux      : P^(m,4) @ R^m @ R^m -> R^m``  the cells on gathered inputs;
* ``mux_dc   : R^m @ R^m @ R^m -> P^(m,4)``  ``sum_batch u * w_k(a, b)``, the cells'
  parameter cotangent;
* ``group_sum  : R^m -> R^k`` and ``group_spread : R^k -> R^m``: the readout, counts of
  ``k`` equal groups divided by ``tau``, and its transpose.

:func:`logic_map`, the layer of a network, is ``gate_inputs ; mux``: its lens keeps the
gathered inputs as residual, so neither reverse kernel gathers again (``logic`` alone
would gather in its forward and in each of its two fused reverses).

>>> import numpy as np
>>> from catlearn import R
>>> f = logic_map(3, 4, seed=0)
>>> c = np.tile([0.0, 0.0, 0.0, 1.0], (4, 1))       # four AND gates
>>> x = np.array([[1.0, 1.0, 0.0]])
>>> f(c, x)[0].shape, f.ops[0].gen.name, f.ops[1].gen.name
((1, 4), 'gate_inputs', 'mux')
>>> [d.shape for d in R(f)(c, x, np.ones((1, 4)))]
[(4, 4), (1, 3)]
"""

from __future__ import annotations

import functools

import numpy as np

from catlearn import smooth
from catlearn.backend import Rule, kernel
from catlearn.core import Generator, Map, Ty, trace
from catlearn.layers import cell
from catlearn.layers.cell import ANF
from catlearn.smooth import Real


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


def _side(g: Generator, xp=np) -> np.ndarray:
    n_in, n_out, seed, side = g.data
    return wiring_for(xp, n_in, n_out, seed)[side]


def wiring_for(xp, n_in: int, n_out: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """:func:`wiring` as indices for the array namespace ``xp``: int32 off numpy (the same
    indices under ``jax_enable_x64`` or not, which JAX's cached gathers need)."""
    a, b = wiring(n_in, n_out, seed)
    if getattr(xp, "library", "numpy") == "numpy":
        return a, b
    return a.astype(np.int32), b.astype(np.int32)


# -- array kernels ------------------------------------------------------------------


def take(x, index, xp=np):
    """``x[:, index]`` in C order (plain indexing may return a transposed layout)."""
    return xp.take(x, index, axis=-1)


def anf(c):
    """``g = c @ ANF``: the cells' coefficients of ``1, a, b, ab`` (see ``layers.cell``)."""
    return c @ ANF


def _columns(g):
    return g[:, 0], g[:, 1], g[:, 2], g[:, 3]


def mux_forward(c, a, b):
    """The cells on gathered inputs, :func:`catlearn.layers.cell.polynomial` (in place on
    numpy; any array module)."""
    g = anf(c)
    if np.shape(a) != np.shape(b):  # a constant wire meets a batch (higher derivatives)
        return cell.polynomial(_columns(g), a, b)
    y = b * g[:, 3]
    y += g[:, 1]
    y *= a
    y += g[:, 0]
    y += b * g[:, 2]
    return y


def mux_dc_forward(a, b, u, xp=np):
    """``sum_n u[n, j] w_k(a[n, j], b[n, j])``, the four cell weights ``w``."""
    shape = np.broadcast_shapes(np.shape(a), np.shape(b), np.shape(u))
    if len(shape) == 1:
        u, ua = u * xp.ones(shape), u * a
        moments = xp.stack([u, ua, u * b, ua * b], axis=-1)
    else:
        u, a, b = (xp.broadcast_to(v, shape) for v in (u, a, b))
        ua = u * a
        moments = xp.stack([u.sum(axis=0), ua.sum(axis=0), xp.einsum("nj,nj->j", u, b),
                            xp.einsum("nj,nj->j", ua, b)], axis=-1)
    return moments @ ANF.T


def mux_partial(c, a, b, dy, side: int):
    """``dy dy/da`` (``side`` 0) or ``dy dy/db`` (1) of the cells alone."""
    g = anf(c)
    if np.shape(a) != np.shape(b) or np.shape(dy) not in ((), np.shape(a)):
        return dy * cell.slopes(_columns(g), a, b)[side]
    d = (b if side == 0 else a) * g[:, 3]
    d += g[:, 1 + side]
    if np.shape(dy):
        d *= dy
    return d


def mux_partials(c, a, b, dy=1.0):
    """``(dy dy/da, dy dy/db)`` of the cells, for the cotangent ``dy``."""
    g = anf(c)
    if np.shape(a) != np.shape(b) or np.shape(dy) not in ((), np.shape(a)):
        da, db = cell.slopes(_columns(g), a, b)
        return dy * da, dy * db
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
    """``scatter`` of one side: one ``bincount``."""
    n_in, n_out, seed, side = g.data
    n = dv.shape[0]
    index = _flat_index(n_in, n_out, seed, n)[side]
    return np.bincount(index, dv.ravel(), minlength=n * n_in).reshape(n, n_in)


def add_at_scatter(g, xp):
    """``scatter`` by ``np.add.at``: for object arrays (the Symbolic backend)."""
    n_in, index = g.data[0], _side(g)

    def run(v):
        out = np.zeros(v.shape[:-1] + (n_in,), dtype=v.dtype)
        np.add.at(out, (Ellipsis, index), v)
        return out
    return run


def jax_scatter(g, xp):
    """``scatter`` on JAX: an indexed add (``.at[].add``), no ``bincount``."""
    n_in, index = g.data[0], _side(g, xp)
    return lambda v: xp.zeros(v.shape[:-1] + (n_in,), v.dtype).at[..., index].add(v)


def logic_forward(g, xp=np):
    a_idx, b_idx = wiring_for(xp, *g.data)

    def run(c, x):
        return mux_forward(c, take(x, a_idx, xp), take(x, b_idx, xp))
    return run


def inputs_forward(g, xp=np):
    a_idx, b_idx = wiring_for(xp, *g.data)
    return lambda x: (take(x, a_idx, xp), take(x, b_idx, xp))


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


def inputs_gen(n_in: int, n_out: int, seed: int) -> Generator:
    """``gate_inputs : R^n_in -> R^n_out @ R^n_out``: the wires both sides of the gates read."""
    _check_sizes(n_in, n_out)
    w = Real((n_out,))
    return Generator("gate_inputs", Ty(Real((n_in,))), Ty(w, w), (n_in, n_out, seed))


def mux_gen(m: int) -> Generator:
    """``mux : P^(m,4) @ R^m @ R^m -> R^m``."""
    w = Real((m,))
    return Generator("mux", Ty(Real((m, 4), False), w, w), Ty(w))


def mux_dc_gen(m: int) -> Generator:
    """``mux_dc : R^m @ R^m @ R^m -> P^(m,4)``."""
    w = Real((m,))
    return Generator("mux_dc", Ty(w, w, w), Ty(Real((m, 4), False)))


def logic_map(n_in: int, n_out: int, seed: int = 0) -> Map:
    """The layer ``P^(n_out,4) @ R^n_in -> R^n_out`` of Smooth, as ``gate_inputs ; mux``:
    its lens keeps the gathered inputs as residual for both reverse kernels."""
    logic_gen(n_in, n_out, seed)  # checks the sizes
    return trace(Ty(Real((n_out, 4), False), Real((n_in,))),
                 lambda c, x: mux_gen(n_out)(c, *inputs_gen(n_in, n_out, seed)(x)),
                 smooth.backend)


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
        return mux_partial(c, a, b, dy, i)
    return kernel(run)


def _mux_dc_slopes(i):
    def run(a, b, u, z, dz):
        return mux_partial(dz, a, b, u, i)
    return kernel(run)


def _rev_inputs(g):
    n_in, n_out, seed = g.data
    return lambda x, da, db: (scatter_gen(n_in, n_out, seed, 0)(da)
                              + scatter_gen(n_in, n_out, seed, 1)(db))


RULES = {
    "logic": Rule(logic_forward, _rev_logic,
                  (lambda g, xp: logic_dc(g), lambda g, xp: logic_dx(g))),
    "gate_inputs": Rule(inputs_forward, _rev_inputs,
                   (lambda g, xp: lambda x, a, b, da, db: scatter_add(*g.data, da, db),)),
    "gather": Rule(lambda g, xp: lambda x: take(x, _side(g, xp), xp),
                   lambda g: lambda x, dy: scatter_gen(*g.data)(dy),
                   (lambda g, xp: lambda x, y, dy: _scatter_one(g, dy),)),
    "scatter": Rule(lambda g, xp: lambda v: _scatter_one(g, v),
                    lambda g: lambda v, dx: gather_gen(*g.data)(dx),
                    (lambda g, xp: lambda v, x, dx: take(dx, _side(g)),),
                    kernels={"jax": jax_scatter, "sympy": add_at_scatter}),
    "mux": Rule(kernel(mux_forward), _rev_mux,
                (kernel(lambda c, a, b, y, dy: mux_dc_forward(a, b, dy)),
                 _mux_slopes(0), _mux_slopes(1))),
    "mux_dc": Rule(lambda g, xp: lambda a, b, u: mux_dc_forward(a, b, u, xp), _rev_mux_dc,
                   (_mux_dc_slopes(0), _mux_dc_slopes(1),
                    kernel(lambda a, b, u, z, dz: mux_forward(dz, a, b)))),
}

for _name, _rule in RULES.items():
    smooth.backend.register(_name, _rule)
