"""``catlearn train {iris,digits,mnist,FILE.csv}``: train a perceptron, print its test accuracy.

A CSV file is read by :mod:`catlearn.data.csv` (a header row, or none: columns ``1``,
``2``, ...); ``--label COL`` names the class column (default: the last), every other
column is a numeric feature.  The test accuracy is measured on ``--test T.csv``, or on
a stratified 20 % split of the file.

Progress goes to stderr; stdout says what was trained and ends with the line
``test accuracy: 0.xxxx``.  Every setting has a per-data-set default (``DEFAULTS``),
chosen so that over seeds 0-4 the mean test accuracy of ``catlearn train iris`` and
``catlearn train digits`` is at least scikit-learn's ``MLPClassifier`` of the same hidden
size on the same splits and scaling (``benchmarks/bench_sklearn.py``; checked on seeds
5-9 too), in seconds.  Inputs are standardised with the training split's statistics,
which the checkpoint keeps.  ``--model`` is ``mlp:H1,H2,...[:activation]`` (hidden
sizes) or ``linear`` (softmax regression).

>>> parse_model("mlp:32,16:tanh")
((32, 16), 'tanh')
>>> parse_model("linear")
((), 'relu')
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from catlearn.cli import SUBCOMMANDS
from catlearn import data as datasets
from catlearn.cli import flags
from catlearn.files import check_writable
from catlearn.layers import init
from catlearn.learning import checkpoint as checkpoints, loss as losses, optim
from catlearn.learning.checkpoint import Scaling, spec_of
from catlearn.learning.fit import evaluate, fit
from catlearn.learning.perceptron import ACTIVATIONS, MLP

DEFAULTS = {
    "iris": dict(model="mlp:16", optimizer="adam", lr=0.01, epochs=50, batch_size=16,
                 scaling="standardise", weight_decay=0.0),
    "digits": dict(model="mlp:32", optimizer="adam", lr=0.003, epochs=40, batch_size=32,
                   scaling="standardise", weight_decay=0.003),
    "mnist": dict(model="mlp:128", optimizer="adam", lr=0.001, epochs=3, batch_size=64,
                  scaling=None, weight_decay=0.0),
    "csv": dict(model="mlp:32", optimizer="adam", lr=0.01, epochs=50, batch_size=32,
                scaling="standardise", weight_decay=0.0),
}
TEST_FRACTION = 0.2  # iris and digits; MNIST has its own test set
DEFAULT_SEED, DEFAULT_LOSS = 1, "softmax_cross_entropy"
SCALINGS = ("standardise", None)
PLOT_SUFFIXES = (".png", ".svg", ".pdf")


def add_parser(subparsers) -> argparse.ArgumentParser:
    """Add ``train`` to the top-level ``catlearn`` parser."""
    p = subparsers.add_parser("train", help=SUBCOMMANDS["train"][1],
                              description=__doc__.splitlines()[0])
    p.add_argument("dataset", metavar="DATA", help="iris, digits, mnist or a CSV file")
    p.add_argument("--label", metavar="COL", help="with a CSV file: the class column "
                   "(a name, or a number 1.. without a header row; default: the last)")
    p.add_argument("--test", metavar="T.csv", help="with a CSV file: measure the test "
                   "accuracy here (default: a stratified 20%% split of DATA)")
    p.add_argument("--model", help="mlp:H1,H2,...[:activation] or linear "
                   f"(default per data set: {_defaults('model')})")
    p.add_argument("--optimizer", choices=sorted(optim.OPTIMIZERS),
                   help=f"default per data set: {_defaults('optimizer')}")
    p.add_argument("--loss", choices=sorted(losses.LOSSES),
                   help=f"default: {DEFAULT_LOSS}")
    p.add_argument("--epochs", type=flags.positive_int, help=f"default: {_defaults('epochs')}")
    p.add_argument("--batch-size", type=flags.positive_int, help=f"default: {_defaults('batch_size')}")
    p.add_argument("--lr", type=flags.positive_float, help=f"learning rate; default: {_defaults('lr')}")
    p.add_argument("--weight-decay", type=flags.non_negative_float, metavar="WD", help="L2 penalty WD |p|^2 / 2 "
                   f"(optax add_decayed_weights); default: {_defaults('weight_decay')}")
    p.add_argument("--seed", type=flags.non_negative_int, help="seed of the split, the initial "
                   f"parameters and the shuffling (default: {DEFAULT_SEED})")
    p.add_argument("--save", metavar="PATH", help="checkpoint (.npz) rewritten after every epoch")
    p.add_argument("--resume", metavar="PATH", help="continue from this checkpoint")
    p.add_argument("--plot", metavar="FILE", help="save the loss and accuracy curves here")
    p.add_argument("--data-dir", metavar="DIR", help="folder of the MNIST idx files "
                   "(default: $CATLEARN_DATA)")
    p.add_argument("--limit", type=flags.positive_int, metavar="N", help="train on the first N training "
                   "examples only (quick runs)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")
    p.add_argument("--backend", choices=("numpy", "jax"), default="numpy",
                   help="numpy, or jax (XLA; needs pip install 'catlearn[jax]'). JAX pays "
                   "off for large models or data (MNIST), many epochs, or a GPU; for iris "
                   "and digits its compilation (cached after the first run) outweighs the "
                   "gain")
    p.add_argument("--devices", type=flags.positive_int, metavar="N", help="with --backend jax: shard each "
                   "batch over N JAX devices (data parallel)")
    p.set_defaults(func=run)
    return p


def _defaults(key: str) -> str:
    return ", ".join(f"{name} {settings[key]}" for name, settings in DEFAULTS.items())


def _kind(dataset: str) -> str:
    """``iris``, ``digits``, ``mnist``, or ``csv`` for a file."""
    if dataset in DEFAULTS and dataset != "csv":
        return dataset
    if dataset.lower().endswith(".csv") or Path(dataset).is_file():
        return "csv"
    raise ValueError(f"unknown data {dataset!r}: give iris, digits, mnist or a CSV file")


def parse_model(spec: str) -> tuple[tuple[int, ...], str]:
    """``mlp:H1,H2[:activation]`` or ``linear`` -> (hidden sizes, activation)."""
    if spec == "linear":
        return (), "relu"
    parts = spec.split(":")
    if parts[0] != "mlp" or len(parts) > 3:
        raise ValueError(f"--model {spec!r}: expected mlp:H1,H2,...[:activation] or linear")
    try:
        hidden = tuple(int(h) for h in parts[1].split(",")) if len(parts) > 1 and parts[1] else ()
    except ValueError:
        raise ValueError(f"--model {spec!r}: hidden sizes must be integers, "
                         "like mlp:64,32") from None
    activation = parts[2] if len(parts) == 3 else "relu"
    if activation not in ACTIVATIONS:
        raise ValueError(f"--model {spec!r}: unknown activation {activation!r}; "
                         f"choose one of {ACTIVATIONS}")
    return hidden, activation


def read_table(path, label: str | None, test=None) -> tuple:
    """``(train, test or None, columns)`` of a CSV file: numeric features, the label
    column's classes (sorted) as indices; the test file is read against those classes.
    ``columns`` is what ``catlearn predict`` needs to read a file as training did."""
    table = datasets.read_csv(path, header=None)
    label = table.columns[-1] if label is None else label
    features = tuple(c for c in table.columns if c != label)
    y, classes = table.labels(label)
    name = Path(path).stem
    train = datasets.Dataset(table.numbers(features), y, classes, name)
    columns = {"label": label, "classes": list(classes), "features": list(features)}
    if test is None:
        return train, None, columns
    held = datasets.read_csv(test, header=None)
    if held.columns != table.columns:
        raise ValueError(f"--test {test} has columns {', '.join(held.columns)}; {path} has "
                         f"{', '.join(table.columns)}")
    return train, datasets.Dataset(held.numbers(features), held.labels(label, classes)[0],
                                   classes, Path(test).stem), columns


def load(name: str, seed: int, data_dir=None, limit: int | None = None,
         scaling: str | None = None, label: str | None = None, test_file=None):
    """``(train, test, scaling)``: pairs ``(x, y)``, features flattened and scaled by
    ``scaling`` (``"standardise"``: per-feature statistics of the training split; ``None``:
    as loaded); ``limit`` keeps the first training examples only.  A CSV file's columns
    (:func:`read_table`) come fourth, an empty dict for the named data sets."""
    columns = {}
    if name == "mnist":
        train = datasets.load_mnist(data_dir, "train", limit)
        test = datasets.load_mnist(data_dir, "test")
    elif _kind(name) == "csv":
        train, test, columns = read_table(name, label, test_file)
        if test is None:
            train, test = train.split(TEST_FRACTION, seed=seed)
        train = train.subset(slice(limit), train.name)
    else:
        train, test = datasets.load(name).split(TEST_FRACTION, seed=seed)
        train = train.subset(slice(limit), train.name)
    x, x_test = (d.x.reshape(len(d), -1) for d in (train, test))
    if scaling not in SCALINGS:
        raise ValueError(f"unknown input scaling {scaling!r}; choose one of {SCALINGS}")
    scale = Scaling.standardise(x) if scaling == "standardise" else None
    if scale is not None:
        x, x_test = scale(x), scale(x_test)
    return (x, train.y), (x_test, test.y), scale, columns


def _check_flags(args) -> None:
    """Refuse what cannot run before any work, naming the flag: every output path is
    checked (``--save``, ``--plot``), inputs must be files, CSV flags need a CSV file."""
    kind = _kind(args.dataset)
    if kind != "csv" and (args.label is not None or args.test is not None):
        raise ValueError(f"--label and --test go with a CSV file, not {args.dataset}")
    if args.resume is not None and Path(args.resume).is_dir():
        raise ValueError(f"--resume {args.resume} is a directory; expected a file")
    for flag, path in (("--save", args.save), ("--plot", args.plot)):
        if path is not None:
            check_writable(path, flag)
    if args.plot is not None and Path(args.plot).suffix.lower() not in PLOT_SUFFIXES:
        raise ValueError(f"--plot {args.plot}: the file must end in "
                         f"{', '.join(PLOT_SUFFIXES)}")
    flags.check_devices(args.backend, args.devices)


def _settings(args, stored) -> dict:
    """Per-data-set defaults, then what a resumed checkpoint was trained with, then flags."""
    settings = dict(DEFAULTS[_kind(args.dataset)], seed=DEFAULT_SEED, loss=DEFAULT_LOSS)
    if stored is not None:
        trained = stored.spec.get("train", {})
        if trained.get("dataset", args.dataset) != args.dataset:
            raise ValueError(f"--resume {args.resume} was trained on {trained['dataset']}, "
                             f"not {args.dataset}")
        for key in ("seed", "scaling"):
            if key in trained and _flag(args, key) not in (None, trained[key]):
                raise ValueError(f"--resume {args.resume} was trained with --{key} "
                                 f"{trained[key]}, not {_flag(args, key)}")
        settings.update({k: v for k, v in trained.items() if k in settings and k != "epochs"})
    settings.update({k: _flag(args, k) for k in settings if _flag(args, k) is not None})
    return settings


def _flag(args, key: str):
    """The value of flag ``--key``, ``None`` when not given (or no such flag)."""
    return getattr(args, key, None)


def _model(args, settings, stored, n_in: int, n_out: int) -> MLP:
    """The model the flags ask for, or the checkpoint's; a mismatch says which differs."""
    hidden, activation = parse_model(settings["model"])
    asked = MLP((n_in, *hidden, n_out), activation)
    if stored is None or "model" not in stored.spec:
        return asked
    held = MLP.from_dict(stored.spec["model"])
    if args.model is not None and held != asked:
        raise ValueError(f"--model {args.model} builds {asked}, but --resume {args.resume} "
                         f"holds {held}; leave out --model to continue that model")
    if (held.sizes[0], held.sizes[-1]) != (n_in, n_out):
        raise ValueError(f"--resume {args.resume} holds {held}, but {args.dataset} has "
                         f"{n_in} features and {n_out} classes")
    return held


