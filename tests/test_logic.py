"""Logic-gate layers: reverse-derivative laws on both backends, and the two readings agree.

* every new Smooth generator: fused kernels equal the traced rule, for ``R`` and ``R R``;
* ``R`` of a logic network against central finite differences (Smooth);
* RD.2 (additive in the cotangent), RD.5 (chain rule) and RD.6 (``R R R`` recovers
  ``R``) on logic layers, in Smooth (within float tolerance) and Z2 (exactly);
* the Z2 reverse derivative is the Smooth one modulo 2 at 0/1 points (the cell is a
  multilinear polynomial with integer coefficients in both);
* Smooth with hard (0/1) truth tables on 0/1 inputs equals the Z2 reading, layer by layer
  and for the whole classifier (counts' argmax against popcount-argmax).
"""

import dataclasses

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from catlearn import Map, R, smooth, z2
from catlearn.core import Generator, Ty
from catlearn.layers import logic, logic_z2
from catlearn.layers.logic_net import LogicNetwork, group_spread_gen, group_sum_gen

Real = smooth.Real
SETTINGS = settings(max_examples=25, deadline=None, derandomize=True)
sizes = st.tuples(st.integers(1, 7), st.integers(1, 9), st.integers(0, 50))


def unfused(backend):
    return dataclasses.replace(backend, fused=False)


def close(xs, ys, tol=1e-9):
    for x, y in zip(xs, ys, strict=True):
        x, y = np.broadcast_arrays(np.asarray(x, float), np.asarray(y, float))
        np.testing.assert_allclose(x, y, rtol=tol, atol=tol)


def smooth_point(f: Map, rng, n=3):
    """Random arrays for the domain of ``f``: data wires batched, parameters not."""
    return [rng.uniform(-1, 1, ((n,) if w.batched else ()) + w.shape) for w in f.dom]


def generators(n_in, n_out, seed):
    m = n_out
    return [logic.logic_gen(n_in, n_out, seed), logic.gather_gen(n_in, n_out, seed, 0),
            logic.gather_gen(n_in, n_out, seed, 1), logic.scatter_gen(n_in, n_out, seed, 1),
            logic.mux_gen(m), logic.mux_dc_gen(m), group_sum_gen(2 * m, 2, 1.5),
            group_spread_gen(2 * m, 2, 1.5)]


@SETTINGS
@given(sizes)
def test_fused_kernels_equal_the_traced_rules(size):
    """R and R R with fused kernels equal the same computed from the traced rules."""
    rng = np.random.default_rng(size[2])
    for gen in generators(*size):
        f = Map.gen(gen, smooth.backend)
        g = f.to(unfused(smooth.backend))
        a = smooth_point(f, rng)
        b = [rng.uniform(-1, 1, (3,) + w.shape) if w.batched else rng.uniform(-1, 1, w.shape)
             for w in f.cod]
        close(R(f)(*a, *b), R(g)(*a, *b))
        c = [rng.uniform(-1, 1, np.shape(v)) for v in a]
        close(R(R(f))(*a, *b, *c), R(R(g))(*a, *b, *c))


def net_map(n_in, n_out, seed):
    """Two logic layers without the sigmoid: ``P^(m2,4) @ P^(m1,4) @ R^n -> R^m2``."""
    first = logic.logic_map(n_in, n_out, seed)
    second = logic.logic_map(n_out, n_out + 1, seed + 1)
    return (Map.id(Ty(second.dom[0]), smooth.backend) @ first) >> second


def test_reverse_derivative_against_finite_differences():
    """<R f(a) b, v> = <b, (f(a + h v) - f(a - h v)) / 2h> on a two-layer network."""
    rng = np.random.default_rng(0)
    f = net_map(5, 3, 3)
    a, v = smooth_point(f, rng), smooth_point(f, rng)
    b = rng.uniform(-1, 1, (3, 4))
    h = 1e-6
    plus = f(*[x + h * d for x, d in zip(a, v)])[0]
    minus = f(*[x - h * d for x, d in zip(a, v)])[0]
    lhs = sum(float((g * d).sum()) for g, d in zip(R(f)(*a, b), v))
    np.testing.assert_allclose(lhs, float((b * (plus - minus) / (2 * h)).sum()), rtol=1e-6)


@SETTINGS
@given(sizes)
def test_smooth_rd_laws(size):
    """RD.2, RD.5 and RD.6 on logic layers in Smooth."""
    n_in, n_out, seed = size
    rng = np.random.default_rng(seed)
    f = net_map(n_in, n_out, seed)
    a = smooth_point(f, rng)
    b, c = (rng.uniform(-1, 1, (3, n_out + 1)) for _ in range(2))
    rf = R(f)
    close(rf(*a, b + c), [u + v for u, v in zip(rf(*a, b), rf(*a, c))])          # RD.2
    first = logic.logic_map(n_in, n_out, seed)
    second = logic.logic_map(n_out, n_out + 1, seed + 1)
    p1, p2, x = a[1], a[0], a[2]
    y = first(p1, x)[0]
    d2 = R(second)(p2, y, b)
    close(R(first)(p1, x, d2[1]), rf(*a, b)[1:])                                # RD.5
    close(d2[:1], rf(*a, b)[:1])
    zeros = [np.zeros_like(v) for v in a]
    close(R(R(R(f)))(*a, c, *zeros, *zeros, b)[len(a) + 1:], rf(*a, b))          # RD.6


def z2_words(bits):
    """Packed 0/1 values of one wire per column."""
    return z2.pack(np.asarray(bits).reshape(len(bits), -1))


