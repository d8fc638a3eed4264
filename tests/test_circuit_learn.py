"""Learnable gate networks and learning circuits, checked exhaustively on truth tables.

Oracles: ``Netlist.truth_table`` of the zoo (independent of the networks), direct
re-evaluation of a network with one parameter flipped (for the reverse derivative), and
yosys for the exported BLIF.
"""

import doctest
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from catlearn import R, smooth, z2
from catlearn.netlist import (Netlist, load_blif, truth_table_inputs, unpack, yosys_available,
                               yosys_equivalent)
from catlearn.circuits import gates as gates_module, learn as learn_module
from catlearn.circuits import search as search_module, stages as stages_module
from catlearn.circuits import table as table_module
from catlearn.circuits.convert import from_map
from catlearn.circuits.gates import Cell, GateNetwork, bind, errors
from catlearn.circuits.learn import learn
from catlearn.circuits.table import Table

ZOO_DIR = Path(__file__).resolve().parent.parent / "circuits"
needs_yosys = pytest.mark.skipif(not yosys_available(),
                                 reason="yosys is not installed (apt-get install yosys)")


def zoo(name):
    return load_blif(ZOO_DIR / f"{name}.blif")


def all_rows(n):
    return unpack(truth_table_inputs(n), 1 << n)


# --- the network: one program, two meanings -------------------------------------------------

@settings(max_examples=20, deadline=None)
@given(st.integers(0, 2**32 - 1))
def test_smooth_relaxation_equals_the_circuit_on_bits(seed):
    rng = np.random.default_rng(seed)
    net = GateNetwork.random(3, 2, gates=6, layers=3, choices=2, seed=seed)
    theta = rng.integers(0, 2, net.n_params)
    rows = all_rows(3)
    bits = z2.unpack(list(net.map(z2.backend)(*[z2.ONES if b else z2.ZEROS for b in theta],
                                              *z2.pack(rows))), 8)
    reals = net.map(smooth.backend)(*[np.full(len(rows), float(b)) for b in theta],
                                    *[rows[:, i].astype(float) for i in range(3)])
    assert np.array_equal(np.stack(reals, axis=1), bits)


def test_smooth_relaxation_is_multilinear_between_bits():
    # a cell at probability 1/2 on a table bit is the average of the two circuits
    net = GateNetwork(2, (Cell((0,), (1,)),), outputs=(2,))
    f = net.map(smooth.backend)
    x = [np.array([1.0]), np.array([1.0])]
    half = f(*[np.array([v]) for v in (0.0, 0.0, 0.0, 0.5)], *x)[0]
    assert half.tolist() == [0.5]


@settings(max_examples=20, deadline=None)
@given(st.integers(0, 2**32 - 1))
def test_netlist_computes_what_the_trained_model_computes(seed):
    rng = np.random.default_rng(seed)
    net = GateNetwork.random(4, 2, gates=10, layers=3, seed=seed)
    theta = rng.integers(0, 2, net.n_params)
    model = bind(net, theta)
    table = unpack(np.array([np.broadcast_to(w, (1,)) for w in model(*truth_table_inputs(4))]),
                   16)
    assert np.array_equal(net.netlist(theta).truth_table(), table)
    assert np.array_equal(net.netlist(theta, simplified=False).truth_table(), table)


@needs_yosys
def test_yosys_proves_the_simplified_netlist_equals_the_traced_model():
    net = GateNetwork.random(4, 2, gates=10, layers=3, seed=3)
    theta = np.random.default_rng(3).integers(0, 2, net.n_params)
    names = dict(inputs=("a", "b", "c", "d"), outputs=("y", "z"))
    exported = from_map(bind(net, theta), "m", **names)
    assert yosys_equivalent(exported, net.netlist(theta, "m", **names))


