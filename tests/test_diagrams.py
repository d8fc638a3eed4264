"""Diagrams and the functor ``interpret``: signature, layout, laws, errors.

Random diagrams are drawn layer by layer (``smooth_diagrams``, ``gate_circuits``)
and every law is checked pointwise on random inputs and parameters:
``interpret`` (one linear pass) against DisCoPy's own ``markov.Functor`` form,
composition, tensor, identities, copies (natural) and discards.  The other
``test_diagrams_*`` files import these strategies.
"""

from __future__ import annotations

import doctest
import importlib
import sys

import numpy as np
import pytest
from discopy import markov
from discopy.monoidal import Layer
from hypothesis import given, settings
from hypothesis import strategies as st

from catlearn import smooth, symbolic, z2
from catlearn.diagrams import (
    BIT, InterpretError, Writer, add, and_, bias, bits, chain, constant, dense_diagram,
    interpret, linear, mlp_diagram, mul, nand, neg, nor, not_, one, or_, param, real, relu,
    scale, shift, sigmoid, softmax, tanh, trace, xnor, xor, zero_gate)
from catlearn.diagrams import signature as sig
from catlearn.diagrams.functor import ParaMap, arrows, functor
from catlearn.diagrams.wiring import _layer, _ty, layout

X = real(2)
PARAM_SHAPES = {"W0": (2, 2), "W1": (2, 2), "b0": (2,), "b1": (2,)}
UNARY = [tanh(2), sigmoid(2), neg(2), scale(0.5, 2), scale(-1.5, 2), shift(1.0, 2),
         softmax(2), relu(2)]
BINARY = [add(2), mul(2), markov.Merge(X)]
GATES2 = [and_(), or_(), xor(), nand(), nor(), xnor()]


# -- strategies: random diagrams, written layer by layer --------------------------------


def _wiring_move(draw, w, atom, top: int) -> bool:
    """Copy, discard or swap at a random place; False if none applies."""
    n = len(w.obs)
    moves = ["copy"] * (n < top) + ["discard", "swap"] * (n >= 2)
    if not moves:
        return False
    move = draw(st.sampled_from(moves))
    if move == "copy":
        w.copy(draw(st.integers(0, n - 1)), [object(), object()])
    elif move == "discard":
        w.discard(draw(st.integers(0, n - 1)))
    else:
        w.swap(draw(st.integers(0, n - 2)))
    return True


def _param_move(draw, w, i) -> None:
    kind = draw(st.sampled_from(["W0", "W1", "b0", "b1"]))
    w.box(param(kind, PARAM_SHAPES[kind]), i)
    w.box(linear(2, 2) if kind.startswith("W") else bias(2), i)


@st.composite
def smooth_diagrams(draw, width=None, steps=6, constants=True):
    """Random diagrams ``R2^n -> R2^m`` of smooth generators, parameters and wiring."""
    n = draw(st.integers(1, 3)) if width is None else width
    w = Writer(markov.Ty(*["R2"] * n))
    for _ in range(draw(st.integers(0, steps))):
        n = len(w.obs)
        kind = draw(st.sampled_from(["unary", "binary", "param", "wiring"]
                                    + ["constant"] * constants))
        if kind == "unary":
            w.box(draw(st.sampled_from(UNARY)), draw(st.integers(0, n - 1)))
        elif kind == "binary" and n >= 2:
            w.box(draw(st.sampled_from(BINARY)), draw(st.integers(0, n - 2)))
        elif kind == "param":
            _param_move(draw, w, draw(st.integers(0, n - 1)))
        elif kind == "constant" and n < 4:
            box = draw(st.sampled_from([constant(0.5, 2), markov.Merge(X, 0)]))
            w.box(box, draw(st.integers(0, n)))
        else:
            _wiring_move(draw, w, X, 4)
    return w.diagram()


@st.composite
def gate_circuits(draw, width=None, steps=8, merges=True, constants=True):
    """Random circuits ``Z2^n -> Z2^m`` of gates and wiring (merge = the backend's +)."""
    n = draw(st.integers(1, 4)) if width is None else width
    w = Writer(bits(n))
    for _ in range(draw(st.integers(0, steps))):
        n = len(w.obs)
        kind = draw(st.sampled_from(["gate", "gate", "not", "wiring"]
                                    + ["merge"] * merges + ["constant"] * constants))
        if kind == "gate" and n >= 2:
            w.box(draw(st.sampled_from(GATES2)), draw(st.integers(0, n - 2)))
        elif kind == "not":
            w.box(not_(), draw(st.integers(0, n - 1)))
        elif kind == "merge" and n >= 2:
            w.box(markov.Merge(BIT), draw(st.integers(0, n - 2)))
        elif kind == "constant" and n < 4:
            w.box(draw(st.sampled_from([one(), zero_gate()])), draw(st.integers(0, n)))
        else:
            _wiring_move(draw, w, BIT, 4)
    return w.diagram()


