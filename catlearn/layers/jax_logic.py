"""Logic-gate layers and sequence generators on the JAX backends.

The JAX forwards of :mod:`catlearn.layers.logic` (Smooth: the multilinear cells on gathered
inputs, the scatter-add, the cells' parameter cotangent), :mod:`catlearn.layers.logic_net`
(the group readout, difflogic's softmax over the 16 functions),
:mod:`catlearn.layers.logic_z2` (Z2: the cells on packed words, one gather and four word
operations per gate row) and :mod:`catlearn.layers.recurrent` (``stack``; ``unstack`` and
``detach`` read as they are).  Each keeps its numpy rule's traced reverse derivative.

>>> import numpy as np
>>> from catlearn import jax_backend, z2
>>> from catlearn.layers import logic, logic_z2
>>> f = logic.logic_map(3, 4, seed=0)
>>> c, x = np.tile([0.0, 0.0, 0.0, 1.0], (4, 1)), np.array([[1.0, 1.0, 0.0]])
>>> bool(np.allclose(jax_backend.jit(f)(c, x)[0], f(c, x)[0]))
True
>>> g = logic_z2.logic_map(3, 1, seed=0)
>>> words = z2.pack([[0, 0, 0, 1, 1, 1, 0]])
>>> out = jax_backend.jit(g)(*map(jax_backend.words, words))
>>> [int(jax_backend.from_words(v)[0]) for v in out] == [int(v[0]) for v in g(*words)]
True
"""

from __future__ import annotations

import numpy as np

import catlearn.layers.logic_z2
import catlearn.layers.recurrent  # noqa: F401 - idem
from catlearn import smooth
from catlearn.jax_backend import jax, jnp, register, z2_backend
from catlearn.layers.logic import ANF, wiring
from catlearn.layers.logic_net import FUNCTIONS


def mux(c, a, b):
    """The cells ``g0 + a (g1 + b g3) + b g2`` with ``g = c ANF``."""
    g = c @ ANF
    return g[:, 0] + a * (g[:, 1] + b * g[:, 3]) + b * g[:, 2]


def mux_dc(a, b, u):
    """``sum_n u w_k(a, b)``: the cells' parameter cotangent (no sum without a batch)."""
    shape = jnp.broadcast_shapes(a.shape, b.shape, u.shape)
    u, a, b = (jnp.broadcast_to(v, shape) for v in (u, a, b))
    moments = jnp.stack([u, u * a, u * b, u * a * b], axis=-1)
    return (moments.sum(axis=0) if len(shape) > 1 else moments) @ ANF.T


def _wiring(n_in: int, n_out: int, seed: int):
    """The gates' input wires as int32 indices (the same under ``jax_enable_x64`` or not)."""
    return tuple(np.asarray(side, np.int32) for side in wiring(n_in, n_out, seed))


def _logic(g):
    a, b = _wiring(*g.data)
    return lambda c, x: mux(c, jnp.take(x, a, axis=-1), jnp.take(x, b, axis=-1))


def _gather(g):
    index = _wiring(*g.data[:3])[g.data[3]]
    return lambda x: jnp.take(x, index, axis=-1)


def _scatter(g):
    n_in, index = g.data[0], _wiring(*g.data[:3])[g.data[3]]
    return lambda v: jnp.zeros(v.shape[:-1] + (n_in,), v.dtype).at[..., index].add(v)


def _group_spread(g):
    m, k, tau = g.data
    return lambda z: jnp.repeat(z / tau, m // k, axis=1)


def _mix_t(w, dc):
    p = jax.nn.softmax(w, axis=-1)
    dp = dc @ FUNCTIONS.T
    return p * (dp - (p * dp).sum(axis=-1, keepdims=True))


def _logic_z2(g):
    """The Z2 cells on packed rows: ``c0 ~a ~b | c1 ~a b | c2 a ~b | c3 a b``."""
    n_in, n_out, seed = g.data
    a_idx, b_idx = _wiring(n_in, n_out, seed)

    def run(*words):
        rows = jnp.stack(jnp.broadcast_arrays(*words))
        c, x = rows[:4 * n_out], rows[4 * n_out:]
        c = c.reshape(n_out, 4, *c.shape[1:]).swapaxes(0, 1)
        a, b = jnp.take(x, a_idx, axis=0), jnp.take(x, b_idx, axis=0)
        na, nb = ~a, ~b
        out = (c[0] & na & nb) | (c[1] & na & b) | (c[2] & a & nb) | (c[3] & a & b)
        return out[0] if n_out == 1 else tuple(out)
    return run


FORWARD = {
    "logic": lambda g, xp: _logic(g),
    "gather": lambda g, xp: _gather(g),
    "scatter": lambda g, xp: _scatter(g),
    "mux": lambda g, xp: mux,
    "mux_dc": lambda g, xp: mux_dc,
    "group_spread": lambda g, xp: _group_spread(g),
    "gate_mix": lambda g, xp: lambda w: jax.nn.softmax(w, axis=-1) @ FUNCTIONS,
    "gate_mix_t": lambda g, xp: _mix_t,
    "stack": lambda g, xp: lambda *xs: jnp.stack(xs, axis=1),
    "stack_masked": lambda g, xp: lambda *v: jnp.stack(
        [jnp.concatenate([v[i], v[i + 1][:, None]], axis=1) for i in range(0, len(v), 2)],
        axis=1),
}
PORTABLE = ("group_sum", "unstack", "unstack_masked", "detach")  # array methods only

for _name, _forward in FORWARD.items():
    if _name in smooth.RULES:  # the masked sequences are recent: read those that exist
        register(_name, _forward)
for _name in PORTABLE:
    if _name in smooth.RULES:
        register(_name)
register("logic", lambda g, xp: _logic_z2(g), into=z2_backend)
