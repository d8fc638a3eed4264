"""Learning as lenses (CFGBL Sec. 3): losses, learning rates, optimizers, the supervised lens, fit.

* :mod:`~catlearn.learning.loss`: losses ``Para(Y, l : Y @ B -> L)``, the label as parameter;
* :mod:`~catlearn.learning.rate`: learning rates, lenses ``(L, L) -> (1, 1)``;
* :mod:`~catlearn.learning.optim`: optimizers, lenses ``(S @ P, S @ P) -> (P, P)``;
* :mod:`~catlearn.learning.supervised`: model ; loss ; rate, closed by the optimizer, as one
  lens whose compiled ``put`` is a training step;
* :mod:`~catlearn.learning.fit`: batches, epochs, metrics, checkpoints around that step.

>>> import numpy as np
>>> from catlearn.layers import init
>>> from catlearn.learning import fit, mlp
>>> x, y = np.array([[0.0], [1.0]] * 8), np.array([0, 1] * 8)
>>> model = mlp([1, 2])
>>> params, state, history = fit(model, init(model, 0), (x, y), epochs=20, lr=0.5,
...                              batch_size=4, progress=False)
>>> history.accuracy[-1]
1.0
"""

from catlearn.learning import loss, optim, rate
from catlearn.learning.checkpoint import Checkpoint
from catlearn.learning.dream import Dream, dream, dreamer, input_as_parameter
from catlearn.learning.fit import Fit, NonFiniteLossError, evaluate, fit, predict
from catlearn.learning.history import History
from catlearn.learning.perceptron import mlp
from catlearn.learning.optim import Optimizer, Transform
from catlearn.learning.plot import plot_history
from catlearn.learning.supervised import SupervisedLearner, supervised

__all__ = ["loss", "optim", "rate", "Checkpoint", "Fit", "NonFiniteLossError", "evaluate", "fit",
           "predict", "History", "mlp", "Optimizer", "Transform", "plot_history",
           "SupervisedLearner", "supervised", "Dream", "dream", "dreamer", "input_as_parameter"]