# -- running models and arrows on the same named values ----------------------------------

RNG = np.random.default_rng(0)
VALUES = {name: RNG.uniform(-1, 1, size=shape) for name, shape in PARAM_SHAPES.items()}


def run(model, inputs):
    """A Model (or a ParaMap) on ``inputs``, its parameters taken from ``VALUES`` by name."""
    model = model.model if isinstance(model, ParaMap) else model
    params = {name: VALUES[name] for name in model.param_names}
    return model(*inputs, params=params)


def assert_same(a, b, exact=False):
    assert len(a) == len(b)
    for u, v in zip(a, b):
        shape = np.broadcast_shapes(np.shape(u), np.shape(v))
        u, v = np.broadcast_to(u, shape), np.broadcast_to(v, shape)
        if exact:
            np.testing.assert_array_equal(u, v)
        else:
            np.testing.assert_allclose(u, v, rtol=1e-10, atol=1e-12)


def smooth_inputs(n, batch=3):
    return [RNG.normal(size=(batch, 2)) for _ in range(n)]


def bit_rows(n):
    """All ``2**n`` rows of n bits, as packed Z2 words (one array per wire)."""
    rows = (np.arange(2 ** n)[:, None] >> np.arange(n)[::-1]) & 1
    return z2.pack(rows) if n else []


KITS = {  # backend, strategy of diagrams, inputs for n wires, exact equality
    "smooth": (smooth.backend, smooth_diagrams, smooth_inputs, False),
    "z2": (z2.backend, gate_circuits, bit_rows, True),
}


# -- the signature -----------------------------------------------------------------------

MODULES = ["catlearn.diagrams", *(f"catlearn.diagrams.{name}" for name in (
    "signature", "atoms", "wiring", "meaning", "interpret", "functor", "builtin", "reverse",
    "drawing", "feedback"))]


@pytest.mark.parametrize("name", MODULES)
def test_doctests(name):
    importlib.import_module(name)
    failed, attempted = doctest.testmod(sys.modules[name])  # the package shadows some names
    assert attempted > 0 and failed == 0




def test_atoms_round_trip_through_catlearn_wire_types():
    for atom in (real(3), real(()), real((2, 5)), sig.param_type((3, 4)), BIT):
        assert sig.atom_of(sig.wire_type(atom)) == atom
    assert sig.wire_type(real(3)) == smooth.Real((3,))
    assert sig.wire_type(BIT) == z2.BIT


def test_bad_wire_type_names_the_type():
    with pytest.raises(ValueError, match="Q3"):
        sig.parse(markov.Ty("Q3"))


def test_boxes_are_hashable_values_without_arrays():
    assert linear(2, 3) == linear(2, 3) and hash(linear(2, 3)) == hash(linear(2, 3))
    assert linear(2, 3) != linear(3, 2) and scale(2.0) != scale(3.0)
    assert param("W", (2,)) != param("V", (2,))
    for box in (linear(2, 3), scale(2.0), xor(), param("W", (2, 2))):
        hash(box.data)
        assert not any(isinstance(v, np.ndarray) for v in np.ravel(box.data or ()))


def test_box_data_must_be_a_spec():
    with pytest.raises(TypeError, match="Spec"):
        sig.Box("f", X, X, data=np.zeros(2))


def test_gate_must_be_multilinear():
    with pytest.raises(ValueError, match="multilinear"):
        sig.gate("square", 1, {(0, 0): 1})


def test_fast_layers_equal_discopy_layers():
    a, b = X.inside[0], BIT.inside[0]
    for left, box, right in [((), tanh(2), ()), ((a, b), tanh(2), (b,)), ((b,), xor(), ())]:
        slow = Layer(markov.Ty(*left), box, markov.Ty(*right))
        fast = _layer(left, box, right)
        assert fast == slow and fast.__dict__.keys() == slow.__dict__.keys()
        assert (fast.name, fast.dom, fast.cod, hash(fast)) == (slow.name, slow.dom, slow.cod,
                                                               hash(slow))
    assert _ty((a, b)) == markov.Ty(a, b) and _ty((a, b)).name == markov.Ty(a, b).name


# -- tracing: layout of copies, discards, swaps and parameters ----------------------------


