"""Multi-channel 2-d convolution as three bilinear generators closed under ``R``.

Valid correlation with stride 1 (what deep-learning libraries call a
convolution) on data wires ``R^(c, h, w)`` with a kernel on a parameter wire
``P^(o, c, k, k)``::

    conv2d(W, x)[n, o, i, j] = sum_{c, p, q} W[o, c, p, q] x[n, c, i + p, j + q]

All three generators read the one trilinear form
``T(W, x, y) = <conv2d(W, x), y>``, each with one argument left open:

* ``conv2d   : P^(o,c,k,k) @ R^(c,h,w)   -> R^(o,h',w')``  (``h' = h - k + 1``)
* ``conv2d_t : P^(o,c,k,k) @ R^(o,h',w') -> R^(c,h,w)``    (the transpose: full correlation)
* ``conv2d_w : R^(c,h,w)   @ R^(o,h',w') -> P^(o,c,k,k)``  (kernel gradient, summed over the batch)

so the reverse derivative of each is a pair of the others, exactly as
``linear``, ``linear_t`` and ``outer`` close up in :mod:`catlearn.smooth`:

* ``R[conv2d](W, x, dy)   = (conv2d_w(x, dy), conv2d_t(W, dy))``
* ``R[conv2d_t](W, u, dv) = (conv2d_w(dv, u), conv2d(W, dv))``
* ``R[conv2d_w](a, b, dW) = (conv2d_t(dW, b), conv2d(dW, a))``

A bias per output channel is the generator ``channel_bias``, closed with
``channel_sum`` and ``channel_spread`` as ``bias`` is with ``batch_sum``.

Kernels, chosen by timing the alternatives on the CFGBL MNIST shapes at
batch 1 and 32 (einsum or tensordot on ``sliding_window_view``, im2col with
one matmul or a batched matmul, a padded flipped correlation, col2im): the
forward map is im2col with one batched matmul (``W @ cols``, 3-6x faster
than einsum at batch 32); the kernel gradient reads windows of the input of
the *output's* size, ``k x k`` of them, and contracts them with the
cotangent in one matmul; the transpose scatters ``W^T dy`` through a strided
view and sums (2-10x faster than a padded correlation).  No Python loop.  On
the JAX backend each face is one ``lax.conv_general_dilated`` instead: the
rules' ``"jax"`` kernels, kept beside the numpy ones.

>>> import numpy as np
>>> from catlearn import R
>>> f = conv2d_map(1, 1, 2, 3, 3)
>>> W, x = np.ones((1, 1, 2, 2)), np.arange(9.0).reshape(1, 1, 3, 3)
>>> f(W, x)[0][0, 0].tolist()
[[8.0, 12.0], [20.0, 24.0]]
>>> R(f)(W, x, np.ones((1, 1, 2, 2)))[1][0, 0].tolist()
[[1.0, 2.0, 1.0], [2.0, 4.0, 2.0], [1.0, 2.0, 1.0]]
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import as_strided, sliding_window_view

from catlearn import smooth
from catlearn.backend import Rule, kernel
from catlearn.core import Generator, Map, Ty
from catlearn.smooth import Real

# -- the array kernels ---------------------------------------------------------


def correlate(W, x):
    """``y[n,o,i,j] = sum W[o,c,p,q] x[n,c,i+p,j+q]`` by im2col and one batched matmul."""
    n, c, h, w = x.shape
    o, _, k, _ = W.shape
    ho, wo = h - k + 1, w - k + 1
    windows = sliding_window_view(x, (k, k), axis=(2, 3))  # n c ho wo k k
    cols = windows.transpose(0, 1, 4, 5, 2, 3).reshape(n, c * k * k, ho * wo)
    return (W.reshape(o, c * k * k) @ cols).reshape(n, o, ho, wo)


def kernel_grad(x, dy):
    """``dW[o,c,p,q] = sum_{n,i,j} dy[n,o,i,j] x[n,c,i+p,j+q]``: windows of the output's size."""
    n, o, ho, wo = dy.shape
    c, k = x.shape[1], x.shape[-1] - wo + 1
    windows = sliding_window_view(x, (ho, wo), axis=(2, 3))  # n c k k ho wo
    cols = windows.transpose(1, 2, 3, 0, 4, 5).reshape(c * k * k, n * ho * wo)
    dys = dy.transpose(1, 0, 2, 3).reshape(o, n * ho * wo)
    return (dys @ cols.T).reshape(o, c, k, k)