def test_reverse_derivative_of_a_table_bit_is_its_flip_sensitivity():
    # for one cell, R says exactly which examples change when a parameter bit flips
    net = GateNetwork(2, (Cell((0, 1), (1, 0)),), outputs=(2,))
    f = net.map(z2.backend)
    words = list(truth_table_inputs(2))
    rng = np.random.default_rng(0)
    for _ in range(10):
        theta = rng.integers(0, 2, net.n_params)
        params = [z2.ONES if b else z2.ZEROS for b in theta]
        sens = R(f)(*params, *words, z2.ONES)[:net.n_params]
        y = f(*params, *words)[0]
        for q in range(4):
            flipped = list(params)
            flipped[q] = ~flipped[q]
            assert (np.broadcast_to(sens[q], (1,)) & 15) == ((f(*flipped, *words)[0] ^ y) & 15)


def test_errors_counts_wrong_bits_per_member():
    net = GateNetwork(2, (Cell((0,), (1,)),), outputs=(2,))
    xor = Table.of(np.array([[0], [1], [1], [0]]))
    assert errors(net, np.array([[0, 1, 1, 0], [1, 0, 0, 1], [0, 0, 0, 0]]), xor).tolist() \
        == [0, 4, 2]


def test_random_wiring_is_seeded_and_reads_earlier_wires():
    a = GateNetwork.random(5, 3, gates=20, layers=4, seed=7)
    assert a == GateNetwork.random(5, 3, gates=20, layers=4, seed=7)
    assert a != GateNetwork.random(5, 3, gates=20, layers=4, seed=8)
    with pytest.raises(ValueError, match="earlier cell"):
        GateNetwork(2, (Cell((0,), (2,)),), outputs=(2,))
    with pytest.raises(ValueError, match="power of two"):
        GateNetwork(2, (Cell((0, 1, 0), (1,)),), outputs=(2,)).n_params
    with pytest.raises(ValueError, match="cannot lay out"):
        GateNetwork.random(2, 3, gates=2, layers=2)


# --- learning: exact circuits from the zoo -----------------------------------------------------

@pytest.mark.parametrize("name", ["half_adder", "full_adder", "add2", "parity4", "parity8",
                                  "mux4", "maj3", "dec2to4", "mul2"])
def test_rda_learns_zoo_circuits_exactly(name):
    target = zoo(name)
    result = learn(target, "rda", seed=0)
    assert result.exact and result.accuracy == 1.0
    assert (result.netlist.inputs, result.netlist.outputs) == (target.inputs, target.outputs)
    assert np.array_equal(result.netlist.truth_table(), target.truth_table())


@pytest.mark.parametrize("name", ["half_adder", "full_adder", "maj3", "parity4"])
def test_relaxed_learns_small_circuits_exactly(name):
    target = zoo(name)
    result = learn(target, "relaxed", seed=0)
    assert result.exact
    assert np.array_equal(result.netlist.truth_table(), target.truth_table())


def test_gate_counts_are_small():
    assert learn(zoo("half_adder")).gates == 2
    assert learn(zoo("parity8")).gates == 7


@needs_yosys
def test_yosys_confirms_the_learned_blif():
    target = zoo("full_adder")
    assert yosys_equivalent(target, learn(target, seed=1).netlist)


def test_one_network_for_all_outputs():
    result = learn(zoo("full_adder"), gates=12, layers=3, seed=0)
    assert result.exact


def test_xor_votes_are_the_literal_batch_rule():
    result = learn(zoo("half_adder"), vote="xor", seed=0, steps=200)
    assert result.method == "rda" and 0 <= result.accuracy <= 1


def test_learn_from_data_fits_the_rows_given():
    rows = all_rows(3)[[0, 1, 2, 4, 7]]
    labels = rows.sum(axis=1, keepdims=True) % 2
    result = learn((rows, labels), inputs=("a", "b", "c"), outputs=("p",))
    assert result.exact and result.netlist.inputs == ("a", "b", "c")
    assert np.array_equal(result.netlist(rows), labels)


def test_learn_from_a_truth_table():
    result = learn(np.array([[0, 1], [1, 0], [1, 0], [0, 1]]))
    assert result.exact and result.netlist.outputs == ("y0", "y1")


# --- bad input: clear errors naming where ----------------------------------------------------

def test_truth_table_of_the_wrong_length():
    with pytest.raises(ValueError, match="2\\*\\*n rows.*got 6 rows"):
        learn(np.zeros((6, 1), int))


