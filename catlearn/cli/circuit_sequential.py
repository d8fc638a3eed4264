"""``catlearn circuit learn`` and ``equiv`` on sequential targets (netlists with latches).

* ``learn``: the target's behaviour from reset on seeded random input sequences is learned
  by automata learning (``--method automata``, the default:
  :func:`~catlearn.circuits.seqautomata.learn_automaton`, state merging then binary state
  codes, or ``--encoding one-hot|target``) or by a gate network with state bits
  (``--method rda|relaxed``: :func:`~catlearn.circuits.seqlearn.learn_sequential`, whose
  hidden cells and layers ``--gates``/``--layers`` set).  Stdout says ``exact match:
  yes|no`` (yes only when the bounded check from reset passed), ``accuracy``, ``state
  bits`` and ``gates``; ``--out`` writes the BLIF with its ``.latch`` lines and the
  target's port names, then yosys (when installed) checks it for 24 steps from reset.
* ``equiv``: bounded equivalence from reset for ``--cycles N`` steps (default 24): the
  exhaustive product-machine search when inputs and states are few, and yosys
  (``miter -equiv``, ``sat -seq N -prove trigger 0``) when installed.  The last line is
  ``equivalent: yes|no (N cycles from reset)``; exit 0, 1, or 2 when nothing could decide.

Flags that do not apply are refused with their names, before any work.
"""

from __future__ import annotations

import sys

from catlearn.circuits.seqautomata import ENCODINGS, learn_automaton
from catlearn.circuits.seqequiv import (DEFAULT_CYCLES, bounded_counterexample,
                                        yosys_bounded_equivalent)
from catlearn.circuits.seqlearn import METHODS, learn_sequential
from catlearn.netlist.blif import save_blif
from catlearn.netlist.netlist import Netlist
from catlearn.netlist.yosys import YosysError, yosys_available

DEFAULT_METHOD = "automata"


def _err(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def check_ports(a: Netlist, b: Netlist, path_a, path_b) -> None:
    """Refuse to compare two circuits whose port names differ, naming both files."""
    for what in ("inputs", "outputs"):
        if set(getattr(a, what)) != set(getattr(b, what)):
            raise ValueError(f"cannot compare {path_a} and {path_b}: their {what} differ "
                             f"({' '.join(getattr(a, what)) or 'none'} in {path_a}; "
                             f"{' '.join(getattr(b, what)) or 'none'} in {path_b}); ports "
                             f"are matched by name")


def refuse_on_combinational(args, path) -> None:
    """Flags of sequential learning refused on a combinational target (no latches)."""
    if args.method == "automata":
        raise ValueError(f"--method automata learns sequential circuits (with latches), but "
                         f"{path} is combinational: use --method rda or relaxed")
    if getattr(args, "encoding", None) is not None:
        raise ValueError(f"--encoding sets the state codes of a sequential circuit, but "
                         f"{path} is combinational: drop --encoding")


def _check_flags(args, method: str) -> None:
    if method == "automata":
        given = [f"--{name}" for name in ("gates", "layers", "steps")
                 if getattr(args, name, None) is not None]
        if given:
            verb = "size" if len(given) > 1 else "sizes"
            raise ValueError(f"{' and '.join(given)} {verb} the gate networks of --method rda "
                             f"or relaxed; --method automata (the default for sequential "
                             f"targets) synthesises its logic from the learned machine: "
                             f"drop {' and '.join(given)} or pass --method rda")
    elif getattr(args, "encoding", None) is not None:
        raise ValueError(f"--encoding sets the state codes of --method automata; --method "
                         f"{method} learns its own: drop --encoding")
    elif args.layers is not None and args.gates is None:
        raise ValueError("--layers sets the depth of a network of --gates cells: pass "
                         "--gates too")


def run_learn(args, target: Netlist) -> int:
    """Learn a sequential target; exit 0 when exact, 1 otherwise."""
    method = args.method or DEFAULT_METHOD
    if method != "automata" and method not in METHODS:
        raise ValueError(f"method {method!r} cannot learn a sequential target; use "
                         f"automata or one of {', '.join(METHODS)}")
    _check_flags(args, method)
    cycles = DEFAULT_CYCLES
    _err(f"learning {target!r} from its behaviour by {method}")
    if method == "automata":
        result = learn_automaton(target, args.seed, cycles=cycles,
                                 encoding=args.encoding or "binary",
                                 time_limit=args.time_limit or 300.0, progress=_err)
        _err(f"{result.seconds:.2f} s, {result.sequences} traces (longest {result.length}), "
             f"{result.rounds} rounds; {result.states} states; checked: {result.checked}")
    else:
        sizes = {} if args.gates is None else {"sizes": ((args.gates, args.layers or 4),)}
        result = learn_sequential(target, method, args.seed, args.steps, cycles=cycles,
                                  progress=_err, time_limit=args.time_limit, **sizes)
        _err(f"{result.seconds:.2f} s, {result.steps} steps; checked: {result.checked}")
    print(f"exact match: {'yes' if result.exact else 'no'}")
    print(f"accuracy: {result.accuracy:.4f}")
    print(f"state bits: {result.state_bits}")
    print(f"gates: {result.gates}")
    if args.out:
        save_blif(result.netlist, args.out, comment=f"learned from the behaviour of "
                  f"{args.target} by catlearn ({method}, seed {args.seed})")
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


def _search(args, a: Netlist, b: Netlist, cycles: int, verdicts: list) -> None:
    try:
        found = bounded_counterexample(a, b, cycles)
    except ValueError as error:
        print(f"search: skipped ({error})")
        return
    verdicts.append(found is None)
    print(f"search: {'no' if found is None else 'a'} distinguishing input sequence "
          f"within {cycles} cycles from reset")
    if found is not None:
        for t, step in enumerate(found["inputs"]):
            print(f"  step {t}: " + " ".join(f"{s}={v}" for s, v in step.items()))
        for key, path in (("a", args.a), ("b", args.b)):
            print(f"  {path} then outputs " + " ".join(f"{s}={v}"
                                                       for s, v in found[key].items()))


def run_equiv(args, a: Netlist, b: Netlist) -> int:
    """Bounded equivalence from reset; exit 0 equivalent, 1 not, 2 undecided."""
    cycles = DEFAULT_CYCLES if args.cycles is None else args.cycles
    if cycles < 1:
        raise ValueError(f"--cycles must be at least 1, got {cycles}")
    check_ports(a, b, args.a, args.b)
    verdicts: list = []
    _search(args, a, b, cycles, verdicts)
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
        raise RuntimeError(f"the exhaustive search and yosys disagree on {args.a} and "
                           f"{args.b}; please report this pair")
    print(f"equivalent: {'yes' if verdicts[0] else 'no'} ({cycles} cycles from reset)")
    return 0 if verdicts[0] else 1
