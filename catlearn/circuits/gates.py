"""Learnable gate networks: one traced program, a Z2 circuit or its multilinear relaxation.

A :class:`GateNetwork` is a layered network of two-input cells.  A cell is a 4:1
multiplexer of its four truth-table bits ``t00 t01 t10 t11`` selected by its inputs,

    ``t00 (1-x)(1-y) + t01 (1-x) y + t10 x (1-y) + t11 x y``,

so its table bits choose which of the 16 two-input functions it is, and each of its two
inputs is itself a multiplexer over ``K = 2**k`` candidate wires (fixed, seeded, drawn from
the previous layer and, through skip connections, from every earlier wire and the primary
inputs), selected by ``k`` more parameter bits: the learner chooses the wiring among the
candidates as well as the gate.  Every multiplexer is written once, ``a + s * (b - a)``.

The program is traced once per backend (:meth:`GateNetwork.map`).  Under :mod:`catlearn.z2`
``+``, ``*`` and ``-`` are XOR, AND and XOR: it is a polynomial circuit whose parameter
bits are inputs, learnable by reverse derivative ascent.  Under :mod:`catlearn.smooth` the
very same operations are the reals': since a multiplexer's two cases exclude each other
the program is the multilinear relaxation of the circuit, exact on 0/1 values, and
learnable by gradient descent.  Parameters enter as ordinary wires broadcast over the
examples (one word in Z2, one number in Smooth), so their cotangents come back per
example: voted on by RDA, summed by gradient descent.

:func:`errors` evaluates a population of parameter vectors in one bit-packed pass (one row
of words per member); :func:`prune` trades cells for wires at equal exactness.

Laws (``tests/test_circuit_learn.py``): on 0/1 parameters and inputs the Smooth map equals
the Z2 map; :meth:`GateNetwork.netlist` computes what the Z2 map computes.

>>> import numpy as np
>>> from catlearn import smooth, z2
>>> net = GateNetwork(2, (Cell(x=(0,), y=(1,)),), outputs=(2,))  # one gate on inputs 0, 1
>>> net.n_params
4
>>> xor = [0, 1, 1, 0]
>>> words = z2.pack([xor + [0, 0], xor + [0, 1], xor + [1, 0], xor + [1, 1]])
>>> z2.unpack(net.map(z2.backend)(*words), 4).ravel().tolist()
[0, 1, 1, 0]
>>> half = [np.array([v]) for v in [0.0, 1.0, 1.0, 0.0]] + [np.array([0.5]), np.array([1.0])]
>>> float(net.map(smooth.backend)(*half)[0][0])
0.5
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from catlearn import smooth, z2
from catlearn.netlist.simplify import simplify
from catlearn.netlist.netlist import Gate, Netlist
from catlearn.core import Map, Ty, trace
from catlearn.layers import cell


# -- the traced program, written once ---------------------------------------------------


def mux(s, a, b):
    """``a`` where ``s`` is 0, ``b`` where ``s`` is 1: ``a + s (b - a)``.

    >>> f = trace(z2.bits(3), mux, z2.backend)
    >>> f
    Map(Z2 @ Z2 @ Z2 -> Z2: xor ; and ; xor)
    >>> z2.unpack(f(*z2.pack([[0, 1, 0], [1, 1, 0]])), 2).ravel().tolist()
    [1, 0]
    """
    return cell.mux(s, a, b)


def select(bits, candidates):
    """The multiplexer tree: candidate ``sum_j bits[j] 2**j`` of ``2**len(bits)`` candidates.

    >>> f = trace(Ty(*[smooth.Real(())] * 6), lambda s0, s1, *c: select((s0, s1), c),
    ...           smooth.backend)
    >>> f(*[np.array([v]) for v in (1.0, 0.0, 10, 11, 12, 13)])[0].tolist()
    [11.0]
    """
    level = list(candidates)
    for s in bits:
        level = [mux(s, level[i], level[i + 1]) for i in range(0, len(level), 2)]
    return level[0]


def table_gate(t, x, y):
    """The two-input gate with truth table ``t = (t00, t01, t10, t11)`` on ``(x, y)``.

    In Smooth it interpolates its table multilinearly:

    >>> f = trace(Ty(*[smooth.Real(())] * 6), lambda *v: table_gate(v[:4], *v[4:]),
    ...           smooth.backend)
    >>> f(*[np.array([v]) for v in (0.0, 1.0, 1.0, 1.0, 0.5, 0.5)])[0].tolist()
    [0.75]
    """
    return cell.table(t, x, y)


# the wire a signal travels on, in each backend
WIRES = {z2.backend: z2.BIT, smooth.backend: smooth.Real(())}


# -- the network ------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    """A learnable gate: candidate source wires of its inputs ``x`` and ``y``.

    Wires are numbered inputs first, then cells in order; ``len(x)`` and ``len(y)`` are
    powers of two (one select bit per halving).
    """

    x: tuple[int, ...]
    y: tuple[int, ...]

    @property
    def n_params(self) -> int:
        return 4 + _log2(len(self.x)) + _log2(len(self.y))


def _log2(n: int) -> int:
    k = n.bit_length() - 1
    if n < 1 or 1 << k != n:
        raise ValueError(f"a cell input needs a power of two of candidates, got {n}")
    return k


@dataclass(frozen=True)
class GateNetwork:
    """A layered network of learnable cells over ``n_inputs`` primary inputs.

    Args:
        n_inputs: number of primary inputs (wires ``0 .. n_inputs - 1``).
        cells: the cells in order (cell ``c`` drives wire ``n_inputs + c``).
        outputs: the wires read out as outputs.

    Parameters are laid out cell by cell: 4 table bits, then the select bits of ``x``,
    then those of ``y``.
    """

    n_inputs: int
    cells: tuple[Cell, ...]
    outputs: tuple[int, ...]

    def __post_init__(self):
        for c, cell in enumerate(self.cells):
            if any(not 0 <= w < self.n_inputs + c for w in cell.x + cell.y):
                raise ValueError(f"cell {c} reads a wire that is not an input or an "
                                 f"earlier cell: {cell}")
        if any(not 0 <= w < self.n_inputs + len(self.cells) for w in self.outputs):
            raise ValueError(f"an output reads no wire: {self.outputs}")

    @property
    def n_params(self) -> int:
        return sum(cell.n_params for cell in self.cells)

    def __repr__(self) -> str:
        return (f"GateNetwork({self.n_inputs} inputs, {len(self.cells)} cells, "
                f"{len(self.outputs)} outputs, {self.n_params} parameter bits)")

    def program(self, *args):
        """The network on traced wires: ``n_params`` parameters, then the inputs."""
        params, wires = list(args[:self.n_params]), list(args[self.n_params:])
        at = 0
        for cell in self.cells:
            kx = _log2(len(cell.x))
            t = params[at:at + 4]
            sx, sy = params[at + 4:at + 4 + kx], params[at + 4 + kx:at + cell.n_params]
            x = select(sx, [wires[w] for w in cell.x])
            y = select(sy, [wires[w] for w in cell.y])
            wires.append(table_gate(t, x, y))
            at += cell.n_params
        return tuple(wires[w] for w in self.outputs)

    def map(self, backend) -> Map:
        """The program as a map ``params @ inputs -> outputs`` of ``backend`` (z2 or smooth).

        >>> GateNetwork.random(2, 1, gates=1, layers=1, choices=1).map(z2.backend).dom
        Ty(Z2, Z2, Z2, Z2, Z2, Z2)
        """
        return _traced(self, backend)

    def decode(self, theta) -> list[tuple[tuple[int, ...], int, int]]:
        """Per cell, at 0/1 parameters ``theta``: ``(table, source of x, source of y)``.

        >>> net = GateNetwork(2, (Cell(x=(0, 1), y=(1, 0)),), outputs=(2,))
        >>> net.decode([0, 1, 1, 0, 1, 0])
        [((0, 1, 1, 0), 1, 1)]
        """
        theta = [int(v) for v in np.asarray(theta).ravel()]
        if len(theta) != self.n_params:
            raise ValueError(f"{self!r} takes {self.n_params} parameter bits, "
                             f"got {len(theta)}")
        decoded, at = [], 0
        for cell in self.cells:
            kx = _log2(len(cell.x))
            sx = sum(b << j for j, b in enumerate(theta[at + 4:at + 4 + kx]))
            sy = sum(b << j for j, b in enumerate(theta[at + 4 + kx:at + cell.n_params]))
            decoded.append((tuple(theta[at:at + 4]), cell.x[sx], cell.y[sy]))
            at += cell.n_params
        return decoded

    def netlist(self, theta, name: str = "learned", inputs=None, outputs=None,
                simplified: bool = True) -> Netlist:
        """The circuit the network computes at parameters ``theta``, as a netlist.

        Each cell is one two-input ``.names`` gate reading the candidates its select bits
        choose; with ``simplified`` (the default) constants, buffers, inverters and unused
        cells are folded away (:func:`~catlearn.netlist.simplify.simplify`).

        >>> net = GateNetwork(2, (Cell(x=(0,), y=(1,)),), outputs=(2,))
        >>> net.netlist([0, 0, 0, 1], "and2", ["a", "b"], ["y"]).gates[0].cover
        (('11', '1'),)
        """
        inputs = tuple(inputs) if inputs is not None else \
            tuple(f"x{i}" for i in range(self.n_inputs))
        outputs = tuple(outputs) if outputs is not None else \
            tuple(f"y{i}" for i in range(len(self.outputs)))
        if len(inputs) != self.n_inputs or len(outputs) != len(self.outputs):
            raise ValueError(f"{self!r} needs {self.n_inputs} input and "
                             f"{len(self.outputs)} output names")
        wire_names = list(inputs) + [f"_g{c}" for c in range(len(self.cells))]
        gates = [Gate(wire_names[self.n_inputs + c], (wire_names[sx], wire_names[sy]),
                      [(f"{r >> 1}{r & 1}", "1") for r in range(4) if table[r]])
                 for c, (table, sx, sy) in enumerate(self.decode(theta))]
        gates += [Gate(o, (wire_names[w],), [("1", "1")]) for o, w in zip(outputs, self.outputs)]
        netlist = Netlist(name, inputs, outputs, tuple(gates))
        return simplify(netlist) if simplified else netlist

    @staticmethod
    def random(n_inputs: int, n_outputs: int, gates: int, layers: int, choices: int = 4,
               seed: int = 0, skip: float = 0.5) -> "GateNetwork":
        """A network of ``gates`` cells in ``layers`` layers with seeded random candidates.

        The last layer has one cell per output; the others share the remaining cells
        evenly.  Each cell input gets ``choices`` candidates (a power of two): drawn from
        the previous layer, or with probability ``skip`` from any earlier wire (primary
        inputs included); a cell's candidates are distinct whenever the pool allows.

        >>> GateNetwork.random(4, 2, gates=10, layers=3, seed=1)
        GateNetwork(4 inputs, 10 cells, 2 outputs, 80 parameter bits)
        """
        if layers < 1 or gates < n_outputs or (layers == 1 and gates != n_outputs):
            raise ValueError(f"cannot lay out {gates} gates in {layers} layers with "
                             f"{n_outputs} outputs (the last layer holds the outputs)")
        if layers > 1 and gates - n_outputs < layers - 1:
            raise ValueError(f"{gates - n_outputs} hidden gates cannot fill {layers - 1} "
                             f"hidden layers")
        rng = np.random.default_rng(seed)
        hidden = gates - n_outputs
        sizes = [hidden // (layers - 1) + (i < hidden % (layers - 1))
                 for i in range(layers - 1)] + [n_outputs]
        cells, start = [], n_inputs
        previous = list(range(n_inputs))
        for size in sizes:
            for _ in range(size):
                pool = (previous, list(range(start)))
                both = _candidates(rng, pool, 2 * choices, skip)
                cells.append(Cell(both[:choices], both[choices:]))
            previous = list(range(start, start + size))
            start += size
        return GateNetwork(n_inputs, tuple(cells), tuple(previous))


@functools.lru_cache(maxsize=64)
def _traced(net: GateNetwork, backend) -> Map:
    """The network's map, traced once per backend (networks are values: equal ones share)."""
    dom = Ty(*[WIRES[backend]] * (net.n_params + net.n_inputs))
    return trace(dom, net.program, backend).prune()


