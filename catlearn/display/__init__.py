"""Pictures of catlearn's objects, for Jupyter and for files.

This package sits at the bottom of catlearn: it imports nothing of it, and
reads maps, lenses, parametrised maps, netlists and histories by their
attributes.  Each class displays itself with a one-line ``_repr_svg_`` that
calls a function here, so a notebook shows a picture, and no lower module
ever imports a higher one to draw itself.  (String diagrams are drawn by
:mod:`catlearn.diagrams.drawing`, which turns them into the same graphs.)

* :class:`Picture`: SVG text (``_repr_svg_``) and PNG bytes, saved by suffix;
* :func:`picture`: the picture of a :class:`~catlearn.display.graph.Graph`;
* :func:`map_svg`, :func:`lens_svg`, :func:`para_svg`, :func:`netlist_svg`,
  :func:`netlist_html`, :func:`figure_svg`: what the classes' ``_repr_*_`` call;
* :func:`fold` and :func:`summary`: types and models as short text.

>>> from catlearn import smooth
>>> "<svg" in map_svg(smooth.exp(2) >> smooth.sigmoid(2))
True
"""

from __future__ import annotations

import functools
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from html import escape
from pathlib import Path

from catlearn.display import scene as _scene
from catlearn.display.graph import Graph, Node, layout
from catlearn.display.programs import (
    fold,
    gate_label,
    lens_graph,
    map_graph,
    netlist_graph,
    para_graph,
)

__all__ = ["Graph", "Node", "Picture", "figure_picture", "figure_svg", "fold", "gate_label",
           "layout", "lens_svg", "map_svg", "netlist_html", "netlist_svg", "para_svg",
           "picture", "summary"]

LARGE = 300  # netlists with more gates display as a summary table


@dataclass(frozen=True, repr=False)
class Picture:
    """A rendered picture: ``svg`` text, its size in pixels, and ``png`` bytes on demand."""

    svg: str
    width: int
    height: int
    render: Callable[[], bytes] = field(compare=False)

    @functools.cached_property
    def png(self) -> bytes:
        return self.render()

    def _repr_svg_(self) -> str:
        return self.svg

    def __repr__(self) -> str:
        return f"Picture({self.width}x{self.height} pixels, svg: {len(self.svg) // 1024} kB)"

    def save(self, path) -> Path:
        """Write the picture as ``.svg`` or ``.png``, chosen by the suffix of ``path``."""
        path = Path(path)
        suffix = path.suffix.lower()
        if suffix == ".svg":
            path.write_text(self.svg, encoding="utf-8")
        elif suffix == ".png":
            path.write_bytes(self.png)
        else:
            raise ValueError(f"cannot save a drawing as {path.name!r}: use .svg or .png")
        return path


def picture(graph: Graph) -> Picture:
    """Lay out and render a graph."""
    shapes = layout(graph)
    return Picture(_scene.svg(shapes), round(shapes.width), round(shapes.height),
                   functools.partial(_scene.png, shapes))


def figure_svg(figure) -> str:
    """The SVG text of a matplotlib figure, its labels kept as text."""
    import matplotlib
    svg = io.StringIO()
    with matplotlib.rc_context({"svg.fonttype": "none"}):
        figure.savefig(svg, format="svg", facecolor="white")
    return svg.getvalue()


def figure_picture(figure) -> Picture:
    """A matplotlib figure as a picture; the figure is not kept."""
    png = io.BytesIO()
    figure.savefig(png, format="png", dpi=100, facecolor="white")
    width, height = figure.get_size_inches() * 72
    data = png.getvalue()
    return Picture(figure_svg(figure), round(width), round(height), lambda: data)


def map_svg(f) -> str:
    """A map's program, drawn."""
    return picture(map_graph(f)).svg


def lens_svg(lens) -> str:
    """A lens drawn as its optic: forward boxes above, backward boxes below."""
    return picture(lens_graph(lens)).svg


def para_svg(para) -> str:
    """A parametrised map, each parameter entering where it is read."""
    return picture(para_graph(para)).svg


def netlist_svg(netlist) -> str | None:
    """A netlist drawn, when it has at most ``LARGE`` gates (else ``None``: see netlist_html)."""
    return picture(netlist_graph(netlist)).svg if len(netlist.gates) <= LARGE else None


def netlist_html(netlist) -> str | None:
    """A summary table of a netlist past ``LARGE`` gates (else ``None``: it is drawn)."""
    if len(netlist.gates) <= LARGE:
        return None
    kinds: dict = {}
    for gate in netlist.gates:
        label = gate_label(gate)
        kinds[label] = kinds.get(label, 0) + 1
    rows = [("name", netlist.name), ("inputs", f"{len(netlist.inputs)}: {fold(netlist.inputs)}"),
            ("outputs", f"{len(netlist.outputs)}: {fold(netlist.outputs)}"),
            ("gates", f"{len(netlist.gates)}: " + ", ".join(
                f"{n} {k}" for k, n in sorted(kinds.items(), key=lambda kv: -kv[1]))),
            ("latches", str(len(getattr(netlist, "latches", ()))))]
    body = "".join(f"<tr><th>{escape(k)}</th><td>{escape(v)}</td></tr>" for k, v in rows)
    return f"<table>{body}</table>"


def _count(wire) -> int:
    shape = getattr(wire, "shape", ())
    return functools.reduce(lambda a, b: a * b, shape, 1)


def summary(para) -> str:
    """A parametrised map as a table of its layers and parameters, like Keras's ``summary()``.

    >>> from catlearn import smooth, Para
    >>> print(summary(Para.named((("W", smooth.linear(2, 3).dom[0]),), smooth.linear(2, 3))))
    layer   output  parameters  count
    linear  R^3     W: P^3x2    6
    total: 6 parameters in 1 array(s); input R^2, output R^3
    """
    f = para.f.get if hasattr(para.f, "fwd") else para.f  # a Para over lenses: its get
    names = para.names or tuple(f"p{k}" for k in range(len(para.param)))
    params = dict(zip(f.inputs, zip(names, para.param)))
    rows = [("layer", "output", "parameters", "count")]
    for op in f.ops:
        read = [params[r] for r in op.ins if r in params]
        rows.append((op.gen.name, fold([f.types[r] for r in op.outs]),
                     ", ".join(f"{n}: {w!r}" for n, w in read),
                     str(sum(_count(w) for _, w in read)) if read else ""))
    widths = [max(len(r[k]) for r in rows) for k in range(4)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows]
    total = sum(_count(w) for w in para.param)
    lines.append(f"total: {total} parameters in {len(para.param)} array(s); "
                 f"input {fold(para.dom)}, output {fold(para.cod)}")
    return "\n".join(lines)
