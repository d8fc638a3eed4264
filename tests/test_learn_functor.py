"""Backprop as Functor: ``L_{eps,e} : Para(Euc) -> Learn`` preserves composition.

The main theorem of Fong, Spivak and Tuyéras (arXiv 1711.10455, Sec. III): for any step
size ``eps > 0`` and an error ``e`` whose ``de/dx(x0, -)`` is invertible,
``L(f ; g) = L(f) ; L(g)`` up to the bijection of parameter spaces
``Q x P = P x Q`` (catlearn's ``Para`` lists the later parameters first,
Learn the earlier ones).  For the quadratic error it holds exactly, so
implement, update and request agree pointwise up to rounding.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from catlearn import Para, R, layers, smooth
from catlearn.core import Ty
from catlearn.learning.backprop_functor import Error, L, Learner, quadratic, scaled_quadratic

ACTS = st.sampled_from(["sigmoid", "tanh", None])
SIZES = st.integers(1, 4)


def draw(wires, rng, batch):
    return [rng.normal(size=((batch,) if w.batched else ()) + w.shape) for w in wires]


def close(xs, ys):
    assert len(xs) == len(ys)
    for x, y in zip(xs, ys):
        np.testing.assert_allclose(x, y, rtol=1e-9, atol=1e-12)


def assert_equivalent(composite: Learner, parts: Learner, p, q, a, c):
    """``composite`` has parameters ``Q @ P`` (Para order), ``parts`` has ``P @ Q``."""
    close(composite.implement(*q, *p, *a), parts.implement(*p, *q, *a))
    updated = composite.update(*q, *p, *a, *c)
    close(updated[len(q):] + updated[:len(q)], parts.update(*p, *q, *a, *c))
    close(composite.request(*q, *p, *a, *c), parts.request(*p, *q, *a, *c))


@st.composite
def composable(draw_, error=st.just(quadratic)):
    """Two dense layers ``n_a -> n_b -> n_c`` with random activations, data and step size."""
    n_a, n_b, n_c = draw_(SIZES), draw_(SIZES), draw_(SIZES)
    f = layers.dense(n_a, n_b, draw_(ACTS))
    g = layers.dense(n_b, n_c, draw_(ACTS)) if draw_(st.booleans()) else layers.linear(n_b, n_c)
    eps = draw_(st.floats(1e-3, 2.0))
    return f, g, eps, draw_(error), draw_(st.integers(1, 3)), draw_(st.integers(0, 2**31))


@settings(max_examples=150, deadline=None)
@given(composable())
def test_L_preserves_composition_for_quadratic_error(case):
    f, g, eps, error, batch, seed = case
    rng = np.random.default_rng(seed)
    p, q = draw(f.param, rng, batch), draw(g.param, rng, batch)
    a, c = draw(f.dom, rng, batch), draw(g.cod, rng, batch)
    assert_equivalent(L(f >> g, eps, error), L(f, eps, error) >> L(g, eps, error), p, q, a, c)


@settings(max_examples=40, deadline=None)
@given(composable(error=st.floats(0.25, 4.0).map(scaled_quadratic)))
def test_L_preserves_composition_for_scaled_quadratic_error(case):
    f, g, eps, error, batch, seed = case
    rng = np.random.default_rng(seed)
    p, q = draw(f.param, rng, batch), draw(g.param, rng, batch)
    a, c = draw(f.dom, rng, batch), draw(g.cod, rng, batch)
    assert_equivalent(L(f >> g, eps, error), L(f, eps, error) >> L(g, eps, error), p, q, a, c)


def test_request_without_the_inverse_breaks_functoriality():
    """The theorem needs ``f_a``: sending the raw gradient back as the request fails."""
    raw = Error("raw gradient as request", quadratic.grad, lambda x, z: z)
    f, g = layers.dense(3, 2, "tanh"), layers.dense(2, 2, "sigmoid")
    rng = np.random.default_rng(0)
    p, q = draw(f.param, rng, 2), draw(g.param, rng, 2)
    a, c = draw(f.dom, rng, 2), draw(g.cod, rng, 2)
    with pytest.raises(AssertionError):
        assert_equivalent(L(f >> g, 0.1, raw), L(f, 0.1, raw) >> L(g, 0.1, raw), p, q, a, c)


@settings(max_examples=30, deadline=None)
@given(composable())
def test_L_preserves_tensor(case):
    f, g, eps, error, batch, seed = case
    rng = np.random.default_rng(seed)
    whole, parts = L(f @ g, eps, error), L(f, eps, error) @ L(g, eps, error)
    args = draw(whole.update.dom, rng, batch)
    close(whole.implement(*args[:len(whole.implement.dom)]),
          parts.implement(*args[:len(parts.implement.dom)]))
    close(whole.update(*args), parts.update(*args))
    close(whole.request(*args), parts.request(*args))


def test_L_sends_identities_to_identities():
    ty = Ty(smooth.real(3))
    learner, unit = L(Para.id(ty, smooth.backend), 0.5), Learner.id(ty, smooth.backend)
    rng = np.random.default_rng(1)
    a, b = rng.normal(size=(2, 3)), rng.normal(size=(2, 3))
    close(learner.implement(a), unit.implement(a))
    close(learner.request(a, b), unit.request(a, b))
    assert learner.update(a, b) == unit.update(a, b) == ()


@settings(max_examples=20, deadline=None)
@given(composable(), st.integers(0, 2**31))
def test_Learn_is_a_category(case, seed):
    f, g, eps, error, batch, _ = case
    h = layers.dense(g.cod[0].shape[0], 2, "tanh")
    lf, lg, lh = L(f, eps), L(g, eps), L(h, eps)
    rng = np.random.default_rng(seed)
    left, right = (lf >> lg) >> lh, lf >> (lg >> lh)
    assert left.param == right.param
    args = draw(left.update.dom, rng, batch)
    close(left.update(*args), right.update(*args))
    close(left.request(*args), right.request(*args))
    unit_a, unit_b = Learner.id(f.dom, smooth.backend), Learner.id(f.cod, smooth.backend)
    args = draw(lf.update.dom, rng, batch)
    for learner in (unit_a >> lf, lf >> unit_b):
        close(learner.update(*args), lf.update(*args))
        close(learner.request(*args), lf.request(*args))


def test_update_is_gradient_descent_on_the_summed_error():
    f = layers.dense(3, 2, "sigmoid")
    rng = np.random.default_rng(2)
    (W, b), a, t = draw(f.param, rng, 4), rng.normal(size=(4, 3)), rng.normal(size=(4, 2))
    eps, h = 0.3, 1e-6

    def E(W):
        return 0.5 * np.sum((f(W, b, a)[0] - t) ** 2)
    V = rng.normal(size=W.shape)
    directional = (E(W + h * V) - E(W - h * V)) / (2 * h)
    W_new = L(f, eps).update(W, b, a, t)[0]
    assert np.sum((W - W_new) / eps * V) == pytest.approx(directional, rel=1e-6)


def test_quadratic_request_is_input_minus_its_gradient():
    f = layers.dense(3, 2, "tanh")
    rng = np.random.default_rng(3)
    (W, b), a, t = draw(f.param, rng, 2), rng.normal(size=(2, 3)), rng.normal(size=(2, 2))
    da = R(f.f)(W, b, a, f(W, b, a)[0] - t)[2]
    close(L(f, 0.1).request(W, b, a, t), (a - da,))


def test_learner_is_a_lens_whose_put_is_update_and_request():
    f = layers.dense(3, 2, "tanh")
    learner = L(f, 0.1)
    lens = learner.lens()
    rng = np.random.default_rng(4)
    args = draw(learner.update.dom, rng, 2)
    close(lens.get(*args[:3]), learner.implement(*args[:3]))
    close(lens.put(*args), learner.update(*args) + learner.request(*args))


def test_errors():
    f = layers.dense(3, 2)
    with pytest.raises(ValueError, match="step size"):
        L(f, 0.0)
    with pytest.raises(ValueError, match="not invertible"):
        scaled_quadratic(0.0)
    with pytest.raises(TypeError, match="cannot compose learners"):
        L(f, 0.1) >> L(f, 0.1)
    with pytest.raises(TypeError, match="base category"):
        L(Para.R(f), 0.1)
