"""Drawing diagrams, their reverse derivatives, lenses and parametrised maps.

:func:`draw` renders a diagram with DisCoPy (top to bottom) into a
:class:`Picture`: SVG text and PNG bytes, shown inline by Jupyter
(``_repr_svg_``; DisCoPy 1.2.2 has none) and saved with :meth:`Picture.save`.
Rendering is headless: a matplotlib figure is drawn, written to memory and
closed, and SVG keeps box names as text.

:func:`draw_lens` and :func:`draw_para` draw a model as the papers do, left
to right: each generator a stage, forward wires on top going right, backward
wires below coming back, each residual a wire from the forward half down to
the backward half, and parameters as wires entering from above (with their
cotangents leaving upwards, for lenses).

>>> from catlearn.diagrams import models
>>> picture = draw(models.dense_diagram(2, 2, "relu", "L"))
>>> "linear" in picture.svg and picture.png[:4] == b"\\x89PNG"
True
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import matplotlib
from discopy import markov

from catlearn.diagrams import signature as sig
from catlearn.diagrams.reverse import residual_size, reverse
from catlearn.diagrams.wiring import placed_boxes

MAX_INCHES = 30.0


@dataclass(frozen=True, repr=False)
class Picture:
    """A rendered drawing: ``svg`` (text) and ``png`` (bytes); Jupyter shows the SVG."""

    svg: str
    png: bytes

    def _repr_svg_(self) -> str:
        return self.svg

    def __repr__(self) -> str:
        return f"Picture(svg: {len(self.svg) // 1024} kB, png: {len(self.png) // 1024} kB)"

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


def _pyplot():
    import matplotlib.pyplot as plt
    return plt


def _picture(fig, path=None) -> Picture:
    """Write a figure to SVG and PNG in memory, close it, and save it if asked."""
    plt = _pyplot()
    try:
        svg, png = io.StringIO(), io.BytesIO()
        with matplotlib.rc_context({"svg.fonttype": "none"}):
            fig.savefig(svg, format="svg", facecolor="white")
        fig.savefig(png, format="png", dpi=100, facecolor="white")
    finally:
        plt.close(fig)
    picture = Picture(svg.getvalue(), png.getvalue())
    if path is not None:
        picture.save(path)
    return picture


def draw(diagram, path=None, **params) -> Picture:
    """Render a diagram with DisCoPy; save it to ``path`` (``.svg``/``.png``) if given.

    ``params`` go to DisCoPy's ``draw`` (``fontsize``, ``wire_labels``,
    ``figsize``, ...); margins default to a little room so that no wire is
    cropped, and large diagrams are scaled to at most ``MAX_INCHES``.
    """
    drawing = diagram.to_drawing()
    width, height = max(drawing.width, 1.0), max(drawing.height, 1.0)
    scale = min(1.0, MAX_INCHES / max(width, height))
    params.setdefault("figsize", (max(width * scale, 2.0), max(height * scale, 2.0)))
    params.setdefault("aspect", "equal")
    params.setdefault("margins", (0.1, 0.1))
    params.setdefault("fontsize", max(6, round(12 * scale)))
    plt = _pyplot()
    with plt.ioff():
        drawing.draw(show=False, **params)
        return _picture(plt.gcf(), path)


def draw_reverse(diagram, path=None, **params) -> Picture:
    """Render ``reverse(diagram)``, the diagram of the reverse derivative."""
    return draw(reverse(diagram), path, **params)


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

    >>> from catlearn.diagrams import models
    >>> [(s.box.name, s.params) for s in stages(models.dense_diagram(2, 3, None, "L"))]
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

    >>> from catlearn.diagrams import models
    >>> "R[linear]" in draw_lens(models.dense_diagram(2, 2, "tanh", "L")).svg
    True
    """
    plt = _pyplot()
    with plt.ioff():
        return _picture(_lens_figure(diagram, lens=True), path)


def draw_para(diagram, path=None) -> Picture:
    """Draw ``diagram`` as a parametrised map: data left to right, parameters from above.

    >>> from catlearn.diagrams import models
    >>> ">L.W<" in draw_para(models.dense_diagram(2, 2, "tanh", "L")).svg
    True
    """
    plt = _pyplot()
    with plt.ioff():
        return _picture(_lens_figure(diagram, lens=False), path)
