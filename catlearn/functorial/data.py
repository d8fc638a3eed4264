"""Unpaired image domains made from scikit-learn's 8x8 digits (no download).

* :func:`cycle_domains`: domain ``A`` = digits, domain ``B`` = colour-inverted digits
  (``1 - x``).  The training images of ``A`` and ``B`` come from *disjoint* halves of the
  training split, so no image is ever seen with its partner; the test split keeps the
  pairs, only to measure.
* :func:`object_domains`: images *with* an object (a vertical bar in the first or last
  column, its side the ground-truth latent) and *without* it, again from disjoint halves.

Pixels are in ``[0, 1]``, flattened to 64 values, row-major.

>>> d = cycle_domains(seed=0)
>>> d.train["A"].shape[1], d.test["B"].shape == d.test["A"].shape
(64, True)
>>> bool(abs(d.test["A"] + d.test["B"] - 1).max() < 1e-12)
True
>>> o = object_domains(seed=0)
>>> bool((o.test["W"].reshape(-1, 8, 8)[o.side == 0, 1:7, 0] == 1).all())
True
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

SIDE = 8
BAR_ROWS = slice(1, 7)
BAR_COLUMNS = (0, SIDE - 1)


def digits() -> tuple[np.ndarray, np.ndarray]:
    """scikit-learn's digits, pixels scaled to ``[0, 1]``, and their classes."""
    from sklearn.datasets import load_digits
    d = load_digits()
    return d.data / 16.0, d.target


def invert(x: np.ndarray) -> np.ndarray:
    """Colour inversion ``1 - x``."""
    return 1.0 - x


def with_bar(x: np.ndarray, side: np.ndarray) -> np.ndarray:
    """``x`` with a bright vertical bar in column 0 (``side == 0``) or 7 (``side == 1``)."""
    images = x.reshape(-1, SIDE, SIDE).copy()
    for s, column in enumerate(BAR_COLUMNS):
        images[side == s, BAR_ROWS, column] = 1.0
    return images.reshape(len(x), -1)


@dataclass(frozen=True, eq=False)
class Domains:
    """Unpaired training samples per atom; paired test samples and labels to measure."""

    train: dict
    test: dict
    train_labels: dict
    test_labels: np.ndarray
    side: np.ndarray | None = None


def _split(seed: int, test_fraction: float):
    x, y = digits()
    order = np.random.default_rng(seed).permutation(len(x))
    n_test = int(round(test_fraction * len(x)))
    test, train = order[:n_test], order[n_test:]
    half = len(train) // 2
    return x, y, train[:half], train[half:], test


def cycle_domains(seed: int = 0, test_fraction: float = 0.25) -> Domains:
    """Digits (``A``) and inverted digits (``B``), unpaired in training."""
    x, y, first, second, test = _split(seed, test_fraction)
    return Domains({"A": x[first], "B": invert(x[second])},
                   {"A": x[test], "B": invert(x[test])},
                   {"A": y[first], "B": y[second]}, y[test])


def object_domains(seed: int = 0, test_fraction: float = 0.25) -> Domains:
    """Digits with a bar (``W``) and without (``O``), unpaired in training.

    ``test["W"]`` is ``test["O"]`` with a bar on the side ``side`` (0 left, 1 right).
    """
    x, y, first, second, test = _split(seed, test_fraction)
    rng = np.random.default_rng(seed + 1)
    side_train = rng.integers(0, 2, len(first))
    side = rng.integers(0, 2, len(test))
    return Domains({"W": with_bar(x[first], side_train), "O": x[second]},
                   {"W": with_bar(x[test], side), "O": x[test]},
                   {"W": y[first], "O": y[second]}, y[test], side)
