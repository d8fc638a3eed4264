"""St(C): category laws, the delayed-trace axioms that hold (and yanking, which fails),
unrolling as a functor, and the two derivatives on St(C) against each other and jax.

Stateful maps are compared by behaviour from reset: their unrollings over ``n`` steps
agree on random inputs.  Random stateful maps are drawn from a seed: in Smooth, scalar
wires mixed by ``tanh``, ``sigmoid``, products and scalings (mirrored in jax as the
oracle); in Z2, random gate networks with random bits.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from catlearn import D, R, smooth, trace, z2
from catlearn.circuits.gates import GateNetwork, bind
from catlearn.core import Map, Ty
from catlearn.stateful import (Stateful, bptt, delay, derivative, dtrace, run, unroll,
                               unroll_from)

PROPS = settings(max_examples=8, deadline=None, derandomize=True)
REAL = smooth.Real((1,))
ACTS = {"tanh": (smooth.tanh, jnp.tanh), "sigmoid": (smooth.sigmoid, jax.nn.sigmoid)}


# -- random stateful maps ------------------------------------------------------------------


def _recipe(seed: int, na: int, nb: int, ns: int):
    """Per output wire (B then S): an activation and coefficients on (inputs, states, a product)."""
    rng = np.random.default_rng(seed)
    n_in = na + ns
    return [(list(ACTS)[rng.integers(2)], tuple(np.round(rng.uniform(-1, 1, n_in + 1), 2)),
             tuple(rng.integers(0, n_in, 2)), float(np.round(rng.uniform(-1, 1), 2)))
            for _ in range(nb + ns)]


def _cell(recipe, v, act_of, scale):
    outs = []
    for act, coeffs, (i, j), bias in recipe:
        z = sum((scale(v[k], c) for k, c in enumerate(coeffs[:-1])), scale(v[i] * v[j], coeffs[-1]))
        outs.append(act_of(act)(z + bias))
    return tuple(outs)


def smooth_stateful(seed: int, na: int = 2, nb: int = 1, ns: int = 2) -> Stateful:
    recipe = _recipe(seed, na, nb, ns)
    f = trace(Ty(*[REAL] * (na + ns)), lambda *v: _cell(
        recipe, v, lambda a: ACTS[a][0](1), lambda x, c: x * c), smooth.backend)
    init = tuple(np.round(np.random.default_rng(seed + 1).uniform(-1, 1, ns), 2))
    return Stateful.of(f, ns, init)


def jax_unrolled(seed: int, n: int, na: int = 2, nb: int = 1, ns: int = 2):
    """The same stateful map unrolled in jax: a function of the ``n * na`` inputs (time-major)."""
    recipe = _recipe(seed, na, nb, ns)
    init = np.round(np.random.default_rng(seed + 1).uniform(-1, 1, ns), 2)

    def fn(*xs):
        state, outs = [jnp.full_like(xs[0], s) for s in init], []
        for t in range(n):
            out = _cell(recipe, (*xs[t * na:(t + 1) * na], *state), lambda a: ACTS[a][1],
                        lambda x, c: x * c)
            outs += out[:nb]
            state = list(out[nb:])
        return tuple(outs)
    return fn


def z2_stateful(seed: int, na: int = 2, nb: int = 1, ns: int = 2) -> Stateful:
    net = GateNetwork.random(na + ns, nb + ns, gates=6 + nb + ns, layers=3, seed=seed)
    theta = np.random.default_rng(seed).integers(0, 2, net.n_params)
    init = tuple(int(b) for b in np.random.default_rng(seed + 1).integers(0, 2, ns))
    return Stateful.of(bind(net, theta), ns, init)


BACKENDS = {"smooth": smooth_stateful, "z2": z2_stateful}


def points(f: Stateful, n: int, seed: int, batch: int = 3) -> list:
    rng = np.random.default_rng(seed)
    k = len(f.dom) * n
    if f.backend is z2.backend:
        return z2.pack(rng.integers(0, 2, (100, k)))
    return [rng.uniform(-1, 1, (batch, 1)) for _ in range(k)]


def same(f: Stateful, g: Stateful, n: int = 5, seed: int = 0) -> bool:
    xs = points(f, n, seed)
    return all(np.allclose(u, v) for u, v in zip(unroll(f, n)(*xs), unroll(g, n)(*xs)))


seeds = st.integers(0, 10_000)
backends = st.sampled_from(sorted(BACKENDS))


def ident(backend: str, k: int) -> Stateful:
    return Stateful.id(Ty(*[z2.BIT if backend == "z2" else REAL] * k),
                       z2.backend if backend == "z2" else smooth.backend)


# -- category laws --------------------------------------------------------------------------


@PROPS
@given(backends, seeds, seeds, seeds)
def test_composition_is_associative(backend, a, b, c):
    f, g, h = (BACKENDS[backend](s, na=1, nb=1) for s in (a, b, c))
    assert same((f >> g) >> h, f >> (g >> h))


@PROPS
@given(backends, seeds)
def test_identity_is_a_unit(backend, a):
    f = BACKENDS[backend](a, na=2, nb=1)
    assert same(ident(backend, 2) >> f, f) and same(f >> ident(backend, 1), f)


@PROPS
@given(backends, seeds, seeds, seeds, seeds)
def test_interchange(backend, a, b, c, d):
    f, g, h, k = (BACKENDS[backend](s, na=1, nb=1) for s in (a, b, c, d))
    assert same((f @ g) >> (h @ k), (f >> h) @ (g >> k))


# -- the delayed trace -------------------------------------------------------------------


@PROPS
@given(backends, seeds, seeds, seeds)
def test_dtrace_is_natural_tightening(backend, a, b, c):
    """``dtr((g @ id_X) >> f >> (h @ id_X)) = g >> dtr(f) >> h``."""
    f = BACKENDS[backend](a, na=2, nb=2)  # A @ X -> B @ X with X one wire
    g, h = BACKENDS[backend](b, na=1, nb=1), BACKENDS[backend](c, na=1, nb=1)
    x = ident(backend, 1)
    assert same(dtrace((g @ x) >> f >> (h @ x), 1), g >> dtrace(f, 1) >> h)


@PROPS
@given(backends, seeds)
def test_dtrace_vanishing(backend, a):
    """``dtr^I(f) = f`` and ``dtr^(X @ Y)(f) = dtr^X(dtr^Y(f))`` (same reset values)."""
    f = BACKENDS[backend](a, na=3, nb=3)  # A @ X @ Y -> B @ X @ Y, one wire each
    assert same(dtrace(f, 0), f)
    assert same(dtrace(f, 2, (1, 0)), dtrace(dtrace(f, 1, (0,)), 1, (1,)))


@PROPS
@given(backends, seeds, seeds)
def test_dtrace_superposing(backend, a, b):
    """``g @ dtr^X(f) = dtr^X(g @ f)``."""
    f, g = BACKENDS[backend](a, na=2, nb=2), BACKENDS[backend](b, na=1, nb=1)
    assert same(g @ dtrace(f, 1), dtrace(g @ f, 1))


@pytest.mark.parametrize("backend", sorted(BACKENDS))
def test_yanking_fails_dtrace_of_swap_is_the_delay(backend):
    x = ident(backend, 1)
    swap = Stateful.lift(Map.swap(x.dom, x.dom, x.backend))
    traced = dtrace(swap, 1)
    assert same(traced, delay(x.dom))
    assert not same(traced, x)


def test_delay_is_a_register():
    d = delay(Ty(REAL), (0.5,))
    ys = run(d, [np.array([[1.0]]), np.array([[2.0]]), np.array([[3.0]])])
    assert [float(y[0, 0]) for y in ys] == [0.5, 1.0, 2.0]


def test_bad_transitions_are_refused():
    with pytest.raises(TypeError, match="A @ S -> B @ S"):
        Stateful(smooth.exp(1), Ty(smooth.Real((2,))), (0,))
    with pytest.raises(ValueError, match="initial value"):
        Stateful.of(smooth.adder(1) >> smooth.copy(1), 1, (0, 0))
    with pytest.raises(TypeError, match="cannot compose"):
        Stateful.lift(smooth.exp(1)) >> Stateful.lift(smooth.exp(2))


# -- unrolling is a functor St(C) -> C ------------------------------------------------------


@PROPS
@given(backends, seeds, seeds, st.integers(1, 6))
def test_unroll_preserves_composition(backend, a, b, n):
    f, g = BACKENDS[backend](a, na=2, nb=2), BACKENDS[backend](b, na=2, nb=1)
    xs = points(f, n, a)
    lhs, rhs = unroll(f >> g, n)(*xs), (unroll(f, n) >> unroll(g, n))(*xs)
    assert all(np.allclose(u, v) for u, v in zip(lhs, rhs))
    ident_n = unroll(ident(backend, 2), n)
    assert all(np.array_equal(u, v) for u, v in zip(ident_n(*xs), xs))


def test_unroll_from_continues_where_unroll_stops():
    f = smooth_stateful(3)
    xs = points(f, 6, 0)
    whole = unroll(f, 6)(*xs)
    first = unroll_from(f, 3)(*xs[:6], *[np.full((3, 1), s) for s in f.init])
    second = unroll_from(f, 3)(*xs[6:], *first[3:])
    assert all(np.allclose(u, v) for u, v in zip(whole, first[:3] + second[:3]))


# -- the derivative on St(C): direct, BPTT, and jax -----------------------------------------


def interleave(xs, vs, k: int, n: int) -> list:
    """Per step: that step's inputs then their tangents (the order of unroll(derivative f))."""
    return [u for t in range(n) for u in (*xs[t * k:(t + 1) * k], *vs[t * k:(t + 1) * k])]


