"""Learned wiring against fixed random wiring, at the same number of gates (digits).

Trains :class:`~catlearn.layers.logic_wiring.LearnedLogicNetwork` (``k`` candidates per gate
input) and the fixed-wiring :class:`~catlearn.layers.logic_net.LogicNetwork` of the same
widths (mux cells, Adam) on scikit-learn digits (3 thresholds per pixel, stratified 80/20
split), and prints the hard test accuracy of each (the exported circuit's, for the learned
one checked against its netlist).

Run: OMP_NUM_THREADS=1 python papers/logic/wiring.py [--gates 300 --layers 2 --k 8]
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from catlearn import fit
from catlearn.circuits.conv_export import export_wired, predictions
from catlearn.data import load_digits
from catlearn.data.encode import fit_array
from catlearn.layers.logic_net import LogicNetwork
from catlearn.layers.logic_wiring import LearnedLogicNetwork


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--gates", type=int, default=300)
    p.add_argument("--layers", type=int, default=2)
    p.add_argument("--k", type=int, default=8)
    p.add_argument("--epochs", type=int, default=30)
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args(argv)
    data = load_digits(normalise=False)
    train, test = data.split(0.2, seed=args.seed)
    enc = fit_array(train.x, levels=3)
    xt, xs = enc.encode_array(train.x), enc.encode_array(test.x)
    widths = (args.gates,) * args.layers
    for name, net in (("fixed", LogicNetwork(xt.shape[1], widths, 10, 3.0, args.seed)),
                      (f"learned k={args.k}", LearnedLogicNetwork(xt.shape[1], widths, 10,
                                                                  args.k, 3.0, args.seed))):
        began = time.perf_counter()
        params = fit(net.para(), net.init(args.seed), (xt.astype(float), train.y),
                     optimizer="adam", lr=0.05, epochs=args.epochs, batch_size=32,
                     seed=args.seed, progress=False).params
        seconds = time.perf_counter() - began
        hard = net.hard(params)
        accuracy = float(np.mean(net.predict(hard, xs) == test.y))
        note = ""
        if isinstance(net, LearnedLogicNetwork):
            circuit = export_wired(net.n_in, 10, hard)
            same = bool((predictions(circuit, xs) == net.predict(hard, xs)).all())
            note = f", exported netlist equal to the Z2 reading on the test set: {same}"
        print(f"{name}: {sum(widths)} gates, hard test {accuracy:.4f}, {seconds:.0f} s{note}",
              flush=True)


if __name__ == "__main__":
    main()
