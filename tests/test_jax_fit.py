"""Training through JAX: the scanned epoch, checkpoints across backends, devices, bad input."""

import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

jax = pytest.importorskip("jax", reason="the JAX backend needs jax: pip install 'catlearn[jax]'")

from catlearn import jax_backend, smooth
from catlearn.core import Generator, Map, Ty
from catlearn.learning import checkpoint as checkpoints, fit_jax, loss, optim
from catlearn.learning.examples import examples
from catlearn.learning.fit import NonFiniteLossError, fit
from catlearn.layers import init
from catlearn.learning.perceptron import mlp
from catlearn.learning.supervised import supervised

jnp = jax.numpy
PRECISIONS = ("float32", "float64")


def blobs(n=90, seed=0):
    """Three separable clusters in the plane, labels 0..2."""
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 3, n)
    x = np.eye(3)[y][:, :2] * 3.0 + rng.normal(scale=0.5, size=(n, 2))
    return x, y


@pytest.mark.parametrize("precision", PRECISIONS)
def test_an_epoch_is_the_numpy_step_over_the_same_batches(precision):
    """One scanned epoch (7 batches of 13, then the remainder of 9) gives the parameters of
    numpy's compiled step run over the same permutation: float rounding apart."""
    x, y = blobs(100)
    model = mlp([2, 5, 3])
    learner = supervised(model, loss.softmax_cross_entropy(3), optim.momentum(0.1, 0.9))
    data = examples(model, x, y)
    params, state = init(model, seed=3), learner.optimizer.init(model.param)
    with jax.enable_x64(precision == "float64"):
        trainer = fit_jax.Trainer(learner, 0.5, data, 13)
        sp, mean_loss, _ = trainer.epoch(trainer.put((*params, *state)), 5, 0)
        order = np.asarray(jax.random.permutation(jax.random.fold_in(jax.random.key(5), 0),
                                                  100))
        assert sp[0].dtype == np.dtype(precision)
    expected, losses = (*params, *state), []
    for i in range(0, 100, 13):
        batch = order[i:i + 13]
        out = learner.step(*expected, data.x[batch], data.targets[batch])
        expected, losses = out[:len(expected)], losses + [float(out[-2]) * len(batch)]
    tolerance = 1e-10 if precision == "float64" else 1e-4
    for got, want in zip(sp, expected):
        np.testing.assert_allclose(np.asarray(got), want, rtol=tolerance, atol=tolerance)
    assert sorted(order.tolist()) == list(range(100))
    assert mean_loss == pytest.approx(sum(losses) / 100, rel=tolerance)


def test_fit_on_jax_learns_and_reports_like_numpy():
    """fit(backend="jax") learns separable blobs; history, callbacks and result as on numpy."""
    x, y = blobs()
    model = mlp([2, 8, 3])
    seen = []
    result = fit(model, init(model, seed=0), (x, y), optimizer="adam", lr=0.05,
                 epochs=15, batch_size=16, validation=(x, y), progress=False, backend="jax",
                 callbacks=[lambda epoch, history, params: seen.append((epoch, params[0]))])
    assert result.history.val_accuracy[-1] >= 0.95
    assert len(result.history) == 15 and [e for e, _ in seen] == list(range(1, 16))
    assert all(isinstance(p, np.ndarray) and p.dtype == np.float64 for p in result.params)
    np.testing.assert_array_equal(seen[-1][1], result.params[0])


def test_checkpoints_resume_across_backends(tmp_path):
    """A JAX checkpoint resumes on numpy, and a numpy checkpoint on JAX (same .npz format)."""
    x, y = blobs()
    model = mlp([2, 4, 3])
    settings = dict(optimizer="momentum", lr=0.05, batch_size=16, progress=False)
    path = tmp_path / "run.npz"
    fit(model, init(model, seed=1), (x, y), epochs=2, checkpoint=path, backend="jax",
        spec={"model": "mlp:4"}, **settings)
    assert checkpoints.read(path).spec == {"model": "mlp:4"}
    on_numpy = fit(model, None, (x, y), epochs=3, resume=path, checkpoint=path, **settings)
    assert len(on_numpy.history) == 3
    on_jax = fit(model, None, (x, y), epochs=4, resume=path, backend="jax", **settings)
    assert len(on_jax.history) == 4
    assert on_jax.history.loss[:3] == on_numpy.history.loss