def test_trace_copies_reused_wires_and_discards_unused_ones():
    d = trace(X @ X, lambda x, y: (x * x, x))
    kinds = [type(b).__name__ for b in d.boxes]
    assert kinds.count("Copy") == 2 and kinds.count("Discard") == 1
    out = interpret(d, smooth.backend)(np.array([[2.0, 3.0]]), np.array([[0.0, 0.0]]))
    assert out[0].tolist() == [[4.0, 9.0]] and out[1].tolist() == [[2.0, 3.0]]


def test_parameters_are_placed_where_they_are_used_without_swaps():
    d = mlp_diagram([3, 4, 2])
    assert not any(isinstance(b, markov.Swap) for b in d.boxes)
    assert [b.name for b in d.boxes if isinstance(b, sig.Param)] == [
        "layer1.W", "layer1.b", "layer2.W", "layer2.b"]


def test_weight_sharing_is_one_parameter():
    w = param("W", (2, 2))
    d = trace(X, lambda x: linear(2, 2)(w(), linear(2, 2)(w(), x)))
    model = interpret(d, smooth.backend)
    assert model.param_names == ("W",)
    x = RNG.normal(size=(3, 2))
    assert_same(model(x, params={"W": VALUES["W0"]}), (x @ VALUES["W0"].T @ VALUES["W0"].T,))


def test_catlearn_generators_and_maps_on_diagram_wires_are_boxes():
    """The diagram tracer is catlearn's: a generator or a map applied to its wires records
    the generators, which are boxes of the signature with no second table."""
    d = trace(X, lambda x: smooth.tanh(2)(smooth.exp(2)(x)))
    assert d == sig.exp(2) >> tanh(2)
    gen = smooth.linear_gen(smooth.Real((3, 2), False), smooth.Real((2,)))
    assert sig.box(gen) == linear(2, 3)
    assert interpret(sig.box(gen), smooth.backend).map.ops[0].gen == gen
    assert layout(smooth.exp(2) >> smooth.tanh(2)) == sig.exp(2) >> tanh(2)


def test_trace_rejects_foreign_values():
    with pytest.raises(TypeError, match="wires"):
        trace(X, lambda x: 3.0)
    with pytest.raises(TypeError, match="takes"):
        trace(X, lambda x: xor()(x, x))


def test_chain_checks_types():
    with pytest.raises(TypeError, match="diagram 0"):
        chain(tanh(2), tanh(3))


# -- interpret ---------------------------------------------------------------------------


def test_dense_layer_against_numpy():
    model = interpret(dense_diagram(2, 2, "tanh", "L"), smooth.backend)
    x = RNG.normal(size=(4, 2))
    params = {"L.W": VALUES["W0"], "L.b": VALUES["b0"]}
    assert_same(model(x, params=params), (np.tanh(x @ VALUES["W0"].T + VALUES["b0"]),))
    assert model.para.param == model.param_type and model.dom == smooth.Ty(smooth.Real((2,)))


def test_gate_circuit_in_z2():
    model = interpret(trace(bits(2), lambda a, b: (or_()(a, b), nand()(a, b))), z2.backend)
    out = z2.unpack(model(*bit_rows(2)), 4)
    assert out.tolist() == [[0, 1], [1, 1], [1, 1], [1, 0]]


def test_layers_with_several_boxes():
    d = (tanh(2) @ sigmoid(2) >> add(2)).foliation()
    assert [len(layer.boxes) for layer in d.inside] == [2, 1]
    x, y = smooth_inputs(2)
    assert_same(interpret(d, smooth.backend)(x, y), (np.tanh(x) + 1 / (1 + np.exp(-y)),))


def test_a_5000_box_chain_interprets():
    model = interpret(chain(*[tanh(2)] * 5000), smooth.backend)
    x = np.array([[3.0, -3.0]])
    expected = x
    for _ in range(5000):
        expected = np.tanh(expected)
    assert_same(model(x), (expected,))


def test_interpretation_is_cached_per_diagram_and_backend():
    d = dense_diagram(2, 2, "relu", "L")
    assert interpret(d, smooth.backend) is interpret(d, smooth.backend)
    assert interpret(d, symbolic.backend) is not interpret(d, smooth.backend)


def test_box_without_meaning_names_box_and_backend():
    with pytest.raises(InterpretError, match=r"Z2.*relu|relu.*Z2"):
        interpret(relu(()), z2.backend)
    with pytest.raises(InterpretError, match="mystery.*not a generator"):
        interpret(markov.Box("mystery", X, X), smooth.backend)
    with pytest.raises(InterpretError, match="no diagram semantics"):
        interpret(tanh(2), object())


