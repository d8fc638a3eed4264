"""Pictures of sentences: a pregroup diagram (or a formal sum of them) to an SVG or PNG file.

DisCoPy 1.2.2 draws with matplotlib; the format follows the file's suffix.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg", force=False)


def write_diagram(diagram, path, figsize=None) -> None:
    """Draw ``diagram`` into ``path`` (``.svg`` or ``.png``)."""
    import matplotlib.pyplot as plt
    width = max(4, 1.3 * len([b for b in diagram.boxes if not b.dom]))
    diagram.draw(path=str(path), figsize=figsize or (width, 3), margins=(0.1, 0.1),
                 fontsize=12, show=False)
    plt.close("all")