def test_a_non_finite_loss_names_the_epoch_and_batch():
    """The non-finite-loss error of numpy, from the losses the scanned epoch returns."""
    x, y = blobs()
    model = mlp([2, 8, 3])
    with pytest.raises(NonFiniteLossError, match=r"at epoch \d+, batch \d+ \(examples"):
        fit(model, init(model, seed=0), (x * 1e30, y), optimizer="sgd", lr=1e30,
            epochs=3, batch_size=16, progress=False, backend="jax")


def test_a_generator_without_a_jax_rule_is_named_before_tracing():
    """No JAX rule: the error names the generator and the backend, and nothing is traced."""
    w = smooth.Real((2,))
    f = Map.gen(Generator("mystery", Ty(w), Ty(w)), smooth.backend).to(jax_backend.backend)
    with pytest.raises(NotImplementedError, match=r"backend JAX has no JAX rule for "
                       r"generator mystery"):
        jax_backend.jit(f)


def test_too_many_devices_and_bad_names_say_what_is_wrong():
    """devices=N with fewer devices names how many there are; a wrong backend is refused."""
    x, y = blobs()
    model = mlp([2, 3])
    n = len(jax.devices())
    with pytest.raises(ValueError, match=f"only {n} JAX device"):
        fit(model, init(model, 0), (x, y), epochs=1, progress=False, backend="jax",
            devices=n + 1)
    with pytest.raises(ValueError, match="the backends are 'numpy' and 'jax'"):
        fit(model, init(model, 0), (x, y), epochs=1, progress=False, backend="torch")


FOUR_DEVICES = textwrap.dedent("""
    import json, numpy as np, jax
    from catlearn.learning.fit import fit
    from catlearn.layers import init
    from catlearn.learning.perceptron import mlp
    assert len(jax.devices()) == 4, jax.devices()
    rng = np.random.default_rng(0)
    y = rng.integers(0, 3, 203)
    x = np.eye(3)[y][:, :2] * 3.0 + rng.normal(scale=0.5, size=(203, 2))
    model = mlp([2, 16, 3])
    runs = [fit(model, init(model, seed=2), (x, y), optimizer="adam", lr=0.01, epochs=3,
                batch_size=32, validation=(x, y), progress=False, backend="jax", devices=d)
            for d in (None, 4)]
    from catlearn.learning import fit_jax, loss, optim
    from catlearn.learning.examples import examples
    from catlearn.learning.supervised import supervised
    trainer = fit_jax.Trainer(supervised(model, loss.softmax_cross_entropy(3), optim.adam(0.01)),
                              0.5, examples(model, x, y), 32, fit_jax.device_mesh(4, 32))
    print(json.dumps({"gap": max(float(np.max(np.abs(a - b)))
                                 for a, b in zip(runs[0].params, runs[1].params)),
                      "scale": max(float(np.max(np.abs(a))) for a in runs[0].params),
                      "accuracy": [r.history.val_accuracy[-1] for r in runs],
                      "shards": [[s.data.shape[0] for s in a.addressable_shards]
                                 for a in trainer.data]}))
""")