def transpose(W, dy):
    """``dx[n,c,a,b] = sum W[o,c,p,q] dy[n,o,a-p,b-q]``: ``W^T dy`` scattered, then summed.

    The scatter writes ``U[n,c,p,q,i+p,j+q] = cols[n,c,p,q,i,j]`` through one
    strided view of ``U``; distinct ``(p, q, i, j)`` land on distinct cells.
    """
    n, o, ho, wo = dy.shape
    c, k = W.shape[1], W.shape[-1]
    cols = (W.reshape(o, c * k * k).T @ dy.reshape(n, o, ho * wo)).reshape(n, c, k, k, ho, wo)
    U = np.zeros((n, c, k, k, ho + k - 1, wo + k - 1), dtype=cols.dtype)
    s = U.strides
    diagonal = as_strided(U, cols.shape, (s[0], s[1], s[2] + s[4], s[3] + s[5], s[4], s[5]))
    diagonal[...] = cols
    return U.sum(axis=(2, 3))


# -- the same three faces on JAX: each one lax.conv_general_dilated ------------

NCHW = ("NCHW", "OIHW", "NCHW")


def _lax():
    from jax import lax  # only on the JAX backend, which has jax
    return lax


def jax_correlate(W, x):
    """:func:`correlate` on JAX: a valid correlation."""
    return _lax().conv_general_dilated(x, W, (1, 1), "VALID", dimension_numbers=NCHW)


def jax_transpose(W, dy):
    """:func:`transpose` on JAX: a full correlation with the flipped kernel."""
    k = W.shape[-1]
    flipped = W[:, :, ::-1, ::-1].transpose(1, 0, 2, 3)
    return _lax().conv_general_dilated(dy, flipped, (1, 1), [(k - 1, k - 1)] * 2,
                                       dimension_numbers=NCHW)


def jax_kernel_grad(x, dy):
    """:func:`kernel_grad` on JAX: the batch contracted as the feature axis."""
    out = _lax().conv_general_dilated(x.transpose(1, 0, 2, 3), dy.transpose(1, 0, 2, 3),
                                      (1, 1), "VALID", dimension_numbers=NCHW)
    return out.transpose(1, 0, 2, 3)


# -- the generators ------------------------------------------------------------


def _check(W: Real, x: Real, what: str) -> None:
    if W.batched or not x.batched or len(W.shape) != 4 or len(x.shape) != 3:
        raise TypeError(f"{what} takes a kernel P^(o,c,k,k) and a data wire R^(c,h,w), "
                        f"got {W!r} and {x!r}")


def conv2d_gen(W: Real, x: Real) -> Generator:
    """``conv2d : P^(o,c,k,k) @ R^(c,h,w) -> R^(o, h-k+1, w-k+1)``."""
    _check(W, x, "conv2d")
    (o, c, k, _), (c_x, h, w) = W.shape, x.shape
    if c != c_x or k > min(h, w):
        raise TypeError(f"conv2d: kernel {W!r} does not fit the input {x!r}")
    return Generator("conv2d", Ty(W, x), Ty(Real((o, h - k + 1, w - k + 1))))


def conv2d_t_gen(W: Real, u: Real) -> Generator:
    """The transpose of conv2d: ``P^(o,c,k,k) @ R^(o,h',w') -> R^(c, h'+k-1, w'+k-1)``."""
    _check(W, u, "conv2d_t")
    (_, c, k, _), (_, ho, wo) = W.shape, u.shape
    return Generator("conv2d_t", Ty(W, u), Ty(Real((c, ho + k - 1, wo + k - 1))))


def conv2d_w_gen(a: Real, b: Real) -> Generator:
    """``conv2d_w : R^(c,h,w) @ R^(o,h',w') -> P^(o,c,k,k)``, ``k = h - h' + 1``."""
    if not a.batched or not b.batched or len(a.shape) != 3 or len(b.shape) != 3:
        raise TypeError(f"conv2d_w takes two data wires R^(c,h,w), R^(o,h',w'), got {a!r}, {b!r}")
    (c, h, _), (o, ho, _) = a.shape, b.shape
    k = h - ho + 1
    return Generator("conv2d_w", Ty(a, b), Ty(Real((o, c, k, k), False)))


