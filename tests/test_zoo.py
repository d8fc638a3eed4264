"""Every zoo circuit against an independent Python definition, on its whole truth table.

The oracles below use plain integers (``a + b``, ``a * b``, ``a < b``, a segment table),
never the netlist code, so a wrong gate shows up as a wrong row.
"""

import importlib.util
from pathlib import Path

import pytest

from catlearn.netlist import load_blif

ZOO_DIR = Path(__file__).resolve().parent.parent / "circuits"


def bus(prefix, width):
    return [f"{prefix}{i}" for i in range(width)]


def value(bits, prefix, width):
    """The integer held by operand ``prefix`` (bit 0 least significant)."""
    return sum(bits[f"{prefix}{i}"] << i for i in range(width))


def spread(prefix, number, width):
    """The bits of ``number`` as outputs ``prefix0 .. prefix{width-1}``."""
    return {f"{prefix}{i}": (number >> i) & 1 for i in range(width)}


def adder(n):
    def function(v):
        total = value(v, "a", n) + value(v, "b", n)
        return {**spread("s", total, n), "cout": total >> n}
    return bus("a", n) + bus("b", n), bus("s", n) + ["cout"], function


def multiplier(n):
    def function(v):
        return spread("p", value(v, "a", n) * value(v, "b", n), 2 * n)
    return bus("a", n) + bus("b", n), bus("p", 2 * n), function


def comparator(n):
    def function(v):
        a, b = value(v, "a", n), value(v, "b", n)
        return {"lt": int(a < b), "eq": int(a == b), "gt": int(a > b)}
    return bus("a", n) + bus("b", n), ["lt", "eq", "gt"], function


def parity(n):
    return bus("x", n), ["p"], lambda v: {"p": sum(v.values()) % 2}


def majority(n):
    return bus("x", n), ["m"], lambda v: {"m": int(sum(v.values()) > n // 2)}


DIGITS = {0: "abcdef", 1: "bc", 2: "abdeg", 3: "abcdg", 4: "bcfg", 5: "acdfg",
          6: "acdefg", 7: "abc", 8: "abcdefg", 9: "abcdfg"}


def seg7(v):
    lit = DIGITS.get(value(v, "d", 4), "")
    return {segment: int(segment in lit) for segment in "abcdefg"}


def c17(v):
    # the six NANDs of c17, simplified by hand: 22 = 1.3 + 2.~(3.6), 23 = ~(3.6).(2 + 7)
    n11 = 1 - (v["3"] & v["6"])
    return {"22": (v["1"] & v["3"]) | (v["2"] & n11), "23": n11 & (v["2"] | v["7"])}


SPECS = {
    "half_adder": (["a", "b"], ["s", "cout"],
                   lambda v: {"s": (v["a"] + v["b"]) & 1, "cout": (v["a"] + v["b"]) >> 1}),
    "full_adder": (["a", "b", "cin"], ["s", "cout"],
                   lambda v: {"s": sum(v.values()) & 1, "cout": sum(v.values()) >> 1}),
    "add2": adder(2), "add4": adder(4), "add8": adder(8),
    "mul2": multiplier(2), "mul3": multiplier(3),
    "cmp4": comparator(4),
    "parity4": parity(4), "parity8": parity(8),
    "maj3": majority(3), "maj5": majority(5),
    "mux4": (bus("d", 4) + ["s0", "s1"], ["y"],
             lambda v: {"y": v[f"d{2 * v['s1'] + v['s0']}"]}),
    "dec2to4": (bus("a", 2), bus("y", 4),
                lambda v: {f"y{k}": int(value(v, "a", 2) == k) for k in range(4)}),
    "seg7": (bus("d", 4), list("abcdefg"), seg7),
    "c17": (["1", "2", "3", "6", "7"], ["22", "23"], c17),
}


def test_every_zoo_file_has_an_oracle_and_back():
    assert sorted(p.stem for p in ZOO_DIR.glob("*.blif")) == sorted(SPECS)


@pytest.mark.parametrize("name", sorted(SPECS))
def test_zoo_circuit_matches_its_definition_on_every_row(name):
    inputs, outputs, function = SPECS[name]
    netlist = load_blif(ZOO_DIR / f"{name}.blif")
    assert (netlist.name, list(netlist.inputs), list(netlist.outputs)) == (name, inputs, outputs)
    table = netlist.truth_table()
    n = len(inputs)
    assert table.shape == (2 ** n, len(outputs))
    for row in range(2 ** n):
        bits = {x: (row >> (n - 1 - i)) & 1 for i, x in enumerate(inputs)}
        expected = function(bits)
        assert table[row].tolist() == [expected[y] for y in outputs], (name, bits)


@pytest.mark.parametrize("name", sorted(SPECS))
def test_call_on_rows_agrees_with_the_oracle(name):
    inputs, outputs, function = SPECS[name]
    netlist = load_blif(ZOO_DIR / f"{name}.blif")
    rows = [[(r >> (len(inputs) - 1 - i)) & 1 for i in range(len(inputs))]
            for r in range(0, 2 ** len(inputs), 7)]
    got = netlist(rows)
    for row, out in zip(rows, got):
        expected = function(dict(zip(inputs, row)))
        assert out.tolist() == [expected[y] for y in outputs]


def test_zoo_sizes_are_the_textbook_ones():
    sizes = {name: load_blif(ZOO_DIR / f"{name}.blif").n_gates for name in SPECS}
    assert sizes["add4"] == 17 and sizes["parity8"] == 7 and sizes["c17"] == 6


def test_c17_is_six_two_input_nands():
    netlist = load_blif(ZOO_DIR / "c17.blif")
    assert all(g.cover == (("11", "0"),) for g in netlist.gates)
    assert {g.output for g in netlist.gates} == {"10", "11", "16", "19", "22", "23"}


def test_oracles_are_not_vacuous():
    # every output of every oracle takes both values somewhere (a constant would be suspect)
    for name, (inputs, outputs, function) in SPECS.items():
        n = len(inputs)
        seen = {y: set() for y in outputs}
        for row in range(2 ** n):
            result = function({x: (row >> (n - 1 - i)) & 1 for i, x in enumerate(inputs)})
            for y in outputs:
                seen[y].add(result[y])
        constant = [y for y in outputs if len(seen[y]) < 2]
        assert constant == [], (name, constant)


def load_make_zoo():
    spec = importlib.util.spec_from_file_location("make_zoo", ZOO_DIR / "make_zoo.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_zoo_files_are_what_make_zoo_writes():
    make_zoo = load_make_zoo()
    assert sorted(make_zoo.ZOO) == sorted(SPECS)
    stale = [name for name in make_zoo.ZOO
             if (ZOO_DIR / f"{name}.blif").read_text() != make_zoo.expected_text(name)]
    assert stale == [], f"run python circuits/make_zoo.py to regenerate {stale}"
