"""CSV tables with a header row, read strictly: every problem names its line and column.

A :class:`Table` keeps every field as a string; what a column means (numbers, bits,
categories, class labels) is decided by :mod:`catlearn.data.encode`.  Lines are
numbered as in the file (the header is line 1).  Blank lines are skipped.

>>> t = parse_csv("a,b,label\\n1,x,yes\\n2,y,no\\n", "demo.csv")
>>> t.columns, t.column("a"), t.line(1)
(('a', 'b', 'label'), ('1', '2'), 3)
>>> labels, classes = t.labels("label")
>>> labels.tolist(), classes
([1, 0], ('no', 'yes'))
>>> parse_csv("a,b\\n1,\\n", "demo.csv")
Traceback (most recent call last):
...
catlearn.errors.DataError: demo.csv, line 2, column 'b': missing value
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from catlearn.errors import DataError


@dataclass(frozen=True)
class Table:
    """Rows of string fields under a header; ``lines[i]`` is the file line of row ``i``."""

    source: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    lines: tuple[int, ...]

    def __len__(self) -> int:
        return len(self.rows)

    def index(self, name: str) -> int:
        """The position of column ``name``, or an error listing the columns."""
        if name not in self.columns:
            raise DataError(f"{self.source}: no column {name!r}; the columns are "
                             f"{', '.join(self.columns)}")
        return self.columns.index(name)

    def column(self, name: str) -> tuple[str, ...]:
        k = self.index(name)
        return tuple(row[k] for row in self.rows)

    def line(self, row: int) -> int:
        return self.lines[row]

    def where(self, row: int, name: str) -> str:
        """``source, line N, column 'name'``: where a field is, for messages."""
        return f"{self.source}, line {self.lines[row]}, column {name!r}"

    def without(self, name: str) -> Table:
        """The table without column ``name``."""
        k = self.index(name)
        return Table(self.source, self.columns[:k] + self.columns[k + 1:],
                     tuple(row[:k] + row[k + 1:] for row in self.rows), self.lines)

    def labels(self, name: str, classes=None) -> tuple[np.ndarray, tuple[str, ...]]:
        """Class indices of column ``name`` and the class names (sorted, unless given).

        With ``classes`` given, a value outside them is an error naming its line.
        """
        values = self.column(name)
        if classes is None:
            classes = tuple(sorted(set(values)))
            if len(classes) < 2:
                raise DataError(f"{self.source}, column {name!r}: a classifier needs at "
                                 f"least two classes, found only {classes!r}")
        lookup = {c: i for i, c in enumerate(classes)}
        for row, v in enumerate(values):
            if v not in lookup:
                raise DataError(f"{self.where(row, name)}: class {v!r} is not one of the "
                                 f"trained classes {', '.join(classes)}")
        return np.array([lookup[v] for v in values], dtype=np.int64), tuple(classes)


def _records(text: str, source: str) -> list[tuple[int, list[str]]]:
    """The non-blank records of ``text``, each with the file line it ends on."""
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        return [(reader.line_num, row) for row in reader if any(f.strip() for f in row)]
    except csv.Error as error:
        raise DataError(f"{source}, line {reader.line_num}: not readable as CSV "
                        f"({error})") from None


def parse_csv(text: str, source: str = "<csv>") -> Table:
    """A :class:`Table` from CSV text; refuses empty, ragged or incomplete input."""
    records = _records(text, source)
    if not records:
        raise DataError(f"{source}: the file is empty (expected a header row and data rows)")
    (_, header), body = records[0], records[1:]
    header = tuple(h.strip() for h in header)
    for k, name in enumerate(header):
        if not name:
            raise DataError(f"{source}, line {records[0][0]}: column {k + 1} of the header "
                             "has no name")
    if len(set(header)) < len(header):
        twice = sorted({h for h in header if header.count(h) > 1})
        raise DataError(f"{source}, line {records[0][0]}: column name(s) {twice} appear twice")
    if not body:
        raise DataError(f"{source}: a header row but no data rows")
    rows = []
    for line, row in body:
        if len(row) != len(header):
            raise DataError(f"{source}, line {line}: {len(row)} fields, but the header has "
                             f"{len(header)} ({', '.join(header)})")
        fields = tuple(field.strip() for field in row)
        for name, field in zip(header, fields):
            if not field or field.upper() in ("NA", "NAN", "?"):
                raise DataError(f"{source}, line {line}, column {name!r}: missing value")
        rows.append(fields)
    return Table(source, header, tuple(rows), tuple(line for line, _ in body))


def read_csv(path) -> Table:
    """Read a CSV file with a header row (see :func:`parse_csv`)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise FileNotFoundError(f"{path}: no such file") from None
    except UnicodeDecodeError as error:
        raise DataError(f"{path}: not a UTF-8 text file ({error.reason} at byte "
                         f"{error.start})") from None
    return parse_csv(text, str(path))
