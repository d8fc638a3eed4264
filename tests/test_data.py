"""Tests of the offline data sets: Iris (UCI vs Fisher), digits, MNIST idx files and their errors."""

import doctest
import gzip
import hashlib
import os
import re
import shutil
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import catlearn.data as data
import catlearn.data.idx as idx
from catlearn.data import (
    Dataset, check_finite, idx_header, load, load_digits, load_iris, load_mnist, load_mnist_raw, read_idx,
)

SIBLING_MNIST = Path(__file__).resolve().parents[2] / "shared" / "data" / "mnist"
TRAIN_IMAGES, TRAIN_LABELS = "train-images-idx3-ubyte", "train-labels-idx1-ubyte"
TEST_IMAGES, TEST_LABELS = "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"


def _mnist_directory():
    root = os.environ.get("CATLEARN_DATA")
    candidates = ([Path(root) / "mnist", Path(root)] if root else []) + [SIBLING_MNIST]
    for folder in candidates:
        if (folder / f"{TRAIN_IMAGES}.gz").is_file() or (folder / TRAIN_IMAGES).is_file():
            return folder
    return None


@pytest.fixture(scope="module")
def mnist_dir():
    folder = _mnist_directory()
    if folder is None:
        pytest.skip(f"MNIST idx files not found in $CATLEARN_DATA(/mnist) or {SIBLING_MNIST}")
    return folder


def idx_bytes(code: int, shape: tuple[int, ...], payload: bytes) -> bytes:
    """An idx file: magic 00 00 code ndim, big-endian sizes, then the payload."""
    return bytes([0, 0, code, len(shape)]) + np.array(shape, ">u4").tobytes() + payload


