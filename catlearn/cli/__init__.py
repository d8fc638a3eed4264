"""The ``catlearn`` command line: ``train``, ``predict``, ``circuit`` and ``draw``.

Each subcommand lives with its subject (``catlearn.cli.train``,
``catlearn.cli.circuit``, ``catlearn.cli.draw``), which adds its parser
with ``add_parser(subparsers)`` and sets ``func`` to run it.
"""

from __future__ import annotations

import argparse
import importlib
import sys

SUBCOMMANDS = ("catlearn.cli.train", "catlearn.cli.predict", "catlearn.cli.circuit",
               "catlearn.cli.draw")


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="catlearn", description=__doc__.splitlines()[0])
    sub = top.add_subparsers(dest="command", required=True)
    for name in SUBCOMMANDS:
        importlib.import_module(name).add_parser(sub)
    return top


def main(argv=None) -> int:
    args = parser().parse_args(argv)
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
