"""``catlearn train`` against scikit-learn's MLPClassifier on the same splits (issue 8, sec. 6).

For each data set (iris, digits) and seed 0-4, the split and the input scaling are
``catlearn.cli.train.load``'s (the command's own); catlearn runs the command with its
defaults and that seed, scikit-learn fits ``MLPClassifier`` with the same hidden sizes
(its defaults otherwise: adam, lr 0.001, alpha 1e-4, up to 200 epochs, ``random_state``
the seed).  Prints the test accuracies, their means side by side and catlearn's seconds
per command::

    OPENBLAS_NUM_THREADS=1 python benchmarks/bench_sklearn.py [iris digits]
"""

from __future__ import annotations

import contextlib
import io
import sys
import time
import warnings

import numpy as np

from catlearn.cli import main as catlearn_main
from catlearn.cli.train import DEFAULTS, load, parse_model

SEEDS = range(5)


def catlearn_accuracy(name: str, seed: int) -> tuple[float, float]:
    """Test accuracy printed by ``catlearn train NAME --seed SEED``, and its seconds."""
    out = io.StringIO()
    began = time.perf_counter()
    with contextlib.redirect_stdout(out):
        code = catlearn_main(["train", name, "--seed", str(seed), "--no-progress"])
    seconds = time.perf_counter() - began
    last = out.getvalue().strip().splitlines()[-1]
    if code != 0 or not last.startswith("test accuracy: "):
        raise RuntimeError(f"catlearn train {name} --seed {seed} failed: {out.getvalue()}")
    return float(last.split(": ")[1]), seconds


def sklearn_accuracy(name: str, seed: int) -> float:
    """``MLPClassifier`` of the default model's hidden sizes on the command's split."""
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier

    hidden, activation = parse_model(DEFAULTS[name]["model"])
    (x, y), (x_test, y_test), _ = load(name, seed, scaling=DEFAULTS[name]["scaling"])
    classifier = MLPClassifier(hidden, activation=activation, random_state=seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        classifier.fit(x, y)
    return float(np.mean(classifier.predict(x_test) == y_test))


def main(names) -> None:
    print(f"{'data':8} {'seed':>4} {'catlearn':>9} {'sklearn':>9} {'seconds':>8}")
    for name in names:
        ours, theirs, times = [], [], []
        for seed in SEEDS:
            accuracy, seconds = catlearn_accuracy(name, seed)
            ours.append(accuracy)
            times.append(seconds)
            theirs.append(sklearn_accuracy(name, seed))
            print(f"{name:8} {seed:4} {ours[-1]:9.4f} {theirs[-1]:9.4f} {seconds:8.2f}")
        print(f"{name:8} {'mean':>4} {np.mean(ours):9.4f} {np.mean(theirs):9.4f} "
              f"{np.mean(times):8.2f}")


if __name__ == "__main__":
    main(sys.argv[1:] or ["iris", "digits"])
