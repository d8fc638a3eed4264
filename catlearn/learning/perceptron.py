"""The multilayer perceptron that ``fit`` and ``catlearn train`` use by default.

A thin helper over :mod:`catlearn.layers`: ``mlp`` is the composite ``>>`` of
``layers.dense`` (``linear ; bias ; activation``).  Parameter order is the papers' Para
convention, the same for ``mlp([...])`` and ``dense >> dense``: ``f >> g`` has
parameters ``Q @ P``, the later map's first, so a perceptron's parameters are
``(W_k, b_k, ..., W_1, b_1)``, last layer first, each layer's weight before its bias.
Initial values come from :func:`catlearn.layers.init` (He-normal weights before a
``relu``, Glorot-uniform otherwise, zero biases, drawn in parameter order).

>>> from catlearn import layers
>>> model = mlp([4, 8, 3])
>>> model
Para(P^3x8 @ P^3 @ P^8x4 @ P^8; R^4 -> R^3)
>>> model.param == (layers.dense(4, 8, "relu") >> layers.dense(8, 3)).param
True
>>> [p.shape for p in layers.init(model, seed=0)]
[(3, 8), (3,), (8, 4), (8,)]

:class:`MLP` is the same model as a specification: a value that a checkpoint stores as
JSON and that rebuilds the ``Para``.

>>> spec = MLP((4, 8, 3))
>>> spec, str(spec), MLP.from_dict(spec.to_dict()) == spec
(MLP(sizes=(4, 8, 3), activation='relu', output=None), 'mlp 4-8-3 relu', True)
"""

from __future__ import annotations

from dataclasses import dataclass

from catlearn import layers
from catlearn.errors import DataError
from catlearn.para import Para

ACTIVATIONS = ("relu", "sigmoid", "tanh")  # of the hidden layers


def mlp(sizes, activation: str = "relu", output: str | None = None) -> Para:
    """The perceptron ``sizes[0] -> ... -> sizes[-1]``.

    Hidden layers use ``activation`` (relu, sigmoid or tanh); the last layer uses
    ``output`` (``None``: logits, as the cross-entropy losses expect).
    """
    sizes = [int(n) for n in sizes]
    if len(sizes) < 2 or min(sizes) < 1:
        raise ValueError(f"mlp needs at least two positive layer sizes, got {sizes}")
    if activation not in ACTIVATIONS:
        raise ValueError(f"unknown hidden activation {activation!r}; choose one of "
                         f"{ACTIVATIONS}")
    acts = [activation] * (len(sizes) - 2) + [output]
    return layers.chain(*(layers.dense(a, b, act) for a, b, act in zip(sizes, sizes[1:], acts)))


@dataclass(frozen=True)
class MLP:
    """The specification of :func:`mlp`: layer sizes, hidden and output activations."""

    sizes: tuple
    activation: str = "relu"
    output: str | None = None

    def __post_init__(self):
        object.__setattr__(self, "sizes", tuple(int(n) for n in self.sizes))
        mlp(self.sizes, self.activation, self.output)  # refuses bad sizes or activations

    def __str__(self) -> str:
        out = f" -> {self.output}" if self.output else ""
        return f"mlp {'-'.join(map(str, self.sizes))} {self.activation}{out}"

    def build(self) -> Para:
        """The model ``mlp(sizes, activation, output)``."""
        return mlp(self.sizes, self.activation, self.output)

    def to_dict(self) -> dict:
        """The JSON-able form that checkpoints store."""
        return {"kind": "mlp", "sizes": list(self.sizes), "activation": self.activation,
                "output": self.output}

    @staticmethod
    def from_dict(spec) -> "MLP":
        """The inverse of :meth:`to_dict`; :class:`DataError` says what is wrong."""
        if not isinstance(spec, dict) or spec.get("kind") != "mlp":
            raise DataError(f"not an MLP specification: {spec!r}")
        sizes, activation, output = (spec.get(k) for k in ("sizes", "activation", "output"))
        if not (isinstance(sizes, list) and all(type(n) is int for n in sizes)):
            raise DataError(f"MLP specification: sizes must be a list of integers, got {sizes!r}")
        if not isinstance(activation, str) or not (output is None or isinstance(output, str)):
            raise DataError(f"MLP specification: bad activations {activation!r}, {output!r}")
        try:
            return MLP(tuple(sizes), activation, output)
        except (ValueError, TypeError) as error:
            raise DataError(f"MLP specification: {error}") from None
