"""Reproduce the experiments of CFGBL (Cruttwell, Gavranović, Ghani, Wilson, Zanasi,
"Categorical Foundations of Gradient-Based Learning", arXiv 2103.01931) with catlearn.

The protocol is the paper's code (statusfailed/numeric-optics-python, ``experiments/``):

* **Iris** (``iris.py``): UCI ``iris.data``, raw centimetres (no normalisation), one-hot
  targets; models ``linear`` (``W x``), ``dense`` (``sigmoid(W x + b)``, 4 -> 3) and
  ``hidden`` (4 -> 20 -> 3, sigmoid twice); MSE, SGD with learning rate 0.01, batch 1,
  400 epochs; *training* accuracy on all 150 rows.  The code prints the accuracy after the
  first step of every epoch, so its last line is the accuracy after 399 epochs and one
  step; we report that point and the end of the 400th epoch.
* **MNIST** (``convolutional.py``): conv 3x3 1->3, relu, maxpool 2, conv 4x4 3->5, relu,
  maxpool 2, flatten, dense 125->10 sigmoid, no conv bias; pixels ``float32 / 255``; MSE,
  batch 1, 4 epochs, test accuracy at the end of each epoch; the update
  ``rda_momentum(gamma=-0.1)`` with the learning-rate lens ``-0.01``, i.e.
  ``v' = d - 0.1 v``, ``p' = p + v'``, ``d = -0.01 g``: catlearn's
  ``optim.momentum(0.01, gamma=-0.1)``, the paper's *effective* setting (its Keras twin
  uses +0.1; the second table runs that too).
* **Initialisation and shuffling** as the code draws them from ``np.random.seed(2)``:
  ``linear`` weights ``N(0, 0.01)``, biases 0, conv kernels ``U(+-sqrt(6 / prod(shape)))``
  on the layout ``(out, kh, kw, in)``, drawn last layer first; then every epoch shuffles
  one permutation in place.  Kernels and the dense weight are converted to catlearn's
  channels-first layout, so both programs start from the same function and see the
  examples in the same order.

Run: ``python papers/cfgbl/reproduce.py [--data-dir DIR] [--quick] [--skip-mnist]``
(MNIST from DIR, ``$CATLEARN_DATA(/mnist)`` or ``../shared/data/mnist``).
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path
from typing import Callable, NamedTuple

import numpy as np

from catlearn import layers
from catlearn.data import load_iris, load_mnist_raw
from catlearn.learning import loss, optim
from catlearn.learning.fit import fit, predict
from catlearn.learning.supervised import supervised

SEED = 2  # experiments/dataset.py: np.random.seed(2)
PAPER_IRIS = {"linear": 0.667, "dense": 0.947, "hidden": 0.967}  # the code's output
PAPER_MNIST = (0.9585, 0.9664, 0.9710, 0.9744)  # after epochs 1-4
PAPER_MNIST_SECONDS = 260.0  # CPU seconds per epoch of the paper's code
IRIS_MODELS = {"linear": "W x", "dense": "sigmoid(W x + b)", "hidden": "4-20-3 sigmoid"}
IRIS_SETTINGS = "MSE, SGD 0.01, batch 1"
SIBLING = Path(__file__).resolve().parents[3] / "shared" / "data" / "mnist"


class Run(NamedTuple):
    """Accuracies (at the code's print point and after each epoch) and seconds per epoch."""

    at_print: float
    per_epoch: tuple
    seconds: float


# -- the paper's initialisation, converted to catlearn's layouts ------------------------


def paper_iris_params(name: str, rng: np.random.RandomState) -> tuple:
    """``linear`` draws ``N(0, 0.01)`` of shape (out, in); composites draw the last layer first."""
    if name == "linear":
        return (rng.normal(0, 0.01, (3, 4)),)
    if name == "dense":
        return rng.normal(0, 0.01, (3, 4)), np.zeros(3)
    W2 = rng.normal(0, 0.01, (3, layers.cfgbl.HIDDEN))
    W1 = rng.normal(0, 0.01, (layers.cfgbl.HIDDEN, 4))
    return W1, np.zeros(layers.cfgbl.HIDDEN), W2, np.zeros(3)


def paper_glorot(shape, rng: np.random.RandomState) -> np.ndarray:
    """The code's ``glorot_uniform``: ``U(-b, b)``, ``b = sqrt(6) / sqrt(prod(shape))``."""
    bound = np.sqrt(6) / np.sqrt(np.prod(shape))
    return rng.uniform(-bound, bound, shape)


def paper_mnist_params(rng: np.random.RandomState) -> tuple:
    """Dense weight, then kernel 2, then kernel 1 (the code's order), in our layouts.

    Kernels ``(out, kh, kw, in)`` become ``(out, in, kh, kw)``; the dense weight reads
    the flattened ``(h, w, c)`` image, ours the ``(c, h, w)`` one: its columns are permuted.
    """
    W = rng.normal(0, 0.01, (10, 125))
    K2, K1 = paper_glorot((5, 4, 4, 3), rng), paper_glorot((3, 3, 3, 1), rng)
    W = W.reshape(10, 5, 5, 5).transpose(0, 3, 1, 2).reshape(10, 125)
    return K1.transpose(0, 3, 1, 2), K2.transpose(0, 3, 1, 2), W, np.zeros(10)


# -- the paper's training loop over catlearn's compiled learner ---------------------------


def train_online(learner, params, x, t, rng, epochs: int, measure: Callable) -> Run:
    """One example per step, the permutation shuffled in place every epoch (as the code).

    ``measure(params)`` is called after the first step of the last epoch (where the
    code prints) and after every epoch; neither is timed.
    """
    run = _Steps(learner.update.compiled, x, t)
    ps = (*params, *learner.optimizer.init(learner.model.param))
    n_param, order, at_print, per_epoch = len(params), np.arange(len(x)), float("nan"), []
    for epoch in range(epochs):
        rng.shuffle(order)
        ps = run(ps, order[:1])
        if epoch == epochs - 1:
            at_print = measure(ps[:n_param])
        ps = run(ps, order[1:])
        per_epoch.append(measure(ps[:n_param]))
    return Run(at_print, tuple(per_epoch), run.seconds / max(epochs, 1))


class _Steps:
    """Training steps over examples ``x[i], t[i]`` one at a time, timed in CPU seconds."""

    def __init__(self, step, x, t):
        self.step, self.x, self.t, self.seconds = step, x, t, 0.0

    def __call__(self, sp, indices):
        step, x, t, k = self.step, self.x, self.t, len(sp)
        began = time.process_time()
        for i in indices:
            sp = step(*sp, x[i:i + 1], t[i:i + 1])[:k]
        self.seconds += time.process_time() - began
        return sp


def accuracy_of(model, x, labels) -> Callable:
    return lambda params: float(np.mean(predict(model, params, x).argmax(axis=1) == labels))


def iris_data():
    iris = load_iris()  # UCI iris.data, as the code downloads it
    return np.ascontiguousarray(iris.x), iris.y, np.eye(3)[iris.y]


def iris_paper(name: str, epochs: int) -> Run:
    x, y, t = iris_data()
    model = layers.cfgbl_iris_models()[name]
    rng = np.random.RandomState(SEED)
    params = paper_iris_params(name, rng)
    learner = supervised(model, loss.mse(3), optim.sgd(0.01))
    return train_online(learner, params, x, t, rng, epochs, accuracy_of(model, x, y))


def mnist(directory, limit: int | None, test_limit: int | None):
    """``(x, labels)`` for train and test, pixels ``float32 / 255`` as the code reads them."""
    def load(kind, n):
        images, labels = load_mnist_raw(directory, kind, n)
        x = (images.astype(np.float32) / np.float32(255)).astype(np.float64)
        return x.reshape(-1, 1, 28, 28), labels.astype(np.int64)
    return load("train", limit), load("test", test_limit)


def mnist_paper(data, epochs: int, gamma: float) -> Run:
    (x, y), (x_test, y_test) = data
    model = layers.cfgbl_mnist_model()
    rng = np.random.RandomState(SEED)
    params = paper_mnist_params(rng)
    learner = supervised(model, loss.mse(10), optim.momentum(0.01, gamma=gamma))
    return train_online(learner, params, x, np.eye(10)[y], rng, epochs,
                        accuracy_of(model, x_test, y_test))


# -- what the rest of the framework adds --------------------------------------------------


def mnist_logits_model():
    """The paper's MNIST model without the final sigmoid (logits for softmax cross-entropy)."""
    return layers.sequential(
        layers.conv2d(1, 3, 3, 28, 28), layers.relu((3, 26, 26)), layers.maxpool2d(3, 26, 26),
        layers.conv2d(3, 5, 4, 13, 13), layers.relu((5, 10, 10)), layers.maxpool2d(5, 10, 10),
        layers.flatten((5, 5, 5)), layers.dense(125, 10))


def iris_logits_model(name: str):
    if name == "linear":
        return layers.linear(4, 3)
    if name == "dense":
        return layers.dense(4, 3)
    return layers.sequential(layers.dense(4, layers.cfgbl.HIDDEN, "sigmoid"),
                             layers.dense(layers.cfgbl.HIDDEN, 3))


def with_fit(model, params, train, measure, epochs: int, lr: float) -> Run:
    """Adam, softmax cross-entropy, minibatches of 32, through ``fit``; untimed measurements.

    Seconds are CPU seconds between the end of one epoch's callback and the next (the
    median epoch, so that building and compiling the learner before epoch 1 does not count).
    """
    accuracies, seconds, clock = [], [], [time.process_time()]

    def callback(epoch, history, params):
        seconds.append(time.process_time() - clock[0])
        accuracies.append(measure(params))
        clock[0] = time.process_time()
    fit(model, params, train, loss="softmax_cross_entropy", optimizer="adam", lr=lr,
        epochs=epochs, batch_size=32, seed=SEED, progress=False, callbacks=[callback])
    return Run(accuracies[-1], tuple(accuracies), float(np.median(seconds)))


def iris_framework(name: str, epochs: int) -> Run:
    x, y, _ = iris_data()
    params = paper_iris_params(name, np.random.RandomState(SEED))
    model = iris_logits_model(name)
    return with_fit(model, params, (x, y), accuracy_of(model, x, y), epochs, 0.01)


def mnist_framework(data, epochs: int) -> Run:
    (x, y), (x_test, y_test) = data
    model = mnist_logits_model()
    params = paper_mnist_params(np.random.RandomState(SEED))
    return with_fit(model, params, (x, y), accuracy_of(model, x_test, y_test), epochs, 0.001)


# -- printing -------------------------------------------------------------------------------


def row(*cells, widths=(24, 11, 8, 10, 13)) -> str:
    head = [f"{c:<{w}}" for c, w in zip(cells, widths)]
    return " | ".join(head + [str(c) for c in cells[len(widths):]])


def iris_table(epochs: int) -> list[str]:
    lines = [row("experiment", "paper code", "ours", "ours, end", "s/epoch", "settings")]
    for name, paper in PAPER_IRIS.items():
        run = iris_paper(name, epochs)
        lines.append(row(f"Iris {name} (train acc)", f"{paper:.3f}", f"{run.at_print:.3f}",
                         f"{run.per_epoch[-1]:.3f}", f"{run.seconds:.3f}",
                         f"{IRIS_MODELS[name]}, {IRIS_SETTINGS}, {epochs} epochs"))
    return lines


def mnist_table(data, epochs: int) -> list[str]:
    run = mnist_paper(data, epochs, gamma=-0.1)
    n, n_test = len(data[0][0]), len(data[1][0])
    lines = []
    for e, ours in enumerate(run.per_epoch):
        paper = f"{PAPER_MNIST[e]:.4f}" if e < len(PAPER_MNIST) else "-"
        lines.append(row(f"MNIST epoch {e + 1} (test acc)", paper, f"{ours:.4f}", "",
                         f"{run.seconds:.1f} ({PAPER_MNIST_SECONDS:.0f})",
                         f"conv model, MSE, momentum(0.01, gamma=-0.1), batch 1, "
                         f"{n} train / {n_test} test"))
    return lines


def framework_table(iris_epochs: int, data, mnist_epochs: int) -> list[str]:
    lines = [row("experiment", "accuracy", "s/epoch", "settings", widths=(38, 9, 8))]
    for name in PAPER_IRIS:
        run = iris_framework(name, iris_epochs)
        lines.append(row(f"Iris {name} (train acc)", f"{run.per_epoch[-1]:.3f}",
                         f"{run.seconds:.4f}", f"logits, softmax CE, Adam 0.01, batch 32, "
                         f"{iris_epochs} epochs", widths=(38, 9, 8)))
    if data is not None:
        run = mnist_paper(data, mnist_epochs, gamma=0.1)
        lines.append(row("MNIST, momentum +0.1 (test acc)", _accs(run), f"{run.seconds:.1f}",
                         "the paper's model and MSE, ordinary momentum (Keras twin), batch 1",
                         widths=(38, 9, 8)))
        run = mnist_framework(data, mnist_epochs)
        lines.append(row("MNIST, Adam + CE + batch 32 (test acc)", _accs(run),
                         f"{run.seconds:.1f}", "conv model with logits, softmax CE, Adam 0.001",
                         widths=(38, 9, 8)))
    return lines


def _accs(run: Run) -> str:
    return f"{run.per_epoch[-1]:.4f}" + (" (" + " / ".join(f"{a:.4f}" for a in run.per_epoch)
                                         + ")" if len(run.per_epoch) > 1 else "")


def mnist_directory(given) -> Path | None:
    """The folder of the MNIST idx files (``.gz`` or not), or ``None`` when there is none."""
    root = os.environ.get("CATLEARN_DATA")
    candidates = [given] if given else [root and Path(root) / "mnist", root, SIBLING]
    for folder in filter(None, candidates):
        if any((Path(folder) / f"t10k-labels-idx1-ubyte{gz}").is_file() for gz in ("", ".gz")):
            return Path(folder)
    if given:
        raise SystemExit(f"no MNIST idx files in {given}")
    return None


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", help="folder of the MNIST idx files")
    parser.add_argument("--quick", action="store_true", help="150 Iris epochs; MNIST: 1 epoch "
                        "on 2,000 training and 2,000 test images (a smoke test, not the paper)")
    parser.add_argument("--skip-mnist", action="store_true")
    args = parser.parse_args(argv)
    iris_epochs, mnist_epochs = (150, 1) if args.quick else (400, 4)
    folder = None if args.skip_mnist else mnist_directory(args.data_dir)
    data = None if folder is None else mnist(folder, *((2000, 2000) if args.quick else (None,) * 2))
    print("CFGBL (Cruttwell et al., arXiv 2103.01931): the paper's experiments, its code's "
          "settings, initial weights and shuffles\n")
    lines = iris_table(iris_epochs) + ([] if data is None else mnist_table(data, mnist_epochs))
    print("\n".join(lines))
    if args.quick:
        print("(--quick: fewer epochs and images; the paper's column is its full run)")
    if data is None:
        print("(MNIST skipped: " + ("--skip-mnist" if args.skip_mnist else "no idx files found; "
                                    "pass --data-dir or set CATLEARN_DATA") + ")")
    print("\npaper code: numeric-optics-python's figures (Iris: its last printed line, after the "
          "first step of the last epoch; MNIST: test accuracy at the end of each epoch); ours: the "
          "same point; ours, end: after the last epoch.\ns/epoch: our CPU seconds per epoch, one "
          "BLAS thread (the paper code's in brackets).\n")
    print("What the rest of catlearn adds on the same data and initial weights\n")
    print("\n".join(framework_table(iris_epochs, data, mnist_epochs)))


if __name__ == "__main__":
    main()
