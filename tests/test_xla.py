"""The levelled XLA evaluator computes the native evaluator's bits, with a program whose
size grows with the circuit's levels, not its gates."""

import re

import numpy as np
import pytest

jax = pytest.importorskip("jax")

from catlearn.netlist import native  # noqa: E402  (after the skip: jax is optional)
from catlearn.netlist.netlist import Netlist  # noqa: E402
from catlearn.netlist.xla import XlaEvaluator, levelled, program_function, segments  # noqa: E402

KINDS = ("and", "or", "xor", "nand", "nor", "xnor", "not", "buf")


def random_netlist(n_in: int, n_gates: int, seed: int, constants: bool = True) -> Netlist:
    """Gates of every kind over earlier signals; constants, inputs as outputs included."""
    rng = np.random.default_rng(seed)
    inputs = [f"x{i}" for i in range(n_in)]
    signals, specs = list(inputs), []
    for k in range(n_gates):
        kind = str(rng.choice(KINDS + (("zero", "one") if constants else ())))
        arity = {"not": 1, "buf": 1, "zero": 0, "one": 0}.get(kind, 2)
        args = tuple(str(s) for s in rng.choice(signals, arity)) if signals else ()
        specs.append((f"g{k}", kind if args or arity == 0 else "one", args))
        signals.append(f"g{k}")
    outputs = [str(s) for s in rng.choice(signals, min(7, len(signals)), replace=False)]
    return Netlist.from_gates(f"random{seed}", inputs, outputs, specs)


def words(n_in: int, n_words: int, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, 2**64 - 1, (n_in, n_words), dtype=np.uint64,
                                                endpoint=True)


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("n_words", [1, 5, 130])
def test_same_bits_as_the_native_evaluator(seed, n_words):
    netlist = random_netlist(6 + seed, 40 + 30 * seed, seed)
    w = words(len(netlist.inputs), n_words, seed)
    want = native.evaluator(netlist).evaluate(w)
    got = XlaEvaluator(netlist, chunk=4).evaluate(w)
    assert got.dtype == np.uint64 and got.shape == want.shape
    np.testing.assert_array_equal(got, want)
    np.testing.assert_array_equal(got, netlist.evaluate(w))


def test_every_two_input_truth_table():
    """All 16 functions of two inputs, as BLIF covers, against the reference evaluator."""
    from catlearn.netlist.netlist import Gate
    gates = [Gate(f"f{t}", ("a", "b"), tuple((f"{r >> 1}{r & 1}", "1") for r in range(4)
                                              if t >> r & 1)) for t in range(16)]
    netlist = Netlist("all16", ("a", "b"), tuple(g.output for g in gates), tuple(gates))
    w = words(2, 3)
    np.testing.assert_array_equal(XlaEvaluator(netlist).evaluate(w), netlist.evaluate(w))


def test_circuits_without_gates_or_inputs():
    wires = Netlist.from_gates("wires", "ab", ["b", "a"], [])
    w = words(2, 2)
    np.testing.assert_array_equal(XlaEvaluator(wires).evaluate(w), w[[1, 0]])
    constant = Netlist.from_gates("one", "", ["y"], [("y", "one", ())])
    assert XlaEvaluator(constant).evaluate(np.zeros((0, 3), np.uint64)).tolist() == [[2**64 - 1] * 3]


def test_the_levels_of_a_chain_and_of_a_layer():
    chain = Netlist.from_gates("chain", "a", ["g3"], [(f"g{k + 1}", "not", (f"g{k}",))
                                                      for k in range(3)] + [("g0", "buf", "a")])
    layer = Netlist.from_gates("layer", "ab", [f"g{k}" for k in range(5)],
                               [(f"g{k}", "xor", "ab") for k in range(5)])
    assert levelled(chain).depth == 4 and levelled(layer).depth == 1


def ops_in_program(netlist: Netlist) -> int:
    program = levelled(netlist)
    lowered = jax.jit(program_function(program, 4)).lower(
        jax.ShapeDtypeStruct((len(netlist.inputs), 8), np.uint32), segments(program))
    return len(re.findall(r"stablehlo\.\w+", lowered.as_text()))


def layered(width: int, depth: int) -> Netlist:
    specs, previous = [], ["a", "b"]
    for d in range(depth):
        names = [f"l{d}g{k}" for k in range(width)]
        specs += [(n, "xor" if k % 2 else "and", (previous[k % len(previous)],
                                                 previous[(k + 1) % len(previous)]))
                  for k, n in enumerate(names)]
        previous = names
    return Netlist.from_gates(f"layered{width}", "ab", previous[:2], specs)


def test_the_program_grows_with_the_levels_not_the_gates():
    """Ten times the gates in the same levels: the same XLA program, only larger arrays."""
    small, large = layered(16, 5), layered(160, 5)
    assert len(large.gates) == 10 * len(small.gates)
    assert len(segments(levelled(large))) == len(segments(levelled(small)))
    assert ops_in_program(large) == ops_in_program(small)


def test_odd_chunks_are_refused():
    with pytest.raises(ValueError, match="chunk must be an even number"):
        XlaEvaluator(layered(2, 1), chunk=3)
