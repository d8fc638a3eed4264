"""Deep dreaming: the supervised learning lens with the input as the parameter.

CFGBL ("Deep dreaming: supervised learning of inputs") observes that nothing in the
supervised learning lens cares which input wire of the model is the parameter.  For a
trained model ``(P, f) : X -> Y`` read the same map the other way round,
``(X, f~ = swap ; f : X @ P -> Y)``: the input ``X`` is now the parameter port and the
weights ``P`` come in on the input port.  The learner of :mod:`~catlearn.learning.supervised`
built from ``f~``::

    dreamer = (R(f~) ; R(l) ; alpha).reparam(id_Y @ U_X)

puts the optimizer lens ``U_X`` on the input wire.  Its ``put`` returns a new input; what
it returns on the weights' port, their cotangent, is discarded (the compiled step never
computes it), so the weights stay fixed: that is the constant reparametrisation of ``P``.

The loss is the dot product with a one-hot class target, ``l(e_c, y) = y_c``, the class
score; the learning rate sends back ``+eps`` instead of ``-eps`` (:func:`ascent`), so the
input climbs the score.  With ``loss="softmax_cross_entropy"`` the ordinary ``-eps``
descends the cross-entropy toward class ``c`` instead.  Each example of a batch is dreamt
on its own (reduction ``"none"``: no batch mean).

>>> import numpy as np
>>> from catlearn.learning.perceptron import mlp
>>> model = mlp([2, 2])
>>> W, b = np.array([[1.0, 0.0], [0.0, 1.0]]), np.zeros(2)
>>> result = dream(model, (W, b), np.array([0.0, 0.0]), target_class=1, steps=3, lr=0.5)
>>> result.x.tolist(), result.scores.tolist()
([0.0, 1.5], [0.0, 0.5, 1.0, 1.5])
>>> input_as_parameter(model)
Para(R^2; P^2x2 @ P^2 -> R^2)
"""

from __future__ import annotations

import dataclasses
from typing import NamedTuple, Sequence

import numpy as np

from catlearn.core import Map
from catlearn.learning import loss as losses, optim
from catlearn.learning.optim import Optimizer
from catlearn.learning.supervised import SupervisedLearner, supervised
from catlearn.para import Para

#: loss name -> (loss constructor, whether to ascend it)
LOSSES = {"dot": (losses.dot, True),
          "softmax_cross_entropy": (losses.softmax_cross_entropy, False)}
DEFAULT_LR = 0.1


def input_as_parameter(model: Para) -> Para:
    """``(X, swap ; f)``: ``model`` with its input wires as the parameter port.

    >>> from catlearn.learning.perceptron import mlp
    >>> mlp([3, 2]).param, input_as_parameter(mlp([3, 2])).param
    (Ty(P^2x3, P^2), Ty(R^3))
    """
    swap = Map.swap(model.dom, model.param, model.backend)
    return Para.of(swap >> model.f, len(model.dom))


def ascent(optimizer: Optimizer) -> Optimizer:
    """``optimizer`` with the learning-rate lens ``+eps`` for ``-eps``: it climbs the loss.

    >>> import numpy as np
    >>> ascent(optim.sgd(0.1)).learning_rate(losses.dot(2).cod, None).put(np.array(5.0))[0].tolist()
    0.1
    """
    if optimizer.rate is None:
        raise ValueError(f"{optimizer!r} has no learning-rate lens to turn around "
                         "(a Z2 optimizer); dreaming needs a Smooth optimizer")
    return dataclasses.replace(optimizer, name=f"{optimizer.name} ascent", rate=-optimizer.rate)


def dreamer(model: Para, loss: str = "dot",
            optimizer: Optimizer | None = None) -> SupervisedLearner:
    """The supervised learning lens of ``input_as_parameter(model)``: it learns the input.

    ``loss``: ``"dot"`` (the class score, ascended) or ``"softmax_cross_entropy"``
    (descended).  ``optimizer`` acts on the input wire (default ``sgd(0.1)``).  The
    learner's programs are called as ``(target, *state, *x, *params)``.

    >>> from catlearn.learning.perceptron import mlp
    >>> dreamer(mlp([4, 3])).lens.dom
    Ty(R^3, R^4, P^3x4, P^3)
    """
    if loss not in LOSSES:
        raise ValueError(f"unknown dreaming loss {loss!r}; choose one of {sorted(LOSSES)}")
    if len(model.cod) != 1 or len(model.cod[0].shape) != 1:
        raise ValueError(f"dreaming needs a model with one vector output, got {model.cod}")
    make, ascend = LOSSES[loss]
    optimizer = optim.sgd(DEFAULT_LR) if optimizer is None else optimizer
    return supervised(input_as_parameter(model), make(model.cod[0].shape, "none"),
                      ascent(optimizer) if ascend else optimizer)


