"""The JAX backend against its references, ratios within one run (a script).

Five parts (``--part``, default all), each timed in CPU seconds of this process
(``time.process_time``: what a loaded machine's other work does not inflate) as the fastest
of ``--repeats`` interleaved runs:

* ``digits``: the digits MLP 64-32-10 (batch 32, 1437 examples) per epoch, in float32 and
  float64: catlearn's JAX epoch (device permutation, one ``lax.scan``, training metrics:
  what ``fit(backend="jax")`` runs) against hand-written numpy backprop
  (``reference.numpy_epoch``, SGD 0.1) and an idiomatic JAX loop (one jitted epoch: device
  permutation, ``lax.scan`` of a ``jax.grad`` step, the batch losses returned), with SGD
  0.1 and with Adam 1e-3 (``optax.adam``).  Compile time is reported separately (first call
  minus a steady epoch).
* ``conv``: the CFGBL MNIST conv model at batch 1 (MSE, momentum ``gamma = -0.1``), an epoch
  of ``--examples`` images extrapolated to 60,000; then test accuracy after each of
  ``--curve-epochs`` epochs on ``--curve-examples`` images, JAX against the numpy backend.
* ``z2``: a random 2,000-gate circuit (``bench_z2``) on 10^6 examples: the jitted JAX
  program on packed words against the raw packed-numpy loop.
* ``fit``: the numpy backend's ``fit`` epoch against the bare update loop
  (``reference.update_loop``: the same batches, nothing else), digits MLP, SGD and Adam.
* ``logic``: a logic-gate network (digits binarised at 0.5, two layers of ``--logic-gates``
  gates, Adam, batch 64) per training epoch, ``fit`` on JAX against ``fit`` on numpy.

One XLA thread and one BLAS thread, like the references::

    OPENBLAS_NUM_THREADS=1 python benchmarks/bench_jax.py [--part digits] [--data-dir DIR]
"""

from __future__ import annotations

import argparse
import functools
import os
import sys
import time

os.environ.setdefault("XLA_FLAGS", "--xla_cpu_multi_thread_eigen=false "
                      "intra_op_parallelism_threads=1")

import jax
import numpy as np
import optax

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench_z2
import reference
from reference import BATCH, LR, fastest

from catlearn import jax_backend, layers
from catlearn.data import load_digits, load_mnist
from catlearn.learning import fit_jax, loss, optim
from catlearn.learning.examples import examples
from catlearn.learning.fit import fit
from catlearn.learning.perceptron import mlp
from catlearn.learning.supervised import supervised

jnp = jax.numpy


def cpu_epochs(*args, **kwargs) -> tuple:
    """``fit(*args, **kwargs)``: its history and the CPU seconds of each epoch."""
    result, seconds = reference.cpu_epochs(fit, *args, **kwargs)
    return result.history, seconds


def idiomatic_jax_epoch(transformation, n: int, accuracy: bool = False):
    """What a JAX user writes: one jitted epoch, a device permutation, ``lax.scan`` of a
    ``jax.grad`` step with an optax transformation, the batch losses returned (with
    ``accuracy``, also the correct predictions counted, as ``fit`` reports them)."""
    def batch_loss(params, x, t):  # params (W1, b1, W2, b2)
        W1, b1, W2, b2 = params
        logits = jnp.maximum(x @ W1.T + b1, 0) @ W2.T + b2
        return -jnp.mean(jnp.sum(t * jax.nn.log_softmax(logits), axis=1)), logits

    def step(carry, index):
        params, state, x, t = carry
        (value, logits), grads = jax.value_and_grad(batch_loss, has_aux=True)(
            params, x[index], t[index])
        updates, state = transformation.update(grads, state, params)
        correct = (logits.argmax(axis=1) == t[index].argmax(axis=1)).sum() if accuracy else 0
        return (optax.apply_updates(params, updates), state, x, t), (value, correct)

    @functools.partial(jax.jit, donate_argnums=(0, 1))
    def epoch(params, state, x, t, number):
        order = jax.random.permutation(jax.random.fold_in(jax.random.key(0), number), n)
        full = n // BATCH
        (params, state, _, _), (losses, correct) = jax.lax.scan(
            step, (params, state, x, t), order[:full * BATCH].reshape(full, BATCH))
        (params, state, _, _), (last, tail) = step((params, state, x, t), order[full * BATCH:])
        return params, state, (jnp.concatenate([losses, last[None]]), correct.sum() + tail)
    return epoch


