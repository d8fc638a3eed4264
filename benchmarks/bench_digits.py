"""Speed of a training step against hand-written numpy backprop (a script, not a test).

scikit-learn digits, MLP 64-32-10, ReLU, softmax cross-entropy, SGD 0.1, batch 32, the
first 1437 examples of a seeded permutation, the same initial weights for both.  Epochs of
the two are interleaved and the fastest of ``--repeats`` is kept, so a busy machine slows
both alike.  Run with one BLAS thread for stable numbers::

    OPENBLAS_NUM_THREADS=1 python benchmarks/bench_digits.py

``update`` is the compiled training step ``put``; ``step`` also returns the loss and the
predictions; ``fit`` is the fastest epoch of one :func:`catlearn.learning.fit.fit` run
(shuffling and training metrics included; building and compiling the learner, done once
per run, is not an epoch's cost).  ``numpy`` computes no loss value; ``numpy+loss`` also does,
as a training loop that reports its loss must.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from catlearn.data import load_digits
from catlearn.learning import loss, optim
from catlearn.learning.fit import fit
from catlearn.learning.models import init_params, mlp
from catlearn.learning.supervised import supervised

LR, BATCH = 0.1, 32


def numpy_epoch(params, x, t, with_loss: bool = False):
    """One epoch of SGD by hand-written backprop, as a numpy user would write it."""
    W1, b1, W2, b2 = (p.copy() for p in params)
    total = 0.0
    for i in range(0, len(x), BATCH):
        xb, tb = x[i:i + BATCH], t[i:i + BATCH]
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
        W1 -= LR * dW1
        b1 -= LR * db1
        W2 -= LR * dW2
        b2 -= LR * db2
    return W1, b1, W2, b2


def catlearn_epoch(program, k: int):
    def epoch(params, x, t):
        sp = params
        for i in range(0, len(x), BATCH):
            sp = program(t[i:i + BATCH], *sp, x[i:i + BATCH])[:k]
        return sp
    return epoch


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=50)
    args = parser.parse_args(argv)
    digits = load_digits()
    order = np.random.default_rng(0).permutation(len(digits))[:1437]
    x, y = np.ascontiguousarray(digits.x[order]), digits.y[order]
    t = np.eye(10)[y]
    model = mlp([64, 32, 10])
    params = init_params(model, seed=0)
    learner = supervised(model, loss.softmax_cross_entropy(10), optim.sgd(LR))
    runs = {
        "numpy": lambda: numpy_epoch(params, x, t),
        "numpy+loss": lambda: numpy_epoch(params, x, t, with_loss=True),
        "update": lambda: catlearn_epoch(learner.update.compiled, 4)(params, x, t),
        "step": lambda: catlearn_epoch(learner.step.compiled, 4)(params, x, t),
    }
    check = [np.abs(a - b).max() for a, b in zip(runs["numpy"](), runs["update"]())]
    best = {name: float("inf") for name in runs}
    for _ in range(args.repeats):
        for name, run in runs.items():
            began = time.perf_counter()
            run()
            best[name] = min(best[name], time.perf_counter() - began)
    history = fit(model, params, (x, y), optimizer=optim.sgd(LR), epochs=args.repeats,
                  batch_size=BATCH, progress=False).history
    best["fit"] = min(history.seconds)
    print(f"digits MLP 64-32-10, SGD {LR}, batch {BATCH}, 1437 examples; "
          f"max |catlearn - numpy| after one epoch: {max(check):.1e}")
    for name, seconds in best.items():
        print(f"{name:11s} {seconds * 1e3:7.3f} ms/epoch   x{seconds / best['numpy']:.3f} of numpy"
              f"   x{seconds / best['numpy+loss']:.3f} of numpy+loss")


if __name__ == "__main__":
    main()