@PROPS
@given(backends, seeds, st.integers(1, 5))
def test_direct_derivative_is_d_of_the_unrolling(backend, a, n):
    f = BACKENDS[backend](a, na=2, nb=1, ns=2)
    xs, vs = points(f, n, a), points(f, n, a + 1)
    direct = unroll(derivative(f), n)(*interleave(xs, vs, 2, n))
    unrolled = D(unroll(f, n))(*xs, *vs)
    assert all(np.allclose(u, v) for u, v in zip(direct, unrolled))


@settings(max_examples=6, deadline=None, derandomize=True)
@given(seeds, st.integers(1, 20))
def test_bptt_and_direct_derivative_agree_with_jax(seed, n):
    f, oracle = smooth_stateful(seed), jax_unrolled(seed, n)
    xs, vs = points(f, n, seed), points(f, n, seed + 1)
    ws = [np.random.default_rng(seed + 2).uniform(-1, 1, (3, 1)) for _ in range(n)]
    with jax.enable_x64(True):  # float64 oracle; the switch is process-wide, so scoped here
        primal, tangent = jax.jvp(oracle, tuple(xs), tuple(vs))
        _, pullback = jax.vjp(oracle, *xs)
        pulled = pullback(tuple(ws))
    direct = unroll(derivative(f), n)(*interleave(xs, vs, 2, n))
    through_time = bptt(f, n)(*xs, *ws)
    assert all(np.allclose(u, v) for u, v in zip(unroll(f, n)(*xs), primal))
    assert all(np.allclose(u, v) for u, v in zip(direct, tangent))
    assert all(np.allclose(u, v) for u, v in zip(through_time, pulled))
    # the two forms are each other's transpose: <D v, w> = <v, R w>
    lhs = sum(float((d * w).sum()) for d, w in zip(direct, ws))
    rhs = sum(float((v * r).sum()) for v, r in zip(vs, through_time))
    assert np.isclose(lhs, rhs)


