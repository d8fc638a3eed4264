"""A trained logic-gate network exported as a classifier netlist, and checked against itself.

:func:`export` reads the hard (Z2) network gate by gate into a :class:`Netlist`:
constants are propagated, buffers and inverters folded into the gates that read them
(a signal is a *literal*, a name and a polarity), identical gates shared, and gates no
output depends on removed.  The popcount-and-argmax readout of
:mod:`catlearn.layers.logic_z2` is built over the same literals, so the netlist is the
whole classifier: inputs ``x0 .. x(n-1)`` (the encoded bits), outputs ``class0 ..``
(the bits of the predicted class index, least significant first).

:func:`reading` is the unsimplified netlist (every gate its full four-row truth table),
for a yosys proof that simplification changed nothing; :func:`verify` compares the
exported netlist with the model's Z2 reading bit for bit on given and random inputs.

>>> import numpy as np
>>> from catlearn.layers.logic_net import LogicNetwork
>>> net = LogicNetwork(4, (8, 4), classes=2, seed=0)
>>> tables = net.hard(net.init(seed=1, scale=3.0))
>>> circuit = export(net, tables)
>>> circuit.outputs
('class0',)
>>> x = np.random.default_rng(0).integers(0, 2, (16, 4))
>>> bool((predictions(circuit, x) == net.predict(tables, x)).all())
True
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from catlearn.netlist.netlist import Gate, Netlist
from catlearn.layers.logic import wiring
from catlearn.layers.logic_net import LogicNetwork
from catlearn.layers.logic_z2 import Algebra, index_width, popcount_argmax
from catlearn.packing import pack, unpack

Literal = tuple  # (signal name, inverted) or the int 0 / 1


@dataclass
class _Builder:
    """Gates over literals, with constant folding and structural sharing."""

    gates: list
    seen: dict

    def table(self, t, a, b):
        """The literal of the two-input function with truth table ``t`` on literals ``a, b``."""
        t = [int(v) for v in t]
        if isinstance(a, int):  # rows are 2a + b
            t, a = [t[2 * a], t[2 * a + 1]] * 2, 0
        if isinstance(b, int):
            t, b = [t[b], t[b], t[2 + b], t[2 + b]], 0
        return self._reduce(t, a, b)

    def _reduce(self, t, a, b):
        if t[0] == t[1] == t[2] == t[3]:
            return t[0]
        if a != 0 and a[1]:  # absorb the inversion of a into the table
            t, a = [t[2], t[3], t[0], t[1]], (a[0], False)
        if b != 0 and b[1]:
            t, b = [t[1], t[0], t[3], t[2]], (b[0], False)
        if a == b:  # one signal read twice: only rows 00 and 11 occur
            t = [t[0], t[0], t[3], t[3]]
            b = 0
        if t[0:2] == t[2:4]:  # a does not matter
            return self._unary(t[0], t[1], b)
        if t[0] == t[1] and t[2] == t[3]:  # b does not matter
            return self._unary(t[0], t[2], a)
        return self._gate(t, a[0], b[0])

    @staticmethod
    def _unary(at0, at1, lit):
        if at0 == at1:
            return at0
        return (lit[0], bool(at0))  # at0 = 1, at1 = 0: the inverse

    def _gate(self, t, a: str, b: str):
        key = (tuple(t), a, b)
        if key not in self.seen:
            name = f"g{len(self.gates)}"
            ones = sum(t)
            value = "1" if ones <= 2 else "0"
            rows = tuple((f"{r >> 1}{r & 1}", value) for r in range(4) if str(t[r]) == value)
            self.gates.append(Gate(name, (a, b), rows))
            self.seen[key] = (name, False)
        return self.seen[key]

    def algebra(self) -> Algebra:
        return Algebra(lambda x, y: self.table((0, 0, 0, 1), x, y),
                       lambda x, y: self.table((0, 1, 1, 0), x, y),
                       lambda x: (x[0], not x[1]))


def input_names(n: int) -> tuple[str, ...]:
    return tuple(f"x{i}" for i in range(n))


def output_names(classes: int) -> tuple[str, ...]:
    return tuple(f"class{j}" for j in range(index_width(classes)))


def _layers(net: LogicNetwork, tables, gate) -> list:
    """The literals of the last layer, each gate built by ``gate(table, a, b)``."""
    signals = [(name, False) for name in input_names(net.n_in)]
    for (n_in, n_out, seed), t in zip(net.layers, tables):
        a_idx, b_idx = wiring(n_in, n_out, seed)
        t = np.asarray(t).reshape(n_out, 4)
        signals = [gate(t[j], signals[i], signals[k])
                   for j, (i, k) in enumerate(zip(a_idx.tolist(), b_idx.tolist()))]
    return signals


def finish(builder: _Builder, last: list, n_in: int, classes: int, name: str,
           readout: bool = True) -> Netlist:
    """The netlist of ``builder``'s gates with inputs ``x0 ..`` and, on the last layer's
    literals ``last``, the popcount-argmax readout (or the literals themselves as ``y0 ..``)."""
    if readout:
        names, literals = output_names(classes), popcount_argmax(builder.algebra(), last,
                                                                 classes)
    else:
        names, literals = tuple(f"y{j}" for j in range(len(last))), last
    gates = list(builder.gates)
    for out, lit in zip(names, literals):
        if isinstance(lit, int):
            gates.append(Gate(out, (), (("", "1"),) if lit else ()))
        else:
            gates.append(Gate(out, (lit[0],), (("0" if lit[1] else "1", "1"),)))
    return _live(Netlist(name, input_names(n_in), names, gates))


def export(net: LogicNetwork, tables, name: str = "classifier", readout: bool = True) -> Netlist:
    """The simplified netlist of the hard classifier (without ``readout``: the layers only,
    outputs ``y0 ..`` the last layer's gates)."""
    builder = _Builder([], {})
    return finish(builder, _layers(net, tables, builder.table), net.n_in, net.classes, name,
                  readout)


def reading(net: LogicNetwork, tables, name: str = "reading", readout: bool = True) -> Netlist:
    """The unsimplified netlist: every gate its four-row mux cover, nothing folded."""
    builder = _Builder([], {})

    def gate(t, a, b):
        out = f"r{len(builder.gates)}"
        rows = tuple((f"{r >> 1}{r & 1}", "1") for r in range(4) if t[r])
        builder.gates.append(Gate(out, (a[0], b[0]), rows))
        return (out, False)
    return finish(builder, _layers(net, tables, gate), net.n_in, net.classes, name, readout)


def _live(netlist: Netlist) -> Netlist:
    """``netlist`` without the gates that no output depends on."""
    needed = set(netlist.outputs)
    kept = []
    for g in reversed(netlist.gates):
        if g.output in needed:
            kept.append(g)
            needed.update(g.inputs)
    return Netlist(netlist.name, netlist.inputs, netlist.outputs, tuple(reversed(kept)))


def decode(bits: np.ndarray) -> np.ndarray:
    """Class indices from output bits ``(n, w)``, least significant first."""
    bits = np.asarray(bits, dtype=np.int64)
    return bits @ (1 << np.arange(bits.shape[1]))


def predictions(netlist: Netlist, x) -> np.ndarray:
    """Class indices the netlist computes on 0/1 rows ``x``, by ``Netlist.evaluate``."""
    x = np.asarray(x, dtype=np.uint8)
    return decode(unpack(netlist.evaluate(pack(x)), len(x)))


def verify(net: LogicNetwork, tables, netlist: Netlist, x, n_random: int = 10**6,
           seed: int = 0, chunk: int = 1 << 16) -> dict:
    """Compare the netlist's predictions with the Z2 reading's on ``x`` and random rows.

    Returns ``{"test": mismatches on x, "random": mismatches on n_random rows,
    "random_rows": n_random}``: zero mismatches means the two agree bit for bit.
    """
    x = np.asarray(x, dtype=np.uint8)
    test = int((predictions(netlist, x) != net.predict(tables, x)).sum())
    rng = np.random.default_rng(seed)
    random = 0
    for start in range(0, n_random, chunk):
        rows = rng.integers(0, 2, (min(chunk, n_random - start), net.n_in), dtype=np.uint8)
        random += int((predictions(netlist, rows) != net.predict(tables, rows)).sum())
    return {"test": test, "random": random, "random_rows": n_random}
