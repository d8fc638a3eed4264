"""Training a logic-gate network: catlearn's ``fit`` against hand-written numpy and PyTorch.

The same network (``LogicNetwork``: layers of two-input mux cells, sigmoid parameters,
group-sum readout, softmax cross-entropy), the same initial parameters, the same batches
(``fit``'s epoch permutation) and the same Adam, three ways:

* catlearn: ``catlearn.fit`` on ``net.para()`` (fused kernels; each layer is ``gate_inputs ;
  mux``, so its lens keeps the gathered inputs as residual, as the numpy loop does);
* numpy: the forward and reverse pass written out by hand, each layer's gathered inputs
  kept for the reverse pass, the first layer's input cotangent skipped;
* torch (when installed, one thread): the same forward with ``index_select``, autograd.

It prints seconds per epoch (the best of ``--repeat``), the ratio to numpy, and the
largest parameter difference to numpy after the epoch (the three compute the same
thing).  Data: binarised MNIST from ``CATLEARN_DATA`` when present, else random bits.

Run: OPENBLAS_NUM_THREADS=1 python benchmarks/bench_logic.py [--examples 6400]
     [--gates 2000] [--layers 4] [--batch-size 100] [--repeat 3]
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from catlearn.layers.logic import ANF, wiring
from catlearn.layers.logic_net import LogicNetwork
from catlearn.learning.fit import fit

B1, B2, EPS = 0.9, 0.999, 1e-8


def data(n: int):
    try:
        from catlearn.data import load_mnist
        d = load_mnist(kind="train", limit=n)
        return (d.x.reshape(n, -1) > 0.5).astype(float), d.y
    except (FileNotFoundError, ValueError):
        rng = np.random.default_rng(0)
        return rng.integers(0, 2, (n, 784)).astype(float), rng.integers(0, 10, n)


def numpy_epoch(net: LogicNetwork, theta, x, y, lr: float, batch: int, order):
    """One epoch of Adam by hand; returns the new parameters."""
    theta = [t.copy() for t in theta]
    m, v = [np.zeros_like(t) for t in theta], [np.zeros_like(t) for t in theta]
    wires = [wiring(*layer) for layer in net.layers]
    k, width = net.classes, net.widths[-1]
    for step, i in enumerate(range(0, len(x), batch), start=1):
        xb, yb = x[order[i:i + batch]], y[order[i:i + batch]]
        n = len(xb)
        c = [0.5 * (1 + np.tanh(0.5 * t)) for t in theta]
        h, saved = xb, []
        for (ia, ib), cl in zip(wires, c):
            a, b = np.take(h, ia, axis=1), np.take(h, ib, axis=1)
            g = cl @ ANF
            saved.append((h.shape[1], a, b, g))
            h = g[:, 0] + a * (g[:, 1] + b * g[:, 3]) + b * g[:, 2]
        logits = h.reshape(n, k, width // k).sum(axis=2) / net.tau
        p = np.exp(logits - logits.max(axis=1, keepdims=True))
        p /= p.sum(axis=1, keepdims=True)
        p[np.arange(n), yb] -= 1
        dy = np.repeat(p / (n * net.tau), width // k, axis=1)
        grads = [None] * len(theta)
        for layer in reversed(range(len(theta))):
            n_in, a, b, g = saved[layer]
            da = dy * a
            moments = np.stack([dy.sum(0), da.sum(0), (dy * b).sum(0), (da * b).sum(0)], 1)
            cl = c[layer]
            grads[layer] = (moments @ ANF.T) * cl * (1 - cl)
            if layer:
                ia, ib = wires[layer]
                rows = np.arange(n)[:, None] * n_in
                dx = np.bincount((rows + ia).ravel(), (dy * (g[:, 1] + b * g[:, 3])).ravel(),
                                 minlength=n * n_in)
                dx += np.bincount((rows + ib).ravel(), (dy * (g[:, 2] + a * g[:, 3])).ravel(),
                                  minlength=n * n_in)
                dy = dx.reshape(n, n_in)
        for j, d in enumerate(grads):
            m[j] = B1 * m[j] + (1 - B1) * d
            v[j] = B2 * v[j] + (1 - B2) * d * d
            theta[j] -= lr * (m[j] / (1 - B1 ** step)) / (np.sqrt(v[j] / (1 - B2 ** step)) + EPS)
    return theta


def torch_epoch(net: LogicNetwork, theta, x, y, lr: float, batch: int, order):
    import torch
    torch.set_num_threads(1)
    params = [torch.tensor(t, requires_grad=True) for t in theta]
    anf = torch.tensor(ANF)
    wires = [tuple(torch.tensor(w) for w in wiring(*layer)) for layer in net.layers]
    opt = torch.optim.Adam(params, lr=lr, betas=(B1, B2), eps=EPS)
    xt, yt = torch.tensor(x), torch.tensor(y)
    k, width = net.classes, net.widths[-1]
    for i in range(0, len(x), batch):
        idx = torch.tensor(order[i:i + batch])
        h = xt[idx]
        for (ia, ib), t in zip(wires, params):
            g = torch.sigmoid(t) @ anf
            a, b = h.index_select(1, ia), h.index_select(1, ib)
            h = g[:, 0] + a * (g[:, 1] + b * g[:, 3]) + b * g[:, 2]
        logits = h.reshape(len(idx), k, width // k).sum(2) / net.tau
        loss = torch.nn.functional.cross_entropy(logits, yt[idx])
        opt.zero_grad()
        loss.backward()
        opt.step()
    return [p.detach().numpy() for p in params]


def catlearn_epoch(net: LogicNetwork, theta, x, y, lr: float, batch: int, order):
    del order  # fit draws the same permutation from its seed
    return list(fit(net.para(), theta, (x, y), optimizer="adam", lr=lr, epochs=1,
                    batch_size=batch, seed=0, progress=False).params)


def best_time(run, repeat: int):
    times, out = [], None
    for _ in range(repeat):
        began = time.perf_counter()
        out = run()
        times.append(time.perf_counter() - began)
    return min(times), out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=6400)
    parser.add_argument("--gates", type=int, default=2000)
    parser.add_argument("--layers", type=int, default=4)
    parser.add_argument("--batch-size", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    x, y = data(args.examples)
    net = LogicNetwork(x.shape[1], (args.gates,) * args.layers, 10, tau=10.0, seed=0)
    theta = net.init(seed=0)
    order = np.random.default_rng((0, 0)).permutation(len(x))
    runs = {"numpy": numpy_epoch, "catlearn": catlearn_epoch}
    try:
        import torch  # noqa: F401 - only to know whether the column can be filled
        runs["torch"] = torch_epoch
    except ImportError:
        pass
    print(f"{args.layers} layers x {args.gates} gates, {len(x)} examples of {x.shape[1]} bits, "
          f"batch {args.batch_size}, best of {args.repeat}")
    results = {name: best_time(lambda f=f: f(net, theta, x, y, 0.02, args.batch_size, order),
                               args.repeat) for name, f in runs.items()}
    base, reference = results["numpy"]
    for name, (seconds, params) in results.items():
        diff = max(float(np.abs(p - q).max()) for p, q in zip(params, reference))
        print(f"{name:>9}: {seconds:7.3f} s/epoch  {seconds / base:5.2f}x numpy  "
              f"max |param - numpy| {diff:.1e}")


if __name__ == "__main__":
    main()
