"""Every registered rule runs on every backend that reads its table, with one meaning.

A generator is defined once (a :class:`~catlearn.backend.Rule` registered with
``Backend.register``); the numpy, JAX and Symbolic backends read the same table.  For
every rule of ``smooth.RULES`` and ``z2.RULES`` (every module of catlearn imported, so
the tables are complete) a small instance ``f`` is built (:data:`SMOOTH`, :data:`Z2`,
or the rule's own ``example``) and

* JAX: ``f`` and ``R(f)`` read on JAX equal numpy within float rounding (float64), and
  bit for bit on Z2 words;
* Symbolic: ``f`` and ``R(f)`` read on sympy object arrays (of numbers) equal numpy, for
  every rule whose forward is symbolic (:data:`NOT_SYMBOLIC` says why the others are not);
* diagrams: the generator is a diagram box (``diagrams.signature.box``); the box and the
  diagram of its reverse derivative (``diagrams.reverse``, derived from the same rule),
  read by ``catlearn.interpret`` in numpy, JAX and sympy, equal ``f`` and ``R(f)``.

:func:`test_every_rule_has_an_instance` fails for a rule with no instance, so a new
generator is run everywhere as soon as it is registered.
"""

import importlib
import pkgutil

import numpy as np
import pytest

import catlearn
from catlearn import Map, R, smooth, symbolic, z2
from catlearn.core import Generator
from catlearn.core import generator as _g
from catlearn.diagrams import interpret, reverse
from catlearn.diagrams.signature import box


@pytest.fixture
def jax_backend():
    pytest.importorskip("jax", reason="the JAX backend needs jax: pip install 'catlearn[jax]'")
    return importlib.import_module("catlearn.jax_backend")


def _every_module():
    for info in pkgutil.walk_packages(catlearn.__path__, "catlearn."):
        if not info.name.endswith("__main__"):
            importlib.import_module(info.name)


_every_module()

Real = smooth.Real
R2, R3, R23, RS = Real((2,)), Real((3,)), Real((2, 3)), Real(())
P2, P3, P23, P1133 = Real((2,), False), Real((3,), False), Real((2, 3), False), \
    Real((1, 1, 2, 2), False)
IMAGE, SMALL = Real((1, 3, 3)), Real((1, 2, 2))
S = smooth.STRUCTURE


def _module(name):
    return importlib.import_module(f"catlearn.{name}")


# generator name -> a small instance (built lazily: constructors live in several modules)
SMOOTH = {
    "add": lambda: S["add"](R2), "neg": lambda: S["neg"](R2), "mul": lambda: S["mul"](R2, P2),
    "zero": lambda: S["zero"](R2), "zero_like": lambda: S["zero_like"](R2),
    "zero_from": lambda: S["zero_from"](R2, P3), "constant": lambda: _g("constant", (), (R2,), 2.0),
    "scale": lambda: S["scale"](R2, 1.5), "shift": lambda: S["shift"](R2, -0.5),
    **{name: (lambda name=name: _g(name, (R2,), (R2,)))
       for name in ("exp", "log", "reciprocal", "sqrt", "sigmoid", "tanh", "relu", "step",
                    "softmax")},
    "sum": lambda: smooth.sum_gen(R23), "expand": lambda: smooth.expand_gen(R2),
    "batch_sum": lambda: smooth.batch_sum_gen(R2), "spread": lambda: smooth.spread_gen(R2),
    "linear": lambda: smooth.linear_gen(P23, R3), "linear_t": lambda: smooth.linear_t_gen(P23, R2),
    "outer": lambda: smooth.outer_gen(R2, R3), "bias": lambda: smooth.bias(2).ops[0].gen,
    "conv2d": lambda: _module("layers.conv").conv2d_gen(P1133, IMAGE),
    "conv2d_t": lambda: _module("layers.conv").conv2d_t_gen(P1133, SMALL),
    "conv2d_w": lambda: _module("layers.conv").conv2d_w_gen(IMAGE, SMALL),
    "channel_bias": lambda: _module("layers.conv").channel_bias_gen(IMAGE),
    "channel_sum": lambda: _module("layers.conv").channel_sum_gen(IMAGE),
    "channel_spread": lambda: _module("layers.conv").channel_spread_gen(IMAGE),
    "maxpool2d": lambda: _module("layers.pool").maxpool2d_gen(Real((1, 2, 4)), 2),
    "pool_mask": lambda: _module("layers.pool").pool_mask_gen(Real((1, 2, 4)), 2),
    "upsample": lambda: _module("layers.pool").upsample_gen(Real((1, 1, 2)), 2),
    "pool_sum": lambda: _module("layers.pool").pool_sum_gen(Real((1, 2, 4)), 2),
    "flatten": lambda: _module("layers.pool").flatten_gen(SMALL),
    "unflatten": lambda: _module("layers.pool").unflatten_gen(Real((4,)), (1, 2, 2)),
    "batch_mean": lambda: _module("learning.ops").batch_mean(R2),
    "spread_mean": lambda: _module("learning.ops").spread_mean(R2),
    "mean_cross_entropy": lambda: _module("learning.ops").mean_cross_entropy(R2),
    "log_softmax": lambda: _module("learning.ops").log_softmax(R2),
    "cross_entropy": lambda: _module("learning.ops").cross_entropy(R2),
    "sigmoid_cross_entropy": lambda: _module("learning.ops").sigmoid_cross_entropy(R2),
    "divide": lambda: _module("learning.ops").divide(R2),
    "power": lambda: _module("learning.ops").power(2.0, R2),
    "logic": lambda: _module("layers.logic").logic_gen(3, 4, 0),
    "gate_inputs": lambda: _module("layers.logic").inputs_gen(3, 4, 0),
    "gather": lambda: _module("layers.logic").gather_gen(3, 4, 0, 1),
    "scatter": lambda: _module("layers.logic").scatter_gen(3, 4, 0, 0),
    "mux": lambda: _module("layers.logic").mux_gen(2),
    "mux_dc": lambda: _module("layers.logic").mux_dc_gen(2),
    "group_sum": lambda: _module("layers.logic_net").group_sum_gen(4, 2, 1.5),
    "group_spread": lambda: _module("layers.logic_net").group_spread_gen(4, 2, 1.5),
    "gate_mix": lambda: _g("gate_mix", (Real((2, 16), False),), (Real((2, 4), False),)),
    "gate_mix_t": lambda: _g("gate_mix_t", (Real((2, 16), False), Real((2, 4), False)),
                             (Real((2, 16), False),)),
    "unstack": lambda: _module("layers.recurrent").unstack_gen(2, 2),
    "stack": lambda: _module("layers.recurrent").stack_gen(2, 2),
    "unstack_masked": lambda: _module("layers.recurrent").unstack_masked_gen(2, 1),
    "stack_masked": lambda: _module("layers.recurrent").stack_masked_gen(2, 1),
    "detach": lambda: _module("layers.recurrent").detach_gen(R2),
    "row_softmax": lambda: _g("row_softmax", (Real((2, 3), False),), (Real((2, 3), False),)),
    "row_softmax_t": lambda: _g("row_softmax_t", (Real((2, 3), False), Real((2, 3), False)),
                                (Real((2, 3), False),)),
}

