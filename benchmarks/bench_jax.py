"""The JAX backend against its references, ratios within one run (a script).

Five parts (``--part``, default all), each timed in CPU seconds of this process
(``time.process_time``: what a loaded machine's other work does not inflate) as the fastest
of ``--repeats`` interleaved runs:

* ``digits``: the digits MLP 64-32-10 (SGD 0.1, batch 32, 1437 examples) per epoch, in
  float32 and float64: catlearn's JAX epoch (device permutation, one ``lax.scan``, training
  metrics: what ``fit(backend="jax")`` runs) against hand-written numpy backprop
  (``bench_digits.numpy_epoch``) and an idiomatic JAX loop (a ``jax.jit`` step called per
  batch).  Compile time is reported separately (first call minus a steady epoch).
* ``conv``: the CFGBL MNIST conv model at batch 1 (MSE, momentum ``gamma = -0.1``), an epoch
  of ``--examples`` images extrapolated to 60,000; then test accuracy after each of
  ``--curve-epochs`` epochs on ``--curve-examples`` images, JAX against the numpy backend.
* ``z2``: a random 2,000-gate circuit (``bench_z2``) on 10^6 examples: the jitted JAX
  program on packed words against the raw packed-numpy loop.
* ``fit``: the numpy backend's ``fit`` epoch against the compiled ``update`` loop over the
  same batches (digits MLP).
* ``logic``: a logic-gate network (digits binarised at 8, two layers of ``--logic-gates``
  gates, Adam, batch 64) per training epoch, ``fit`` on JAX against ``fit`` on numpy.

One XLA thread and one BLAS thread, like the references::

    OPENBLAS_NUM_THREADS=1 python benchmarks/bench_jax.py [--part digits] [--data-dir DIR]
"""

from __future__ import annotations

import argparse
import os
import sys
import time

os.environ.setdefault("XLA_FLAGS", "--xla_cpu_multi_thread_eigen=false "
                      "intra_op_parallelism_threads=1")

import jax
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench_digits
import bench_z2

from catlearn import jax_backend, layers
from catlearn.data import load_digits, load_mnist
from catlearn.learning import fit_jax, loss, optim
from catlearn.learning.examples import examples
from catlearn.learning.fit import fit
from catlearn.learning.perceptron import init_params, mlp
from catlearn.learning.supervised import supervised

jnp = jax.numpy
LR, BATCH = bench_digits.LR, bench_digits.BATCH


def fastest(runs: dict, repeats: int) -> dict:
    """CPU seconds of the fastest of ``repeats`` interleaved calls of each run (after a
    warm-up)."""
    for run in runs.values():
        run()
    best = {name: float("inf") for name in runs}
    for _ in range(repeats):
        for name, run in runs.items():
            began = time.process_time()
            run()
            best[name] = min(best[name], time.process_time() - began)
    return best


def cpu_epochs(*args, **kwargs) -> tuple:
    """``fit(*args, **kwargs)``: its history and the CPU seconds of each epoch (read by a
    callback; ``history.seconds`` is wall time, which a loaded machine inflates)."""
    stamps = [time.process_time()]
    history = fit(*args, callbacks=[lambda *_: stamps.append(time.process_time())],
                  **kwargs).history
    return history, np.diff(stamps)


def idiomatic_jax_epoch():
    """A ``jax.jit`` SGD step of the hand-written MLP, called once per batch."""
    def batch_loss(params, x, t):
        W1, b1, W2, b2 = params
        logits = jnp.maximum(x @ W1.T + b1, 0) @ W2.T + b2
        return -jnp.mean(jnp.sum(t * jax.nn.log_softmax(logits), axis=1))

    @jax.jit
    def step(params, x, t):
        grads = jax.grad(batch_loss)(params, x, t)
        return tuple(p - LR * g for p, g in zip(params, grads))

    def epoch(params, x, t):
        for i in range(0, len(x), BATCH):
            params = step(params, x[i:i + BATCH], t[i:i + BATCH])
        return jax.block_until_ready(params)
    return epoch


def digits_data():
    digits = load_digits()
    order = np.random.default_rng(0).permutation(len(digits))
    x, y = (np.ascontiguousarray(a[order][:bench_digits.N_TRAIN]) for a in (digits.x, digits.y))
    return x, y