class Loop:
    """Successive epochs of the idiomatic loop (its buffers are donated)."""

    def __init__(self, transformation, params, x, t, accuracy: bool = False):
        self.run = idiomatic_jax_epoch(transformation, len(x), accuracy)
        self.params = tuple(jnp.asarray(p) for p in params)
        self.state, self.x, self.t, self.number = transformation.init(self.params), \
            jnp.asarray(x), jnp.asarray(t), 0

    def __call__(self):
        self.params, self.state, losses = self.run(self.params, self.state, self.x, self.t,
                                                   self.number)
        self.number += 1
        return float(np.asarray(losses[0]).mean()), int(losses[1])


def digits_data():
    (x, y), _ = reference.digits_split()
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
    params = layers.init(model, seed=0)
    hand = reference.hand_order(model, params)
    for precision in ("float32", "float64"):
        with jax.enable_x64(precision == "float64"):
            dtype = np.dtype(precision)
            xs, ts, ps = x.astype(dtype), np.eye(10, dtype=dtype)[y], [p.astype(dtype)
                                                                       for p in params]
            hs = [h.astype(dtype) for h in hand]
            runs, first = {"numpy sgd": lambda: reference.numpy_epoch(hs, xs, ts)}, {}
            for name, opt, transformation in (("sgd", optim.sgd(LR), optax.sgd(LR)),
                                              ("adam", optim.adam(1e-3), optax.adam(1e-3))):
                learner = supervised(model, loss.softmax_cross_entropy(10), opt)
                trainer = fit_jax.Trainer(learner, 0.5, examples(model, x, y), BATCH)
                epochs = Epochs(trainer, (*ps, *opt.init(model.param)))
                began = time.process_time()
                epochs()
                first[name] = time.process_time() - began
                runs[f"catlearn {name}"] = epochs
                runs[f"jax loop {name}"] = Loop(transformation, hs, xs, ts)
                runs[f"jax loop+acc {name}"] = Loop(transformation, hs, xs, ts, accuracy=True)
            best = fastest(runs, args.repeats)
            print(f"digits MLP 64-32-10, batch {BATCH}, {len(x)} examples, {precision} "
                  f"(CPU ms per epoch, fastest of {args.repeats})")
            for name, seconds in best.items():
                kind = name.split()[-1]
                print(f"  {name:15s} {seconds * 1e3:8.3f}   x{seconds / best['numpy sgd']:.3f} of "
                      f"numpy sgd   x{seconds / best[f'jax loop {kind}']:.3f} of the jax loop "
                      f"({kind})")
            for name, seconds in first.items():
                print(f"  catlearn {name} compile (first epoch - steady epoch): "
                      f"{seconds - best[f'catlearn {name}']:.2f} s")


def mnist(args, split: str, limit=None):
    data = load_mnist(args.data_dir, split, limit)
    return data.x.reshape(-1, 1, 28, 28), data.y


class ConvLoop:
    """The CFGBL conv model written by hand in JAX, trained at batch 1 by one jitted epoch:
    a device permutation, ``lax.scan`` over single examples, ``jax.grad``, momentum
    ``v' = g + gamma v``, ``p' = p - lr v'`` (the paper code's)."""

    def __init__(self, params, x, t, lr: float, gamma: float):
        lax, n = jax.lax, len(x)

        def forward(params, image):
            k1, k2, W, b = params
            dims = ("NCHW", "OIHW", "NCHW")
            h = lax.conv_general_dilated(image[None], k1, (1, 1), "VALID", dimension_numbers=dims)
            h = lax.reduce_window(jnp.maximum(h, 0), -jnp.inf, lax.max, (1, 1, 2, 2), (1, 1, 2, 2),
                                  "VALID")
            h = lax.conv_general_dilated(h, k2, (1, 1), "VALID", dimension_numbers=dims)
            h = lax.reduce_window(jnp.maximum(h, 0), -jnp.inf, lax.max, (1, 1, 2, 2), (1, 1, 2, 2),
                                  "VALID")
            return jax.nn.sigmoid(W @ h.reshape(-1) + b)

        def step(carry, i):
            params, velocity = carry
            grads = jax.grad(lambda p: jnp.sum((forward(p, self.x[i]) - self.t[i]) ** 2))(params)
            velocity = tuple(g + gamma * v for g, v in zip(grads, velocity))
            return (tuple(p - lr * v for p, v in zip(params, velocity)), velocity), None

        @functools.partial(jax.jit, donate_argnums=(0,))
        def epoch(carry, number):
            order = jax.random.permutation(jax.random.fold_in(jax.random.key(0), number), n)
            return lax.scan(step, carry, order)[0]

        self.run, self.number = epoch, 0
        self.x, self.t = jnp.asarray(x), jnp.asarray(t)
        params = tuple(jnp.asarray(p, jnp.float32) for p in params)
        self.carry = (params, tuple(jnp.zeros_like(p) for p in params))

    def __call__(self):
        self.carry = jax.block_until_ready(self.run(self.carry, self.number))
        self.number += 1


