"""The laws on the JAX backend, and JAX against numpy on the same random programs.

The law bodies are those of ``tests/test_laws.py`` (RD.1-RD.7, ``D`` by Theorem 16, the
transpose identity, category laws of maps, lenses and ``Para``, ``Lens.R`` and ``Para(R)``
functors, the dagger), run with kits whose random models are read on the JAX backends
(``f.to(backend)``) and whose points are JAX arrays.  Each law runs in ``float32`` (JAX's
default; Z2 words are ``uint32`` pairs) and in ``float64`` (``jax_enable_x64``; ``uint64``
words).  Float32 is compared with a float32 tolerance, float64 as tightly as numpy.
"""

import dataclasses
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

jax = pytest.importorskip("jax", reason="the JAX backend needs jax: pip install 'catlearn[jax]'")

import test_laws as laws
from strategies import SMOOTH, Z2, assert_bits_equal, assert_close

from catlearn import R, jax_backend

jnp = jax.numpy
PRECISIONS = ("float32", "float64")
EXAMPLES = 6  # per law, backend and precision: eager JAX runs op by op


@dataclass(frozen=True)
class OnJax:
    """A random model of ``strategies`` whose map is read on a JAX backend."""

    model: Any
    backend: Any

    def map(self, backend=None):
        return self.model.map(self.backend)

    def __getattr__(self, name):
        return getattr(self.model, name)


def _on_jax(model_strategy, backend):
    return lambda *a, **kw: model_strategy(*a, **kw).map(lambda m: OnJax(m, backend))


def _smooth_kit() -> Any:
    def arrays(values):
        return tuple(jnp.asarray(v, jax_backend.dtype()) for v in values)

    def equal(lhs, rhs):
        tight = jax_backend.dtype() == jnp.float64
        assert_close(lhs, rhs, *((1e-8, 1e-10) if tight else (2e-4, 2e-5)))

    return dataclasses.replace(
        SMOOTH, name="JAX", backend=jax_backend.backend,
        model=_on_jax(SMOOTH.model, jax_backend.backend),
        point=lambda draw, w, n, name=None: arrays(SMOOTH.point(draw, w, n, name)),
        cotangent=lambda draw, w, n, name=None: arrays(SMOOTH.cotangent(draw, w, n, name)),
        zeros=lambda w, n: arrays(SMOOTH.zeros(w, n)), add=jnp.add, equal=equal)


def _host(values) -> tuple:
    return tuple(jax_backend.from_words(v) for v in values)


def _z2_kit() -> Any:
    def words(values):
        return tuple(jax_backend.words(v) for v in values)

    return dataclasses.replace(
        Z2, name="Z2/JAX", backend=jax_backend.z2_backend, model=_on_jax(Z2.model, jax_backend.z2_backend),
        point=lambda draw, w, n, name=None: words(Z2.point(draw, w, n, name)),
        cotangent=lambda draw, w, n, name=None: words(Z2.cotangent(draw, w, n, name)),
        zeros=lambda w, n: words(Z2.zeros(w, n)), add=jnp.bitwise_xor,
        equal=lambda lhs, rhs: assert_bits_equal(_host(lhs), _host(rhs)),
        inner=lambda xs, ys: words(Z2.inner(_host(xs), _host(ys))))


KITS = {"JAX": _smooth_kit(), "Z2/JAX": _z2_kit()}


def body(law) -> Any:
    """The body ``(kit, data)`` of a law of ``test_laws`` (its ``law`` decorator closes over
    it), so that it runs here with this module's kits and example counts."""
    cells = dict(zip(law.__code__.co_freevars, law.__closure__ or ()))
    return cells["body"].cell_contents


LAWS = [name for name in dir(laws) if name.startswith("test_") and hasattr(
    getattr(laws, name), "pytestmark") and "body" in getattr(laws, name).__code__.co_freevars]


@pytest.mark.parametrize("precision", PRECISIONS)
@pytest.mark.parametrize("kit", sorted(KITS))
@pytest.mark.parametrize("name", LAWS)
def test_law_on_jax(name, kit, precision):
    """Every law of ``test_laws`` on the JAX backends, in both precisions."""
    run = body(getattr(laws, name))

    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True)
    @given(data=st.data())
    def check(data):
        run(KITS[kit], data)

    with jax.enable_x64(precision == "float64"):
        check()


def test_the_laws_are_found():
    """RD.1-RD.7 and the functor laws are among the laws run here."""
    for name in ("test_rd1_sum", "test_rd4_pairing", "test_rd7_symmetry_of_the_second_derivative",
                 "test_R_is_a_functor_to_lenses", "test_para_R_is_a_functor"):
        assert name in LAWS


# -- JAX against numpy on the same random programs ---------------------------------------


@pytest.mark.parametrize("precision", PRECISIONS)
def test_smooth_programs_agree_with_numpy(precision):
    """f, R(f) and R(R(f)) of random Smooth programs: jitted JAX equals numpy."""
    @settings(max_examples=15, deadline=None, derandomize=True)
    @given(data=st.data())
    def check(data):
        inputs = data.draw(SMOOTH.wires(), label="A")
        model = data.draw(SMOOTH.model(inputs), label="f")
        f = model.map()
        n = data.draw(SMOOTH.batch, label="batch")
        a = SMOOTH.point(data.draw, model.dom, n, "a")
        b = SMOOTH.cotangent(data.draw, model.cod, n, "b")
        rf = R(f)
        for g, args in ((f, a), (rf, a + b), (R(rf), a + b + a)):
            KITS["JAX"].equal(jax_backend.jit(g)(*_device(args)), g(*args))

    with jax.enable_x64(precision == "float64"):
        check()


def _device(arrays):
    return tuple(jnp.asarray(a, jax_backend.dtype()) for a in arrays)


@pytest.mark.parametrize("precision", PRECISIONS)
def test_z2_programs_agree_with_numpy(precision):
    """f and R(f) of random Z2 programs: jitted JAX words equal numpy's, bit for bit."""
    @settings(max_examples=15, deadline=None, derandomize=True)
    @given(data=st.data())
    def check(data):
        inputs = data.draw(Z2.wires(), label="A")
        model = data.draw(Z2.model(inputs), label="f")
        f = model.map()
        n = data.draw(Z2.batch, label="batch")
        a = Z2.point(data.draw, model.dom, n, "a")
        b = Z2.cotangent(data.draw, model.cod, n, "b")
        for g, args in ((f, a), (R(f), a + b)):
            out = jax_backend.jit(g)(*(jax_backend.words(v) for v in args))
            assert_bits_equal(_host(out), g(*args))

    with jax.enable_x64(precision == "float64"):
        check()
