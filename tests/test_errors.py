"""Errors a person can act on: what clashes, where, and what was expected.

Composing maps, lenses or parametrised maps whose types do not match raises
``TypeError`` naming both types; calling a map with the wrong number of
wires or a wrong shape raises ``ValueError`` naming the wire and the shape
it expects; non-boolean data is refused by Z2 with the position of the
first bad value.
"""

import re

import numpy as np
import pytest

from catlearn import Lens, Map, Para, smooth, symbolic, then, trace, z2
from catlearn.core import Ty

P2 = Ty(smooth.Real((2,), False))


def raises(kind, *fragments):
    """``pytest.raises(kind)`` whose message contains every fragment, literally."""
    return pytest.raises(kind, match="(?s)" + "".join(f"(?=.*{re.escape(f)})" for f in fragments))


# -- composition --------------------------------------------------------------------------


@pytest.mark.parametrize("compose, first, second", [
    (lambda: smooth.exp(2) >> smooth.exp(3), "R^2", "R^3"),
    (lambda: smooth.exp(2) >> Map.id(P2, smooth.backend), "R^2", "P^2"),
    (lambda: smooth.linear(2, 3) >> smooth.linear(2, 3), "R^3", "P^3x2 @ R^2"),
    (lambda: z2.xor() >> z2.copy(2), "Z2", "Z2 @ Z2"),
    (lambda: smooth.exp(2) >> z2.not_(), "R^2", "Z2"),
    (lambda: smooth.exp(2).to(symbolic.backend) >> symbolic.exp(3), "R^2", "R^3"),
], ids=["smooth", "data-param", "linear", "z2", "smooth-z2", "symbolic"])
def test_composing_mismatched_maps_names_both_types(compose, first, second):
    with raises(TypeError, "cannot compose", first, second):
        compose()


def test_then_names_the_position_of_the_clash():
    with raises(TypeError, "map 1 has codomain R^2", "map 2 has domain R^3"):
        then(smooth.exp(2), smooth.tanh(2), smooth.exp(3), smooth.exp(3))


def test_sum_of_non_parallel_maps_names_both_types():
    with raises(TypeError, "R^2 -> R^2", "R^3 -> R^3"):
        smooth.exp(2) + smooth.exp(3)


def test_scalar_and_one_vector_types_are_told_apart():
    """``sum(3)`` ends in a scalar wire (shape ()), ``exp(1)`` starts with a vector of
    shape (1,): the message must not call both ``R^1``."""
    with pytest.raises(TypeError) as error:
        smooth.sum(3) >> smooth.exp(1)
    cod, dom = re.search(r"codomain (\S+) but map 1 has domain (\S+)", str(error.value)).groups()
    assert cod != dom, str(error.value)


def test_maps_of_different_backends_do_not_mix():
    """A Smooth map beside a Z2 map is refused when built, naming both backends, rather
    than failing with an AttributeError when called."""
    with raises(TypeError, "Smooth", "Z2"):
        smooth.exp(2) @ z2.not_()


# -- lenses and parametrised maps --------------------------------------------------------


def test_composing_mismatched_lenses_names_both_types():
    with raises(TypeError, "cannot compose lenses", "(R^2, R^2)", "(R^3, R^3)"):
        Lens.R(smooth.exp(2)) >> Lens.R(smooth.exp(3))


def test_lens_of_a_put_that_does_not_start_with_the_domain():
    with raises(TypeError, "R^2", "R^3 @ R^3"):
        Lens.of(smooth.exp(2), smooth.adder(3))


def test_composing_mismatched_para_names_both_types():
    with raises(TypeError, "cannot compose parametrised maps", "R^3", "R^2"):
        Para.of(smooth.linear(2, 3)) >> Para.of(smooth.linear(2, 3))


def test_composing_mismatched_para_of_lenses_names_both_types():
    with raises(TypeError, "R^3", "R^2"):
        Para.of(smooth.linear(2, 3)).R() >> Para.of(smooth.linear(2, 3)).R()


def test_reparametrisation_of_the_wrong_type_names_both_types():
    layer = Para.of(smooth.linear(2, 3))
    with raises(TypeError, "P^2x2", "P^3x2"):
        layer.reparam(smooth.constant(1.0, (2, 2), batched=False))


