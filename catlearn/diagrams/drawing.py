"""Drawing diagrams, their reverse derivatives, maps, lenses and parametrised maps.

:func:`draw` turns a diagram into a :class:`~catlearn.display.graph.Graph` in
one pass over its boxes (swaps and copies become the wires' routes, a
parameter box the name its wire starts from) and lays it out with
:mod:`catlearn.display`: independent boxes share a row, each wire is one
curve, and the cost is linear in the number of boxes.  The result is a
:class:`~catlearn.display.Picture` (SVG text, PNG on demand), shown inline by
Jupyter; diagrams display themselves that way once this module is imported
in a notebook (a display formatter registered with IPython).  :func:`draw`
also takes a :class:`~catlearn.core.Map`, a :class:`~catlearn.lens.Lens`, a
:class:`~catlearn.para.Para`, a :class:`~catlearn.diagrams.Model` or a
:class:`~catlearn.netlist.Netlist`.

:func:`draw_lens` and :func:`draw_para` draw a model as the papers do, left
to right: each generator a stage, forward wires on top going right, backward
wires below coming back, each residual a wire from the forward half down to
the backward half, and parameters as wires entering from above (with their
cotangents leaving upwards, for lenses).

>>> from catlearn.diagrams import builtin
>>> picture = draw(builtin.dense_diagram(2, 2, "relu", "L"), inputs=["x"])
>>> all(f">{name}<" in picture.svg for name in ("linear", "L.W", "x"))
True
>>> picture.png[:4] == b"\\x89PNG"
True
"""

from __future__ import annotations

import sys
from dataclasses import dataclass

from discopy import markov

from catlearn import display
from catlearn.netlist.netlist import Netlist
from catlearn.core import Map
from catlearn.diagrams import signature as sig
from catlearn.diagrams.interpret import Model
from catlearn.diagrams.reverse import residual_size, reverse
from catlearn.diagrams.wiring import placed_boxes
from catlearn.display import Picture
from catlearn.display.programs import (
    lens_graph,
    map_graph,
    netlist_graph,
    para_graph,
    wire_labels,
)
from catlearn.lens import Lens
from catlearn.para import Para

MAX_INCHES = 30.0


def _pyplot():
    import matplotlib.pyplot as plt
    return plt


def _picture(fig, path=None) -> Picture:
    """A matplotlib figure as a picture, the figure closed, saved if asked."""
    try:
        picture = display.figure_picture(fig)
    finally:
        _pyplot().close(fig)
    if path is not None:
        picture.save(path)
    return picture


