"""``symbolic.formulas(R(f))`` for every generator of the Smooth table.

``R(f)`` is built in the Smooth backend, where it runs fused numpy kernels
(``R_i[g]``); reading it in the Symbolic backend runs each fused reverse by
its generator's traced rule, so no numpy-only kernel ever meets a sympy
expression.  The table is enumerated: a generator registered later is
either built (:data:`BUILD`, the instances of ``tests/test_every_rule.py``) or listed
in :data:`SKIPPED` with a reason,
and :func:`test_every_generator_is_built_or_skipped` fails until it is.
"""

import numpy as np
import pytest
import sympy

from catlearn import Map, R, smooth, symbolic
from catlearn.derivative import D

from test_every_rule import (NOT_SYMBOLIC, PENDING, SMOOTH as BUILD,  # every module imported
                             _has_instance, _instance)

# generator name -> why symbolic.formulas(R(f)) is not taken for it here: each is a
# forward map written with numpy only (the backend's namespace is not used), which a
# symbolic reading cannot run; their reverses are checked numerically where they live
SKIPPED = {
    **NOT_SYMBOLIC,
    "gate_mix": "forward is a softmax shifted by its maximum (a comparison of symbols)",
    "row_softmax": "forward is a softmax shifted by its maximum, as gate_mix",
    "row_softmax_t": "the reverse of row_softmax's kernel; its own reverse is refused by design",
}


def test_every_generator_is_built_or_skipped():
    missing = sorted(n for n in smooth.backend.rules if n not in SKIPPED and n not in
                     PENDING["smooth"] and not _has_instance(BUILD, smooth.RULES, n))
    assert not missing, f"add a small instance to BUILD (or a reason to SKIPPED): {missing}"


def _symbolic_cases():
    return sorted(name for name in smooth.RULES if name not in SKIPPED
                  and name not in PENDING["smooth"] and _has_instance(BUILD, smooth.RULES, name))


def _numbers(wire, rng, positive):
    shape = (1,) * wire.batched + wire.shape
    return rng.uniform(0.5, 1.5, size=shape) if positive else rng.uniform(-1.0, 1.0, size=shape)


POSITIVE = {"log", "reciprocal", "sqrt"}


@pytest.mark.parametrize("name", _symbolic_cases())
def test_formulas_of_the_reverse_derivative(name):
    """``formulas(R(f))`` exists, and at a point it equals R(f) run on numpy."""
    f = Map.gen(_instance(BUILD, smooth.RULES, name), smooth.backend)
    rf = R(f)
    expressions = symbolic.formulas(rf)
    assert len(expressions) == sum(int(np.prod(w.shape, dtype=int)) for w in f.dom)
    rng = np.random.default_rng(0)
    values = [_numbers(w, rng, name in POSITIVE) for w in rf.dom]
    names = symbolic.default_names(rf)
    point = {s: v for w, n, x in zip(rf.dom, names, values)
             for s, v in zip(np.ravel(symbolic.symbols(w, n)), np.ravel(x))}
    numeric = [v for y in rf(*values) for v in np.ravel(y)]
    for expression, want in zip(expressions, numeric):
        got = complex(sympy.sympify(expression).subs(point).evalf())
        assert got.imag == 0 and np.isclose(got.real, want, rtol=1e-9, atol=1e-12), \
            (name, expression, want)


def test_relu_second_order_and_forward_derivative():
    """The fused relu reverse, read symbolically, differentiates again (issue 8, section 4)."""
    f = smooth.linear(2, 1) >> smooth.relu(1)
    assert symbolic.formulas(R(f), ["W", "x", "dy"])
    assert symbolic.formulas(R(R(smooth.relu(2))))
    assert symbolic.formulas(D(f))
