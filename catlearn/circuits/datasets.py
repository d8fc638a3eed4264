"""The data a classifier circuit is fitted on: built-in sets or a CSV file, encoded as bits.

:func:`bits_data` returns the training and test bits, their labels, the fitted
:class:`~catlearn.data.encode.Encoding` and the class names.  Encodings are fitted on
the training part only.  Built-in sets: ``iris`` (thermometer codes of the four
measurements), ``digits`` (thermometer codes of the 64 pixels), ``mnist`` and
``mnist01`` (the digits 0 and 1) with pixel thresholds.

:func:`ceiling` is the best test accuracy any function of the bits can reach: inputs
with the same bits get the same prediction.

>>> ceiling(np.array([[0], [0], [1]]), np.array([0, 1, 1]))
0.6666666666666666
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from catlearn.data import load_digits, load_iris, load_mnist
from catlearn.data.csv import Table, read_csv
from catlearn.data.encode import Encoding, fit_array, fit_table, pixel_thresholds

BUILTIN = ("iris", "digits", "mnist", "mnist01")
DEFAULT_LEVELS = {"iris": 8, "digits": 3, "mnist": 1, "mnist01": 1, "csv": 8}


@dataclass(frozen=True)
class BitsData:
    """Encoded training and test sets of a classifier circuit."""

    name: str
    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    encoding: Encoding
    classes: tuple[str, ...]


def _split(n: int, fraction: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    order = np.random.default_rng(seed).permutation(n)
    cut = n - max(1, round(fraction * n))
    return order[:cut], order[cut:]


def _builtin(name: str, levels: int, seed: int) -> BitsData:
    if name in ("mnist", "mnist01"):
        train, test = load_mnist(kind="train"), load_mnist(kind="test")
        xs = [d.x.reshape(len(d.x), -1) for d in (train, test)]
        ys = [d.y for d in (train, test)]
        if name == "mnist01":
            keep = [y <= 1 for y in ys]
            xs, ys = [x[k] for x, k in zip(xs, keep)], [y[k] for y, k in zip(ys, keep)]
        classes = tuple(str(c) for c in range(2 if name == "mnist01" else 10))
        encoding = pixel_thresholds(784, levels)
        return BitsData(name, encoding.encode_array(xs[0]), ys[0], encoding.encode_array(xs[1]),
                        ys[1], encoding, classes)
    data = load_iris() if name == "iris" else load_digits(normalise=False)
    train, test = _split(len(data.x), 0.2, seed)
    columns = None if name == "digits" else ("sepal_length", "sepal_width", "petal_length",
                                             "petal_width")
    encoding = fit_array(data.x[train], levels, columns)
    return BitsData(name, encoding.encode_array(data.x[train]), data.y[train],
                    encoding.encode_array(data.x[test]), data.y[test], encoding,
                    tuple(data.classes))


def _subset(table: Table, rows) -> Table:
    return Table(table.source, table.columns, tuple(table.rows[i] for i in rows),
                 tuple(table.lines[i] for i in rows))


def _csv(path: str, label: str | None, test: str | None, levels: int, seed: int) -> BitsData:
    if label is None:
        raise ValueError(f"{path}: name the class column with --label")
    table = read_csv(path)
    table.index(label)
    if test is None:
        train_rows, test_rows = _split(len(table), 0.2, seed)
        train, held = _subset(table, train_rows), _subset(table, test_rows)
    else:
        train, held = table, read_csv(test)
        held.index(label)
    y_train, classes = train.labels(label)
    y_test, _ = held.labels(label, classes)
    encoding = fit_table(train.without(label), levels)
    return BitsData(Path(path).stem, encoding.encode_table(train), y_train,
                    encoding.encode_table(held), y_test, encoding, classes)


def bits_data(data: str, label: str | None = None, test: str | None = None,
              levels: int | None = None, seed: int = 0) -> BitsData:
    """Load and encode ``data``: a name of :data:`BUILTIN` or a CSV file."""
    if data in BUILTIN:
        if test is not None:
            raise ValueError(f"--test is for CSV data; {data} has its own test set")
        return _builtin(data, levels or DEFAULT_LEVELS[data], seed)
    if not Path(data).exists():
        raise FileNotFoundError(f"{data}: no such file (and not a built-in data set: "
                                f"{', '.join(BUILTIN)})")
    return _csv(data, label, test, levels or DEFAULT_LEVELS["csv"], seed)


def ceiling(x: np.ndarray, y: np.ndarray) -> float:
    """The best accuracy of any function of the rows of ``x`` at predicting ``y``."""
    _, pattern = np.unique(np.asarray(x), axis=0, return_inverse=True)
    counts = np.zeros((pattern.max() + 1, int(y.max()) + 1))
    np.add.at(counts, (pattern.ravel(), y), 1)
    return float(counts.max(axis=1).sum() / len(y))
