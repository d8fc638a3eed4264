"""Speed of a training step against hand-written numpy backprop, PyTorch and JAX (a script).

scikit-learn digits, MLP 64-32-10, ReLU, softmax cross-entropy, SGD 0.1, batch 32, the
first 1437 examples of a seeded permutation (the other 360 are the test set), the same
initial weights for all, float64 everywhere.  Epochs of all runners are interleaved and
the fastest of ``--repeats`` is kept, so a busy machine slows all alike.  Run with one
BLAS thread for stable numbers (PyTorch and XLA are pinned to one thread here)::

    OPENBLAS_NUM_THREADS=1 python benchmarks/bench_digits.py

``update`` is the compiled training step ``put`` over ``x`` in order; ``step`` also returns
the loss and the predictions; ``update loop`` is the bare update loop of
``benchmarks/reference.py`` (the batches of ``fit``'s shuffled epoch, nothing else), the
reference of ``fit``; ``fit`` is the fastest epoch of one :func:`catlearn.learning.fit.fit`
run (shuffling and training metrics included; building and compiling the learner, done
once per run, is not an epoch's cost).  Times are CPU seconds (``reference.fastest``).  ``numpy`` computes no loss value; ``numpy+loss`` also does,
as a training loop that reports its loss must.  ``torch`` is an idiomatic PyTorch loop
(``nn.Sequential``, ``F.cross_entropy``, ``optim.SGD``); ``jax`` a ``jax.jit``-compiled step
called once per batch (the first, compiling call is not timed).  PyTorch and JAX are
optional: a column says "not installed" when its package is missing.

Before timing, every runner trains ``--epochs`` epochs over the same per-epoch shuffles;
their test accuracies must agree (they compute the same function up to rounding).
"""

from __future__ import annotations

import argparse
import os
import sys

import numpy as np

from catlearn import layers
from catlearn.learning import loss, optim
from catlearn.learning.fit import fit
from catlearn.learning.perceptron import mlp
from catlearn.learning.supervised import supervised

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from reference import (BATCH, LR, N_TRAIN, cpu_epochs, digits_split, fastest,  # noqa: E402
                       hand_order, numpy_epoch, update_loop)


def catlearn_epoch(learner, program):
    """``program`` (the learner's compiled ``update`` or ``step``) over ``x`` in order, on
    parameters in the hand-written order ``(W1, b1, W2, b2)`` (SGD: no optimizer state)."""
    k = len(learner.model.param)

    def epoch(params, x, t):
        ps = hand_order(learner.model, params)
        for i in range(0, len(x), BATCH):
            ps = program(*ps, x[i:i + BATCH], t[i:i + BATCH])[:k]
        return hand_order(learner.model, ps)
    return epoch


def torch_epoch():
    """An idiomatic PyTorch epoch ``(params, x, t) -> params``, or ``None`` if not installed."""
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(1)
    model = torch.nn.Sequential(torch.nn.Linear(64, 32), torch.nn.ReLU(),
                                torch.nn.Linear(32, 10)).double()
    sgd = torch.optim.SGD(model.parameters(), lr=LR)

    def epoch(params, x, t):
        with torch.no_grad():
            for p, value in zip(model.parameters(), params):
                p.copy_(torch.from_numpy(value))
        xs, labels = torch.from_numpy(x), torch.from_numpy(t.argmax(axis=1))
        for i in range(0, len(x), BATCH):
            sgd.zero_grad()
            logits = model(xs[i:i + BATCH])
            torch.nn.functional.cross_entropy(logits, labels[i:i + BATCH]).backward()
            sgd.step()
        return tuple(p.detach().numpy().copy() for p in model.parameters())
    return epoch


