"""Convolutional logic trees: derivatives, the two readings on bits, the exported netlist.

Laws: each Smooth generator's fused reverse equals its traced rule (first and second
order); ``R`` of a whole block and of a whole network equals central finite differences;
the JAX reading equals numpy; the Z2 kernels equal the gate-by-gate circuits their reverse
derivatives are read from; the relaxed network at hard truth tables computes, on 0/1 inputs,
the class the Z2 reading returns; the exported netlist equals the Z2 reading bit for bit.
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from catlearn import Map, R, smooth, z2
from catlearn.circuits import conv_export
from catlearn.layers import logic_conv, logic_conv_z2
from catlearn.layers.logic_conv import TreeSpec, tree_map
from catlearn.layers.logic_conv_net import ConvLogicNetwork
from strategies import Z2, assert_close, unfused

SPEC = TreeSpec(2, 5, 5, out=3, depth=2, k=3, pad=1, seed=4)
_, OH, OW = SPEC.out_shape
GENERATORS = [logic_conv.gather_gen(SPEC), logic_conv.scatter_gen(SPEC),
              logic_conv.halves_gen(smooth.Real((6, 3, 3))), logic_conv.join_gen(smooth.Real((3, 3, 3))),
              logic_conv.tree_mux_gen(3, 3, 3), logic_conv.tree_mux_dc_gen(3, 3, 3)]


def _draw(rng, wire, batch):
    shape = ((batch,) if wire.batched else ()) + wire.shape
    return rng.uniform(-1.0, 1.0, size=shape)


def test_every_rule_of_the_module_is_checked():
    assert set(logic_conv.RULES) == {g.name for g in GENERATORS}


@pytest.mark.parametrize("gen", GENERATORS, ids=lambda g: g.name)
@settings(max_examples=10, deadline=None)
@given(seed=st.integers(0, 2 ** 32 - 1), batch=st.integers(1, 3))
def test_fused_kernels_agree_with_the_traced_rule(gen, seed, batch):
    rng = np.random.default_rng(seed)
    f = Map.gen(gen, smooth.backend)
    traced = f.to(unfused(smooth.backend))
    xs = [_draw(rng, w, batch) for w in f.dom]
    dys = [_draw(rng, w, batch) for w in f.cod]
    assert_close(R(f)(*xs, *dys), R(traced)(*xs, *dys), rtol=1e-10, atol=1e-12)
    vs = [_draw(rng, w, batch) for w in f.dom]
    assert_close(R(R(f))(*xs, *dys, *vs), R(R(traced))(*xs, *dys, *vs), rtol=1e-10, atol=1e-12)


def _finite_differences(f, args, dy, eps=1e-6):
    """``<dy, df/dargs[i]>`` by central differences, for every entry of every argument."""
    out = []
    for i, a in enumerate(args):
        grad = np.zeros_like(a)
        for idx in np.ndindex(a.shape):
            hi, lo = [x.copy() for x in args], [x.copy() for x in args]
            hi[i][idx] += eps
            lo[i][idx] -= eps
            grad[idx] = sum(np.sum(d * (u - v)) for d, u, v in zip(dy, f(*hi), f(*lo))) / (2 * eps)
        out.append(grad)
    return out


def test_block_reverse_derivative_equals_finite_differences():
    rng = np.random.default_rng(0)
    f = tree_map(TreeSpec(2, 4, 4, out=2, depth=2, k=3, pad=0, seed=1))
    args = [rng.uniform(0, 1, (4, 4)), rng.uniform(0, 1, (2, 4)), rng.uniform(0, 1, (2, 2, 4, 4))]
    dy = [rng.normal(size=(2, 2, 2, 2))]
    assert_close(R(f)(*args, *dy), _finite_differences(f, args, dy), rtol=1e-6, atol=1e-8)


def test_network_reverse_derivative_equals_finite_differences():
    net = ConvLogicNetwork((1, 6, 6), ((2, 2, 3, 0, 2),), (6,), classes=2, tau=2.0, seed=0)
    model, rng = net.para(), np.random.default_rng(1)
    args = [*net.init(seed=2), rng.uniform(0, 1, (2, 36))]
    dy = [rng.normal(size=(2, 2))]
    assert_close(R(model.f)(*args, *dy), _finite_differences(model.f, args, dy),
                 rtol=1e-5, atol=1e-7)


def test_jax_reading_equals_numpy():
    jax_backend = pytest.importorskip("catlearn.jax_backend")
    rng = np.random.default_rng(3)
    f = tree_map(SPEC)
    args = [rng.uniform(0, 1, (6, 4)), rng.uniform(0, 1, (3, 4)), rng.uniform(0, 1, (2, 2, 5, 5))]
    dy = rng.normal(size=(2, 3, OH, OW))
    assert_close(jax_backend.jit(f)(*args), f(*args), rtol=1e-4, atol=1e-5)
    assert_close(jax_backend.jit(R(f))(*args, dy), R(f)(*args, dy), rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("gen", [logic_conv_z2.tree_gen(SPEC), logic_conv_z2.pool_gen(2, 4, 6, 2)],
                         ids=lambda g: g.name)
def test_z2_kernels_equal_their_gate_by_gate_circuits(gen):
    """The bit-packed kernel and the traced circuit its reverse is read from: one function."""
    rng = np.random.default_rng(5)
    f, expanded = Map.gen(gen, z2.backend), logic_conv_z2.expanded(gen)
    k, m = len(f.dom), len(f.cod)
    args = z2.pack(rng.integers(0, 2, size=(200, k + m)))
    Z2.equal(f(*args[:k]), expanded(*args[:k]))
    Z2.equal(R(f)(*args), R(expanded)(*args))


def test_or_pool_reverse_is_the_boolean_derivative():
    """OR is multilinear: dOR/dx_i = 1 exactly when the other inputs are all 0."""
    f = Map.gen(logic_conv_z2.pool_gen(1, 2, 2, 2), z2.backend)
    rows = np.array([[(r >> i) & 1 for i in range(4)] for r in range(16)])
    dx = z2.unpack(R(f)(*z2.pack(np.c_[rows, np.ones(16, int)])), 16)
    expected = np.array([[int(not np.delete(row, i).any()) for i in range(4)] for row in rows])
    assert (dx == expected).all()


NETS = [ConvLogicNetwork((2, 8, 8), ((4, 2, 3, 1, 2), (6, 2, 3, 0, 2)), (30, 20), classes=5,
                         seed=3, parametrisation="softmax16"),
        ConvLogicNetwork((1, 7, 7), ((3, 3, 2, 0, 1),), (12,), classes=3, seed=1,
                         parametrisation="mux")]


@pytest.mark.parametrize("net", NETS, ids=["softmax16", "mux"])
def test_relaxed_network_at_hard_tables_equals_the_z2_reading(net):
    theta = net.init(seed=1, scale=2.0)
    tables = net.hard(theta)
    n = int(np.prod(net.shape))
    x = (np.random.default_rng(0).random((300, n)) < 0.2).astype(np.uint8)  # ORs not saturated
    width = theta[0].shape[1]
    exact = [np.where(t.astype(bool), 60.0, -60.0) if width == 4 else
             np.where(np.arange(16) == (t @ (1 << np.arange(4)))[:, None], 80.0, -80.0)
             for t in tables]
    counts = net.para()(*exact, x.astype(float))[0]
    assert (counts.argmax(axis=1) == net.predict(tables, x)).all()


@pytest.mark.parametrize("pool", [1, 2])
def test_relaxed_block_at_hard_tables_equals_the_z2_block_on_bits(pool):
    """Bit by bit, every tree at every position, after OR pooling (max on bits)."""
    spec = TreeSpec(3, 6, 6, out=4, depth=3, k=3, pad=1, seed=2)
    rng = np.random.default_rng(7)
    tables = [rng.integers(0, 2, (m, 4)) for m in spec.levels]
    x = rng.integers(0, 2, (100, 3, 6, 6))
    f = tree_map(spec)
    if pool > 1:
        from catlearn.layers.pool import maxpool2d_map
        f = f >> maxpool2d_map(*spec.out_shape, size=pool)
    relaxed = f(*[t.astype(float) for t in tables], x.astype(float))[0].reshape(100, -1)
    words = [z2.ONES if b else z2.ZEROS for t in tables for b in t.ravel()]
    bits = z2.unpack(list(logic_conv_z2.tree_map(spec, pool)(*words, *z2.pack(x.reshape(100, -1)))),
                     100)
    assert np.array_equal(relaxed, bits)
    assert 0 < bits.mean() < 1


@pytest.mark.parametrize("net", NETS, ids=["softmax16", "mux"])
def test_exported_netlist_equals_the_z2_reading(net):
    tables = net.hard(net.init(seed=2, scale=3.0))
    circuit = conv_export.export(net, tables)
    x = np.random.default_rng(1).integers(0, 2, (128, int(np.prod(net.shape))))
    checks = conv_export.verify(net, tables, circuit, x, n_random=2000)
    assert checks == {"test": 0, "random": 0, "random_rows": 2000}


def test_block_gate_count_and_bad_pooling():
    assert SPEC.gates == (6 + 3) * OH * OW
    with pytest.raises(ValueError, match="pooling windows"):
        ConvLogicNetwork((1, 7, 7), ((2, 1, 3, 0, 2),), (4,), classes=2)
