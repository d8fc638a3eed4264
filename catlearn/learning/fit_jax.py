"""``fit(..., backend="jax")``: the supervised learning lens trained through XLA.

The learner is the same composite lens as on numpy (:mod:`catlearn.learning.supervised`);
its compiled step is read on the JAX backend.  One epoch is one jitted function whose
optimizer-state and parameter buffers are donated: a permutation of the training set drawn
on the device from ``jax.random.fold_in(key(seed), epoch)``, then one ``lax.scan`` of the
step over the full minibatches of that device array, then one more step on the remainder
(so every example is seen once per epoch, as on numpy).  Losses and predictions come back
once per epoch, for the training metrics and the non-finite-loss check; no Python code runs
per batch.

With ``devices=N`` the batch axis of every minibatch is sharded over a
``jax.sharding.Mesh`` of ``N`` devices and the parameters are replicated; XLA partitions
the step and reduces the gradients.  The global batches are the same for every ``N``, so
the parameters agree with one device's within float rounding (``tests/test_jax_fit.py``).

Validation, checkpoints (the numpy backend's ``.npz``: a run can resume on either
backend), progress (per epoch), callbacks and :class:`~catlearn.learning.fit.Fit` are
as on numpy; the returned parameters are numpy ``float64`` arrays.

>>> import numpy as np
>>> from catlearn.learning.perceptron import init_params, mlp
>>> x = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]] * 8)
>>> y = np.array([0, 1, 1, 1] * 8)
>>> model = mlp([2, 8, 2])
>>> result = fit_jax(model, init_params(model, seed=0), (x, y), optimizer="adam", lr=0.05,
...                  epochs=30, batch_size=8, progress=False)
>>> result.history.accuracy[-1], result.params[0].dtype
(1.0, dtype('float64'))
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

import numpy as np

# imported for their JAX rules: the layers', the logic-gate layers' and the losses' generators
import catlearn.layers.jax_logic
import catlearn.layers.jax_rules
import catlearn.learning.jax_ops
from catlearn import jax_backend
from catlearn.jax_backend import jax, jnp
from catlearn.learning import checkpoint as checkpoints
from catlearn.learning.examples import Examples
from catlearn.learning.training import Fit, NonFiniteLossError, prepare, progress_bar
from catlearn.para import Para

lax = jax.lax
BATCH = "batch"  # the mesh axis the minibatches are sharded along


def fit_jax(model: Para, params: Sequence | None, data, *, loss="softmax_cross_entropy",
            optimizer="sgd", epochs: int = 10, batch_size: int = 32, lr: float | None = None,
            seed: int = 0, validation=None, progress: bool | None = None, checkpoint=None,
            resume=None, callbacks: Sequence[Callable] = (), devices: int | None = None,
            spec: dict | None = None) -> Fit:
    """:func:`catlearn.learning.fit.fit` on JAX; ``devices``: shard each batch over that many."""
    run = prepare(model, params, data, loss=loss, optimizer=optimizer, lr=lr, epochs=epochs,
                  batch_size=batch_size, checkpoint=checkpoint, validation=validation,
                  resume=resume)
    train, valid = run.train, run.valid
    state, params, history = run.state, run.params, run.history
    trainer = Trainer(run.learner, run.threshold, train, batch_size,
                      device_mesh(devices, batch_size))
    evaluate = Evaluator(model, run.loss, run.threshold)
    sp, k = trainer.put((*state, *params)), len(state)
    with progress_bar(progress, epochs, len(history), train, batch_size) as bar:
        for epoch in range(len(history), epochs):
            began = time.perf_counter()
            sp, train_loss, train_acc = trainer.epoch(sp, seed, epoch)
            val = evaluate(sp[k:], valid) if valid is not None else {}
            history = history.then(time.perf_counter() - began, loss=train_loss,
                                   accuracy=train_acc, **val)
            bar.update(trainer.batches)
            bar.set_postfix_str(history.summary())
            if checkpoint is not None or callbacks:
                host = to_host(sp)
            if checkpoint is not None:
                checkpoints.save(checkpoint, checkpoints.Checkpoint(host[k:], host[:k],
                                                                    epoch + 1, history,
                                                                    spec or {}))
            for callback in callbacks:
                callback(epoch + 1, history, host[k:])
    host = to_host(sp)
    return Fit(host[k:], host[:k], history)


def to_host(arrays) -> tuple:
    """Device arrays as numpy ``float64`` arrays (the numpy backend's parameters)."""
    return tuple(np.asarray(a, dtype=np.float64) for a in arrays)


def device_mesh(devices: int | None, batch_size: int):
    """A one-axis ``Mesh`` of the first ``devices`` JAX devices (``None`` for one device)."""
    if devices is None:
        return None
    available = jax.devices()
    if not (isinstance(devices, int) and devices >= 1):
        raise ValueError(f"devices must be a positive integer, got {devices!r}")
    if devices > len(available):
        n = len(available)
        raise ValueError(f"devices={devices} asked for, but there {'is' if n == 1 else 'are'} "
                         f"only {n} JAX device{'s' * (n != 1)} ({available[0].platform})")
    if batch_size % devices:
        raise ValueError(f"batch_size {batch_size} cannot be split over {devices} devices: "
                         "choose a multiple of the number of devices")
    return jax.sharding.Mesh(np.array(available[:devices]), (BATCH,))


def step_function(learner) -> Callable:
    """The learner's step ``(y, *s, *p, x) -> (*s', *p', loss, prediction)`` on JAX arrays."""
    return jax_backend.function(learner.step)


def jitted_step(learner) -> Callable:
    """The step as one ``jax.jit`` function with its state and parameter buffers donated."""
    m, k = len(learner.label), len(learner.state) + len(learner.model.param)
    return jax.jit(step_function(learner), donate_argnums=tuple(range(m, m + k)))


class Trainer:
    """One epoch as one jitted function: device permutation, ``lax.scan``, remainder step."""

    def __init__(self, learner, threshold: float, data: Examples, batch_size: int,
                 mesh=None):
        self.k = len(learner.state) + len(learner.model.param)
        self.n, self.b, self.mesh = len(data), batch_size, mesh
        self.full, self.rest = divmod(self.n, batch_size)
        self.batches = self.full + bool(self.rest)
        self.classifier = data.labels is not None
        self.data = (*self.put((data.targets, data.x)),
                     jnp.asarray(data.labels if self.classifier else np.zeros(self.n), jnp.int32))
        self.run = jax.jit(self._epoch(step_function(learner), threshold), donate_argnums=0)

    def put(self, arrays) -> tuple:
        """Arrays on the device(s) as real wires (replicated over the mesh)."""
        arrays = tuple(jnp.asarray(a, jax_backend.dtype()) for a in arrays)
        if self.mesh is None:
            return arrays
        return jax.device_put(arrays, self._sharding())

    def _sharding(self, *spec):
        return jax.sharding.NamedSharding(self.mesh, jax.sharding.PartitionSpec(*spec))

    def epoch(self, sp: tuple, seed: int, epoch: int):
        """Run epoch ``epoch``: the new ``sp``, the mean loss and the training accuracy."""
        sp, losses, correct = self.run(sp, *self.data, seed, epoch)
        losses = np.asarray(losses)
        bad = np.flatnonzero(~np.isfinite(losses))
        if bad.size:
            i = int(bad[0]) * self.b
            raise NonFiniteLossError(
                f"the loss became {losses[bad[0]]} at epoch {epoch + 1}, batch {bad[0] + 1} "
                f"(examples {i}..{min(i + self.b, self.n) - 1} of the shuffled epoch); lower "
                "the learning rate or check the data")
        sizes = np.full(len(losses), self.b)
        sizes[self.full:] = self.rest
        accuracy = float(correct) / self.n if self.classifier else float("nan")
        return sp, float(losses @ sizes) / self.n, accuracy

    def _epoch(self, step: Callable, threshold: float) -> Callable:
        k, b, full = self.k, self.b, self.full

        def one(sp, batch):
            out = step(batch[0], *sp, batch[1])
            return tuple(out[:k]), (out[k], out[k + 1])

        def run(sp, targets, x, labels, seed, epoch):
            order = jax.random.permutation(jax.random.fold_in(jax.random.key(seed), epoch),
                                           self.n)
            t, x = targets[order], x[order]
            head = tuple(a[:full * b].reshape(full, b, *a.shape[1:]) for a in (t, x))
            if self.mesh is not None:
                head = lax.with_sharding_constraint(head, self._sharding(None, BATCH))
            sp, (losses, predictions) = lax.scan(one, tuple(sp), head)
            predictions = predictions.reshape(full * b, *predictions.shape[2:])
            if self.rest:
                sp, (last, tail) = one(sp, (t[full * b:], x[full * b:]))
                losses = jnp.concatenate([losses, last[None]])
                predictions = jnp.concatenate([predictions, tail])
            return sp, losses, (labels_of(predictions, threshold) == labels[order]).sum()
        return run


def labels_of(predictions, threshold: float):
    """Class labels: the largest output, or ``output > threshold`` for a single one."""
    if predictions.shape[1] == 1:
        return (predictions[:, 0] > threshold).astype(jnp.int32)
    return predictions.argmax(axis=1)


class Evaluator:
    """Validation loss and accuracy, computed on the device ``chunk`` rows at a time."""

    def __init__(self, model: Para, loss_para: Para, threshold: float, chunk: int = 8192):
        self.predict = jax_backend.jit(model.f)
        self.loss = jax_backend.jit(loss_para.f)
        self.threshold, self.chunk = threshold, chunk

    def __call__(self, params: tuple, data: Examples) -> dict:
        x = data.x
        predictions = jnp.concatenate([
            self.predict(*params, jnp.asarray(x[i:i + self.chunk], jax_backend.dtype()))[0]
            for i in range(0, len(x), self.chunk)])
        value = float(self.loss(jnp.asarray(data.targets, jax_backend.dtype()), predictions)[0])
        accuracy = float("nan") if data.labels is None else float(np.mean(
            np.asarray(labels_of(predictions, self.threshold)) == data.labels))
        return {"val_loss": value, "val_accuracy": accuracy}