def test_four_devices_give_the_parameters_of_one():
    """In a subprocess with 4 forced host devices: devices=4 shards the data set and each
    global batch (32 = 4 x 8, remainder 11 replicated) and ends where one device does,
    within float32 rounding."""
    env = {**os.environ, "XLA_FLAGS": "--xla_force_host_platform_device_count=4",
           "JAX_PLATFORMS": "cpu"}
    done = subprocess.run([sys.executable, "-c", FOUR_DEVICES], env=env, capture_output=True,
                          text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr
    result = __import__("json").loads(done.stdout.strip().splitlines()[-1])
    assert result["gap"] <= 1e-5 * max(1.0, result["scale"]), result
    # the training set is sharded: 203 rows padded to 204, 51 on each device
    assert result["shards"] == [[51] * 4] * 3, result["shards"]
    assert result["accuracy"][0] == result["accuracy"][1]


def _cli(args, prelude=""):
    code = f"{prelude}\nimport sys\nfrom catlearn.cli import main\nsys.exit(main({args!r}))"
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=600, check=False)


def test_cli_without_jax_names_the_extra():
    """--backend jax with jax missing: one line, naming the extra to install."""
    done = _cli(["train", "iris", "--backend", "jax", "--no-progress", "--epochs", "1"],
                prelude="import sys; sys.modules['jax'] = None")
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "catlearn train: error: the JAX backend needs jax, which is not installed: "
        "pip install 'catlearn[jax]'"]


def test_cli_with_too_many_devices_says_how_many_there_are():
    """--devices N beyond the devices present: one line naming how many there are."""
    done = _cli(["train", "iris", "--backend", "jax", "--devices", "64", "--no-progress"])
    assert done.returncode == 2
    (line,) = done.stderr.strip().splitlines()
    assert f"only {len(jax.devices())} JAX device" in line


def test_cli_trains_on_jax():
    """catlearn train iris --backend jax ends with its test accuracy."""
    done = _cli(["train", "iris", "--backend", "jax", "--no-progress", "--epochs", "30"])
    assert done.returncode == 0, done.stderr
    last = done.stdout.strip().splitlines()[-1]
    assert last.startswith("test accuracy: ") and float(last.split()[-1]) >= 0.9


def test_the_jitted_step_donates_state_and_parameters():
    """jitted_step: one step equals numpy's; its state and parameter buffers are donated."""
    x, y = blobs(8)
    model = mlp([2, 3])
    learner = supervised(model, loss.softmax_cross_entropy(3), optim.momentum(0.1, 0.9))
    data = examples(model, x, y)
    sp = (*init(model, seed=0), *learner.optimizer.init(model.param))
    expected = learner.step(*sp, data.x, data.targets)
    with jax.enable_x64(True):
        on_device = tuple(jnp.asarray(a) for a in sp)
        out = fit_jax.jitted_step(learner)(*on_device, jnp.asarray(data.x),
                                           jnp.asarray(data.targets))
        for got, want in zip(out, expected, strict=True):
            np.testing.assert_allclose(np.asarray(got), want, rtol=1e-10, atol=1e-12)
        assert all(a.is_deleted() for a in on_device)


CACHED_RUN = textwrap.dedent("""
    import numpy as np
    from catlearn.learning.fit import fit
    from catlearn.layers import init
    from catlearn.learning.perceptron import mlp
    model = mlp([2, 3])
    x, y = np.eye(3)[[0, 1, 2] * 4][:, :2], np.array([0, 1, 2] * 4)
    fit(model, init(model, seed=0), (x, y), epochs=1, progress=False, backend="jax")
""")


@pytest.mark.parametrize("enabled", [True, False])
def test_compiled_steps_go_to_the_user_cache_unless_jax_is_told_not_to(tmp_path, enabled):
    """The persistent compilation cache is in $XDG_CACHE_HOME/catlearn/jax; JAX's own switch
    (JAX_ENABLE_COMPILATION_CACHE=false) turns it off."""
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path), "JAX_PLATFORMS": "cpu"}
    env.pop("JAX_COMPILATION_CACHE_DIR", None)
    if not enabled:
        env["JAX_ENABLE_COMPILATION_CACHE"] = "false"
    done = subprocess.run([sys.executable, "-c", CACHED_RUN], env=env, capture_output=True,
                          text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    cache = tmp_path / "catlearn" / "jax"
    entries = list(cache.iterdir()) if cache.exists() else []
    assert bool(entries) == enabled, entries
