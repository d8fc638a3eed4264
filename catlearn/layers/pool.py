"""Max pooling and reshapes as generators closed under ``R``.

Non-overlapping max pooling over the last two axes, windows ``s x s``:
``maxpool2d : R^(c,h,w) -> R^(c,h/s,w/s)``.  Its reverse derivative routes
each cotangent to the first maximal entry of its window, written with
three more generators:

* ``pool_mask : R^(c,h,w) -> R^(c,h,w)``, one-hot at the first argmax of each
  window (locally constant, so its reverse derivative is zero, like ``step``);
* ``upsample : R^(c,h',w') -> R^(c,h's,w's)``, each entry repeated ``s x s``;
* ``pool_sum : R^(c,h,w) -> R^(c,h/s,w/s)``, the sum of each window;

``R[maxpool2d](x, dy) = pool_mask(x) * upsample(dy)``, and ``upsample`` and
``pool_sum`` are each other's transpose, so ``R`` iterates.  ``flatten``
and ``unflatten`` (row-major reshapes) are each other's reverse too.

>>> import numpy as np
>>> from catlearn import R
>>> f = maxpool2d_map(1, 2, 4)
>>> x = np.array([[[[1.0, 5.0, 2.0, 2.0], [3.0, 4.0, 0.0, 1.0]]]])
>>> f(x)[0].tolist()
[[[[5.0, 2.0]]]]
>>> R(f)(x, np.array([[[[10.0, 20.0]]]]))[0].tolist()
[[[[0.0, 10.0, 20.0, 0.0], [0.0, 0.0, 0.0, 0.0]]]]
"""

from __future__ import annotations

import functools
import math

import numpy as np

from catlearn import smooth
from catlearn.backend import Rule, kernel
from catlearn.core import Generator, Map, Ty
from catlearn.smooth import Real

# -- the array kernels ---------------------------------------------------------
#
# numpy reduces over several short, strided axes slowly (a 2x2 max over a
# 32x3x26x26 batch: 1.5 ms with ``max(axis=(-3, -1))``, 45 us as below), so
# the kernels combine the ``s`` strided views of each window axis
# elementwise: a loop over the offsets inside a window, never over pixels.
# They take the array namespace ``xp`` (numpy by default); only the mask writes in
# place, so it keeps a JAX kernel beside it (``jax_mask``).


