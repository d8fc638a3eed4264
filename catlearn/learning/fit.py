"""``fit``: minibatch training over the supervised learning lens.

The learner (model ; loss ; learning rate, closed by the optimizer) is built and compiled
once; every batch is then one call of its compiled ``step``, which returns the new
parameters and optimizer state together with the batch loss and the predictions of
the same forward pass (for the epoch's training metrics).  Data are checked once,
up front; batch ``i`` is the examples ``order[i * b:(i + 1) * b]`` of an epoch-wise
permutation drawn from ``numpy.random.default_rng((seed, epoch))`` (gathered per batch:
the data set is never copied whole), so a run is a function of its arguments and a
resumed run repeats an uninterrupted one bit for bit.  The losses are checked once per
epoch: a nan or infinite loss is reported with the first batch where it appeared.

The defaults are those users expect: Adam (learning rate ``0.01``, chosen for the default
10 epochs: see ``training.DEFAULT_LR``), batches of 32, and
class labels that may be integers ``0..k-1`` or strings (sorted into classes, as
scikit-learn does; :meth:`Fit.predict` maps outputs back to them).

>>> import numpy as np
>>> from catlearn.layers import init
>>> from catlearn.learning.perceptron import mlp
>>> x = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]] * 8)
>>> y = np.array([0, 1, 1, 1] * 8)
>>> model = mlp([2, 8, 2])
>>> result = fit(model, init(model, seed=0), (x, y), optimizer="adam", lr=0.05,
...              epochs=30, batch_size=8, progress=False)
>>> result.history.accuracy[-1]
1.0
"""

from __future__ import annotations

import time
from typing import Callable, Sequence

import numpy as np

from catlearn.learning import checkpoint as checkpoints
from catlearn.learning.examples import Examples, examples, predicted_labels
from catlearn.learning.training import (Fit, NonFiniteLossError, initial_params, non_finite,
                                        pair, prepare, progress_bar, resolve_loss)
from catlearn.para import Para

def fit(model: Para, params: Sequence | None, data, *, loss="softmax_cross_entropy",
        optimizer="adam", epochs: int = 10, batch_size: int = 32, lr: float | None = None,
        seed: int = 0, validation=None, progress: bool | None = None, checkpoint=None,
        resume=None, callbacks: Sequence[Callable] = (), backend: str = "numpy",
        devices: int | None = None, spec: dict | None = None) -> Fit:
    """Train ``model`` from ``params`` on ``data = (x, y)``.

    Args:
        model: a ``Para`` with one input and one output wire.
        params: initial parameters, one array per wire of ``model.param`` (``None`` when
            resuming).
        data, validation: ``(x, y)``; ``y`` class labels ``(n,)`` or targets shaped like
            the model's output.
        loss: a name of ``loss.LOSSES`` or a loss ``Para`` (label as parameter).
        optimizer: a name of ``optim.OPTIMIZERS`` (default ``"adam"``; with ``lr``, default
            ``training.DEFAULT_LR[name]``) or an ``optim.Optimizer`` (then ``lr`` must be ``None``).
        epochs: total number of epochs (a resumed run continues up to it).
        progress: a tqdm.auto bar (a widget in Jupyter, text on stderr); ``None``: only in
            Jupyter or when stderr is a terminal (never in pipes or CI logs).
        checkpoint: path of an ``.npz`` rewritten atomically after every epoch.
        spec: a JSON-able dict stored in each checkpoint (how to rebuild the model; see
            :mod:`~catlearn.learning.checkpoint`).
        resume: path of a checkpoint to continue from (parameters, optimizer state,
            epochs done and history).
        callbacks: ``f(epoch, history, params)`` after every epoch (and its checkpoint).
        backend: ``"numpy"`` or ``"jax"`` (:mod:`catlearn.learning.fit_jax`, with
            ``devices``: the batch axis sharded over that many JAX devices).

    Raises:
        NonFiniteLossError: the loss became nan or infinite (epoch and batch named).
        ValueError: bad data, names, settings or a checkpoint of another model.
    """
    if backend == "jax":
        from catlearn.learning.fit_jax import fit_jax
        return fit_jax(model, params, data, loss=loss, optimizer=optimizer, epochs=epochs,
                       batch_size=batch_size, lr=lr, seed=seed, validation=validation,
                       progress=progress, checkpoint=checkpoint, resume=resume,
                       callbacks=callbacks, devices=devices, spec=spec)
    if backend != "numpy" or devices is not None:
        raise ValueError(f"backend={backend!r}, devices={devices!r}: the backends are 'numpy' "
                         "and 'jax', and only 'jax' takes devices")
    run = prepare(model, params, data, loss=loss, optimizer=optimizer, lr=lr, epochs=epochs,
                  batch_size=batch_size, checkpoint=checkpoint, validation=validation,
                  resume=resume)
    train, valid = run.train, run.valid
    state, params, history = run.state, run.params, run.history
    evaluate_ = _evaluator(model, run.loss, run.threshold)
    loop = _Loop(run.learner.step.compiled, len(params) + len(state), batch_size, run.threshold)
    with progress_bar(progress, epochs, len(history), train, batch_size) as bar:
        for epoch in range(len(history), epochs):
            began = time.perf_counter()
            order = np.random.default_rng((seed, epoch)).permutation(len(train))
            ps, train_loss, train_acc = loop.epoch((*params, *state), train, order, epoch, bar)
            params, state = ps[:len(params)], ps[len(params):]
            val = evaluate_(params, valid) if valid is not None else {}
            history = history.then(time.perf_counter() - began, loss=train_loss,
                                   accuracy=train_acc, **val)
            bar.set_postfix_str(history.summary())
            if checkpoint is not None:
                checkpoints.write(checkpoint, checkpoints.Checkpoint(params, state, epoch + 1,
                                                                     history, spec or {}, model))
            for callback in callbacks:
                callback(epoch + 1, history, params)
    return Fit(tuple(params), tuple(state), history, train.classes, run.threshold)


