"""The multilayer perceptron that ``fit`` and ``catlearn train`` use by default.

A thin helper over :mod:`catlearn.layers`: ``mlp`` is ``layers.sequential`` of
``layers.dense`` (``linear ; bias ; activation``), parameters first layer first
``(W_1, b_1, ..., W_k, b_k)``; :func:`init_params` is ``layers.init`` (He-normal weights
before a ``relu``, Glorot-uniform otherwise, zero biases, drawn in parameter order).

>>> model = mlp([4, 8, 3])
>>> model
Para(P^8x4 @ P^8 @ P^3x8 @ P^3; R^4 -> R^3)
>>> [p.shape for p in init_params(model, seed=0)]
[(8, 4), (8,), (3, 8), (3,)]
"""

from __future__ import annotations

from catlearn import layers
from catlearn.para import Para

HIDDEN = ("relu", "sigmoid", "tanh")


def mlp(sizes, activation: str = "relu", output: str | None = None) -> Para:
    """The perceptron ``sizes[0] -> ... -> sizes[-1]``.

    Hidden layers use ``activation`` (relu, sigmoid or tanh); the last layer uses
    ``output`` (``None``: logits, as the cross-entropy losses expect).
    """
    sizes = [int(n) for n in sizes]
    if len(sizes) < 2 or min(sizes) < 1:
        raise ValueError(f"mlp needs at least two positive layer sizes, got {sizes}")
    if activation not in HIDDEN:
        raise ValueError(f"unknown hidden activation {activation!r}; choose one of {HIDDEN}")
    acts = [activation] * (len(sizes) - 2) + [output]
    return layers.sequential(*(layers.dense(a, b, act)
                               for a, b, act in zip(sizes, sizes[1:], acts)))


def init_params(model: Para, seed=0) -> tuple:
    """Seeded initial parameters of ``model`` (see :func:`catlearn.layers.init`)."""
    return layers.init(model, seed)