Z2 = {
    "xor": lambda: z2.XOR, "and": lambda: z2.AND, "not": lambda: z2.NOT,
    "one": lambda: z2.ONE, "zero": lambda: z2.ZERO, "zero_like": lambda: z2.ZERO_LIKE,
    "parity": lambda: z2.parity(3).ops[0].gen,
    "matvec": lambda: z2.matvec([[1, 0, 1], [0, 1, 1]]).ops[0].gen,
    "logic": lambda: _module("layers.logic_z2").logic_gen(3, 2, 0),
}

# rules this test does not run, each with its reason
PENDING = {
    "smooth": set(),
    # the RDA paper's pseudoLinear and its brute-force reverse (catlearn.learning.rda_models):
    # numpy kernels over unpacked bits (np.unpackbits), not written against xp, so not read
    # on JAX; tests/test_rda.py checks them against exhaustive truth tables on numpy
    "z2": {"pseudo_linear", "pseudo_linear_rd"},
}

# smooth rule -> why its forward is not read symbolically
NOT_SYMBOLIC = {
    "maxpool2d": "compares the entries of each window (sympy cannot order symbols)",
    "pool_mask": "compares the entries of each window, as maxpool2d",
    "gate_mix_t": "the reverse of gate_mix's kernel; its own reverse is refused by design",
}

# rules without a second reverse derivative (their R(f) still runs everywhere), and the
# one with no reverse derivative at all (a kernel's reverse, refused by design)
FIRST_ORDER = {"gate_mix", "gate_mix_t", "row_softmax", "row_softmax_t"}
NO_REVERSE = {"gate_mix_t", "row_softmax_t"}


def _and_reverse(name, f):
    return (f,) if name in NO_REVERSE else (f, R(f))


def _as_diagrams(name, f, backend):
    """``f`` and ``R(f)`` again, as the maps of a box and of its reverse diagram in ``backend``."""
    d = box(f.ops[0].gen)
    return tuple(interpret(e, backend).map for e in ((d,) if name in NO_REVERSE
                                                      else (d, reverse(d))))


def _instance(table: dict, rules: dict, name: str) -> Generator:
    if name in table:
        return table[name]()
    return rules[name].example()


def _has_instance(table, rules, name) -> bool:
    return name in table or rules[name].example is not None


@pytest.mark.parametrize("kind", ("smooth", "z2"))
def test_every_rule_has_an_instance(kind):
    table, rules = (SMOOTH, smooth.RULES) if kind == "smooth" else (Z2, z2.RULES)
    missing = sorted(n for n in rules if not _has_instance(table, rules, n)
                     and n not in PENDING[kind])
    assert not missing, (f"{kind}: give these rules a small instance in {__name__}.{kind.upper()}"
                         f" or Rule(example=...): {missing}")


