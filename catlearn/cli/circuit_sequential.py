"""``catlearn circuit learn`` and ``equiv`` on sequential targets (netlists with latches).

* ``learn``: the target's behaviour from reset on seeded random input sequences is learned
  by :func:`~catlearn.circuits.seqlearn.learn_sequential` (``--method rda|relaxed``); stdout
  says ``exact match: yes|no`` (yes only when every check passed), ``accuracy``, ``state
  bits`` and ``gates``; ``--out`` writes the BLIF with its ``.latch`` lines and the target's
  port names, then yosys (when installed) checks it for ``--cycles`` steps from reset.
* ``equiv``: bounded equivalence from reset for ``--cycles N`` steps (default 24): the
  exhaustive product-machine search when inputs and states are few, and yosys
  (``miter -equiv``, ``sat -seq N -prove trigger 0``) when installed.  The last line is
  ``equivalent: yes|no (N cycles from reset)``; exit 0, 1, or 2 when nothing could decide.
"""

from __future__ import annotations

import sys

from catlearn.netlist.blif import save_blif
from catlearn.netlist.netlist import Netlist
from catlearn.circuits.seqequiv import (DEFAULT_CYCLES, bounded_counterexample,
                                        yosys_bounded_equivalent)
from catlearn.circuits.seqlearn import METHODS, learn_sequential
from catlearn.netlist.yosys import YosysError, yosys_available


def _err(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def run_learn(args, target: Netlist) -> int:
    """Learn a sequential target; exit 0 when exact, 1 otherwise."""
    if args.method not in METHODS:
        raise ValueError(f"method {args.method!r} cannot learn a sequential target; use one "
                         f"of {', '.join(METHODS)}")
    cycles = getattr(args, "cycles", None) or DEFAULT_CYCLES
    _err(f"learning {target!r} from its behaviour by {args.method}")
    result = learn_sequential(target, args.method, args.seed, args.steps, cycles=cycles,
                              progress=_err)
    _err(f"{result.seconds:.2f} s, {result.steps} steps; checked: {result.checked}")
    print(f"exact match: {'yes' if result.exact else 'no'}")
    print(f"accuracy: {result.accuracy:.4f}")
    print(f"state bits: {result.state_bits}")
    print(f"gates: {result.gates}")
    if args.out:
        save_blif(result.netlist, args.out, comment=f"learned from the behaviour of "
                  f"{args.target} by catlearn ({args.method}, seed {args.seed})")
        print(f"wrote {args.out}")
        print(_yosys_line(args.target, args.out, cycles))
    return 0 if result.exact else 1


def _yosys_line(a, b, cycles: int) -> str:
    if not yosys_available():
        return "yosys: not installed, bounded equivalence not checked"
    try:
        same = yosys_bounded_equivalent(a, b, cycles)
    except YosysError as error:
        return f"yosys: could not check ({error})"
    return (f"yosys: {'equivalent' if same else 'NOT equivalent'} for {cycles} cycles from "
            f"reset (miter -equiv; sat -seq {cycles})")


def run_equiv(args, a: Netlist, b: Netlist) -> int:
    """Bounded equivalence from reset; exit 0 equivalent, 1 not, 2 undecided."""
    cycles = getattr(args, "cycles", None) or DEFAULT_CYCLES
    if cycles < 1:
        raise ValueError(f"--cycles must be at least 1, got {cycles}")
    verdicts = []
    try:
        found = bounded_counterexample(a, b, cycles)
        verdicts.append(found is None)
        print(f"search: {'no' if found is None else 'a'} distinguishing input sequence "
              f"within {cycles} cycles from reset")
        if found is not None:
            for t, step in enumerate(found["inputs"]):
                print(f"  step {t}: " + " ".join(f"{s}={v}" for s, v in step.items()))
            for key, path in (("a", args.a), ("b", args.b)):
                print(f"  {path} then outputs " + " ".join(f"{s}={v}"
                                                           for s, v in found[key].items()))
    except ValueError as error:
        if "ports" in str(error):
            raise
        print(f"search: skipped ({error})")
    if yosys_available():
        try:
            same = yosys_bounded_equivalent(args.a, args.b, cycles)
            verdicts.append(same)
            print(f"yosys: {'proved' if same else 'refuted'} (miter -equiv; sat -seq {cycles} "
                  f"-prove trigger 0)")
        except YosysError as error:
            print(f"yosys: could not check ({error})")
    if not verdicts:
        print(f"cannot decide: neither the search nor yosys could compare {args.a} and {args.b}")
        return 2
    if len(set(verdicts)) > 1:
        raise RuntimeError("the exhaustive search and yosys disagree; please report this pair")
    print(f"equivalent: {'yes' if verdicts[0] else 'no'} ({cycles} cycles from reset)")
    return 0 if verdicts[0] else 1