# -- tracing ---------------------------------------------------------------------------


def test_tracing_a_map_on_a_wire_of_another_type():
    with raises(TypeError, "wire 0 has type R^2", "expected R^3"):
        trace(Ty(smooth.real(2)), lambda x: smooth.exp(3)(x), smooth.backend)


def test_tracing_a_function_that_returns_no_wires():
    with raises(TypeError, "traced function must return wires"):
        trace(Ty(smooth.real(2)), lambda x: 3, smooth.backend)


# -- calling maps -------------------------------------------------------------------------


def test_wrong_number_of_wires():
    with raises(ValueError, "takes 2 input wire(s)", "R^2 @ R^2", "got 1"):
        smooth.adder(2)(np.ones((3, 2)))


@pytest.mark.parametrize("f, args, wire, expected, got", [
    (smooth.exp(2), (np.ones((3, 3)),), "input wire 0 (R^2)", "(batch, 2)", "(3, 3)"),
    (smooth.exp(2), (np.ones(2),), "input wire 0 (R^2)", "(batch, 2)", "(2,)"),
    (smooth.linear(2, 3), (np.ones((4, 3, 2)), np.ones((4, 2))), "input wire 0 (P^3x2)",
     "(3, 2)", "(4, 3, 2)"),
    (smooth.linear(2, 3), (np.ones((3, 2)), np.ones((4, 3))), "input wire 1 (R^2)",
     "(batch, 2)", "(4, 3)"),
    (symbolic.exp(2), (np.ones((2, 2)),), "input wire 0 (R^2)", "(1, 2)", "(2, 2)"),
], ids=["feature", "no batch", "parameter with batch", "second wire", "symbolic"])
def test_wrong_shape_names_the_wire_and_the_expected_shape(f, args, wire, expected, got):
    with raises(ValueError, wire, f"expected shape {expected}", f"got {got}"):
        f(*args)


def test_batch_mismatch_in_R_names_the_wires_and_the_sizes():
    """R(f) with a batch of 4 and a cotangent batch of 3: not a numpy broadcast error."""
    from catlearn import R
    f = smooth.exp(2) >> smooth.sum(2)
    with raises(ValueError, "batch sizes", "wire 0 (R^2) has 4", "wire 1 (R) has 3"):
        R(f)(np.ones((4, 2)), np.ones(3))


def test_batch_mismatch_ignores_parameters_and_one_word_z2_wires():
    W, x = np.ones((3, 2)), np.ones((5, 2))
    assert smooth.linear(2, 3)(W, x)[0].shape == (5, 3)
    words = z2.pack([[1, 0]] * 100)
    assert z2.and_()(words[0], z2.one()()[0])[0].shape == words[0].shape
    with raises(ValueError, "wire 0 (Z2) has 2", "wire 1 (Z2) has 3"):
        z2.and_()(np.zeros(2, np.uint64), np.zeros(3, np.uint64))


def test_non_float_smooth_data():
    with raises(ValueError, "input wire 0 (R^2)", "float", "<U1"):
        smooth.exp(2)(np.array([["a", "b"]]))


# -- Z2 data ---------------------------------------------------------------------------------


@pytest.mark.parametrize("rows, message", [
    ([[0, 2]], ("row 0, column 1", "2")),
    ([[1, 1], [0.5, 0]], ("row 1, column 0", "0.5")),
    ([0, 1], ("2-D", "(2,)")),
])
def test_pack_refuses_non_boolean_data(rows, message):
    with raises(ValueError, *message):
        z2.pack(rows)


@pytest.mark.parametrize("array, dtype", [
    (np.ones(1), "float64"), (np.ones(1, dtype=np.int64), "int64"),
    (np.ones((1, 1), dtype=np.uint64), "shape (1, 1)"),
], ids=["float", "int", "2-d"])
def test_z2_maps_refuse_unpacked_data(array, dtype):
    with raises(ValueError, "input wire 0 (Z2)", "uint64", dtype, "z2.pack"):
        z2.xor()(array, z2.ONES)