TICK = 16  # batches per update of the progress bar


class _Loop:
    """One epoch of compiled steps, with nothing but slicing and bookkeeping around them."""

    def __init__(self, step, k: int, batch_size: int, threshold: float):
        self.step, self.k, self.batch, self.threshold = step, k, batch_size, threshold

    def epoch(self, ps: tuple, data: Examples, order, epoch: int, bar):
        step, k, b, n, take = self.step, self.k, self.batch, len(data), np.take
        x, t = data.x, data.targets
        losses, predictions = [], []
        with np.errstate(all="ignore"):  # a diverging loss is reported below, once
            for i in range(0, n, b):
                batch = order[i:i + b]
                out = step(*ps, take(x, batch, 0), take(t, batch, 0))
                ps = out[:k]
                losses.append(out[k])
                predictions.append(out[k + 1])
                if len(losses) % TICK == 0:
                    bar.update(TICK)
        bar.update(len(losses) % TICK)
        losses = np.ravel(losses)
        bad = np.flatnonzero(~np.isfinite(losses))
        if bad.size:
            raise non_finite(losses, int(bad[0]), b, n, epoch)
        sizes = np.full(len(losses), b)
        sizes[-1] = n - b * (len(losses) - 1)
        accuracy = float("nan") if data.labels is None else float(np.mean(predicted_labels(
            np.concatenate(predictions), self.threshold) == data.labels[order]))
        return ps, float(losses @ sizes) / n, accuracy


def predict(model: Para, params: Sequence, x, chunk: int = 8192) -> np.ndarray:
    """The model's outputs on ``x``, computed ``chunk`` rows at a time."""
    run = model.f.compiled
    return np.concatenate([run(*params, x[i:i + chunk])[0] for i in range(0, len(x), chunk)])


def _evaluator(model: Para, loss_para: Para, threshold: float):
    mean_loss = loss_para.f.compiled

    def evaluate(params, data: Examples) -> dict:
        predictions = predict(model, params, data.x)
        value = float(np.mean(mean_loss(data.targets, predictions)[0]))
        accuracy = float("nan") if data.labels is None else float(np.mean(
            predicted_labels(predictions, threshold) == data.labels))
        return {"val_loss": value, "val_accuracy": accuracy}
    return evaluate


def evaluate(model: Para, params: Sequence, data, loss="softmax_cross_entropy",
             classes=None) -> dict:
    """Loss and accuracy of ``model`` at ``params`` on ``data = (x, y)``; ``classes``: the
    classes of string labels (``Fit.classes``; default: the sorted labels of ``y``).

    >>> import numpy as np
    >>> from catlearn.learning.perceptron import mlp
    >>> model = mlp([1, 2])
    >>> params = (np.array([[1.0], [-1.0]]), np.zeros(2))
    >>> evaluate(model, params, (np.array([[-1.0], [2.0]]), np.array([1, 0])))["accuracy"]
    1.0
    """
    loss_para, threshold = resolve_loss(model, loss)
    result = _evaluator(model, loss_para, threshold)(initial_params(model, params),
                                                     examples(model, *pair(data, "data"),
                                                              classes=classes))
    return {"loss": result["val_loss"], "accuracy": result["val_accuracy"]}
