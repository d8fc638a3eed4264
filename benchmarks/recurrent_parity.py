"""Parity of bit strings: a recurrent logic-gate network (a circuit with latches) against a GRU.

Run: ``python benchmarks/recurrent_parity.py [--length 16] [--seed 0]``.  The gate network
is learned by RDA over the unrolled network from 512 training strings, exported as BLIF
with its latches and evaluated by simulation; the GRU (hidden 16, catlearn, Adam lr 0.01,
binary cross-entropy, 4,000 training strings, 20 epochs) is trained with ``fit``.  Both
are tested on 1,000 fresh strings of the training length and of length 64; the trivial
baseline is 50 %.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time


from catlearn import fit
from catlearn.netlist.blif import load_blif, save_blif
from catlearn.circuits.recurrent_gates import accuracy, fit_sequence_classifier
from catlearn.data.sequences import parity_sequences
from catlearn.layers.recurrent import gru, init_params, sequence_model


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--length", type=int, default=16)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--epochs", type=int, default=20)
    args = parser.parse_args()
    T = args.length
    tests = {n: parity_sequences(1000, n, seed=args.seed + 100 + n) for n in (T, 64)}
    print(f"parity, training length {T}")
    print(f"| model | training | test acc. length {T} | test acc. length 64 | seconds |")
    print("|---|---|---|---|---|")
    print("| trivial baseline | - | 0.500 | 0.500 | - |")
    x, y = parity_sequences(512, T, seed=args.seed)
    start = time.perf_counter()
    result = fit_sequence_classifier(x, y, "rda", args.seed, name="parity")
    seconds = time.perf_counter() - start
    path = os.path.join(tempfile.mkdtemp(), "parity.blif")
    save_blif(result.netlist, path)
    circuit = load_blif(path)  # evaluate the exported file, latches and all
    accs = [accuracy(circuit, *tests[n]) for n in (T, 64)]
    print(f"| recurrent gate network (rda; {result.state_bits} latch, {result.gates} gates) "
          f"| 512 strings | {accs[0]:.3f} | {accs[1]:.3f} | {seconds:.1f} |", flush=True)
    xg, yg = parity_sequences(4000, T, seed=args.seed + 1)
    model = sequence_model(gru(1, 16), T, 1)
    start = time.perf_counter()
    trained = fit(model, init_params(model, args.seed), (xg.astype(float), yg.reshape(-1, 1)
                                                          .astype(float)),
                  loss="binary_cross_entropy", optimizer="adam", lr=0.01, epochs=args.epochs,
                  batch_size=32, seed=args.seed, progress=False)
    seconds = time.perf_counter() - start
    accs = []
    for n in (T, 64):
        xt, yt = tests[n]
        if n == T:
            logits = model(*trained.params, xt.astype(float))[0][:, 0]
            accs.append(f"{float(((logits > 0) == yt).mean()):.3f}")
        else:
            longer = sequence_model(gru(1, 16), n, 1)
            logits = longer(*trained.params, xt.astype(float))[0][:, 0]
            accs.append(f"{float(((logits > 0) == yt).mean()):.3f}")
    n_params = sum(p.size for p in trained.params)
    print(f"| GRU, hidden 16 ({n_params} parameters) | 4,000 strings, {args.epochs} epochs "
          f"| {accs[0]} | {accs[1]} | {seconds:.1f} |")


if __name__ == "__main__":
    main()
