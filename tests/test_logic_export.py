"""Exported classifier netlists compute exactly what the model's Z2 reading computes.

* the simplified export and the unsimplified reading agree with ``LogicNetwork.predict``
  (the Z2 map) on random inputs, for random hard networks, through ``Netlist.evaluate``;
* the levelled bit-packed evaluator agrees with ``Netlist.evaluate``;
* the export folds constants and buffers and removes dead gates;
* the BLIF round trip keeps the function; yosys proves layers equal to their reading;
* the popcount-argmax readout is the argmax of the counts, ties to the lower class.
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from catlearn import z2
from catlearn.netlist import from_blif, to_blif, yosys_available, yosys_equivalent
from catlearn.circuits.classifier import decode, export, predictions, reading, verify
from catlearn.netlist.levelled import Levelled, truth_table
from catlearn.netlist.netlist import Gate, Netlist
from catlearn.layers import logic_z2
from catlearn.layers.logic_net import LogicNetwork
from catlearn.packing import pack, unpack

SETTINGS = settings(max_examples=20, deadline=None, derandomize=True)


def random_network(n_in, width, depth, classes, seed, scale=3.0):
    net = LogicNetwork(n_in, (width * classes,) * depth, classes, tau=1.0, seed=seed)
    return net, net.hard(net.init(seed, scale))


@SETTINGS
@given(st.integers(1, 12), st.integers(1, 6), st.integers(1, 3), st.integers(2, 5),
       st.integers(0, 999))
def test_export_and_reading_equal_the_z2_reading(n_in, width, depth, classes, seed):
    net, tables = random_network(n_in, width, depth, classes, seed)
    x = np.random.default_rng(seed).integers(0, 2, (200, n_in))
    model = net.predict(tables, x)
    for circuit in (export(net, tables), reading(net, tables)):
        assert (predictions(circuit, x) == model).all()
        words = pack(x)
        assert (Levelled(circuit, chunk=2).evaluate(words)[:, :3]
                == circuit.evaluate(words)[:, :3]).all()


def test_verify_counts_no_mismatch_on_many_random_inputs():
    net, tables = random_network(20, 8, 3, 4, seed=7)
    checks = verify(net, tables, export(net, tables), np.zeros((5, 20)), n_random=20000,
                    chunk=4096)
    assert checks == {"test": 0, "random": 0, "random_rows": 20000}


def test_verify_notices_a_wrong_circuit():
    net, tables = random_network(6, 4, 2, 2, seed=3)
    other = tables[:-1] + (1 - tables[-1],)
    checks = verify(net, tables, export(net, other), np.zeros((1, 6)), n_random=4096)
    assert checks["random"] > 0


def test_constants_buffers_and_dead_gates_are_removed():
    net = LogicNetwork(4, (4, 2), 2, seed=0)
    buffers = np.tile([0, 0, 1, 1], (4, 1))             # every gate passes its input a
    constants = np.array([[1, 1, 1, 1], [0, 0, 0, 0]])  # class 0 always has the vote
    circuit = export(net, (buffers, constants))
    assert circuit.outputs == ("class0",)
    assert len(circuit.gates) == 1 and circuit.gates[0].inputs == ()
    assert predictions(circuit, np.eye(4, dtype=int)).tolist() == [0, 0, 0, 0]
    assert reading(net, (buffers, constants)).n_gates > circuit.n_gates


def test_blif_round_trip_keeps_the_function():
    net, tables = random_network(10, 5, 2, 3, seed=11)
    circuit = export(net, tables)
    again = from_blif(to_blif(circuit))
    x = np.random.default_rng(0).integers(0, 2, (300, 10))
    assert (predictions(again, x) == net.predict(tables, x)).all()


@pytest.mark.skipif(not yosys_available(), reason="yosys is not installed")
def test_yosys_proves_the_exported_layers_equal_to_the_reading():
    net, tables = random_network(8, 6, 2, 2, seed=5)
    assert yosys_equivalent(reading(net, tables, readout=False),
                            export(net, tables, readout=False), timeout=120.0)


@SETTINGS
@given(st.integers(2, 6), st.integers(1, 5), st.integers(0, 99))
def test_readout_is_the_argmax_of_counts_ties_low(classes, size, seed):
    bits = np.random.default_rng(seed).integers(0, 2, (300, classes * size))
    out = logic_z2.readout_map(classes * size, classes)(*z2.pack(bits))
    got = decode(unpack(np.array(np.broadcast_arrays(*out)), 300))
    assert (got == bits.reshape(300, classes, size).sum(axis=2).argmax(axis=1)).all()


def test_levelled_reads_every_two_input_function():
    for t in range(16):
        table = [(t >> r) & 1 for r in range(4)]
        rows = tuple((f"{r >> 1}{r & 1}", "1") for r in range(4) if table[r])
        n = Netlist("f", ("a", "b"), ("y",), (Gate("y", ("a", "b"), rows),))
        assert truth_table(n.gates[0]) == tuple(table)
        words = pack([[0, 0], [0, 1], [1, 0], [1, 1]])
        assert (Levelled(n).evaluate(words) == n.evaluate(words)).all()


def test_doctests():
    import doctest

    from catlearn.circuits import classifier, datasets
    from catlearn.netlist import levelled, native
    from catlearn.data import csv, encode
    from catlearn.layers import logic, logic_net
    for module in (logic, logic_z2, logic_net, classifier, levelled, native, datasets, csv,
                   encode):
        result = doctest.testmod(module)
        assert result.attempted > 0 and result.failed == 0, module.__name__


def test_native_evaluator_agrees_with_the_netlist():
    from catlearn.netlist.native import evaluator
    for seed in range(3):
        net, tables = random_network(9, 5, 3, 3, seed)
        circuit = export(net, tables)
        words = pack(np.random.default_rng(seed).integers(0, 2, (3000, 9)))
        assert (evaluator(circuit).evaluate(words) == circuit.evaluate(words)).all()
    for t in range(16):
        rows = tuple((f"{r >> 1}{r & 1}", "1") for r in range(4) if (t >> r) & 1)
        n = Netlist("f", ("a", "b"), ("y",), (Gate("y", ("a", "b"), rows),))
        words = pack([[0, 0], [0, 1], [1, 0], [1, 1]])
        assert (evaluator(n).evaluate(words) == n.evaluate(words)).all()
