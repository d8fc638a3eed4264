"""Schematic figures of the teaching notebooks, drawn on a matplotlib ``Axes``.

The notebooks draw a few pictures that are not programs (those :mod:`catlearn.display`
draws from the maps themselves) but the papers' schematics, with formulas written in:

* :func:`optimizer_lens`: an optimizer as a lens ``(S @ P, S @ P) -> (P, P)``, its ``get``
  above its ``put`` and its state wire looping back (Cruttwell et al., Sec. 3.3);
* :func:`learner` and :func:`wire`: a learner ``(P, I, U, r)`` of *Backprop as Functor* as
  a box with its parameter and update wires, and the wires between learners.

Every function takes the ``Axes`` to draw on and returns it, so a notebook lays the figure
out itself.  Text is set at ``FONT`` points or more, readable when a figure 12 inches wide
is shown at a notebook's width (two lenses side by side).  matplotlib is imported when a function is called, never
when catlearn is imported.

>>> from matplotlib.figure import Figure
>>> ax = Figure(figsize=(4, 3)).subplots()
>>> ax = optimizer_lens(ax, "momentum", "v", "get: p", "put: v' = γv + d,  p' = p + v'")
>>> [t.get_text() for t in ax.texts if t.get_text().endswith("p'")]
["v', p'"]
>>> _primed("c, m, v")
"c', m', v'"
"""

from __future__ import annotations

FONT = 11
"""The smallest font size, in points, of the text in these figures."""

_ARROW = dict(arrowstyle="->", mutation_scale=14, lw=1.3)


def _arrow(ax, start, end, **style):
    from matplotlib.patches import FancyArrowPatch
    ax.add_patch(FancyArrowPatch(start, end, **{**_ARROW, **style}))


def optimizer_lens(ax, title: str, state: str, get: str, put: str, *, pieces: str = "",
                   incoming: str = "d = -η g"):
    """Draw an optimizer lens on ``ax``: ``get`` on top, ``put`` below, the state loop left.

    ``state`` names the state wires (``""``: none, as for plain gradient descent), and the
    outputs of ``put`` are drawn primed: ``state', p'``.  ``pieces`` is a line under the
    title (how the lens is built), ``incoming`` the label of what arrives from the loss.
    """
    from matplotlib.patches import Rectangle
    ax.set(xlim=(-2.6, 11.0), ylim=(0, 7.2))
    ax.set_axis_off()
    ax.add_patch(Rectangle((1.6, 0.4), 6.8, 5.4, fill=False, lw=1.2))
    ax.text(5, 6.75, title, ha="center", fontsize=FONT + 2, weight="bold")
    if pieces:
        ax.text(5, 6.15, pieces, ha="center", fontsize=FONT - 1, style="italic")
    for y, height, label in ((4.65, 1.3, get), (1.95, 2.1, put)):
        ax.add_patch(Rectangle((1.8, y - height / 2), 6.4, height, fc="whitesmoke", ec="black"))
        ax.text(5, y, label, ha="center", va="center", fontsize=FONT)
    for start, end in (((-0.6, 4.65), (1.8, 4.65)), ((8.2, 4.65), (10.6, 4.65)),
                       ((10.6, 1.95), (8.2, 1.95)), ((1.8, 1.95), (-0.6, 1.95))):
        _arrow(ax, start, end)
    _arrow(ax, (5, 4.0), (5, 3.0), color="grey")
    ax.text(5.2, 3.35, "residual", fontsize=FONT - 1, color="grey")
    ax.text(0.6, 4.9, f"{state}, p" if state else "p", ha="center", fontsize=FONT)
    ax.text(0.6, 2.2, f"{_primed(state)}, p'" if state else "p'", ha="center", fontsize=FONT)
    ax.text(9.6, 4.9, "to the model", ha="center", fontsize=FONT)
    ax.text(9.4, 2.2, incoming, ha="center", fontsize=FONT)
    if state:
        _arrow(ax, (-0.6, 1.95), (-0.6, 4.65), connectionstyle="arc3,rad=-0.9",
               color="tab:blue", linestyle="--")
        ax.text(-2.2, 3.05, f"state\n{state}", fontsize=FONT, color="tab:blue", ha="center")
    return ax


def _primed(state: str) -> str:
    """``"c, m, v"`` -> ``"c', m', v'"``: every state wire that ``put`` returns is new."""
    return ", ".join(f"{name.strip()}'" for name in state.split(","))


def learner(ax, x: float, name: str, param: str = "p"):
    """Draw a learner ``name`` as a box at ``x`` on ``ax``: its parameter ``param`` enters
    from above (red), its update ``U`` leaves upwards (dashed)."""
    from matplotlib.patches import Rectangle
    ax.add_patch(Rectangle((x, 1.0), 2.2, 2.4, fc="whitesmoke", ec="black"))
    ax.text(x + 1.1, 2.2, name, ha="center", va="center", fontsize=FONT + 1)
    _arrow(ax, (x + 0.7, 4.6), (x + 0.7, 3.4), color="tab:red")
    _arrow(ax, (x + 1.5, 3.4), (x + 1.5, 4.6), color="tab:red", linestyle="--")
    ax.text(x + 0.5, 4.7, param, color="tab:red", ha="center", fontsize=FONT)
    ax.text(x + 1.7, 4.7, "U", color="tab:red", ha="center", fontsize=FONT)
    return ax


def wire(ax, x0: float, x1: float, y: float, label: str, back: bool = False):
    """Draw a wire from ``x0`` to ``x1`` at height ``y`` (right to left and blue when
    ``back``: a target or a request travelling backwards), labelled above."""
    colour = "tab:blue" if back else "black"
    _arrow(ax, (x1, y) if back else (x0, y), (x0, y) if back else (x1, y), color=colour)
    ax.text((x0 + x1) / 2, y + 0.18, label, ha="center", fontsize=FONT, color=colour)
    return ax


__all__ = ["FONT", "optimizer_lens", "learner", "wire"]
