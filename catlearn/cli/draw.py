"""``catlearn draw MODEL --out FILE``: draw a built-in model or a BLIF circuit.

MODEL is ``mlp:4,8,3[:activation]`` (layer sizes), ``dense:4,3[:activation]``,
``adder:N`` (an N-bit ripple-carry adder of gates) or the path of a ``.blif``
file.  ``--view`` picks what is drawn: the diagram itself, the diagram of its
reverse derivative, or the model as a lens or a parametrised map, left to
right as the papers draw them.  The format (``.svg`` or ``.png``) follows
the suffix of FILE.

A drawing holds every gate, so a netlist of more than ``--max-gates`` gates (default
:data:`MAX_GATES`) is refused before anything is drawn, with a one-line summary
(inputs, outputs, gates, latches, depth): DisCoPy's layout needs time and memory that
grow faster than the circuit (3,400 gates: 26 s and 2.2 GB).  A sequential netlist
(with latches) is refused too: ``draw`` draws combinational circuits.

>>> print(model_diagram("dense:4,3:tanh").cod)
R3
>>> len(model_diagram("adder:1").boxes)
7
>>> port_names("adder:2")
(['a0', 'a1', 'b0', 'b1'], ['s0', 's1', 'cout'])
"""

from __future__ import annotations

import argparse
from pathlib import Path

from catlearn.cli import SUBCOMMANDS
from catlearn.cli import flags
from catlearn.files import check_writable

VIEWS = ("diagram", "reverse", "lens", "para")
MAX_GATES = 500


def add_parser(subparsers) -> argparse.ArgumentParser:
    """Add ``draw`` to the top-level ``catlearn`` parser."""
    p = subparsers.add_parser("draw", help=SUBCOMMANDS["draw"][1],
                              description=__doc__.splitlines()[0])
    p.add_argument("model", metavar="MODEL",
                   help="mlp:4,8,3[:activation], dense:4,3[:activation], adder:N or a .blif path")
    p.add_argument("--out", required=True, metavar="FILE", help="where to write (.svg or .png)")
    p.add_argument("--view", choices=VIEWS, default="diagram",
                   help="diagram (default), reverse (its reverse derivative), lens or para")
    p.add_argument("--max-gates", type=flags.positive_int, default=MAX_GATES, metavar="N",
                   help=f"refuse netlists of more gates (default {MAX_GATES})")
    p.set_defaults(func=run)
    return p


def _sizes(spec: str, text: str) -> list[int]:
    try:
        sizes = [int(n) for n in text.split(",")]
    except ValueError:
        raise ValueError(f"model {spec!r}: sizes must be integers, like mlp:4,8,3") from None
    if any(n < 1 for n in sizes):
        raise ValueError(f"model {spec!r}: sizes must be positive")
    return sizes


def model_diagram(spec: str):
    """The diagram that a MODEL argument names."""
    from catlearn.diagrams import builtin  # DisCoPy: imported when a diagram is drawn

    if spec.lower().endswith(".blif"):
        from catlearn.netlist import load_blif
        return builtin.from_netlist(load_blif(spec))
    kind, _, rest = spec.partition(":")
    args, _, activation = rest.partition(":")
    activation = activation or "relu"
    if kind == "mlp" and args:
        return builtin.mlp_diagram(_sizes(spec, args), activation)
    if kind == "dense" and args:
        sizes = _sizes(spec, args)
        if len(sizes) != 2:
            raise ValueError(f"model {spec!r}: dense takes two sizes, like dense:4,3")
        return builtin.dense_diagram(*sizes, activation, "dense")
    if kind == "adder" and args:
        return builtin.adder_diagram(_sizes(spec, args)[0])
    raise ValueError(f"unknown model {spec!r}: expected mlp:4,8,3, dense:4,3, adder:4 "
                     "or the path of a .blif file")


def summary(netlist) -> str:
    """Inputs, outputs, gates, latches and depth (gates on the longest path) of a netlist."""
    depth: dict = {}
    for g in netlist.gates:
        depth[g.output] = 1 + max((depth.get(s, 0) for s in g.inputs), default=0)
    return (f"{len(netlist.inputs)} inputs, {len(netlist.outputs)} outputs, "
            f"{len(netlist.gates)} gates, {len(netlist.latches)} latches, depth "
            f"{max(depth.values(), default=0)}")


def check_drawable(path: str, max_gates: int) -> None:
    """Refuse, in one line, a netlist too large to draw or one with latches."""
    from catlearn.netlist import load_blif

    netlist = load_blif(path)
    if netlist.latches:
        raise ValueError(f"{path} ({summary(netlist)}) is sequential: draw draws "
                         "combinational circuits only")
    if len(netlist.gates) > max_gates:
        raise ValueError(f"{path} ({summary(netlist)}) is too large to draw: more than "
                         f"--max-gates {max_gates}; pass --max-gates {len(netlist.gates)} "
                         "to draw it anyway (time and memory grow fast)")


def port_names(spec: str) -> tuple:
    """The names of a model's input and output wires; ``(None, None)`` to show types."""
    if spec.lower().endswith(".blif"):
        from catlearn.netlist import load_blif
        netlist = load_blif(spec)
        return list(netlist.inputs), list(netlist.outputs)
    kind, _, rest = spec.partition(":")
    if kind == "adder":
        n = _sizes(spec, rest.partition(":")[0])[0]
        return ([f"a{k}" for k in range(n)] + [f"b{k}" for k in range(n)],
                [f"s{k}" for k in range(n)] + ["cout"])
    return None, None


def run(args) -> int:
    out = Path(args.out)
    if out.suffix.lower() not in (".svg", ".png"):
        raise ValueError(f"--out {args.out!r}: the file must end in .svg or .png")
    check_writable(out, "--out")
    if args.model.lower().endswith(".blif"):
        check_drawable(args.model, args.max_gates)
    import matplotlib
    matplotlib.use("Agg")  # a command line draws to files only
    from catlearn.diagrams import drawing

    diagram = model_diagram(args.model)
    if args.view == "diagram":
        inputs, outputs = port_names(args.model)
        drawing.draw(diagram, out, inputs=inputs, outputs=outputs)
    else:
        draw = {"reverse": drawing.draw_reverse, "lens": drawing.draw_lens,
                "para": drawing.draw_para}[args.view]
        draw(diagram, out)
    print(f"wrote {out} ({args.view} of {args.model}: {len(diagram)} boxes)")
    return 0