def _candidates(rng, pools, choices: int, skip: float) -> tuple[int, ...]:
    """``choices`` wires, each from the previous layer or (probability ``skip``) any
    earlier wire, distinct while the union of the pools has enough of them."""
    previous, earlier = pools
    picked: list[int] = []
    while len(picked) < choices:
        pool = earlier if rng.random() < skip else previous
        fresh = [w for w in pool if w not in picked] or \
            [w for w in earlier if w not in picked] or earlier
        picked.append(int(rng.choice(fresh)))
    return tuple(picked)


def bind(net: GateNetwork, theta) -> Map:
    """The Z2 map ``inputs -> outputs`` of the network with its parameters fixed to ``theta``.

    The parameter wires become the constants ``one`` and ``zero``; nothing is simplified,
    so this is exactly the circuit the trained model computes.

    >>> net = GateNetwork(2, (Cell(x=(0,), y=(1,)),), outputs=(2,))
    >>> f = bind(net, [0, 1, 1, 0])
    >>> z2.unpack(f(*z2.pack([[0, 0], [0, 1], [1, 0], [1, 1]])), 4).ravel().tolist()
    [0, 1, 1, 0]
    """
    theta = [int(v) for v in np.asarray(theta).ravel()]
    f = net.map(z2.backend)
    return trace(z2.bits(net.n_inputs), lambda *xs: f(
        *[(z2.ONE if b else z2.ZERO)() for b in theta], *xs), z2.backend).prune()


