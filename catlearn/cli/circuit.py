"""``catlearn circuit``: learn a circuit from a BLIF target, print a truth table, compare two.

* ``catlearn circuit learn TARGET.blif [--method rda|relaxed] [--gates N] [--layers L]
  [--seed S] [--steps K] [--time-limit SECONDS] [--out LEARNED.blif]`` learns the
  target's full truth table; progress goes to stderr, then stdout says
  ``exact match: yes|no``, ``accuracy: 0.xxxx`` and ``gates: N``; with ``--out`` the
  circuit is written (atomically) and yosys, when installed, says whether it is
  equivalent to the target.  ``--time-limit`` stops the search with the best circuit
  found so far.  The exit status is 0 for an exact circuit, 1 otherwise.
* ``catlearn circuit eval FILE.blif`` prints the truth table.
* ``catlearn circuit equiv A.blif B.blif`` compares two circuits on every input (up to 24
  inputs; ports are matched by name): ``equivalent: yes`` (exit 0) or ``equivalent: no``
  and a counterexample (exit 1).  Beyond 24 inputs yosys's SAT-based check decides
  (``equivalent: yes|no (proved by yosys)``); without yosys it says it cannot decide
  (exit 2).
* Sequential circuits (with ``.latch``): ``learn`` learns the behaviour from reset (by
  default as an automaton, ``--method automata``; ``--encoding`` picks the state codes) and
  ``equiv`` checks bounded equivalence from reset (``--cycles N``), see
  :mod:`catlearn.cli.circuit_sequential`.

Malformed input (a damaged file, a directory where a file is expected) is one line on
stderr and exit status 2 (``catlearn.cli.main``).

>>> a = Netlist.from_gates("a", "xy", "z", [("z", "and", "xy")])
>>> b = Netlist.from_gates("b", "yx", "z", [("z", "or", "yx")])
>>> counterexample(a, b)
{'inputs': {'x': 0, 'y': 1}, 'a': {'z': 0}, 'b': {'z': 1}}
"""

from __future__ import annotations

import argparse
import sys

import numpy as np

from catlearn.cli import SUBCOMMANDS
from catlearn.cli import circuit_fit, circuit_sequential
from catlearn.files import check_writable
from pathlib import Path

from catlearn.netlist.blif import load_blif, save_blif
from catlearn.circuits.learn import learn
from catlearn.circuits.search import METHODS
from catlearn.netlist.netlist import Netlist, check_same_ports
from catlearn.packing import truth_table_inputs
from catlearn.netlist.yosys import YosysError, yosys_available, yosys_equivalent

EXHAUSTIVE_LIMIT = 24  # inputs: 16M rows, compared in chunks
CHUNK = 18  # inputs enumerated per chunk: 2**18 rows, 4096 words per wire


def add_parser(subparsers) -> argparse.ArgumentParser:
    """Add ``circuit`` (with ``learn``, ``eval``, ``equiv``) to the ``catlearn`` parser."""
    p = subparsers.add_parser("circuit", help=SUBCOMMANDS["circuit"][1],
                              description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="circuit_command", required=True)
    p_learn = sub.add_parser("learn", help="learn a circuit from a BLIF target's truth table")
    p_learn.add_argument("target", metavar="TARGET.blif")
    p_learn.add_argument("--method", choices=sorted(METHODS) + ["automata"],
                         help="combinational targets: rda (default) or relaxed; sequential "
                         "targets: automata (default), rda or relaxed")
    p_learn.add_argument("--encoding", choices=circuit_sequential.ENCODINGS,
                         help="sequential targets, --method automata: state codes (default "
                         "binary, the fewest latches)")
    p_learn.add_argument("--gates", type=int, help="gates per network (default: grow)")
    p_learn.add_argument("--layers", type=int, help="layers per network, with --gates "
                         "(default 4)")
    p_learn.add_argument("--seed", type=int, default=0)
    p_learn.add_argument("--steps", type=int, help="updates for the largest network")
    p_learn.add_argument("--time-limit", type=float, metavar="SECONDS",
                         help="stop with the best circuit found within this many seconds")
    p_learn.add_argument("--out", metavar="LEARNED.blif", help="write the learned circuit")
    p_learn.set_defaults(func=run_learn)
    p_eval = sub.add_parser("eval", help="print a circuit's truth table")
    p_eval.add_argument("file", metavar="FILE.blif")
    p_eval.add_argument("--max-inputs", type=int, default=16,
                        help="refuse larger tables (default 16: 65,536 rows)")
    circuit_fit.add_eval_arguments(p_eval)
    p_eval.set_defaults(func=run_eval)
    circuit_fit.add_fit_parser(sub)
    p_equiv = sub.add_parser("equiv", help="compare two circuits on every input")
    p_equiv.add_argument("a", metavar="A.blif")
    p_equiv.add_argument("b", metavar="B.blif")
    p_equiv.add_argument("--cycles", type=int, metavar="N",
                         help="sequential circuits: steps compared from reset (default 24)")
    p_equiv.set_defaults(func=run_equiv)
    return p


