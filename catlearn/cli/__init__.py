"""The ``catlearn`` command line: ``train``, ``predict``, ``circuit`` and ``draw``.

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

SUBCOMMANDS = ("catlearn.cli.train", "catlearn.cli.predict", "catlearn.cli.circuit",
               "catlearn.cli.draw", "catlearn.cli.qnlp")


class Parser(argparse.ArgumentParser):
    """``argparse`` with one-line errors: ``catlearn train: error: argument --epochs: ...``."""

    def error(self, message: str):
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def parser() -> argparse.ArgumentParser:
    top = Parser(prog="catlearn", description=__doc__.splitlines()[0])
    sub = top.add_subparsers(dest="command", required=True)
    for name in SUBCOMMANDS:
        importlib.import_module(name).add_parser(sub)
    return top


def main(argv=None) -> int:
    try:
        args = parser().parse_args(argv)
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
