"""Learning the zoo's circuits exactly: catlearn's two methods beside the peers' numbers.

For each circuit of ``circuits/`` and each method (``rda``: reverse derivative ascent in
Z2; ``relaxed``: gradient descent on the multilinear relaxation), ``catlearn.circuits.learn``
is run from the full truth table with each seed; a fit counts as exact only when the
learned netlist computes the target on every row *and* yosys proves it equivalent to the
target (when yosys is installed).  Gates are ``.names`` blocks of the simplified learned
netlist (two-input gates; inverters folded into the covers that read them); the zoo's
netlists are counted the same way, their wider covers as two-input ANDs and ORs.

Run: python papers/circuits/report.py [--circuits add4 mux4 ...] [--methods rda relaxed]
     [--seeds 0 1 2] [--steps 2000] [--time-limit SECONDS]
(method ``rda-xor``: RDA whose per-example updates are summed in Z2 instead of voted)
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

from catlearn.netlist import load_blif, yosys_available, yosys_equivalent
from catlearn.netlist.simplify import simplify
from catlearn.circuits.learn import learn

ROOT = Path(__file__).resolve().parents[2]

CIRCUITS = ["half_adder", "full_adder", "add2", "add4", "add8", "parity4", "parity8", "mux4",
            "maj3", "maj5", "dec2to4", "cmp4", "mul2", "mul3", "seg7", "c17"]

# torchlogix (a differentiable logic-gate network, CPU), as measured in shared/DESIGN.md
PEERS = {
    "maj3": "exact 5/5 seeds",
    "mux4": "exact 5/5 at 72 gates, 1/5 at 31",
    "mul2": "exact 4/5 at 60 gates",
    "parity8": "exact 3/5, only with the 7-gate tree; never with a wider net",
    "add4": "~150 s per seed, 893 gates (169-211 after simplification)",
}


def gate_count(netlist) -> int:
    """``.names`` blocks that are not plain buffers (as ``LearnResult.gates`` counts)."""
    return sum(not (len(g.inputs) == 1 and g.cover == (("1", "1"),)) for g in netlist.gates)


def two_input_gates(netlist) -> int:
    """The zoo netlist in two-input gates: a gate of at most two inputs is one, a wider
    cover is ANDs within its cubes and ORs between them (inverters are free, as in ours)."""
    def cost(g):
        if len(g.inputs) <= 2:
            return int(not (len(g.inputs) == 1 and g.cover == (("1", "1"),)))
        literals = [len(p) - p.count("-") for p, _ in g.cover]
        return sum(max(k - 1, 0) for k in literals) + len(literals) - 1
    return sum(cost(g) for g in netlist.gates)


def run_one(name: str, method: str, seed: int, steps: int | None,
            time_limit: float | None = None) -> dict:
    """One fit; ``method`` is ``rda``, ``relaxed`` or ``rda-xor`` (RDA with XOR votes)."""
    target = load_blif(ROOT / "circuits" / f"{name}.blif")
    start, cpu = time.perf_counter(), time.process_time()
    base, _, vote = method.partition("-")
    result = learn(target, base, seed=seed, steps=steps, vote=vote or "greedy",
                   time_limit=time_limit)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    proved = yosys_equivalent(target, result.netlist) if result.exact and yosys_available() \
        else None
    exact = result.exact and proved is not False
    print(f"{name:11} {method:8} seed {seed}: {result!r}"
          f"{'' if proved is None else f', yosys: {proved}'}", file=sys.stderr, flush=True)
    return dict(exact=exact, gates=result.gates, steps=result.steps, seconds=seconds,
                cpu=cpu, seed=seed)


def cell(runs: list[dict]) -> str:
    exact = [r for r in runs if r["exact"]]
    if not exact:
        return f"0/{len(runs)} | | | {statistics.median(r['seconds'] for r in runs):.1f}"
    median = statistics.median
    return (f"{len(exact)}/{len(runs)} | {median(r['gates'] for r in exact):g} | "
            f"{median(r['steps'] for r in exact):g} | "
            f"{median(r['seconds'] for r in runs):.1f}")


def table(results: dict, circuits, methods) -> str:
    head = "| circuit | in/out | zoo (2-input) gates | " + " | ".join(
        f"{m}: exact | gates | steps | s" for m in methods) + " | peers (torchlogix) |"
    rule = "|" + "---|" * (3 + 4 * len(methods) + 1)
    lines = [head, rule]
    for name in circuits:
        zoo = load_blif(ROOT / "circuits" / f"{name}.blif")
        cells = " | ".join(cell(results[name, m]) for m in methods)
        lines.append(f"| {name} | {len(zoo.inputs)}/{len(zoo.outputs)} | "
                     f"{two_input_gates(simplify(zoo))} | {cells} | {PEERS.get(name, '')} |")
    return "\n".join(lines)


def per_seed(results: dict, circuits, methods) -> str:
    """One line per circuit and method: each seed's verdict, wall-clock and CPU seconds."""
    lines = ["| circuit | method | per seed: exact?, wall-clock s (CPU s) |", "|---|---|---|"]
    for name in circuits:
        for method in methods:
            runs = ", ".join(f"seed {r['seed']}: {'exact' if r['exact'] else 'NOT exact'} "
                             f"{r['seconds']:.1f} s ({r['cpu']:.1f})" for r in results[name, method])
            lines.append(f"| {name} | {method} | {runs} |")
    return "\n".join(lines)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--circuits", nargs="+", default=CIRCUITS)
    parser.add_argument("--methods", nargs="+", default=["rda", "relaxed"])
    parser.add_argument("--seeds", nargs="+", type=int, default=[0])
    parser.add_argument("--steps", type=int, help="updates for the largest network")
    parser.add_argument("--time-limit", type=float, help="seconds per fit (default: none)")
    args = parser.parse_args(argv)
    results = {(name, method): [run_one(name, method, seed, args.steps, args.time_limit)
                                for seed in args.seeds]
               for name in args.circuits for method in args.methods}
    print(f"yosys: {'every exact fit proved equivalent' if yosys_available() else 'absent'};"
          f" seeds {' '.join(map(str, args.seeds))}; exact = seeds exact / seeds run; gates "
          f"and steps: median over exact seeds; s: median wall-clock seconds\n")
    print(table(results, args.circuits, args.methods))
    print()
    print(per_seed(results, args.circuits, args.methods))


if __name__ == "__main__":
    main()
