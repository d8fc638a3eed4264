"""``catlearn predict CHECKPOINT DATA``: run a saved model, print accuracy or predictions.

``CHECKPOINT`` is a file written by ``catlearn train --save`` or ``catlearn.save``; the
model is rebuilt from the specification stored in it, and inputs are scaled as in
training.  ``DATA`` is either

* a data set name (``iris``, ``digits``, ``mnist``): the test split that ``catlearn
  train`` held out (same seed), and the last line is ``test accuracy: X``; or
* a CSV file of numbers, one example per row (lines starting with ``#`` skipped): with
  as many columns as the model has inputs, one predicted class per line is printed;
  with one more, the last column is the label and the last line is ``accuracy: X``.

>>> parse_csv_text("1,2\\n# note\\n3,4\\n", "x.csv").tolist()
[[1.0, 2.0], [3.0, 4.0]]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

from catlearn.errors import DataError
from catlearn.cli import train as train_cli
from catlearn.learning.saving import load


def add_parser(subparsers) -> argparse.ArgumentParser:
    """Add ``predict`` to the top-level ``catlearn`` parser."""
    p = subparsers.add_parser("predict", help="run a saved model on data: accuracy or "
                              "predicted classes", description=__doc__.splitlines()[0])
    p.add_argument("checkpoint", help="a .npz written by catlearn train --save")
    p.add_argument("data", help="iris, digits, mnist (their test split) or a CSV file")
    p.add_argument("--data-dir", metavar="DIR", help="folder of the MNIST idx files "
                   "(default: $CATLEARN_DATA)")
    p.set_defaults(func=run)
    return p


def parse_csv_text(text: str, name: str) -> np.ndarray:
    """Rows of comma-separated numbers as a float array; :class:`DataError` names the row."""
    rows = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        try:
            rows.append([float(field) for field in line.split(",")])
        except ValueError:
            raise DataError(f"{name}: line {number} is not comma-separated numbers: "
                            f"{line[:60]!r}") from None
        if len(rows[-1]) != len(rows[0]):
            raise DataError(f"{name}: line {number} has {len(rows[-1])} columns, the first "
                            f"row has {len(rows[0])}")
    if not rows:
        raise DataError(f"{name}: no data rows")
    array = np.array(rows)
    if not np.all(np.isfinite(array)):
        raise DataError(f"{name}: holds a value that is not a finite number")
    return array


def read_csv(path) -> np.ndarray:
    """:func:`parse_csv_text` of the file at ``path`` (a directory is a :class:`DataError`)."""
    path = Path(path)
    if path.is_dir():
        raise DataError(f"{path} is a directory; expected a CSV file")
    try:
        text = path.read_text()
    except UnicodeDecodeError:
        raise DataError(f"{path} is not a text (CSV) file") from None
    return parse_csv_text(text, str(path))


def run(args) -> int:
    """Print the accuracy on a data set's test split, or predictions for a CSV file."""
    saved = load(args.checkpoint)
    n_in = saved.spec.sizes[0]
    if args.data in train_cli.DEFAULTS:
        trained = saved.checkpoint.spec.get("train", {})
        if trained.get("dataset", args.data) != args.data:
            raise ValueError(f"{args.checkpoint} was trained on {trained['dataset']}, "
                             f"not {args.data}")
        seed = trained.get("seed", train_cli.DEFAULT_SEED)
        _, (x, y), _ = train_cli.load(args.data, seed, args.data_dir)
        print(f"{args.data}: {len(x)} test examples (seed {seed}); model {saved.spec}")
        print(f"test accuracy: {np.mean(saved.classify(x) == y):.4f}")
        return 0
    table = read_csv(args.data)
    if table.shape[1] not in (n_in, n_in + 1):
        raise DataError(f"{args.data} has {table.shape[1]} columns; the model takes {n_in} "
                        f"inputs (add one more column for labels)")
    labels = saved.classify(table[:, :n_in])
    if table.shape[1] == n_in:
        print("\n".join(map(str, labels.tolist())))
    else:
        print(f"accuracy: {np.mean(labels == table[:, n_in]):.4f}")
    sys.stdout.flush()
    return 0


__all__ = ["add_parser", "run", "read_csv", "parse_csv_text"]
