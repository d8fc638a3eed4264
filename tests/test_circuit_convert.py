"""Netlists as Z2 maps and back, and netlist simplification, checked exhaustively.

Oracle: ``Netlist.evaluate`` (the covers evaluated directly, no polynomial involved).
"""

import doctest
import time
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from catlearn import R, z2
from catlearn.netlist import (Gate, Netlist, load_blif, truth_table_inputs, unpack,
                               to_blif, from_blif, to_verilog, yosys_available,
                               yosys_equivalent)
from catlearn.circuits import convert
from catlearn.netlist import simplify as simplify_module
from catlearn.circuits.convert import from_map, lower, to_map
from catlearn.netlist.simplify import simplify

ZOO_DIR = Path(__file__).resolve().parent.parent / "circuits"
ZOO = sorted(p.stem for p in ZOO_DIR.glob("*.blif"))
needs_yosys = pytest.mark.skipif(not yosys_available(),
                                 reason="yosys is not installed (apt-get install yosys)")


def zoo(name):
    return load_blif(ZOO_DIR / f"{name}.blif")


def map_table(f, n_inputs):
    """All rows of a Z2 map on the full truth table, (2**n, n_outputs)."""
    words = truth_table_inputs(n_inputs)
    out = [np.broadcast_to(w, (words.shape[1],)) for w in f(*words)]
    return unpack(np.array(out), 1 << n_inputs)


def random_netlist(rng, n_inputs=4, n_gates=12, max_fanin=5):
    """Gates with random covers (on- or off-set, overlapping cubes, constants) over
    earlier signals; every gate an output so nothing is dead."""
    names = [f"i{k}" for k in range(n_inputs)]
    gates = []
    for k in range(n_gates):
        fanin = int(rng.integers(0, max_fanin + 1))
        ins = tuple(rng.choice(names, size=min(fanin, len(names)), replace=False))
        rows = {"".join(rng.choice(list("01-"), size=len(ins)))
                for _ in range(int(rng.integers(0, 4)))}
        value = str(rng.integers(0, 2))
        gates.append(Gate(f"g{k}", ins, tuple((p, value) for p in sorted(rows))))
        names.append(f"g{k}")
    outputs = tuple(f"g{k}" for k in range(n_gates))
    return Netlist("random", tuple(names[:n_inputs]), outputs, tuple(gates))


# --- netlist -> map ----------------------------------------------------------------------

@pytest.mark.parametrize("name", ZOO)
def test_to_map_computes_the_netlist_on_every_input(name):
    netlist = zoo(name)
    f = to_map(netlist)
    assert f.dom == z2.bits(len(netlist.inputs)) and f.cod == z2.bits(len(netlist.outputs))
    assert np.array_equal(map_table(f, len(netlist.inputs)), netlist.truth_table())


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**32 - 1))
def test_to_map_on_random_covers(seed):
    netlist = random_netlist(np.random.default_rng(seed))
    assert np.array_equal(map_table(to_map(netlist), 4), netlist.truth_table())


def test_ten_thousand_gates_convert_in_one_linear_pass():
    rng = np.random.default_rng(0)
    names = [f"x{i}" for i in range(32)]
    kinds = [(("11", "1"),), (("01", "1"), ("10", "1")), (("1-", "1"), ("-1", "1")),
             (("11", "0"),)]
    gates = []
    for k in range(10_000):
        a, b = (names[-1 - int(min(rng.geometric(0.01), len(names) - 1))] for _ in "ab")
        if a == b:
            b = names[0] if a != names[0] else names[1]
        gates.append(Gate(f"w{k}", (a, b), kinds[k % 4]))
        names.append(f"w{k}")
    netlist = Netlist("big", tuple(names[:32]), tuple(names[-8:]), tuple(gates))
    start = time.perf_counter()
    f = to_map(netlist)
    assert time.perf_counter() - start < 3.0
    assert len(f.ops) < 4 * 10_000
    rows = rng.integers(0, 2, (200, 32))
    words = z2.pack(rows)
    assert np.array_equal(z2.unpack(list(f(*words)), 200), netlist(rows))


def test_off_set_and_overlapping_covers_of_many_inputs():
    # 5 inputs: written as a cover, not an ANF; overlapping cubes use x + y + xy
    g = Gate("y", tuple("abcde"), (("11---", "0"), ("-11--", "0"), ("1---1", "0")))
    netlist = Netlist("m", tuple("abcde"), ("y",), (g,))
    assert np.array_equal(map_table(to_map(netlist), 5), netlist.truth_table())


