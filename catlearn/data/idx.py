"""The idx file format (LeCun's MNIST format), raw or gzip-compressed.

An idx file is a header followed by one big-endian array:
two zero bytes, a type code, the number of dimensions ``k``, then ``k``
unsigned 32-bit big-endian sizes, then the array's bytes in C order.
Every malformed file (bad magic number, unknown type code, truncated header or
data, trailing bytes, damaged gzip stream, a directory given for the file) raises
:class:`~catlearn.errors.DataError` (a ``ValueError``) naming the file.

>>> import pathlib, tempfile
>>> path = pathlib.Path(tempfile.mkdtemp()) / "tiny-idx2-ubyte"
>>> _ = path.write_bytes(bytes([0, 0, 8, 2, 0, 0, 0, 2, 0, 0, 0, 3, 1, 2, 3, 4, 5, 6]))
>>> read_idx(path)
array([[1, 2, 3],
       [4, 5, 6]], dtype=uint8)
>>> idx_header(path)
(dtype('uint8'), (2, 3))
"""

from __future__ import annotations

import gzip
import zlib
from pathlib import Path

import numpy as np

from catlearn.errors import DataError

# Type codes of the idx format (all multi-byte types are big-endian).
IDX_TYPES = {
    0x08: np.dtype(">u1"),
    0x09: np.dtype(">i1"),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}
GZIP_MAGIC = b"\x1f\x8b"
# Read in chunks so that absurd sizes in a corrupt header cannot trigger a huge allocation.
CHUNK = 1 << 24


def _open(path: Path):
    """Open ``path`` for reading, through gzip when its first two bytes say so."""
    if path.is_dir():
        raise DataError(f"{path} is a directory; expected an idx file")
    with open(path, "rb") as probe:
        compressed = probe.read(2) == GZIP_MAGIC
    if path.suffix == ".gz" and not compressed:
        raise DataError(f"{path}: named .gz but is not gzip-compressed (no gzip magic bytes 1f 8b)")
    return gzip.open(path, "rb") if compressed else open(path, "rb")


def _read_exact(stream, n: int) -> bytes:
    """Read up to ``n`` bytes (fewer only at the end of the stream)."""
    chunks = []
    while n > 0:
        chunk = stream.read(min(n, CHUNK))
        if not chunk:
            break
        chunks.append(chunk)
        n -= len(chunk)
    return b"".join(chunks)


def _header(path: Path, stream) -> tuple[np.dtype, tuple[int, ...]]:
    magic = _read_exact(stream, 4)
    if len(magic) < 4:
        raise DataError(f"{path}: truncated idx header ({len(magic)} bytes, expected at least 4)")
    if magic[:2] != b"\0\0" or magic[2] not in IDX_TYPES or magic[3] == 0:
        raise DataError(
            f"{path}: bad idx magic number 0x{magic.hex()} (expected 0x0000TTKK with type code "
            f"TT in {sorted(f'{t:02x}' for t in IDX_TYPES)} and KK >= 1 dimensions); "
            "is this an idx file?"
        )
    k = magic[3]
    raw = _read_exact(stream, 4 * k)
    if len(raw) < 4 * k:
        raise DataError(f"{path}: truncated idx header (expected {k} dimension sizes)")
    dtype, shape = IDX_TYPES[magic[2]], tuple(int(s) for s in np.frombuffer(raw, ">u4"))
    if k > 32 or dtype.itemsize * int(np.prod(shape[1:], dtype=object)) >= 2 ** 63:
        raise DataError(f"{path}: the idx header gives shape {shape}, which no array can "
                        "have (at most 32 dimensions, under 2^63 bytes per entry)")
    return dtype, shape


def _guarded(path: Path, read):
    """Run ``read`` and turn a damaged gzip stream into a DataError naming the file."""
    try:
        return read()
    except (gzip.BadGzipFile, EOFError, zlib.error) as error:
        raise DataError(f"{path}: damaged gzip stream ({error})") from error


def idx_header(path: str | Path) -> tuple[np.dtype, tuple[int, ...]]:
    """The element type and full shape recorded in an idx file's header.

    >>> idx_header("t10k-labels-idx1-ubyte.gz")  # doctest: +SKIP
    (dtype('uint8'), (10000,))
    """
    path = Path(path)

    def read():
        with _open(path) as stream:
            dtype, shape = _header(path, stream)
        return dtype.newbyteorder("="), shape

    return _guarded(path, read)


def read_idx(path: str | Path, limit: int | None = None) -> np.ndarray:
    """Read an idx file (raw or ``.gz``) into a read-only numpy array.

    Args:
        path: the file.
        limit: read only the first ``limit`` entries along the first axis (all if None or
            larger than the file). Bytes past the entries read are then not checked.

    >>> read_idx("train-labels-idx1-ubyte.gz", limit=3)  # doctest: +SKIP
    array([5, 0, 4], dtype=uint8)
    """
    path = Path(path)
    if limit is not None and limit < 0:
        raise ValueError(f"limit must be a non-negative number of entries, got {limit}")

    def read():
        with _open(path) as stream:
            dtype, shape = _header(path, stream)
            complete = limit is None or limit >= shape[0]
            shape = shape if complete else (limit, *shape[1:])
            nbytes = dtype.itemsize * int(np.prod(shape, dtype=object))
            data = _read_exact(stream, nbytes)
            if len(data) < nbytes:
                raise DataError(
                    f"{path}: truncated: the header promises shape {shape} ({nbytes} bytes of "
                    f"data) but the file holds only {len(data)}"
                )
            if complete and stream.read(1):
                raise DataError(
                    f"{path}: unexpected bytes after the {nbytes} bytes of data of shape {shape}; "
                    "wrong dimensions in the header?"
                )
        return data, dtype, shape

    data, dtype, shape = _guarded(path, read)
    array = np.frombuffer(data, dtype).reshape(shape)
    if not dtype.isnative and dtype.itemsize > 1:
        array = array.astype(dtype.newbyteorder("="))
        array.flags.writeable = False
    return array
