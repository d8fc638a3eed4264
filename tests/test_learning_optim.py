"""Optimizers as lenses, step by step against plain hand-written numpy loops.

Each optimizer lens ``(S @ P, S @ P) -> (P, P)`` is driven for several steps with the
cotangent ``d`` its learning-rate lens would let through (``-lr g`` for the SGD family,
``-g`` for the adaptive ones) and compared, bit for bit, with the textbook (optax)
update on ``g``; the hand-written loops are the oracle and share no code with catlearn.
"""

import numpy as np
import pytest

from catlearn import R, smooth, z2
from catlearn.core import Ty
from catlearn.learning import optim, rate
from catlearn.smooth import Real

PARAMS = Ty(Real((3, 2), False), Real((2,), False))
STEPS = 6


def gradients(seed=0):
    rng = np.random.default_rng(seed)
    return [[rng.normal(size=w.shape) for w in PARAMS] for _ in range(STEPS)]


def initial(seed=1):
    rng = np.random.default_rng(seed)
    return [rng.normal(size=w.shape) for w in PARAMS]


def run_lens(opt, grads):
    """Drive ``opt``'s lens: ``get`` then ``put`` with ``d = rate * g``; return each ``get``."""
    lens = opt.lens(PARAMS, smooth.backend)
    put, get = lens.put.compiled, lens.get.compiled
    state, params, seen = tuple(opt.init(PARAMS)), tuple(initial()), []
    factor = -opt.rate
    for g in grads:
        seen.append(get(*state, *params))
        out = put(*state, *params, *(factor * gi for gi in g))
        state, params = out[:len(state)], out[len(state):]
    return params, seen


def assert_same(got, want):
    for a, b in zip(got, want):
        np.testing.assert_array_equal(a, b)


def test_sgd():
    grads, lr = gradients(), 0.1
    params, _ = run_lens(optim.sgd(lr), grads)
    p = initial()
    for g in grads:
        p = [pi - lr * gi for pi, gi in zip(p, g)]
    np.testing.assert_allclose(params[0], p[0], rtol=1e-15)
    np.testing.assert_allclose(params[1], p[1], rtol=1e-15)


def test_momentum_sign_convention():
    """``v' = gamma v + d`` with ``d = -lr g`` and ``p' = p + v'`` (gamma = +0.9)."""
    grads, lr, gamma = gradients(), 0.1, 0.9
    params, _ = run_lens(optim.momentum(lr, gamma), grads)
    p, v = initial(), [np.zeros(w.shape) for w in PARAMS]
    for g in grads:
        v = [gamma * vi + (-lr) * gi for vi, gi in zip(v, g)]
        p = [pi + vi for pi, vi in zip(p, v)]
    assert_same(params, p)


def test_momentum_accelerates_along_a_constant_gradient():
    grads = [[np.ones(w.shape) for w in PARAMS]] * 3
    params, _ = run_lens(optim.momentum(0.1, 0.5), grads)
    # steps 0.1, 0.15, 0.175 against the gradient
    np.testing.assert_allclose(initial()[1] - params[1], 0.425)


def test_nesterov_evaluates_at_the_look_ahead():
    grads, lr, gamma = gradients(), 0.05, 0.9
    params, seen = run_lens(optim.nesterov(lr, gamma), grads)
    p, v = initial(), [np.zeros(w.shape) for w in PARAMS]
    for g, got in zip(grads, seen):
        assert_same(got, [pi + gamma * vi for pi, vi in zip(p, v)])
        v = [gamma * vi + (-lr) * gi for vi, gi in zip(v, g)]
        p = [pi + vi for pi, vi in zip(p, v)]
    assert_same(params, p)


def test_adagrad():
    grads, lr, eps = gradients(), 0.1, 1e-7
    params, _ = run_lens(optim.adagrad(lr), grads)
    p, a = initial(), [np.full(w.shape, 0.1) for w in PARAMS]
    for g in grads:
        a = [ai + gi * gi for ai, gi in zip(a, g)]
        p = [pi - lr * (gi / np.sqrt(ai + eps)) for pi, gi, ai in zip(p, g, a)]
    assert_same(params, p)


