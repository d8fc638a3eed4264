"""``fit(..., backend="jax")``: the supervised learning lens trained through XLA.

The learner is the same composite lens as on numpy (:mod:`catlearn.learning.supervised`);
its compiled step is read on the JAX backend.  One epoch is one jitted function whose
parameter and optimizer-state buffers are donated: a permutation of the training set drawn
on the device from ``jax.random.fold_in(key(seed), epoch)``, then one ``lax.scan`` of the
step over the full minibatches (each gathered by index from the device's copy of the data),
then one more step on the remainder (so every example is seen once per epoch, as on numpy).
Each step also counts its correct predictions; the batch losses and that count come back
once per epoch, for the training metrics and the non-finite-loss check; no Python code runs
per batch.

With ``devices=N`` the training set is sharded over a ``jax.sharding.Mesh`` of ``N``
devices (each holds ``1/N`` of it, padded to a multiple of ``N`` rows that no batch
reads), each minibatch is gathered by index inside the scan and sharded along its batch
axis, and the parameters are replicated; XLA partitions the step and reduces the
gradients.  The leftover batch (``n mod batch_size`` examples, when that is not a
multiple of ``N``) is replicated: its mean loss cannot be split evenly.  The global
batches are the same for every ``N`` and every number of processes, so the parameters
agree with one device's within float rounding (``tests/test_jax_fit.py``,
``tests/test_multihost.py``: two processes after ``jax.distributed.initialize``, whose
``jax.devices()`` are the global devices).

Compiled steps are kept in JAX's persistent compilation cache, in the user's cache folder
(``$XDG_CACHE_HOME/catlearn/jax``, else ``~/.cache/catlearn/jax``) unless a cache folder
is already configured; a second run of the same model loads its programs instead of
compiling them.  Opt out with JAX's own switch, ``JAX_ENABLE_COMPILATION_CACHE=false``
(or ``jax.config.update("jax_enable_compilation_cache", False)``).

Validation, checkpoints (the numpy backend's ``.npz``: a run can resume on either
backend), progress (per epoch), callbacks and :class:`~catlearn.learning.fit.Fit` are
as on numpy; the returned parameters are numpy ``float64`` arrays.

>>> import numpy as np
>>> from catlearn.layers import init
>>> from catlearn.learning.perceptron import mlp
>>> x = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]] * 8)
>>> y = np.array([0, 1, 1, 1] * 8)
>>> model = mlp([2, 8, 2])
>>> result = fit_jax(model, init(model, seed=0), (x, y), optimizer="adam", lr=0.05,
...                  epochs=30, batch_size=8, progress=False)
>>> result.history.accuracy[-1], result.params[0].dtype
(1.0, dtype('float64'))
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Sequence

import numpy as np

from catlearn import jax_backend
from catlearn.jax_backend import jax, jnp
from catlearn.learning import checkpoint as checkpoints
from catlearn.learning.examples import Examples
from catlearn.learning.training import Fit, non_finite, prepare, progress_bar
from catlearn.para import Para

lax = jax.lax
BATCH = "batch"  # the mesh axis the minibatches are sharded along


def fit_jax(model: Para, params: Sequence | None, data, *, loss="softmax_cross_entropy",
            optimizer="adam", epochs: int = 10, batch_size: int = 32, lr: float | None = None,
            seed: int = 0, validation=None, progress: bool | None = None, checkpoint=None,
            resume=None, callbacks: Sequence[Callable] = (), devices: int | None = None,
            spec: dict | None = None) -> Fit:
    """:func:`catlearn.learning.fit.fit` on JAX; ``devices``: shard the data over that many."""
    use_compilation_cache()
    run = prepare(model, params, data, loss=loss, optimizer=optimizer, lr=lr, epochs=epochs,
                  batch_size=batch_size, checkpoint=checkpoint, validation=validation,
                  resume=resume)
    train, valid = run.train, run.valid
    state, params, history = run.state, run.params, run.history
    trainer = Trainer(run.learner, run.threshold, train, batch_size,
                      device_mesh(devices, batch_size))
    evaluate = Evaluator(model, run.loss, run.threshold)
    ps, k = trainer.put((*params, *state)), len(params)
    with progress_bar(progress, epochs, len(history), train, batch_size) as bar:
        for epoch in range(len(history), epochs):
            began = time.perf_counter()
            ps, train_loss, train_acc = trainer.epoch(ps, seed, epoch)
            val = evaluate(ps[:k], valid) if valid is not None else {}
            history = history.then(time.perf_counter() - began, loss=train_loss,
                                   accuracy=train_acc, **val)
            bar.update(trainer.batches)
            bar.set_postfix_str(history.summary())
            if checkpoint is not None or callbacks:
                host = to_host(ps)
            if checkpoint is not None:
                checkpoints.write(checkpoint, checkpoints.Checkpoint(host[:k], host[k:],
                                                                     epoch + 1, history,
                                                                     spec or {}, model))
            for callback in callbacks:
                callback(epoch + 1, history, host[:k])
    host = to_host(ps)
    return Fit(host[:k], host[k:], history, train.classes, run.threshold)


def use_compilation_cache() -> None:
    """Keep compiled programs in the user's cache folder (unless JAX already has one)."""
    if jax.config.jax_compilation_cache_dir is None:
        base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
        jax.config.update("jax_compilation_cache_dir", os.path.join(base, "catlearn", "jax"))
        # small models compile in well under JAX's default threshold of one second
        jax.config.update("jax_persistent_cache_min_compile_time_secs", 0.05)


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
                         f"only {n} JAX device{'s' * (n != 1)} ({available[0].platform}); on "
                         "a CPU, XLA_FLAGS=--xla_force_host_platform_device_count="
                         f"{devices} (set before jax is imported) makes {devices}")
    if batch_size % devices:
        raise ValueError(f"batch_size {batch_size} cannot be split over {devices} devices: "
                         "choose a multiple of the number of devices")
    return jax.sharding.Mesh(np.array(available[:devices]), (BATCH,))


