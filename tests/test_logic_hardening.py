"""Hardening softmax16 gates: difflogic's argmax function, or the rounded mixed truth table.

Laws: an argmax-hardened gate is one of the sixteen functions, the most probable one; a
rounded gate is the mixture's truth table rounded; the two agree when the softmax is sharp
(one function holds more than half the mass); for the mux cell they are the same rule.
"""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from catlearn.layers.logic_net import FUNCTIONS, LogicNetwork, _mix, harden


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 2 ** 32 - 1), scale=st.floats(0.1, 5.0))
def test_the_two_rules_follow_their_definitions(seed, scale):
    w = np.random.default_rng(seed).normal(0, scale, (50, 16))
    assert (harden(w, "softmax16", "argmax") == FUNCTIONS[w.argmax(axis=1)]).all()
    assert (harden(w, "softmax16", "round") == (_mix(w) > 0.5)).all()
    p = np.exp(w - w.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    sharp = p.max(axis=1) > 0.5
    assert (harden(w, "softmax16", "argmax")[sharp] == harden(w, "softmax16", "round")[sharp]).all()


def test_the_rules_differ_somewhere_at_initialisation():
    net = LogicNetwork(20, (300,), classes=3, parametrisation="softmax16")
    theta = net.init(seed=0)
    differ = (net.hard(theta, "argmax")[0] != net.hard(theta, "round")[0]).any(axis=1)
    assert differ.any() and not differ.all()


def test_for_the_mux_cell_the_rules_coincide():
    net = LogicNetwork(20, (30,), classes=3)
    theta = net.init(seed=1)
    assert all((a == b).all() for a, b in zip(net.hard(theta, "argmax"), net.hard(theta, "round")))


def test_argmax_is_the_default_and_bad_rules_are_refused():
    import pytest
    net = LogicNetwork(20, (30,), classes=3, parametrisation="softmax16")
    theta = net.init(seed=2)
    assert all((a == b).all() for a, b in zip(net.hard(theta), net.hard(theta, "argmax")))
    with pytest.raises(ValueError, match="hardening rule"):
        net.hard(theta, "floor")
