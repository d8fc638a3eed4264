"""Layers: each generator against a naive loop oracle, reverse derivatives against
finite differences and against their fused kernels, iterated ``R``, shapes,
initialisers, and the errors a user sees."""

from __future__ import annotations

import numpy as np
import pytest
import sympy
from hypothesis import given, settings, strategies as st

from catlearn import D, Para, R, layers, smooth, symbolic
from catlearn.backend import Backend
from catlearn.core import Map, Rev, Ty
from catlearn.layers import conv, pool
from catlearn.smooth import Real

TRACED = Backend("Smooth, traced reverse", smooth.RULES, smooth.NumpyOps, smooth.check,
                 smooth.STRUCTURE, fused=False)


# -- naive oracles: loops over every index --------------------------------------------


def naive_conv(W, x):
    n, c, h, w = x.shape
    o, _, k, _ = W.shape
    y = np.zeros((n, o, h - k + 1, w - k + 1))
    for b in range(n):
        for j in range(o):
            for i in range(h - k + 1):
                for m in range(w - k + 1):
                    y[b, j, i, m] = np.sum(W[j] * x[b, :, i:i + k, m:m + k])
    return y


def naive_conv_t(W, u):
    n, o, ho, wo = u.shape
    _, c, k, _ = W.shape
    x = np.zeros((n, c, ho + k - 1, wo + k - 1))
    for b in range(n):
        for j in range(o):
            for i in range(ho):
                for m in range(wo):
                    x[b, :, i:i + k, m:m + k] += u[b, j, i, m] * W[j]
    return x


def naive_conv_w(a, u):
    n, c, h, w = a.shape
    _, o, ho, wo = u.shape
    k = h - ho + 1
    W = np.zeros((o, c, k, k))
    for b in range(n):
        for j in range(o):
            for i in range(ho):
                for m in range(wo):
                    W[j] += u[b, j, i, m] * a[b, :, i:i + k, m:m + k]
    return W


