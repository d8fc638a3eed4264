"""The reverse derivative as a diagram: ``interpret(reverse(d)) == R(interpret(d))``.

Checked for every generator and for random diagrams on every backend:
Symbolic exactly (sympy simplifies the difference to 0), Smooth within
float tolerance, Z2 exactly on every input and cotangent bit.  The diagram
of the reverse derivative grows linearly with the model.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import sympy
from discopy import markov
from hypothesis import given, settings

from catlearn import R, smooth, symbolic, z2
from catlearn.diagrams import (
    add, adder_diagram, batch_sum, bias, dense_diagram, exp, expand, interpret, linear,
    linear_t, log, mlp_diagram, mul, neg, outer, param, real, reciprocal, relu, scale, shift,
    sigmoid, softmax, spread, sqrt, step, sum_, tanh, trace, xor, zero_like)
from catlearn.diagrams import signature as sig
from catlearn.backend import Rule
from catlearn.core import generator
from catlearn.diagrams.meaning import MEANINGS
from catlearn.diagrams.reverse import lens, optic, reverse, split
from test_diagrams import assert_same, gate_circuits, smooth_diagrams

X = real(2)
GENERATORS = [  # at least one box of every kind that has an optic
    linear(3, 2), linear_t(2, 3), outer(2, 3), bias(2), exp(2), log(2), reciprocal(2), sqrt(2),
    sigmoid(2), tanh(2), relu(2), step(2), softmax(3), sum_(3), expand(3), batch_sum(2),
    spread(2), add(2), mul(2), neg(2), scale(-1.5, 2), shift(0.5, 2), sig.zero(2),
    sig.constant(2.0, 2), zero_like(2), xor(), sig.or_(), sig.nand(), sig.not_(), sig.one(),
]
RNG = np.random.default_rng(1)


def test_every_ring_kind_is_tested():
    assert set(MEANINGS) <= {b.kind for b in GENERATORS}


@pytest.fixture
def cube():
    """A generator registered once, in smooth.RULES only, for the length of one test."""
    rule = Rule(lambda g, xp: lambda x: x * x * x, lambda g: lambda x, dy: 3.0 * (dy * x * x))
    smooth.backend.register("cube", rule)
    yield sig.box(generator("cube", [smooth.Real((2,))], [smooth.Real((2,))]))
    del smooth.RULES["cube"]


def test_a_generator_registered_once_is_a_box_with_a_reverse_diagram(cube):
    assert str(cube.dom) == "R2" and cube.kind == "cube"
    fwd, bwd = optic(cube)
    assert fwd.cod == X @ X and bwd.dom == X @ X  # its residual is its input
    _smooth_check(trace(X, lambda x: tanh(2)(cube(x))))
    _symbolic_check(cube)


def _values(ty, batch=3, positive=False):
    """Random arrays for the atoms of ``ty`` (parameters without a batch axis)."""
    out = []
    for ob in ty.inside:
        letter, shape = sig.parse(ob)
        full = shape if letter == "P" else (batch, *shape)
        out.append(RNG.uniform(0.5, 2.0, full) if positive else RNG.normal(size=full))
    return out


def _smooth_check(d, positive=False):
    model, rev = interpret(d, smooth.backend), interpret(reverse(d), smooth.backend)
    params = {name: RNG.normal(size=w.shape) for name, w in model.params}
    xs = _values(d.dom, positive=positive)
    dys = _values(d.cod)
    expected = R(model.map)(*model.bind(params), *xs, *dys)
    assert_same(rev(*xs, *dys, params=params), expected)


@pytest.mark.parametrize("box", GENERATORS, ids=lambda b: b.name)
def test_each_generator_smooth(box):
    _smooth_check(box, positive=box.kind in ("log", "sqrt", "reciprocal"))


def _raw(f, names):
    """``f`` on fresh symbols, unsimplified (``symbolic.evaluate`` simplifies every entry)."""
    return f(*(symbolic.symbols(w, n) for w, n in zip(f.dom, names)))


def _zero(expr) -> bool:
    """Exactly zero: refuted fast at a random point, then proved by expansion or simplify."""
    if expr == 0:
        return True
    point = {x: sympy.Rational(int(RNG.integers(1, 9)), 7) for x in expr.free_symbols}
    value = complex(expr.subs(point).evalf())
    if abs(value) > 1e-9:
        return False
    return sympy.expand(expr) == 0 or sympy.simplify(expr) == 0


def _symbolic_check(d):
    model, rev = interpret(d, symbolic.backend), interpret(reverse(d), symbolic.backend)
    names = [f"v{k}_" for k in range(len(model.map.dom) + len(model.cod))]
    got, want = _raw(rev.map, names), _raw(R(model.map), names)
    assert len(got) == len(want)
    for u, v in zip(got, want):
        u, v = np.broadcast_arrays(u, v)
        for a, b in zip(u.ravel(), v.ravel()):
            assert _zero(a - b), (a, b)


@pytest.mark.parametrize("box", GENERATORS, ids=lambda b: b.name)
def test_each_generator_symbolic(box):
    _symbolic_check(box)


@pytest.mark.parametrize("d", [
    dense_diagram(2, 2, act, "L") for act in ("relu", "sigmoid", "tanh", "softmax", "exp")
] + [mlp_diagram([2, 3, 2], "tanh", "sigmoid"), adder_diagram(1)],
    ids=["relu", "sigmoid", "tanh", "softmax", "exp", "mlp", "adder"])
def test_models_symbolic(d):
    _symbolic_check(d)


@settings(max_examples=100, deadline=None)
@given(smooth_diagrams(constants=False))
def test_random_diagrams_smooth(d):
    _smooth_check(d)


@settings(max_examples=15, deadline=None)
@given(smooth_diagrams(constants=False, steps=3))
def test_random_diagrams_symbolic(d):
    _symbolic_check(d)


def _all_bits(n):
    rows = np.array(list(itertools.product((0, 1), repeat=n)), dtype=np.uint8).reshape(-1, n)
    return rows, (z2.pack(rows) if n else [])


@settings(max_examples=100, deadline=None)
@given(gate_circuits())
def test_random_circuits_z2_exactly(circuit):
    model, rev = interpret(circuit, z2.backend), interpret(reverse(circuit), z2.backend)
    rows, words = _all_bits(len(circuit.dom) + len(circuit.cod))
    got, want = rev(*words), R(model.map)(*words)
    assert len(got) == len(want)
    if got:
        assert np.array_equal(z2.unpack(list(got), len(rows)), z2.unpack(list(want), len(rows)))


@settings(max_examples=100, deadline=None)
@given(gate_circuits(merges=False))
def test_random_circuits_relaxed(circuit):
    _smooth_check(circuit)


@settings(max_examples=60, deadline=None)
@given(smooth_diagrams(constants=False))
def test_split_is_the_optic_of_the_whole_diagram(d):
    fwd, bwd, res = split(d)
    assert fwd.dom == d.dom and fwd.cod == res @ d.cod and bwd.dom == res @ d.cod
    model, optic_ = interpret(d, smooth.backend), lens(d, smooth.backend)
    params = {name: RNG.normal(size=w.shape) for name, w in model.params}
    xs, dys = _values(d.dom), _values(d.cod)
    args = model.bind(params)
    assert_same(optic_.get(*args, *xs), model(*xs, params=params))
    assert_same(optic_.put(*args, *xs, *dys), R(model.map)(*args, *xs, *dys))


def test_shared_parameter_gets_the_sum_of_its_cotangents():
    w = param("W", (2, 2))
    d = trace(X, lambda x: linear(2, 2)(w(), tanh(2)(linear(2, 2)(w(), x))))
    assert [ob.name for ob in reverse(d).cod.inside] == ["P2x2", "R2"]
    _smooth_check(d)


def test_layers_with_several_boxes():
    _smooth_check((tanh(2) @ dense_diagram(2, 2, "relu", "L") >> add(2)).foliation())


def test_optic_types():
    for box in GENERATORS:
        fwd, bwd = optic(box)
        m = len(fwd.cod) - len(box.cod)
        assert fwd.dom == box.dom and fwd.cod[m:] == box.cod
        assert bwd.dom == fwd.cod[:m] @ box.cod and bwd.cod == box.dom


def test_size_grows_linearly_with_depth():
    sizes = {n: len(reverse(mlp_diagram([4] * (n + 1), "sigmoid"))) for n in (10, 20, 40)}
    assert sizes[40] - sizes[20] == 2 * (sizes[20] - sizes[10])
    assert sizes[40] < 10 * len(mlp_diagram([4] * 41, "sigmoid"))


def test_box_without_reverse_derivative_is_named():
    with pytest.raises(NotImplementedError, match="mystery"):
        reverse(markov.Box("mystery", X, X))