def _wiring(box, args: list) -> list | None:
    """The wires after a wiring box (swap, copy, discard, one-wire merge); None for others."""
    if isinstance(box, markov.Swap):
        return args[len(box.left):] + args[:len(box.left)]
    if isinstance(box, markov.Copy):  # a discard is a copy to no wires
        return args * (len(box.cod) // max(len(box.dom), 1))
    if isinstance(box, markov.Merge) and len(box.dom) == 1:
        return args
    return None


def diagram_graph(diagram, inputs=None, outputs=None) -> display.Graph:
    """The graph of a diagram: its boxes, with wiring boxes turned into routes.

    ``inputs`` and ``outputs`` name the diagram's wires (by default each shows
    its type); parameter wires carry their parameter's name.

    >>> from catlearn.diagrams import builtin
    >>> g = diagram_graph(builtin.adder_diagram(1), ["a", "b"], ["s", "c"])
    >>> [n.label for n in g.nodes], [g.labels[w] for w in g.outputs]
    (['xor', 'and'], ['s', 'c'])
    """
    types = {k: str(atom) for k, atom in enumerate(diagram.dom.inside)}
    current, nodes, names = list(types), [], {}

    def fresh(atom):
        types[len(types)] = str(atom)
        return len(types) - 1
    for box, offset in placed_boxes(diagram):
        n = len(box.dom)
        args = current[offset:offset + n]
        new = _wiring(box, args)
        if new is None:
            new = [fresh(atom) for atom in box.cod.inside]
            kind = "param" if isinstance(box, sig.Param) else (
                "merge" if isinstance(box, markov.Merge) else "box")
            label = "+" if kind == "merge" and n else ("0" if kind == "merge" else box.name)
            nodes.append(display.Node(label, tuple(args), tuple(new), kind))
            if kind == "param":
                names[new[0]] = box.name
        current[offset:offset + n] = new
    dom = tuple(range(len(diagram.dom)))
    names.update(_names(inputs, dom, "inputs", diagram.dom))
    names.update(_names(outputs, tuple(current), "outputs", diagram.cod))
    labels = wire_labels(types, names, dom + tuple(current))
    return display.Graph(dom, tuple(nodes), tuple(current), labels)


def _names(given, wires: tuple, what: str, ty) -> dict:
    if given is None:
        return {}
    given = list(given)
    if len(given) != len(wires):
        raise ValueError(f"{len(given)} names for the {len(wires)} {what} of the diagram "
                         f"({ty}): {given}")
    return dict(zip(wires, map(str, given)))


def graph(obj, inputs=None, outputs=None) -> display.Graph:
    """The graph of a diagram, a Map, a Lens, a Para, a Model or a Netlist."""
    if isinstance(obj, markov.Diagram):
        return diagram_graph(obj, inputs, outputs)
    if inputs is not None or outputs is not None:
        raise ValueError("wire names (inputs=, outputs=) are for diagrams; a "
                         f"{type(obj).__name__} names its wires by type or parameter name")
    if isinstance(obj, Model):
        return para_graph(obj.para)
    if isinstance(obj, Para):
        return para_graph(obj)
    if isinstance(obj, Lens):
        return lens_graph(obj)
    if isinstance(obj, Map):
        return map_graph(obj)
    if isinstance(obj, Netlist):
        return netlist_graph(obj)
    raise TypeError(f"cannot draw a {type(obj).__name__}: expected a diagram, a Map, "
                    "a Lens, a Para, a Model or a Netlist")


def draw(obj, path=None, *, inputs=None, outputs=None) -> Picture:
    """Draw a diagram (or a Map, Lens, Para, Model, Netlist); save it to ``path`` if given.

    The format (``.svg`` or ``.png``) follows the suffix of ``path``; a netlist
    shows every net's name, its gates named by their covers.

    ``inputs`` and ``outputs`` name a diagram's input and output wires.
    """
    picture = display.picture(graph(obj, inputs, outputs))
    if path is not None:
        picture.save(path)
    return picture


def draw_reverse(diagram, path=None) -> Picture:
    """Draw ``reverse(diagram)``, the diagram of the reverse derivative."""
    return draw(reverse(diagram), path)


def _register_with_ipython() -> None:
    """Let a notebook show every diagram as its drawing (DisCoPy 1.2.2 has no ``_repr_svg_``)."""
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    if shell is not None:
        formatter = shell.display_formatter.formatters["image/svg+xml"]
        formatter.for_type(markov.Diagram, lambda diagram: draw(diagram).svg)


_register_with_ipython()


# -- lenses and parametrised maps, as the papers draw them ----------------------------


@dataclass(frozen=True)
class Stage:
    """One generator of a model: its box, the parameters it reads, the wires after it."""

    box: object
    params: tuple
    after: markov.Ty


_SPREAD = {
    markov.Swap: lambda box, ws: ws[len(box.left):] + ws[:len(box.left)],
    markov.Copy: lambda box, ws: ws * len(box.cod),
    markov.Discard: lambda box, ws: [],
    markov.Merge: lambda box, ws: [None],
}


def stages(diagram) -> list[Stage]:
    """The generator boxes of ``diagram`` in order, with the parameters each reads.

    >>> from catlearn.diagrams import builtin
    >>> [(s.box.name, s.params) for s in stages(builtin.dense_diagram(2, 3, None, "L"))]
    [('linear', ('L.W',)), ('bias', ('L.b',))]
    """
    names, atoms, out = [None] * len(diagram.dom), list(diagram.dom.inside), []
    for box, offset in placed_boxes(diagram):
        n = len(box.dom)
        args = names[offset:offset + n]
        if isinstance(box, sig.Param):
            new = [box.name]
        elif type(box) in _SPREAD:
            new = _SPREAD[type(box)](box, args)
        else:
            new = [None] * len(box.cod)
        names[offset:offset + n] = new
        atoms[offset:offset + n] = box.cod.inside
        if type(box) not in _SPREAD and not isinstance(box, sig.Param):
            data = [a for a, p in zip(atoms, names) if p is None]
            out.append(Stage(box, tuple(dict.fromkeys(a for a in args if a)),
                             markov.Ty(*data)))
    return out


def _stage_box(ax, x, stage, lens: bool) -> None:
    from matplotlib.patches import FancyBboxPatch
    bottom = -1.2 if lens else 0.2
    ax.add_patch(FancyBboxPatch((x - 0.8, bottom), 1.6, 2.0 - bottom,
                                boxstyle="round,pad=0.02", facecolor="#ffffff",
                                edgecolor="black"))
    shift = 0.12 * len(stage.params) if lens else 0.0  # room for the parameter wires
    ax.text(x + shift, 1.1, stage.box.name, ha="center", va="center", fontsize=10)
    if lens:
        ax.plot([x - 0.8, x + 0.8], [0.2, 0.2], color="black", linestyle=":", linewidth=0.8)
        ax.text(x + shift, -0.85, f"R[{stage.box.name}]", ha="center", va="center",
                fontsize=9)
        if residual_size(stage.box):
            ax.annotate("", (x + 0.5, -0.45), (x + 0.5, 0.75),
                        arrowprops={"arrowstyle": "->", "color": "gray"})
            ax.text(x + 0.55, 0.15, "M", fontsize=7, color="gray", va="center")


def _wire(ax, x0, x1, y, label, reverse_: bool = False) -> None:
    start, end = ((x1, y), (x0, y)) if reverse_ else ((x0, y), (x1, y))
    ax.annotate("", end, start, arrowprops={"arrowstyle": "->"})
    ax.text((x0 + x1) / 2, y + 0.12, label, ha="center", va="bottom", fontsize=7)


def _params(ax, x, stage, lens: bool) -> None:
    for k, name in enumerate(stage.params):
        px = x - 0.65 + 0.3 * k
        ax.annotate("", (px, 2.0), (px, 3.0), arrowprops={"arrowstyle": "->", "color": "red"})
        ax.text(px, 3.05, name, ha="center", va="bottom", fontsize=7, color="red", rotation=30)
        if lens:
            ax.annotate("", (px + 0.12, 3.0), (px + 0.12, -0.6),
                        arrowprops={"arrowstyle": "->", "color": "firebrick",
                                    "linestyle": "--"})


def _lens_figure(diagram, lens: bool):
    plt = _pyplot()
    parts = stages(diagram)
    if not parts:
        raise ValueError("the diagram has no generator boxes to draw as stages")
    fig, ax = plt.subplots(figsize=(min(2.4 * len(parts) + 2.4, 4 * MAX_INCHES), 4.5))
    types = [diagram.dom] + [s.after for s in parts]
    for k, stage in enumerate(parts):
        x = 3.0 * (k + 1)
        _stage_box(ax, x, stage, lens)
        _params(ax, x, stage, lens)
    for k, ty in enumerate(types):
        x0, x1 = 3.0 * k + (0.8 if k else 0.6), 3.0 * (k + 1) - (0.8 if k < len(parts) else 0.2)
        _wire(ax, x0, x1, 1.1, str(ty) or "1")
        if lens:
            _wire(ax, x0, x1, -0.85, (str(ty) or "1") + "'", reverse_=True)
    ax.set_xlim(0, 3.0 * (len(parts) + 1))
    ax.set_ylim(-1.6 if lens else 0.0, 3.9)
    ax.set_aspect("equal")
    ax.axis("off")
    return fig


def draw_lens(diagram, path=None) -> Picture:
    """Draw ``diagram`` as the lens ``R(diagram)``, left to right, as the papers do.

    Forward wires run right along the top, backward wires return along the
    bottom; parameters enter from above and their cotangents leave upwards.

    >>> from catlearn.diagrams import builtin
    >>> "R[linear]" in draw_lens(builtin.dense_diagram(2, 2, "tanh", "L")).svg
    True
    """
    plt = _pyplot()
    with plt.ioff():
        return _picture(_lens_figure(diagram, lens=True), path)


def draw_para(diagram, path=None) -> Picture:
    """Draw ``diagram`` as a parametrised map: data left to right, parameters from above.

    >>> from catlearn.diagrams import builtin
    >>> ">L.W<" in draw_para(builtin.dense_diagram(2, 2, "tanh", "L")).svg
    True
    """
    plt = _pyplot()
    with plt.ioff():
        return _picture(_lens_figure(diagram, lens=False), path)
