"""The layers' generators on the JAX backend: convolutions, pooling and reshapes.

Each generator keeps the reverse derivative of its numpy rule (a program of the others,
see :mod:`catlearn.layers.conv` and :mod:`catlearn.layers.pool`) and gets a JAX forward
map here: the three faces of the trilinear form ``<conv2d(W, x), y>`` are each one
``lax.conv_general_dilated`` (valid correlation; full correlation with the flipped kernel;
the batch contracted as the feature axis), pooling is a reshape and a reduction, and the
mask of the first maximum of each window is a one-hot ``argmax``.

>>> import numpy as np
>>> from catlearn import R, jax_backend
>>> from catlearn.layers.conv import conv2d_map
>>> f = conv2d_map(1, 1, 2, 3, 3)
>>> W, x, dy = np.ones((1, 1, 2, 2)), np.arange(9.0).reshape(1, 1, 3, 3), np.ones((1, 1, 2, 2))
>>> np.asarray(f.to(jax_backend.backend)(W, x)[0][0, 0]).tolist()
[[8.0, 12.0], [20.0, 24.0]]
>>> np.asarray(jax_backend.jit(R(f))(W, x, dy)[1][0, 0]).tolist()
[[1.0, 2.0, 1.0], [2.0, 4.0, 2.0], [1.0, 2.0, 1.0]]
"""

from __future__ import annotations

import catlearn.layers  # noqa: F401 - the numpy rules whose reverses are read here
from catlearn.jax_backend import jax, jnp, register

lax = jax.lax
NCHW = ("NCHW", "OIHW", "NCHW")


def correlate(W, x):
    """``y[n,o,i,j] = sum W[o,c,p,q] x[n,c,i+p,j+q]``."""
    return lax.conv_general_dilated(x, W, (1, 1), "VALID", dimension_numbers=NCHW)


def transpose(W, dy):
    """``dx[n,c,a,b] = sum W[o,c,p,q] dy[n,o,a-p,b-q]``: full correlation, kernel flipped."""
    k = W.shape[-1]
    flipped = jnp.flip(W, (2, 3)).transpose(1, 0, 2, 3)
    return lax.conv_general_dilated(dy, flipped, (1, 1), [(k - 1, k - 1)] * 2,
                                    dimension_numbers=NCHW)


def kernel_grad(x, dy):
    """``dW[o,c,p,q] = sum_{n,i,j} dy[n,o,i,j] x[n,c,i+p,j+q]``: the batch as features."""
    out = lax.conv_general_dilated(x.transpose(1, 0, 2, 3), dy.transpose(1, 0, 2, 3), (1, 1),
                                   "VALID", dimension_numbers=NCHW)
    return out.transpose(1, 0, 2, 3)


def _blocks(x, s):
    *lead, h, w = x.shape
    return x.reshape(*lead, h // s, s, w // s, s)


def maxpool(x, s):
    return _blocks(x, s).max(axis=(-3, -1))


def pool_sum(x, s):
    return _blocks(x, s).sum(axis=(-3, -1))


def upsample(u, s):
    return jnp.repeat(jnp.repeat(u, s, axis=-2), s, axis=-1)


def mask(x, s):
    """One-hot at the first (row-major) maximum of each ``s x s`` window."""
    *lead, h, w = x.shape
    b = _blocks(x, s)
    windows = jnp.moveaxis(b, -3, -2).reshape(*lead, h // s, w // s, s * s)
    hot = jax.nn.one_hot(windows.argmax(axis=-1), s * s, dtype=x.dtype)
    return jnp.moveaxis(hot.reshape(*lead, h // s, w // s, s, s), -2, -3).reshape(x.shape)


FORWARD = {
    "conv2d": lambda g, xp: correlate,
    "conv2d_t": lambda g, xp: transpose,
    "conv2d_w": lambda g, xp: kernel_grad,
    "channel_spread": lambda g, xp: lambda b, x: jnp.broadcast_to(b[:, None, None], x.shape),
    "maxpool2d": lambda g, xp: lambda x: maxpool(x, g.data),
    "pool_mask": lambda g, xp: lambda x: mask(x, g.data),
    "upsample": lambda g, xp: lambda u: upsample(u, g.data),
    "pool_sum": lambda g, xp: lambda x: pool_sum(x, g.data),
}
PORTABLE = ("channel_bias", "channel_sum", "flatten", "unflatten")  # written with methods only

for _name, _forward in FORWARD.items():
    register(_name, _forward)
for _name in PORTABLE:
    register(_name)
