"""The supervised learning lens (CFGBL Sec. 3.4, Fig. 6), compiled into one training step.

For a model ``(P, f) : X -> Y``, a loss ``(Y, l) : Y -> L`` (label as parameter), a
learning rate ``alpha : (L, L) -> (1, 1)`` and an optimizer ``U : (S @ P, S @ P) -> (P, P)``::

    learner = (R(f) ; R(l) ; alpha).reparam(id_Y @ U)

is one lens ``(Y @ S @ P @ X, Y' @ S' @ P' @ X') -> (1, 1)``, built only with ``Para``,
``Lens``, ``Lens.R`` and ``reparam``.  Its ``put`` maps a label, the optimizer state,
the parameters and an input to the new state and parameters: a training step.  The
program of that step is ``put`` with the unused cotangents (label, input) pruned away; it
is compiled once and one step is one call of the generated function.

The step is called in the order of Backprop as Functor's ``update : P x A x B -> P``
(:mod:`catlearn.learning.backprop_functor`): parameters, optimizer state, input, label,
``(*params, *state, x, y) -> (*params', *state')``.

>>> import numpy as np
>>> from catlearn.learning import loss, perceptron as models, optim
>>> model = models.mlp([2, 1])
>>> learner = supervised(model, loss.mse(1), optim.sgd(0.5))
>>> learner.lens.dom, learner.lens.cod, learner.lens.dom_back
(Ty(R^1, P^1x2, P^1, R^2), Ty(), Ty(R^1, P^1x2, P^1, R^2))
>>> W, b = np.zeros((1, 2)), np.zeros(1)
>>> x, y = np.array([[1.0, 2.0]]), np.array([[1.0]])
>>> [p.tolist() for p in learner.update(W, b, x, y)]
[[[0.5, 1.0]], [0.5]]
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from catlearn.core import Map, Ty, share, trace, wires
from catlearn.learning.optim import Optimizer
from catlearn.lens import Lens
from catlearn.para import Para


@dataclass(frozen=True, eq=False)
class SupervisedLearner:
    """A model, a loss and an optimizer closed into the supervised learning lens.

    ``lens`` is the composite; ``update`` and ``step`` are its compiled programs, both
    called as ``(*params, *state, x, label)`` (Learn's ``P x A x B -> P``): ``update``
    returns ``(*params', *state')``, ``step`` also the batch loss and the model's
    predictions from the same forward pass.
    """

    model: Para
    loss: Para
    optimizer: Optimizer

    @property
    def backend(self):
        return self.model.backend

    @property
    def label(self) -> Ty:
        return self.loss.param

    @property
    def state(self) -> Ty:
        """``S``, the optimizer's state wires."""
        return self.optimizer.state(self.model.param)

    @functools.cached_property
    def optimizer_lens(self) -> Lens:
        return self.optimizer.lens(self.model.param, self.backend)

    @functools.cached_property
    def lens(self) -> Lens:
        """``(R(f) ; R(l) ; alpha).reparam(id_Y @ U)`` as one lens ``(Y S P X) -> (1, 1)``."""
        alpha = self.optimizer.learning_rate(self.loss.cod, self.backend)
        closed = self.model.R() >> self.loss.R() >> Para(Ty(), alpha)
        return closed.reparam(Lens.id(self.label, self.backend) @ self.optimizer_lens).f

    @functools.cached_property
    def update(self) -> Map:
        """The training step ``(*p, *s, x, y) -> (*p', *s')``: ``put`` without the unused ports."""
        return self._program(lambda y, sp, x, a: self._put(a))

    @functools.cached_property
    def step(self) -> Map:
        """``(*p, *s, x, y) -> (*p', *s', loss, prediction)``, the forward pass run once."""
        get, f, l = self.optimizer_lens.get, self.model.f, self.loss.f

        def run(y, sp, x, a):
            prediction = wires(f(*wires(get(*sp)), *x))
            return (*self._put(a), *wires(l(*y, *prediction)), *prediction)
        return self._program(run)

    def _put(self, a) -> tuple:
        """The new ``(*p', *s')`` from ``put``'s arguments ``(y, *s, *p, x)``."""
        m, s, k = len(self.label), len(self.state), len(self.state) + len(self.model.param)
        new = wires(self.lens.put(*a))[m:m + k]
        return (*new[s:], *new[:s])

    def _program(self, body) -> Map:
        """``body(y, (*s, *p), x, put's arguments)`` traced over ``(*p, *s, x, y)``, pruned."""
        m, p, s = len(self.label), len(self.model.param), len(self.state)
        dom = self.model.param @ self.state @ self.model.dom @ self.label

        def run(*v):
            params, state, x, y = v[:p], v[p:p + s], v[p + s:len(v) - m], v[len(v) - m:]
            return body(y, (*state, *params), x, (*y, *state, *params, *x))
        return share(trace(dom, run, self.backend)).prune()

def supervised(model: Para, loss: Para, optimizer: Optimizer) -> SupervisedLearner:
    """The learner of ``model`` under ``loss`` and ``optimizer`` (checks that the types meet)."""
    if loss.dom != model.cod:
        raise TypeError(f"the loss takes predictions of type {loss.dom} but the model "
                        f"outputs {model.cod}")
    return SupervisedLearner(model, loss, optimizer)