def _positive(value, name: str) -> None:
    if value is not None and value < 1:
        raise ValueError(f"--{name} must be at least 1, got {value}")


def _file(path, what: str = "a BLIF file") -> str:
    """``path`` unless it names a directory (then a ValueError naming it)."""
    if Path(path).is_dir():
        raise ValueError(f"{path} is a directory, expected {what}")
    return path


def _read(path):
    return load_blif(_file(path))


def run_learn(args) -> int:
    """``catlearn circuit learn``."""
    for name in ("gates", "layers", "steps"):
        _positive(getattr(args, name), name)
    if args.time_limit is not None and args.time_limit <= 0:
        raise ValueError(f"--time-limit must be a positive number of seconds, got "
                         f"{args.time_limit:g}")
    target = _read(args.target)
    if args.out:
        check_writable(_file(args.out, "a file to write the learned BLIF to"), "--out")
    if target.is_sequential:
        return circuit_sequential.run_learn(args, target)
    circuit_sequential.refuse_on_combinational(args, args.target)
    args.method = args.method or "rda"
    if len(target.inputs) > 20:
        raise ValueError(f"{args.target} has {len(target.inputs)} inputs: learning reads "
                         f"the full truth table, limited to 20 inputs")
    print(f"learning {target!r} by {args.method}", file=sys.stderr)
    result = learn(target, args.method, args.gates, args.layers, args.seed, args.steps,
                   progress=lambda line: print(line, file=sys.stderr, flush=True),
                   time_limit=args.time_limit)
    print(f"{result.seconds:.2f} s, {result.steps} steps", file=sys.stderr)
    print(f"exact match: {'yes' if result.exact else 'no'}")
    print(f"accuracy: {result.accuracy:.4f}")
    print(f"gates: {result.gates}")
    if args.out:
        save_blif(result.netlist, args.out, comment=f"learned from {args.target} by "
                  f"catlearn ({args.method}, seed {args.seed})")
        print(f"wrote {args.out}")
        print(_yosys_verdict(args.out, args.target))
    return 0 if result.exact else 1


def _yosys_verdict(learned: str, target: str) -> str:
    if not yosys_available():
        return "yosys: not installed, equivalence not checked"
    try:
        same = yosys_equivalent(target, learned)
    except YosysError as error:
        return f"yosys: could not check ({error})"
    return f"yosys: {'equivalent' if same else 'NOT equivalent'} to {target}"


def run_eval(args) -> int:
    """``catlearn circuit eval``: the truth table, one row per line (or ``--data``)."""
    if args.data is not None:
        return circuit_fit.run_eval_data(args)
    netlist = _read(args.file)
    n = len(netlist.inputs)
    if n > args.max_inputs:
        raise ValueError(f"{args.file} has {n} inputs: its truth table has {1 << n:,} rows "
                         f"(more than --max-inputs {args.max_inputs} allows); evaluate it "
                         "on examples instead with --data FILE.csv")
    table = netlist.truth_table()
    print(" ".join(netlist.inputs), "|", " ".join(netlist.outputs))
    for r, outputs in enumerate(table):
        bits = [(r >> (n - 1 - i)) & 1 for i in range(n)]
        print(" ".join(f"{b:>{len(s)}}" for b, s in zip(bits, netlist.inputs)), "|",
              " ".join(f"{int(v):>{len(s)}}" for v, s in zip(outputs, netlist.outputs)))
    return 0


