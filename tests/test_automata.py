"""Sequential circuits learned as automata: state merging, encodings, the synthesised circuit
against its target over 24 cycles (search, and yosys when installed), the random suite, the
command line and its refusals.  AALpy, when installed, is an independent oracle for the
state counts; it is never imported by catlearn."""

from __future__ import annotations

import numpy as np
import pytest

from catlearn import cli
from catlearn.circuits import machines
from catlearn.circuits.automata import Mealy, minimal, rpni
from catlearn.circuits.seqautomata import learn_automaton, traces
from catlearn.circuits.seqequiv import bounded_counterexample, yosys_bounded_equivalent
from catlearn.circuits.seqlearn import ZOO
from catlearn.circuits.seqsynth import binary_width, encode, sop
from catlearn.circuits.sequential import behaviour, sequences
from catlearn.netlist import load_blif
from catlearn.netlist.blif import save_blif
from catlearn.netlist.yosys import yosys_available
from catlearn.packing import unpack

SMALL = [machines.counter(2), machines.detector("1011"),
         machines.random_machine(0, "mealy", states=6, inputs=2, outputs=1),
         machines.random_machine(1, "moore", states=7, inputs=1, outputs=2)]


def runs_like(netlist, machine: Mealy, n: int = 100, length: int = 20, seed: int = 5) -> bool:
    """The circuit's outputs from reset are the machine's on random words."""
    xs, ys = traces(netlist, n, length, seed)
    return all(machine.run(x) == list(y) for x, y in zip(xs, ys))


@pytest.mark.parametrize("order", ["edsm", "rpni"])
@pytest.mark.parametrize("target", SMALL, ids=lambda t: t.name)
def test_merging_finds_the_minimal_machine(target, order):
    xs, ys = traces(target.netlist(), 200, 24, seed=0)
    learned = rpni(xs, ys, order)
    assert learned.n_states == target.minimal_states
    assert all(learned.run(x) == list(y) for x, y in zip(xs, ys))  # consistent with its sample
    assert runs_like(target.netlist(), learned)


def test_state_counts_agree_with_aalpy():
    aalpy = pytest.importorskip("aalpy")
    for target in SMALL:
        xs, ys = traces(target.netlist(), 200, 24, seed=0)
        data = [(tuple(map(int, x[:t + 1])), int(y[t])) for x, y in zip(xs, ys)
                for t in range(len(x))]
        model = aalpy.run_RPNI(data, "mealy", print_info=False)
        assert len(model.states) == rpni(xs, ys).n_states == target.minimal_states


def test_traces_that_disagree_are_refused():
    with pytest.raises(ValueError, match="not deterministic"):
        rpni([[0, 1], [0, 1]], [[0, 0], [0, 1]])


def test_minimal_merges_equivalent_states_and_keeps_behaviour():
    target = machines.counter(2)
    doubled = Mealy(target.machine.delta + tuple(
        {a: (t + 4 * (a == 0), o) for a, (t, o) in d.items()} for d in target.machine.delta),
        target.machine.access * 2)  # states 4..7 copy 0..3
    assert minimal(doubled).n_states == 4
    words = np.random.default_rng(0).integers(0, 2, (50, 12))
    assert all(minimal(doubled).run(w) == doubled.run(w) for w in words)


@pytest.mark.parametrize("seed", range(5))
def test_sop_covers_the_on_set_and_avoids_the_off_set(seed):
    rng = np.random.default_rng(seed)
    k = 5
    kind = rng.integers(0, 3, 1 << k)  # 0 off, 1 on, 2 free
    on, free = set(np.flatnonzero(kind == 1)), set(np.flatnonzero(kind == 2))
    rows = sop(on, free, k)
    covered = {r for r in range(1 << k) for p in rows
               if all(c == "-" or int(c) == (r >> (k - 1 - i)) & 1 for i, c in enumerate(p))}
    assert on <= covered and not covered & (set(range(1 << k)) - on - free)


@pytest.mark.parametrize("target", SMALL, ids=lambda t: t.name)
def test_every_encoding_runs_the_machine(target):
    m = minimal(target.machine)
    binary = encode(m, target.inputs, target.outputs, "b")
    hot = encode(m, target.inputs, target.outputs, "h", "one-hot")
    assert len(binary.latches) == binary_width(m.n_states) and len(hot.latches) == m.n_states
    assert [latch.init for latch in hot.latches] == [1] + [0] * (m.n_states - 1)
    for netlist in (binary, hot, target.netlist()):
        assert runs_like(netlist, target.machine)


def test_binary_width_is_the_ceiling_of_log2():
    assert [binary_width(n) for n in range(1, 18)] == \
        [0, 1, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 4, 4, 4, 4, 5]


def proved(target, learned, cycles=24) -> bool:
    same = bounded_counterexample(target, learned, cycles) is None
    if yosys_available():
        assert yosys_bounded_equivalent(target, learned, cycles) == same
    return same


@pytest.mark.parametrize("name", ["counter_en3", "detect1011", "moore_3", "mealy_2"])
def test_a_suite_target_is_learned_exactly_with_the_fewest_latches(name):
    target = next(t for t in machines.suite() if t.name == name)
    netlist = target.netlist()
    result = learn_automaton(netlist, seed=0)
    assert result.exact and proved(netlist, result.netlist)
    assert result.states == target.minimal_states
    assert len(result.netlist.latches) == binary_width(target.minimal_states)
    assert result.netlist.inputs == netlist.inputs and result.netlist.outputs == netlist.outputs


