"""Layers: parametrised maps ``(P, f : P @ A -> B)`` over the Smooth backend.

Every layer is a :class:`~catlearn.Para` whose map is one generator or a
short composite, so ``R``, lenses and every backend-generic construction
apply to it unchanged.

**Parameter order.**  Composition in ``Para`` puts the later parameters
first: ``(P, f) >> (Q, g)`` has parameters ``Q @ P`` (as in CFGBL; its code
nests them the same way).  Composites of layers are therefore
reparametrised, by pure wiring, into the order a reader expects:

* ``dense`` is ``linear ; bias ; activation``, whose ``Para`` composite has
  parameters ``(b, W)``; :func:`dense` offers ``(W, b)``;
* :func:`chain` is the papers' composite ``l1 >> ... >> ln`` (parameters
  ``Pn @ ... @ P1``), built in one linear pass;
* :func:`in_layer_order` reparametrises it to ``P1 @ ... @ Pn``, and
  :func:`sequential` is the two together: first layer first, each layer's
  own parameters in their own order.

Parameter wires are a flat :class:`~catlearn.Ty`, so nothing needs flattening.

>>> (linear(2, 3) >> bias(3)).param
Ty(P^3, P^3x2)
>>> dense(2, 3, "relu").param
Ty(P^3x2, P^3)
>>> model = sequential(dense(2, 3, "tanh"), dense(3, 1))
>>> model.param, model.dom, model.cod
(Ty(P^3x2, P^3, P^1x3, P^1), Ty(R^2), Ty(R^1))
"""

from __future__ import annotations

from catlearn import smooth
from catlearn.core import Map, Ty, then
from catlearn.layers.conv import channel_bias_map, conv2d_map
from catlearn.layers.pool import flatten_map, maxpool2d_map, unflatten_map
from catlearn.para import Para

ACTIVATIONS = {"relu": smooth.relu, "sigmoid": smooth.sigmoid, "tanh": smooth.tanh,
               "softmax": smooth.softmax}


# -- composing layers ------------------------------------------------------------


def chain(*layers: Para) -> Para:
    """The composite ``layers[0] >> layers[1] >> ...`` of ``Para``, in one pass.

    Parameters come last layer first (``Pn @ ... @ P1``), as ``>>`` gives
    them; stage ``k`` is ``id(Pn @ ... @ P(k+1)) @ f_k``, so the program is
    built once instead of once per nesting level.

    >>> chain(linear(2, 3), bias(3)).param
    Ty(P^3, P^3x2)
    """
    if not layers:
        raise ValueError("chain needs at least one layer")
    for k, (f, g) in enumerate(zip(layers, layers[1:])):
        if f.cod != g.dom:
            raise TypeError(f"cannot chain layer {k} (output {f.cod}) "
                            f"into layer {k + 1} (input {g.dom})")
    backend = layers[0].backend
    stages = []
    for k, layer in enumerate(layers):
        later = Ty(*(w for other in reversed(layers[k + 1:]) for w in other.param))
        stages.append(Map.id(later, backend) @ layer.f)
    return Para(Ty(*(w for layer in reversed(layers) for w in layer.param)), then(*stages))


def in_layer_order(composite: Para, sizes) -> Para:
    """Reparametrise a composite with parameters ``Pn @ ... @ P1`` to ``P1 @ ... @ Pn``.

    ``sizes[k]`` is the number of parameter wires of layer ``k`` (first
    layer first).  The reparametrisation is the wiring
    ``P1 @ ... @ Pn -> Pn @ ... @ P1``: it costs nothing at run time.

    >>> in_layer_order(linear(2, 3) >> bias(3), (1, 1)).param
    Ty(P^3x2, P^3)
    """
    sizes = tuple(sizes)
    if sum(sizes) != len(composite.param):
        raise ValueError(f"parameter counts {sizes} do not add up to the "
                         f"{len(composite.param)} parameter wires {composite.param}")
    starts = [sum(sizes[:k]) for k in range(len(sizes) + 1)]
    # the composite reads the last layer's wires first
    order = [i for k in reversed(range(len(sizes))) for i in range(starts[k], starts[k + 1])]
    dom = [None] * len(order)
    for j, i in enumerate(order):
        dom[i] = composite.param[j]
    dom = Ty(*dom)
    return composite.reparam(Map.wire(dom, order, composite.backend))