def jax_epoch():
    """A ``jax.jit`` step per batch, float64, or ``None`` if JAX is not installed."""
    # one XLA thread, like the others; read when jax is first imported
    os.environ.setdefault("XLA_FLAGS", "--xla_cpu_multi_thread_eigen=false "
                          "intra_op_parallelism_threads=1")
    try:
        import jax
    except ImportError:
        return None
    jax.config.update("jax_enable_x64", True)
    jnp = jax.numpy

    def batch_loss(params, x, t):
        W1, b1, W2, b2 = params
        logits = jnp.maximum(x @ W1.T + b1, 0) @ W2.T + b2
        return -jnp.mean(jnp.sum(t * jax.nn.log_softmax(logits), axis=1))

    @jax.jit
    def step(params, x, t):
        grads = jax.grad(batch_loss)(params, x, t)
        return tuple(p - LR * g for p, g in zip(params, grads))

    def epoch(params, x, t):
        params = tuple(jnp.asarray(p) for p in params)
        for i in range(0, len(x), BATCH):  # numpy slices: slicing a jax array dispatches an op
            params = step(params, x[i:i + BATCH], t[i:i + BATCH])
        return tuple(np.asarray(p) for p in params)
    return epoch


def accuracy(params, x, y) -> float:
    W1, b1, W2, b2 = params
    return float(np.mean((np.maximum(x @ W1.T + b1, 0) @ W2.T + b2).argmax(axis=1) == y))


def train(epoch, params, x, t, epochs: int):
    """``epochs`` epochs of ``epoch``, each over the permutation ``default_rng((0, e))``."""
    for e in range(epochs):
        order = np.random.default_rng((0, e)).permutation(len(x))
        params = epoch(params, np.ascontiguousarray(x[order]), np.ascontiguousarray(t[order]))
    return params


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=50)
    parser.add_argument("--epochs", type=int, default=20, help="epochs of the accuracy check")
    args = parser.parse_args(argv)
    (x, y), (x_test, y_test) = digits_split()
    t = np.eye(10)[y]
    model = mlp([64, 32, 10])
    init = layers.init(model, seed=0)
    params = hand_order(model, init)
    learner = supervised(model, loss.softmax_cross_entropy(10), optim.sgd(LR))
    epochs = {"numpy": numpy_epoch, "update": catlearn_epoch(learner, learner.update.compiled),
              "torch": torch_epoch(), "jax": jax_epoch()}
    missing = [name for name, epoch in epochs.items() if epoch is None]
    epochs = {name: epoch for name, epoch in epochs.items() if epoch is not None}
    check = {name: train(epoch, params, x, t, args.epochs) for name, epoch in epochs.items()}
    loop = update_loop(learner)
    runs = {
        "numpy": lambda: numpy_epoch(params, x, t),
        "numpy+loss": lambda: numpy_epoch(params, x, t, with_loss=True),
        "update": lambda: epochs["update"](params, x, t),
        "step": lambda: catlearn_epoch(learner, learner.step.compiled)(params, x, t),
        "update loop": lambda: loop(init, x, t),
        **{name: (lambda e=epochs[name]: e(params, x, t)) for name in ("torch", "jax")
           if name in epochs},
    }
    best = fastest(runs, args.repeats)
    _, seconds = cpu_epochs(fit, model, init, (x, y), optimizer=optim.sgd(LR),
                            epochs=args.repeats, batch_size=BATCH, progress=False)
    best["fit"] = min(seconds)
    report(best, check, missing, x_test, y_test, args.epochs)


def report(best, check, missing, x_test, y_test, epochs) -> None:
    deviation = max(np.abs(a - b).max() for name, ps in check.items()
                    for a, b in zip(ps, check["numpy"]))
    print(f"digits MLP 64-32-10, SGD {LR}, batch {BATCH}, {N_TRAIN} train / {len(y_test)} test, "
          f"float64, one thread")
    print(f"test accuracy after {epochs} epochs (same initial weights and shuffles): " + ", ".join(
        f"{name} {accuracy(ps, x_test, y_test):.4f}" for name, ps in check.items())
        + f"; max |parameter - numpy's|: {deviation:.1e}")
    for name, seconds in best.items():
        print(f"{name:11s} {seconds * 1e3:7.3f} ms/epoch   x{seconds / best['numpy']:.3f} of numpy"
              f"   x{seconds / best['numpy+loss']:.3f} of numpy+loss"
              f"   x{seconds / best['update loop']:.3f} of the update loop")
    for name in missing:
        print(f"{name:11s} not installed")


if __name__ == "__main__":
    main()
