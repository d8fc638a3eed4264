"""Plot a training history: loss and accuracy per epoch (``History.plot`` calls this).

Figures are built with ``matplotlib.figure.Figure`` directly, never through ``pyplot``:
no GUI backend is ever chosen, so plotting works headless (saving renders with Agg) and a
notebook shows the returned figure as it shows any other.

>>> from catlearn.learning.history import History
>>> h = History().then(loss=1.0, accuracy=0.5, val_loss=1.2)
>>> h = h.then(loss=0.5, accuracy=0.8, val_loss=0.9)
>>> fig = plot_history(h)
>>> [ax.get_title() for ax in fig.axes]
['loss', 'accuracy']
"""

from __future__ import annotations

from pathlib import Path

import numpy as np


def plot_history(history, path=None):
    """A figure of a :class:`~catlearn.learning.history.History`'s loss (left) and
    accuracy (right) curves; saved to ``path`` if given.

    Validation curves are drawn when they were measured; the accuracy panel is empty
    (and says so) for a model that is not a classifier.
    """
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    figure = Figure(figsize=(9, 3.4), layout="constrained")
    for ax, metric in zip(figure.subplots(1, 2), ("loss", "accuracy")):
        ax.set_title(metric)
        ax.set_xlabel("epoch")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        drawn = False
        for name, label in ((metric, "train"), (f"val_{metric}", "validation")):
            values = np.array(getattr(history, name), dtype=float)
            if values.size and not np.isnan(values).all():
                ax.plot(history.epochs, values, marker="o" if len(values) < 30 else None,
                        label=label)
                drawn = True
        if drawn:
            ax.legend()
        else:
            ax.text(0.5, 0.5, "not measured", ha="center", va="center", transform=ax.transAxes)
    if path is not None:
        figure.savefig(Path(path))
    return figure
