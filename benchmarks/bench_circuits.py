"""Real netlists as Z2 maps: bit-packed evaluation and reverse pass against raw numpy.

Circuits nobody here wrote: ISCAS-85 c6288 (16x16 multiplier) and c7552 (adder /
comparator), and the EPFL multiplier (64x64), from the structural Verilog of primitive
gates that the PyPI package ``circuitgraph`` ships (``pip install circuitgraph``; only this
benchmark needs it).  A small reader below turns that Verilog into a
:class:`~catlearn.netlist.Netlist`; :func:`~catlearn.circuits.convert.to_map` makes it a
Z2 map in one pass.

Reference: the loop anyone would write by hand over the *same netlist gates*, one numpy
bitwise call per two-input gate (plus one ``invert`` for NAND/NOR/XNOR), dead wires freed;
its reverse pass applies each gate's derivative (AND: ``dz & other``; OR: ``dz & ~other``;
XOR, NOT: ``dz``) walking the gates backwards.  catlearn's input cotangents are checked
equal to the reference's.

Run: python benchmarks/bench_circuits.py [--examples 1000000] [--repeat 3]
     [--circuits c6288 c7552 multiplier]
"""

from __future__ import annotations

import argparse
import re
import time
from pathlib import Path

import numpy as np

from catlearn import Lens, R
from catlearn.netlist import Netlist, gate
from catlearn.circuits.convert import to_map

# the biggest circuit's residuals (every wire, 1e6 examples) would need ~6 GB: fewer examples
EXAMPLES = {"multiplier": 100_000}
_TOKEN = re.compile(r"\\\S+|[A-Za-z_][A-Za-z0-9_$.\[\]]*|\d+'b[01]|[(),=;]")
PRIMITIVES = {"and", "nand", "or", "nor", "xor", "xnor", "not", "buf"}


def netlists_folder() -> Path:
    try:
        import circuitgraph
    except ImportError:
        raise SystemExit("this benchmark reads the netlists shipped by circuitgraph: "
                         "pip install circuitgraph") from None
    return Path(circuitgraph.__file__).parent / "netlists"


def read_gate_verilog(path: Path) -> Netlist:
    """A flat module of Verilog gate primitives and ``assign a = b;`` as a Netlist."""
    text = re.sub(r"//[^\n]*|/\*.*?\*/", " ", path.read_text(), flags=re.S)
    inputs, outputs, specs, name = [], [], [], path.stem
    for statement in text.split(";"):
        tokens = [t[1:] if t.startswith("\\") else t for t in _TOKEN.findall(statement)]
        if not tokens:
            continue
        head, names = tokens[0], [t for t in tokens[1:] if t not in "(),="]
        if head == "module":
            name = names[0]
        elif head in ("input", "output"):
            (inputs if head == "input" else outputs).extend(names)
        elif head == "assign":
            kind = {"1'b0": "zero", "1'b1": "one"}.get(names[1], "buf")
            specs.append((names[0], kind, () if kind != "buf" else (names[1],)))
        elif head in PRIMITIVES:
            ports = names[1:] if tokens[1] != "(" else names  # the instance name is optional
            specs.append((ports[0], head, tuple(ports[1:])))
        elif head not in ("wire", "endmodule"):
            raise ValueError(f"{path.name}: unsupported statement {' '.join(tokens[:4])}")
    return Netlist(name, tuple(inputs), tuple(outputs),
                   tuple(gate(out, kind, ins) for out, kind, ins in specs))


# -- the hand-written reference --------------------------------------------------------

_REDUCE = {"and": np.bitwise_and, "nand": np.bitwise_and, "or": np.bitwise_or,
           "nor": np.bitwise_or, "xor": np.bitwise_xor, "xnor": np.bitwise_xor}
_INVERTED = {"nand", "nor", "xnor"}


def kinds(netlist: Netlist) -> list[str]:
    """The primitive each gate came from, recognised from its cover."""
    covers = {}
    for kind in PRIMITIVES | {"zero", "one"}:
        for k in range(0, 9):
            try:
                covers[(k, gate("y", kind, [f"i{j}" for j in range(k)]).cover)] = kind
            except ValueError:
                continue
    return [covers[(len(g.inputs), g.cover)] for g in netlist.gates]


def plan(netlist: Netlist):
    """The gates over integer registers, with the registers dead after each (built once,
    not timed): ``(kind, output, inputs, dead)``."""
    index = {s: i for i, s in enumerate(netlist.inputs)}
    for g in netlist.gates:
        index[g.output] = len(index)
    last = {index[s]: k for k, g in enumerate(netlist.gates) for s in g.inputs}
    keep = {index[s] for s in netlist.outputs}
    dead = [[] for _ in netlist.gates]
    for r, k in last.items():
        if r not in keep:
            dead[k].append(r)
    steps = [(kind, index[g.output], tuple(index[s] for s in g.inputs), tuple(dead[k]))
             for k, (g, kind) in enumerate(zip(netlist.gates, kinds(netlist)))]
    return steps, len(index), [index[s] for s in netlist.outputs]


