"""The RDA paper's data sets as bits: binarised Iris and MNIST 0 vs 1, and their split.

These are the paper's own choices (min-max then ``> 0.5`` for Iris, ``raw > 32`` for
MNIST, ``splitTrainTest 25``), used by ``reproduce.py``, ``benchmarks/bench_rda.py``
and ``tests/test_rda.py``; they are not part of the library.  Import with this folder on
``sys.path`` (the scripts and tests put it there).

>>> x, y, classes = iris_bits(2, "binary")
>>> x.shape, y.shape
((100, 4), (100, 1))
"""

from __future__ import annotations

import numpy as np

from catlearn.data import load_iris, load_mnist_raw

__all__ = ["iris_bits", "iris_ceiling", "mnist01", "split_by_class"]


def _label_bits(classes: np.ndarray, n_classes: int, labels: str) -> np.ndarray:
    if labels == "one-hot":
        return np.eye(n_classes, dtype=np.uint8)[classes]
    if labels == "binary":
        width = max(1, (n_classes - 1).bit_length())
        return ((classes[:, None] >> np.arange(width)) & 1).astype(np.uint8)
    raise ValueError(f"labels must be 'binary' or 'one-hot', got {labels!r}")


def iris_bits(n_classes: int = 2, labels: str = "binary", dataset=None, levels: int = 1):
    """The paper's binarised Iris: ``(x, y, classes)``, rows in file order.

    Two classes are the first 100 rows (setosa, versicolor), three all 150.  Each
    feature is min-max normalised over the rows used, then ``bit = value > 0.5``.
    Labels: the class index in binary (least significant bit first) or one-hot.
    ``levels > 1`` (not in the paper) gives a thermometer code instead: bits
    ``value > t`` for ``t = 1/(levels+1), ..., levels/(levels+1)``, feature by feature.

    >>> x, y, c = iris_bits(3, "binary")
    >>> x.shape, y.shape, x[0].tolist(), y[-1].tolist()
    ((150, 4), (150, 2), [0, 1, 0, 0], [0, 1])
    >>> iris_bits(3, "binary", levels=2)[0][0].tolist()
    [0, 0, 1, 0, 0, 0, 0, 0]
    """
    dataset = load_iris() if dataset is None else dataset
    if n_classes not in (2, 3):
        raise ValueError(f"the paper's Iris sets have 2 or 3 classes, got {n_classes}")
    keep = dataset.y < n_classes
    features, classes = np.asarray(dataset.x)[keep], np.asarray(dataset.y)[keep]
    low, high = features.min(axis=0), features.max(axis=0)
    thresholds = np.arange(1, levels + 1) / (levels + 1)
    x = ((features - low) / (high - low))[:, :, None] > thresholds
    return x.reshape(len(x), -1).astype(np.uint8), _label_bits(classes, n_classes, labels), classes


def split_by_class(x, y, classes, n_train: int = 25):
    """``((x, y) train, (x, y) test)``: stable sort by class, first ``n_train`` of each train.

    The paper's ``splitTrainTest 25``; training order is therefore class by class.

    >>> (xt, yt), (xs, ys) = split_by_class(*iris_bits(2, "one-hot"))
    >>> len(xt), len(xs), yt[24].tolist(), yt[25].tolist()
    (50, 50, [1, 0], [0, 1])
    """
    order = np.argsort(classes, kind="stable")
    ranked = np.asarray(classes)[order]
    within = np.arange(len(order)) - np.searchsorted(ranked, ranked)  # place inside its class
    train, test = order[within < n_train], order[within >= n_train]
    return (x[train], y[train]), (x[test], y[test])


def iris_ceiling(x, y) -> float:
    """The best accuracy any function of the bits ``x`` can reach on ``(x, y)``.

    Per input pattern the most common label vector is right, the others wrong; computed
    on the evaluation set itself, so it bounds every model of those bits from above.

    >>> iris_ceiling(np.array([[0], [0], [0], [1]]), np.array([[1], [1], [0], [0]]))
    0.75
    """
    counts: dict = {}
    for row, label in zip(map(bytes, np.asarray(x, np.uint8)), map(bytes, np.asarray(y, np.uint8))):
        counts.setdefault(row, {}).setdefault(label, 0)
        counts[row][label] += 1
    return sum(max(c.values()) for c in counts.values()) / len(x)


MNIST_THRESHOLD, MNIST_HOLDOUT = 32, 11400


def _mnist01_kind(directory, kind: str):
    images, labels = load_mnist_raw(directory, kind)
    keep = labels <= 1
    x = (images[keep].reshape(-1, 784) > MNIST_THRESHOLD).astype(np.uint8)
    return x, (labels[keep] == 1).astype(np.uint8)[:, None]


def mnist01(directory=None, holdout: int = MNIST_HOLDOUT):
    """MNIST 0 vs 1 as in the paper: ``(train, validation, test)``, each ``(x, y)``.

    Pixels are bits ``raw > 32`` (784 per image), the label is ``digit == 1``; the
    0/1 training images in file order are split at ``holdout`` (11,400 train, the
    rest validate); test is the 0/1 part of the test set.  ``directory`` as for
    :func:`catlearn.data.load_mnist_raw` (else ``$CATLEARN_DATA``).

    >>> train, validation, test = mnist01("/data/mnist")  # doctest: +SKIP
    >>> len(train[0]), len(validation[0]), len(test[0])  # doctest: +SKIP
    (11400, 1265, 2115)
    """
    x, y = _mnist01_kind(directory, "train")
    return (x[:holdout], y[:holdout]), (x[holdout:], y[holdout:]), _mnist01_kind(directory, "test")
