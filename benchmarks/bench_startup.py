"""Start-up time of the command line: ``catlearn --help`` against ``import numpy``.

Each command runs in a fresh interpreter (``subprocess``), ``N`` times; the minimum is
kept (the least disturbed run).  The goal (issue 15): ``catlearn --help`` within 2x of
``python -c "import numpy"``, i.e. the command line imports numpy and little else;
DisCoPy, matplotlib, sympy and JAX load when a command uses them.

    python benchmarks/bench_startup.py [N]

prints both times and their ratio, and the modules ``catlearn --help`` loaded that it
should not (``-X importtime`` names the slow ones).
"""

from __future__ import annotations

import subprocess
import sys
import time

COMMANDS = {
    "import numpy": [sys.executable, "-c", "import numpy"],
    "catlearn --help": [sys.executable, "-m", "catlearn", "--help"],
}
HEAVY = ("sympy", "discopy", "matplotlib", "networkx", "jax", "scipy", "sklearn")


def best_of(command: list[str], n: int) -> float:
    """The least wall time of ``n`` runs of ``command``, in seconds."""
    times = []
    for _ in range(n):
        began = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - began)
    return min(times)


def heavy_modules() -> list[str]:
    """The heavy libraries that ``catlearn --help`` imports (should be none)."""
    code = ("import sys, contextlib, io\nfrom catlearn.cli import main\n"
            "with contextlib.redirect_stdout(io.StringIO()): main(['--help'])\n"
            f"print(sorted({{m.split('.')[0] for m in sys.modules}} & set({HEAVY!r})))")
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True,
                         text=True).stdout
    return eval(out.strip().splitlines()[-1])  # a list literal printed by the child


def main(n: int = 10) -> None:
    times = {name: best_of(command, n) for name, command in COMMANDS.items()}
    for name, seconds in times.items():
        print(f"{name:>16}: {seconds * 1000:7.1f} ms (min of {n})")
    ratio = times["catlearn --help"] / times["import numpy"]
    print(f"ratio: {ratio:.2f} (goal: <= 2)")
    print(f"heavy modules loaded by catlearn --help: {heavy_modules() or 'none'}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10)
