"""What every training loop shares: its settings, its result and its progress bar.

The numpy loop (:mod:`catlearn.learning.fit`) and the JAX loop
(:mod:`catlearn.learning.fit_jax`) resolve loss and optimizer names, check their settings,
data and initial parameters, report a diverging loss and show progress the same way; this
module, below both, is where that lives.

>>> resolve_optimizer("adam", None).name
'adam'
>>> check_settings(epochs=-1, batch_size=8, checkpoint=None)
Traceback (most recent call last):
...
ValueError: epochs must be a non-negative integer, got -1
"""

from __future__ import annotations

import math
import sys
from pathlib import Path
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from catlearn.core import Ty
from catlearn.learning import checkpoint as checkpoints, loss as losses, ops, optim
from catlearn.learning.examples import Examples, examples, predicted_labels
from catlearn.learning.history import History
from catlearn.learning.supervised import SupervisedLearner, supervised
from catlearn.para import Para

# adam 0.01, not the usual 1e-3: fit's default run is 10 epochs, and on a held-out fifth of
# the training data (3 seeds) 1e-3 leaves iris untrained (0-33 %), 1e-2 reaches 79-83 % on
# iris and 97-98 % on digits (3e-3: 42-63 % and 96-97 %; 3e-2: 92-96 % and 94-97 %)
DEFAULT_LR = {"sgd": 0.1, "momentum": 0.05, "nesterov": 0.05, "adagrad": 0.05,
              "rmsprop": 0.001, "adam": 0.01}
THRESHOLD = {"binary_cross_entropy": 0.0}  # single-output decision on logits; else 0.5


class NonFiniteLossError(FloatingPointError, ValueError):
    """The loss became ``nan`` or infinite; says at which epoch and batch.

    A ``FloatingPointError`` by nature and a ``ValueError`` for callers (such as the
    command line) that report bad settings and data alike.
    """


def non_finite(losses, batch: int, batch_size: int, n: int, epoch: int) -> NonFiniteLossError:
    """The error for the loss ``losses[batch]`` of ``epoch`` (counted from 0), not finite."""
    first = batch * batch_size
    return NonFiniteLossError(
        f"the loss became {losses[batch]} at epoch {epoch + 1}, batch {batch + 1} (examples "
        f"{first}..{min(first + batch_size, n) - 1} of the shuffled epoch); lower the "
        "learning rate or check the data")


@dataclass(frozen=True, eq=False)
class Fit:
    """The result of :func:`fit`: final parameters, optimizer state and history.

    It unpacks as ``params, opt_state, history = fit(...)``.  ``classes``: the class of
    each output when the labels were strings (sorted, as scikit-learn's ``classes_``);
    :meth:`predict` maps the model's outputs back to them.
    """

    params: tuple
    opt_state: tuple
    history: History
    classes: np.ndarray | None = None
    threshold: float = 0.5

    def __iter__(self):
        return iter((self.params, self.opt_state, self.history))

    def predict(self, model: Para, x) -> np.ndarray:
        """The predicted class of each row of ``x`` (a label of ``y``, strings included).

        >>> import numpy as np
        >>> from catlearn.layers import init
        >>> from catlearn.learning import fit, mlp
        >>> x = np.array([[0.0], [1.0]] * 8)
        >>> y = np.array(["off", "on"] * 8)
        >>> result = fit(mlp([1, 2]), init(mlp([1, 2]), 0), (x, y), epochs=50, lr=0.1,
        ...              batch_size=4, progress=False)
        >>> result.predict(mlp([1, 2]), np.array([[1.0], [0.0]])).tolist()
        ['on', 'off']
        """
        outputs = model.f.compiled(*self.params, np.asarray(x, dtype=np.float64))[0]
        labels = predicted_labels(outputs, self.threshold)
        return labels if self.classes is None else self.classes[labels]


class Run(NamedTuple):
    """A training run set up: the loss, the examples, the learner and where it starts."""

    loss: Para
    threshold: float
    train: Examples
    valid: Examples | None
    learner: SupervisedLearner
    state: tuple
    params: tuple
    history: History


