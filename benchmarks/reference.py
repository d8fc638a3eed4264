"""The references every benchmark measures against, defined once (imported by the scripts).

* :func:`numpy_epoch`: hand-written numpy backprop of the digits MLP 64-32-10 (ReLU,
  softmax cross-entropy, SGD), as a numpy user would write it;
* :func:`update_loop`: **the bare update loop**, what ``fit`` is measured against: the
  learner's compiled ``update`` called once per minibatch over the very batches ``fit``
  sees (the epoch's permutation ``default_rng((seed, epoch))``, each batch gathered by
  index), and nothing else: no loss value, no metrics, no checks, no progress;
* :func:`fastest`: CPU seconds (``time.process_time``, which the other work of a loaded
  machine does not inflate) of the fastest of several interleaved repeats.

A figure is always a ratio of two runs timed in the same process by :func:`fastest`.
"""

from __future__ import annotations

import time

import numpy as np

from catlearn.data import load_digits

LR, BATCH, N_TRAIN = 0.1, 32, 1437


def digits_split():
    """``(x, y), (x_test, y_test)``: the first 1437 examples of a seeded permutation of
    scikit-learn's digits, and the other 360."""
    digits = load_digits()
    order = np.random.default_rng(0).permutation(len(digits))
    x, y = (np.ascontiguousarray(a[order]) for a in (digits.x, digits.y))
    return (x[:N_TRAIN], y[:N_TRAIN]), (x[N_TRAIN:], y[N_TRAIN:])


def hand_order(model, params) -> tuple:
    """``params`` of the digits MLP ``model`` as the hand-written loops take them,
    ``(W1, b1, W2, b2)`` (first layer first; ``Para`` may list the last layer first).
    The map is its own inverse."""
    params = tuple(params)
    return params if model.param[0].shape == (32, 64) else params[2:] + params[:2]


def numpy_epoch(params, x, t, with_loss: bool = False, lr: float = LR, batch: int = BATCH):
    """One epoch of SGD by hand-written backprop over ``x`` in order; ``params`` are
    ``(W1, b1, W2, b2)`` (:func:`hand_order`)."""
    W1, b1, W2, b2 = (p.copy() for p in params)
    total = 0.0
    for i in range(0, len(x), batch):
        xb, tb = x[i:i + batch], t[i:i + batch]
        z1 = xb @ W1.T + b1
        h = np.maximum(z1, 0)
        z2 = h @ W2.T + b2
        e = np.exp(z2 - z2.max(axis=1, keepdims=True))
        s = e / e.sum(axis=1, keepdims=True)
        if with_loss:
            total += -np.sum(tb * np.log(s)) / len(xb)
        d2 = (s - tb) / len(xb)
        dW2, db2 = d2.T @ h, d2.sum(axis=0)
        dh = (d2 @ W2) * (z1 > 0)
        dW1, db1 = dh.T @ xb, dh.sum(axis=0)
        W1 -= lr * dW1
        b1 -= lr * db1
        W2 -= lr * dW2
        b2 -= lr * db2
    return W1, b1, W2, b2


def update_loop(learner, batch: int = BATCH, seed: int = 0):
    """The bare update loop: ``epoch(ps, x, t, number) -> ps'`` over ``fit``'s batches."""
    update, k = learner.update.compiled, len(learner.model.param) + len(learner.state)

    def epoch(ps, x, t, number: int = 0):
        order = np.random.default_rng((seed, number)).permutation(len(x))
        for i in range(0, len(x), batch):
            index = order[i:i + batch]
            ps = update(*ps, x[index], t[index])[:k]
        return ps
    return epoch


def fastest(runs: dict, repeats: int) -> dict:
    """CPU seconds of the fastest of ``repeats`` interleaved calls of each run (after one
    warm-up call each, where JAX compiles)."""
    for run in runs.values():
        run()
    best = {name: float("inf") for name in runs}
    for _ in range(repeats):
        for name, run in runs.items():
            began = time.process_time()
            run()
            best[name] = min(best[name], time.process_time() - began)
    return best


def cpu_epochs(fit, *args, **kwargs):
    """``fit(*args, **kwargs)``: its result and the CPU seconds of each epoch (read by a
    callback; ``history.seconds`` is wall time, which a loaded machine inflates)."""
    stamps = [time.process_time()]
    result = fit(*args, callbacks=[lambda *_: stamps.append(time.process_time())], **kwargs)
    return result, np.diff(stamps)