def _epochs_left(args, settings, stored) -> None:
    done = 0 if stored is None else stored.epoch
    if stored is not None and settings["epochs"] <= done:
        given = "" if args.epochs is not None else " (the default)"
        raise ValueError(f"--resume {args.resume} has already trained {done} epochs and "
                         f"--epochs is {settings['epochs']}{given}: nothing to train; give "
                         f"--epochs greater than {done}")


def run(args) -> int:
    """Train as ``args`` say; print a summary and ``test accuracy: ...`` last."""
    _check_flags(args)
    stored = checkpoints.read(args.resume) if args.resume else None
    settings = _settings(args, stored)
    _epochs_left(args, settings, stored)
    (x, y), (x_test, y_test), scaling, columns = load(
        args.dataset, settings["seed"], args.data_dir, args.limit, settings["scaling"],
        args.label, args.test)
    n_out = len(columns["classes"]) if columns else int(max(y.max(), y_test.max())) + 1
    spec = _model(args, settings, stored, x.shape[1], n_out)
    model = spec.build()
    print(f"{args.dataset}: {len(x)} training and {len(x_test)} test examples; model "
          f"{settings['model']} {model}; {settings['optimizer']} lr {settings['lr']}, "
          f"weight decay {settings['weight_decay']}, {settings['loss']}, batch "
          f"{settings['batch_size']}, {settings['epochs']} epochs")
    params, _, history = fit(
        model, None if args.resume else init(model, settings["seed"]), (x, y),
        loss=settings["loss"], optimizer=optim.named(settings["optimizer"], settings["lr"],
                                                     settings["weight_decay"]),
        epochs=settings["epochs"], batch_size=settings["batch_size"], seed=settings["seed"],
        validation=(x_test, y_test), progress=False if args.no_progress else None,
        checkpoint=args.save, resume=args.resume, backend=args.backend, devices=args.devices,
        spec=spec_of(spec, scaling, dataset=args.dataset, **settings, **columns))
    if args.plot:
        from catlearn.learning.plot import plot_history
        plot_history(history, args.plot)
        print(f"plot: {args.plot}")
    if args.save:
        print(f"checkpoint: {args.save}")
    result = evaluate(model, params, (x_test, y_test), loss=settings["loss"])
    print(f"train loss: {history.loss[-1]:.4f}")
    print(f"test accuracy: {result['accuracy']:.4f}")
    sys.stdout.flush()
    return 0


__all__ = ["add_parser", "run", "parse_model", "load", "DEFAULTS"]
