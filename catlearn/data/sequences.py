"""Sequence tasks generated in the package: the adding problem and bit-string parity.

* :func:`adding_problem` (Hochreiter and Schmidhuber, 1997): each step carries a value in
  [0, 1] and a marker; exactly two steps are marked, one in each half; the target is the
  sum of the two marked values.  Predicting the mean, 1.0, has mean squared error 1/6
  (the variance of a sum of two uniforms): that is the trivial baseline.
* :func:`parity_sequences`: random bit strings, label their parity (XOR of all bits);
  the trivial baseline (the majority class) is 50 %.

Everything is seeded and returns numpy arrays ``x`` (n, length, features) and ``y``.

>>> x, y = adding_problem(4, 20, seed=0)
>>> x.shape, y.shape, x[:, :, 1].sum(axis=1).tolist()
((4, 20, 2), (4, 1), [2.0, 2.0, 2.0, 2.0])
>>> x, y = parity_sequences(3, 16, seed=0)
>>> bool((x.sum(axis=(1, 2)) % 2 == y).all())
True
"""

from __future__ import annotations

import numpy as np

ADDING_BASELINE_MSE = 1.0 / 6.0


def adding_problem(n: int, length: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """``n`` sequences of the adding problem: ``x`` (n, length, 2), ``y`` (n, 1).

    Args:
        n: number of sequences.
        length: steps per sequence (at least 2).
        seed: seeds the values and the marked positions.
    """
    if length < 2:
        raise ValueError(f"the adding problem needs sequences of at least 2 steps, got {length}")
    rng = np.random.default_rng(seed)
    values = rng.uniform(0.0, 1.0, (n, length))
    half = length // 2
    first, second = rng.integers(0, half, n), rng.integers(half, length, n)
    marks = np.zeros((n, length))
    marks[np.arange(n), first] = marks[np.arange(n), second] = 1.0
    y = (values * marks).sum(axis=1, keepdims=True)
    return np.stack([values, marks], axis=2), y


def parity_sequences(n: int, length: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """``n`` random bit strings ``x`` (n, length, 1) of 0/1 uint8 and their parity ``y`` (n,)."""
    rng = np.random.default_rng(seed)
    x = rng.integers(0, 2, (n, length, 1), dtype=np.uint8)
    return x, (x.sum(axis=(1, 2)) % 2).astype(np.uint8)