class Dream(NamedTuple):
    """The dreamt input (shaped like ``x0``) and the target-class score before each step
    and after the last: ``scores[k]`` is the model's output ``y_c`` at the ``k``-th input
    (shape ``(steps + 1,)`` for one example, ``(steps + 1, n)`` for a batch)."""

    x: np.ndarray
    scores: np.ndarray


def dream(model: Para, params: Sequence, x0, target_class, steps: int = 100,
          lr: float | None = None, *, loss: str = "dot", optimizer="sgd") -> Dream:
    """Move ``x0`` so that ``model`` at fixed ``params`` scores ``target_class`` higher.

    Args:
        model: a ``Para`` with one input wire and one vector output (class scores).
        params: its parameters, used and returned untouched.
        x0: one example (the model's input shape) or a batch ``(n, ...)`` of them.
        target_class: a class index, or one per example of the batch.
        steps: number of updates of the input.
        lr: the step size (default 0.1); only with an optimizer given by name.
        loss: ``"dot"`` (ascend the class score, the paper's) or ``"softmax_cross_entropy"``.
        optimizer: a name of ``optim.OPTIMIZERS`` or an ``Optimizer``, acting on the input.
    """
    learner = dreamer(model, loss, _optimizer(optimizer, lr))
    x, single = _batch(model, x0)
    targets = _targets(model, target_class, len(x))
    params = tuple(np.asarray(p, dtype=np.float64) for p in params)
    step, state = learner.step.compiled, _initial_state(learner.optimizer, model.dom, len(x))
    k, chosen = len(state), targets.astype(bool)
    scores = []
    for _ in range(steps):
        out = step(x, *state, *params, targets)
        x, state = out[0], out[1:k + 1]
        scores.append(out[-1][chosen])
    scores.append(model.f.compiled(*params, x)[0][chosen])
    scores = np.array(scores)
    return Dream(x[0], scores[:, 0]) if single else Dream(x, scores)


def _optimizer(optimizer, lr) -> Optimizer:
    if isinstance(optimizer, Optimizer):
        if lr is not None:
            raise ValueError(f"lr={lr} given with the optimizer {optimizer!r}, which "
                             "already has its learning rate")
        return optimizer
    return optim.named(optimizer, DEFAULT_LR if lr is None else lr)


def _batch(model: Para, x0) -> tuple[np.ndarray, bool]:
    """``x0`` as a float batch, and whether it was a single example."""
    if len(model.dom) != 1:
        raise ValueError(f"dreaming needs a model with one input wire, got {model.dom}")
    shape, x = model.dom[0].shape, np.asarray(x0, dtype=np.float64)
    if x.shape == shape:
        return x[None].copy(), True
    if x.shape[1:] != shape:
        raise ValueError(f"x0 has shape {x.shape}; the model takes examples of shape {shape} "
                         f"(give one example or a batch (n, {', '.join(map(str, shape))}))")
    return x.copy(), False


def _targets(model: Para, target_class, n: int) -> np.ndarray:
    """One-hot rows ``e_c``, one per example."""
    k = model.cod[0].shape[0]
    classes = np.broadcast_to(np.asarray(target_class), (n,))
    if classes.dtype.kind not in "iu" or classes.min() < 0 or classes.max() >= k:
        raise ValueError(f"target_class must be class indices in 0..{k - 1}, got {target_class!r}")
    return np.eye(k)[classes]


def _initial_state(optimizer: Optimizer, wires, n: int) -> tuple:
    """The optimizer's initial state, batched state wires given the batch axis."""
    return tuple(np.broadcast_to(a, (n, *w.shape)).copy() if w.batched else a
                 for w, a in zip(optimizer.state(wires), optimizer.init(wires)))

