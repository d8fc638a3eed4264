"""The training set of exact circuit learning: a target's rows, bit-packed.

:class:`Table` reads a :class:`~catlearn.netlist.netlist.Netlist` (or a ``.blif`` path:
its full truth table), a 0/1 truth table of ``2**n`` rows, or ``(X, Y)`` 0/1 examples
(duplicate rows merged, conflicting ones refused), and packs inputs and outputs 64 rows
per word.  :func:`~catlearn.circuits.gates.errors` and :func:`~catlearn.circuits.gates.prune`
score parameters against it; :mod:`catlearn.circuits.search` learns from it.

>>> table = Table.of(np.array([[0], [1], [1], [0]]), outputs=("y",))
>>> table.inputs, table.outputs, table.n_rows, table.x.shape
(('x0', 'x1'), ('y',), 4, (2, 1))
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from catlearn.netlist.blif import load_blif
from catlearn.netlist.netlist import Netlist
from catlearn.packing import pack, truth_table_inputs

ONES, ZEROS = ~np.uint64(0), np.uint64(0)


@dataclass(frozen=True)
class Table:
    """A training set, bit-packed: inputs ``x`` (n, W) and outputs ``y`` (m, W) words.

    ``valid`` marks the bits that hold examples (the last word may be partly padding).
    """

    name: str
    inputs: tuple[str, ...]
    outputs: tuple[str, ...]
    x: np.ndarray
    y: np.ndarray
    n_rows: int
    valid: np.ndarray = field(repr=False)

    @staticmethod
    def of(target, inputs=None, outputs=None) -> "Table":
        """The table of a Netlist, a ``.blif`` path, a truth table array or ``(X, Y)`` data.

        >>> Table.of(np.array([[0], [1], [1], [0]])).inputs
        ('x0', 'x1')
        """
        if isinstance(target, (str, Path)):
            target = load_blif(target)
        if isinstance(target, Netlist):
            return Table._make(target.name, target.inputs, target.outputs,
                               truth_table_inputs(len(target.inputs)),
                               pack(target.truth_table()), 1 << len(target.inputs))
        if isinstance(target, tuple) and len(target) == 2:
            return _data_table(*target, inputs, outputs)
        return _truth_table(target, inputs, outputs)

    @staticmethod
    def _make(name, inputs, outputs, x, y, n_rows) -> "Table":
        valid = np.zeros(x.shape[1], dtype=np.uint64)
        full, rest = divmod(n_rows, 64)
        valid[:full] = ONES
        if rest:
            valid[full] = np.uint64((1 << rest) - 1)
        return Table(name, tuple(inputs), tuple(outputs), x, y, n_rows, valid)


def _names(given, n: int, prefix: str, what: str) -> tuple[str, ...]:
    if given is None:
        return tuple(f"{prefix}{i}" for i in range(n))
    if len(given) != n:
        raise ValueError(f"the data has {n} {what} column(s) but {len(given)} {what} "
                         f"name(s) were given: {tuple(given)}")
    return tuple(given)


def _bits(array, what: str) -> np.ndarray:
    """A 2-D 0/1 array, or a ValueError naming the first bad row and column."""
    arr = np.asarray(array)
    if arr.ndim == 1:
        arr = arr.reshape(-1, 1)
    if arr.ndim != 2:
        raise ValueError(f"{what} must be a 2-D 0/1 array (rows, columns), "
                         f"got shape {arr.shape}")
    bad = np.argwhere(~np.isin(arr, (0, 1)) if arr.dtype.kind in "biuf"
                      else np.ones(arr.shape, bool))
    if len(bad):
        row, col = (int(v) for v in bad[0])
        raise ValueError(f"{what} must hold only 0 and 1: row {row}, column {col} "
                         f"holds {arr[row, col].item()!r}")
    return arr.astype(np.uint8)


def _truth_table(table, inputs, outputs) -> Table:
    y = _bits(table, "truth table")
    n = y.shape[0].bit_length() - 1
    if y.shape[0] != 1 << n:
        raise ValueError(f"a truth table has 2**n rows (row r = inputs in binary, input 0 "
                         f"most significant); got {y.shape[0]} rows")
    if inputs is not None and len(inputs) != n:
        raise ValueError(f"a truth table of {y.shape[0]} rows has {n} inputs, but "
                         f"{len(inputs)} input names were given: {tuple(inputs)}")
    return Table._make("learned", _names(inputs, n, "x", "input"),
                       _names(outputs, y.shape[1], "y", "output"),
                       truth_table_inputs(n), pack(y), y.shape[0])


def _data_table(x, y, inputs, outputs) -> Table:
    x, y = _bits(x, "X"), _bits(y, "Y")
    if x.shape[0] != y.shape[0]:
        raise ValueError(f"X has {x.shape[0]} rows but Y has {y.shape[0]}")
    seen: dict[bytes, int] = {}
    keep = []
    for r, row in enumerate(x):
        first = seen.setdefault(row.tobytes(), r)
        if first == r:
            keep.append(r)
        elif (y[first] != y[r]).any():
            col = int(np.argmax(y[first] != y[r]))
            raise ValueError(f"conflicting rows {first} and {r}: same inputs "
                             f"{row.tolist()}, but Y column {col} is {y[first, col]} "
                             f"and {y[r, col]}")
    x, y = x[keep], y[keep]
    return Table._make("learned", _names(inputs, x.shape[1], "x", "input"),
                       _names(outputs, y.shape[1], "y", "output"), pack(x), pack(y),
                       x.shape[0])
