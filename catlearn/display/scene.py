"""A picture as a list of shapes, written as SVG text or rendered to PNG.

A :class:`Scene` holds boxes, curves, dots and texts in pixel coordinates
(origin top left, ``y`` down, as in SVG).  :func:`svg` writes it as SVG text
in one pass, every label kept as a ``<text>`` element so that a notebook can
search it; :func:`png` renders the same shapes with matplotlib's ``Figure``
(never ``pyplot``, so no window and no global state).

>>> scene = Scene(80, 40, (Rect(10, 10, 60, 20, "add"),), (), (), ())
>>> text = svg(scene)
>>> text.startswith("<svg") and ">add<" in text and 'height="40"' in text
True
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from html import escape

FONT = 12  # box labels, pixels
SMALL = 9  # wire labels, pixels
STYLE = {"box": ("#ffffff", "#222222"), "merge": ("#f2f2f2", "#222222")}  # fill, stroke
COLOURS = {"label": "#555555", "port": "#000000", "param": "#b22222", "title": "#000000"}


@dataclass(frozen=True)
class Rect:
    """A box with its label centred: top-left corner, width, height."""

    x: float
    y: float
    w: float
    h: float
    label: str
    kind: str = "box"


@dataclass(frozen=True)
class Curve:
    """A wire: a polyline of points joined by vertical-tangent cubic curves."""

    points: tuple


@dataclass(frozen=True)
class Text:
    """A label at ``(x, y)``: ``kind`` is ``label`` (wire), ``port``, ``param`` or ``title``."""

    x: float
    y: float
    text: str
    kind: str = "label"
    anchor: str = "start"


@dataclass(frozen=True)
class Scene:
    """Everything to draw, with the picture's size in pixels."""

    width: float
    height: float
    rects: tuple
    curves: tuple
    dots: tuple  # (x, y) centres of copy and discard dots
    texts: tuple


def _path(points) -> str:
    (x0, y0), rest = points[0], points[1:]
    parts = [f"M{x0:.1f},{y0:.1f}"]
    for x1, y1 in rest:
        if x1 == x0:
            parts.append(f"L{x1:.1f},{y1:.1f}")
        else:
            mid = (y0 + y1) / 2
            parts.append(f"C{x0:.1f},{mid:.1f} {x1:.1f},{mid:.1f} {x1:.1f},{y1:.1f}")
        x0, y0 = x1, y1
    return "".join(parts)


def _text(t: Text) -> str:
    size = FONT if t.kind in ("port", "title") else SMALL
    return (f'<text x="{t.x:.1f}" y="{t.y:.1f}" font-size="{size}" fill="{COLOURS[t.kind]}" '
            f'text-anchor="{t.anchor}">{escape(t.text, quote=False)}</text>')


def svg(scene: Scene) -> str:
    """The scene as an SVG document (sizes in pixels)."""
    w, h = int(scene.width + 0.5), int(scene.height + 0.5)
    out = [(f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" '
           f'viewBox="0 0 {w} {h}" font-family="DejaVu Sans, Arial, sans-serif">'),
           f'<rect width="{w}" height="{h}" fill="white"/>',
           '<g fill="none" stroke="#222222" stroke-width="1.2">']
    out.extend(f'<path d="{_path(c.points)}"/>' for c in scene.curves)
    out.append('</g><g fill="#222222">')
    out.extend(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.5"/>' for x, y in scene.dots)
    out.append("</g>")
    for r in scene.rects:
        fill, stroke = STYLE[r.kind]
        out.append(f'<rect x="{r.x:.1f}" y="{r.y:.1f}" width="{r.w:.1f}" height="{r.h:.1f}" '
                   f'rx="4" fill="{fill}" stroke="{stroke}"/>')
        out.append(f'<text x="{r.x + r.w / 2:.1f}" y="{r.y + r.h / 2 + FONT * 0.35:.1f}" '
                   f'font-size="{FONT}" text-anchor="middle">{escape(r.label, quote=False)}</text>')
    out.extend(_text(t) for t in scene.texts)
    out.append("</svg>")
    return "\n".join(out)


MAX_PIXELS = 8e6  # larger pictures are rendered smaller (PNG encoding time grows with area)


def png(scene: Scene) -> bytes:
    """The scene rendered to PNG bytes with matplotlib (scaled down past ``MAX_PIXELS`` pixels).

    Wires, dots and boxes go in one collection each, so that large pictures
    render in seconds; the boxes' corners are square here.
    """
    from matplotlib.collections import PatchCollection, PathCollection
    from matplotlib.figure import Figure
    from matplotlib.patches import Rectangle
    from matplotlib.path import Path

    scale = min(1.0, (MAX_PIXELS / max(scene.width * scene.height, 1)) ** 0.5)
    fig = Figure(figsize=(scene.width * scale / 100, scene.height * scale / 100), dpi=100)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, scene.width)
    ax.set_ylim(scene.height, 0)
    ax.axis("off")
    paths = [Path(*_mpl_path(c.points, Path)) for c in scene.curves]
    ax.add_collection(PathCollection(paths, facecolors="none", edgecolors="#222222",
                                     linewidths=1.2 * scale))
    if scene.dots:
        xs, ys = zip(*scene.dots)
        ax.plot(xs, ys, "o", color="#222222", markersize=4 * scale)
    boxes = [Rectangle((r.x, r.y), r.w, r.h) for r in scene.rects]
    ax.add_collection(PatchCollection(boxes, facecolors=[STYLE[r.kind][0] for r in scene.rects],
                                      edgecolors="#222222", linewidths=scale))
    for r in scene.rects:
        ax.text(r.x + r.w / 2, r.y + r.h / 2, r.label, ha="center", va="center",
                fontsize=FONT * 0.75 * scale)
    for t in scene.texts:
        ax.text(t.x, t.y, t.text, ha={"start": "left", "middle": "center"}.get(t.anchor, "right"),
                va="baseline", color=COLOURS[t.kind],
                fontsize=(FONT if t.kind in ("port", "title") else SMALL) * 0.75 * scale)
    data = io.BytesIO()
    fig.savefig(data, format="png", dpi=100, facecolor="white",
                pil_kwargs={"compress_level": 1})  # zlib's fastest: sparse drawings pack well
    return data.getvalue()


def _mpl_path(points, Path) -> tuple[list, list]:
    """The vertices and codes of :func:`_path`'s curve, for matplotlib."""
    (x0, y0), verts, codes = points[0], [points[0]], [Path.MOVETO]
    for x1, y1 in points[1:]:
        if x1 == x0:
            verts.append((x1, y1))
            codes.append(Path.LINETO)
        else:
            mid = (y0 + y1) / 2
            verts += [(x0, mid), (x1, mid), (x1, y1)]
            codes += [Path.CURVE4] * 3
        x0, y0 = x1, y1
    return verts, codes
