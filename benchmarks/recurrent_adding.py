"""The adding problem: catlearn's Elman and GRU against the trivial baseline and a PyTorch GRU.

Run: ``python benchmarks/recurrent_adding.py [--length 20] [--hidden 16] [--epochs 10]``.
Same data (4,000 training and 1,000 test sequences, seeded), same hidden size, same
optimizer (Adam, lr 0.01, batch 32), one CPU thread.  The trivial baseline predicts the
mean, 1.0: mean squared error 1/6.  Prints a markdown table of test MSE and seconds.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from catlearn import fit
from catlearn.data.sequences import ADDING_BASELINE_MSE, adding_problem
from catlearn.layers.recurrent import elman, gru, init_params, sequence_model


def catlearn_run(cell, data, test, args) -> tuple[float, float, int]:
    model = sequence_model(cell, args.length, 1)
    params = init_params(model, args.seed)
    start = time.perf_counter()
    result = fit(model, params, data, loss="mse", optimizer="adam", lr=args.lr,
                 epochs=args.epochs, batch_size=32, seed=args.seed, progress=False)
    seconds = time.perf_counter() - start
    pred = model(*result.params, test[0])[0]
    return float(((pred - test[1]) ** 2).mean()), seconds, sum(p.size for p in params)


def torch_run(data, test, args) -> tuple[float, float, int]:
    import torch
    torch.set_num_threads(1)
    torch.manual_seed(args.seed)
    rnn, head = torch.nn.GRU(2, args.hidden, batch_first=True), torch.nn.Linear(args.hidden, 1)
    params = list(rnn.parameters()) + list(head.parameters())
    opt = torch.optim.Adam(params, lr=args.lr)
    x, y = (torch.tensor(a, dtype=torch.float64) for a in data)
    rnn, head = rnn.double(), head.double()
    rng = np.random.default_rng(args.seed)
    start = time.perf_counter()
    for _ in range(args.epochs):
        for batch in np.array_split(rng.permutation(len(x)), len(x) // 32):
            opt.zero_grad()
            out, _ = rnn(x[batch])
            loss = ((head(out[:, -1]) - y[batch]) ** 2).mean()
            loss.backward()
            opt.step()
    seconds = time.perf_counter() - start
    with torch.no_grad():
        out, _ = rnn(torch.tensor(test[0]))
        mse = float(((head(out[:, -1]).numpy() - test[1]) ** 2).mean())
    return mse, seconds, sum(p.numel() for p in params)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--length", type=int, default=20)
    parser.add_argument("--hidden", type=int, default=16)
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--lr", type=float, default=0.01)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    data, test = adding_problem(4000, args.length, 0), adding_problem(1000, args.length, 1)
    print(f"adding problem, length {args.length}, hidden {args.hidden}, {args.epochs} epochs")
    print("| model | parameters | test MSE | seconds |")
    print("|---|---|---|---|")
    print(f"| trivial baseline (predict 1.0) | 0 | {ADDING_BASELINE_MSE:.4f} | - |")
    for name, cell in (("catlearn Elman", elman(2, args.hidden)),
                       ("catlearn GRU", gru(2, args.hidden))):
        mse, seconds, n = catlearn_run(cell, data, test, args)
        print(f"| {name} | {n} | {mse:.5f} | {seconds:.1f} |", flush=True)
    try:
        mse, seconds, n = torch_run(data, test, args)
        print(f"| PyTorch GRU | {n} | {mse:.5f} | {seconds:.1f} |")
    except ImportError:
        print("| PyTorch GRU | - | torch not installed | - |")


if __name__ == "__main__":
    main()
