"""Bounded equivalence of sequential circuits from reset: yosys SAT, or exhaustive search.

Two sequential netlists (ports matched by name) are *equivalent for N cycles* when every
input sequence of length N, applied to both from their reset states, gives the same
outputs at every step.  Two independent checks:

* :func:`yosys_bounded_equivalent`: yosys builds the miter (``miter -equiv``) and proves
  ``sat -seq N -prove trigger 0``: no input sequence of N steps from the initial values
  raises the miter's trigger.
* :func:`bounded_counterexample`: the product machine explored breadth first from the
  pair of reset states, every input vector at every reachable state pair, bit-packed;
  exact, and it returns the shortest distinguishing input sequence.  It is feasible when
  inputs and reachable states are few (``2**inputs * states`` rows per step).

>>> from catlearn.netlist.blif import from_blif
>>> def toggle(init):
...     return from_blif(f".model t\\n.inputs t\\n.outputs q\\n.latch d q {init}\\n"
...                       ".names t q d\\n01 1\\n10 1\\n")
>>> bounded_counterexample(toggle(0), toggle(0), 8) is None
True
>>> bounded_counterexample(toggle(0), toggle(1), 8)["inputs"]
[{'t': 0}]
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from catlearn.netlist.netlist import Netlist, check_same_ports
from catlearn.circuits.sequential import transition
from catlearn.netlist.yosys import miter_script, prove
from catlearn.packing import pack, unpack

DEFAULT_CYCLES = 24
MAX_ROWS = 1 << 22  # state pairs x input vectors examined per step


def _all_inputs(n: int) -> np.ndarray:
    rows = np.arange(1 << n)
    return ((rows[:, None] >> np.arange(n - 1, -1, -1)) & 1).astype(np.uint8)


def _step(a: Netlist, b: Netlist, pairs: np.ndarray, vectors: np.ndarray):
    """Outputs and next state pairs of both machines at every (state pair, input) row."""
    ka = len(a.latches)
    rows = np.hstack([np.tile(vectors, (len(pairs), 1)), np.repeat(pairs, len(vectors), 0)])
    n, to_b = len(a.inputs), [a.inputs.index(s) for s in b.inputs]
    outs_b = [b.outputs.index(s) for s in a.outputs]
    words = pack(rows)
    ya = unpack(transition(a).evaluate(np.vstack([words[:n], words[n:n + ka]])), len(rows))
    yb = unpack(transition(b).evaluate(np.vstack([words[:n][to_b], words[n + ka:]])),
                len(rows))
    m = len(a.outputs)
    return ya[:, :m], yb[:, :m][:, outs_b], np.hstack([ya[:, m:], yb[:, m:]])


def bounded_counterexample(a: Netlist, b: Netlist, cycles: int = DEFAULT_CYCLES) -> dict | None:
    """The shortest input sequence (at most ``cycles`` steps) on which ``a`` and ``b`` differ.

    Returns None when they agree on every sequence of ``cycles`` steps from reset, else
    ``{"inputs": [per-step {name: bit}], "a": {output: bit}, "b": {...}}`` (the outputs at
    the last step).

    Raises:
        ValueError: ports differ, or the search would examine more than ``MAX_ROWS`` rows
            in a step (too many inputs or reachable states: use yosys).
    """
    check_same_ports(a, b)
    vectors = _all_inputs(len(a.inputs))
    reset = np.array([[latch.init for latch in a.latches + b.latches]], dtype=np.uint8)
    seen = {reset[0].tobytes(): None}  # state pair -> (previous pair, input row)
    frontier = reset
    for _ in range(cycles):
        if len(frontier) * len(vectors) > MAX_ROWS:
            raise ValueError(f"exhaustive search would examine {len(frontier) * len(vectors)} "
                             f"rows in one step (more than {MAX_ROWS}); check with yosys")
        ya, yb, nexts = _step(a, b, frontier, vectors)
        bad = np.flatnonzero((ya != yb).any(axis=1))
        if len(bad):
            return _witness(a, seen, frontier, vectors, bad[0], ya, yb)
        fresh = []
        for r, state in enumerate(nexts):
            key = state.tobytes()
            if key not in seen:
                seen[key] = (frontier[r // len(vectors)].tobytes(), r % len(vectors))
                fresh.append(state)
        if not fresh:
            return None
        frontier = np.array(fresh)
    return None


def _witness(a, seen, frontier, vectors, r, ya, yb) -> dict:
    steps, key = [int(r % len(vectors))], frontier[r // len(vectors)].tobytes()
    while seen[key] is not None:
        key, row = seen[key]
        steps.append(row)
    names = a.inputs
    return {"inputs": [dict(zip(names, map(int, vectors[s]))) for s in reversed(steps)],
            "a": dict(zip(a.outputs, map(int, ya[r]))),
            "b": dict(zip(a.outputs, map(int, yb[r])))}


def _script(gold: Path, gate: Path, cycles: int) -> str:
    return miter_script(gold, gate, "-make_outputs",
                        f"sat -seq {cycles} -prove trigger 0 -show-inputs miter")


def yosys_bounded_equivalent(a, b, cycles: int = DEFAULT_CYCLES, timeout: float = 300.0) -> bool:
    """True when yosys proves ``a`` and ``b`` equal for ``cycles`` steps from their initial values.

    ``a``, ``b``: ``.blif`` / ``.v`` files or netlists, ports with the same names.

    Raises:
        YosysError: yosys missing or failing, or a timeout.
    """
    return prove(a, b, lambda gold, gate: _script(gold, gate, cycles), timeout,
                 f" over {cycles} cycles")