def _blocks(x, s):
    """``(..., h, w) -> (..., h/s, s, w/s, s)``, a view."""
    *lead, h, w = x.shape
    return x.reshape(*lead, h // s, s, w // s, s)


def _reduce(ufunc, x, s):
    """``ufunc`` folded over each ``s x s`` window."""
    b = _blocks(x, s)
    rows = functools.reduce(ufunc, (b[..., q] for q in range(s)))
    return functools.reduce(ufunc, (rows[..., p, :] for p in range(s)))


def maxpool(x, s, xp=np):
    """The maximum of each ``s x s`` window."""
    return _reduce(xp.maximum, x, s)


def pool_sum(x, s, xp=np):
    """The sum of each ``s x s`` window."""
    return _reduce(xp.add, x, s)


def route(x, y, dy, s):
    """``dy`` placed at the first (row-major) entry of each window of ``x`` equal to ``y``."""
    b = _blocks(x, s)
    out = np.empty(b.shape, dtype=np.result_type(x, dy))
    taken = np.zeros(y.shape, dtype=bool)
    for p in range(s):
        for q in range(s):
            hit = (b[..., p, :, q] == y) & ~taken
            out[..., p, :, q] = hit * dy
            taken |= hit
    return out.reshape(x.shape)


def mask(x, s):
    """One-hot at the first argmax of each window."""
    y = maxpool(x, s)
    return route(x, y, np.ones_like(y), s)


def upsample(u, s, xp=np):
    """Each entry repeated over an ``s x s`` window."""
    *lead, h, w = u.shape
    return xp.broadcast_to(u[..., :, None, :, None], (*lead, h, s, w, s)).reshape(
        *lead, h * s, w * s)


def jax_mask(x, s, xp):
    """:func:`mask` on JAX (no in-place writes): one-hot of each window's first argmax."""
    *lead, h, w = x.shape
    windows = xp.moveaxis(_blocks(x, s), -3, -2).reshape(*lead, h // s, w // s, s * s)
    hot = (windows.argmax(axis=-1)[..., None] == xp.arange(s * s)).astype(x.dtype)
    return xp.moveaxis(hot.reshape(*lead, h // s, w // s, s, s), -2, -3).reshape(x.shape)


# -- the generators --------------------------------------------------------------


def _pooled(x: Real, s: int) -> Real:
    if len(x.shape) < 2 or s < 1 or x.shape[-2] % s or x.shape[-1] % s:
        raise ValueError(f"max pooling with {s}x{s} windows needs a wire whose last two "
                         f"dimensions are divisible by {s}, got {x!r}")
    *lead, h, w = x.shape
    return Real((*lead, h // s, w // s), x.batched)


def maxpool2d_gen(x: Real, s: int) -> Generator:
    """``maxpool2d : R^(c,h,w) -> R^(c,h/s,w/s)``."""
    return Generator("maxpool2d", Ty(x), Ty(_pooled(x, s)), s)


def pool_mask_gen(x: Real, s: int) -> Generator:
    """``pool_mask : R^(c,h,w) -> R^(c,h,w)``, one-hot at each window's first argmax."""
    _pooled(x, s)
    return Generator("pool_mask", Ty(x), Ty(x), s)


def upsample_gen(u: Real, s: int) -> Generator:
    """``upsample : R^(c,h,w) -> R^(c,hs,ws)``."""
    *lead, h, w = u.shape
    return Generator("upsample", Ty(u), Ty(Real((*lead, h * s, w * s), u.batched)), s)


def pool_sum_gen(x: Real, s: int) -> Generator:
    """``pool_sum : R^(c,h,w) -> R^(c,h/s,w/s)``."""
    return Generator("pool_sum", Ty(x), Ty(_pooled(x, s)), s)


def maxpool2d_map(c: int, h: int, w: int, size: int = 2) -> Map:
    """The map ``maxpool2d : R^(c,h,w) -> R^(c,h/size,w/size)``."""
    return Map.gen(maxpool2d_gen(Real((c, h, w)), size), smooth.backend)


smooth.backend.register("maxpool2d", Rule(
    lambda g, xp: lambda x: maxpool(x, g.data, xp),
    lambda g: lambda x, dy: pool_mask_gen(x.type, g.data)(x) * upsample_gen(dy.type, g.data)(dy),
    (lambda g, xp: lambda x, y, dy: route(x, y, dy, g.data),)))
smooth.backend.register("pool_mask", Rule(
    lambda g, xp: lambda x: mask(x, g.data),
    lambda g: lambda x, dy: smooth.zero_like_gen(x.type)(x),
    (kernel(lambda x, y, dy: np.zeros_like(x)),),
    kernels={"jax": lambda g, xp: lambda x: jax_mask(x, g.data, xp)}))
smooth.backend.register("upsample", Rule(
    lambda g, xp: lambda u: upsample(u, g.data, xp),
    lambda g: lambda u, dv: pool_sum_gen(dv.type, g.data)(dv),
    (lambda g, xp: lambda u, v, dv: pool_sum(dv, g.data),)))
smooth.backend.register("pool_sum", Rule(
    lambda g, xp: lambda x: pool_sum(x, g.data, xp),
    lambda g: lambda x, du: upsample_gen(du.type, g.data)(du),
    (lambda g, xp: lambda x, u, du: upsample(du, g.data),)))


# -- reshapes --------------------------------------------------------------------


def flatten_gen(x: Real) -> Generator:
    """``flatten : R^shape -> R^n``, ``n`` the product of ``shape`` (row-major)."""
    return Generator("flatten", Ty(x), Ty(Real((math.prod(x.shape),), x.batched)))


def unflatten_gen(u: Real, shape: tuple) -> Generator:
    """``unflatten : R^n -> R^shape``, the inverse of ``flatten``."""
    shape = tuple(shape)
    if u.shape != (math.prod(shape),):
        raise ValueError(f"cannot unflatten {u!r} to shape {shape}: sizes differ")
    return Generator("unflatten", Ty(u), Ty(Real(shape, u.batched)))


def _reshape(g):
    src, dst = g.dom[0].shape, g.cod[0].shape
    return lambda x: x.reshape(x.shape[:x.ndim - len(src)] + dst)


def flatten_map(shape) -> Map:
    """The map ``flatten : R^shape -> R^n``."""
    return Map.gen(flatten_gen(smooth.real(shape)), smooth.backend)


def unflatten_map(shape) -> Map:
    """The map ``unflatten : R^n -> R^shape``."""
    shape = smooth.real(shape).shape
    return Map.gen(unflatten_gen(Real((math.prod(shape),)), shape), smooth.backend)


smooth.backend.register("flatten", Rule(
    lambda g, xp: _reshape(g),
    lambda g: lambda x, dy: unflatten_gen(dy.type, x.type.shape)(dy),
    (lambda g, xp: lambda x, y, dy: dy.reshape(x.shape),)))
smooth.backend.register("unflatten", Rule(
    lambda g, xp: _reshape(g),
    lambda g: lambda u, dv: flatten_gen(dv.type)(dv),
    (lambda g, xp: lambda u, v, dv: dv.reshape(u.shape),)))