def test_rmsprop():
    grads, lr, decay, eps = gradients(), 0.01, 0.9, 1e-8
    params, _ = run_lens(optim.rmsprop(lr, decay, eps), grads)
    p, nu = initial(), [np.zeros(w.shape) for w in PARAMS]
    for g in grads:
        nu = [decay * n + (1 - decay) * (gi * gi) for n, gi in zip(nu, g)]
        p = [pi - lr * (gi / np.sqrt(n + eps)) for pi, gi, n in zip(p, g, nu)]
    assert_same(params, p)


def test_adam_with_bias_correction():
    grads, lr, b1, b2, eps = gradients(), 0.01, 0.9, 0.999, 1e-8
    params, _ = run_lens(optim.adam(lr, b1, b2, eps), grads)
    p = initial()
    m, v = [np.zeros(w.shape) for w in PARAMS], [np.zeros(w.shape) for w in PARAMS]
    for t, g in enumerate(grads, start=1):
        m = [b1 * mi + (1 - b1) * gi for mi, gi in zip(m, g)]
        v = [b2 * vi + (1 - b2) * (gi * gi) for vi, gi in zip(v, g)]
        m_hat = [mi / (1 - b1 ** t) for mi in m]
        v_hat = [vi / (1 - b2 ** t) for vi in v]
        p = [pi - lr * (mh / (np.sqrt(vh) + eps)) for pi, mh, vh in zip(p, m_hat, v_hat)]
    assert_same(params, p)


def test_adam_state_is_an_explicit_wire():
    opt = optim.adam(0.01)
    assert opt.state(PARAMS) == Ty(Real((), False), *[PARAMS[0]] * 2, Real((), False),
                                   *[PARAMS[1]] * 2)
    lens = opt.lens(PARAMS, smooth.backend)
    assert lens.dom == opt.state(PARAMS) @ PARAMS and lens.cod == PARAMS
    out = lens.put(*opt.init(PARAMS), *initial(), *gradients()[0])
    assert float(out[0]) == 1.0 and float(out[3]) == 1.0  # step counts


def test_adaptive_optimizers_take_the_unit_learning_rate():
    for name in ("adam", "rmsprop", "adagrad"):
        assert optim.named(name, 0.3).rate == 1.0
    assert optim.named("sgd", 0.3).rate == 0.3
    with pytest.raises(ValueError, match="unknown optimizer 'lbfgs'.*adam"):
        optim.named("lbfgs", 0.1)


def test_optimizer_maps_have_reverse_derivatives():
    """The update is a map of smooth generators, so ``R`` applies to it too."""
    lens = optim.adam(0.01).lens(PARAMS, smooth.backend)
    args = [*optim.adam(0.01).init(PARAMS), *initial(), *gradients()[0]]
    args[0] = args[3] = np.array(2.0)  # a count past the first step
    cot = [np.ones_like(a) for a in lens.put(*args)]
    grads = R(lens.put)(*args, *cot)
    assert [g.shape for g in grads] == [np.shape(a) for a in args]
    assert all(np.isfinite(g).all() for g in grads)


def test_chained_transforms_keep_states_side_by_side():
    t = optim.scale_by_momentum(0.5) >> optim.scale(2.0)
    w = PARAMS[1]
    assert t.state(w) == (w,)
    (v, u) = t.map(w, smooth.backend)(np.ones(2), np.ones(2))
    np.testing.assert_array_equal(v, [1.5, 1.5])
    np.testing.assert_array_equal(u, [3.0, 3.0])
    assert repr(t) == "scale_by_momentum(0.5) ; scale(2.0)"


def test_learning_rate_lenses():
    scalar = Ty(Real((), False))
    alpha = rate.constant(0.25, scalar)
    assert alpha.dom == scalar and alpha.cod == Ty()
    assert alpha.get(np.array(3.0)) == ()
    assert float(alpha.put(np.array(3.0))[0]) == -0.25
    ident = rate.identity(z2.bits(2), z2.backend)
    e = z2.pack([[1, 0], [0, 1], [1, 1]])
    assert [list(w) for w in ident.put(*e)] == [list(w) for w in e]


def test_rda_flips_the_parameter_bits_it_is_told_to():
    opt = optim.rda()
    lens = opt.lens(z2.bits(2), z2.backend)
    p, d = [z2.ONES, z2.ZEROS], [z2.ONES, z2.ONES]
    new = lens.put(*p, *d)
    np.testing.assert_array_equal(new[0], z2.ZEROS)
    np.testing.assert_array_equal(new[1], z2.ONES)
    assert opt.learning_rate(z2.bits(1), z2.backend).res == z2.bits(1)