class Epochs:
    """Successive epochs of a :class:`fit_jax.Trainer` (its buffers are donated)."""

    def __init__(self, trainer, state):
        self.trainer, self.sp, self.epoch = trainer, trainer.put(state), 0

    def __call__(self):
        self.sp, value, _ = self.trainer.epoch(self.sp, 0, self.epoch)
        self.epoch += 1
        return value


def part_digits(args) -> None:
    x, y = digits_data()
    model = mlp([64, 32, 10])
    params = init_params(model, seed=0)
    learner = supervised(model, loss.softmax_cross_entropy(10), optim.sgd(LR))
    for precision in ("float32", "float64"):
        with jax.enable_x64(precision == "float64"):
            dtype = np.dtype(precision)
            xs, ts, ps = x.astype(dtype), np.eye(10, dtype=dtype)[y], [p.astype(dtype)
                                                                       for p in params]
            trainer = fit_jax.Trainer(learner, 0.5, examples(model, x, y), BATCH)
            epochs = Epochs(trainer, ps)
            began = time.process_time()
            epochs()
            first = time.process_time() - began
            jax_loop, device_ps = idiomatic_jax_epoch(), tuple(jnp.asarray(p) for p in ps)
            best = fastest({"catlearn jax": epochs,
                            "numpy": lambda: bench_digits.numpy_epoch(ps, xs, ts),
                            "jax loop": lambda: jax_loop(device_ps, xs, ts)}, args.repeats)
            print(f"digits MLP 64-32-10, SGD {LR}, batch {BATCH}, {len(x)} examples, {precision}")
            for name, seconds in best.items():
                print(f"  {name:13s} {seconds * 1e3:8.3f} ms/epoch   x{seconds / best['numpy']:.3f}"
                      f" of numpy   x{seconds / best['jax loop']:.3f} of the jax loop")
            print(f"  catlearn jax compile (first epoch - steady epoch): "
                  f"{first - best['catlearn jax']:.2f} s")


def mnist(args, split: str, limit=None):
    data = load_mnist(args.data_dir, split, limit)
    return data.x.reshape(-1, 1, 28, 28), data.y


def part_conv(args) -> None:
    gamma, lr = -0.1, 0.01
    model = layers.cfgbl_mnist_model()
    params = layers.init(model, seed=0)
    opt = optim.momentum(lr, gamma=gamma)
    learner = supervised(model, loss.mse(10), opt)
    x, y = mnist(args, "train", args.examples)
    trainer = fit_jax.Trainer(learner, 0.5, examples(model, x, y), 1)
    epochs = Epochs(trainer, (*opt.init(model.param), *params))
    began = time.process_time()
    epochs()
    first = time.process_time() - began
    best = fastest({"epoch": epochs}, args.repeats)["epoch"]
    scale = 60000 / len(x)
    print(f"CFGBL MNIST conv model, batch 1, MSE, momentum({lr}, gamma={gamma}), "
          f"{jax_backend.dtype()}: {len(x)} examples timed, x{scale:g} to a 60,000-image epoch")
    print(f"  catlearn jax  {best * scale:8.2f} s/epoch (target <= 1.7)   compile "
          f"{first - best:.2f} s")
    print("  paper code, as reported: 167.4 CPU s/epoch (numeric-optics-python, numpy 1.26, one "
          "thread, quiet machine, 2026-11-29; not run here)")
    curve_x, curve_y = mnist(args, "train", args.curve_examples)
    test = mnist(args, "test")
    for backend in ("numpy", "jax"):
        began = time.process_time()
        history = fit(model, params, (curve_x, curve_y), loss=loss.mse(10), optimizer=opt,
                      epochs=args.curve_epochs, batch_size=1, validation=test, progress=False,
                      backend=backend).history
        print(f"  {backend:5s} test accuracy per epoch on {len(curve_x)} images: "
              + " ".join(f"{a:.4f}" for a in history.val_accuracy)
              + f"   ({time.process_time() - began:.1f} s in all)")


