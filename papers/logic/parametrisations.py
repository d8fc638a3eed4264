"""The 4:1 multiplexer cell against difflogic's softmax over 16 functions, on MNIST.

The same network (layers of gates over binarised MNIST, group-sum readout), the same
wiring, batches and Adam; only the gate parametrisation differs: four truth-table
coefficients ``sigmoid(theta)`` per gate (the input-wise parametrisation of Rüttgers et
al., arXiv 2510.03250) or sixteen logits, one per two-input function (Petersen et al.,
arXiv 2210.08277).  After every epoch: the relaxed and the hard (Z2) test accuracy, and
the training time.

Run: python papers/logic/parametrisations.py [--train 10000] [--gates 2000] [--layers 2]
     [--epochs 2]   (MNIST from CATLEARN_DATA)
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from catlearn.data import load_mnist
from catlearn.layers.logic_net import LogicNetwork
from catlearn.learning.fit import fit


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--train", type=int, default=10000)
    parser.add_argument("--gates", type=int, default=2000)
    parser.add_argument("--layers", type=int, default=2)
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--lr", type=float, default=0.05)
    args = parser.parse_args()
    train, test = load_mnist(kind="train", limit=args.train), load_mnist(kind="test")
    x, xt = ((d.x.reshape(len(d.x), -1) > 0.5).astype(float) for d in (train, test))
    print(f"MNIST {len(x)} training / {len(xt)} test images, {args.layers} layers of "
          f"{args.gates} gates, {args.epochs} epochs, Adam lr {args.lr}, batch 100")
    print("| parametrisation | epoch | relaxed | hard | seconds |")
    print("|---|---|---|---|---|")
    for name in ("mux", "softmax16"):
        net = LogicNetwork(784, (args.gates,) * args.layers, 10,
                           tau=float(np.sqrt(args.gates / 10)), seed=0, parametrisation=name)
        began = time.perf_counter()

        def report(epoch, history, params, net=net, name=name, began=began):
            hard = np.mean(net.predict(net.hard(params), xt.astype(np.uint8)) == test.y)
            print(f"| {name} | {epoch} | {history.val_accuracy[-1]:.4f} | {hard:.4f} | "
                  f"{time.perf_counter() - began:.0f} |", flush=True)
        fit(net.para(), net.init(seed=0), (x, train.y), optimizer="adam", lr=args.lr,
            epochs=args.epochs, batch_size=100, validation=(xt, test.y), progress=False,
            callbacks=[report])


if __name__ == "__main__":
    main()