def step_function(learner) -> Callable:
    """The learner's step ``(*p, *s, x, y) -> (*p', *s', loss, prediction)`` on JAX arrays."""
    return jax_backend.function(learner.step)


def jitted_step(learner) -> Callable:
    """The step as one ``jax.jit`` function with its parameter and state buffers donated."""
    k = len(learner.state) + len(learner.model.param)
    return jax.jit(step_function(learner), donate_argnums=tuple(range(k)))


class Trainer:
    """One epoch as one jitted function: device permutation, ``lax.scan``, remainder step.

    Each step gathers its batch by index from the device's copy of the data set and counts
    its correct predictions, so nothing of the size of the data set is built per epoch."""

    def __init__(self, learner, threshold: float, data: Examples, batch_size: int,
                 mesh=None):
        self.k = len(learner.state) + len(learner.model.param)
        self.n, self.b, self.mesh = len(data), batch_size, mesh
        self.full, self.rest = divmod(self.n, batch_size)
        self.batches = self.full + bool(self.rest)
        self.classifier = data.labels is not None
        labels = data.labels if self.classifier else np.zeros(self.n, np.int32)
        self.data = self.shard((data.targets, data.x, labels))
        self.run = jax.jit(self._epoch(step_function(learner), threshold), donate_argnums=0,
                           out_shardings=None if mesh is None else self._sharding())

    def put(self, arrays) -> tuple:
        """Arrays on the device(s) as real wires (replicated over the mesh)."""
        arrays = tuple(np.asarray(a, jax_backend.dtype()) for a in arrays)
        if self.mesh is None:
            return tuple(jnp.asarray(a) for a in arrays)
        return tuple(global_array(a, self._sharding()) for a in arrays)

    def shard(self, arrays) -> tuple:
        """Examples on the device(s): split along the first axis over the mesh, each device
        holding ``1/N`` (padded with rows no batch reads); labels as ``int32``."""
        kinds = [jax_backend.dtype()] * (len(arrays) - 1) + [np.int32]
        arrays = [np.asarray(a, kind) for a, kind in zip(arrays, kinds)]
        if self.mesh is None:
            return tuple(jnp.asarray(a) for a in arrays)
        pad = -len(arrays[0]) % self.mesh.size
        return tuple(global_array(np.concatenate([a, np.zeros((pad, *a.shape[1:]), a.dtype)]),
                                  self._sharding(BATCH)) for a in arrays)

    def _sharding(self, *spec):
        return jax.sharding.NamedSharding(self.mesh, jax.sharding.PartitionSpec(*spec))

    def epoch(self, ps: tuple, seed: int, epoch: int):
        """Run epoch ``epoch``: the new ``ps``, the mean loss and the training accuracy."""
        ps, losses, correct = self.run(ps, *self.data, seed, epoch)
        losses = np.asarray(losses)
        bad = np.flatnonzero(~np.isfinite(losses))
        if bad.size:
            raise non_finite(losses, int(bad[0]), self.b, self.n, epoch)
        sizes = np.full(len(losses), self.b)
        sizes[self.full:] = self.rest
        accuracy = float(correct) / self.n if self.classifier else float("nan")
        return ps, float(losses @ sizes) / self.n, accuracy

    def _epoch(self, step: Callable, threshold: float) -> Callable:
        k, b, full, rest = self.k, self.b, self.full, self.rest
        split = self.mesh is not None and rest % self.mesh.size == 0

        def gathered(ps, index, targets, x, labels, sharded=self.mesh is not None):
            t, x = targets[index], x[index]
            if sharded:
                t, x = lax.with_sharding_constraint((t, x), self._sharding(BATCH))
            out = step(*ps, x, t)
            correct = (labels_of(out[k + 1], threshold) == labels[index]).sum()
            return tuple(out[:k]), (out[k], correct)

        def run(ps, targets, x, labels, seed, epoch):
            order = jax.random.permutation(jax.random.fold_in(jax.random.key(seed), epoch),
                                           self.n)
            ps, (losses, correct) = lax.scan(
                lambda c, i: gathered(c, i, targets, x, labels), tuple(ps),
                order[:full * b].reshape(full, b))
            correct = correct.sum()
            if rest:
                ps, (last, tail) = gathered(ps, order[full * b:], targets, x, labels, split)
                losses, correct = jnp.concatenate([losses, last[None]]), correct + tail
            return ps, losses, correct
        return run


def global_array(array: np.ndarray, sharding):
    """``array`` (the same on every process) laid out as ``sharding`` says, across processes."""
    return jax.make_array_from_callback(array.shape, sharding, lambda index: array[index])


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
        if not all(p.is_fully_addressable for p in params):  # several processes: run locally
            params = tuple(jnp.asarray(p) for p in to_host(params))
        x = data.x
        predictions = jnp.concatenate([
            self.predict(*params, jnp.asarray(x[i:i + self.chunk], jax_backend.dtype()))[0]
            for i in range(0, len(x), self.chunk)])
        value = float(self.loss(jnp.asarray(data.targets, jax_backend.dtype()), predictions)[0])
        accuracy = float("nan") if data.labels is None else float(np.mean(
            np.asarray(labels_of(predictions, self.threshold)) == data.labels))
        return {"val_loss": value, "val_accuracy": accuracy}
