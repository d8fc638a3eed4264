"""``catlearn train {iris,digits,mnist}``: train a perceptron, print its test accuracy.

Progress goes to stderr; stdout says what was trained and ends with the line
``test accuracy: 0.xxxx``.  Every setting has a per-data-set default (``DEFAULTS``)
chosen so that ``catlearn train iris`` and ``catlearn train digits`` reach at least 0.95
test accuracy in seconds.  ``--model`` is ``mlp:H1,H2,...[:activation]`` (hidden sizes)
or ``linear`` (softmax regression).

>>> parse_model("mlp:32,16:tanh")
((32, 16), 'tanh')
>>> parse_model("linear")
((), 'relu')
"""

from __future__ import annotations

import argparse
import sys

from catlearn import data as datasets
from catlearn.learning import loss as losses, optim
from catlearn.learning.fit import evaluate, fit
from catlearn.learning.models import HIDDEN, init_params, mlp

DEFAULTS = {
    "iris": dict(model="mlp:16", optimizer="adam", lr=0.01, epochs=50, batch_size=16),
    "digits": dict(model="mlp:32", optimizer="sgd", lr=0.1, epochs=20, batch_size=32),
    "mnist": dict(model="mlp:128", optimizer="adam", lr=0.001, epochs=3, batch_size=64),
}
TEST_FRACTION = 0.2  # iris and digits; MNIST has its own test set


def add_parser(subparsers) -> argparse.ArgumentParser:
    """Add ``train`` to the top-level ``catlearn`` parser."""
    p = subparsers.add_parser("train", help="train a classifier and print its test accuracy",
                              description=__doc__.splitlines()[0])
    p.add_argument("dataset", choices=sorted(DEFAULTS))
    p.add_argument("--model", help="mlp:H1,H2,...[:activation] or linear "
                   f"(default per data set: {_defaults('model')})")
    p.add_argument("--optimizer", choices=sorted(optim.OPTIMIZERS),
                   help=f"default per data set: {_defaults('optimizer')}")
    p.add_argument("--loss", choices=sorted(losses.LOSSES), default="softmax_cross_entropy")
    p.add_argument("--epochs", type=int, help=f"default: {_defaults('epochs')}")
    p.add_argument("--batch-size", type=int, help=f"default: {_defaults('batch_size')}")
    p.add_argument("--lr", type=float, help=f"learning rate; default: {_defaults('lr')}")
    p.add_argument("--seed", type=int, default=1, help="seed of the split, the initial "
                   "parameters and the shuffling (default: 1)")
    p.add_argument("--save", metavar="PATH", help="checkpoint (.npz) rewritten after every epoch")
    p.add_argument("--resume", metavar="PATH", help="continue from this checkpoint")
    p.add_argument("--plot", metavar="FILE", help="save the loss and accuracy curves here")
    p.add_argument("--data-dir", metavar="DIR", help="folder of the MNIST idx files "
                   "(default: $CATLEARN_DATA)")
    p.add_argument("--limit", type=int, metavar="N", help="train on the first N training "
                   "examples only (quick runs)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")
    p.add_argument("--backend", choices=("numpy", "jax"), default="numpy",
                   help="numpy, or jax (XLA; needs pip install 'catlearn[jax]')")
    p.add_argument("--devices", type=int, metavar="N", help="with --backend jax: shard each "
                   "batch over N JAX devices (data parallel)")
    p.set_defaults(func=run)
    return p


def _defaults(key: str) -> str:
    return ", ".join(f"{name} {settings[key]}" for name, settings in DEFAULTS.items())


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
    if activation not in HIDDEN:
        raise ValueError(f"--model {spec!r}: unknown activation {activation!r}; "
                         f"choose one of {HIDDEN}")
    return hidden, activation


def load(name: str, seed: int, data_dir=None, limit: int | None = None):
    """``(train, test)`` as pairs ``(x, y)``, features flattened (Iris standardised);
    ``limit`` keeps the first training examples only."""
    if limit is not None and limit < 1:
        raise ValueError(f"--limit must be a positive number of examples, got {limit}")
    if name == "mnist":
        train = datasets.load_mnist(data_dir, "train", limit)
        test = datasets.load_mnist(data_dir, "test")
    else:
        train, test = datasets.load(name).split(TEST_FRACTION, seed=seed)
        train = train.subset(slice(limit), train.name)
    x, x_test = (d.x.reshape(len(d), -1) for d in (train, test))
    if name == "iris":  # centimetres on different scales: standardise with training statistics
        mean, std = x.mean(axis=0), x.std(axis=0)
        x, x_test = (x - mean) / std, (x_test - mean) / std
    return (x, train.y), (x_test, test.y)


def run(args) -> int:
    """Train as ``args`` say; print a summary and ``test accuracy: ...`` last."""
    settings = {k: getattr(args, k) if getattr(args, k) is not None else v
                for k, v in DEFAULTS[args.dataset].items()}
    hidden, activation = parse_model(settings["model"])
    (x, y), (x_test, y_test) = load(args.dataset, args.seed, args.data_dir, args.limit)
    model = mlp([x.shape[1], *hidden, int(max(y.max(), y_test.max())) + 1], activation)
    print(f"{args.dataset}: {len(x)} training and {len(x_test)} test examples; model "
          f"{settings['model']} {model}; {settings['optimizer']} lr {settings['lr']}, "
          f"{args.loss}, batch {settings['batch_size']}, {settings['epochs']} epochs")
    params, _, history = fit(
        model, None if args.resume else init_params(model, args.seed), (x, y),
        loss=args.loss, optimizer=settings["optimizer"], lr=settings["lr"],
        epochs=settings["epochs"], batch_size=settings["batch_size"], seed=args.seed,
        validation=(x_test, y_test), progress=False if args.no_progress else None,
        checkpoint=args.save, resume=args.resume, backend=args.backend, devices=args.devices)
    if args.plot:
        from catlearn.learning.plot import plot_history
        plot_history(history, args.plot)
        print(f"plot: {args.plot}")
    if args.save:
        print(f"checkpoint: {args.save}")
    result = evaluate(model, params, (x_test, y_test), loss=args.loss)
    print(f"train loss: {history.loss[-1]:.4f}" if len(history) else "no epoch trained")
    print(f"test accuracy: {result['accuracy']:.4f}")
    sys.stdout.flush()
    return 0


__all__ = ["add_parser", "run", "parse_model", "load", "DEFAULTS"]
