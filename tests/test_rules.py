"""Fused kernels agree with the traced reverse rules they implement.

A backend rule gives a generator's reverse derivative twice: as a traced map
written with other generators (``Rule.reverse``, which makes ``R`` iterable)
and as fused array kernels (``Rule.vjp``, used by the first-order reverse
pass).  For every generator of the core tables with fused kernels,
``R(f)`` computed with the kernels equals ``R(f)`` computed from the traced
rule (a copy of the backend with ``fused=False``), on random arrays; and so
do their second reverse derivatives ``R(R(f))``, where a kernel's own
derivative comes from the traced rule.
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from catlearn import Map, R, smooth, z2
from catlearn.core import Generator, Ty
from strategies import Z2, assert_close, unfused

Real = smooth.Real
R3, R2, R23 = Real((3,)), Real((2,)), Real((2, 3))
P3, P2, P23 = Real((3,), False), Real((2,), False), Real((2, 3), False)
S = smooth.STRUCTURE


def _pointwise(name, w=R3):
    return Generator(name, Ty(w), Ty(w))


# generator, and how its inputs are drawn: "any" in [-1, 1], "positive" in [0.5, 2],
# "off zero" in +-[0.1, 1] (away from the kink of relu and step)
SMOOTH_GENERATORS = [
    (S["add"](R3), "any"), (S["add"](P3), "any"), (S["neg"](R23), "any"),
    (smooth.mul_gen(R3), "any"), (smooth.mul_gen(R3, P3), "any"), (smooth.mul_gen(P3, R3), "any"),
    (smooth.mul_gen(P3), "any"),
    (S["zero_like"](R3), "any"), (S["zero_from"](R2, R3), "any"),
    (S["zero_from"](P2, R3), "any"), (S["zero_from"](R2, P3), "any"),
    (S["scale"](R3, 1.5), "any"), (S["shift"](R3, -0.5), "any"),
    (_pointwise("exp"), "any"), (_pointwise("log"), "positive"),
    (_pointwise("reciprocal"), "positive"), (_pointwise("sqrt"), "positive"),
    (_pointwise("sigmoid"), "any"), (_pointwise("tanh", R23), "any"),
    (_pointwise("relu"), "off zero"), (_pointwise("step"), "off zero"),
    (_pointwise("softmax"), "any"),
    (smooth.sum_gen(R3), "any"), (smooth.sum_gen(R23), "any"), (smooth.sum_gen(P3), "any"),
    (smooth.batch_sum_gen(R3), "any"),
    (smooth.linear_gen(P23, R3), "any"), (smooth.linear_gen(P23, P3), "any"),
    (smooth.linear_t_gen(P23, R2), "any"), (smooth.linear_t_gen(P23, P2), "any"),
    (smooth.outer_gen(R2, R3), "any"), (smooth.outer_gen(P2, P3), "any"),
    (smooth.bias(3).ops[0].gen, "any"),
]


def _core_rules(rules, module):
    """Names of the rules with fused kernels that ``module`` defines (other modules
    register their own generators in the same table and test them themselves)."""
    return {name for name, rule in rules.items()
            if rule.vjp is not None and rule.forward.__module__ == module}


def test_every_fused_smooth_rule_is_checked():
    assert _core_rules(smooth.RULES, "catlearn.smooth") <= {g.name for g, _ in SMOOTH_GENERATORS}


def _array(rng, wire, how, batch):
    shape = ((batch,) if wire.batched else ()) + wire.shape
    if how == "positive":
        return rng.uniform(0.5, 2.0, size=shape)
    if how == "off zero":
        return rng.uniform(0.1, 1.0, size=shape) * rng.choice([-1.0, 1.0], size=shape)
    return rng.uniform(-1.0, 1.0, size=shape)


@pytest.mark.parametrize("gen, how", SMOOTH_GENERATORS, ids=lambda g: repr(g) if isinstance(
    g, Generator) and g.dom else str(g))
@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2 ** 32 - 1), batch=st.integers(1, 4))
def test_smooth_fused_kernels_agree_with_the_traced_rule(gen, how, seed, batch):
    """R[f] and R[R[f]] with fused kernels equal those from the traced rule (fused=False)."""
    rng = np.random.default_rng(seed)
    f = Map.gen(gen, smooth.backend)
    traced = f.to(unfused(smooth.backend))
    xs = [_array(rng, w, how, batch) for w in f.dom]
    dys = [_array(rng, w, "any", batch) for w in f.cod]
    assert_close(R(f)(*xs, *dys), R(traced)(*xs, *dys), rtol=1e-12, atol=1e-12)
    vs = [_array(rng, w, "any", batch) for w in f.dom]
    assert_close(R(R(f))(*xs, *dys, *vs), R(R(traced))(*xs, *dys, *vs), rtol=1e-12, atol=1e-12)


Z2_GENERATORS = [z2.XOR, z2.AND, z2.NOT, z2.ZERO_LIKE, z2.parity(1).ops[0].gen,
                 z2.parity(3).ops[0].gen]


def test_every_fused_z2_rule_is_checked():
    assert _core_rules(z2.RULES, "catlearn.z2") <= {g.name for g in Z2_GENERATORS}


@pytest.mark.parametrize("gen", Z2_GENERATORS, ids=lambda g: f"{g!r}/{len(g.dom)}")
@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2 ** 32 - 1), n=st.integers(1, 150))
def test_z2_fused_kernels_agree_with_the_traced_rule(gen, seed, n):
    """Over Z2, exactly: R[f] and R[R[f]] fused equal the traced rule's."""
    rng = np.random.default_rng(seed)
    f = Map.gen(gen, z2.backend)
    traced = f.to(unfused(z2.backend))
    k, m = len(f.dom), len(f.cod)
    args = z2.pack(rng.integers(0, 2, size=(n, 2 * k + m)))
    Z2.equal(R(f)(*args[:k + m]), R(traced)(*args[:k + m]))
    Z2.equal(R(R(f))(*args), R(R(traced))(*args))


def test_softmax_is_defined_on_vectors_only():
    """The softmax rule normalises one axis; a matrix-shaped wire is refused by name."""
    import pytest
    with pytest.raises(ValueError, match="vector wires"):
        smooth.softmax((2, 3))
