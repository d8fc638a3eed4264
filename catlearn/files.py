"""Writing a run's files: checked before the work, written whole or not at all.

Two rules every command and every ``save_*`` function follows:

* :func:`check_writable` is called on every output path **before** any work, so a
  typo in ``--out nodir/x.blif`` costs nothing; the error names the flag and the path.
* :func:`write_atomic` writes a temporary file beside the target and renames it over
  the target (``os.replace``), so a reader never sees half a file and an interrupted
  run leaves the old file in place. The file gets the permissions of an ordinary
  ``open(path, "w")``: ``0o666`` less the user's umask (``tempfile.mkstemp`` alone
  would give ``0o600``).

>>> import os, tempfile
>>> path = os.path.join(tempfile.mkdtemp(), "a.txt")
>>> check_writable(path, "--out")
>>> write_atomic(path, "hello\\n")
>>> open(path).read()
'hello\\n'
>>> check_writable(os.path.join(path, "x.txt"), "--out")
Traceback (most recent call last):
...
catlearn.errors.OutputPathError: --out: cannot write .../a.txt/x.txt: its folder .../a.txt is not a directory
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from catlearn.errors import OutputPathError


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def check_writable(path, flag: str = "output") -> None:
    """Raise :class:`OutputPathError` unless ``path`` can be written; creates nothing.

    The folder must exist and be writable, and ``path`` must not be a directory.
    """
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        raise OutputPathError(f"{flag}: cannot write {path}: it is a directory")
    if not folder.exists():
        raise OutputPathError(f"{flag}: cannot write {path}: its folder {folder} does not exist")
    if not folder.is_dir():
        raise OutputPathError(f"{flag}: cannot write {path}: its folder {folder} is not a "
                              "directory")
    if not os.access(folder, os.W_OK):
        raise OutputPathError(f"{flag}: cannot write {path}: its folder {folder} is not writable")
    if path.exists() and not os.access(path, os.W_OK):
        raise OutputPathError(f"{flag}: cannot write {path}: the file is not writable")


def write_atomic(path, data, mode: int | None = None) -> None:
    """Write ``data`` (``str`` as UTF-8, or ``bytes``, or a callable taking a binary file)
    to ``path`` atomically, with the umask's permissions (or ``mode``)."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent if str(path.parent) else ".",
                               prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            if callable(data):
                data(handle)
            else:
                handle.write(data.encode("utf-8") if isinstance(data, str) else data)
        os.chmod(tmp, 0o666 & ~_umask() if mode is None else mode)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