def naive_maxpool(x, s):
    n, c, h, w = x.shape
    y, mask = np.zeros((n, c, h // s, w // s)), np.zeros(x.shape)
    for b in range(n):
        for j in range(c):
            for i in range(h // s):
                for m in range(w // s):
                    window = x[b, j, i * s:(i + 1) * s, m * s:(m + 1) * s]
                    y[b, j, i, m] = window.max()
                    p, q = divmod(int(np.argmax(window)), s)
                    mask[b, j, i * s + p, m * s + q] = 1.0
    return y, mask


def naive_upsample(u, s):
    n, c, h, w = u.shape
    v = np.zeros((n, c, h * s, w * s))
    for i in range(h * s):
        for m in range(w * s):
            v[:, :, i, m] = u[:, :, i // s, m // s]
    return v


def naive_pool_sum(x, s):
    n, c, h, w = x.shape
    y = np.zeros((n, c, h // s, w // s))
    for i in range(h):
        for m in range(w):
            y[:, :, i // s, m // s] += x[:, :, i, m]
    return y


# -- random generators of every kind ----------------------------------------------------


def generators(c=2, o=3, k=3, h=6, w=5, s=2, n=2):
    """One instance of every new generator, for shape-generic checks."""
    W, x, y = Real((o, c, k, k), False), Real((c, h, w)), Real((o, h - k + 1, w - k + 1))
    img = Real((c, 2 * s, 3 * s))
    return {
        "conv2d": conv.conv2d_gen(W, x), "conv2d_t": conv.conv2d_t_gen(W, y),
        "conv2d_w": conv.conv2d_w_gen(x, y), "channel_bias": conv.channel_bias_gen(x),
        "channel_sum": conv.channel_sum_gen(x), "channel_spread": conv.channel_spread_gen(x),
        "maxpool2d": pool.maxpool2d_gen(img, s), "pool_mask": pool.pool_mask_gen(img, s),
        "upsample": pool.upsample_gen(Real((c, 2, 3)), s), "pool_sum": pool.pool_sum_gen(img, s),
        "flatten": pool.flatten_gen(x),
        "unflatten": pool.unflatten_gen(Real((c * h * w,)), (c, h, w)),
    }


GENERATORS = generators()


def sample(wire, rng, batch=2):
    return rng.normal(size=((batch,) if wire.batched else ()) + wire.shape)


def inner(us, vs):
    return sum(float(np.sum(u * v)) for u, v in zip(us, vs))


# -- forward maps against the oracles ---------------------------------------------------


@settings(max_examples=25, deadline=None)
@given(c=st.integers(1, 3), o=st.integers(1, 3), k=st.integers(1, 4), h=st.integers(4, 8),
       w=st.integers(4, 8), n=st.integers(1, 3), seed=st.integers(0, 2**16))
def test_conv_family_forward_matches_loops(c, o, k, h, w, n, seed):
    rng = np.random.default_rng(seed)
    W, x = rng.normal(size=(o, c, k, k)), rng.normal(size=(n, c, h, w))
    u = rng.normal(size=(n, o, h - k + 1, w - k + 1))
    f = conv.conv2d_map(c, o, k, h, w)
    np.testing.assert_allclose(f(W, x)[0], naive_conv(W, x), atol=1e-12)
    Wt, ut = Real(W.shape, False), Real(u.shape[1:])
    np.testing.assert_allclose(Map.gen(conv.conv2d_t_gen(Wt, ut), smooth.backend)(W, u)[0],
                               naive_conv_t(W, u), atol=1e-12)
    gw = Map.gen(conv.conv2d_w_gen(Real(x.shape[1:]), ut), smooth.backend)
    np.testing.assert_allclose(gw(x, u)[0], naive_conv_w(x, u), atol=1e-12)


def test_channel_bias_forward():
    rng = np.random.default_rng(0)
    b, x = rng.normal(size=3), rng.normal(size=(2, 3, 4, 5))
    y = conv.channel_bias_map(3, 4, 5)(b, x)[0]
    for j in range(3):
        np.testing.assert_allclose(y[:, j], x[:, j] + b[j])
    total = Map.gen(conv.channel_sum_gen(Real((3, 4, 5))), smooth.backend)(x)[0]
    np.testing.assert_allclose(total, [x[:, j].sum() for j in range(3)])


@settings(max_examples=25, deadline=None)
@given(c=st.integers(1, 3), s=st.integers(1, 3), hb=st.integers(1, 4), wb=st.integers(1, 4),
       seed=st.integers(0, 2**16))
def test_pool_family_forward_matches_loops(c, s, hb, wb, seed):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(2, c, hb * s, wb * s))
    x[0, 0, :s, :s] = 1.0  # a tie: the first maximum of the window wins
    img = Real(x.shape[1:])
    y, mask = naive_maxpool(x, s)
    np.testing.assert_allclose(pool.maxpool2d_map(c, hb * s, wb * s, s)(x)[0], y)
    np.testing.assert_array_equal(Map.gen(pool.pool_mask_gen(img, s), smooth.backend)(x)[0], mask)
    np.testing.assert_allclose(Map.gen(pool.pool_sum_gen(img, s), smooth.backend)(x)[0],
                               naive_pool_sum(x, s))
    up = Map.gen(pool.upsample_gen(Real(y.shape[1:]), s), smooth.backend)
    np.testing.assert_allclose(up(y)[0], naive_upsample(y, s))


def test_flatten_is_row_major_and_unflatten_inverts_it():
    x = np.arange(2 * 3 * 4 * 5, dtype=float).reshape(2, 3, 4, 5)
    flat = pool.flatten_map((3, 4, 5))(x)[0]
    np.testing.assert_array_equal(flat, np.stack([xi.ravel() for xi in x]))
    np.testing.assert_array_equal(pool.unflatten_map((3, 4, 5))(flat)[0], x)


# -- reverse derivatives ---------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(GENERATORS))
def test_reverse_matches_finite_differences(name):
    """``<R[f](x, dy), v> = <D[f](x, v), dy>``, the right side by central differences."""
    rng = np.random.default_rng(1)
    f = Map.gen(GENERATORS[name], smooth.backend)
    xs = [sample(w, rng) for w in f.dom]
    vs = [sample(w, rng) for w in f.dom]
    dys = [sample(w, rng) for w in f.cod]
    h = 1e-6
    plus = f(*(x + h * v for x, v in zip(xs, vs)))
    minus = f(*(x - h * v for x, v in zip(xs, vs)))
    numeric = inner([(p - m) / (2 * h) for p, m in zip(plus, minus)], dys)
    assert inner(R(f)(*xs, *dys), vs) == pytest.approx(numeric, rel=1e-6, abs=1e-8)


@pytest.mark.parametrize("name", sorted(GENERATORS))
def test_fused_kernels_match_traced_reverse(name):
    gen = GENERATORS[name]
    rng = np.random.default_rng(2)
    xs = [sample(w, rng) for w in gen.dom]
    dys = [sample(w, rng) for w in gen.cod]
    ys = smooth.backend.implement(gen)(*xs)
    ys = ys if isinstance(ys, tuple) else (ys,)
    traced = TRACED.reverse(gen)(*xs, *dys)
    for i, w in enumerate(gen.dom):
        fused = smooth.backend.implement(Rev(f"R{i}[{name}]", gen.dom @ gen.cod @ gen.cod,
                                             Ty(w), (gen, i)))(*xs, *ys, *dys)
        np.testing.assert_allclose(fused, traced[i], atol=1e-12)


@pytest.mark.parametrize("name", sorted(GENERATORS))
def test_R_iterates(name):
    """``R(R(f))`` of every generator exists and agrees, fused or traced."""
    f = Map.gen(GENERATORS[name], smooth.backend)
    rr = R(R(f))
    rng = np.random.default_rng(3)
    args = [sample(w, rng) for w in rr.dom]
    for a, b in zip(rr(*args), R(R(f.to(TRACED)))(*args)):
        np.testing.assert_allclose(a, b, atol=1e-12)


def test_second_reverse_derivative_of_conv_matches_finite_differences():
    f = conv.conv2d_map(2, 3, 3, 6, 5)
    rf, rrf = R(f), R(R(f))
    rng = np.random.default_rng(4)
    xs = [sample(w, rng) for w in rf.dom]
    vs = [sample(w, rng) for w in rf.dom]
    dzs = [sample(w, rng) for w in rf.cod]
    h = 1e-6
    plus = rf(*(x + h * v for x, v in zip(xs, vs)))
    minus = rf(*(x - h * v for x, v in zip(xs, vs)))
    numeric = inner([(p - m) / (2 * h) for p, m in zip(plus, minus)], dzs)
    assert inner(rrf(*xs, *dzs), vs) == pytest.approx(numeric, rel=1e-6)
    assert len(R(rrf).ops) > len(rrf.ops)  # and on: R(R(R(conv))) builds


def test_forward_derivative_of_conv_matches_finite_differences():
    f = conv.conv2d_map(2, 3, 3, 6, 5)
    rng = np.random.default_rng(5)
    (W, x), (dW, dx) = [[sample(w, rng) for w in f.dom] for _ in range(2)]
    h = 1e-6
    numeric = (f(W + h * dW, x + h * dx)[0] - f(W - h * dW, x - h * dx)[0]) / (2 * h)
    np.testing.assert_allclose(D(f)(W, x, dW, dx)[0], numeric, rtol=1e-6, atol=1e-8)
    # conv is bilinear: its derivative is exact
    np.testing.assert_allclose(D(f)(W, x, dW, dx)[0], naive_conv(dW, x) + naive_conv(W, dx))


def test_symbolic_reverse_of_conv_is_the_sympy_gradient():
    """Read symbolically, ``R[conv2d]`` is the gradient of ``<conv2d(W, x), d>`` by sympy."""
    f = conv.conv2d_map(2, 2, 2, 3, 3).to(symbolic.backend)
    W, x, d = (symbolic.symbols(w, n) for w, n in zip(f.dom @ f.cod, ["w", "x", "d"]))
    pairing = sum(np.ravel(f(W, x)[0] * d))
    grads = R(f)(W, x, d)
    for variables, got in zip((W, x), grads):
        for v, g in zip(np.ravel(variables), np.ravel(got)):
            assert sympy.expand(g - sympy.diff(pairing, v)) == 0


def test_maxpool_reverse_routes_to_the_first_maximum():
    x = np.array([[[[2.0, 2.0], [1.0, 0.0]]]])
    dx = R(pool.maxpool2d_map(1, 2, 2))(x, np.array([[[[5.0]]]]))[0]
    np.testing.assert_array_equal(dx, [[[[5.0, 0.0], [0.0, 0.0]]]])


def test_model_gradient_matches_finite_differences():
    model = layers.cfgbl_mnist_model()
    rng = np.random.default_rng(6)
    params = layers.init(model, seed=0)
    x, dy = rng.normal(size=(3, 1, 28, 28)), rng.normal(size=(3, 10))
    grads = R(model.f)(*params, x, dy)
    vs = [rng.normal(size=np.shape(a)) for a in (*params, x)]
    h = 1e-6
    args = (*params, x)
    plus = model(*(a + h * v for a, v in zip(args, vs)))[0]
    minus = model(*(a - h * v for a, v in zip(args, vs)))[0]
    assert inner(grads, vs) == pytest.approx(float(np.sum((plus - minus) / (2 * h) * dy)), rel=1e-5)


# -- layers, composition, shapes -------------------------------------------------------------


def test_cfgbl_mnist_shapes():
    model = layers.cfgbl_mnist_model()
    assert model.param == Ty(Real((3, 1, 3, 3), False), Real((5, 3, 4, 4), False),
                             Real((10, 125), False), Real((10,), False))
    assert model.dom == Ty(Real((1, 28, 28))) and model.cod == Ty(Real((10,)))
    y = model(*layers.init(model, 0), np.zeros((4, 1, 28, 28)))[0]
    assert y.shape == (4, 10) and np.all((0 < y) & (y < 1))


def test_cfgbl_iris_models():
    models = layers.cfgbl_iris_models()
    assert [len(models[k].param) for k in ("linear", "dense", "hidden")] == [1, 2, 4]
    x = np.ones((7, 4))
    for model in models.values():
        assert model(*layers.init(model, 0), x)[0].shape == (7, 3)


def test_dense_is_activation_of_affine_map_with_params_W_then_b():
    rng = np.random.default_rng(7)
    W, b, x = rng.normal(size=(3, 4)), rng.normal(size=3), rng.normal(size=(5, 4))
    for name, act in [("sigmoid", lambda z: 1 / (1 + np.exp(-z))), ("tanh", np.tanh),
                      ("relu", lambda z: np.maximum(z, 0)), (None, lambda z: z)]:
        np.testing.assert_allclose(layers.dense(4, 3, name)(W, b, x)[0], act(x @ W.T + b))


def test_sequential_is_para_composition_reordered():
    f, h = layers.dense(2, 3, "tanh"), layers.dense(3, 2)
    composite = f >> layers.relu(3) >> h  # parameters (W2, b2, W1, b1)
    model = layers.sequential(f, layers.relu(3), h)  # parameters (W1, b1, W2, b2)
    rng = np.random.default_rng(8)
    W1, b1, W2, b2 = layers.init(model, 0)
    x = rng.normal(size=(4, 2))
    np.testing.assert_allclose(model(W1, b1, W2, b2, x)[0], composite(W2, b2, W1, b1, x)[0])
    chained = layers.chain(f, layers.relu(3), h)
    assert chained.param == composite.param
    np.testing.assert_allclose(chained(W2, b2, W1, b1, x)[0], composite(W2, b2, W1, b1, x)[0])


def test_conv_with_bias_adds_one_bias_per_channel():
    layer = layers.conv2d(2, 3, 3, 5, 5, bias=True)
    rng = np.random.default_rng(9)
    K, b, x = rng.normal(size=(3, 2, 3, 3)), rng.normal(size=3), rng.normal(size=(2, 2, 5, 5))
    np.testing.assert_allclose(layer(K, b, x)[0], naive_conv(K, x) + b[:, None, None])


def test_layers_compose_into_lenses():
    model = layers.cfgbl_mnist_model()
    lens = Para.R(model).f
    params = layers.init(model, 0)
    x, dy = np.ones((2, 1, 28, 28)), np.ones((2, 10))
    for a, b in zip(lens.put(*params, x, dy), R(model.f)(*params, x, dy)):
        np.testing.assert_allclose(a, b)


# -- initialisers ---------------------------------------------------------------------------


def test_init_is_deterministic_under_a_seed():
    model = layers.cfgbl_mnist_model()
    first, again, other = layers.init(model, 3), layers.init(model, 3), layers.init(model, 4)
    assert all(np.array_equal(a, b) for a, b in zip(first, again))
    assert not np.array_equal(first[0], other[0])
    assert [a.shape for a in first] == [w.shape for w in model.param]
    assert not first[3].any()  # the dense bias starts at zero


def test_init_picks_he_before_relu_and_glorot_otherwise():
    he = layers.sequential(layers.conv2d(1, 3, 3, 6, 6), layers.relu((3, 4, 4)))
    np.testing.assert_array_equal(layers.init(he, 0)[0],
                                  layers.he_normal((3, 1, 3, 3), np.random.default_rng(0)))
    glorot = layers.dense(4, 3, "sigmoid")
    np.testing.assert_array_equal(layers.init(glorot, 0)[0],
                                  layers.glorot_uniform((3, 4), np.random.default_rng(0)))
    pooled = layers.sequential(layers.conv2d(1, 2, 3, 6, 6, bias=True), layers.maxpool2d(2, 4, 4),
                               layers.relu((2, 2, 2)))
    np.testing.assert_array_equal(layers.init(pooled, 0)[0],
                                  layers.he_normal((2, 1, 3, 3), np.random.default_rng(0)))


def test_init_reads_parametrised_lenses_too():
    model = layers.cfgbl_mnist_model()
    for a, b in zip(layers.init(Para.R(model), 5), layers.init(model, 5)):
        np.testing.assert_array_equal(a, b)


def test_glorot_bound():
    W = layers.glorot_uniform((30, 20), np.random.default_rng(0))
    assert np.abs(W).max() <= np.sqrt(6 / 50) and np.abs(W).max() > 0.9 * np.sqrt(6 / 50)


def test_init_refuses_unknown_parameters_naming_the_wire():
    weird = Para.of(smooth.multiply(3))
    with pytest.raises(ValueError, match=r"parameter wire 0 \(R\^3\) is read by mul"):
        layers.init(weird, 0)


# -- errors a user sees ----------------------------------------------------------------------


def test_wrong_shape_input_names_the_wire():
    model = layers.cfgbl_mnist_model()
    params = layers.init(model, 0)
    with pytest.raises(ValueError, match=r"input wire 4 \(R\^1x28x28\).*got \(2, 28, 28\)"):
        model(*params, np.zeros((2, 28, 28)))
    with pytest.raises(ValueError, match=r"input wire 0 \(P\^3x1x3x3\)"):
        model(np.zeros((3, 3)), *params[1:], np.zeros((2, 1, 28, 28)))


def test_bad_layer_arguments():
    with pytest.raises(ValueError, match="divisible by 2"):
        layers.maxpool2d(3, 13, 13)
    with pytest.raises(TypeError, match="does not fit"):
        layers.conv2d(1, 3, 5, 4, 4)
    with pytest.raises(TypeError, match="cannot chain layer 0"):
        layers.sequential(layers.dense(2, 3), layers.dense(4, 1))
    with pytest.raises(ValueError, match="unknown activation"):
        layers.dense(2, 3, "gelu")
