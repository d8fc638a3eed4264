"""Learned wiring: derivatives of the relaxed choice, and its reading as fixed wiring.

Laws: ``select``, ``select_t`` and ``select_dp`` are the three faces of one trilinear form
(adjoint to each other); every fused reverse equals its traced rule (first and second
order); ``R`` of a learned layer equals central finite differences; JAX equals numpy; at
one-hot choices and 0/1 truth tables the relaxed layer is, on 0/1 inputs, the Z2 logic cells
over the argmax wiring.
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from catlearn import Map, R, smooth, z2
from catlearn.core import Generator, Ty
from catlearn.layers import logic_wiring
from catlearn.layers.logic_wiring import (Candidates, candidates, hard_wiring, learned_layer,
                                          select_dp_gen, select_gen, select_map, select_t_gen)
from catlearn.layers.logic_z2 import cells
from strategies import assert_close, unfused

C = Candidates(7, 5, 3, seed=1, side=1)
W = smooth.Real((5, 3), False)
GENERATORS = [select_gen(C), select_t_gen(C), select_dp_gen(C)]


def _draw(rng, wire, batch):
    return rng.uniform(-1, 1, ((batch,) if wire.batched else ()) + wire.shape)


def test_candidates_are_distinct_and_start_with_the_fixed_wiring():
    cand = candidates(C)
    assert all(len(set(row)) == C.k for row in cand.tolist())
    from catlearn.layers.logic import wiring
    assert (cand[:, 0] == wiring(C.n, C.m, C.seed)[C.side]).all()


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 2 ** 32 - 1), batch=st.integers(1, 4))
def test_the_three_faces_are_adjoint(seed, batch):
    rng = np.random.default_rng(seed)
    p, x, y = rng.normal(size=(5, 3)), rng.normal(size=(batch, 7)), rng.normal(size=(batch, 5))
    f, t, d = (Map.gen(g, smooth.backend) for g in GENERATORS)
    first = np.sum(f(p, x)[0] * y)
    assert np.isclose(first, np.sum(x * t(p, y)[0]))
    assert np.isclose(first, np.sum(p * d(x, y)[0]))


@pytest.mark.parametrize("gen", GENERATORS + [Generator("row_softmax", Ty(W), Ty(W))],
                         ids=lambda g: g.name)
@settings(max_examples=10, deadline=None)
@given(seed=st.integers(0, 2 ** 32 - 1), batch=st.integers(1, 3))
def test_fused_kernels_agree_with_the_traced_rule(gen, seed, batch):
    rng = np.random.default_rng(seed)
    f = Map.gen(gen, smooth.backend)
    traced = f.to(unfused(smooth.backend))
    xs, dys = [_draw(rng, w, batch) for w in f.dom], [_draw(rng, w, batch) for w in f.cod]
    assert_close(R(f)(*xs, *dys), R(traced)(*xs, *dys), rtol=1e-10, atol=1e-12)
    if gen.name != "row_softmax":
        vs = [_draw(rng, w, batch) for w in f.dom]
        assert_close(R(R(f))(*xs, *dys, *vs), R(R(traced))(*xs, *dys, *vs), rtol=1e-10,
                     atol=1e-12)


def test_learned_layer_reverse_derivative_equals_finite_differences():
    layer, rng, eps = learned_layer(6, 4, k=3, seed=2), np.random.default_rng(0), 1e-6
    args = [rng.normal(size=(4, 4)), rng.normal(size=(4, 3)), rng.normal(size=(4, 3)),
            rng.uniform(0, 1, (2, 6))]
    dy = rng.normal(size=(2, 4))
    got = R(layer.f)(*args, dy)
    for i, a in enumerate(args):
        for idx in np.ndindex(a.shape):
            hi, lo = [v.copy() for v in args], [v.copy() for v in args]
            hi[i][idx] += eps
            lo[i][idx] -= eps
            fd = np.sum(dy * (layer.f(*hi)[0] - layer.f(*lo)[0])) / (2 * eps)
            assert np.isclose(got[i][idx], fd, rtol=1e-5, atol=1e-7), (i, idx)


def test_jax_reading_equals_numpy():
    jax_backend = pytest.importorskip("catlearn.jax_backend")
    rng = np.random.default_rng(1)
    f = select_map(C)
    p, x, dy = rng.uniform(0, 1, (5, 3)), rng.uniform(0, 1, (3, 7)), rng.normal(size=(3, 5))
    assert_close(jax_backend.jit(f)(p, x), f(p, x), rtol=1e-4, atol=1e-5)
    assert_close(jax_backend.jit(R(f))(p, x, dy), R(f)(p, x, dy), rtol=1e-4, atol=1e-5)


def test_relaxed_layer_at_hard_choices_is_the_z2_layer_on_the_argmax_wiring():
    n, m, k = 9, 12, 4
    rng = np.random.default_rng(3)
    layer = learned_layer(n, m, k, seed=5)
    tables = rng.integers(0, 2, (m, 4))
    w_a, w_b = rng.normal(size=(m, k)), rng.normal(size=(m, k))
    sharp = [np.where(w == w.max(axis=1, keepdims=True), 60.0, -60.0) for w in (w_a, w_b)]
    x = rng.integers(0, 2, (64, n))
    relaxed = layer(np.where(tables == 1, 60.0, -60.0), *sharp, x.astype(float))[0]
    a, b = hard_wiring(w_a, w_b, n, m, k, seed=5)
    rows = np.array(z2.pack(x))
    c = np.where(tables.T[:, :, None] == 1, z2.ONES, z2.ZEROS)
    bits = z2.unpack(list(cells(c, rows[a], rows[b])), 64)
    assert np.array_equal(np.round(relaxed), bits)
    assert 0 < bits.mean() < 1


def test_bad_candidates_are_refused():
    with pytest.raises(ValueError, match="k <= n"):
        Candidates(3, 2, 4)


def test_module_registers_its_generators():
    assert {"select", "select_t", "select_dp", "row_softmax"} <= set(smooth.RULES)
    assert smooth.RULES["select"].forward.__module__ == logic_wiring.__name__


def test_network_relaxed_at_hard_parameters_equals_z2_and_the_exported_netlist():
    from catlearn.circuits.conv_export import export_wired, predictions
    from catlearn.layers.logic_wiring import LearnedLogicNetwork
    net = LearnedLogicNetwork(10, (24, 12), classes=3, k=4, tau=1.0, seed=2)
    params = net.init(seed=1, scale=3.0)
    hard = net.hard(params)
    sharp = []
    for i, (a, b, t) in enumerate(hard):
        theta, w_a, w_b = params[3 * i:3 * i + 3]
        sharp += [np.where(t == 1, 60.0, -60.0)] + [
            np.where(w == w.max(axis=1, keepdims=True), 60.0, -60.0) for w in (w_a, w_b)]
    x = np.random.default_rng(0).integers(0, 2, (256, 10)).astype(np.uint8)
    z2_classes = net.predict(hard, x)
    counts = net.para()(*sharp, x.astype(float))[0]
    assert (counts.argmax(axis=1) == z2_classes).all()
    circuit = export_wired(net.n_in, net.classes, hard)
    assert (predictions(circuit, x) == z2_classes).all()