def test_non_integer_constant_has_no_meaning_mod_2():
    with pytest.raises(InterpretError, match="scale.*not an integer"):
        interpret(scale(0.5, BIT), z2.backend)


def test_missing_or_misshaped_parameter_names_it_and_its_shape():
    model = interpret(dense_diagram(2, 3, "relu", "L"), smooth.backend)
    x = RNG.normal(size=(4, 2))
    with pytest.raises(KeyError, match=r"'L.b'.*\(3,\)"):
        model(x, params={"L.W": np.zeros((3, 2))})
    with pytest.raises(ValueError, match=r"'L.W'.*expected shape \(3, 2\)"):
        model(x, params={"L.W": np.zeros((2, 3)), "L.b": np.zeros(3)})
    with pytest.raises(KeyError, match="unknown.*L.V"):
        model.bind({"L.W": np.zeros((3, 2)), "L.b": np.zeros(3), "L.V": 0})


def test_parameter_with_two_shapes_is_refused():
    d = trace(X, lambda x: bias(2)(param("p", (2,))(), linear(2, 2)(param("p", (2, 2))(), x)))
    with pytest.raises(TypeError, match="'p'"):
        interpret(d, smooth.backend)


# -- the functor laws, pointwise on random diagrams --------------------------------------


def _kit(name):
    backend, diagrams, inputs, exact = KITS[name]
    return backend, diagrams, inputs, exact, arrows(backend)


@pytest.mark.parametrize("name", KITS)
@settings(max_examples=100, deadline=None)
@given(data=st.data())
def test_linear_pass_equals_discopy_functor(name, data):
    backend, diagrams, inputs, exact, _ = _kit(name)
    d = data.draw(diagrams())
    xs = inputs(len(d.dom))
    assert_same(run(interpret(d, backend), xs), run(functor(backend)(d), xs), exact)


@pytest.mark.parametrize("name", KITS)
@settings(max_examples=100, deadline=None)
@given(data=st.data())
def test_composition(name, data):
    backend, diagrams, inputs, exact, arrow = _kit(name)
    f = data.draw(diagrams())
    g = data.draw(diagrams(width=len(f.cod))) if len(f.cod) else markov.Id(markov.Ty())
    xs = inputs(len(f.dom))
    composite = arrow.of(interpret(f, backend)) >> arrow.of(interpret(g, backend))
    assert_same(run(interpret(f >> g, backend), xs), run(composite, xs), exact)
    assert_same(run(interpret(chain(f, g), backend), xs), run(composite, xs), exact)


@pytest.mark.parametrize("name", KITS)
@settings(max_examples=100, deadline=None)
@given(data=st.data())
def test_tensor(name, data):
    backend, diagrams, inputs, exact, arrow = _kit(name)
    f, g = data.draw(diagrams()), data.draw(diagrams())
    xs = inputs(len(f.dom) + len(g.dom))
    together = arrow.of(interpret(f, backend)) @ arrow.of(interpret(g, backend))
    assert_same(run(interpret(f @ g, backend), xs), run(together, xs), exact)


@pytest.mark.parametrize("name", KITS)
@settings(max_examples=100, deadline=None)
@given(data=st.data())
def test_identities(name, data):
    backend, diagrams, inputs, exact, _ = _kit(name)
    f = data.draw(diagrams())
    xs = inputs(len(f.dom))
    assert_same(run(interpret(markov.Id(f.dom), backend), xs), xs, exact)
    for g in (markov.Id(f.dom) >> f, f >> markov.Id(f.cod)):
        assert_same(run(interpret(g, backend), xs), run(interpret(f, backend), xs), exact)


@pytest.mark.parametrize("name", KITS)
@settings(max_examples=100, deadline=None)
@given(data=st.data())
def test_copy_is_natural_and_discard_is_terminal(name, data):
    backend, diagrams, inputs, exact, _ = _kit(name)
    f = data.draw(diagrams())
    xs = inputs(len(f.dom))
    copy_dom, copy_cod = markov.Diagram.copy(f.dom), markov.Diagram.copy(f.cod)
    assert_same(run(interpret(copy_dom, backend), xs), [*xs, *xs], exact)
    assert_same(run(interpret(f >> copy_cod, backend), xs),
                run(interpret(copy_dom >> f @ f, backend), xs), exact)
    assert interpret(f >> markov.Diagram.discard(f.cod), backend).cod == smooth.Ty()
    assert run(interpret(markov.Diagram.discard(f.dom), backend), xs) == ()