def part_conv(args) -> None:
    gamma, lr = -0.1, 0.01
    model = layers.cfgbl_mnist_model()
    params = layers.init(model, seed=0)
    opt = optim.momentum(lr, gamma=gamma)
    learner = supervised(model, loss.mse(10), opt)
    x, y = mnist(args, "train", args.examples)
    trainer = fit_jax.Trainer(learner, 0.5, examples(model, x, y), 1)
    epochs = Epochs(trainer, (*params, *opt.init(model.param)))
    began = time.process_time()
    epochs()
    first = time.process_time() - began
    idiomatic = ConvLoop(params, x.astype(np.float32), np.eye(10, dtype=np.float32)[y], lr, gamma)
    best = fastest({"catlearn": epochs, "jax scan": idiomatic}, args.repeats)
    scale = 60000 / len(x)
    print(f"CFGBL MNIST conv model, batch 1, MSE, momentum({lr}, gamma={gamma}), "
          f"{jax_backend.dtype()}: {len(x)} examples timed, x{scale:g} to a 60,000-image epoch")
    print(f"  catlearn jax  {best['catlearn'] * scale:8.2f} s/epoch (target <= 1.7)   compile "
          f"{first - best['catlearn']:.2f} s")
    print(f"  jax scan      {best['jax scan'] * scale:8.2f} s/epoch (the same model as an "
          f"idiomatic lax.scan loop: the floor)   catlearn / floor: "
          f"x{best['catlearn'] / best['jax scan']:.3f}")
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


def random_netlist(n_in: int, n_gates: int):
    """``bench_z2``'s random circuit as a :class:`Netlist` (for the levelled evaluators)."""
    from catlearn.netlist.netlist import Netlist
    gates, outputs = bench_z2.random_circuit(n_in, n_gates)
    names = [f"x{i}" for i in range(n_in)] + [f"g{k}" for k in range(n_gates)]
    specs = [(names[n_in + k], kind, (names[a],) if kind == "not" else (names[a], names[b]))
             for k, (kind, a, b) in enumerate(gates)]
    return Netlist.from_gates("random", names[:n_in], [names[o] for o in outputs], specs), \
        gates, outputs


def mnist_shaped_classifier(widths: str):
    """The exported circuit of a logic-gate classifier of MNIST's shape (784 inputs, layers
    of ``widths`` gates, popcount-argmax readout over 10 classes), random truth tables
    (what ``circuit fit`` exports, without the training): 4000,4000,4000 gives 24,876 gates."""
    from catlearn.circuits.classifier import export
    from catlearn.layers.logic_net import LogicNetwork
    net = LogicNetwork(784, tuple(int(w) for w in widths.split(",")), classes=10, seed=0)
    return export(net, net.hard(net.init(seed=1, scale=3.0)))


