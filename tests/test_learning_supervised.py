"""The supervised learning lens: one training step against hand-written numpy backprop."""

import numpy as np
import pytest

from catlearn import Lens, Para, z2
from catlearn.core import trace
from catlearn import layers
from catlearn.learning import loss, perceptron as models, optim
from catlearn.learning.supervised import SupervisedLearner, share, supervised

RNG = np.random.default_rng(0)


def numpy_sgd_step(params, x, t, lr, loss_name):
    """One SGD step of a 1-hidden-layer relu perceptron, backprop by hand (parameters
    last layer first, as ``>>`` composes them)."""
    W2, b2, W1, b1 = params
    z1 = x @ W1.T + b1
    h = np.maximum(z1, 0)
    p = h @ W2.T + b2
    n = len(x)
    if loss_name == "mse":
        value = np.mean(0.5 * np.sum((p - t) ** 2, axis=1))
        dp = (p - t) / n
    else:
        e = np.exp(p - p.max(axis=1, keepdims=True))
        s = e / e.sum(axis=1, keepdims=True)
        value = np.mean(-np.sum(t * np.log(s), axis=1))
        dp = (s - t) / n
    dW2, db2 = dp.T @ h, dp.sum(axis=0)
    dh = (dp @ W2) * (z1 > 0)
    dW1, db1 = dh.T @ x, dh.sum(axis=0)
    grads = (dW2, db2, dW1, db1)
    return tuple(w - lr * g for w, g in zip(params, grads)), value, p


@pytest.mark.parametrize("loss_name", ["softmax_cross_entropy", "mse"])
def test_one_step_equals_hand_written_backprop(loss_name):
    model = models.mlp([5, 7, 3])
    params = layers.init(model, seed=3)
    x, t = RNG.normal(size=(11, 5)), np.eye(3)[RNG.integers(0, 3, 11)]
    learner = supervised(model, loss.named(loss_name)(3), optim.sgd(0.2))
    want, value, prediction = numpy_sgd_step(params, x, t, 0.2, loss_name)
    for got, w in zip(learner.update(*params, x, t), want):
        np.testing.assert_allclose(got, w, rtol=1e-13, atol=1e-15)
    *new, got_value, got_prediction = learner.step(*params, x, t)
    for got, w in zip(new, want):
        np.testing.assert_allclose(got, w, rtol=1e-13, atol=1e-15)
    assert float(got_value) == pytest.approx(value, rel=1e-13)
    np.testing.assert_allclose(got_prediction, prediction, rtol=1e-13)


def test_the_learner_is_one_composite_lens():
    model = models.mlp([4, 3])
    learner = supervised(model, loss.mse(3), optim.momentum(0.1))
    lens = learner.lens
    assert isinstance(lens, Lens)
    assert lens.dom == loss.mse(3).param @ learner.state @ model.param @ model.dom
    assert lens.cod == () and lens.cod_back == ()
    assert lens.dom_back == lens.dom


def test_step_runs_every_forward_operation_once():
    model = models.mlp([6, 5, 4, 3])
    learner = supervised(model, loss.softmax_cross_entropy(3), optim.nesterov(0.1))
    names = [op.gen.name for op in learner.step.ops]
    assert names.count("linear") == 3 and names.count("log_softmax") == 1
    # gamma v once per parameter, shared by the look-ahead (get) and the update (put)
    assert names.count("scale") == len(model.param)
    assert len(learner.update.ops) == len(learner.step.ops)


def test_step_and_update_agree_for_every_optimizer():
    model = models.mlp([4, 5, 3])
    params = layers.init(model, seed=1)
    x, t = RNG.normal(size=(9, 4)), np.eye(3)[RNG.integers(0, 3, 9)]
    for name in optim.OPTIMIZERS:
        opt = optim.named(name, 0.05)
        learner = supervised(model, loss.softmax_cross_entropy(3), opt)
        state = opt.init(model.param)
        k = len(state) + len(params)
        by_update = learner.update(*params, *state, x, t)
        by_step = learner.step(*params, *state, x, t)[:k]
        for a, b in zip(by_update, by_step):
            np.testing.assert_array_equal(a, b)


def test_share_merges_identical_operations_only():
    from catlearn import smooth
    f = trace(smooth.exp(2).dom, lambda x: (smooth.exp(2)(x), smooth.exp(2)(x),
                                           smooth.log(2)(x)), smooth.backend)
    shared = share(f)
    assert [op.gen.name for op in shared.prune().ops] == ["exp", "log"]
    x = np.array([[1.0, 2.0]])
    for a, b in zip(f(x), shared(x)):
        np.testing.assert_array_equal(a, b)


def test_types_must_meet():
    with pytest.raises(TypeError, match="loss takes predictions of type"):
        supervised(models.mlp([4, 3]), loss.mse(2), optim.sgd(0.1))


def test_z2_learner_with_rda_learns_a_projection():
    """Over Z2: error ``t + y``, identity learning rate, ``p' = p + dp``: the RDA update.

    Model ``y = p0 x0 + p1 x1``; target ``y = x0``.  One example per step, replicated
    across the word (parameters are broadcast words).
    """
    model = Para.of(trace(z2.bits(4), lambda p0, p1, x0, x1: p0 * x0 + p1 * x1, z2.backend), 2)
    learner = supervised(model, loss.z2_error(1), optim.rda())
    update = learner.update.compiled
    params = (z2.ZEROS, z2.ONES)
    examples = [((1, 0), 1), ((0, 1), 0), ((1, 1), 1), ((1, 0), 1)]
    seen = []
    for (x0, x1), label in examples:
        words = z2.pack([[x0, x1, label]] * 64)
        params = update(*params, words[0], words[1], words[2])
        seen.append([int(w[0] & 1) for w in params])
    assert seen == [[1, 1], [1, 0], [1, 0], [1, 0]]
    *new, error, prediction = learner.step(z2.ONES, z2.ZEROS, words[0], words[1], words[2])
    assert [int(w[0] & 1) for w in new] == [1, 0] and int(error[0] & 1) == 0


def test_learner_is_a_value():
    learner = supervised(models.mlp([2, 2]), loss.mse(2), optim.sgd(0.1))
    assert isinstance(learner, SupervisedLearner)
    with pytest.raises(AttributeError):
        learner.model = None


def test_update_is_called_as_learns_update():
    """``supervised(...).update`` and Backprop as Functor's ``U : P x A x B -> P`` take the
    same arguments in the same order and, for SGD on the quadratic error, agree."""
    from catlearn import smooth
    from catlearn.learning.backprop_functor import L
    model = Para.of(smooth.linear(3, 2))
    w, a, b = RNG.normal(size=(2, 3)), RNG.normal(size=(1, 3)), RNG.normal(size=(1, 2))
    learner, learn = supervised(model, loss.mse(2), optim.sgd(0.3)), L(model, eps=0.3)
    assert learner.update.dom == learn.update.dom == model.param @ model.dom @ model.cod
    np.testing.assert_allclose(learner.update(w, a, b)[0], learn.update(w, a, b)[0],
                               rtol=1e-13)


def test_update_returns_parameters_then_state():
    model = models.mlp([3, 2])
    learner = supervised(model, loss.mse(2), optim.adam(0.01))
    assert learner.update.dom == model.param @ learner.state @ model.dom @ model.cod
    assert learner.update.cod == model.param @ learner.state
    assert learner.step.cod[:len(model.param) + len(learner.state)] == learner.update.cod
