"""``catlearn predict CHECKPOINT DATA``: run a saved model, print accuracy or predictions.

``CHECKPOINT`` is a file written by ``catlearn train --save`` or ``catlearn.save``; the
model is rebuilt from the specification stored in it, and inputs are scaled as in
training.  ``DATA`` is either

* a data set name (``iris``, ``digits``, ``mnist``): the test split that ``catlearn
  train`` held out (same seed), and the last line is ``test accuracy: X``; or
* a CSV file, read by :mod:`catlearn.data.csv` as ``catlearn train`` reads one (a
  header row or none, lines starting with ``#`` skipped).  A model trained on a CSV
  file finds its feature columns by name and, when the label column is there, prints
  ``accuracy: X`` last; otherwise one predicted class per line.  Without names, a file
  with as many columns as the model has inputs gets predictions, one with one more
  column (the label, last) gets ``accuracy: X``.
"""

from __future__ import annotations

import argparse
import sys

import numpy as np

from catlearn.cli import SUBCOMMANDS
from catlearn.cli import train as train_cli
from catlearn.data.csv import read_csv
from catlearn.errors import DataError
from catlearn.learning.checkpoint import load


def add_parser(subparsers) -> argparse.ArgumentParser:
    """Add ``predict`` to the top-level ``catlearn`` parser."""
    p = subparsers.add_parser("predict", help=SUBCOMMANDS["predict"][1],
                              description=__doc__.splitlines()[0])
    p.add_argument("checkpoint", help="a .npz written by catlearn train --save")
    p.add_argument("data", help="iris, digits, mnist (their test split) or a CSV file")
    p.add_argument("--data-dir", metavar="DIR", help="folder of the MNIST idx files "
                   "(default: $CATLEARN_DATA)")
    p.set_defaults(func=run)
    return p


def examples(path, trained: dict, n_in: int) -> tuple:
    """``(x, labels or None, class names or None)`` of a CSV file for a model with
    ``n_in`` inputs trained with ``trained`` settings (a CSV file's columns, or none)."""
    table = read_csv(path, header=None)
    if "features" in trained and table.header:
        classes = tuple(trained["classes"])
        x = table.numbers(trained["features"])
        label = trained["label"]
        y = table.labels(label, classes)[0] if label in table.columns else None
        return x, y, classes
    if len(table.columns) not in (n_in, n_in + 1):
        raise DataError(f"{path} has {len(table.columns)} columns; the model takes {n_in} "
                        f"inputs (add one more column for labels)")
    x = table.numbers(table.columns[:n_in])
    classes = tuple(trained["classes"]) if "classes" in trained else None
    if len(table.columns) == n_in:
        return x, None, classes
    last = table.columns[-1]
    y = table.labels(last, classes)[0] if classes else table.numbers((last,))[:, 0]
    return x, y, classes


def run(args) -> int:
    """Print the accuracy on a data set's test split, or predictions for a CSV file."""
    saved = load(args.checkpoint)
    trained = saved.checkpoint.spec.get("train", {})
    if args.data in train_cli.DEFAULTS:
        if trained.get("dataset", args.data) != args.data:
            raise ValueError(f"{args.checkpoint} was trained on {trained['dataset']}, "
                             f"not {args.data}")
        seed = trained.get("seed", train_cli.DEFAULT_SEED)
        _, (x, y), _, _ = train_cli.load(args.data, seed, args.data_dir)
        print(f"{args.data}: {len(x)} test examples (seed {seed}); model {saved.model}")
        print(f"test accuracy: {np.mean(saved.classify(x) == y):.4f}")
        return 0
    x, y, classes = examples(args.data, trained, saved.model.dom[0].shape[0])
    labels = saved.classify(x)
    if y is None:
        print("\n".join(str(classes[k]) if classes else str(k) for k in labels.tolist()))
    else:
        print(f"accuracy: {np.mean(labels == y):.4f}")
    sys.stdout.flush()
    return 0


__all__ = ["add_parser", "run", "examples"]
