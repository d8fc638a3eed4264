"""Sprunger and Katsumata, Differentiable Causal Computations via Delayed Trace: the checks.

Run: ``python papers/delayed_trace/reproduce.py``.  On random stateful maps of St(Smooth)
and St(Z2) it checks the delayed-trace axioms the paper proves (and that yanking fails),
that unrolling is a functor, the paper's chain rule for its derivative on St(C), that the
derivative unrolled is ``D`` of the unrolled map and the transpose of BPTT, and times the
direct (causal, forward) derivative against BPTT over growing sequence lengths.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tests"))

from test_stateful import (BACKENDS, ident, interleave, points, same,  # noqa: E402 - after path
                           smooth_stateful)

from catlearn import D  # noqa: E402
from catlearn.core import Map  # noqa: E402
from catlearn.stateful import Stateful, bptt, delay, derivative, dtrace, unroll  # noqa: E402

SEEDS = range(20)


def check(name: str, holds) -> None:
    results = {b: all(holds(b, s) for s in SEEDS) for b in sorted(BACKENDS)}
    print(f"{name:58s} " + "  ".join(f"{b}: {'holds' if ok else 'FAILS'}"
                                     for b, ok in results.items()))


def laws() -> None:
    new = BACKENDS.__getitem__
    check("dtr tightening (naturality in A and B)", lambda b, s: same(
        dtrace((new(b)(s + 1, 1, 1) @ ident(b, 1)) >> new(b)(s, 2, 2)
               >> (new(b)(s + 2, 1, 1) @ ident(b, 1)), 1),
        new(b)(s + 1, 1, 1) >> dtrace(new(b)(s, 2, 2), 1) >> new(b)(s + 2, 1, 1)))
    check("dtr vanishing (dtr^(X@Y) = dtr^X dtr^Y)", lambda b, s: same(
        dtrace(new(b)(s, 3, 3), 2, (1, 0)), dtrace(dtrace(new(b)(s, 3, 3), 1, (0,)), 1, (1,))))
    check("dtr superposing (g @ dtr f = dtr (g @ f))", lambda b, s: same(
        new(b)(s + 1, 1, 1) @ dtrace(new(b)(s, 2, 2), 1),
        dtrace(new(b)(s + 1, 1, 1) @ new(b)(s, 2, 2), 1)))
    check("yanking (dtr swap = id): fails, dtr swap = delay", lambda b, s: not same(
        dtrace(Stateful.lift(Map.swap(ident(b, 1).dom, ident(b, 1).dom, ident(b, 1).backend)),
               1), ident(b, 1)) and same(dtrace(Stateful.lift(Map.swap(
                   ident(b, 1).dom, ident(b, 1).dom, ident(b, 1).backend)), 1),
                   delay(ident(b, 1).dom)))
    check("unroll(f >> g) = unroll f >> unroll g (5 steps)", lambda b, s: all(np.allclose(
        u, v) for u, v in zip(unroll(new(b)(s, 2, 2) >> new(b)(s + 1, 2, 1), 5)(
            *points(new(b)(s, 2, 2), 5, s)), (unroll(new(b)(s, 2, 2), 5) >> unroll(
                new(b)(s + 1, 2, 1), 5))(*points(new(b)(s, 2, 2), 5, s)))))
    check("chain rule: derivative(f >> g) = D-composite (4 steps)", chain_rule)
    check("unroll(derivative f) = D(unroll f) (4 steps)", lambda b, s: all(np.allclose(u, v)
          for u, v in zip(unroll(derivative(new(b)(s)), 4)(*interleave(
              points(new(b)(s), 4, s), points(new(b)(s), 4, s + 1), 2, 4)),
              D(unroll(new(b)(s), 4))(*points(new(b)(s), 4, s), *points(new(b)(s), 4, s + 1)))))


def chain_rule(b: str, s: int) -> bool:
    f, g = BACKENDS[b](s, 2, 2), BACKENDS[b](s + 1, 2, 1)
    n, xs, vs = 4, points(f, 4, s), points(f, 4, s + 1)
    whole = unroll(derivative(f >> g), n)(*interleave(xs, vs, 2, n))
    ys = unroll(f, n)(*xs)
    dys = unroll(derivative(f), n)(*interleave(xs, vs, 2, n))
    dys = [u for t in range(n) for u in dys[2 * t:2 * t + 2]]
    parts = unroll(derivative(g), n)(*interleave(ys, dys, 2, n))
    return all(np.allclose(u, v) for u, v in zip(whole, parts))


def timings() -> None:
    print("\nsteps | direct derivative (forward, causal) | BPTT (R of the unrolled map)")
    for n in (5, 10, 20, 40):
        f = smooth_stateful(0)
        xs, vs = points(f, n, 0), points(f, n, 1)
        direct, through = unroll(derivative(f), n), bptt(f, n)
        args_d, args_b = interleave(xs, vs, 2, n), xs + [np.ones((3, 1))] * n
        direct(*args_d), through(*args_b)  # compile once
        times = []
        for fn, args in ((direct, args_d), (through, args_b)):
            start = time.perf_counter()
            for _ in range(20):
                fn(*args)
            times.append((time.perf_counter() - start) / 20 * 1e3)
        print(f"{n:5d} | {times[0]:8.3f} ms, {len(direct.ops)} ops | "
              f"{times[1]:8.3f} ms, {len(through.ops)} ops")


if __name__ == "__main__":
    laws()
    timings()
