"""Bit-packing of boolean examples: 64 examples per uint64 word.

A batch of boolean examples is a 0/1 array of shape ``(n_examples, n_wires)``.
Packed, it becomes one row of uint64 words per wire, shape
``(n_wires, ceil(n_examples / 64))``: example ``j`` sits at bit ``j % 64`` of word
``j // 64``. Bits past the last example are zero after :func:`pack`, but bit-parallel
evaluation may set them (``~0 == 1``), so always :func:`unpack` with the true count.

Laws: ``unpack(pack(bits), len(bits)) == bits`` for every 0/1 array ``bits``.

>>> import numpy as np
>>> bits = np.array([[1, 0], [0, 1], [1, 1]])
>>> pack(bits)
array([[5],
       [6]], dtype=uint64)
>>> unpack(pack(bits), 3).tolist()
[[1, 0], [0, 1], [1, 1]]
"""

from __future__ import annotations

import numpy as np

WORD_BITS = 64


def n_words(n_examples: int) -> int:
    """Number of uint64 words holding ``n_examples`` bits.

    >>> n_words(64), n_words(65), n_words(0)
    (1, 2, 0)
    """
    return -(-n_examples // WORD_BITS)


def pack(bits) -> np.ndarray:
    """Pack a 0/1 array of shape (n_examples, n_wires) into uint64 words (n_wires, n_words).

    Args:
        bits: array-like of 0/1 values (any integer, bool or float dtype).

    Raises:
        ValueError: not 2-D, or a value other than 0 or 1 (the first one is named).

    >>> pack([[1], [1], [0], [1]])
    array([[11]], dtype=uint64)
    """
    arr = np.asarray(bits)
    if arr.ndim != 2:
        raise ValueError(
            f"pack expects a 2-D array (n_examples, n_wires), got shape {arr.shape}")
    bad = (arr != 0) & (arr != 1)
    if bad.any():
        row, col = (int(i) for i in np.argwhere(bad)[0])
        raise ValueError(
            f"pack expects only 0/1 values, but row {row}, column {col} holds "
            f"{arr[row, col].item()!r}")
    n, n_wires = arr.shape
    padded = np.zeros((n_wires, n_words(n) * WORD_BITS), dtype=np.uint8)
    padded[:, :n] = arr.T
    packed = np.packbits(padded, axis=1, bitorder="little")
    # bytes of each word are little-endian: byte k holds examples 8k..8k+7
    return packed.view("<u8").astype(np.uint64)


def unpack(words, n: int) -> np.ndarray:
    """Unpack uint64 words (n_wires, n_words) into a uint8 0/1 array (n, n_wires).

    Args:
        words: packed words as returned by :func:`pack` or a circuit evaluation.
        n: number of examples to read back (at most 64 * n_words).

    >>> unpack(np.array([[11]], dtype=np.uint64), 4).ravel().tolist()
    [1, 1, 0, 1]
    """
    arr = np.asarray(words)
    if arr.ndim != 2:
        raise ValueError(
            f"unpack expects a 2-D array (n_wires, n_words), got shape {arr.shape}")
    if not 0 <= n <= arr.shape[1] * WORD_BITS:
        raise ValueError(
            f"cannot unpack {n} examples from {arr.shape[1]} words per wire "
            f"(at most {arr.shape[1] * WORD_BITS})")
    as_bytes = np.ascontiguousarray(arr, dtype="<u8").view(np.uint8)
    bits = np.unpackbits(as_bytes, axis=1, count=n, bitorder="little")
    return np.ascontiguousarray(bits.T)


def truth_table_inputs(n_inputs: int) -> np.ndarray:
    """Packed inputs of all ``2**n_inputs`` rows of a truth table, shape (n_inputs, n_words).

    Row ``r`` is the binary expansion of ``r`` with input 0 as the most significant bit,
    the usual truth-table order: input ``i`` of row ``r`` is bit ``n_inputs - 1 - i`` of ``r``.
    Built word by word, never one bit per example.

    >>> unpack(truth_table_inputs(2), 4).tolist()
    [[0, 0], [0, 1], [1, 0], [1, 1]]
    """
    if n_inputs < 0:
        raise ValueError(f"n_inputs must be >= 0, got {n_inputs}")
    n_rows = 1 << n_inputs
    first_bits = np.arange(n_words(n_rows), dtype=np.uint64) * np.uint64(WORD_BITS)
    lanes = np.arange(WORD_BITS, dtype=np.uint64)
    words = np.empty((n_inputs, first_bits.size), dtype=np.uint64)
    for i in range(n_inputs):
        shift = np.uint64(n_inputs - 1 - i)
        if shift >= 6:
            # the bit is constant across the 64 rows of a word
            words[i] = np.where((first_bits >> shift) & np.uint64(1), ~np.uint64(0), 0)
        else:
            pattern = np.bitwise_or.reduce(((lanes >> shift) & np.uint64(1)) << lanes)
            words[i] = pattern
    if n_rows < WORD_BITS:
        words &= np.uint64((1 << n_rows) - 1)
    return words
