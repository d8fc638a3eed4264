"""Pictures of schemas: objects as nodes on a circle, generators as curved arrows.

>>> from catlearn.functorial.schema import cycle_schema
>>> schema_svg(cycle_schema()).startswith("<?xml")
True
"""

from __future__ import annotations

import io
import math


def _positions(schema) -> dict:
    n = len(schema.objects)
    if n == 1:
        return {schema.objects[0]: (0.0, 0.0)}
    return {ob: (math.cos(math.pi - 2 * math.pi * k / n), 0.6 * math.sin(math.pi - 2 * math.pi * k / n))
            for k, ob in enumerate(schema.objects)}


def _node(ob, pos: dict):
    """The drawn node holding ``ob``: itself, or the product it is an atom of."""
    if ob in pos:
        return ob
    for other in pos:
        if set(ob.atoms) <= set(other.atoms):
            return other
    raise ValueError(f"object {ob} is not drawn in the schema")


def draw_schema(schema, ax=None):
    """Draw ``schema`` on ``ax`` (a new figure when ``None``); returns the figure."""
    import matplotlib.pyplot as plt
    from matplotlib.patches import FancyArrowPatch
    if ax is None:
        _, ax = plt.subplots(figsize=(4.5, 3.0))
    pos = _positions(schema)
    for ob, (x, y) in pos.items():
        ax.text(x, y, str(ob).replace(" * ", " × "), ha="center", va="center", fontsize=14,
                bbox=dict(boxstyle="round,pad=0.4", fc="lightyellow", ec="black"))
    seen: dict = {}
    for g in schema.generators:
        a, b = pos[_node(g.dom, pos)], pos[_node(g.cod, pos)]
        key = frozenset((_node(g.dom, pos), _node(g.cod, pos)))
        bend = 0.35 * (1 + seen.get(key, 0))
        seen[key] = seen.get(key, 0) + 1
        if a == b:
            arrow = FancyArrowPatch((a[0] - 0.1, a[1] + 0.12), (a[0] + 0.1, a[1] + 0.12),
                                    connectionstyle="arc3,rad=-2.5", arrowstyle="-|>",
                                    mutation_scale=14)
            label = (a[0], a[1] + 0.45)
        else:
            arrow = FancyArrowPatch(a, b, connectionstyle=f"arc3,rad={bend}", arrowstyle="-|>",
                                    mutation_scale=14, shrinkA=28, shrinkB=28)
            mx, my = (a[0] + b[0]) / 2, (a[1] + b[1]) / 2
            dx, dy = b[0] - a[0], b[1] - a[1]
            label = (mx + bend * dy * 0.55, my - bend * dx * 0.55)
        ax.add_patch(arrow)
        ax.text(*label, g.name, ha="center", va="center", fontsize=12, color="darkblue")
    text = "\n".join(f"{e.lhs!r} = {e.rhs!r}" for e in schema.equations)
    ax.text(0.0, -0.95, text, ha="center", va="top", fontsize=10, family="monospace")
    ax.set_xlim(-1.5, 1.5)
    ax.set_ylim(-1.1 - 0.12 * len(schema.equations), 1.0)
    ax.set_axis_off()
    return ax.figure


def schema_svg(schema) -> str:
    """The picture of ``schema`` as SVG text."""
    import matplotlib
    import matplotlib.pyplot as plt
    with matplotlib.rc_context({"svg.fonttype": "none"}):
        fig = draw_schema(schema)
        out = io.StringIO()
        fig.savefig(out, format="svg", bbox_inches="tight")
        plt.close(fig)
    return out.getvalue()