def prepare(model: Para, params, data, *, loss, optimizer, lr, epochs, batch_size, checkpoint,
            validation, resume) -> Run:
    """Resolve and check a training run's settings and data, and say where it starts
    (initial parameters, or the checkpoint to ``resume``); every loop begins here."""
    loss_para, threshold = resolve_loss(model, loss)
    opt = resolve_optimizer(optimizer, lr)
    check_settings(epochs, batch_size, checkpoint)
    train = examples(model, *pair(data, "data"))
    valid = None if validation is None else examples(model, *pair(validation, "validation"),
                                                     name="validation", classes=train.classes)
    learner = supervised(model, loss_para, opt)
    if resume is not None:
        start = checkpoints.restore(resume, model.param, learner.state)
        state, params, history = start.state, start.params, start.history
    else:
        state, params, history = opt.init(model.param), initial_params(model, params), History()
    return Run(loss_para, threshold, train, valid, learner, tuple(state), tuple(params),
               history)


# -- resolving names and checking settings -------------------------------------------


def resolve_loss(model: Para, loss) -> tuple[Para, float]:
    if isinstance(loss, Para):
        if loss.dom != model.cod:
            raise ValueError(f"the loss takes {loss.dom} but the model outputs {model.cod}")
        if loss.cod != Ty(ops.SCALAR):
            raise ValueError(f"fit needs a loss averaged over the batch (codomain "
                             f"{Ty(ops.SCALAR)}), got {loss.cod}; use reduction='mean'")
        return loss, 0.5
    if not isinstance(loss, str):
        raise ValueError(f"loss must be a name ({', '.join(losses.LOSSES)}) or a Para, "
                         f"got {loss!r}")
    if len(model.cod) != 1:
        raise ValueError(f"a named loss needs a model with one output wire, got {model.cod}")
    return losses.named(loss)(model.cod[0].shape), THRESHOLD.get(loss, 0.5)


def resolve_optimizer(optimizer, lr) -> optim.Optimizer:
    if isinstance(optimizer, optim.Optimizer):
        if lr is not None:
            raise ValueError(f"lr={lr} given with the optimizer {optimizer!r}, which already "
                             "has its learning rate")
        return optimizer
    if not isinstance(optimizer, str):
        raise ValueError(f"optimizer must be a name ({', '.join(optim.OPTIMIZERS)}) or an "
                         f"Optimizer, got {optimizer!r}")
    if lr is not None and not (lr > 0 and math.isfinite(lr)):
        raise ValueError(f"the learning rate must be a positive number, got {lr}")
    return optim.named(optimizer, DEFAULT_LR.get(optimizer, 0.1) if lr is None else lr)


def check_settings(epochs, batch_size, checkpoint) -> None:
    if not (isinstance(epochs, int) and epochs >= 0):
        raise ValueError(f"epochs must be a non-negative integer, got {epochs!r}")
    if not (isinstance(batch_size, int) and batch_size >= 1):
        raise ValueError(f"batch_size must be a positive integer, got {batch_size!r}")
    if checkpoint is not None and not Path(checkpoint).parent.is_dir():
        raise FileNotFoundError(f"cannot write checkpoints to {checkpoint}: the folder "
                                f"{Path(checkpoint).parent} does not exist")


def pair(data, what: str):
    try:
        x, y = data
    except (TypeError, ValueError):
        raise ValueError(f"{what} must be a pair (x, y), got {type(data).__name__}") from None
    return x, y


def initial_params(model: Para, params) -> tuple:
    if params is None:
        raise ValueError("params is None: give initial parameters "
                         "(e.g. catlearn.layers.init(model, seed)) or resume=")
    params = tuple(np.asarray(p, dtype=np.float64) for p in params)
    if len(params) != len(model.param):
        raise ValueError(f"the model has {len(model.param)} parameters ({model.param}), "
                         f"got {len(params)} arrays")
    for i, (w, p) in enumerate(zip(model.param, params)):
        if p.shape != w.shape:
            raise ValueError(f"parameter {i} ({w!r}) has shape {p.shape}, expected {w.shape}")
    return params


class Quiet:
    """A disabled progress bar: the same methods, doing nothing."""

    def update(self, n: int = 1) -> None:
        pass

    def set_postfix_str(self, text: str) -> None:
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        pass


def interactive() -> bool:
    """A terminal on stderr, or a Jupyter kernel (where ``tqdm.auto`` draws a widget)."""
    shell = getattr(sys.modules.get("IPython"), "get_ipython", lambda: None)()
    return sys.stderr.isatty() or type(shell).__name__ == "ZMQInteractiveShell"


def progress_bar(progress, epochs: int, done: int, train: Examples, batch_size: int):
    shown = interactive() if progress is None else bool(progress)
    if not shown:
        return Quiet()
    from tqdm.auto import tqdm
    per_epoch = -(-len(train) // batch_size)
    return tqdm(total=epochs * per_epoch, initial=done * per_epoch, file=sys.stderr,
                unit="batch", desc="train", dynamic_ncols=True, leave=True)
