"""Sequential circuits, St(Z2): latches read and written, the zoo against independent Python
definitions, simulation against the unrolled stateful map, bounded equivalence, learning."""

from __future__ import annotations

import numpy as np
import pytest

from catlearn import z2
from catlearn.netlist import load_blif, to_verilog
from catlearn.netlist.blif import BlifError, from_blif, to_blif
from catlearn.netlist.netlist import NetlistError
from catlearn.circuits.seqequiv import (bounded_counterexample, yosys_bounded_equivalent)
from catlearn.circuits.seqlearn import ZOO, learn_sequential
from catlearn.circuits.sequential import behaviour, sequences, simulate, stateful
from catlearn.netlist.yosys import yosys_available
from catlearn.packing import unpack
from catlearn.stateful import unroll


def serial_adder(seq):
    carry, out = 0, []
    for a, b in seq:
        out.append([(a + b + carry) % 2])
        carry = (a + b + carry) // 2
    return out


def counter(seq):
    count, out = 0, []
    for (en,) in seq:
        out.append([count & 1, count >> 1])
        count = (count + en) % 4
    return out


def detector(seq):
    bits = [x for (x,) in seq]
    return [[int(bits[max(0, t - 2):t + 1] == [1, 0, 1])] for t in range(len(bits))]


def shift3(seq):
    bits = [0, 0, 0] + [x for (x,) in seq]
    return [[bits[t]] for t in range(len(seq))]


def fsm(seq):
    ones, out = 0, []
    for (x,) in seq:
        out.append([int(ones % 3 == 0)])
        ones += x
    return out


ZOO_DEFINITIONS = {"seq_serial_adder": serial_adder, "seq_counter": counter,
                   "seq_detector": detector, "seq_shift3": shift3, "seq_fsm": fsm}


def unpacked(xs, n):
    """Packed (T, k, W) to per-sequence lists of per-step bit rows."""
    steps = [unpack(step, n) for step in xs]
    return [[list(map(int, steps[t][s])) for t in range(len(steps))] for s in range(n)]


@pytest.mark.parametrize("name", sorted(ZOO_DEFINITIONS))
def test_zoo_target_matches_its_python_definition(name):
    netlist = load_blif(ZOO / f"{name}.blif")
    assert netlist.is_sequential
    xs = sequences(len(netlist.inputs), n=200, length=20, seed=1)
    got = unpacked(behaviour(netlist, xs), 200)
    for seq, out in zip(unpacked(xs, 200), got):
        assert out == ZOO_DEFINITIONS[name](seq)


@pytest.mark.parametrize("name", sorted(ZOO_DEFINITIONS))
def test_simulation_is_the_unrolled_stateful_map(name):
    netlist = load_blif(ZOO / f"{name}.blif")
    xs = sequences(len(netlist.inputs), n=130, length=6, seed=2)
    unrolled = unroll(stateful(netlist), 6)(*[w for step in xs for w in step])
    simulated = [w for step in simulate(netlist, xs) for w in step]
    assert all(np.array_equal(u, v) for u, v in zip(unrolled, simulated))


def test_latches_round_trip_with_their_reset_values():
    netlist = load_blif(ZOO / "seq_fsm.blif")
    text = to_blif(netlist)
    assert ".latch n0 s0 0" in text and ".latch n1 s1 0" in text
    assert from_blif(text) == netlist
    clocked = from_blif(".model m\n.inputs x clk\n.outputs q\n.latch x q re clk 1\n")
    assert ".latch x q re clk 1" in to_blif(clocked)
    assert clocked.latches[0].init == 1


@pytest.mark.parametrize("text, message", [
    (".model m\n.inputs x\n.outputs q\n.latch nowhere q 0\n", r"m.blif:4: .*'nowhere'.*never"),
    (".model m\n.inputs x c\n.outputs q\n.latch x q as c 0\n", r"m.blif:4: .*asynchronous"),
    (".model m\n.inputs x c\n.outputs q\n.latch x q ah c 0\n", r"m.blif:4: .*level-sensitive"),
    (".model m\n.inputs x\n.outputs q\n.latch x q 2\n", r"m.blif:4: .*reset value"),
    (".model m\n.inputs x\n.outputs q\n.latch x q\n", r"m.blif:4: .*INIT"),
])
def test_bad_latches_are_file_line_errors(text, message):
    with pytest.raises(BlifError, match=message):
        from_blif(text, "m.blif")


