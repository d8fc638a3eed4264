"""The cost of ``put`` of a composite lens grows linearly with depth.

A lens of depth ``n`` is ``Lens.R(layer) >> ... >> Lens.R(layer)`` (left- or
right-nested), each layer a small smooth map of 8 generators on ``R^32``.  Without residuals, the naive ``put`` of
a left-nested composite re-runs the prefix at every level (quadratic); with
the optic's residual it runs each forward map once.  We print the number of
operations and the time per ``put`` at depth 8, 16, 32 and the ratios depth
32 / depth 8 (linear: 4).  At batch 64 the residuals of depth 32 (~4 MB)
leave the L2 cache, which adds to the time ratio without adding work.

Run: python benchmarks/bench_lens_depth.py
"""

from __future__ import annotations

import functools
import time

import numpy as np

from catlearn import Lens, smooth, trace

WIDTH = 32


def layer():
    """``x |-> tanh(1.5 softmax(x) + exp(-x^2) x)``: a map ``R^32 -> R^32``."""
    soft, act, ex = smooth.softmax(WIDTH), smooth.tanh(WIDTH), smooth.exp(WIDTH)
    return trace(soft.dom, lambda x: act(1.5 * soft(x) + ex(-(x * x)) * x), smooth.backend)


def naive_put(lenses, x, dy):
    """The textbook lens composite: ``put`` recomputes ``get`` of every prefix."""
    if len(lenses) == 1:
        return lenses[0].put.compiled(x, dy)
    *init, last = lenses
    y = x
    for lens in init:
        y = lens.get.compiled(y)[0]
    return naive_put(init, x, last.put.compiled(y, dy)[0])


def timed(fn, repeat=20) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def run(batch: int) -> None:
    rng = np.random.default_rng(0)
    x, dy = rng.normal(size=(batch, WIDTH)), rng.normal(size=(batch, WIDTH))
    base = [Lens.R(layer()) for _ in range(32)]
    print(f"batch {batch}, width {WIDTH}")
    print(f"{'depth':>6}{'ops':>6}{'left-nested':>14}{'right-nested':>14}{'naive':>12}")
    rows = {}
    for depth in (8, 16, 32):
        parts = base[:depth]
        left = functools.reduce(lambda a, b: a >> b, parts)
        right = functools.reduce(lambda a, b: b >> a, reversed(parts))
        put_l, put_r = left.put.compiled, right.put.compiled
        t_l, t_r = timed(lambda: put_l(x, dy)), timed(lambda: put_r(x, dy))
        t_n = timed(lambda: naive_put(parts, x, dy), repeat=5)
        rows[depth] = (len(left.put.ops), t_l, t_r, t_n)
        print(f"{depth:6d}{len(left.put.ops):6d}{t_l * 1e3:12.3f}ms{t_r * 1e3:12.3f}ms"
              f"{t_n * 1e3:10.3f}ms")
    for k, name in enumerate(("operations", "left-nested", "right-nested", "naive")):
        note = "  (quadratic: about 16)" if k == 3 else "  (target <= 4.5)"
        print(f"ratio depth 32 / depth 8, {name}: {rows[32][k] / rows[8][k]:.2f}{note}")


def main() -> None:
    for batch in (16, 64):
        run(batch)
        print()


if __name__ == "__main__":
    main()
