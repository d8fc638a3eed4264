"""A trained convolutional logic network exported as one classifier netlist, and checked.

:func:`export` reads the hard (Z2) reading of a
:class:`~catlearn.layers.logic_conv_net.ConvLogicNetwork` gate by gate: every tree at every
position, the OR pooling (two-input ORs), the dense layers and the popcount-and-argmax
readout, all through the builder of :mod:`catlearn.circuits.classifier` (constants
propagated, inverters folded, identical gates shared, dead gates removed).  Inputs
``x0 ..`` are the encoded bits (channel-major), outputs ``class0 ..`` the bits of the
predicted class.  :func:`verify` compares the netlist with the Z2 reading bit for bit.

>>> import numpy as np
>>> from catlearn.layers.logic_conv_net import ConvLogicNetwork
>>> net = ConvLogicNetwork((1, 6, 6), ((4, 2, 3, 0, 2),), (20,), classes=2, seed=0)
>>> tables = net.hard(net.init(seed=1, scale=3.0))
>>> circuit = export(net, tables)
>>> x = np.random.default_rng(0).integers(0, 2, (64, 36))
>>> bool((predictions(circuit, x) == net.predict(tables, x)).all())
True
"""

from __future__ import annotations

import numpy as np

from catlearn.circuits.classifier import _Builder, _live, finish, input_names, predictions
from catlearn.layers.logic import wiring
from catlearn.layers.logic_conv import leaves
from catlearn.layers.logic_conv_net import ConvLogicNetwork
from catlearn.netlist.netlist import Gate, Netlist

OR = (0, 1, 1, 1)

__all__ = ["export", "export_wired", "predictions", "tree_netlist", "verify"]


def _block(builder: _Builder, spec, pool: int, tables, signals: list) -> list:
    """The literals of a block's output ``(out, h'/pool, w'/pool)``, channel-major."""
    out, oh, ow = spec.out_shape
    index = leaves(spec).reshape(out << spec.depth, oh * ow).tolist()
    level = [[signals[i] for i in row] for row in index]
    for m, t in zip(spec.levels, tables):
        t = np.asarray(t).reshape(m, 4)
        level = [[builder.table(t[j], a, b) for a, b in zip(level[j], level[m + j])]
                 for j in range(m)]
    grid = np.empty(out * oh * ow, dtype=object)  # literals are tuples: fill, never convert
    grid[:] = [lit for row in level for lit in row]
    grid = grid.reshape(out, oh, ow)
    if pool == 1:
        return list(grid.ravel())
    pooled = []
    for c in range(out):
        for i in range(0, oh, pool):
            for j in range(0, ow, pool):
                window = grid[c, i:i + pool, j:j + pool].ravel().tolist()
                acc = window[0]
                for lit in window[1:]:
                    acc = builder.table(OR, acc, lit)
                pooled.append(acc)
    return pooled


def export(net: ConvLogicNetwork, tables, name: str = "classifier") -> Netlist:
    """The simplified netlist of the whole hard classifier, readout included."""
    builder = _Builder([], {})
    n_in = int(np.prod(net.shape))
    signals = [(s, False) for s in input_names(n_in)]
    tables, start = list(tables), 0
    for spec, pool in net.specs:
        d = len(spec.levels)
        signals = _block(builder, spec, pool, tables[start:start + d], signals)
        start += d
    dense = [(*wiring(n, m, seed), t) for (n, m, seed), t in zip(net.dense.layers, tables[start:])]
    return finish(builder, _wired(builder, dense, signals), n_in, net.classes, name)


def export_wired(n_in: int, classes: int, layers, name: str = "classifier") -> Netlist:
    """The netlist of dense layers with explicit wiring ``layers = ((a, b, tables), ...)``
    (the hard reading of :class:`~catlearn.layers.logic_wiring.LearnedLogicNetwork`), then the
    readout."""
    builder = _Builder([], {})
    signals = [(s, False) for s in input_names(n_in)]
    return finish(builder, _wired(builder, layers, signals), n_in, classes, name)


def _wired(builder: _Builder, layers, signals: list) -> list:
    for a_idx, b_idx, t in layers:
        t = np.asarray(t).reshape(len(a_idx), 4)
        signals = [builder.table(t[j], signals[i], signals[k])
                   for j, (i, k) in enumerate(zip(np.asarray(a_idx).tolist(),
                                                  np.asarray(b_idx).tolist()))]
    return signals


def verify(net: ConvLogicNetwork, tables, netlist: Netlist, x, n_random: int = 10**5,
           seed: int = 0, chunk: int = 1 << 14) -> dict:
    """Mismatches between the netlist and the Z2 reading on ``x`` and on random rows:
    ``{"test", "random", "random_rows"}``; zero means they agree bit for bit."""
    x = np.asarray(x, dtype=np.uint8)
    test = sum(int((predictions(netlist, x[i:i + chunk]) != net.predict(tables, x[i:i + chunk]))
                   .sum()) for i in range(0, len(x), chunk))
    rng, random = np.random.default_rng(seed), 0
    for start in range(0, n_random, chunk):
        rows = rng.integers(0, 2, (min(chunk, n_random - start), x.shape[1]), dtype=np.uint8)
        random += int((predictions(netlist, rows) != net.predict(tables, rows)).sum())
    return {"test": test, "random": random, "random_rows": n_random}


def tree_netlist(spec, tables, channel: int = 0) -> Netlist:
    """The learned tree of output ``channel`` of a block, as a netlist over its leaves (for
    drawing): inputs ``c{channel}_r{dy}_c{dx}``, the place in the ``k x k`` field it reads (at
    the first output position, padding offset included), output ``y``.

    >>> from catlearn.layers.logic_conv import TreeSpec
    >>> spec = TreeSpec(1, 4, 4, out=1, depth=1, k=3)
    >>> tree = tree_netlist(spec, [np.array([[0, 0, 0, 1]])])
    >>> len(tree.inputs) in (1, 2), tree.outputs
    (True, ('y',))
    """
    builder = _Builder([], {})
    index = leaves(spec)[channel::spec.out, 0, 0].tolist()
    names = []
    for flat in index:
        c, rest = divmod(flat, spec.h * spec.w)
        names.append(f"c{c}_r{rest // spec.w}_c{rest % spec.w}")
    level = [(name, False) for name in names]
    for m, t in zip(spec.levels, tables):
        t = np.asarray(t).reshape(m, 4)[channel::spec.out]
        half = len(level) // 2
        level = [builder.table(t[j], level[j], level[half + j]) for j in range(half)]
    (lit,) = level
    gates = list(builder.gates)
    if isinstance(lit, int):
        gates.append(Gate("y", (), (("", "1"),) if lit else ()))
    else:
        gates.append(Gate("y", (lit[0],), (("0" if lit[1] else "1", "1"),)))
    inputs = tuple(dict.fromkeys(names))
    return _live(Netlist(f"tree{channel}", inputs, ("y",), gates))