def conv2d_map(c_in: int, c_out: int, k: int, h: int, w: int) -> Map:
    """The map ``conv2d : P^(c_out,c_in,k,k) @ R^(c_in,h,w) -> R^(c_out,h-k+1,w-k+1)``."""
    return Map.gen(conv2d_gen(Real((c_out, c_in, k, k), False), Real((c_in, h, w))),
                   smooth.backend)


def _rev_conv2d(g):
    return lambda W, x, dy: (conv2d_w_gen(x.type, dy.type)(x, dy),
                             conv2d_t_gen(W.type, dy.type)(W, dy))


def _rev_conv2d_t(g):
    return lambda W, u, dv: (conv2d_w_gen(dv.type, u.type)(dv, u),
                             conv2d_gen(W.type, dv.type)(W, dv))


def _rev_conv2d_w(g):
    return lambda a, b, dW: (conv2d_t_gen(dW.type, b.type)(dW, b),
                             conv2d_gen(dW.type, a.type)(dW, a))


smooth.backend.register("conv2d", Rule(
    kernel(correlate), _rev_conv2d,
    (kernel(lambda W, x, y, dy: kernel_grad(x, dy)), kernel(lambda W, x, y, dy: transpose(W, dy))),
    kernels={"jax": kernel(jax_correlate)}))
smooth.backend.register("conv2d_t", Rule(
    kernel(transpose), _rev_conv2d_t,
    (kernel(lambda W, u, v, dv: kernel_grad(dv, u)), kernel(lambda W, u, v, dv: correlate(W, dv))),
    kernels={"jax": kernel(jax_transpose)}))
smooth.backend.register("conv2d_w", Rule(
    kernel(kernel_grad), _rev_conv2d_w,
    (kernel(lambda a, b, W, dW: transpose(dW, b)), kernel(lambda a, b, W, dW: correlate(dW, a))),
    kernels={"jax": kernel(jax_kernel_grad)}))


# -- a bias per channel ---------------------------------------------------------


def _channels(x: Real) -> Real:
    return Real(x.shape[:1], False)


def channel_bias_gen(x: Real) -> Generator:
    """``channel_bias : P^c @ R^(c,h,w) -> R^(c,h,w)``, ``b[c]`` added to channel ``c``."""
    return Generator("channel_bias", Ty(_channels(x), x), Ty(x))


def channel_sum_gen(x: Real) -> Generator:
    """``channel_sum : R^(c,h,w) -> P^c``, the sum over batch and pixels of each channel."""
    return Generator("channel_sum", Ty(x), Ty(_channels(x)))


def channel_spread_gen(x: Real) -> Generator:
    """``channel_spread : P^c @ R^(c,h,w) -> R^(c,h,w)``, ``b`` broadcast to the shape of ``x``."""
    return Generator("channel_spread", Ty(_channels(x), x), Ty(x))


def channel_bias_map(c: int, h: int, w: int) -> Map:
    """The map ``channel_bias : P^c @ R^(c,h,w) -> R^(c,h,w)``."""
    return Map.gen(channel_bias_gen(Real((c, h, w))), smooth.backend)


def _per_channel(b):
    return b[:, None, None]


def _sum_channels(dy):
    return dy.sum(axis=(0, 2, 3))


smooth.backend.register("channel_bias", Rule(
    lambda g, xp: lambda b, x: x + _per_channel(b),
    lambda g: lambda b, x, dy: (channel_sum_gen(dy.type)(dy), dy),
    (kernel(lambda b, x, y, dy: _sum_channels(dy)), kernel(lambda b, x, y, dy: dy))))
smooth.backend.register("channel_sum", Rule(
    lambda g, xp: _sum_channels,
    lambda g: lambda x, dz: channel_spread_gen(x.type)(dz, x),
    (kernel(lambda x, z, dz: np.broadcast_to(_per_channel(dz), x.shape)),)))
smooth.backend.register("channel_spread", Rule(
    lambda g, xp: lambda b, x: xp.broadcast_to(_per_channel(b), x.shape),
    lambda g: lambda b, x, dy: (channel_sum_gen(dy.type)(dy), smooth.zero_like_gen(x.type)(x)),
    (kernel(lambda b, x, y, dy: _sum_channels(dy)), kernel(lambda b, x, y, dy: np.zeros_like(x)))))
