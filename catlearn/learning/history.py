"""The record of a training run: one row of metrics per epoch, as an immutable value.

>>> h = History().then(loss=0.5, accuracy=0.8).then(loss=0.25, accuracy=0.9)
>>> h.epochs, h.loss
((1, 2), (0.5, 0.25))
>>> h
History(2 epochs, last: loss 0.25, accuracy 0.9)
>>> History.from_arrays(h.arrays()) == h
True
>>> [ax.get_title() for ax in h.plot().axes]
['loss', 'accuracy']
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields

import numpy as np

from catlearn import display
from catlearn.learning.plot import plot_history

METRICS = ("loss", "accuracy", "val_loss", "val_accuracy")


@dataclass(frozen=True)
class History:
    """Per-epoch metrics; a metric not measured is ``nan`` (e.g. no validation data).

    ``loss`` and ``accuracy`` are means over the epoch's batches, each batch seen with
    the parameters it was trained from (as Keras reports them); ``val_*`` are measured
    on the validation data after the epoch.  ``seconds`` is wall time (not compared).
    """

    epochs: tuple = ()
    loss: tuple = ()
    accuracy: tuple = ()
    val_loss: tuple = ()
    val_accuracy: tuple = ()
    seconds: tuple = ()

    def __eq__(self, other) -> bool:
        if not isinstance(other, History):
            return NotImplemented
        return all(np.array_equal(getattr(self, m), getattr(other, m), equal_nan=True)
                   for m in ("epochs",) + METRICS)

    def __hash__(self) -> int:
        return hash(self.epochs)  # consistent with __eq__, which ignores ``seconds``

    def __len__(self) -> int:
        return len(self.epochs)

    def __repr__(self) -> str:
        if not self.epochs:
            return "History(0 epochs)"
        return f"History({len(self)} epochs, last: {self.summary()})"

    def plot(self, path=None):
        """A matplotlib figure of the loss and accuracy curves; saved to ``path`` if given."""
        return plot_history(self, path)

    def _repr_svg_(self) -> str | None:
        return display.figure_svg(self.plot()) if self.epochs else None

    def summary(self) -> str:
        """The last epoch's measured metrics, e.g. ``loss 0.25, accuracy 0.9``."""
        return ", ".join(f"{m.replace('_', ' ')} {getattr(self, m)[-1]:.4g}" for m in METRICS
                         if self.epochs and not math.isnan(getattr(self, m)[-1]))

    def then(self, seconds: float = float("nan"), **metrics: float) -> History:
        """This history with one more epoch; unknown metric names are refused."""
        unknown = set(metrics) - set(METRICS)
        if unknown:
            raise ValueError(f"unknown metrics {sorted(unknown)}; known: {METRICS}")
        row = {m: float(metrics.get(m, float("nan"))) for m in METRICS}
        return History(self.epochs + (len(self) + 1,),
                       *(getattr(self, m) + (row[m],) for m in METRICS),
                       self.seconds + (float(seconds),))

    def arrays(self) -> dict[str, np.ndarray]:
        """Every column as a float array, keyed ``history_<name>`` (for ``.npz`` files)."""
        return {f"history_{f.name}": np.array(getattr(self, f.name), dtype=float)
                for f in fields(self)}

    @staticmethod
    def from_arrays(arrays) -> History:
        """The inverse of :meth:`arrays`."""
        columns = {f.name: tuple(float(v) for v in arrays[f"history_{f.name}"])
                   for f in fields(History)}
        columns["epochs"] = tuple(int(e) for e in columns["epochs"])
        return History(**columns)