def _cases(table, rules):
    return sorted(n for n in rules if _has_instance(table, rules, n))


def _arrays(f, rng, batch):
    """Positive numbers (every generator's domain: log, sqrt, reciprocal), off ties."""
    return [rng.uniform(0.5, 1.5, size=((batch,) if w.batched else ()) + w.shape)
            for w in f.dom]


def _close(got, want, where):
    assert len(got) == len(want), where
    for g, w in zip(got, want):
        np.testing.assert_allclose(np.asarray(g, dtype=float), np.asarray(w, dtype=float),
                                   rtol=1e-9, atol=1e-12, err_msg=where)


@pytest.mark.parametrize("name", _cases(SMOOTH, smooth.RULES))
def test_a_smooth_rule_reads_the_same_on_jax(name, jax_backend):
    jax = jax_backend.jax
    f = Map.gen(_instance(SMOOTH, smooth.RULES, name), smooth.backend)
    rng = np.random.default_rng(0)
    for g, e in zip(_and_reverse(name, f), _as_diagrams(name, f, smooth.backend)):
        args = _arrays(g, rng, batch=3)
        with jax.enable_x64(True):
            _close(jax_backend.jit(g)(*args), g(*args), f"{name}: {g}")
            _close(jax_backend.jit(e)(*args), g(*args), f"{name}: diagram {e}")


@pytest.mark.parametrize("name", _cases(SMOOTH, smooth.RULES))
def test_a_smooth_rule_reads_the_same_as_a_diagram(name):
    f = Map.gen(_instance(SMOOTH, smooth.RULES, name), smooth.backend)
    rng = np.random.default_rng(4)
    for g, e in zip(_and_reverse(name, f), _as_diagrams(name, f, smooth.backend)):
        assert e.dom == g.dom and e.cod == g.cod, (name, e, g)
        args = _arrays(g, rng, batch=3)
        _close(e(*args), g(*args), f"{name}: diagram {e}")


@pytest.mark.parametrize("name", sorted(set(_cases(SMOOTH, smooth.RULES)) - set(NOT_SYMBOLIC)))
def test_a_smooth_rule_reads_the_same_in_sympy(name):
    f = Map.gen(_instance(SMOOTH, smooth.RULES, name), smooth.backend)
    rng = np.random.default_rng(1)
    for g, e in zip(_and_reverse(name, f), _as_diagrams(name, f, symbolic.backend)):
        args = _arrays(g, rng, batch=1)
        objects = [np.asarray(a, dtype=object) for a in args]
        _close(g.to(symbolic.backend)(*objects), g(*args), f"{name}: {g}")
        _close(e(*objects), g(*args), f"{name}: diagram {e}")


@pytest.mark.parametrize("name", _cases(Z2, z2.RULES))
@pytest.mark.parametrize("precision", ("float32", "float64"))
def test_a_z2_rule_reads_bit_for_bit_on_jax(name, precision, jax_backend):
    jax = jax_backend.jax
    f = Map.gen(_instance(Z2, z2.RULES, name), z2.backend)
    rng = np.random.default_rng(2)
    for g, e in zip((f, R(f)), _as_diagrams(name, f, z2.backend)):
        args = z2.pack(rng.integers(0, 2, size=(130, len(g.dom)))) if g.dom else []
        want = g(*args)
        with jax.enable_x64(precision == "float64"):
            for h in (g, e):
                out = jax_backend.jit(h)(*(jax_backend.words(w) for w in args))
                assert len(out) == len(want)
                for got, w in zip(out, want):
                    np.testing.assert_array_equal(jax_backend.from_words(got), w,
                                                  err_msg=f"{name}: {h}")


@pytest.mark.parametrize("name", _cases(Z2, z2.RULES))
def test_a_z2_rule_reads_bit_for_bit_as_a_diagram(name):
    f = Map.gen(_instance(Z2, z2.RULES, name), z2.backend)
    rng = np.random.default_rng(5)
    for g, e in zip((f, R(f)), _as_diagrams(name, f, z2.backend)):
        assert e.dom == g.dom and e.cod == g.cod, (name, e, g)
        args = z2.pack(rng.integers(0, 2, size=(130, len(g.dom)))) if g.dom else []
        for got, w in zip(e(*args), g(*args), strict=True):
            np.testing.assert_array_equal(np.broadcast_to(got, w.shape), w, err_msg=name)


@pytest.mark.parametrize("name", sorted(set(_cases(SMOOTH, smooth.RULES)) - FIRST_ORDER))
def test_a_smooth_rule_differentiates_twice_on_jax(name, jax_backend):
    """``R(R(f))`` (the traced rules) reads the same on JAX: the reverse is a program too."""
    f = Map.gen(_instance(SMOOTH, smooth.RULES, name), smooth.backend)
    rr = R(R(f))
    args = _arrays(rr, np.random.default_rng(3), batch=2)
    with jax_backend.jax.enable_x64(True):
        _close(jax_backend.jit(rr)(*args), rr(*args), f"{name}: R(R(f))")
