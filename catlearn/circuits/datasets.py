"""The data a classifier circuit is fitted on: built-in sets or a CSV file, split stratified.

:func:`load` returns the training and test rows as given (a CSV ``Table`` or a numeric
array) with their class names, and a fixed :class:`~catlearn.data.encode.Encoding`
where the data set has one (MNIST's pixel thresholds); otherwise the encoding is fitted
on the training rows by the classifier.  Built-in sets: ``iris``, ``digits``, ``mnist``
and ``mnist01`` (the digits 0 and 1; the idx files are read from ``data_dir`` or
``$CATLEARN_DATA``).  Without a test set, 20 % of the rows of every class are held out
(:func:`stratified_split`); small training sets are cross-validated over
:func:`stratified_folds`.

:func:`ceiling` is the best test accuracy any function of the bits can reach: inputs
with the same bits get the same prediction.

>>> ceiling(np.array([[0], [0], [1]]), np.array([0, 1, 1]))
0.6666666666666666
>>> train, held = stratified_split(np.array([0, 0, 0, 0, 0, 1, 1, 1, 1, 1]), 0.2, seed=0)
>>> sorted(np.array([0, 0, 0, 0, 0, 1, 1, 1, 1, 1])[held].tolist())
[0, 1]
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from catlearn.data.csv import Table, read_csv
from catlearn.data.encode import Encoding, pixel_thresholds
from catlearn.errors import DataError

BUILTIN = ("iris", "digits", "mnist", "mnist01")
DEFAULT_LEVELS = {"iris": 8, "digits": 3, "mnist": 1, "mnist01": 1, "csv": 8}
IRIS_COLUMNS = ("sepal_length", "sepal_width", "petal_length", "petal_width")


@dataclass(frozen=True)
class RawData:
    """Training and test rows of a classifier (``Table`` or array) and their labels."""

    name: str
    x_train: object
    y_train: np.ndarray
    x_test: object
    y_test: np.ndarray
    encoding: Encoding | None
    feature_names: tuple | None
    levels: int


def stratified_split(y, fraction: float, seed: int = 0, what: str = "test", classes=None,
                     log=None) -> tuple[np.ndarray, np.ndarray]:
    """Row indices ``(kept, held)``: ``round(fraction * n)`` rows of every class held out,
    at least one and never all of a class.

    A class of one row cannot be split: with ``log`` it stays in the kept rows and
    ``log`` says so; without, it is an error naming the class.
    """
    y = np.asarray(y)
    rng = np.random.default_rng(seed)
    held = np.zeros(len(y), dtype=bool)
    if fraction <= 0:
        return np.arange(len(y)), np.arange(0)
    for k in np.unique(y):
        rows = np.flatnonzero(y == k)
        name = classes[k] if classes is not None else k
        if len(rows) < 2:
            message = (f"class {name!r} has {len(rows)} row: too few to split into "
                       f"training and {what} rows")
            if log is None:
                raise DataError(f"{message}; give a --test file or more rows of it")
            log(f"{message}; it is used for training only")
            continue
        count = min(max(1, round(fraction * len(rows))), len(rows) - 1)
        held[rng.permutation(rows)[:count]] = True
    return np.flatnonzero(~held), np.flatnonzero(held)


def stratified_folds(y, k: int, seed: int = 0) -> list[tuple[np.ndarray, np.ndarray]]:
    """``k`` pairs of row indices ``(kept, held)``: every row held out in exactly one fold,
    the rows of every class dealt in turn over the folds (after a seeded shuffle).

    >>> folds = stratified_folds(np.array([0, 0, 0, 1, 1, 1]), 3)
    >>> [sorted(np.array([0, 0, 0, 1, 1, 1])[held].tolist()) for _, held in folds]
    [[0, 1], [0, 1], [0, 1]]
    >>> sorted(np.concatenate([held for _, held in folds]).tolist())
    [0, 1, 2, 3, 4, 5]
    """
    if k < 2:
        raise ValueError(f"cross-validation needs at least 2 folds, got {k}")
    y = np.asarray(y)
    rng = np.random.default_rng(seed)
    fold = np.zeros(len(y), dtype=int)
    start = 0
    for c in np.unique(y):
        rows = rng.permutation(np.flatnonzero(y == c))
        fold[rows] = (start + np.arange(len(rows))) % k
        start += len(rows)  # the next class continues where this one stopped
    return [(np.flatnonzero(fold != i), np.flatnonzero(fold == i)) for i in range(k)]


def _builtin(name: str, levels: int, seed: int, data_dir) -> RawData:
    from catlearn.data import load_digits, load_iris, load_mnist
    if name in ("mnist", "mnist01"):
        train, test = (load_mnist(data_dir, kind=kind) for kind in ("train", "test"))
        xs = [d.x.reshape(len(d.x), -1) for d in (train, test)]
        ys = [d.y for d in (train, test)]
        if name == "mnist01":
            keep = [y <= 1 for y in ys]
            xs, ys = [x[k] for x, k in zip(xs, keep)], [y[k] for y, k in zip(ys, keep)]
        names = [np.array([str(c) for c in y]) for y in ys]
        return RawData(name, xs[0], names[0], xs[1], names[1], pixel_thresholds(784, levels),
                       None, levels)
    data = load_iris() if name == "iris" else load_digits(normalise=False)
    train, test = stratified_split(data.y, 0.2, seed, classes=tuple(data.classes))
    labels = np.array([str(c) for c in data.classes])[data.y]
    return RawData(name, data.x[train], labels[train], data.x[test], labels[test], None,
                   IRIS_COLUMNS if name == "iris" else None, levels)


def _subset(table: Table, rows) -> Table:
    return Table(table.source, table.columns, tuple(table.rows[i] for i in rows),
                 tuple(table.lines[i] for i in rows))


def _csv(path: str, label: str | None, test: str | None, levels: int, seed: int) -> RawData:
    if label is None:
        raise ValueError(f"{path}: name the class column with --label")
    table = read_csv(path)
    table.index(label)
    if test is None:
        y, classes = table.labels(label)
        train_rows, test_rows = stratified_split(y, 0.2, seed, classes=classes)
        train, held = _subset(table, train_rows), _subset(table, test_rows)
    else:
        train, held = table, read_csv(test)
        held.index(label)
    y_train, classes = train.labels(label)
    y_test, _ = held.labels(label, classes)
    names = np.array(classes)
    return RawData(Path(path).stem, train.without(label), names[y_train],
                   held.without(label), names[y_test], None, None, levels)


def load(data: str, label: str | None = None, test: str | None = None,
         levels: int | None = None, seed: int = 0, data_dir=None) -> RawData:
    """Load ``data``: a name of :data:`BUILTIN` or a CSV file."""
    if data in BUILTIN:
        if test is not None:
            raise ValueError(f"--test is for CSV data; {data} has its own test set")
        return _builtin(data, levels if levels is not None else DEFAULT_LEVELS[data], seed,
                        data_dir)
    if not Path(data).exists():
        raise FileNotFoundError(f"{data}: no such file (and not a built-in data set: "
                                f"{', '.join(BUILTIN)})")
    return _csv(data, label, test, levels if levels is not None else DEFAULT_LEVELS["csv"],
                seed)


def ceiling(x: np.ndarray, y: np.ndarray) -> float:
    """The best accuracy of any function of the rows of ``x`` at predicting ``y``."""
    _, pattern = np.unique(np.asarray(x), axis=0, return_inverse=True)
    counts = np.zeros((pattern.max() + 1, int(y.max()) + 1))
    np.add.at(counts, (pattern.ravel(), y), 1)
    return float(counts.max(axis=1).sum() / len(y))
