"""softmax16 hardening: difflogic's argmax function against the rounded mixed truth table.

Trains :class:`~catlearn.layers.logic_net.LogicNetwork` (``parametrisation="softmax16"``) on
scikit-learn digits (3 thresholds per pixel, stratified 80/20 split) and reports, after
every epoch, the hard test accuracy with ``hard(params, rule="argmax")`` and
``rule="round"`` and the number of gates whose two hard tables differ.

Run: OMP_NUM_THREADS=1 python papers/logic/hardening.py [--seeds 0 1 2]
"""

from __future__ import annotations

import argparse

import numpy as np

from catlearn import fit
from catlearn.data import load_digits
from catlearn.data.encode import fit_array
from catlearn.layers.logic_net import LogicNetwork


def run(seed: int, epochs: int, gates: int, layers: int) -> list[tuple]:
    data = load_digits(normalise=False)
    train, test = data.split(0.2, seed=seed)
    encoding = fit_array(train.x, levels=3)
    xt, xs = encoding.encode_array(train.x), encoding.encode_array(test.x)
    net = LogicNetwork(xt.shape[1], (gates,) * layers, classes=10, tau=10.0, seed=seed,
                       parametrisation="softmax16")
    rows = []

    def report(epoch, history, params):
        acc = {r: float(np.mean(net.predict(net.hard(params, r), xs) == test.y))
               for r in ("argmax", "round")}
        differ = sum(int((a != b).any(axis=1).sum()) for a, b in
                     zip(net.hard(params, "argmax"), net.hard(params, "round")))
        rows.append((seed, epoch, acc["argmax"], acc["round"], differ))
        print(f"seed {seed} epoch {epoch}: hard test argmax {acc['argmax']:.4f}, round "
              f"{acc['round']:.4f}, gates differing {differ} of {net.n_gates}", flush=True)

    fit(net.para(), net.init(seed), (xt.astype(float), train.y), optimizer="adam", lr=0.05,
        epochs=epochs, batch_size=32, seed=seed, progress=False, callbacks=[report])
    return rows


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    p.add_argument("--epochs", type=int, default=20)
    p.add_argument("--gates", type=int, default=1000)
    p.add_argument("--layers", type=int, default=3)
    args = p.parse_args(argv)
    rows = [r for s in args.seeds for r in run(s, args.epochs, args.gates, args.layers)]
    last = [r for r in rows if r[1] == args.epochs]
    print(f"final hard test, mean over seeds: argmax {np.mean([r[2] for r in last]):.4f}, "
          f"round {np.mean([r[3] for r in last]):.4f}")


if __name__ == "__main__":
    main()
