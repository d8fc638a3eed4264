"""Deep dreaming on scikit-learn's digits (CFGBL, "Deep dreaming"), as a runnable example.

Trains a 64-32-10 MLP for a few seconds, then dreams the first test image of one digit
into another with :func:`catlearn.learning.dream` and prints the target's score before
and after and both images as ASCII art::

    python papers/cfgbl/dream_digits.py [TARGET [START]]
"""

from __future__ import annotations

import sys

import numpy as np

from catlearn.data import load_digits
from catlearn.learning.dream import dream
from catlearn.learning.fit import fit, predict
from catlearn.layers import init
from catlearn.learning.perceptron import mlp


def main(target: int = 3, start: int = 1, steps: int = 60, seed: int = 0) -> None:
    """Train, dream the first ``start`` digit of the test split into a ``target``, print."""
    train, test = load_digits().split(0.2, seed=seed)
    model = mlp([64, 32, 10])
    params = fit(model, init(model, seed), (train.x, train.y), optimizer="adam", lr=0.01,
                 epochs=15, batch_size=32, progress=False).params
    x0 = test.x[np.flatnonzero(test.y == start)[0]]
    result = dream(model, params, x0, target, steps=steps, lr=0.05)
    before, after = (int(predict(model, params, v[None])[0].argmax()) for v in (x0, result.x))
    print(f"score of class {target}: {result.scores[0]:.2f} -> {result.scores[-1]:.2f}; "
          f"classified {before} -> {after}")
    for row_a, row_b in zip(ascii_art(x0), ascii_art(result.x)):
        print(f"{row_a}    {row_b}")


def ascii_art(x) -> list[str]:
    """An 8x8 image with values in [0, 1] as eight rows of shaded characters."""
    shades = " .:-=+*#%@"
    v = np.clip(x.reshape(8, 8), 0, 1)
    return ["".join(shades[int(p * 9)] * 2 for p in row) for row in v]


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:3]))
