"""The sequential zoo learned from behaviour: which targets each method learns exactly, and how fast.

Run: ``python benchmarks/seq_zoo.py [--targets seq_counter ...] [--seeds 0 1 2]``.  For every
``circuits/sequential/seq_*.blif`` and each method (rda, relaxed; ``--methods automata``
for :func:`~catlearn.circuits.seqautomata.learn_automaton`) it runs
:func:`~catlearn.circuits.seqlearn.learn_sequential` and, when it claims an exact fit,
confirms it with yosys (``sat -seq 24``) when installed.  Prints a markdown table with the
CPU seconds of the learning (wall seconds depend on the machine's load).
"""

from __future__ import annotations

import argparse
import time

from catlearn.netlist import load_blif
from catlearn.circuits.seqautomata import learn_automaton
from catlearn.circuits.seqequiv import yosys_bounded_equivalent
from catlearn.circuits.seqlearn import ZOO, learn_sequential
from catlearn.netlist.yosys import yosys_available


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0])
    parser.add_argument("--methods", nargs="+", default=["rda", "relaxed"])
    parser.add_argument("--targets", nargs="+", help="zoo names (default: every seq_*)")
    parser.add_argument("--time-limit", type=float, help="seconds before no larger network")
    args = parser.parse_args()
    print("| target | latches | method | seed | exact | yosys 24 cycles | state bits | gates "
          "| steps | CPU s | wall s |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    paths = [ZOO / f"{t}.blif" for t in args.targets] if args.targets else \
        sorted(ZOO.glob("seq_*.blif"))
    for path in paths:
        target = load_blif(path)
        for method in args.methods:
            for seed in args.seeds:
                start, cpu = time.perf_counter(), time.process_time()
                result = learn_automaton(target, seed) if method == "automata" else \
                    learn_sequential(target, method, seed, time_limit=args.time_limit)
                seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
                proved = "-"
                steps = result.rounds if method == "automata" else result.steps  # rounds
                if result.exact and yosys_available():
                    proved = "yes" if yosys_bounded_equivalent(target, result.netlist) else "NO"
                print(f"| {path.stem} | {len(target.latches)} | {method} | {seed} "
                      f"| {'yes' if result.exact else 'no'} | {proved} | {result.state_bits} "
                      f"| {result.gates} | {steps} | {cpu:.1f} | {seconds:.1f} |",
                      flush=True)


if __name__ == "__main__":
    main()
