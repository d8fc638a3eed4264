"""Loss maps and the learning generators: reverse derivatives against finite differences,
fused kernels against the traced rules, and the exact softmax cross-entropy gradient."""

import dataclasses

import numpy as np
import pytest

from catlearn import D, R, smooth, symbolic, z2
from catlearn.core import Map, Ty
from catlearn.learning import loss, ops
from catlearn.smooth import Real

RNG = np.random.default_rng(0)
UNFUSED = dataclasses.replace(smooth.backend, fused=False)


def numeric_reverse(f: Map, args, cotangents, h=1e-6):
    """``R[f](args, cotangents)`` by central differences of ``<f(args), cotangents>``."""
    def inner(values):
        return sum(float(np.sum(y * c)) for y, c in zip(f(*values), cotangents))
    grads = []
    for i, a in enumerate(args):
        g = np.zeros_like(a, dtype=float)
        for idx in np.ndindex(a.shape):
            up, down = [v.copy() for v in args], [v.copy() for v in args]
            up[i][idx] += h
            down[i][idx] -= h
            g[idx] = (inner(up) - inner(down)) / (2 * h)
        grads.append(g)
    return grads


def labels_and_logits(n=4, k=3, soft=False):
    t = RNG.dirichlet(np.ones(k), n) if soft else np.eye(k)[RNG.integers(0, k, n)]
    return t, RNG.normal(size=(n, k))


def cotangent_for(wire, n):
    shape = ((n,) if wire.batched else ()) + wire.shape
    return RNG.normal(size=shape)


LOSSES = [("mse", loss.mse), ("softmax_cross_entropy", loss.softmax_cross_entropy),
          ("binary_cross_entropy", loss.binary_cross_entropy), ("dot", loss.dot)]


@pytest.mark.parametrize("reduction", ["mean", "none"])
@pytest.mark.parametrize("name,make", LOSSES, ids=[n for n, _ in LOSSES])
def test_reverse_derivative_matches_finite_differences(name, make, reduction):
    t, p = labels_and_logits(soft=True)
    if name == "binary_cross_entropy":
        t = RNG.random(p.shape)
    f = make(3, reduction).f
    dl = cotangent_for(f.cod[0], len(p))
    exact = R(f)(t, p, dl)
    for got, want in zip(exact, numeric_reverse(f, [t, p], [dl])):
        np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("name,make", LOSSES, ids=[n for n, _ in LOSSES])
def test_fused_kernels_agree_with_traced_rules(name, make):
    t, p = labels_and_logits(soft=True)
    f = make(3).f
    dl = np.array(0.7)
    fused, traced = R(f)(t, p, dl), R(f.to(UNFUSED))(t, p, dl)
    for a, b in zip(fused, traced):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-14)


def test_softmax_cross_entropy_gradient_is_softmax_minus_label():
    t, p = labels_and_logits(n=5, k=4)
    per_example = loss.softmax_cross_entropy(4, "none").f
    _, dp = R(per_example)(t, p, np.ones(5))
    np.testing.assert_allclose(dp, smooth.softmax(4)(p)[0] - t, rtol=0, atol=1e-15)
    _, dp_mean = R(loss.softmax_cross_entropy(4).f)(t, p, np.array(1.0))
    np.testing.assert_allclose(dp_mean, (smooth.softmax(4)(p)[0] - t) / 5, rtol=0, atol=1e-15)


def test_softmax_cross_entropy_value_and_stability():
    t, p = labels_and_logits(n=6, k=5)
    want = -np.sum(t * np.log(smooth.softmax(5)(p)[0]), axis=1)
    np.testing.assert_allclose(loss.softmax_cross_entropy(5, "none")(t, p)[0], want, rtol=1e-12)
    huge = np.array([[1e4, 0.0, -1e4]])
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        value = loss.softmax_cross_entropy(3)(np.array([[0.0, 0.0, 1.0]]), huge)[0]
        _, dp = R(loss.softmax_cross_entropy(3).f)(np.array([[0.0, 0.0, 1.0]]), huge, np.array(1.0))
    assert float(value) == 2e4
    np.testing.assert_array_equal(dp, [[1.0, 0.0, -1.0]])


