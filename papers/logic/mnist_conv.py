"""MNIST-10 with a convolutional logic-tree network: train, then export and verify the circuit.

The NeurIPS 2024 design (Petersen et al., arXiv 2411.04732) at <= 48k gates: thermometer-coded
pixels (``--levels K`` channels, thresholds ``k / (K + 1)``), blocks of logic trees over 3x3
fields with OR pooling (:class:`catlearn.layers.logic_conv_net.ConvLogicNetwork`), dense logic
layers, a group-sum readout.  Training is Adam on the relaxed network (``catlearn.fit``,
numpy or ``--backend jax``); the last 5,000 training images are the validation split that
chooses the epoch (never the test set).  Every epoch logs the relaxed and hard validation
accuracy and the hard test accuracy, and writes the parameters to ``--params``.

``--export`` reads ``--params``, builds the netlist of the whole classifier (readout
included, :mod:`catlearn.circuits.conv_export`), checks it against the Z2 reading on the
test set and 10^5 random inputs, and prints the gate counts.

Run (the log of the MNIST row of ``papers/logic/README.md``)::

    OMP_NUM_THREADS=1 CATLEARN_DATA=/work/shared/data python papers/logic/mnist_conv.py \\
        --epochs 30 --minutes 50 --lr 0.03 --params papers/logic/mnist_conv.npz \\
        > papers/logic/mnist_conv.log 2>&1
    python papers/logic/mnist_conv.py --export --params papers/logic/mnist_conv.npz
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np

from catlearn.data import load_mnist
from catlearn.data.encode import pixel_thresholds
from catlearn.layers.logic_conv_net import ConvLogicNetwork

VALIDATION = 5000


def encode(x, levels: int) -> np.ndarray:
    """Images ``(n, 28, 28)`` in [0, 1] as channel-major thermometer bits ``(n, K 784)``."""
    return pixel_thresholds(784, levels).encode_array(x.reshape(len(x), 784)).astype(np.uint8)


def network(args) -> ConvLogicNetwork:
    blocks = tuple(tuple(int(v) for v in b.split(",")) for b in args.blocks)
    return ConvLogicNetwork((args.levels, 28, 28), blocks, tuple(args.widths), 10, args.tau,
                            args.seed, args.parametrisation)


def data(args):
    train, test = load_mnist(kind="train", limit=args.train), load_mnist(kind="test")
    x, y = encode(train.x, args.levels), np.asarray(train.y)
    n = len(x) - VALIDATION
    return (x[:n], y[:n]), (x[n:], y[n:]), (encode(test.x, args.levels), np.asarray(test.y))


def train(args) -> None:
    from catlearn import fit
    net = network(args)
    gates = net.gates
    print(f"network: {net}\ngates as a circuit (before simplification): {gates}, "
          f"total {sum(gates.values())}", flush=True)
    (xt, yt), (xv, yv), (xs, ys) = data(args)
    model, began, best = net.para(), time.perf_counter(), [-1.0]

    def report(epoch, history, params):
        hard = net.hard(params)
        val, test = (float(np.mean(net.predict(hard, x) == y)) for x, y in ((xv, yv), (xs, ys)))
        print(f"epoch {epoch}: {time.perf_counter() - began:.0f} s, loss {history.loss[-1]:.4f}, "
              f"relaxed train {history.accuracy[-1]:.4f}, relaxed val "
              f"{history.val_accuracy[-1]:.4f}, hard val {val:.4f}, hard test {test:.4f}",
              flush=True)
        if val > best[0]:
            best[0] = val
            np.savez(args.params, *params, epoch=epoch, spec=json.dumps(vars(args)))
        if time.perf_counter() - began > 60 * args.minutes:
            raise TimeoutError(f"time budget of {args.minutes} minutes spent after epoch {epoch}")

    try:
        fit(model, net.init(args.seed, args.scale), (xt.astype(np.float32), yt),
            optimizer="adam", lr=args.lr, epochs=args.epochs, batch_size=args.batch_size,
            seed=args.seed, validation=(xv.astype(np.float32), yv), progress=False,
            callbacks=[report], backend=args.backend)
    except TimeoutError as stop:
        print(stop)
    print(f"training: {time.perf_counter() - began:.0f} s; best hard validation {best[0]:.4f}")


PASS_THROUGH = ((0, 0, 1, 1), (0, 1, 0, 1))  # y = a, y = b


def difflogic_count(net: ConvLogicNetwork, tables) -> int:
    """Trained gates that are not pass-through, each tree gate counted at every position."""
    positions = [s.out_shape[1] * s.out_shape[2] for s, _ in net.specs for _ in s.levels]
    positions += [1] * len(net.widths)
    return sum(n * sum(tuple(row) not in PASS_THROUGH for row in np.asarray(t).tolist())
               for n, t in zip(positions, tables))


def export(args) -> None:
    from catlearn.circuits.conv_export import export as to_netlist, predictions, verify
    saved = np.load(args.params)
    spec = json.loads(str(saved["spec"]))
    args = argparse.Namespace(**{**spec, "params": args.params,
                                 "random_checks": args.random_checks})
    net = network(args)
    params = [saved[f"arr_{i}"] for i in range(len(net.param_widths))]
    tables = net.hard(params)
    _, _, (xs, ys) = data(args)
    circuit = to_netlist(net, tables)
    accuracy = float(np.mean(predictions(circuit, xs) == ys))
    checks = verify(net, tables, circuit, xs, n_random=args.random_checks)
    print(f"epoch chosen by validation: {int(saved['epoch'])}")
    print(f"gates: {len(circuit.gates) - len(circuit.outputs)} exported (readout included); "
          f"as a circuit before simplification {net.gates}; difflogic count (trained gate "
          f"instances that are not pass-through, pooling ORs excluded): "
          f"{difflogic_count(net, tables)}")
    print(f"verified: {checks['test']} mismatches on the test set, {checks['random']} on "
          f"{checks['random_rows']} random inputs")
    print(f"test accuracy: {accuracy:.4f}")


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--levels", type=int, default=2)
    p.add_argument("--blocks", nargs="+", default=["8,2,3,0,2", "24,2,2,0,2"],
                   help="tree blocks out,depth,k,pad,pool")
    p.add_argument("--widths", type=int, nargs="+", default=[3000, 2000])
    p.add_argument("--tau", type=float, default=10.0)
    p.add_argument("--parametrisation", default="softmax16")
    p.add_argument("--scale", type=float, default=1.0)
    p.add_argument("--lr", type=float, default=0.02)
    p.add_argument("--epochs", type=int, default=8)
    p.add_argument("--batch-size", type=int, default=100)
    p.add_argument("--train", type=int, default=None, help="first N training images")
    p.add_argument("--minutes", type=float, default=55.0)
    p.add_argument("--backend", default="numpy", choices=("numpy", "jax"))
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--params", default="papers/logic/mnist_conv.npz")
    p.add_argument("--export", action="store_true")
    p.add_argument("--random-checks", type=int, default=100000)
    args = p.parse_args(argv)
    (export if args.export else train)(args)


if __name__ == "__main__":
    main()