def test_small_gates_use_their_algebraic_normal_form():
    xor = Netlist.from_gates("x", "ab", "y", [("y", "xor", "ab")])
    assert [op.gen.name for op in to_map(xor).ops] == ["xor"]
    assert convert.anf([0, 1, 1, 0]) == [1, 2]


# --- map -> netlist ------------------------------------------------------------------------

@pytest.mark.parametrize("name", ZOO)
def test_round_trip_preserves_the_function_and_the_port_names(name):
    netlist = zoo(name)
    back = from_map(to_map(netlist), netlist.name, netlist.inputs, netlist.outputs)
    assert (back.inputs, back.outputs) == (netlist.inputs, netlist.outputs)
    assert np.array_equal(back.truth_table(), netlist.truth_table())
    assert from_blif(to_blif(back)) == back
    assert "endmodule" in to_verilog(back)


@needs_yosys
@pytest.mark.parametrize("name", ["add4", "c17", "mux4", "cmp4"])
def test_yosys_proves_the_round_trip(name):
    netlist = zoo(name)
    assert yosys_equivalent(netlist, from_map(to_map(netlist), netlist.name,
                                              netlist.inputs, netlist.outputs))


def test_every_z2_generator_becomes_gates():
    wide = z2.parity(20)
    f = z2.one() @ z2.zero() @ z2.matvec([[1, 0, 1], [0, 0, 0]]) @ wide
    n = from_map(f)
    rows = np.random.default_rng(1).integers(0, 2, (64, 23))
    assert np.array_equal(n(rows), z2.unpack(list(f(*z2.pack(rows))), 64))


def test_reverse_derivative_as_a_circuit():
    f = to_map(zoo("full_adder"))
    rf = R(f)
    assert any(op.gen.name.startswith("R") for op in rf.ops)
    n = from_map(rf)
    assert not any(op.gen.name.startswith("R") for op in lower(rf).ops)
    assert np.array_equal(n.truth_table(), map_table(rf, 5))


def test_outputs_repeating_a_wire_or_an_input_get_buffers():
    f = z2.copy(1, 3)
    n = from_map(f, "fan", ["a"], ["p", "q", "r"])
    assert np.array_equal(n.truth_table(), [[0, 0, 0], [1, 1, 1]])


def test_from_map_refuses_what_is_not_a_z2_circuit():
    from catlearn import smooth
    with pytest.raises(ValueError, match="cannot write generator"):
        from_map(smooth.exp(1))
    with pytest.raises(ValueError, match="names"):
        from_map(z2.xor(), "x", ["a"], ["y"])


# --- simplification ------------------------------------------------------------------------

@pytest.mark.parametrize("name", ZOO)
def test_simplify_keeps_the_function_and_never_grows(name):
    netlist = zoo(name)
    small = simplify(netlist)
    assert (small.inputs, small.outputs) == (netlist.inputs, netlist.outputs)
    assert small.n_gates <= netlist.n_gates
    assert np.array_equal(small.truth_table(), netlist.truth_table())


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 2**32 - 1))
def test_simplify_on_random_netlists(seed):
    netlist = random_netlist(np.random.default_rng(seed), max_fanin=8)
    assert np.array_equal(simplify(netlist).truth_table(), netlist.truth_table())


def test_simplify_folds_constants_buffers_and_inverters():
    n = Netlist.from_gates("c", "ab", ("y", "z", "k"), [
        ("one", "one", ()), ("u", "and", ("a", "one")), ("v", "not", "u"), ("w", "buf", "v"),
        ("y", "and", ("w", "b")), ("z", "buf", "a"), ("k", "and", ("one", "one"))])
    small = simplify(n)
    assert [g.output for g in small.gates] == ["y", "z", "k"]
    assert np.array_equal(small.truth_table(), n.truth_table())


def test_minimal_cover():
    assert simplify_module.minimal_cover([0, 1, 1, 1]) == ["-1", "1-"]
    assert simplify_module.minimal_cover([1, 1, 1, 1]) == ["--"]


def test_doctests():
    assert doctest.testmod(convert).failed == 0
    assert doctest.testmod(simplify_module).failed == 0


def test_simplify_a_wide_off_set_cover_left_without_rows_is_a_constant_1():
    ins = tuple(f"i{k}" for k in range(8))
    n = Netlist("w", ins, ("y",), (Gate("z", (), ()),
                                   Gate("y", ins[:7] + ("z",), (("-0-110-1", "0"),))))
    assert simplify(n).truth_table().ravel().tolist() == [1] * 256
