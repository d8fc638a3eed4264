"""Netlist simplification: constants, buffers and inverters folded, equal gates merged.

:func:`simplify` folds constants, buffers and inverters into the covers of the gates that
read them, merges identical gates and drops the unused ones, keeping every port's name.
Gates of at most a few distinct inputs are re-derived from their truth table
(:func:`gate_table`) and written back as a small cover (:func:`minimal_cover`).

Law (``tests/test_circuit_convert.py``, exhaustively on the zoo): ``simplify(n)``
computes ``n``.

>>> from catlearn.netlist.netlist import Netlist
>>> n = Netlist.from_gates("inv2", "a", "y", [("u", "not", "a"), ("y", "not", "u")])
>>> simplify(n).gates
(Gate(output='y', inputs=('a',), cover=(('1', '1'),), line=None),)
"""

from __future__ import annotations

import itertools

from catlearn.netlist.netlist import Gate, Netlist


def gate_table(g: Gate) -> list[int]:
    """The gate's values on its ``2**k`` input rows (input 0 the most significant bit).

    >>> from catlearn.netlist import gate
    >>> gate_table(gate("y", "nand", "ab"))
    [1, 1, 1, 0]
    """
    k = len(g.inputs)
    on = [any(all(c == "-" or int(c) == (r >> (k - 1 - i)) & 1 for i, c in enumerate(p))
              for p, _ in g.cover) for r in range(1 << k)]
    return [int(v != g.is_offset) for v in on]


_SMALL = 6  # gates of at most this many distinct inputs are re-derived from their table


def _substitute(g: Gate, lits: dict):
    """The gate's cover over the literals its inputs stand for: constants cut, inverters
    flipped, repeated signals merged.  Returns ``(signals, patterns)``."""
    signals: list[str] = []
    columns = []
    for s in g.inputs:
        sig, neg = lits[s]
        if sig is None:
            columns.append(("const", neg))
        else:
            if sig not in signals:
                signals.append(sig)
            columns.append((signals.index(sig), neg))
    patterns = []
    for pattern, _ in g.cover:
        row = ["-"] * len(signals)
        for c, (where, neg) in zip(pattern, columns):
            if c == "-":
                continue
            bit = str(int(c) ^ neg)  # for a constant column, neg is its value
            if where == "const":
                if bit != "0":
                    break
            elif row[where] not in ("-", bit):
                break
            else:
                row[where] = bit
        else:
            patterns.append("".join(row))
    return signals, patterns


def _reduce(signals, table):
    """Drop the inputs a table does not depend on."""
    k = len(signals)
    for i in reversed(range(k)):
        bit = 1 << (k - 1 - i)
        if all(table[r] == table[r ^ bit] for r in range(len(table))):
            table = [table[r] for r in range(len(table)) if not r & bit]
            signals = signals[:i] + signals[i + 1:]
            k -= 1
    return signals, table


def _fold(g: Gate, lits: dict, nodes: dict, seen: dict):
    """The literal ``(signal, inverted)`` or ``(None, constant)`` a gate reduces to."""
    signals, patterns = _substitute(g, lits)
    if not patterns or any(set(p) <= {"-"} for p in patterns):  # no row left, or a full one
        return None, int(bool(patterns) != g.is_offset)
    if len(signals) > _SMALL:
        nodes[g.output] = (tuple(signals), tuple(patterns), g.is_offset)
        return g.output, False
    signals, table = _reduce(signals, gate_table(Gate("t", signals, [(p, "1") for p in
                                                                     patterns])))
    table = [v ^ g.is_offset for v in table]
    if not signals:
        return None, table[0]
    if len(signals) == 1:
        return signals[0], table[0] == 1
    neg = table[0] == 1
    key = (tuple(signals), tuple(v ^ neg for v in table))
    if key not in seen:
        seen[key] = g.output
        nodes[g.output] = key
    return seen[key], neg


def minimal_cover(table) -> list[str]:
    """A small sum-of-products cover of a table: prime implicants chosen greedily.

    >>> minimal_cover([0, 1, 1, 1])
    ['-1', '1-']
    """
    k = (len(table) - 1).bit_length()
    on = {r for r, v in enumerate(table) if v}
    cubes = {}
    for pattern in map("".join, itertools.product("01-", repeat=k)):
        rows = {r for r in on if all(c == "-" or int(c) == (r >> (k - 1 - i)) & 1
                                     for i, c in enumerate(pattern))}
        if len(rows) == 1 << pattern.count("-"):
            cubes[pattern] = rows
    primes = [p for p in cubes if not any(q != p and cubes[p] < cubes[q] for q in cubes)]
    chosen, left = [], set(on)
    while left:
        best = max(primes, key=lambda p: (len(cubes[p] & left), p.count("-"), p))
        chosen.append(best)
        left -= cubes[best]
    return sorted(chosen)


def _node_gate(name, node, emitted, invert: bool) -> Gate:
    """A kept node as a gate named ``name``, reading its inputs in their emitted polarity."""
    signals = node[0]
    names = [emitted.get(s, (s, False))[0] for s in signals]
    flips = [emitted.get(s, (s, False))[1] for s in signals]

    def flip(p):
        return "".join(c if c == "-" or not f else "10"[int(c)] for c, f in zip(p, flips))
    if len(node) == 3:
        _, patterns, offset = node
        value = "0" if offset != invert else "1"
        return Gate(name, names, [(flip(p), value) for p in patterns])
    table = [v ^ invert for v in node[1]]
    on, off = minimal_cover(table), minimal_cover([1 - v for v in table])
    rows = [(flip(p), "1") for p in on] if len(on) <= len(off) else \
        [(flip(p), "0") for p in off]
    return Gate(name, names, rows)


def _live(netlist, lits, nodes) -> list[str]:
    """Kept nodes reachable from the outputs, in topological order."""
    live, stack = set(), [lits[o][0] for o in netlist.outputs]
    while stack:
        s = stack.pop()
        if s in nodes and s not in live:
            live.add(s)
            stack.extend(nodes[s][0])
    return [g.output for g in netlist.gates if g.output in live]


def simplify(netlist: Netlist) -> Netlist:
    """The same function with constants, buffers and inverters folded into the covers that
    read them, identical gates merged and unused ones dropped; port names are kept.

    >>> from catlearn.netlist import Netlist
    >>> n = Netlist.from_gates("c", "ab", "y", [("k", "one", ()), ("u", "and", "ak"),
    ...                                         ("v", "not", "u"), ("y", "and", ("v", "b"))])
    >>> simplify(n).gates
    (Gate(output='y', inputs=('a', 'b'), cover=(('01', '1'),), line=None),)
    """
    lits = {s: (s, False) for s in netlist.inputs}
    nodes: dict = {}
    seen: dict = {}
    for g in netlist.gates:
        lits[g.output] = _fold(g, lits, nodes, seen)
    emitted: dict = {}
    for o in netlist.outputs:
        sig, neg = lits[o]
        if sig in nodes and sig not in emitted:
            emitted[sig] = (o, neg)
    gates = [_node_gate(emitted.get(s, (s, False))[0], nodes[s], emitted,
                        emitted.get(s, (s, False))[1]) for s in _live(netlist, lits, nodes)]
    for o in netlist.outputs:
        sig, neg = lits[o]
        name, inverted = emitted.get(sig, (sig, False))
        if sig is None:
            gates.append(Gate(o, (), [("", "1")] if neg else []))
        elif name != o:
            gates.append(Gate(o, (name,), [("0" if neg != inverted else "1", "1")]))
    return Netlist(netlist.name, netlist.inputs, netlist.outputs, tuple(gates))