def reference_forward(program, words, keep_all=False):
    """One numpy call per two-input gate over packed words (plus one invert for NAND,
    NOR, XNOR); registers freed after their last use unless ``keep_all``."""
    steps, size, outputs = program
    regs = list(words) + [None] * (size - len(words))
    for kind, out, ins, dead in steps:
        if kind in _REDUCE:
            op = _REDUCE[kind]
            v = op(regs[ins[0]], regs[ins[1]]) if len(ins) > 1 else regs[ins[0]].copy()
            for i in ins[2:]:
                op(v, regs[i], out=v)
            if kind in _INVERTED:
                np.invert(v, out=v)
        elif kind == "not":
            v = np.invert(regs[ins[0]])
        elif kind == "buf":
            v = regs[ins[0]]
        else:
            v = np.full_like(words[0], ~np.uint64(0) if kind == "one" else 0)
        regs[out] = v
        if not keep_all:
            for r in dead:
                regs[r] = None
    return regs if keep_all else [regs[o] for o in outputs]


def reference_reverse(program, regs, n_inputs, dys):
    """Each gate's derivative applied walking the gates backwards, cotangents XORed."""
    steps, size, outputs = program
    cot = [None] * size
    for o, dy in zip(outputs, dys):
        cot[o] = dy if cot[o] is None else cot[o] ^ dy
    for kind, out, ins, _ in reversed(steps):
        dz = cot[out]
        if dz is None or not ins:
            continue
        for i, r in enumerate(ins):
            if kind in ("and", "nand", "or", "nor"):
                others = [regs[j] for k, j in enumerate(ins) if k != i]
                if not others:
                    d = dz
                else:
                    rest = others[0] if len(others) == 1 else _REDUCE[kind].reduce(others)
                    d = dz & rest if kind in ("and", "nand") else dz & ~rest
            else:
                d = dz
            cot[r] = d if cot[r] is None else cot[r] ^ d
    return [cot[r] if cot[r] is not None else np.zeros_like(dys[0]) for r in range(n_inputs)]


def best(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def bench(path: Path, examples: int, repeat: int) -> None:
    start = time.perf_counter()
    netlist = read_gate_verilog(path)
    program = plan(netlist)
    t_read = time.perf_counter() - start
    start = time.perf_counter()
    f = to_map(netlist)
    t_map = time.perf_counter() - start
    start = time.perf_counter()
    lens, rf = Lens.R(f), R(f)
    run, fwd, bwd, rev = f.compiled, lens.fwd.compiled, lens.bwd.compiled, rf.compiled
    t_compile = time.perf_counter() - start
    rng = np.random.default_rng(0)
    n_words, n = -(-examples // 64), len(netlist.inputs)
    words = [rng.integers(0, 2**63, n_words, dtype=np.uint64) for _ in netlist.inputs]
    dys = [rng.integers(0, 2**63, n_words, dtype=np.uint64) for _ in netlist.outputs]
    assert all(np.array_equal(a, b) for a, b in zip(run(*words),
                                                    reference_forward(program, words)))
    full = reference_forward(program, words, keep_all=True)
    assert all(np.array_equal(a, b) for a, b in
               zip(rev(*words, *dys), reference_reverse(program, full, n, dys)))
    res = fwd(*words)[:len(lens.res)]
    times = {
        "ref forward": best(lambda: reference_forward(program, words), repeat),
        "catlearn forward": best(lambda: run(*words), repeat),
        "ref fwd + reverse": best(lambda: reference_reverse(
            program, reference_forward(program, words, True), n, dys), repeat),
        "catlearn R(f)": best(lambda: rev(*words, *dys), repeat),
        "ref reverse only": best(lambda: reference_reverse(program, full, n, dys), repeat),
        "catlearn lens bwd": best(lambda: bwd(*res, *dys), repeat),
    }
    _print(netlist, f, examples, n_words, (t_read, t_map, t_compile), times)


def _print(netlist, f, examples, n_words, setup, times) -> None:
    evals = netlist.n_gates * examples
    print(f"\n{netlist.name}: {len(netlist.inputs)} inputs, {len(netlist.outputs)} outputs, "
          f"{netlist.n_gates} gates -> {len(f.ops)} Z2 ops; {examples:,} examples "
          f"({n_words} words per wire)")
    print(f"  read Verilog {setup[0]:.2f} s, to_map {setup[1]:.2f} s, "
          f"compile (map, lens, R) {setup[2]:.2f} s")
    print(f"  {'':24}{'seconds':>9}{'G gate-evals/s':>16}{'ref / catlearn':>16}")
    pairs = [("ref forward", "catlearn forward"), ("ref fwd + reverse", "catlearn R(f)"),
             ("ref reverse only", "catlearn lens bwd")]
    for ref, ours in pairs:
        for label in (ref, ours):
            ratio = f"{times[ref] / times[ours]:16.2f}" if label == ours else ""
            print(f"  {label:24}{times[label]:9.4f}{evals / times[label] / 1e9:16.2f}{ratio}")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--circuits", nargs="+", default=["c6288", "c7552", "multiplier"])
    args = parser.parse_args(argv)
    folder = netlists_folder()
    for name in args.circuits:
        examples = min(args.examples, EXAMPLES.get(name, args.examples))
        bench(folder / f"{name}.v", examples, args.repeat)


if __name__ == "__main__":
    main()
