"""Reverse Derivative Ascent: catlearn's RDA runs against hand-written numpy.

catlearn runs the paper's protocol through the composite lens (model lens, Z2 error,
identity learning rate) compiled to one map, on bit-packed words.  The references are
what one would write by hand for these two models: the Iris table update
``table[x] = y`` and, for MNIST, pseudoLinear's update from its two popcounts with
0/1 uint8 arrays.  Both must give the same parameters as catlearn (checked).
Times are CPU seconds of this process (best of ``--repeat``), single-threaded numpy.

Run: python benchmarks/bench_rda.py [--data-dir DIR] [--repeat 5]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

from catlearn import Para
from catlearn.learning.rda import accuracy, lookup_table, pseudo_linear, rda_fit, rda_gradient

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "papers" / "rda"))
from data import iris_bits, mnist01, split_by_class  # noqa: E402  (the paper's data helpers)
from reproduce import IRIS, find_mnist  # noqa: E402  (the paper script is not a package)


def best_of(fn, repeat):
    """Least CPU time (this process) over ``repeat`` runs: robust on a shared machine."""
    times = []
    for _ in range(repeat):
        start = time.process_time()
        result = fn()
        times.append(time.process_time() - start)
    return min(times), result


def iris_by_hand(train, n_out):
    table = np.zeros((16, n_out), np.uint8)
    for x, y in zip(*train):
        table[x @ (1 << np.arange(4))] = y
    return table.T.ravel()  # output-major, as lookup_table's parameters


def bench_iris(repeat):
    print("Iris (lookup table, one online pass)       catlearn      by hand   first call")
    for name, n_classes, labels, _ in IRIS:
        train, test = split_by_class(*iris_bits(n_classes, labels))
        model = lookup_table(4, train[1].shape[1])
        first, _ = best_of(lambda: rda_fit(model, train), 1)  # builds and compiles the lens
        ours, fit = best_of(lambda: rda_fit(model, train), repeat)
        ref, theta = best_of(lambda: iris_by_hand(train, train[1].shape[1]), repeat)
        assert fit.theta.tolist() == theta.tolist(), name
        print(f"  {name:<40} {1e3 * ours:8.2f} ms {1e3 * ref:8.3f} ms {1e3 * first:8.1f} ms "
              f"({len(train[0])} steps, acc {100 * accuracy(model, fit.theta, test):.1f} %)")


def mnist_by_hand(train, validation, steps=999, k=4):
    """pseudoLinear RDA on 0/1 uint8 rows, validated after every step, latest best kept."""
    theta = np.zeros(784, np.int32)
    xv, yv = validation[0].astype(np.int32), validation[1][:, 0].astype(bool)
    best, best_score = theta.copy(), -1
    for step in range(steps + 1):
        if step:
            x, y = train[0][step - 1].astype(np.int32), bool(train[1][step - 1, 0])
            hits, ones = int(theta @ x), int(theta.sum())
            here = hits <= ones // k
            if y != here:
                d = 1 - 2 * theta
                theta = theta ^ (((hits + d * x) <= (ones + d) // k) != here)
        score = int((((xv @ theta) <= theta.sum() // k) == yv).sum())
        if score >= best_score:
            best, best_score = theta.copy(), score
    return best


def bench_mnist(directory, repeat):
    folder = find_mnist(directory)
    if folder is None:
        print("MNIST: idx files not found (pass --data-dir or set CATLEARN_DATA); skipped")
        return
    load, (train, validation, test) = best_of(lambda: mnist01(folder), 1)
    model = Para.of(pseudo_linear(784), 784)
    rda_gradient(model).compiled
    ours, fit = best_of(lambda: rda_fit(model, train, steps=999, validate=validation), repeat)
    plain, _ = best_of(lambda: rda_fit(model, train, steps=999), repeat)
    ref, best = best_of(lambda: mnist_by_hand(train, validation), repeat)
    assert fit.best.tolist() == best.tolist()
    tested, acc = best_of(lambda: accuracy(model, fit.best, test), repeat)
    print(f"MNIST 0 vs 1 (pseudoLinear, 999 steps; load + binarise {load:.2f} s)")
    print(f"  999 steps + 1000 validations (1265 rows)   catlearn {ours:6.2f} s   "
          f"by hand {ref:6.2f} s")
    print(f"  999 steps alone                            catlearn {plain:6.2f} s "
          f"({1e3 * plain / 999:.2f} ms/step)")
    print(f"  test accuracy on 2115 rows                 catlearn {1e3 * tested:6.2f} ms "
          f"-> {100 * acc:.1f} %")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", help="folder of the MNIST idx files")
    parser.add_argument("--repeat", type=int, default=5, help="best of this many runs")
    args = parser.parse_args(argv)
    bench_iris(args.repeat)
    bench_mnist(args.data_dir, max(1, args.repeat // 2))


if __name__ == "__main__":
    main()