def sequential(*layers: Para) -> Para:
    """``layers`` composed left to right, parameters first layer first.

    >>> sequential(linear(2, 3), bias(3), relu(3)).param
    Ty(P^3x2, P^3)
    """
    return in_layer_order(chain(*layers), [len(layer.param) for layer in layers])


# -- layers ------------------------------------------------------------------------


def activation_layer(name: str, shape) -> Para:
    """The activation ``name`` (relu, sigmoid, tanh, softmax) as a layer without parameters.

    >>> activation_layer("sigmoid", 2)
    Para(1; R^2 -> R^2)
    """
    if name not in ACTIVATIONS:
        raise ValueError(f"unknown activation {name!r}; choose one of {sorted(ACTIVATIONS)}")
    return Para(Ty(), ACTIVATIONS[name](shape))


def relu(shape) -> Para:
    """``relu`` as a layer: ``relu(3)``, ``relu((3, 26, 26))``."""
    return activation_layer("relu", shape)


def sigmoid(shape) -> Para:
    """``sigmoid`` as a layer."""
    return activation_layer("sigmoid", shape)


def tanh(shape) -> Para:
    """``tanh`` as a layer."""
    return activation_layer("tanh", shape)


def softmax(shape) -> Para:
    """``softmax`` (over the last axis) as a layer."""
    return activation_layer("softmax", shape)


def linear(n_in: int, n_out: int) -> Para:
    """``(W : P^(n_out x n_in), x) |-> W x``.

    >>> linear(4, 3)
    Para(P^3x4; R^4 -> R^3)
    """
    return Para.of(smooth.linear(n_in, n_out))


def bias(n: int) -> Para:
    """``(b : P^n, x) |-> x + b``."""
    return Para.of(smooth.bias(n))


def dense(n_in: int, n_out: int, activation: str | None = None) -> Para:
    """``linear ; bias ; activation`` with parameters ``(W, b)``.

    >>> import numpy as np
    >>> layer = dense(2, 1, "relu")
    >>> layer(np.array([[1.0, -1.0]]), np.array([0.5]), np.array([[3.0, 1.0]]))[0].tolist()
    [[2.5]]
    """
    parts = [linear(n_in, n_out), bias(n_out)]
    if activation is not None:
        parts.append(activation_layer(activation, n_out))
    return in_layer_order(chain(*parts), [len(p.param) for p in parts])


def conv2d(c_in: int, c_out: int, k: int, h: int, w: int, bias: bool = False) -> Para:
    """A valid, stride-1 convolution ``R^(c_in,h,w) -> R^(c_out,h-k+1,w-k+1)``.

    Parameters ``(K : P^(c_out,c_in,k,k),)``, or ``(K, b : P^c_out)`` with
    ``bias=True`` (a bias per output channel, :func:`channel_bias`).

    >>> conv2d(1, 3, 3, 28, 28)
    Para(P^3x1x3x3; R^1x28x28 -> R^3x26x26)
    >>> conv2d(1, 3, 3, 28, 28, bias=True).param
    Ty(P^3x1x3x3, P^3)
    """
    layer = Para.of(conv2d_map(c_in, c_out, k, h, w))
    if not bias:
        return layer
    return sequential(layer, channel_bias(c_out, h - k + 1, w - k + 1))


def channel_bias(c: int, h: int, w: int) -> Para:
    """``(b : P^c, x : R^(c,h,w)) |-> x + b``, one bias per channel."""
    return Para.of(channel_bias_map(c, h, w))


def maxpool2d(c: int, h: int, w: int, size: int = 2) -> Para:
    """Max pooling over non-overlapping ``size x size`` windows, no parameters.

    >>> maxpool2d(3, 26, 26)
    Para(1; R^3x26x26 -> R^3x13x13)
    """
    return Para(Ty(), maxpool2d_map(c, h, w, size))


def flatten(shape) -> Para:
    """``R^shape -> R^n`` (row-major), no parameters."""
    return Para(Ty(), flatten_map(shape))


def unflatten(shape) -> Para:
    """``R^n -> R^shape``, the inverse of :func:`flatten`."""
    return Para(Ty(), unflatten_map(shape))