def z2_layer_point(n_in, n_out, rng, n=70):
    c = rng.integers(0, 2, (4 * n_out,))
    words_c = [z2.ONES if v else z2.ZEROS for v in c]
    x = rng.integers(0, 2, (n, n_in))
    return c, x, words_c + z2_words(x)


@SETTINGS
@given(sizes)
def test_z2_rd_laws(size):
    """RD.2 and RD.6 of the Z2 logic layer, exactly, bit-packed."""
    n_in, n_out, seed = size
    rng = np.random.default_rng(seed)
    f = logic_z2.logic_map(n_in, n_out, seed)
    _, _, a = z2_layer_point(n_in, n_out, rng)
    b, c = (z2_words(rng.integers(0, 2, (70, n_out))) for _ in range(2))
    rf = R(f)
    lhs = rf(*a, *[u ^ v for u, v in zip(b, c)])
    rhs = [u ^ v for u, v in zip(rf(*a, *b), rf(*a, *c))]
    for u, v in zip(lhs, rhs, strict=True):
        assert (np.broadcast_to(u, v.shape) == v).all()
    zeros = [np.zeros_like(np.broadcast_to(v, a[-1].shape)) for v in a]
    out = R(R(R(f)))(*a, *c, *zeros, *zeros, *b)[len(a) + n_out:]
    for u, v in zip(out, rf(*a, *b), strict=True):
        assert (np.broadcast_arrays(u, v)[0] == np.broadcast_arrays(u, v)[1]).all()


@SETTINGS
@given(sizes)
def test_z2_reverse_derivative_is_the_smooth_one_modulo_two(size):
    n_in, n_out, seed = size
    rng = np.random.default_rng(seed)
    c, x, a = z2_layer_point(n_in, n_out, rng, n=9)
    dy = rng.integers(0, 2, (9, n_out))
    d_z2 = R(logic_z2.logic_map(n_in, n_out, seed))(*a, *z2_words(dy))
    dc, dx = R(logic.logic_map(n_in, n_out, seed))(c.reshape(n_out, 4).astype(float),
                                                     x.astype(float), dy.astype(float))
    dx_z2 = z2.unpack(list(d_z2[4 * n_out:]), 9)
    assert (dx_z2 == np.rint(dx).astype(int) % 2).all()
    # the parameters' cotangents: Smooth sums over the batch, Z2 keeps one bit per example
    dc_z2 = z2.unpack(list(d_z2[:4 * n_out]), 9).sum(axis=0) % 2
    assert (dc_z2 == np.rint(dc).astype(int).ravel() % 2).all()


@SETTINGS
@given(st.integers(2, 12), st.integers(1, 3), st.integers(2, 4), st.integers(0, 99))
def test_smooth_and_z2_agree_on_bits(n_in, depth, classes, seed):
    """Hard truth tables on 0/1 inputs: Smooth layers = Z2 layers; argmax = popcount-argmax."""
    rng = np.random.default_rng(seed)
    net = LogicNetwork(n_in, (3 * classes,) * depth, classes, tau=1.0, seed=seed)
    tables = net.hard(net.init(seed, scale=3.0))
    x = rng.integers(0, 2, (100, n_in))
    h = x.astype(float)
    for (a, b, s), t in zip(net.layers, tables):
        h = logic.logic_map(a, b, s)(t.astype(float), h)[0]
    counts = h.reshape(100, classes, -1).sum(axis=2)
    assert set(np.unique(h)) <= {0.0, 1.0}
    assert (net.predict(tables, x) == counts.argmax(axis=1)).all()


def test_layer_by_layer_agreement():
    rng = np.random.default_rng(1)
    for n_in, n_out, seed in ((3, 5, 0), (8, 4, 1), (1, 3, 2), (16, 16, 3)):
        c, x, a = z2_layer_point(n_in, n_out, rng)
        z = z2.unpack(list(logic_z2.logic_map(n_in, n_out, seed)(*a)), len(x))
        s = logic.logic_map(n_in, n_out, seed)(c.reshape(n_out, 4).astype(float), x.astype(float))
        assert (z == s[0]).all()


def test_wiring_reads_every_input_when_wide_enough():
    for n_in, n_out in ((784, 392), (10, 7), (5, 100)):
        a, b = logic.wiring(n_in, n_out, 0)
        assert set(a.tolist()) | set(b.tolist()) == set(range(n_in))
    a, b = logic.wiring(9, 2, 0)
    assert len(set(a.tolist()) | set(b.tolist())) == 4
    assert logic.logic_gen(3, 2, 5) == logic.logic_gen(3, 2, 5)  # data, hashable
    assert hash(logic.logic_gen(3, 2, 5)) == hash(Generator(
        "logic", Ty(Real((2, 4), False), Real((3,))), Ty(Real((2,))), (3, 2, 5)))


def test_softmax16_reads_the_sixteen_functions():
    """With one dominant logit, a softmax16 gate is that function."""
    net = LogicNetwork(2, (2,), 2, tau=1.0, seed=0, parametrisation="softmax16")
    logits = np.full((2, 16), -30.0)
    logits[0, 6], logits[1, 8] = 30.0, 30.0   # XOR (0110) and AND (0001)
    assert net.hard((logits,))[0].tolist() == [[0, 1, 1, 0], [0, 0, 0, 1]]
    model = net.para()
    grads = R(model.f)(logits, np.array([[1.0, 0.0]]), np.ones((1, 2)))
    assert grads[0].shape == (2, 16)
