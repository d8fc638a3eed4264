"""Offline data sets: Iris (UCI or Fisher), scikit-learn's 8x8 digits, MNIST from idx files.

Every loader returns a :class:`Dataset`: features ``x`` (float64, one row per example), labels
``y`` (int64 indices into ``classes``) and a ``name``. Nothing here touches the network.

>>> iris = load("iris")
>>> iris
Dataset('iris-uci', x=(150, 4) float64, y=(150,), classes=('Iris-setosa', 'Iris-versicolor', 'Iris-virginica'))
>>> train, test = iris.split(0.2, seed=0)
>>> len(train), len(test), train.one_hot().shape
(120, 30, (120, 3))
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from catlearn.data.csv import Table, parse_csv, read_csv
from catlearn.data.encode import Encoding, fit_array, fit_table, pixel_thresholds
from catlearn.data.idx import idx_header, read_idx
from catlearn.errors import DataError

__all__ = [
    "Dataset", "load", "load_iris", "load_digits", "load_mnist", "load_mnist_raw",
    "check_finite", "read_idx", "idx_header",
    "Table", "parse_csv", "read_csv", "Encoding", "fit_array", "fit_table", "pixel_thresholds",
]

IRIS_PATH = Path(__file__).with_name("iris.data")
DIGITS = tuple(str(d) for d in range(10))


def _frozen(array: np.ndarray) -> np.ndarray:
    """A read-only view: a Dataset is a value (the caller's array keeps its own flags)."""
    view = array.view()
    view.flags.writeable = False
    return view


@dataclass(frozen=True, eq=False)
class Dataset:
    """A labelled data set: ``x`` float64 of shape (n, ...), ``y`` int64 in ``range(len(classes))``.

    >>> d = Dataset(np.zeros((4, 2)), np.array([0, 1, 0, 1]), ("a", "b"), "toy")
    >>> d.one_hot()[:2]
    array([[1., 0.],
           [0., 1.]])
    """

    x: np.ndarray
    y: np.ndarray
    classes: tuple[str, ...]
    name: str

    def __post_init__(self):
        x = np.asarray(self.x, dtype=np.float64)
        y = np.asarray(self.y)
        if x.ndim < 2 or y.ndim != 1 or x.shape[0] != y.shape[0]:
            raise ValueError(
                f"Dataset {self.name!r}: expected x of shape (n, ...) and y of shape (n,), "
                f"got x {x.shape} and y {y.shape}"
            )
        if not np.issubdtype(y.dtype, np.integer):
            raise ValueError(f"Dataset {self.name!r}: labels y must be integers, got dtype {y.dtype}")
        if y.size and (y.min() < 0 or y.max() >= len(self.classes)):
            raise ValueError(
                f"Dataset {self.name!r}: labels must lie in 0..{len(self.classes) - 1} (one per class "
                f"of {tuple(self.classes)}), got {y.min()}..{y.max()}"
            )
        object.__setattr__(self, "x", _frozen(x))
        object.__setattr__(self, "y", _frozen(y.astype(np.int64, copy=False)))
        object.__setattr__(self, "classes", tuple(self.classes))

    def __len__(self) -> int:
        return len(self.y)

    def __repr__(self) -> str:
        return f"Dataset({self.name!r}, x={self.x.shape} {self.x.dtype}, y={self.y.shape}, classes={self.classes})"

    def one_hot(self) -> np.ndarray:
        """The labels as a float64 (n, k) matrix with a single 1 per row."""
        return np.eye(len(self.classes))[self.y]

    def subset(self, rows: np.ndarray, name: str) -> Dataset:
        """The rows ``rows`` (indices or a boolean mask) as a new data set called ``name``."""
        return Dataset(self.x[rows], self.y[rows], self.classes, name)

    def split(self, test_fraction: float = 0.2, seed: int = 0, stratify: bool = True) -> tuple[Dataset, Dataset]:
        """Split into (train, test), deterministically for a given seed.

        Args:
            test_fraction: share of the rows that goes to the test set, in (0, 1).
            seed: seed of the shuffle; the same seed always gives the same split.
            stratify: take ``round(test_fraction * count)`` rows of each class (else a plain shuffle).

        Rows keep their original order inside each part.

        >>> train, test = load_iris().split(0.2, seed=1)
        >>> np.bincount(test.y).tolist()
        [10, 10, 10]
        """
        if not 0 < test_fraction < 1:
            raise ValueError(f"test_fraction must lie strictly between 0 and 1, got {test_fraction}")
        rng = np.random.default_rng(seed)
        if stratify:
            groups = [np.flatnonzero(self.y == k) for k in range(len(self.classes))]
        else:
            groups = [np.arange(len(self))]
        test = np.zeros(len(self), dtype=bool)
        for rows in groups:
            test[rng.permutation(rows)[: round(test_fraction * len(rows))]] = True
        if test.all() or not test.any():
            raise ValueError(
                f"Dataset {self.name!r}: test_fraction={test_fraction} leaves an empty "
                f"{'train' if test.all() else 'test'} set out of {len(self)} rows"
            )
        return self.subset(~test, f"{self.name}/train"), self.subset(test, f"{self.name}/test")


def _read_iris(path: Path) -> Dataset:
    """A file in UCI's ``iris.data`` format, through the CSV reader: no header, four
    numbers and a class name per line."""
    table = read_csv(path, header=False)
    if len(table.columns) != 5:
        raise DataError(f"{path}, line {table.line(0)}: expected 5 comma-separated fields "
                        f"(4 measurements and a class name), got {len(table.columns)}")
    classes = tuple(dict.fromkeys(table.column("5")))
    labels, _ = table.labels("5", classes)
    name = "iris-uci" if path == IRIS_PATH else path.name
    return Dataset(table.numbers(("1", "2", "3", "4")), labels, classes, name)


def load_iris(source: str = "uci", path: str | Path | None = None) -> Dataset:
    """Fisher's Iris: 150 flowers, 4 measurements (cm), 3 species of 50.

    Args:
        source: ``'uci'`` reads the UCI repository's ``iris.data`` shipped with catlearn (the
            version the RDA paper used: rows 35 and 38, 1-based, are both 4.9,3.1,1.5,0.1);
            ``'fisher'`` gives Fisher's corrected table as bundled by scikit-learn.
        path: read this file instead (UCI format); ``source`` must then be ``'uci'``.

    Class names are UCI's for both sources, so the two are interchangeable.

    >>> iris = load_iris()
    >>> iris.x[34].tolist(), iris.classes[iris.y[34]]
    ([4.9, 3.1, 1.5, 0.1], 'Iris-setosa')
    """
    if source == "uci":
        return _read_iris(IRIS_PATH if path is None else Path(path))
    if source != "fisher" or path is not None:
        raise ValueError(f"load_iris: source must be 'uci' or 'fisher' (path only with 'uci'), got source={source!r}")
    from sklearn.datasets import load_iris as sklearn_iris

    bunch = sklearn_iris()
    uci_names = tuple(f"Iris-{name}" for name in bunch.target_names)
    return Dataset(bunch.data, bunch.target, uci_names, "iris-fisher")


def load_digits(normalise: bool = True) -> Dataset:
    """scikit-learn's 1,797 handwritten digits, 8x8 pixels flattened to 64 features.

    Args:
        normalise: divide the raw pixel values 0..16 by 16 (into [0, 1]); False keeps them raw.

    >>> digits = load_digits()
    >>> digits.x.shape, float(digits.x.max()), float(load_digits(normalise=False).x.max())
    ((1797, 64), 1.0, 16.0)
    """
    from sklearn.datasets import load_digits as sklearn_digits

    bunch = sklearn_digits()
    x = bunch.data / 16.0 if normalise else bunch.data
    return Dataset(x, bunch.target, DIGITS, "digits")


MNIST_FILES = {
    "train": ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
    "test": ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"),
}


def _mnist_directories(directory: str | Path | None) -> list[Path]:
    if directory is not None:
        return [Path(directory), Path(directory) / "mnist"]
    root = os.environ.get("CATLEARN_DATA")
    return [] if not root else [Path(root) / "mnist", Path(root)]


def _state(folder: Path) -> str:
    return "" if folder.is_dir() else " (not a folder)" if folder.exists() else " (does not exist)"


def _find(stem: str, directories: list[Path]) -> Path:
    """The first of ``stem`` or ``stem.gz`` in ``directories``, else an actionable error."""
    for folder in directories:
        for candidate in (folder / stem, folder / f"{stem}.gz"):
            if candidate.is_file():
                return candidate
    searched = ", ".join(f"{d}{_state(d)}" for d in directories)
    every = ", ".join(f"{s}.gz" for pair in MNIST_FILES.values() for s in pair)
    raise FileNotFoundError(
        f"MNIST file {stem} (or {stem}.gz) not found; searched: "
        f"{searched or 'nothing (no directory given and CATLEARN_DATA is not set)'}. "
        f"Download the MNIST idx files ({every}; raw or gzipped) into one of these directories, "
        "or name that folder (or its parent holding a 'mnist' folder) with --data-dir DIR on "
        "the command line, directory=DIR in Python, or the environment variable CATLEARN_DATA."
    )


def _checked_header(path: Path, tail: tuple[int, ...], expected: str) -> tuple[int, ...]:
    """The shape in ``path``'s header, which must be unsigned bytes of shape (n, *tail)."""
    dtype, shape = idx_header(path)
    if dtype != np.uint8 or shape[1:] != tail:
        raise ValueError(f"{path}: wrong dimensions or type: expected {expected} unsigned bytes, found {shape} {dtype}")
    return shape


def load_mnist_raw(
    directory: str | Path | None = None, kind: str = "train", limit: int | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """MNIST as stored: (images uint8 (n, 28, 28), labels uint8 (n,)), read-only.

    Raw values matter: the RDA paper binarises MNIST by thresholding pixels at > 32.
    Files are looked up in ``directory``, else in ``$CATLEARN_DATA/mnist`` then ``$CATLEARN_DATA``.

    Args:
        directory: folder holding the idx files (raw or ``.gz``).
        kind: ``'train'`` (60,000 images) or ``'test'`` (10,000).
        limit: keep only the first ``limit`` examples (read no further).

    >>> images, labels = load_mnist_raw("data/mnist", limit=100)  # doctest: +SKIP
    >>> images.shape, int(labels[0]), int(images.max())  # doctest: +SKIP
    ((100, 28, 28), 5, 255)
    """
    if kind not in MNIST_FILES:
        raise ValueError(f"load_mnist: kind must be one of {sorted(MNIST_FILES)}, got {kind!r}")
    directories = _mnist_directories(directory)
    image_path, label_path = (_find(stem, directories) for stem in MNIST_FILES[kind])
    image_shape = _checked_header(image_path, (28, 28), "(n, 28, 28)")
    label_shape = _checked_header(label_path, (), "(n,)")
    if image_shape[0] != label_shape[0]:
        raise ValueError(f"{label_path}: {label_shape[0]} labels but {image_path} holds {image_shape[0]} images")
    images, labels = read_idx(image_path, limit), read_idx(label_path, limit)
    if labels.size and labels.max() > 9:
        row = int(np.argmax(labels > 9))
        raise ValueError(f"{label_path}: label {labels[row]} at row {row} (expected a digit 0..9)")
    return images, labels


def load_mnist(directory: str | Path | None = None, kind: str = "train", limit: int | None = None) -> Dataset:
    """MNIST as a Dataset: ``x`` float64 of shape (n, 28, 28) in [0, 1] (raw / 255), ``y`` the digits.

    Arguments as for :func:`load_mnist_raw`. The full training set takes 376 MB as float64.

    >>> train = load_mnist("data/mnist", kind="train", limit=1000)  # doctest: +SKIP
    >>> train.x.shape, int(train.y[0]), float(train.x.max())  # doctest: +SKIP
    ((1000, 28, 28), 5, 1.0)
    """
    images, labels = load_mnist_raw(directory, kind, limit)
    return Dataset(images / 255.0, labels, DIGITS, f"mnist-{kind}")


LOADERS = {"iris": load_iris, "digits": load_digits, "mnist": load_mnist}


def load(name: str, **options) -> Dataset:
    """Load the data set called ``name`` (one of ``LOADERS``), passing ``options`` to its loader.

    >>> load("digits", normalise=False).x.max()
    np.float64(16.0)
    """
    if name not in LOADERS:
        raise ValueError(f"unknown data set {name!r}; known data sets: {', '.join(sorted(LOADERS))}")
    return LOADERS[name](**options)


def check_finite(x, name: str = "x") -> np.ndarray:
    """Return ``x`` as an array if every entry is finite; else name the first bad row and column.

    >>> check_finite(np.array([[1.0, 2.0], [3.0, np.nan]]), "features")
    Traceback (most recent call last):
    ...
    ValueError: features: row 1, column 1 is nan (expected a finite number)
    """
    array = np.asarray(x)
    if array.dtype.kind not in "biufc":
        raise ValueError(f"{name}: expected numbers, got an array of dtype {array.dtype}")
    bad = ~np.isfinite(array)
    if not bad.any():
        return array
    where = tuple(int(i) for i in np.argwhere(bad)[0])
    if not where:
        raise ValueError(f"{name}: the value is {array} (expected a finite number)")
    column = "" if len(where) < 2 else f", column {where[1] if len(where) == 2 else where[1:]}"
    raise ValueError(f"{name}: row {where[0]}{column} is {array[where]} (expected a finite number)")