def part_z2(args) -> None:
    n_in = 64
    gates, outputs = bench_z2.random_circuit(n_in, args.gates)
    free = bench_z2.last_uses(n_in, gates, outputs)
    f = bench_z2.as_map(n_in, gates, outputs)
    rng = np.random.default_rng(1)
    n_words = -(-args.z2_examples // 64)
    words = [rng.integers(0, 2**63, n_words, dtype=np.uint64) for _ in range(n_in)]
    for precision in ("uint32", "uint64"):
        with jax.enable_x64(precision == "uint64"):
            run, device = jax_backend.jit(f), [jax_backend.words(w) for w in words]
            began = time.process_time()
            out = jax.block_until_ready(run(*device))
            first = time.process_time() - began
            reference = bench_z2.reference(words, gates, outputs, free)
            assert all(np.array_equal(jax_backend.from_words(a), b) for a, b in zip(out, reference))
            best = fastest({"numpy": lambda: bench_z2.reference(words, gates, outputs, free),
                            "jax": lambda: jax.block_until_ready(run(*device))}, args.repeats)
            evals = args.gates * args.z2_examples
            print(f"Z2 circuit, {args.gates} gates, {args.z2_examples:,} examples, {precision} "
                  f"words: raw packed numpy {best['numpy']:.4f} s "
                  f"({evals / best['numpy'] / 1e9:.1f} G/s), jax {best['jax']:.4f} s "
                  f"({evals / best['jax'] / 1e9:.1f} G/s): "
                  f"x{best['numpy'] / best['jax']:.2f} faster (target >= 1.5); compile "
                  f"{first - best['jax']:.2f} s")


def part_fit(args) -> None:
    x, y = digits_data()
    t = np.eye(10)[y]
    model = mlp([64, 32, 10])
    params = init_params(model, seed=0)
    learner = supervised(model, loss.softmax_cross_entropy(10), optim.sgd(LR))
    update = bench_digits.catlearn_epoch(learner.update.compiled, 4)
    best = fastest({"update": lambda: update(params, x, t)}, args.repeats)["update"]
    _, seconds = cpu_epochs(model, params, (x, y), optimizer=optim.sgd(LR), epochs=args.repeats,
                            batch_size=BATCH, progress=False)
    print(f"numpy backend, digits MLP, float64: fit epoch {min(seconds) * 1e3:.3f} ms, "
          f"compiled update loop {best * 1e3:.3f} ms: x{min(seconds) / best:.3f} "
          "(target <= 1.05)")


def part_logic(args) -> None:
    from catlearn.layers.logic_net import LogicNetwork
    x, y = digits_data()
    bits = (x > 8).astype(float)
    net = LogicNetwork(64, (args.logic_gates, args.logic_gates), classes=10, tau=10.0, seed=0)
    seconds = {}
    for backend in ("numpy", "jax"):
        history, cpu = cpu_epochs(net.para(), net.init(seed=0), (bits, y), optimizer="adam",
                                  lr=0.05, epochs=args.logic_epochs, batch_size=64,
                                  progress=False, backend=backend)
        seconds[backend] = min(cpu[1:])
        print(f"logic-gate network 64 -> {args.logic_gates} -> {args.logic_gates} gates, digits "
              f"binarised, Adam 0.05, batch 64, {backend}: {seconds[backend] * 1e3:.1f} ms/epoch "
              f"(fastest of epochs 2..{args.logic_epochs}; first epoch {cpu[0]:.2f} s"
              f"), training accuracy {history.accuracy[-1]:.4f}")
    print(f"  jax / numpy: x{seconds['jax'] / seconds['numpy']:.3f}")


PARTS = {"digits": part_digits, "conv": part_conv, "z2": part_z2, "fit": part_fit,
         "logic": part_logic}


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--part", choices=sorted(PARTS), action="append")
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--data-dir", help="MNIST idx files' folder (default: $CATLEARN_DATA)")
    parser.add_argument("--examples", type=int, default=6000, help="conv: images timed")
    parser.add_argument("--curve-examples", type=int, default=6000)
    parser.add_argument("--curve-epochs", type=int, default=3)
    parser.add_argument("--gates", type=int, default=2000)
    parser.add_argument("--z2-examples", type=int, default=1_000_000)
    parser.add_argument("--logic-gates", type=int, default=2000)
    parser.add_argument("--logic-epochs", type=int, default=5)
    args = parser.parse_args(argv)
    print(f"jax {jax.__version__} on {jax.devices()[0].platform} ({jax.devices()[0]}); "
          f"XLA_FLAGS={os.environ.get('XLA_FLAGS')!r}; "
          f"OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS')}")
    for name in args.part or PARTS:
        PARTS[name](args)
        sys.stdout.flush()


if __name__ == "__main__":
    main()