def write_mnist(folder: Path, images: np.ndarray, labels: np.ndarray, kind: str = "test", gz: bool = False):
    """Write a small MNIST-shaped pair of idx files; return their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    names = (TRAIN_IMAGES, TRAIN_LABELS) if kind == "train" else (TEST_IMAGES, TEST_LABELS)
    paths = []
    for name, array in zip(names, (images, labels)):
        content = idx_bytes(0x08, array.shape, array.astype(np.uint8).tobytes())
        path = folder / (f"{name}.gz" if gz else name)
        path.write_bytes(gzip.compress(content) if gz else content)
        paths.append(path)
    return paths


@pytest.fixture
def tiny(tmp_path):
    """Three 28x28 images with labels 5, 0, 4 (raw idx files) in tmp_path/tiny."""
    images = np.random.default_rng(0).integers(0, 256, size=(3, 28, 28), dtype=np.uint8)
    labels = np.array([5, 0, 4], dtype=np.uint8)
    image_path, label_path = write_mnist(tmp_path / "tiny", images, labels)
    return images, labels, image_path, label_path


# Iris ------------------------------------------------------------------------------------------

FISHER_ROW_35 = [4.9, 3.1, 1.5, 0.2]  # sklearn (Fisher's paper), 0-based row 34
FISHER_ROW_38 = [4.9, 3.6, 1.4, 0.1]  # sklearn (Fisher's paper), 0-based row 37
UCI_ROWS_35_38 = [4.9, 3.1, 1.5, 0.1]  # UCI iris.data, both rows


def test_iris_has_150_rows_in_three_classes_of_50():
    iris = load_iris()
    assert iris.x.shape == (150, 4) and iris.x.dtype == np.float64 and iris.y.dtype == np.int64
    assert iris.classes == ("Iris-setosa", "Iris-versicolor", "Iris-virginica")
    assert np.array_equal(iris.y, np.repeat([0, 1, 2], 50))
    assert iris.x[0].tolist() == [5.1, 3.5, 1.4, 0.2] and iris.x[-1].tolist() == [5.9, 3.0, 5.1, 1.8]


def test_iris_uci_differs_from_fisher_in_exactly_rows_35_and_38():
    from sklearn.datasets import load_iris as sklearn_iris

    uci, fisher = load_iris(), sklearn_iris()
    assert np.flatnonzero((uci.x != fisher.data).any(axis=1)).tolist() == [34, 37]
    assert uci.x[34].tolist() == UCI_ROWS_35_38 and uci.x[37].tolist() == UCI_ROWS_35_38
    assert fisher.data[34].tolist() == FISHER_ROW_35 and fisher.data[37].tolist() == FISHER_ROW_38
    assert np.array_equal(uci.y, fisher.target)


def test_iris_fisher_source_is_sklearns_table_with_uci_class_names():
    from sklearn.datasets import load_iris as sklearn_iris

    fisher = load_iris("fisher")
    assert np.array_equal(fisher.x, sklearn_iris().data) and fisher.classes == load_iris().classes
    assert fisher.x[34].tolist() == FISHER_ROW_35 and fisher.name == "iris-fisher"


def test_shipped_iris_file_is_byte_identical_to_ucis():
    content = data.IRIS_PATH.read_bytes()
    # UCI's iris.data: 4,551 bytes, md5 42615765a885ddf54427f12c34a0a070, ends with a blank line.
    assert len(content) == 4551 and hashlib.md5(content).hexdigest() == "42615765a885ddf54427f12c34a0a070"
    lines = content.decode().split("\n")
    assert lines[-2:] == ["", ""] and len(lines) == 152
    assert all(re.fullmatch(r"\d\.\d,\d\.\d,\d\.\d,\d\.\d,Iris-(setosa|versicolor|virginica)", l) for l in lines[:150])


@pytest.mark.parametrize(
    "content, expected",
    [
        ("5.1,3.5,1.4,0.2,Iris-setosa\n4.9,3.0,x,0.2,Iris-setosa\n", "line 2, column 3: expected a number, got 'x'"),
        ("5.1,3.5,1.4,Iris-setosa\n", "line 1: expected 5 comma-separated fields"),
        ("\n5.1,3.5,1.4,nan,Iris-setosa\n", "line 2, column 4: missing value"),
        ("5.1,3.5,1.4,0.2,Iris-setosa\n5.1,3.5,1.4,Iris-setosa\n", "line 2: 4 fields, but the first row has 5"),
        ("\n\n", "the file is empty (expected data rows)"),
    ],
)
def test_iris_parse_errors_name_file_line_and_expectation(tmp_path, content, expected):
    path = tmp_path / "broken-iris.data"
    path.write_text(content)
    with pytest.raises(ValueError, match=re.escape(expected)) as error:
        load_iris(path=path)
    assert "broken-iris.data" in str(error.value)


def test_iris_reads_a_given_path(tmp_path):
    path = tmp_path / "two.data"
    path.write_text("1.0,2.0,3.0,4.0,b\n5.0,6.0,7.0,8.0,a\n")
    two = load_iris(path=path)
    assert two.classes == ("b", "a") and two.y.tolist() == [0, 1] and two.x[1].tolist() == [5.0, 6.0, 7.0, 8.0]


@pytest.mark.parametrize("options", [{"source": "bogus"}, {"source": "fisher", "path": "iris.data"}])
def test_iris_bad_source(options):
    with pytest.raises(ValueError, match="'uci' or 'fisher'"):
        load_iris(**options)


# Digits ----------------------------------------------------------------------------------------


def test_digits_shapes_and_scaling():
    digits, raw = load_digits(), load_digits(normalise=False)
    assert digits.x.shape == (1797, 64) and digits.y.shape == (1797,) and digits.classes == data.DIGITS
    assert raw.x.min() == 0 and raw.x.max() == 16 and np.array_equal(raw.x, np.round(raw.x))
    assert np.array_equal(digits.x * 16, raw.x) and np.array_equal(np.unique(digits.y), np.arange(10))


# Dataset ---------------------------------------------------------------------------------------


def numbered(n: int = 30, k: int = 3) -> Dataset:
    """Rows numbered 0..n-1 (so a row can be traced through a split), labels cycling over k classes."""
    return Dataset(np.arange(n, dtype=float)[:, None], np.arange(n) % k, tuple("abc"[:k]), "numbered")


def test_one_hot_is_the_label_indicator():
    iris = load_iris()
    hot = iris.one_hot()
    assert hot.shape == (150, 3) and hot.dtype == np.float64
    assert np.array_equal(hot.sum(axis=1), np.ones(150)) and np.array_equal(hot.argmax(axis=1), iris.y)


@settings(max_examples=50, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), fraction=st.floats(0.05, 0.95), stratify=st.booleans())
def test_split_partitions_the_rows_deterministically(seed, fraction, stratify):
    whole = numbered(60)
    train, test = whole.split(fraction, seed, stratify)
    rows = np.concatenate([train.x[:, 0], test.x[:, 0]])
    assert np.array_equal(np.sort(rows), whole.x[:, 0])
    assert np.array_equal(train.y, train.x[:, 0].astype(int) % 3)
    assert np.all(np.diff(test.x[:, 0]) > 0) and np.all(np.diff(train.x[:, 0]) > 0)
    again = whole.split(fraction, seed, stratify)[1]
    assert np.array_equal(again.x, test.x)
    if stratify:
        assert np.bincount(test.y, minlength=3).tolist() == [round(fraction * 20)] * 3
    else:
        assert len(test) == round(fraction * 60)


def test_split_depends_on_the_seed_and_names_the_parts():
    iris = load_iris()
    train, test = iris.split(0.2, seed=0)
    assert (train.name, test.name) == ("iris-uci/train", "iris-uci/test")
    assert np.bincount(test.y).tolist() == [10, 10, 10]
    assert not np.array_equal(test.x, iris.split(0.2, seed=1)[1].x)


@pytest.mark.parametrize("fraction", [0.0, 1.0, -0.1, 0.001])
def test_split_rejects_fractions_leaving_an_empty_part(fraction):
    with pytest.raises(ValueError, match="test_fraction"):
        numbered().split(fraction)


def test_dataset_is_immutable_and_validated():
    caller_x = np.zeros((2, 1))
    d = Dataset(caller_x, np.array([0, 1]), ("a", "b"), "two")
    assert caller_x.flags.writeable and not d.x.flags.writeable and not d.y.flags.writeable
    with pytest.raises(ValueError, match="read-only"):
        d.x[0, 0] = 1.0
    with pytest.raises(ValueError, match=r"labels must lie in 0..1"):
        Dataset(np.zeros((2, 1)), np.array([0, 2]), ("a", "b"), "bad")
    with pytest.raises(ValueError, match=r"got x \(3, 1\) and y \(2,\)"):
        Dataset(np.zeros((3, 1)), np.array([0, 1]), ("a", "b"), "bad")
    with pytest.raises(ValueError, match="must be integers"):
        Dataset(np.zeros((2, 1)), np.array([0.0, 1.0]), ("a", "b"), "bad")
    assert repr(d) == "Dataset('two', x=(2, 1) float64, y=(2,), classes=('a', 'b'))"


# MNIST from the real files ---------------------------------------------------------------------


def test_mnist_sha256sums_match(mnist_dir):
    sums = (mnist_dir / "SHA256SUMS").read_text().split("\n")
    checked = 0
    for line in filter(None, sums):
        digest, name = line.split()
        assert hashlib.sha256((mnist_dir / name).read_bytes()).hexdigest() == digest, name
        checked += 1
    assert checked == 4


def test_mnist_train_shapes_and_first_label(mnist_dir):
    train = load_mnist(mnist_dir, kind="train")
    assert train.x.shape == (60000, 28, 28) and train.x.dtype == np.float64 and train.y.shape == (60000,)
    assert train.x.min() == 0.0 and train.x.max() == 1.0 and int(train.y[0]) == 5
    assert train.name == "mnist-train" and train.classes == data.DIGITS
    assert np.bincount(train.y).tolist() == [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]


def test_mnist_test_shapes_and_raw_values(mnist_dir):
    images, labels = load_mnist_raw(mnist_dir, kind="test")
    assert images.shape == (10000, 28, 28) and images.dtype == np.uint8 and labels.dtype == np.uint8
    assert labels[:5].tolist() == [7, 2, 1, 0, 4] and images.max() == 255
    assert np.bincount(labels).tolist() == [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]
    head = load_mnist(mnist_dir, kind="test", limit=100)
    assert head.x.shape == (100, 28, 28) and np.array_equal(head.x, images[:100] / 255.0)
    assert np.array_equal(head.y, labels[:100])


def test_mnist_gz_and_raw_both_readable(mnist_dir, tmp_path):
    for name in (TEST_IMAGES, TEST_LABELS):
        (tmp_path / "raw").mkdir(exist_ok=True)
        (tmp_path / "raw" / name).write_bytes(gzip.decompress((mnist_dir / f"{name}.gz").read_bytes()))
    from_gz, from_raw = load_mnist_raw(mnist_dir, "test"), load_mnist_raw(tmp_path / "raw", "test")
    assert all(np.array_equal(a, b) for a, b in zip(from_gz, from_raw))
    assert idx_header(tmp_path / "raw" / TEST_IMAGES) == idx_header(mnist_dir / f"{TEST_IMAGES}.gz")


def test_mnist_truncated_copy_of_the_real_files(mnist_dir, tmp_path):
    content = gzip.decompress((mnist_dir / f"{TEST_IMAGES}.gz").read_bytes())
    shutil.copy(mnist_dir / f"{TEST_LABELS}.gz", tmp_path)
    (tmp_path / TEST_IMAGES).write_bytes(content[: len(content) // 2])
    with pytest.raises(ValueError, match=f"{TEST_IMAGES}: truncated"):
        load_mnist_raw(tmp_path, "test")
    (tmp_path / TEST_IMAGES).unlink()
    compressed = (mnist_dir / f"{TEST_IMAGES}.gz").read_bytes()
    (tmp_path / f"{TEST_IMAGES}.gz").write_bytes(compressed[: len(compressed) // 2])
    with pytest.raises(ValueError, match=f"{TEST_IMAGES}.gz: damaged gzip stream"):
        load_mnist_raw(tmp_path, "test")


# MNIST lookup and errors (synthetic files: these run without the real data) ----------------------


def test_mnist_reads_small_files_raw_and_gz(tiny, tmp_path):
    images, labels, _, _ = tiny
    write_mnist(tmp_path / "gz", images, labels, gz=True)
    for folder in (tmp_path / "tiny", tmp_path / "gz"):
        got_images, got_labels = load_mnist_raw(folder, "test")
        assert np.array_equal(got_images, images) and np.array_equal(got_labels, labels)
    assert load_mnist_raw(tmp_path / "gz", "test", limit=2)[1].tolist() == [5, 0]


def test_mnist_found_through_catlearn_data(tiny, tmp_path, monkeypatch):
    images, labels, _, _ = tiny
    write_mnist(tmp_path / "root" / "mnist", images, labels, kind="train")
    monkeypatch.setenv("CATLEARN_DATA", str(tmp_path / "root"))
    assert load_mnist(kind="train").y.tolist() == [5, 0, 4]
    monkeypatch.setenv("CATLEARN_DATA", str(tmp_path / "tiny"))
    assert np.array_equal(load("mnist", kind="test").x, images / 255.0)


def test_mnist_missing_directory_says_what_to_do(tmp_path, monkeypatch):
    missing = tmp_path / "nowhere"
    with pytest.raises(FileNotFoundError) as error:
        load_mnist(missing)
    message = str(error.value)
    assert f"{TRAIN_IMAGES} (or {TRAIN_IMAGES}.gz) not found" in message
    assert f"{missing} (does not exist)" in message and "Download the MNIST idx files" in message
    assert "CATLEARN_DATA" in message
    monkeypatch.delenv("CATLEARN_DATA", raising=False)
    with pytest.raises(FileNotFoundError, match="no directory given and CATLEARN_DATA is not set") as error:
        load_mnist(kind="test")
    assert TEST_IMAGES in str(error.value)


def test_mnist_missing_labels_file(tiny):
    _, _, _, label_path = tiny
    label_path.unlink()
    with pytest.raises(FileNotFoundError, match=f"{TEST_LABELS} .or {TEST_LABELS}.gz. not found"):
        load_mnist_raw(label_path.parent, "test")


def corrupt(image_path: Path, label_path: Path, problem: str) -> Path:
    """Damage one of the two files in the way ``problem`` names; return the damaged file."""
    images, labels = image_path.read_bytes(), label_path.read_bytes()
    damage = {
        "truncated data": (image_path, images[:-10]),
        "truncated header": (image_path, images[:10]),
        "bad magic": (image_path, b"\x08\x03\x00\x00" + images[4:]),
        "unknown type": (image_path, b"\x00\x00\x07\x03" + images[4:]),
        "trailing bytes": (image_path, images + b"\x00"),
        "wrong dimensions": (image_path, idx_bytes(0x08, (3, 27, 28), images[16 : 16 + 3 * 27 * 28])),
        "wrong type": (label_path, idx_bytes(0x0C, (3,), np.array([5, 0, 4], ">i4").tobytes())),
        "label count": (label_path, idx_bytes(0x08, (2,), bytes([5, 0]))),
        "label above 9": (label_path, idx_bytes(0x08, (3,), bytes([5, 10, 4]))),
        "gz not gzip": (label_path.with_name(f"{label_path.name}.gz"), labels),
        "damaged gzip": (image_path.with_name(f"{image_path.name}.gz"), gzip.compress(images)[:-30]),
    }
    path, content = damage[problem]
    if path.suffix == ".gz":
        path.with_suffix("").unlink()
    path.write_bytes(content)
    return path


@pytest.mark.parametrize(
    "problem, expected",
    [
        ("truncated data", "truncated: the header promises shape (3, 28, 28)"),
        ("truncated header", "truncated idx header"),
        ("bad magic", "bad idx magic number 0x08030000"),
        ("unknown type", "bad idx magic number 0x00000703"),
        ("trailing bytes", "unexpected bytes after"),
        ("wrong dimensions", "expected (n, 28, 28) unsigned bytes, found (3, 27, 28)"),
        ("wrong type", "expected (n,) unsigned bytes, found (3,) int32"),
        ("label count", "2 labels but"),
        ("label above 9", "label 10 at row 1 (expected a digit 0..9)"),
        ("gz not gzip", "named .gz but is not gzip-compressed"),
        ("damaged gzip", "damaged gzip stream"),
    ],
)
def test_mnist_corrupt_files_are_named_with_the_problem(tiny, problem, expected):
    _, _, image_path, label_path = tiny
    damaged = corrupt(image_path, label_path, problem)
    with pytest.raises(ValueError, match=re.escape(expected)) as error:
        load_mnist_raw(image_path.parent, "test")
    assert str(error.value).startswith(str(damaged))


def test_mnist_bad_kind():
    with pytest.raises(ValueError, match="kind must be one of"):
        load_mnist_raw("anywhere", kind="validation")


# The idx reader --------------------------------------------------------------------------------


@pytest.mark.parametrize("code, dtype", sorted(idx.IDX_TYPES.items()))
def test_read_idx_every_type_round_trips(tmp_path, code, dtype):
    array = (np.arange(24).reshape(2, 3, 4) - 5).astype(dtype)
    path = tmp_path / "array.idx"
    path.write_bytes(idx_bytes(code, array.shape, array.tobytes()))
    got = read_idx(path)
    assert got.dtype.isnative and not got.flags.writeable and np.array_equal(got, array)
    assert np.array_equal(read_idx(path, limit=1), array[:1]) and read_idx(path, limit=0).shape == (0, 3, 4)


def test_read_idx_rejects_negative_limit(tmp_path):
    with pytest.raises(ValueError, match="limit"):
        read_idx(tmp_path / "x", limit=-1)


# load and check_finite --------------------------------------------------------------------------


def test_load_dispatches_and_lists_the_known_names():
    assert load("iris").name == "iris-uci" and load("iris", source="fisher").name == "iris-fisher"
    assert load("digits", normalise=False).x.max() == 16
    with pytest.raises(ValueError, match="unknown data set 'cifar'; known data sets: digits, iris, mnist"):
        load("cifar")


def test_check_finite_names_the_first_bad_entry():
    x = np.ones((4, 5))
    x[2, 3], x[3, 0] = np.nan, np.inf
    with pytest.raises(ValueError, match=r"^features: row 2, column 3 is nan \(expected a finite number\)$"):
        check_finite(x, "features")
    with pytest.raises(ValueError, match=r"^y: row 1 is inf"):
        check_finite([0.0, np.inf], "y")
    with pytest.raises(ValueError, match=r"^images: row 0, column \(1, 2\) is -inf"):
        check_finite(np.array([[[0, 0, 0], [0, 0, -np.inf]]]), "images")
    with pytest.raises(ValueError, match="^labels: expected numbers"):
        check_finite(np.array(["a"]), "labels")
    assert check_finite(load_iris().x, "iris") is not None


def test_docstring_examples_run():
    for module in (data, idx):
        failed, attempted = doctest.testmod(module)
        assert attempted > 0 and failed == 0, module.__name__