def test_binary_cross_entropy_is_the_textbook_formula():
    t, p = RNG.integers(0, 2, (5, 2)).astype(float), RNG.normal(size=(5, 2)) * 3
    s = 1 / (1 + np.exp(-p))
    want = -np.sum(t * np.log(s) + (1 - t) * np.log(1 - s), axis=1)
    np.testing.assert_allclose(loss.binary_cross_entropy(2, "none")(t, p)[0], want, rtol=1e-12)
    assert np.isfinite(loss.binary_cross_entropy(1)(np.array([[0.0]]), np.array([[800.0]]))[0])


def test_mse_value_and_gradient_are_the_papers():
    t, p = RNG.normal(size=(3, 2)), RNG.normal(size=(3, 2))
    assert float(loss.mse(2)(t, p)[0]) == pytest.approx(np.mean(0.5 * np.sum((p - t) ** 2, 1)))
    _, dp = R(loss.mse(2, "none").f)(t, p, np.ones(3))
    np.testing.assert_allclose(dp, p - t, rtol=1e-15)


def test_loss_types():
    for _, make in LOSSES:
        para = make(3)
        assert para.param == Ty(Real((3,))) and para.dom == Ty(Real((3,)))
        assert para.cod == Ty(Real((), False))
        assert make(3, "none").cod == Ty(Real(()))
    with pytest.raises(ValueError, match="reduction"):
        loss.mse(2, "sum")
    with pytest.raises(ValueError, match="unknown loss 'hinge'.*mse"):
        loss.named("hinge")


def test_z2_error_is_xor_on_the_truth_table():
    rows = [[a, b, c, d] for a in (0, 1) for b in (0, 1) for c in (0, 1) for d in (0, 1)]
    words = z2.pack(rows)
    out = z2.unpack(loss.z2_error(2)(*words), 16)
    np.testing.assert_array_equal(out, np.array(rows)[:, :2] ^ np.array(rows)[:, 2:])
    assert loss.z2_error(2).param == z2.bits(2)


def test_batch_mean_and_its_reverse_iterate():
    w = Real((2,))
    mean = Map.gen(ops.batch_mean(w), smooth.backend)
    x, dz = RNG.normal(size=(4, 2)), RNG.normal(size=2)
    np.testing.assert_allclose(mean(x)[0], x.mean(axis=0))
    np.testing.assert_allclose(R(mean)(x, dz)[0], np.broadcast_to(dz / 4, (4, 2)))
    spread = Map.gen(ops.spread_mean(w), smooth.backend)
    dy = RNG.normal(size=(4, 2))
    for got, want in zip(R(spread)(dz, x, dy), numeric_reverse(spread, [dz, x], [dy])):
        np.testing.assert_allclose(got, want, atol=1e-8)


@pytest.mark.parametrize("make", [
    lambda: Map.gen(ops.log_softmax(Real((3,))), smooth.backend),
    lambda: Map.gen(ops.divide(Real((2,), False)), smooth.backend),
    lambda: Map.gen(ops.divide(Real((2,)), ops.SCALAR), smooth.backend),
    lambda: Map.gen(ops.power(0.9, ops.SCALAR), smooth.backend),
], ids=["log_softmax", "divide", "divide_by_scalar", "power"])
def test_generators_second_order(make):
    """``R(R(f))`` runs through the traced rules: ``D`` (built from it) matches differences."""
    f = make()
    args = [np.abs(cotangent_for(w, 3)) + 0.5 for w in f.dom]
    vs = [cotangent_for(w, 3) for w in f.dom]
    h = 1e-6
    numeric = (f(*[a + h * v for a, v in zip(args, vs)])[0]
               - f(*[a - h * v for a, v in zip(args, vs)])[0]) / (2 * h)
    np.testing.assert_allclose(D(f)(*args, *vs)[0], numeric, rtol=1e-6, atol=1e-8)
    dz = cotangent_for(f.cod[0], 3)
    for fused, traced in zip(R(f)(*args, dz), R(f.to(UNFUSED))(*args, dz)):
        np.testing.assert_allclose(fused, traced, rtol=1e-12)


def test_symbolic_backend_reads_the_learning_generators():
    f = loss.softmax_cross_entropy(2, "none").f
    (value,) = symbolic.formulas(f, ["t", "p"])
    t0, t1, p0, p1 = (symbolic.sympy.Symbol(s) for s in ("t0", "t1", "p0", "p1"))
    want = -(t0 * (p0 - symbolic.sympy.log(symbolic.sympy.exp(p0) + symbolic.sympy.exp(p1)))
             + t1 * (p1 - symbolic.sympy.log(symbolic.sympy.exp(p0) + symbolic.sympy.exp(p1))))
    assert symbolic.sympy.simplify(value - want) == 0
