"""The Z2 reading of convolutional logic trees and OR pooling, bit-packed.

* ``logic_tree : Z2^(4 G) @ Z2^(c h w) -> Z2^(out h' w')``: the truth-table bits of the
  block's gates (level by level, gate-major, ``G = out (2^d - 1)``), then the input bits
  (channel-major); every tree at every position, on packed words: one gather of the leaves,
  then per level four word operations on whole arrays, no loop over gates or positions.
* ``or_pool : Z2^(c h w) -> Z2^(c h/s w/s)``: the OR of each ``s x s`` window.

Reverse derivatives are the chain rule of the same polynomials, read off the traced circuit
(:func:`expanded`) gate by gate, so ``R`` iterates; the cell over Z2 is multilinear, so the
compositional derivative is the derivative of the boolean function.

>>> import numpy as np
>>> from catlearn import z2
>>> from catlearn.layers.logic_conv import TreeSpec
>>> spec = TreeSpec(1, 3, 3, out=1, depth=1, k=3, pad=0, seed=0)
>>> f = tree_map(spec, pool=1)
>>> xor = [0, 1, 1, 0]
>>> bits = [xor + [1, 0, 0, 0, 0, 0, 0, 0, 0]]
>>> a, b = leaves(spec).ravel().tolist()
>>> int(z2.unpack(f(*z2.pack(bits)), 1)[0, 0]) == int((a == 0) != (b == 0))
True
"""

from __future__ import annotations

import functools

import numpy as np

from catlearn import z2
from catlearn.backend import Rule
from catlearn.core import Generator, Map, trace
from catlearn.derivative import R
from catlearn.layers.logic_conv import TreeSpec, leaves
from catlearn.layers.logic_z2 import cells


def _rows(words, xp=np):
    return xp.stack(xp.broadcast_arrays(*words))


def tree_words(spec: TreeSpec, c, x):
    """The block on packed rows: ``c`` the ``(4 G, *w)`` parameter rows, ``x`` the ``(n, *w)``
    input rows (``w`` the word layout); returns ``(out h' w', *w)`` rows."""
    out, oh, ow = spec.out_shape
    word = x.shape[1:]
    v = x[leaves(spec).ravel()].reshape((out << spec.depth, oh * ow) + word)
    start = 0
    for m in spec.levels:
        t = c[start:start + 4 * m].reshape((m, 4, 1) + c.shape[1:]).swapaxes(0, 1)
        v = cells(t, v[:m], v[m:])
        start += 4 * m
    return v.reshape((out * oh * ow,) + word)


def pool_words(shape, s: int, x):
    """The OR of each ``s x s`` window of ``(c h w, *w)`` rows."""
    c, h, w = shape
    word = x.shape[1:]
    v = x.reshape((c, h // s, s, w // s, s) + word)
    rows = functools.reduce(lambda p, q: p | q, (v[:, :, :, :, q] for q in range(s)))
    out = functools.reduce(lambda p, q: p | q, (rows[:, :, p] for p in range(s)))
    return out.reshape((c * (h // s) * (w // s),) + word)


def _tuple(rows):
    return rows[0] if len(rows) == 1 else tuple(rows)


def _tree_forward(g, xp):
    spec = g.data
    k = 4 * sum(spec.levels)
    return lambda *words: _tuple(tree_words(spec, _rows(words[:k], xp), _rows(words[k:], xp)))


def _pool_forward(g, xp):
    c, h, w, s = g.data
    return lambda *words: _tuple(pool_words((c, h, w), s, _rows(words, xp)))


def _tree_poly(spec: TreeSpec, *v):
    """The block as a polynomial of traced wires (gate by gate: for reverse derivatives)."""
    k = 4 * sum(spec.levels)
    c, x = v[:k], v[k:]
    out, oh, ow = spec.out_shape
    index = leaves(spec).reshape(out << spec.depth, oh * ow)
    layer = [[x[i] for i in row] for row in index.tolist()]
    start = 0
    for m in spec.levels:
        nxt = []
        for j in range(m):
            c0, c1, c2, c3 = c[start + 4 * j:start + 4 * j + 4]
            nxt.append([_cell(c0, c1, c2, c3, a, b) for a, b in zip(layer[j], layer[m + j])])
        layer, start = nxt, start + 4 * m
    return tuple(y for row in layer for y in row)


def _cell(c0, c1, c2, c3, a, b):
    na, nb = a + 1, b + 1
    return c0 * na * nb + c1 * na * b + c2 * a * nb + c3 * a * b


def _pool_poly(data, *x):
    c, h, w, s = data
    grid = np.arange(c * h * w).reshape(c, h // s, s, w // s, s)
    out = []
    for window in grid.transpose(0, 1, 3, 2, 4).reshape(-1, s * s).tolist():
        acc = x[window[0]]
        for i in window[1:]:
            acc = acc + x[i] + acc * x[i]  # a OR b = a + b + ab
        out.append(acc)
    return tuple(out)


@functools.lru_cache(maxsize=32)
def expanded(gen: Generator) -> Map:
    """``gen`` (``logic_tree`` or ``or_pool``) as a traced circuit of AND, XOR and NOT."""
    poly = _tree_poly if gen.name == "logic_tree" else _pool_poly
    return trace(gen.dom, lambda *v: poly(gen.data, *v), z2.backend)


def _reverse(g):
    return lambda *v: R(expanded(g))(*v)


z2.backend.register("logic_tree", Rule(_tree_forward, _reverse, example=lambda: tree_gen(
    TreeSpec(1, 3, 3, out=2, depth=2, k=2, pad=0, seed=0))))
z2.backend.register("or_pool", Rule(_pool_forward, _reverse, example=lambda: pool_gen(1, 2, 4, 2)))


def tree_gen(spec: TreeSpec) -> Generator:
    """``logic_tree : Z2^(4 G) @ Z2^(c h w) -> Z2^(out h' w')``."""
    out, oh, ow = spec.out_shape
    return Generator("logic_tree", z2.bits(4 * sum(spec.levels) + spec.c * spec.h * spec.w),
                     z2.bits(out * oh * ow), spec)


def pool_gen(c: int, h: int, w: int, s: int) -> Generator:
    """``or_pool : Z2^(c h w) -> Z2^(c h/s w/s)``."""
    if h % s or w % s:
        raise ValueError(f"OR pooling with {s}x{s} windows needs {h}x{w} divisible by {s}")
    return Generator("or_pool", z2.bits(c * h * w), z2.bits(c * (h // s) * (w // s)),
                     (c, h, w, s))


def tree_map(spec: TreeSpec, pool: int = 1) -> Map:
    """The block over Z2, parameters first, then OR pooling with ``pool x pool`` windows."""
    f = Map.gen(tree_gen(spec), z2.backend)
    return f >> Map.gen(pool_gen(*spec.out_shape, pool), z2.backend) if pool > 1 else f
