"""Deep dreaming: the supervised lens with the input as parameter, against hand-written ascent."""

import numpy as np
import pytest

from catlearn import Lens
from catlearn.data import load_digits
from catlearn.learning import optim
from catlearn.learning.dream import Dream, ascent, dream, dreamer, input_as_parameter
from catlearn.learning.fit import fit, predict
from catlearn.layers import init
from catlearn.learning.perceptron import mlp

RNG = np.random.default_rng(0)


@pytest.fixture(scope="module")
def digits_model():
    """A digits MLP 64-32-10 trained for a few epochs (about a second)."""
    train, _ = load_digits().split(0.2, seed=0)
    model = mlp([64, 32, 10])
    params = fit(model, init(model, 0), (train.x, train.y), optimizer="adam", lr=0.01,
                 epochs=8, batch_size=32, progress=False).params
    return model, params, train


def hand_written_gradient(params, x, c):
    """``d y_c / d x`` of the relu perceptron, backprop by hand."""
    W2, _, W1, b1 = params  # last layer first, as >> composes
    z1 = x @ W1.T + b1
    return ((W2[c] * (z1 > 0)) @ W1)


def logits(params, x):
    W2, b2, W1, b1 = params
    return np.maximum(x @ W1.T + b1, 0) @ W2.T + b2


def test_the_dreamt_input_is_classified_as_the_target(digits_model):
    model, params, train = digits_model
    noise = RNG.uniform(0, 1, size=(10, 64))
    result = dream(model, params, noise, np.arange(10), steps=30, lr=0.05)
    assert predict(model, params, result.x).argmax(axis=1).tolist() == list(range(10))
    ones = train.x[train.y == 1][:5]
    result = dream(model, params, ones, 7, steps=30, lr=0.05)
    assert (predict(model, params, ones).argmax(axis=1) == 1).all()
    assert (predict(model, params, result.x).argmax(axis=1) == 7).all()
    assert (result.scores[-1] > result.scores[0]).all()


def test_the_parameters_are_unchanged(digits_model):
    model, params, _ = digits_model
    before = [p.copy() for p in params]
    dream(model, params, RNG.uniform(size=64), 4, steps=5, optimizer=optim.adam(0.1))
    for p, q in zip(params, before):
        np.testing.assert_array_equal(p, q)


def test_the_update_never_computes_the_weight_cotangent():
    learner = dreamer(mlp([4, 5, 3]))
    names = [repr(op.gen) for op in learner.update.ops]
    assert "R1[linear]" in names  # the input cotangent
    assert "R0[linear]" not in names and "R0[bias]" not in names  # no weight cotangents
    assert learner.update.cod == learner.model.param  # the new input, nothing else


def test_the_dreamer_is_the_supervised_lens_of_the_swapped_model():
    model = mlp([4, 3])
    swapped = input_as_parameter(model)
    assert swapped.param == model.dom and swapped.dom == model.param
    learner = dreamer(model, optimizer=optim.momentum(0.1, 0.9))
    assert isinstance(learner.lens, Lens)
    assert learner.lens.dom == learner.label @ learner.state @ model.dom @ model.param
    assert learner.lens.cod == ()
    W, b, x = RNG.normal(size=(3, 4)), RNG.normal(size=3), RNG.normal(size=(2, 4))
    np.testing.assert_allclose(swapped(x, W, b)[0], model(W, b, x)[0])


@pytest.mark.parametrize("lr", [0.1, 0.37])
def test_a_dream_step_is_a_hand_written_gradient_ascent_step(lr):
    model = mlp([6, 5, 4])
    params = init(model, seed=1)
    x, c = RNG.normal(size=(3, 6)), np.array([0, 2, 3])
    want = x + lr * np.stack([hand_written_gradient(params, x[i], c[i]) for i in range(3)])
    got = dream(model, params, x, c, steps=1, lr=lr)
    np.testing.assert_allclose(got.x, want, rtol=1e-13, atol=1e-15)
    scores = logits(params, np.stack([x, want]))[:, np.arange(3), c]
    np.testing.assert_allclose(got.scores, scores, rtol=1e-13)


def test_a_batch_dreams_each_example_on_its_own():
    model = mlp([6, 5, 4])
    params = init(model, seed=2)
    x = RNG.normal(size=(4, 6))
    together = dream(model, params, x, 1, steps=3, lr=0.2).x
    alone = np.stack([dream(model, params, row, 1, steps=3, lr=0.2).x for row in x])
    np.testing.assert_allclose(together, alone, rtol=1e-13)


def test_momentum_on_the_input_follows_its_formula():
    model = mlp([6, 5, 4])
    params = init(model, seed=3)
    x0, c, lr, gamma = RNG.normal(size=6), 2, 0.1, 0.5
    x, v = x0.copy(), np.zeros(6)
    for _ in range(3):  # v' = gamma v + lr g, x' = x + v' (ascent)
        v = gamma * v + lr * hand_written_gradient(params, x, c)
        x = x + v
    got = dream(model, params, x0, c, steps=3, optimizer=optim.momentum(lr, gamma))
    np.testing.assert_allclose(got.x, x, rtol=1e-12)


def test_cross_entropy_descends_toward_the_class():
    model = mlp([6, 4])
    params = init(model, seed=4)
    x, c, lr = RNG.normal(size=6), 3, 0.3
    W, b = params
    z = W @ x + b
    s = np.exp(z - z.max()) / np.exp(z - z.max()).sum()
    want = x - lr * W.T @ (s - np.eye(4)[c])
    got = dream(model, params, x, c, steps=1, lr=lr, loss="softmax_cross_entropy")
    np.testing.assert_allclose(got.x, want, rtol=1e-13)


def test_ascent_turns_the_learning_rate_around():
    assert ascent(optim.sgd(0.2)).rate == -0.2
    with pytest.raises(ValueError, match="no learning-rate lens"):
        ascent(optim.rda())


def test_a_single_example_keeps_its_shape():
    model = mlp([3, 2])
    result = dream(model, init(model, 0), np.zeros(3), 1, steps=4)
    assert isinstance(result, Dream)
    assert result.x.shape == (3,) and result.scores.shape == (5,)


@pytest.mark.parametrize("x0, target, message", [
    (np.zeros(4), 0, "shape"),
    (np.zeros((2, 3)), 2, "class indices"),
    (np.zeros(3), -1, "class indices"),
    (np.zeros(3), 0.5, "class indices"),
])
def test_bad_inputs_are_refused_with_a_reason(x0, target, message):
    model = mlp([3, 2])
    with pytest.raises(ValueError, match=message):
        dream(model, init(model, 0), x0, target, steps=1)


def test_bad_settings_are_refused():
    model = mlp([3, 2])
    with pytest.raises(ValueError, match="unknown dreaming loss"):
        dream(model, init(model, 0), np.zeros(3), 0, loss="mse")
    with pytest.raises(ValueError, match="already has its learning rate"):
        dream(model, init(model, 0), np.zeros(3), 0, lr=0.1, optimizer=optim.sgd(0.1))


def test_doctests():
    import doctest

    import importlib

    module = importlib.import_module("catlearn.learning.dream")
    assert doctest.testmod(module).failed == 0
