"""Input encodings: columns of a table to the bits a logic-gate network reads.

An :class:`Encoding` is a list of :class:`Bit` s, each one test on one column:

* ``x > t`` for a numeric column (``kind="threshold"``): ``levels`` thresholds at the
  quantiles of the training values make a thermometer code; pixel thresholds are the
  same test at fixed levels;
* ``x > 0.5`` for a column that is 0/1 in training: one threshold, so that a value 2
  met later reads as 1, not 0 (``kind="bit"``, the test ``x == 1``, is still read from
  sidecars written before);
* ``x == v`` for a categorical column (``kind="category"``), one bit per category seen
  in training (a one-hot code; an unseen category gives all zeros).

A column that is constant in training gives no bit: it cannot tell the classes apart.
It is fitted on training data only (:func:`fit_table`, :func:`fit_array`), then applied
to any table or array with the same columns, and saved beside a circuit as JSON.

>>> from catlearn.data.csv import parse_csv
>>> t = parse_csv("size,flag,colour\\n1.0,0,red\\n2.0,1,blue\\n3.0,1,red\\n4.0,0,red\\n")
>>> enc = fit_table(t, levels=2)
>>> [str(b) for b in enc.bits]
['size > 2.5', 'size > 3.5', 'flag > 0.5', 'colour == blue', 'colour == red']
>>> enc.encode_table(t).tolist()
[[0, 0, 0, 0, 1], [0, 0, 1, 1, 0], [1, 0, 1, 0, 1], [1, 1, 0, 0, 1]]
>>> Encoding.from_json(enc.to_json()) == enc
True
>>> [str(b) for b in fit_table(parse_csv("a,b,c\\n0,x,1\\n0,x,2\\n")).bits]
['c > 1.5']
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass

import numpy as np

from catlearn.data.csv import Table

KINDS = ("threshold", "bit", "category")


@dataclass(frozen=True)
class Bit:
    """One input bit: the test ``kind`` of ``column`` against ``value``."""

    column: str
    kind: str
    value: float | str

    def __str__(self) -> str:
        op = {"threshold": ">", "bit": "==", "category": "=="}[self.kind]
        value = f"{self.value:g}" if isinstance(self.value, float) else self.value
        return f"{self.column} {op} {value}"


@dataclass(frozen=True)
class Encoding:
    """The input columns and the bits read from them, in circuit input order."""

    columns: tuple[str, ...]
    bits: tuple[Bit, ...]

    def __len__(self) -> int:
        return len(self.bits)

    def numeric(self) -> frozenset:
        return frozenset(b.column for b in self.bits if b.kind != "category")

    def encode_table(self, table: Table) -> np.ndarray:
        """The bits of every row of ``table`` (which must have this encoding's columns)."""
        index = {name: table.index(name) for name in self.columns}
        numeric = {name: _numbers(table, name) for name in self.numeric()}
        out = np.zeros((len(table), len(self.bits)), dtype=np.uint8)
        for j, bit in enumerate(self.bits):
            if bit.kind == "category":
                k = index[bit.column]
                out[:, j] = [row[k] == bit.value for row in table.rows]
            else:
                out[:, j] = _test(bit, numeric[bit.column])
        return out

    def encode_array(self, x) -> np.ndarray:
        """The bits of a numeric array whose columns are this encoding's columns."""
        x = np.asarray(x, dtype=float).reshape(len(x), -1)
        if x.shape[1] != len(self.columns):
            raise ValueError(f"the encoding reads {len(self.columns)} columns, "
                             f"the data has {x.shape[1]}")
        position = {name: k for k, name in enumerate(self.columns)}
        out = np.empty((len(x), len(self.bits)), dtype=np.uint8)
        for j, bit in enumerate(self.bits):
            out[:, j] = _test(bit, x[:, position[bit.column]])
        return out

    def to_json(self) -> dict:
        return {"columns": list(self.columns),
                "bits": [{"column": b.column, "kind": b.kind, "value": b.value}
                         for b in self.bits]}

    @staticmethod
    def from_json(data: dict) -> Encoding:
        try:
            bits = tuple(Bit(b["column"], b["kind"],
                             float(b["value"]) if b["kind"] != "category" else str(b["value"]))
                         for b in data["bits"])
            columns = tuple(data["columns"])
        except (KeyError, TypeError, ValueError) as error:
            raise ValueError(f"not an input encoding (expected columns and bits): "
                             f"{error!r}") from None
        for b in bits:
            if b.kind not in KINDS:
                raise ValueError(f"unknown bit kind {b.kind!r}; known: {', '.join(KINDS)}")
        return Encoding(columns, bits)


def _test(bit: Bit, values: np.ndarray) -> np.ndarray:
    return values > bit.value if bit.kind == "threshold" else values == 1


def _numbers(table: Table, name: str) -> np.ndarray:
    out = np.empty(len(table))
    for row, field in enumerate(table.column(name)):
        value = _number(field)
        if value is None:
            raise ValueError(f"{table.where(row, name)}: {field!r} is not a number "
                             "(the column is numeric)")
        out[row] = value
    return out


def _number(field: str) -> float | None:
    try:
        value = float(field)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def quantile_thresholds(values, levels: int) -> tuple[float, ...]:
    """Up to ``levels`` distinct thresholds at the inner quantiles of ``values``.

    Each threshold lies between observed values, so ``x > t`` splits the training data.

    >>> quantile_thresholds([1, 2, 3, 4], 3)
    (1.5, 2.5, 3.5)
    """
    v = np.unique(np.asarray(values, dtype=float))
    if len(v) < 2:
        return ()
    cuts = (v[:-1] + v[1:]) / 2
    if len(cuts) <= levels:
        return tuple(float(c) for c in cuts)
    q = np.quantile(np.asarray(values, dtype=float), np.arange(1, levels + 1) / (levels + 1))
    picks = np.unique(np.clip(np.searchsorted(v, q, side="right") - 1, 0, len(cuts) - 1))
    return tuple(float(cuts[k]) for k in picks)


def _column_bits(name: str, values: np.ndarray, levels: int) -> list[Bit]:
    distinct = set(np.unique(values).tolist())
    if len(distinct) < 2:
        return []
    if distinct == {0.0, 1.0}:
        return [Bit(name, "threshold", 0.5)]
    return [Bit(name, "threshold", t) for t in quantile_thresholds(values, levels)]


def fit_table(table: Table, levels: int = 8) -> Encoding:
    """Fit an encoding on a training table: numbers, 0/1 columns and categories.

    A column is numeric when most of its values are numbers; then every value must be.
    """
    _check_levels(levels)
    bits = []
    for name in table.columns:
        fields = table.column(name)
        parsed = [_number(f) for f in fields]
        if sum(v is not None for v in parsed) * 2 > len(parsed):
            bits += _column_bits(name, _numbers(table, name), levels)
        elif len(set(fields)) > 1:
            bits += [Bit(name, "category", v) for v in sorted(set(fields))]
    return _checked(Encoding(table.columns, tuple(bits)), table.source)


def fit_array(x, levels: int = 8, columns=None) -> Encoding:
    """Fit a thermometer encoding (quantiles) on a numeric training array."""
    _check_levels(levels)
    x = np.asarray(x, dtype=float).reshape(len(x), -1)
    columns = tuple(columns or (f"x{k}" for k in range(x.shape[1])))
    bits = [b for k, name in enumerate(columns) for b in _column_bits(name, x[:, k], levels)]
    return _checked(Encoding(columns, tuple(bits)), "the training data")


def _checked(encoding: Encoding, source: str) -> Encoding:
    if not encoding.bits:
        raise ValueError(f"{source}: every input column is constant in training "
                         f"({', '.join(encoding.columns[:5])}...): nothing to learn from")
    return encoding


def pixel_thresholds(n_pixels: int, levels: int = 1, columns=None) -> Encoding:
    """Pixel intensities in [0, 1] tested at ``k / (levels + 1)``, the same for every pixel."""
    _check_levels(levels)
    columns = tuple(columns or (f"pixel{k}" for k in range(n_pixels)))
    cuts = [(k + 1) / (levels + 1) for k in range(levels)]
    return Encoding(columns, tuple(Bit(c, "threshold", t) for t in cuts for c in columns))


def _check_levels(levels: int) -> None:
    if not (isinstance(levels, int) and levels >= 1):
        raise ValueError(f"levels must be a positive integer, got {levels!r}")


def dumps(encoding: Encoding, classes, extra: dict | None = None) -> str:
    """The sidecar JSON of a classifier: its input encoding and class names."""
    return json.dumps({**encoding.to_json(), "classes": list(classes), **(extra or {})},
                      indent=1)