@pytest.mark.parametrize("encoding", ["one-hot", "target"])
def test_other_encodings_are_learned_exactly(encoding):
    target = load_blif(ZOO / "seq_fsm.blif")
    result = learn_automaton(target, seed=0, encoding=encoding)
    assert result.exact and proved(target, result.netlist)
    width = {"one-hot": result.states, "target": len(target.latches)}[encoding]
    assert len(result.netlist.latches) == width


@pytest.mark.parametrize("name", ["seq_serial_adder", "seq_counter", "seq_detector", "seq_fsm",
                                  "seq_shift3"])
def test_the_zoo_is_learned_exactly(name):
    target = load_blif(ZOO / f"{name}.blif")
    result = learn_automaton(target, seed=0)
    assert result.exact and proved(target, result.netlist)
    assert len(result.netlist.latches) <= len(target.latches)


def test_the_random_suite_is_seeded_small_and_minimal():
    targets = machines.suite()
    assert len({t.name for t in targets}) == len(targets)
    for t in targets:
        netlist = t.netlist()
        assert len(netlist.latches) <= 4 and t.machine.n_states <= 16
        assert runs_like(netlist, t.machine, n=64)
        if t.name.startswith(("moore", "mealy")):
            assert t.minimal_states == t.machine.n_states
    again = machines.random_machine(2, "mealy")
    assert again.machine == machines.random_machine(2, "mealy").machine
    assert again.machine != machines.random_machine(1, "mealy").machine
    moore = machines.random_machine(0, "moore")
    assert all(len({o for _, o in d.values()}) == 1 for d in moore.machine.delta)


def test_the_suite_files_are_what_the_generator_writes():
    for t in machines.suite():
        assert load_blif(ZOO / f"suite_{t.name}.blif") == t.netlist(), t.name


def test_the_sample_grows_until_the_machine_validates():
    target = machines.counter(4).netlist()
    result = learn_automaton(target, seed=0, n_sequences=2, length=4)
    assert result.rounds > 1 and result.exact and result.states == 16


# -- the command line ------------------------------------------------------------------


def test_cli_learns_a_counter_with_enable_by_default(tmp_path, capsys):
    target, out = tmp_path / "counter.blif", tmp_path / "learned.blif"
    save_blif(machines.counter(3).netlist(), target)
    assert cli.main(["circuit", "learn", str(target), "--out", str(out)]) == 0
    printed = capsys.readouterr()
    assert "exact match: yes" in printed.out.splitlines()
    assert "state bits: 3" in printed.out.splitlines() and "automata" in printed.err
    learned = load_blif(out)
    assert learned.inputs == ("en",) and learned.outputs == ("q2", "q1", "q0")
    assert [latch.init for latch in learned.latches] == [0, 0, 0]
    assert bounded_counterexample(load_blif(target), learned, 24) is None


def test_cli_equiv_refuses_zero_cycles(capsys):
    fsm = str(ZOO / "seq_fsm.blif")
    assert cli.main(["circuit", "equiv", fsm, fsm, "--cycles", "0"]) == 2
    assert "--cycles must be at least 1, got 0" in capsys.readouterr().err


def test_cli_equiv_errors_name_the_files(capsys):
    fsm, counter = str(ZOO / "seq_fsm.blif"), str(ZOO / "seq_counter.blif")
    assert cli.main(["circuit", "equiv", fsm, counter]) == 2
    err = capsys.readouterr().err
    assert f"cannot compare {fsm} and {counter}" in err and "'seq_fsm'" not in err


def test_cli_refuses_network_sizes_for_automata_and_honours_them_for_rda(capsys):
    fsm = str(ZOO / "seq_fsm.blif")
    assert cli.main(["circuit", "learn", fsm, "--gates", "4", "--layers", "2"]) == 2
    assert "--gates and --layers size the gate networks" in capsys.readouterr().err
    cli.main(["circuit", "learn", fsm, "--method", "rda", "--gates", "4", "--layers", "2",
              "--steps", "2", "--time-limit", "0.01"])
    assert "cells x 2 layers" in capsys.readouterr().err


def test_cli_refuses_automata_on_a_combinational_target(capsys):
    adder = str(ZOO.parent / "half_adder.blif")
    assert cli.main(["circuit", "learn", adder, "--method", "automata"]) == 2
    assert "--method automata learns sequential circuits" in capsys.readouterr().err


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(3))
def test_the_whole_suite_is_learned_exactly_on_seeds_0_to_2(seed):
    for target in machines.suite():
        netlist = target.netlist()
        result = learn_automaton(netlist, seed=seed)
        assert result.exact and proved(netlist, result.netlist), target.name
        assert len(result.netlist.latches) == binary_width(target.minimal_states)


def test_packed_traces_agree_with_the_simulation():
    target = machines.updown_counter(3).netlist()
    xs, ys = traces(target, 70, 9, seed=3)
    outs = behaviour(target, sequences(2, 70, 9, 3))
    bits = np.stack([unpack(step, 70) for step in outs], axis=1)  # (n, T, m)
    assert np.array_equal(ys, (bits * np.array([4, 2, 1])).sum(axis=2))