def test_names_of_the_wrong_width():
    with pytest.raises(ValueError, match="2 inputs, but 3 input names"):
        learn(np.zeros((4, 1), int), inputs=("a", "b", "c"))
    with pytest.raises(ValueError, match="1 output column.*2 output name"):
        learn(np.zeros((4, 1), int), outputs=("y", "z"))


def test_values_other_than_bits_are_named():
    with pytest.raises(ValueError, match="row 2, column 1 holds 2"):
        learn(np.array([[0, 0], [0, 1], [1, 2], [0, 0]]))
    with pytest.raises(ValueError, match="X must hold only 0 and 1: row 1, column 0"):
        learn((np.array([[0, 1], [0.5, 1]]), np.array([[0], [1]])))


def test_conflicting_rows_are_named():
    x = np.array([[0, 1], [1, 1], [0, 1]])
    with pytest.raises(ValueError, match="conflicting rows 0 and 2.*Y column 0"):
        learn((x, np.array([[0], [1], [1]])))


def test_bad_method_or_vote():
    with pytest.raises(ValueError, match="unknown method"):
        learn(zoo("half_adder"), method="sgd")
    with pytest.raises(ValueError, match="unknown vote"):
        learn(zoo("half_adder"), vote="plurality")


@pytest.mark.parametrize("module", [gates_module, learn_module, search_module, stages_module,
                                    table_module], ids=lambda m: m.__name__)
def test_doctests(module):
    assert doctest.testmod(module, optionflags=doctest.ELLIPSIS).failed == 0


def test_layers_without_gates_is_refused():
    with pytest.raises(ValueError, match="pass gates too"):
        learn(zoo("half_adder"), layers=3)


# -- focusing a stage: supports, projections, samples, recency --------------------------


def test_supports_of_an_adder_are_its_lower_bits():
    table = Table.of(zoo("add4"))
    found = stages_module.supports(table.y, 8)
    a, b = table.inputs.index("a0"), table.inputs.index("b0")
    assert found[0] == {a, b}
    assert [len(s) for s in found] == [2, 4, 6, 8, 8]


def test_a_fit_on_the_projection_is_a_fit_on_every_row():
    """y = x0 xor x5 of 6 inputs: 4 projected rows, and the netlist is exact on all 64."""
    names = [f"x{i}" for i in range(6)]
    target = Netlist.from_gates("t", names, ["y", "z"], [("y", "xor", ("x0", "x5")),
                                                         ("z", "and", names)])
    rows = stages_module.projection(frozenset({0, 5}), 6)
    assert rows.tolist() == [0, 1, 32, 33]
    result = learn(target, seed=0)
    assert result.exact and (result.netlist.truth_table() == target.truth_table()).all()


def test_sampled_search_checks_every_row():
    n = 12
    words = truth_table_inputs(n)
    table = Table._make("t", [f"x{i}" for i in range(n)], ["y"], words,
                        (words[0] ^ words[n - 1])[None], 1 << n)
    assert table.n_rows > stages_module.SAMPLE_ROWS
    net = GateNetwork(n, (Cell(x=(0, 1), y=(n - 1, 2)),), outputs=(n,))
    theta, errs, _ = stages_module.sampled(search_module.rda, net, table,
                                           np.random.default_rng(0), 200)
    assert errs == 0 and len(stages_module.wrong_rows(net, theta, table)) == 0
    wrong = np.zeros(net.n_params, np.uint8)  # the constant 0: wrong where x0 != x11
    assert len(stages_module.wrong_rows(net, wrong, table)) == 1 << (n - 1)


def test_focused_wiring_never_draws_a_zero_weight_wire():
    for seed in range(5):
        net = stages_module.focused_network([1, 0, 0, 1, 1], 1, gates=6, layers=3,
                                            choices=2, seed=seed)
        first = [w for cell in net.cells for w in cell.x + cell.y if w < 5]
        assert first and not {1, 2} & set(first)


def test_a_time_limit_returns_the_best_so_far():
    result = learn(zoo("add4"), seed=0, time_limit=1e-9)
    assert not result.exact and 0 <= result.accuracy < 1
    assert result.netlist.outputs == zoo("add4").outputs
