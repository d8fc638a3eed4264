"""The JAX backends generator by generator: coverage, layers, logic-gate networks, dtypes."""

import importlib
import pkgutil
import subprocess
import sys

import numpy as np
import pytest

jax = pytest.importorskip("jax", reason="the JAX backend needs jax: pip install 'catlearn[jax]'")

import catlearn
from catlearn import R, jax_backend, layers, smooth, z2
from catlearn.layers.logic_net import LogicNetwork
from catlearn.layers.logic_z2 import logic_map

jnp = jax.numpy


def _every_module():
    for info in pkgutil.walk_packages(catlearn.__path__, "catlearn."):
        if not info.name.endswith("__main__"):
            importlib.import_module(info.name)


def test_the_jax_backends_read_the_numpy_tables_themselves():
    """One table per category: a generator registered on numpy is on JAX (no JAX tables;
    ``tests/test_every_rule.py`` runs every rule on both)."""
    _every_module()
    assert jax_backend.backend.rules is smooth.RULES
    assert jax_backend.z2_backend.rules is z2.RULES


def _close(got, want, tolerance=1e-10):
    for g, w in zip(got, want, strict=True):
        np.testing.assert_allclose(np.asarray(g), w, rtol=tolerance, atol=tolerance)


@pytest.mark.parametrize("parametrisation", ("mux", "softmax16"))
def test_a_logic_network_and_its_reverse_agree_with_numpy(parametrisation):
    """A two-layer logic-gate network and R of it: JAX (float64) equals numpy."""
    net = LogicNetwork(6, (12, 9), classes=3, tau=2.0, seed=1, parametrisation=parametrisation)
    f = net.para().f
    rng = np.random.default_rng(0)
    args = (*net.init(seed=2), rng.uniform(size=(5, 6)))
    dy = rng.normal(size=(5, 3))
    with jax.enable_x64(True):
        _close(jax_backend.jit(f)(*args), f(*args))
        _close(jax_backend.jit(R(f))(*args, dy), R(f)(*args, dy))
    if parametrisation == "mux":
        rr = R(R(f))
        with jax.enable_x64(True):
            _close(jax_backend.jit(rr)(*args, dy, *args), rr(*args, dy, *args))


@pytest.mark.parametrize("precision", ("float32", "float64"))
def test_a_z2_logic_layer_and_its_reverse_agree_with_numpy(precision):
    """The Z2 logic layer on packed words, and its reverse: the same bits as numpy."""
    f = logic_map(7, 5, seed=3)
    rng = np.random.default_rng(1)
    words = z2.pack(rng.integers(0, 2, size=(200, len(f.dom))))
    dys = z2.pack(rng.integers(0, 2, size=(200, len(f.cod))))
    with jax.enable_x64(precision == "float64"):
        for g, args in ((f, words), (R(f), words + dys)):
            out = jax_backend.jit(g)(*(jax_backend.words(w) for w in args))
            for got, want in zip(out, g(*args), strict=True):
                np.testing.assert_array_equal(jax_backend.from_words(got), want)


def test_the_cfgbl_conv_model_and_its_second_derivative_agree_with_numpy():
    """Convolutions, pooling (ties included) and reshapes: f, R(f) and R(R(f))."""
    model = layers.cfgbl_mnist_model()
    rng = np.random.default_rng(2)
    params = layers.init(model, seed=0)
    x = rng.integers(0, 3, size=(2, 1, 28, 28)).astype(float)  # integer images: tied maxima
    dy = rng.normal(size=(2, 10))
    f = model.f
    with jax.enable_x64(True):
        _close(jax_backend.jit(R(f))(*params, x, dy), R(f)(*params, x, dy))
        rr = R(R(f))
        _close(jax_backend.jit(rr)(*params, x, dy, *params, x), rr(*params, x, dy, *params, x),
               1e-8)


def test_float32_by_default_and_float64_under_x64():
    """Real wires are float32 on JAX by default and float64 when jax_enable_x64 is set;
    Z2 words are uint32 halves, or uint64."""
    f = (smooth.exp(2) >> smooth.tanh(2)).to(jax_backend.backend)
    x = np.ones((3, 2))
    assert f(x)[0].dtype == jnp.float32
    assert jax_backend.words(np.array([1, 2], dtype=np.uint64)).shape == (2, 2)
    assert jax_backend.words(np.array([1], dtype=np.uint64)).shape == (2, 1)
    with jax.enable_x64(True):
        assert f(x)[0].dtype == jnp.float64
        assert jax_backend.words(np.array([1], dtype=np.uint64)).dtype == jnp.uint64


def test_jax_arrays_are_checked_against_their_wires():
    """A JAX array of the wrong shape, or Z2 words of the wrong layout, are named."""
    f = smooth.exp(2).to(jax_backend.backend)
    with pytest.raises(ValueError, match=r"input wire 0 \(R\^2\): expected shape"):
        f(jnp.ones((3, 4)))
    g = z2.not_().to(jax_backend.z2_backend)
    with pytest.raises(ValueError, match="Z2 wires on JAX carry uint32 words"):
        g(jnp.ones(4, jnp.uint32))


def test_the_core_imports_without_jax():
    """catlearn imports and trains on numpy without jax; the JAX backend then says which
    extra to install."""
    code = ("import sys; sys.modules['jax'] = None\n"
            "import catlearn, catlearn.learning.fit\n"
            "try:\n    import catlearn.jax_backend\n"
            "except ImportError as error:\n    print(error)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == ("the JAX backend needs jax, which is not installed: "
                                   "pip install 'catlearn[jax]'")
