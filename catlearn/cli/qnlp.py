"""``catlearn qnlp fit | eval | draw``: learn sentence meanings as a functor (DisCoCat, QNLP).

A thin shell over :mod:`catlearn.qnlp`: ``fit`` reads a lexicon and labelled
sentences, learns a functor (:func:`catlearn.qnlp.sentence_training.train`) and writes
the model; ``eval`` prints a model's accuracy on a data file; ``draw`` draws
a sentence's pregroup diagram.  Output paths are checked before any work.
"""

from __future__ import annotations

import argparse
import sys

from catlearn.cli import SUBCOMMANDS
from catlearn.files import check_writable


def add_parser(subparsers) -> argparse.ArgumentParser:
    """Add ``qnlp`` (with ``fit``, ``eval`` and ``draw``) to the ``catlearn`` parser."""
    p = subparsers.add_parser("qnlp", help=SUBCOMMANDS["qnlp"][1],
                              description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="qnlp_command", required=True)
    f = sub.add_parser("fit", help="learn a functor from labelled sentences")
    f.add_argument("train", metavar="TRAIN.txt", help="lines 'LABEL sentence'")
    f.add_argument("--lexicon", required=True, metavar="LEX.txt",
                   help="lines 'WORD: TYPE [| TYPE]'")
    f.add_argument("--test", metavar="TEST.txt")
    f.add_argument("--dev", metavar="DEV.txt",
                   help="picks the best epoch (default: 20%% of TRAIN held out)")
    f.add_argument("--target", default="s", help="the sentence type (default s)")
    f.add_argument("--ansatz", choices=("tensor", "quantum"), default="tensor")
    f.add_argument("--dim", default="", metavar="n=2,s=2",
                   help="dimensions (tensor) or qubits (quantum) of the basic types")
    f.add_argument("--epochs", type=int)
    f.add_argument("--lr", type=float)
    f.add_argument("--weight-decay", type=float)
    f.add_argument("--seed", type=int, default=0)
    f.add_argument("--out", required=True, metavar="MODEL.npz")
    f.set_defaults(func=run_fit)
    e = sub.add_parser("eval", help="accuracy of a model on a data file")
    e.add_argument("model", metavar="MODEL.npz")
    e.add_argument("--data", required=True, metavar="DATA.txt")
    e.set_defaults(func=run_eval)
    d = sub.add_parser("draw", help="draw a sentence's pregroup diagram")
    d.add_argument("sentence")
    d.add_argument("--lexicon", required=True, metavar="LEX.txt")
    d.add_argument("--target", default="s")
    d.add_argument("--out", required=True, metavar="FILE.svg")
    d.set_defaults(func=run_draw)
    return p


def parse_dims(text: str) -> dict:
    """``"n=2,s=2"`` as ``{"n": 2, "s": 2}``."""
    dims = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        name, eq, value = part.partition("=")
        if not eq or not value.strip().isdigit() or int(value) < 1:
            raise ValueError(f"--dim {text!r}: write TYPE=N pairs like n=2,s=2 (N >= 1)")
        dims[name.strip()] = int(value)
    return dims


def run_fit(args) -> int:
    from catlearn.qnlp import model as models, sentence_training as learn
    from catlearn.qnlp.pregroup import read_lexicon
    check_writable(args.out, "--out")
    dims = parse_dims(args.dim)
    lexicon = read_lexicon(args.lexicon)
    train = learn.read_examples(args.train, lexicon, args.target)
    learn.check_labels(train, args.train)
    test = learn.read_examples(args.test, lexicon, args.target) if args.test else None
    if args.dev:
        fit_set, dev = train, learn.read_examples(args.dev, lexicon, args.target)
    else:
        fit_set, dev = learn.split(train, 0.2, args.seed)
    result = learn.train(fit_set, dev, lexicon, ansatz=args.ansatz, dims=dims,
                         target=args.target, epochs=args.epochs, lr=args.lr,
                         weight_decay=args.weight_decay, seed=args.seed, progress=sys.stderr)
    model = result.model
    models.save(model, args.out)
    print(f"best epoch: {result.best_epoch}", file=sys.stderr)
    print(f"train accuracy: {model.accuracy(*learn.diagrams_labels(train, model.labels)):.4f}")
    if test is not None:
        print(f"test accuracy: {model.accuracy(*learn.diagrams_labels(test, model.labels)):.4f}")
    return 0


def run_eval(args) -> int:
    from catlearn.qnlp import model as models, sentence_training as learn
    model = models.load(args.model)
    data = learn.read_examples(args.data, model.functor.lexicon, model.functor.target)
    print(f"accuracy: {model.accuracy(*learn.diagrams_labels(data, model.labels)):.4f}")
    return 0


def run_draw(args) -> int:
    from catlearn.qnlp.pictures import write_diagram
    from catlearn.qnlp.pregroup import parse, read_lexicon
    check_writable(args.out, "--out")
    write_diagram(parse(args.sentence, read_lexicon(args.lexicon), args.target), args.out)
    print(f"wrote {args.out}")
    return 0