# -- bit lanes: a population of parameter vectors evaluated in one pass ---------------

ONES, ZEROS = ~np.uint64(0), np.uint64(0)


def parameter_words(theta: np.ndarray) -> list[np.ndarray]:
    """Parameter bits ``theta`` (P, Q) as Q word columns (P, 1): member ``p`` is row ``p``.

    The compiled maps are elementwise, so a column broadcasts against the examples
    ``(1, W)`` and a population of P members runs as one pass over ``(P, W)`` words.
    """
    return list(np.where(theta.T.astype(bool)[:, :, None], ONES, ZEROS))


def broadcast_stack(values, shape) -> np.ndarray:
    """Arrays that broadcast to ``shape``, stacked (assignment broadcasts cheaply)."""
    out = np.empty((len(values), *shape), dtype=values[0].dtype)
    for row, v in zip(out, values):
        row[...] = v
    return out


def errors(net: GateNetwork, theta: np.ndarray, table) -> np.ndarray:
    """Wrong output bits of the network at each parameter row of ``theta`` (P, Q).

    ``table`` holds packed words: inputs ``x`` (n, W), outputs ``y`` (m, W) and the mask
    ``valid`` (W,) of the bits that are examples (a :class:`~catlearn.circuits.table.Table`).

    >>> from catlearn.circuits.table import Table
    >>> net = GateNetwork(2, (Cell(x=(0,), y=(1,)),), outputs=(2,))
    >>> errors(net, np.array([[0, 1, 1, 0], [0, 0, 0, 1]]), Table.of([[0], [1], [1], [0]]))
    array([0, 3])
    """
    theta = np.atleast_2d(theta)
    shape = (theta.shape[0], table.x.shape[1])
    out = net.map(z2.backend).compiled(*parameter_words(theta), *table.x[:, None, :])
    wrong = (broadcast_stack(out, shape) ^ table.y[:, None, :]) & table.valid
    return np.bitwise_count(wrong).sum(axis=(0, 2)).astype(int)


