"""Reproduce Reverse Derivative Ascent (Wilson, Zanasi, arXiv 2101.10488) with catlearn.

Prints the paper's table beside ours, then what catlearn adds: minibatched RDA (XOR-sum
and majority vote), the accuracy ceiling of the Iris binarisation, and models over
richer bits.  The protocol is the paper's code (statusfailed/act-2020-experiments):
one online pass in the data's order, theta = 0 at the start, ``theta += R[f](theta, x,
y + f(theta, x))_theta`` (XOR).

Run: python papers/rda/reproduce.py [--data-dir DIR]   (MNIST rows need the idx files,
in DIR, $CATLEARN_DATA(/mnist) or ../shared/data/mnist; they are skipped otherwise)
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

import numpy as np

from catlearn import Para
from catlearn.learning.rda import accuracy, lookup_table, pseudo_linear, rda_fit, stacked_tables
from catlearn.data import load_iris
from data import iris_bits, iris_ceiling, mnist01, split_by_class  # this folder: the paper's data

IRIS = [("Iris two-class, binary", 2, "binary", 98.0),
        ("Iris two-class, one-hot", 2, "one-hot", 98.0),
        ("Iris three-class, binary", 3, "binary", 73.3),
        ("Iris three-class, one-hot", 3, "one-hot", 73.3)]
MNIST_PAPER = 99.2
SIBLING = Path(__file__).resolve().parents[3] / "shared" / "data" / "mnist"


def row(*cells, widths=(26, 10, 7, 10)) -> str:
    head = [f"{c:<{w}}" for c, w in zip(cells, widths)]
    return " | ".join(head + [str(c) for c in cells[len(widths):]])


def pct(value) -> str:
    return "-" if value is None else f"{100 * value:.1f}"


def iris_split(n_classes, labels, levels=1):
    return split_by_class(*iris_bits(n_classes, labels, levels=levels))


def iris_rows():
    """The four Iris experiments: paper, ours, ceiling of the bits."""
    out = []
    for name, n_classes, labels, paper in IRIS:
        train, test = iris_split(n_classes, labels)
        model = lookup_table(4, train[1].shape[1])
        ours = accuracy(model, rda_fit(model, train).theta, test)
        settings = (f"lookup table 4 -> {train[1].shape[1]} ({len(model.param)} bits), "
                    f"{len(train[0])} steps, test {len(test[0])}")
        out.append(row(name, f"{paper:.1f}", pct(ours), pct(iris_ceiling(*test)), settings))
    return out


def differences(rows) -> list[str]:
    """Say where ours and the paper's differ, and the one fact that matters for Iris."""
    differ = [r.split(" | ")[0].strip() for r in rows
              if r.split(" | ")[1].strip() != r.split(" | ")[2].strip()]
    train, test = split_by_class(*iris_bits(3, "binary", dataset=load_iris("fisher")))
    model = lookup_table(4, 2)
    fisher = accuracy(model, rda_fit(model, train).theta, test)
    return [("differ: " + ", ".join(differ)) if differ else
            "ours equals the paper's number, to the printed digit, in every row.",
            f"the Iris rows need UCI's iris.data: Fisher's corrected table (rows 35, 38) gives "
            f"{pct(fisher)} on three classes.",
            "ceiling: the best any function of the same bits can do on the test split "
            "(majority label per bit pattern, computed on the test set itself: an upper bound)."]


def find_mnist(directory):
    if directory is not None:
        return Path(directory)
    root = os.environ.get("CATLEARN_DATA")
    for folder in ([Path(root) / "mnist", Path(root)] if root else []) + [SIBLING]:
        if any((folder / f"train-images-idx3-ubyte{gz}").is_file() for gz in ("", ".gz")):
            return folder
    return None


