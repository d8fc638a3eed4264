"""CSV tables, read strictly: every problem names its line and column.

The one CSV reader of catlearn: ``catlearn train``, ``predict``, ``circuit fit`` and the
Iris loader all read through it.  A :class:`Table` keeps every field as a string; what a
column means (numbers, bits, categories, class labels) is decided by the caller
(:meth:`Table.numbers`, :meth:`Table.labels`, :mod:`catlearn.data.encode`).  Lines are
numbered as in the file (the header is line 1).  Blank lines and lines starting with
``#`` are skipped.  Without a header row (``header=False``, or ``header=None`` when no
column has a name above numbers) the columns are named ``1``, ``2``, ... .

>>> t = parse_csv("# sizes\\n1,2,a\\n3,4,b\\n", "x.csv", header=None)
>>> t.columns, t.numbers(("1", "2")).tolist(), t.labels("3")[0].tolist()
(('1', '2', '3'), [[1.0, 2.0], [3.0, 4.0]], [0, 1])

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
    header: bool = True

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
        column = repr(name) if self.header else name
        return f"{self.source}, line {self.lines[row]}, column {column}"

    def without(self, name: str) -> Table:
        """The table without column ``name``."""
        k = self.index(name)
        return Table(self.source, self.columns[:k] + self.columns[k + 1:],
                     tuple(row[:k] + row[k + 1:] for row in self.rows), self.lines, self.header)

    def numbers(self, names=None) -> np.ndarray:
        """Columns ``names`` (default: all) as a float64 array; a field that is not a
        finite number is an error naming its line and column."""
        names = self.columns if names is None else tuple(names)
        ks = [self.index(name) for name in names]
        out = np.empty((len(self.rows), len(ks)))
        for r, row in enumerate(self.rows):
            for c, k in enumerate(ks):
                try:
                    out[r, c] = float(row[k])
                except ValueError:
                    raise DataError(f"{self.where(r, names[c])}: expected a number, got "
                                    f"{row[k]!r}") from None
                if not np.isfinite(out[r, c]):
                    raise DataError(f"{self.where(r, names[c])}: expected a finite number, "
                                    f"got {row[k]!r}")
        return out

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
        return [(reader.line_num, row) for row in reader if any(f.strip() for f in row)
                and not row[0].lstrip().startswith("#")]
    except csv.Error as error:
        raise DataError(f"{source}, line {reader.line_num}: not readable as CSV "
                        f"({error})") from None


def _is_number(field: str) -> bool:
    try:
        float(field)
    except ValueError:
        return False
    return True


def parse_csv(text: str, source: str = "<csv>", header: bool | None = True) -> Table:
    """A :class:`Table` from CSV text; refuses empty, ragged or incomplete input.

    ``header``: the first row names the columns (``True``), or is data (``False``: the
    columns are ``1``, ``2``, ...), or is a header when a column holds a name above
    numbers (``None``).
    """
    records = _records(text, source)
    if not records:
        raise DataError(f"{source}: the file is empty (expected "
                        f"{'a header row and ' if header else ''}data rows)")
    if header is None:  # a header: a column of numbers under a name that is not one
        first, second = records[0][1], (records[1][1] if len(records) > 1 else [])
        header = any(not _is_number(a) and _is_number(b) for a, b in zip(first, second)) \
            or (not second and not all(map(_is_number, first)))
    if not header:
        n = len(records[0][1])
        records = [(0, [str(k + 1) for k in range(n)])] + records
    (_, names), body = records[0], records[1:]
    header_text = f"the header has {len(names)}" if header else f"the first row has {len(names)}"
    names = tuple(h.strip() for h in names)
    for k, name in enumerate(names):
        if not name:
            raise DataError(f"{source}, line {records[0][0]}: column {k + 1} of the header "
                             "has no name")
    if len(set(names)) < len(names):
        twice = sorted({h for h in names if names.count(h) > 1})
        raise DataError(f"{source}, line {records[0][0]}: column name(s) {twice} appear twice")
    if not body:
        raise DataError(f"{source}: a header row but no data rows")
    rows = []
    for line, row in body:
        if len(row) != len(names):
            raise DataError(f"{source}, line {line}: {len(row)} fields, but {header_text}")
        fields = tuple(field.strip() for field in row)
        for name, field in zip(names, fields):
            if not field or field.upper() in ("NA", "NAN", "?"):
                column = repr(name) if header else name
                raise DataError(f"{source}, line {line}, column {column}: missing value")
        rows.append(fields)
    return Table(source, names, tuple(rows), tuple(line for line, _ in body), header)


def read_csv(path, header: bool | None = True) -> Table:
    """Read a CSV file (see :func:`parse_csv` for ``header``)."""
    path = Path(path)
    if path.is_dir():
        raise DataError(f"{path} is a directory; expected a CSV file")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise FileNotFoundError(f"{path}: no such file") from None
    except UnicodeDecodeError as error:
        raise DataError(f"{path}: not a UTF-8 text file ({error.reason} at byte "
                         f"{error.start})") from None
    return parse_csv(text, str(path), header)
