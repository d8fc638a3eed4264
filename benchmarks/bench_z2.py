"""Bit-packed Z2 circuits: catlearn against a raw packed-numpy loop.

A random circuit of 2,000 gates (xor / and / not over earlier wires, 64
inputs) on 1e6 examples (15,625 uint64 words per wire).  The reference is
the loop anyone would write by hand: one numpy bitwise operation per gate
over the same packed words.  Reverse: ``R(f)`` run whole (forward replay +
backward), and the backward half alone from the lens residual.

Run: python benchmarks/bench_z2.py [--gates 2000] [--examples 1000000]
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from catlearn import Lens, R, trace, z2


def random_circuit(n_inputs: int, n_gates: int, seed: int = 0):
    """A gate list ``(kind, a, b)`` over wire indices, inputs first.

    Operands are drawn mostly from recent wires (as in real netlists) and
    every wire no gate reads is an output, so no gate is dead.
    """
    rng = np.random.default_rng(seed)
    gates, used = [], set()
    for k in range(n_gates):
        n = n_inputs + k
        kind = str(rng.choice(["xor", "and", "not"], p=[0.45, 0.45, 0.1]))
        a, b = (int(n - 1 - min(rng.geometric(0.02), n - 1)) for _ in range(2))
        gates.append((kind, a, b))
        used.update((a,) if kind == "not" else (a, b))
    outputs = [w for w in range(n_inputs, n_inputs + n_gates) if w not in used]
    return gates, outputs


def as_map(n_inputs, gates, outputs):
    ops = {"xor": z2.xor(), "and": z2.and_(), "not": z2.not_()}

    def run(*xs):
        wires = list(xs)
        for kind, a, b in gates:
            wires.append(ops[kind](wires[a]) if kind == "not" else ops[kind](wires[a], wires[b]))
        return tuple(wires[o] for o in outputs)
    return trace(z2.bits(n_inputs), run, z2.backend)


def last_uses(n_inputs, gates, outputs):
    """Wires to free after each gate (a careful hand-written loop frees them)."""
    last = {}
    for k, (kind, a, b) in enumerate(gates):
        for w in ((a,) if kind == "not" else (a, b)):
            last[w] = k
    free = [[] for _ in gates]
    for w, k in last.items():
        if w not in set(outputs):
            free[k].append(w)
    return free


def reference(words, gates, outputs, free):
    """The hand-written packed-numpy evaluation: one numpy call per gate."""
    wires = dict(enumerate(words))
    n = len(words)
    for k, (kind, a, b) in enumerate(gates):
        if kind == "xor":
            wires[n + k] = np.bitwise_xor(wires[a], wires[b])
        elif kind == "and":
            wires[n + k] = np.bitwise_and(wires[a], wires[b])
        else:
            wires[n + k] = np.invert(wires[a])
        for w in free[k]:
            del wires[w]
    return [wires[o] for o in outputs]


def best(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gates", type=int, default=2000)
    parser.add_argument("--examples", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    n_in = 64
    gates, outputs = random_circuit(n_in, args.gates)
    n_out = len(outputs)
    free = last_uses(n_in, gates, outputs)
    f = as_map(n_in, gates, outputs)
    rng = np.random.default_rng(1)
    n_words = -(-args.examples // 64)
    words = [rng.integers(0, 2**63, n_words, dtype=np.uint64) for _ in range(n_in)]
    dys = [rng.integers(0, 2**63, n_words, dtype=np.uint64) for _ in range(n_out)]
    assert all(np.array_equal(a, b) for a, b in
               zip(f.compiled(*words), reference(words, gates, outputs, free)))
    rf, lens = R(f), Lens.R(f)
    res = lens.fwd.compiled(*words)[:len(lens.res)]
    t_ref = best(lambda: reference(words, gates, outputs, free), args.repeat)
    t_fwd = best(lambda: f.compiled(*words), args.repeat)
    t_rev = best(lambda: rf.compiled(*words, *dys), args.repeat)
    t_bwd = best(lambda: lens.bwd.compiled(*res, *dys), args.repeat)
    evals = args.gates * args.examples
    print(f"circuit: {args.gates} gates, {n_in} inputs, {n_out} outputs, "
          f"{args.examples:,} examples ({n_words} words per wire)")
    print(f"{'':28}{'seconds':>10}{'G gate-evals/s':>16}{'ratio':>10}")
    print(f"{'raw packed numpy (ref)':28}{t_ref:10.4f}{evals / t_ref / 1e9:16.1f}{1.0:10.2f}")
    print(f"{'catlearn forward':28}{t_fwd:10.4f}{evals / t_fwd / 1e9:16.1f}"
          f"{t_ref / t_fwd:10.2f}  (throughput vs reference; target >= 0.8)")
    print(f"{'catlearn R(f) (fwd + bwd)':28}{t_rev:10.4f}{'':16}"
          f"{t_rev / t_fwd:10.2f}  (x forward)")
    print(f"{'catlearn bwd from residual':28}{t_bwd:10.4f}{'':16}"
          f"{t_bwd / t_fwd:10.2f}  (x forward; target <= 3)")
    print(f"R(f): {len(rf.ops)} ops; lens bwd: {len(lens.bwd.ops)} ops; "
          f"residual wires: {len(lens.res)}")


if __name__ == "__main__":
    main()
