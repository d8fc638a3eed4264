"""One gate diagram, two meanings: a Z2 circuit and its multilinear relaxation.

Each gate is checked against Python's boolean operators on its truth table;
random circuits are checked exhaustively: the smooth relaxation agrees with
the Z2 circuit on every 0/1 input.  Netlists of the circuit zoo read as
diagrams give their own truth tables.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest
import sympy
from hypothesis import given, settings

from catlearn import smooth, symbolic, z2
from catlearn.netlist import Gate, Netlist, load_blif
from catlearn.diagrams import (
    GATES, adder_diagram, and_, bits, from_netlist, interpret, nand, nor, not_, one, or_,
    xnor, xor, zero_gate)
from test_diagrams import bit_rows, gate_circuits

ZOO = Path(__file__).resolve().parent.parent / "circuits"

BOOLEAN = {  # independent definitions of the gates
    "and": lambda a, b: a & b, "or": lambda a, b: a | b, "xor": lambda a, b: a ^ b,
    "nand": lambda a, b: 1 - (a & b), "nor": lambda a, b: 1 - (a | b),
    "xnor": lambda a, b: 1 - (a ^ b), "not": lambda a: 1 - a,
    "one": lambda: 1, "zero": lambda: 0,
}
BOXES = {"and": and_, "or": or_, "xor": xor, "nand": nand, "nor": nor, "xnor": xnor,
         "not": not_, "one": one, "zero": zero_gate}


def table(rows: np.ndarray, n: int) -> list[tuple]:
    return [tuple(int(v) for v in row) for row in rows[:n]]


def z2_table(diagram):
    n = len(diagram.dom)
    out = interpret(diagram, z2.backend)(*bit_rows(n))
    return z2.unpack(list(out), 2 ** n) if out else np.zeros((2 ** n, 0), dtype=int)


def smooth_table(diagram):
    n = len(diagram.dom)
    rows = (np.arange(2 ** n)[:, None] >> np.arange(n)[::-1]) & 1
    out = interpret(diagram, smooth.backend)(*rows.T.astype(float))
    return np.stack([np.broadcast_to(y, (2 ** n,)) for y in out], axis=1) if out else \
        np.zeros((2 ** n, 0))


@pytest.mark.parametrize("name", sorted(GATES))
def test_each_gate_in_z2_is_its_boolean_function(name):
    box = BOXES[name]()
    n = len(box.dom)
    expected = [(BOOLEAN[name](*bits_),) for bits_ in itertools.product((0, 1), repeat=n)]
    assert table(z2_table(box), 2 ** n) == expected


@pytest.mark.parametrize("name", sorted(GATES))
def test_each_relaxation_is_the_multilinear_polynomial(name):
    x, y = sympy.symbols("x0 y0")
    model = interpret(BOXES[name](), symbolic.backend)
    names = ["x", "y"][:len(model.dom)]
    formula, = symbolic.formulas(model.map, names) if names else \
        [sympy.nsimplify(v) for v in np.ravel(model.map()[0])]
    expected = {"and": x * y, "or": x + y - x * y, "xor": x + y - 2 * x * y,
                "nand": 1 - x * y, "nor": 1 - x - y + x * y, "xnor": 1 - x - y + 2 * x * y,
                "not": 1 - x, "one": sympy.Integer(1), "zero": sympy.Integer(0)}[name]
    assert sympy.simplify(formula - expected) == 0


@settings(max_examples=150, deadline=None)
@given(gate_circuits(merges=False))
def test_relaxation_agrees_with_the_circuit_on_every_bit_input(circuit):
    assert np.array_equal(smooth_table(circuit), z2_table(circuit))


def test_merge_is_the_backends_addition_which_the_relaxation_does_not_preserve():
    from discopy import markov
    merge = markov.Merge(bits(1))
    assert z2_table(merge)[:, 0].tolist() == [0, 1, 1, 0]
    assert smooth_table(merge)[:, 0].tolist() == [0, 1, 1, 2]


@pytest.mark.parametrize("n", [1, 2, 3])
def test_adder_adds(n):
    got = z2_table(adder_diagram(n))
    for r, row in enumerate(got):
        a = sum(((r >> (2 * n - 1 - i)) & 1) << i for i in range(n))
        b = sum(((r >> (n - 1 - i)) & 1) << i for i in range(n))
        assert sum(int(v) << i for i, v in enumerate(row)) == a + b
    assert np.array_equal(smooth_table(adder_diagram(n)), got)


@pytest.mark.parametrize("path", sorted(ZOO.glob("*.blif")), ids=lambda p: p.stem)
def test_zoo_netlists_as_diagrams_keep_their_truth_tables(path):
    netlist = load_blif(path)
    diagram = from_netlist(netlist)
    if len(netlist.inputs) > 12:  # 64 x 64 random rows instead of the whole table
        words = np.random.default_rng(0).integers(0, 2 ** 63, size=(len(netlist.inputs), 64),
                                                  dtype=np.uint64)
        got = interpret(diagram, z2.backend)(*words)
        assert np.array_equal(np.stack(np.broadcast_arrays(*got)), netlist.evaluate(words))
        return
    expected = netlist.truth_table()
    assert np.array_equal(z2_table(diagram), expected)
    if len(netlist.inputs) <= 8:
        assert np.array_equal(smooth_table(diagram), expected)


@pytest.mark.parametrize("cover", [
    (("1-0", "1"), ("011", "1")),          # a sum of products that is no standard gate
    (("11-", "0"), ("--1", "0")),          # an off-set cover
    ((), ),                                # the constant 0
    (("", "1"),),                          # the constant 1
])
def test_any_cover_becomes_gates(cover):
    cover = tuple(c for c in cover if c)
    inputs = ("a", "b", "c") if not cover or cover[0][0] else ()
    netlist = Netlist("n", ("a", "b", "c"), ("y",), (Gate("y", inputs, cover),))
    assert np.array_equal(z2_table(from_netlist(netlist)), netlist.truth_table())


def test_netlist_output_that_is_an_input():
    netlist = Netlist.from_gates("pass", "ab", ["b", "y"], [("y", "not", "a")])
    assert np.array_equal(z2_table(from_netlist(netlist)), netlist.truth_table())


def test_user_defined_gate_from_its_polynomial():
    from catlearn.diagrams import gate
    maj = gate("maj", 3, {(0, 1): 1, (0, 2): 1, (1, 2): 1, (0, 1, 2): -2})
    expected = [(int(a + b + c >= 2),) for a, b, c in itertools.product((0, 1), repeat=3)]
    assert table(z2_table(maj), 8) == expected
    assert np.array_equal(smooth_table(maj), z2_table(maj))
