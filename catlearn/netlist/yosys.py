"""Formal equivalence of two circuits with yosys (an external tool, optional).

Each circuit (a ``.blif`` or ``.v``/``.sv`` file, or a :class:`Netlist`) is read into its own
design, flattened and renamed ``gold`` / ``gate``; ``miter -equiv`` joins them output by
output (ports are matched by name) and ``sat -prove-asserts`` proves that no input makes
them differ. The check is exact, not sampled.

>>> from catlearn.netlist.netlist import Netlist
>>> a = Netlist.from_gates("a", "xy", "z", [("z", "and", "xy")])
>>> b = Netlist.from_gates("b", "xy", "z", [("n", "nand", "xy"), ("z", "not", "n")])
>>> yosys_equivalent(a, b) if yosys_available() else True
True
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from catlearn.netlist.blif import save_blif
from catlearn.netlist.netlist import Netlist

_READERS = {".blif": "read_blif", ".v": "read_verilog", ".sv": "read_verilog -sv"}
_PROVED = "SAT proof finished - no model found: SUCCESS!"
_REFUTED = "SAT proof finished - model found: FAIL!"


class YosysError(RuntimeError):
    """yosys is missing, failed, or could not compare the two circuits (message says why)."""


def yosys_available() -> bool:
    """True when a ``yosys`` executable is on the PATH.

    >>> isinstance(yosys_available(), bool)
    True
    """
    return shutil.which("yosys") is not None


def _stage(circuit, folder: Path, stem: str) -> Path:
    """Copy a file (or write a Netlist) into ``folder`` under a name yosys cannot misread."""
    if isinstance(circuit, Netlist):
        path = folder / f"{stem}.blif"
        save_blif(circuit, path)
        return path
    source = Path(circuit)
    if source.suffix not in _READERS:
        raise YosysError(f"cannot tell how to read {source}: use a file ending in "
                         f"{', '.join(_READERS)}")
    if not source.is_file():
        raise YosysError(f"no such file: {source}")
    path = folder / f"{stem}{source.suffix}"
    shutil.copyfile(source, path)
    return path


def _label(circuit) -> str:
    return f"netlist {circuit.name!r}" if isinstance(circuit, Netlist) else str(circuit)


def miter_script(gold: Path, gate: Path, miter: str, sat: str) -> str:
    """A yosys script that reads ``gold`` and ``gate``, builds their ``miter -equiv`` (with
    the flag ``miter``) and runs the SAT command ``sat`` on it."""
    lines = []
    for role, path in (("gold", gold), ("gate", gate)):
        lines += [f"{_READERS[path.suffix]} {path.name}", "hierarchy -auto-top", "proc",
                  "flatten", f"rename -top {role}", f"design -stash {role}"]
    lines += ["design -copy-from gold -as gold gold", "design -copy-from gate -as gate gate",
              f"miter -equiv -flatten {miter} gold gate miter", "hierarchy -top miter", sat]
    return "\n".join(lines) + "\n"


def _script(gold: Path, gate: Path) -> str:
    return miter_script(gold, gate, "-make_assert", "sat -prove-asserts -show-ports miter")


def yosys_equivalent(a, b, timeout: float = 120.0) -> bool:
    """True when circuits ``a`` and ``b`` compute the same function on every input.

    Args:
        a, b: paths to ``.blif`` / ``.v`` / ``.sv`` files, or :class:`Netlist` values.
            Their ports must have the same names.
        timeout: seconds before yosys is stopped.

    Raises:
        YosysError: yosys missing, unreadable input, ports that do not match, timeout.

    >>> from catlearn.netlist.netlist import Netlist
    >>> a = Netlist.from_gates("a", "xy", "z", [("z", "and", "xy")])
    >>> b = Netlist.from_gates("a", "xy", "z", [("z", "or", "xy")])
    >>> yosys_equivalent(a, b) if yosys_available() else False
    False
    """
    return prove(a, b, _script, timeout)


def prove(a, b, script, timeout: float, what: str = "") -> bool:
    """Run the yosys ``script(gold, gate)`` on circuits ``a`` and ``b`` staged as files.

    True when its SAT proof succeeds, False when it finds a model (a difference);
    ``what`` says what was compared, for the messages.

    Raises:
        YosysError: yosys missing, unreadable input, ports that do not match, timeout.
    """
    if not yosys_available():
        raise YosysError("yosys is not installed (no 'yosys' on the PATH); install it, "
                         "e.g. 'apt-get install yosys', to check equivalence")
    with tempfile.TemporaryDirectory(prefix="catlearn-yosys-") as folder:
        folder = Path(folder)
        gold, gate = _stage(a, folder, "gold_in"), _stage(b, folder, "gate_in")
        (folder / "check.ys").write_text(script(gold, gate))
        try:
            run = subprocess.run(["yosys", "-s", "check.ys"], cwd=folder, timeout=timeout,
                                 capture_output=True, text=True, errors="replace")
        except subprocess.TimeoutExpired:
            raise YosysError(f"yosys did not finish comparing {_label(a)} and "
                             f"{_label(b)}{what} within {timeout} s") from None
    log = run.stdout + run.stderr
    if run.returncode == 0 and _PROVED in log:
        return True
    if run.returncode == 0 and _REFUTED in log:
        return False
    errors = [line for line in log.splitlines() if line.startswith("ERROR")]
    raise YosysError(f"yosys could not compare {_label(a)} and {_label(b)}: "
                     + ("; ".join(errors) or log[-2000:]))