def test_shared_parameters_sum_their_gradients_over_time():
    """A wire shared by every step gets the sum of the per-step cotangents."""
    cell = trace(Ty(REAL, REAL, REAL), lambda p, x, s: (p * x + s, p * x + s), smooth.backend)
    f = Stateful.of(cell, 1)
    p, xs = np.array([[2.0]]), [np.array([[1.0]]), np.array([[3.0]])]
    ones = [np.ones((1, 1))] * 2
    dp = bptt(f, 2, shared=1)(p, *xs, *ones)[0]
    assert float(dp[0, 0]) == 1.0 + (1.0 + 3.0)  # y0 = p x0, y1 = p x0 + p x1


def test_derivative_of_a_z2_counter_bit():
    """Over Z2, the derivative of a toggle register is carried by the state."""
    toggle = Stateful.of(trace(z2.bits(2), lambda x, s: (s, x + s), z2.backend), 1)
    ones = z2.pack([[1]])
    ys = unroll(derivative(toggle), 3)(*ones, *ones, *ones, *ones, *ones, *ones)
    assert [int(z2.unpack([y], 1)[0, 0]) for y in ys] == [0, 1, 0]
    assert R(unroll(toggle, 2)).dom == z2.bits(4)


@PROPS
@given(backends, seeds)
def test_chain_rule_of_the_direct_derivative(backend, a):
    """``derivative(f >> g)`` feeds ``g``'s derivative with ``f``'s outputs and tangents."""
    f, g, n = BACKENDS[backend](a, na=2, nb=2), BACKENDS[backend](a + 1, na=2, nb=1), 3
    xs, vs = points(f, n, a), points(f, n, a + 1)
    whole = unroll(derivative(f >> g), n)(*interleave(xs, vs, 2, n))
    ys, dys = unroll(f, n)(*xs), unroll(derivative(f), n)(*interleave(xs, vs, 2, n))
    parts = unroll(derivative(g), n)(*interleave(ys, dys, 2, n))
    assert all(np.allclose(u, v) for u, v in zip(whole, parts))