def part_z2(args) -> None:
    """The levelled XLA evaluator (catlearn.netlist.xla) against raw packed numpy (one numpy
    call per gate) and the native evaluator, on the random circuit and on ``--blif``."""
    from catlearn.netlist import native
    from catlearn.netlist.blif import load_blif
    from catlearn.netlist.xla import XlaEvaluator
    n_in = 64
    netlist, gates, outputs = random_netlist(n_in, args.gates)
    circuits = [(f"random circuit, {args.gates} gates", netlist, (gates, outputs))]
    if args.blif:
        circuits.append((f"{args.blif}, {len(load_blif(args.blif).gates)} gates",
                         load_blif(args.blif), None))
    if args.classifier:
        net = mnist_shaped_classifier(args.classifier)
        circuits.append((f"MNIST-shaped classifier {args.classifier}, {len(net.gates)} gates",
                         net, None))
    n_words = -(-args.z2_examples // 64)
    rng = np.random.default_rng(1)
    for title, net, raw in circuits:
        words = rng.integers(0, 2**63, (len(net.inputs), n_words), dtype=np.uint64)
        began = time.process_time()
        xla = XlaEvaluator(net)
        first = xla.evaluate(words)
        compile_seconds = time.process_time() - began
        fast = native.evaluator(net)
        assert np.array_equal(first, fast.evaluate(words)), "the XLA bits differ from native"
        runs = {"xla": lambda: xla.evaluate(words), "native": lambda: fast.evaluate(words)}
        if raw is not None:
            free = bench_z2.last_uses(n_in, *raw)
            rows = list(words)
            runs["numpy"] = lambda: bench_z2.reference(rows, *raw[:1], raw[1], free)
        best = fastest(runs, args.repeats)
        base = best.get("numpy", best["native"])
        print(f"Z2 {title}, {args.z2_examples:,} examples, {xla.program.depth} levels: "
              + ", ".join(f"{name} {seconds:.4f} s (x{base / seconds:.2f})"
                          for name, seconds in best.items())
              + f"   (x = speed relative to {'raw packed numpy' if raw else 'native'}; "
              f"target >= 1.5); XLA build + compile + first call {compile_seconds:.2f} s "
              "(target < 10)")


def part_fit(args) -> None:
    x, y = digits_data()
    t = np.eye(10)[y]
    model = mlp([64, 32, 10])
    params = layers.init(model, seed=0)
    for opt in (optim.sgd(LR), optim.adam(1e-3)):
        learner = supervised(model, loss.softmax_cross_entropy(10), opt)
        loop, ps = reference.update_loop(learner), (*params, *opt.init(model.param))
        best = fastest({"update": lambda: loop(ps, x, t)}, args.repeats)["update"]
        fits = []
        for _ in range(3):  # interleaved with the reference, so both see the same load
            _, seconds = cpu_epochs(model, params, (x, y), optimizer=opt, epochs=args.repeats,
                                    batch_size=BATCH, progress=False)
            fits.append(min(seconds))
            best = min(best, fastest({"update": lambda: loop(ps, x, t)}, args.repeats)["update"])
        print(f"numpy backend, digits MLP, {opt.name}, float64: fit epoch {min(fits) * 1e3:.3f} ms, "
              f"bare update loop {best * 1e3:.3f} ms: x{min(fits) / best:.3f} (target <= 1.05)")


def part_logic(args) -> None:
    from catlearn.layers.logic_net import LogicNetwork
    x, y = digits_data()
    bits = (x > 0.5).astype(float)  # load_digits() scales the pixels to [0, 1]
    net = LogicNetwork(64, (args.logic_gates, args.logic_gates), classes=10, tau=10.0, seed=0)
    seconds = {}
    for backend in ("numpy", "jax"):
        history, cpu = cpu_epochs(net.para(), net.init(seed=0), (bits, y), optimizer="adam",
                                  lr=0.05, epochs=args.logic_epochs, batch_size=64,
                                  progress=False, backend=backend)
        seconds[backend] = min(cpu[1:])
        print(f"logic-gate network 64 -> {args.logic_gates} -> {args.logic_gates} gates, digits "
              f"binarised at 0.5, Adam 0.05, batch 64, {backend}: "
              f"{seconds[backend] * 1e3:.1f} ms/epoch (fastest of epochs 2..{args.logic_epochs};"
              f" first epoch {cpu[0]:.2f} s), training accuracy {history.accuracy[-1]:.4f}")
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
    parser.add_argument("--blif", help="z2: also a netlist file (e.g. an exported classifier)")
    parser.add_argument("--classifier", default="4000,4000,4000", metavar="WIDTHS",
                        help="z2: also an MNIST-shaped exported classifier of these layer "
                        "widths ('' for none)")
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
