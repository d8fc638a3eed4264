"""Initial parameters for a model, read off its program.

An initialiser is a function ``(shape, rng) -> array`` of a
:class:`numpy.random.Generator`.  Weights are laid out ``(out, in, ...)``
(``linear``: ``(n_out, n_in)``, ``conv2d``: ``(c_out, c_in, k, k)``), so
``fan_in = prod(shape[1:])`` and ``fan_out = shape[0] * prod(shape[2:])``.

:func:`init` decides per parameter wire from the generator that reads it,
through the side table :data:`ROLES` (generator name -> which input is a
weight, which a bias): biases start at zero; a weight gets ``he_normal``
when the first non-linear generator after it is a ``relu`` (pooling,
reshapes and biases in between are looked through) and ``glorot_uniform``
otherwise.  Draws happen in parameter order, so a seed fixes everything.

>>> import numpy as np
>>> from catlearn import layers
>>> W, b = init(layers.dense(2, 3, "relu"), seed=0)
>>> W.shape, b.tolist()
((3, 2), [0.0, 0.0, 0.0])
>>> all((u == v).all() for u, v in zip(init(layers.cfgbl_mnist_model(), 1),
...                                      init(layers.cfgbl_mnist_model(), 1)))
True
"""

from __future__ import annotations

import math

import numpy as np

from catlearn.lens import Lens
from catlearn.para import Para

#: generator name -> {input index: "weight" | "bias"}
ROLES = {
    "linear": {0: "weight"},
    "conv2d": {0: "weight"},
    "bias": {0: "bias"},
    "channel_bias": {0: "bias"},
}
#: generators between a weight and its activation that do not change which one it is
LOOK_THROUGH = frozenset({"bias", "channel_bias", "maxpool2d", "flatten", "unflatten"})
#: activations whose weights get He initialisation
RECTIFIERS = frozenset({"relu"})


def fans(shape) -> tuple[int, int]:
    """``(fan_in, fan_out)`` of a weight laid out ``(out, in, ...)``."""
    receptive = math.prod(shape[2:])
    return math.prod(shape[1:]), shape[0] * receptive


def glorot_uniform(shape, rng: np.random.Generator) -> np.ndarray:
    """``U(-l, l)`` with ``l = sqrt(6 / (fan_in + fan_out))`` (Glorot and Bengio, 2010).

    >>> glorot_uniform((2, 3), np.random.default_rng(0)).shape
    (2, 3)
    """
    fan_in, fan_out = fans(shape)
    limit = math.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-limit, limit, size=shape)


def he_normal(shape, rng: np.random.Generator) -> np.ndarray:
    """``N(0, 2 / fan_in)`` (He et al., 2015), for weights followed by a ``relu``.

    >>> bool(abs(he_normal((500, 200), np.random.default_rng(0)).std() - 0.1) < 0.002)
    True
    """
    fan_in, _ = fans(shape)
    return rng.normal(0.0, math.sqrt(2.0 / fan_in), size=shape)


def zeros(shape, rng: np.random.Generator | None = None) -> np.ndarray:
    """All zeros (biases); ``rng`` is accepted for a uniform signature and unused."""
    return np.zeros(shape)


def init(model: Para, seed) -> tuple[np.ndarray, ...]:
    """Initial values for ``model.param``, in its order, from ``seed``.

    ``seed`` is anything :func:`numpy.random.default_rng` takes (an int or a
    ``Generator``).  A parameter wire that no generator of :data:`ROLES`
    reads is an error naming that wire.
    """
    f = model.f.fwd if isinstance(model.f, Lens) else model.f
    rng = np.random.default_rng(seed)
    readers: dict[int, list] = {}
    for op in f.ops:
        for i, reg in enumerate(op.ins):
            readers.setdefault(reg, []).append((op, i))
    return tuple(_initialiser(readers, f.inputs[k], k, wire)(wire.shape, rng)
                 for k, wire in enumerate(model.param))


def _initialiser(readers: dict, reg: int, k: int, wire):
    for op, i in readers.get(reg, ()):
        role = ROLES.get(op.gen.name, {}).get(i)
        if role == "bias":
            return zeros
        if role == "weight":
            after = _activation_after(readers, op)
            return he_normal if after in RECTIFIERS else glorot_uniform
    names = sorted({op.gen.name for op, _ in readers.get(reg, ())}) or ["nothing"]
    raise ValueError(f"parameter wire {k} ({wire!r}) is read by {', '.join(names)}: no "
                     "known weight or bias; give its initial value yourself")


def _activation_after(readers: dict, op) -> str | None:
    """The first generator after ``op`` that is not looked through (first reader in program order).

    A lens's forward program reads activations again for its residual after
    the forward operations; the first reader is the forward one.
    """
    reg = op.outs[0]
    while True:
        following = readers.get(reg, ())
        if not following:
            return None
        nxt, _ = following[0]
        if nxt.gen.name not in LOOK_THROUGH:
            return nxt.gen.name
        reg = nxt.outs[0]