# -- after the fit: fewer cells ---------------------------------------------------------

_TRIVIAL = {(0, 0, 0, 0), (1, 1, 1, 1), (0, 0, 1, 1), (0, 1, 0, 1), (1, 1, 0, 0), (1, 0, 1, 0)}


def _gate_cells(net: GateNetwork, theta) -> list[int]:
    """Cells that the outputs depend on and that are real gates (not wires or constants)."""
    decoded, n = net.decode(theta), net.n_inputs
    live, stack = set(), [w - n for w in net.outputs if w >= n]
    while stack:
        c = stack.pop()
        if c in live:
            continue
        live.add(c)
        table, sx, sy = decoded[c]
        uses_x, uses_y = table[:2] != table[2:], table[0::2] != table[1::2]
        stack += [s - n for s, used in ((sx, uses_x), (sy, uses_y)) if used and s >= n]
    return sorted(c for c in live if decoded[c][0] not in _TRIVIAL)


def _configurations(net: GateNetwork, theta, c: int, start: int) -> np.ndarray:
    """``theta`` with cell ``c`` set to each of its configurations (table, x, y) in turn."""
    cell = net.cells[c]
    kx, ky = (len(s).bit_length() - 1 for s in (cell.x, cell.y))
    bits = [[v >> (3 - i) & 1 for i in range(4)] + [sx >> j & 1 for j in range(kx)]
            + [sy >> j & 1 for j in range(ky)]
            for v in range(16) for sx in range(len(cell.x)) for sy in range(len(cell.y))]
    trials = np.repeat(np.asarray(theta, np.uint8)[None], len(bits), axis=0)
    trials[:, start:start + cell.n_params] = bits
    return trials


def prune(net: GateNetwork, theta, table) -> np.ndarray:
    """Fewer gate cells at the same exact fit: each cell in turn (outputs first) is tried in
    every configuration, and one that leaves fewer gate cells is kept, until none does.

    >>> from catlearn.circuits.table import Table
    >>> net = GateNetwork(2, (Cell((0,), (1,)), Cell((2, 0), (1, 1))), outputs=(3,))
    >>> theta = [0, 1, 1, 0, 0, 0, 1, 0, 0, 0]  # y = (a xor b) and not b = a and not b
    >>> len(_gate_cells(net, theta)), len(_gate_cells(net, prune(net, theta, Table.of(
    ...     [[0], [0], [1], [0]]))))
    (2, 1)
    """
    theta = np.asarray(theta, dtype=np.uint8).copy()
    starts = np.cumsum([0] + [cell.n_params for cell in net.cells])
    improved = True
    while improved:
        improved, count = False, len(_gate_cells(net, theta))
        for c in reversed(_gate_cells(net, theta)):
            trials = _configurations(net, theta, c, starts[c])
            for trial in trials[errors(net, trials, table) == 0]:
                if len(_gate_cells(net, trial)) < count:
                    theta, improved = trial, True
                    break
            if improved:
                break
    return theta