def test_combinational_only_operations_refuse_a_sequential_netlist():
    netlist = load_blif(ZOO / "seq_counter.blif")
    for operation in (netlist.truth_table, lambda: netlist.evaluate(np.zeros((1, 1), np.uint64))):
        with pytest.raises(NetlistError, match="sequential.*simulate"):
            operation()


def test_verilog_has_registers():
    text = to_verilog(load_blif(ZOO / "seq_detector.blif"))
    assert "reg p1 = 1'b0;" in text and "always @(posedge clk) p1 <= x;" in text


def test_bounded_search_finds_the_shortest_difference():
    shift = load_blif(ZOO / "seq_shift3.blif")
    shorter = from_blif(".model seq_shift3\n.inputs x\n.outputs q\n.latch x r1 0\n"
                         ".latch r1 r2 0\n.names r2 q\n1 1\n")
    found = bounded_counterexample(shift, shorter, 24)
    assert [step["x"] for step in found["inputs"]] == [1, 0, 0]  # seen at step 2 by one only
    assert bounded_counterexample(shift, shift, 24) is None
    assert bounded_counterexample(shift, shorter, 2) is None  # equal for two cycles


@pytest.mark.skipif(not yosys_available(), reason="yosys is not installed")
def test_yosys_agrees_with_the_search():
    adder = ZOO / "seq_serial_adder.blif"
    wrong = load_blif(adder)
    flipped = from_blif(to_blif(wrong).replace(".latch cn c 0", ".latch cn c 1"))
    assert yosys_bounded_equivalent(adder, adder, 8)
    assert not yosys_bounded_equivalent(adder, flipped, 8)


@pytest.mark.parametrize("method", ["rda", "relaxed"])
def test_a_toggle_is_learned_exactly_with_a_latch(method):
    toggle = from_blif(".model toggle\n.inputs t\n.outputs q\n.latch d q 0\n"
                        ".names t q d\n01 1\n10 1\n")
    result = learn_sequential(toggle, method, seed=0, n_sequences=64, length=6)
    assert result.exact and result.netlist.latches
    assert result.netlist.inputs == ("t",) and result.netlist.outputs == ("q",)
    assert bounded_counterexample(toggle, result.netlist, 24) is None


def test_z2_words_hold_64_sequences():
    xs = sequences(2, n=130, length=3, seed=0)
    assert xs.shape == (3, 2, 3) and xs.dtype == z2.ONES.dtype


TOGGLE = ".model toggle\n.inputs t\n.outputs q\n.latch d q 0\n.names t q d\n01 1\n10 1\n"


def test_cli_learns_a_sequential_target_and_checks_it(tmp_path, capsys):
    from catlearn import cli
    target, out = tmp_path / "toggle.blif", tmp_path / "learned.blif"
    target.write_text(TOGGLE)
    assert cli.main(["circuit", "learn", str(target), "--seed", "0", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "exact match: yes" in printed.splitlines()
    learned = load_blif(out)
    assert learned.latches and learned.inputs == ("t",) and learned.outputs == ("q",)
    assert ".latch" in out.read_text()
    assert cli.main(["circuit", "equiv", str(target), str(out), "--cycles", "12"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "equivalent: yes (12 cycles from reset)"


def test_cli_equiv_prints_the_shortest_distinguishing_sequence(capsys):
    from catlearn import cli
    fsm, detector = ZOO / "seq_fsm.blif", ZOO / "seq_detector.blif"
    assert cli.main(["circuit", "equiv", str(fsm), str(detector)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert "step 0: x=0" in lines[1] and lines[-1] == "equivalent: no (24 cycles from reset)"


def test_a_free_running_oscillator_without_inputs():
    osc = from_blif(".model osc\n.outputs q\n.latch d q 0\n.names q d\n0 1\n")
    ys = simulate(osc, [np.zeros((0, 1), np.uint64)] * 4)
    assert [int(unpack(y, 1)[0, 0]) for y in ys] == [0, 1, 0, 1]
    result = learn_sequential(osc, seed=0, n_sequences=64, length=6)
    assert result.exact and bounded_counterexample(osc, result.netlist, 10) is None
