"""The sequential suite learned as automata, against AALpy's RPNI on the same traces.

Run: ``python benchmarks/seq_suite.py [--seeds 0 1 2] [--rda counter_en3 moore_3]``.

Two tables (markdown):

1. **The learner end to end** (``catlearn circuit learn``'s default,
   :func:`~catlearn.circuits.seqautomata.learn_automaton`) on every target of
   :func:`~catlearn.circuits.machines.suite` and the zoo's ``seq_*``: states found, latches,
   traces used (count, longest), rounds, seconds, and whether yosys proves the circuit
   equal to the target over 24 cycles from reset (``sat -seq 24``).  ``--rda`` adds rows of
   the gate-network learner (``rda``, 120 s limit) for the named targets.
2. **Sample efficiency on the same traces**: for 2, 4, 8, ... random traces of length 20
   from reset, catlearn's merging (its default ``fewest``, and the ``edsm`` and ``rpni``
   orders alone) and AALpy's RPNI
   (``run_RPNI(data, 'mealy')``, GSM) fold the same traces; a machine counts as right when
   it equals the target's minimal machine (a product-machine search over every reachable
   state pair, no horizon).  The table gives the fewest traces each needed, and its
   seconds there.  AALpy is a peer here, never a dependency of catlearn.
"""

from __future__ import annotations

import argparse
import time

from catlearn.circuits.automata import Mealy, rpni
from catlearn.circuits.machines import suite
from catlearn.circuits.seqautomata import learn_automaton, traces
from catlearn.circuits.seqequiv import yosys_bounded_equivalent
from catlearn.circuits.seqlearn import ZOO, learn_sequential
from catlearn.netlist import load_blif
from catlearn.netlist.yosys import yosys_available

LENGTH = 20
COUNTS = tuple(2 ** i for i in range(1, 11))


def same_behaviour(a: Mealy, b: Mealy) -> bool:
    """Equal outputs on every input word from reset (``a`` complete; an open transition
    of ``b`` is a difference)."""
    seen, queue = {(0, 0)}, [(0, 0)]
    for p, q in queue:
        for x, (p2, o) in a.delta[p].items():
            hit = b.delta[q].get(x)
            if hit is None or hit[1] != o:
                return False
            if (p2, hit[0]) not in seen:
                seen.add((p2, hit[0]))
                queue.append((p2, hit[0]))
    return True


def aalpy_rpni(xs, ys) -> Mealy:
    """AALpy's RPNI on the traces (prefix-closed Mealy data), read back as a Mealy."""
    from aalpy.learning_algs import run_RPNI
    data = [(tuple(map(int, x[:t + 1])), int(y[t])) for x, y in zip(xs, ys)
            for t in range(len(x))]
    model = run_RPNI(data, "mealy", print_info=False)
    index = {s: i for i, s in enumerate([model.initial_state] + [
        s for s in model.states if s is not model.initial_state])}
    delta = tuple({x: (index[t], s.output_fun[x]) for x, t in s.transitions.items()}
                  for s in sorted(index, key=index.get))
    return Mealy(delta, tuple(() for _ in delta))


def fewest(target, learner, seed: int):
    """``(traces, seconds)`` at the fewest traces the learner got right, or ``('-', s)``."""
    netlist = target.netlist()
    for n in COUNTS:
        xs, ys = traces(netlist, n, LENGTH, seed)
        start = time.perf_counter()
        machine = learner(xs, ys)
        seconds = time.perf_counter() - start
        if same_behaviour(target.machine, machine):
            return n, seconds
    return "-", seconds


def end_to_end(args, targets) -> None:
    print("| target | minimal states | method | seed | exact | yosys 24 cycles | states "
          "| latches | traces | longest | rounds | seconds |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for name, netlist, minimal_states in targets:
        for seed in args.seeds:
            r = learn_automaton(netlist, seed)
            proved = "-" if not yosys_available() else \
                ("yes" if yosys_bounded_equivalent(netlist, r.netlist, 24) else "NO")
            print(f"| {name} | {minimal_states} | automata | {seed} | "
                  f"{'yes' if r.exact else 'no'} | {proved} | {r.states} | {r.state_bits} "
                  f"| {r.sequences} | {r.length} | {r.rounds} | {r.seconds:.2f} |", flush=True)
        if name in (args.rda or ()):
            r = learn_sequential(netlist, "rda", 0, time_limit=120.0)
            proved = "-" if not (yosys_available() and r.exact) else \
                ("yes" if yosys_bounded_equivalent(netlist, r.netlist, 24) else "NO")
            print(f"| {name} | {minimal_states} | rda | 0 | {'yes' if r.exact else 'no'} | "
                  f"{proved} | - | {r.state_bits} | 256 | 8 | - | {r.seconds:.2f} |", flush=True)


def efficiency(args) -> None:
    learners = {"catlearn (default)": rpni,
                "catlearn edsm": lambda xs, ys: rpni(xs, ys, "edsm"),
                "catlearn rpni": lambda xs, ys: rpni(xs, ys, "rpni"),
                "AALpy RPNI": aalpy_rpni}
    print(f"\n| target | minimal states | seed | " + " | ".join(
        f"{k}: traces (s)" for k in learners) + " |")
    print("|---|---|---|" + "---|" * len(learners))
    for target in suite():
        for seed in args.seeds:
            cells = [fewest(target, learner, seed) for learner in learners.values()]
            print(f"| {target.name} | {target.minimal_states} | {seed} | " + " | ".join(
                f"{n} ({s:.3f})" for n, s in cells) + " |", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--rda", nargs="*", default=["counter_en3", "seq_counter"],
                        help="targets also learned by rda (120 s limit each)")
    parser.add_argument("--skip", choices=["end-to-end", "efficiency"])
    args = parser.parse_args()
    targets = [(t.name, t.netlist(), t.minimal_states) for t in suite()]
    targets += [(p.stem, load_blif(p), "-") for p in sorted(ZOO.glob("seq_*.blif"))]
    if args.skip != "end-to-end":
        end_to_end(args, targets)
    if args.skip != "efficiency":
        efficiency(args)


if __name__ == "__main__":
    main()