def mnist_fit(data, batch_size=1, reduce="xor"):
    """The paper's MNIST run: validated after every step, best (latest on ties) tested."""
    train, validation, test = data
    model = Para.of(pseudo_linear(784), 784)
    steps = min(999, len(train[0]) // batch_size)
    fit = rda_fit(model, train, batch_size=batch_size, reduce=reduce, steps=steps,
                  validate=validation)
    return fit, accuracy(model, fit.best, test)


def mnist_row(data):
    if data is None:
        return row("MNIST 0 vs 1", f"{MNIST_PAPER:.1f}", "skipped", "-",
                   "MNIST idx files not found")
    fit, ours = mnist_fit(data)
    settings = (f"pseudoLinear(784, k=4), 999 steps, validated every step on "
                f"{len(data[1][0])}, best at step {fit.best_step} "
                f"({fit.best_score}/{len(data[1][0])}), test {len(data[2][0])}")
    return row("MNIST 0 vs 1", f"{MNIST_PAPER:.1f}", pct(ours), "-", settings)


def batch_rows(data):
    """(a) minibatches: XOR-sum (the Z2-categorical reduction) against majority vote."""
    out = []
    for name, n_classes, labels, _ in (IRIS[0], IRIS[3]):
        train, test = iris_split(n_classes, labels)
        model = lookup_table(4, train[1].shape[1])
        for b in (1, 5, 25):
            accs = [accuracy(model, rda_fit(model, train, batch_size=b, reduce=r).theta, test)
                    for r in ("xor", "majority")]
            out.append(row(name, b, pct(accs[0]), pct(accs[1]),
                           f"{len(train[0]) // b} steps, in order"))
    for b in (1, 4, 16, 64) if data is not None else ():
        accs = [mnist_fit(data, b, r) for r in ("xor", "majority")]
        steps = min(999, len(data[0][0]) // b)
        out.append(row("MNIST 0 vs 1", b, pct(accs[0][1]), pct(accs[1][1]),
                       f"{steps} steps; best steps {accs[0][0].best_step} / "
                       f"{accs[1][0].best_step}"))
    return out


def shuffled(train, epochs, seed):
    rng = np.random.default_rng(seed)
    order = np.concatenate([rng.permutation(len(train[0])) for _ in range(epochs)])
    return train[0][order], train[1][order]


def richer_rows(seeds=10, epochs=10):
    """(b) a deeper model over thermometer bits (2 per feature): stacked tables."""
    out = []
    for name, n_classes, labels, _ in (IRIS[1], IRIS[3]):
        train, test = iris_split(n_classes, labels, levels=2)
        ceiling, n_out = pct(iris_ceiling(*test)), train[1].shape[1]
        flat = lookup_table(8, n_out)
        ours = accuracy(flat, rda_fit(flat, train).theta, test)
        out.append(row(name, "flat table", pct(ours), ceiling,
                       "8 bits -> table (256 rows), one pass in order"))
        stacked = stacked_tables(2, 4, n_out)
        accs = [accuracy(stacked, rda_fit(stacked, shuffled(train, epochs, s)).theta, test)
                for s in range(seeds)]
        out.append(row(name, "stacked", f"{pct(np.mean(accs))}", ceiling,
                       f"2 layers of tables, {epochs} shuffled epochs, mean of {seeds} orders "
                       f"(min {pct(min(accs))}, max {pct(max(accs))})"))
    return out


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", help="folder of the MNIST idx files (raw or .gz)")
    parser.add_argument("--quick", action="store_true", help="only the paper's table")
    args = parser.parse_args(argv)
    folder = find_mnist(args.data_dir)
    data = mnist01(folder) if folder is not None else None
    start = time.perf_counter()
    print("Reverse Derivative Ascent (Wilson, Zanasi 2021): the paper's experiments\n")
    print(row("experiment", "paper %", "ours %", "ceiling %", "settings"))
    rows = [*iris_rows(), mnist_row(data)]
    print(*rows, sep="\n")
    print("", *differences(rows), sep="\n")
    if not args.quick:
        print("\n(a) minibatched RDA: B examples per step, one update from their B dtheta\n")
        print(row("experiment", "batch B", "xor %", "majority %", "settings"))
        print(*batch_rows(data), sep="\n")
        print("\n(b) richer bits, deeper model: 2 thermometer bits per feature "
              "(v > 1/3, v > 2/3)\n")
        print(row("experiment", "model", "ours %", "ceiling %", "settings"))
        print(*richer_rows(), sep="\n")
    print(f"\n(total {time.perf_counter() - start:.1f} s)")


if __name__ == "__main__":
    main()
