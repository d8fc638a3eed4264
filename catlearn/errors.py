"""The library's own error types, at the bottom of the import graph.

A loader that reads a file a person gave it (a checkpoint, an idx file) raises
:class:`DataError` for anything wrong with the file's contents, with a message that
names the file and what is wrong, so that callers (the command line, a notebook) can
report it in one line.  It is a ``ValueError``, so code that caught ``ValueError`` keeps
working.

>>> try:
...     raise DataError("run.npz: truncated (not a complete .npz archive)")
... except ValueError as error:
...     print(error)
run.npz: truncated (not a complete .npz archive)
"""

from __future__ import annotations


class DataError(ValueError):
    """A file or data set whose contents cannot be used; the message names it and why."""


class OutputPathError(ValueError):
    """An output path that cannot be written, found before any work; names the flag."""


__all__ = ["DataError", "OutputPathError"]