def run_equiv(args) -> int:
    """``catlearn circuit equiv``: exit 0 when equivalent, 1 with a counterexample."""
    _positive(args.cycles, "cycles")
    a, b = _read(args.a), _read(args.b)
    circuit_sequential.check_ports(a, b, args.a, args.b)
    if a.is_sequential or b.is_sequential:
        return circuit_sequential.run_equiv(args, a, b)
    if args.cycles is not None:
        raise ValueError(f"--cycles counts steps of sequential circuits (with latches); "
                         f"{args.a} and {args.b} are combinational: drop --cycles")
    if len(a.inputs) > EXHAUSTIVE_LIMIT:
        return _equiv_by_sat(args, a, b)
    found = counterexample(a, b)
    print(f"equivalent: {'yes' if found is None else 'no'}")
    if found is not None:
        print("counterexample: " + " ".join(f"{s}={v}" for s, v in found["inputs"].items()))
        for key, path in (("a", args.a), ("b", args.b)):
            print(f"  {path}: " + " ".join(f"{s}={v}" for s, v in found[key].items()))
    return 0 if found is None else 1


def _equiv_by_sat(args, a: Netlist, b: Netlist) -> int:
    """Past the exhaustive limit: yosys's SAT proof, or a plain 'cannot decide'."""
    check_same_ports(a, b)
    beyond = (f"{args.a} has {len(a.inputs)} inputs, past the {EXHAUSTIVE_LIMIT} that "
              f"catlearn compares exhaustively")
    if not yosys_available():
        print(f"cannot decide: {beyond}, and yosys, which proves equivalence with a SAT "
              f"solver, is not installed (e.g. 'apt-get install yosys')", file=sys.stderr)
        return 2
    try:
        same = yosys_equivalent(args.a, args.b)
    except YosysError as error:
        print(f"cannot decide: {beyond}, and yosys could not: {error}", file=sys.stderr)
        return 2
    print(f"equivalent: {'yes' if same else 'no'} (proved by yosys's SAT solver)")
    return 0 if same else 1


def _chunk_words(n: int, chunk: int) -> np.ndarray:
    """Packed inputs of rows ``chunk * 2**k ..`` (k = min(n, CHUNK)), input 0 most significant."""
    k = min(n, CHUNK)
    high = [np.full(1, ~np.uint64(0) if (chunk >> (n - k - 1 - i)) & 1 else np.uint64(0))
            for i in range(n - k)]
    low = truth_table_inputs(k)
    return np.vstack([np.broadcast_to(h, (low.shape[1],)) for h in high] + [low]) \
        if high else low


def counterexample(a: Netlist, b: Netlist) -> dict | None:
    """An input on which ``a`` and ``b`` differ (None if there is none), by trying all.

    Ports are matched by name, whatever their order.  Rows are enumerated in chunks of
    ``2**18``, so memory stays bounded up to ``EXHAUSTIVE_LIMIT`` inputs.

    Raises:
        ValueError: the circuits do not have the same input and output names, or too many
            inputs.
    """
    check_same_ports(a, b)
    n = len(a.inputs)
    if n > EXHAUSTIVE_LIMIT:
        raise ValueError(f"{a.name!r} has {n} inputs; exhaustive comparison stops at "
                         f"{EXHAUSTIVE_LIMIT}")
    to_b = [a.inputs.index(s) for s in b.inputs]
    outputs_b = [b.outputs.index(s) for s in a.outputs]
    k = min(n, CHUNK)
    for chunk in range(1 << (n - k)):
        words = _chunk_words(n, chunk)
        ya, yb = a.evaluate(words), b.evaluate(words[to_b])[outputs_b]
        diff = np.bitwise_or.reduce(ya ^ yb, axis=0) if len(ya) else np.zeros(1, np.uint64)
        if (1 << k) < 64:
            diff &= np.uint64((1 << (1 << k)) - 1)
        hit = np.flatnonzero(diff)
        if len(hit):
            w = int(hit[0])
            bit = (int(diff[w]) & -int(diff[w])).bit_length() - 1
            row = (chunk << k) + 64 * w + bit
            inputs = {s: (row >> (n - 1 - i)) & 1 for i, s in enumerate(a.inputs)}
            values = np.array([list(inputs.values())])
            return {"inputs": inputs,
                    "a": dict(zip(a.outputs, map(int, a(values)[0]))),
                    "b": dict(zip(b.outputs, map(int, b(values[:, to_b])[0])))}
    return None
