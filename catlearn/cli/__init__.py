"""The ``catlearn`` command line: ``train``, ``predict``, ``circuit``, ``draw`` and ``qnlp``.

Each subcommand lives with its subject (``catlearn.cli.train``,
``catlearn.cli.circuit``, ``catlearn.cli.draw``), which adds its parser
with ``add_parser(subparsers)`` and sets ``func`` to run it.  Flag values are checked
as they are parsed (:mod:`catlearn.cli.flags`); a wrong one is a single line naming the
flag and exit status 2, before any work.  Heavy libraries (DisCoPy, matplotlib, sympy,
JAX) are imported by the commands that use them, so ``catlearn --help`` is quick.
"""

from __future__ import annotations

import argparse
import importlib
import sys

#: command -> (module, one-line help).  Only the module of the command being run is imported
#: (``catlearn --help`` imports none of them): each adds its parser with ``add_parser``.
SUBCOMMANDS = {
    "train": ("catlearn.cli.train", "train a classifier and print its test accuracy"),
    "predict": ("catlearn.cli.predict", "run a saved model on data: accuracy or predicted classes"),
    "circuit": ("catlearn.cli.circuit", "learn, evaluate and compare boolean circuits"),
    "draw": ("catlearn.cli.draw", "draw a model as a string diagram"),
    "qnlp": ("catlearn.cli.qnlp", "learn sentence meanings as a functor (DisCoCat, QNLP)"),
}


class Parser(argparse.ArgumentParser):
    """``argparse`` with one-line errors: ``catlearn train: error: argument --epochs: ...``."""

    def error(self, message: str):
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def parser(commands=None) -> argparse.ArgumentParser:
    """The command line; ``commands`` (default: all) are built in full, the others are listed
    by name and help only, without importing their modules."""
    top = Parser(prog="catlearn", description="catlearn: learning as the categorical papers "
                 "describe it. Run catlearn COMMAND --help for a command's flags.")
    sub = top.add_subparsers(dest="command", required=True)
    for name, (module, summary) in SUBCOMMANDS.items():
        if commands is None or name in commands:
            importlib.import_module(module).add_parser(sub)
        else:
            sub.add_parser(name, help=summary)
    return top


def _command(argv) -> str | None:
    """The subcommand named on the command line (the first word that is not a flag)."""
    return next((a for a in argv if not a.startswith("-")), None)


def main(argv=None) -> int:
    try:
        argv = sys.argv[1:] if argv is None else [str(a) for a in argv]
        args = parser((_command(argv),)).parse_args(argv)
    except SystemExit as done:  # --help, or a flag refused (one line on stderr)
        return done.code if isinstance(done.code, int) else 2
    try:
        return args.func(args) or 0
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except (ValueError, TypeError, OSError) as error:  # OSError: missing file, directory
        print(f"catlearn {args.command}: error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
