"""Inference throughput of an exported classifier circuit: images per CPU second, one core.

Moved out of ``catlearn circuit fit`` (which no longer times anything): the fastest
bit-packed evaluator of :mod:`catlearn.netlist.native` on random inputs, best of
``--repeat`` runs, CPU time so that other processes on the machine do not count.

    python benchmarks/bench_circuit_inference.py MODEL.blif [--rows 262144] [--repeat 3]

Without a model, a random 3x2000-gate, 10-class network over 784 inputs is exported
and measured (the shape of a small MNIST circuit).
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from catlearn.circuits import classifier
from catlearn.layers.logic_net import LogicNetwork
from catlearn.netlist.blif import load_blif
from catlearn.netlist.native import evaluator
from catlearn.packing import pack


def throughput(circuit, rows: int = 1 << 18, repeat: int = 3) -> tuple[float, str]:
    """Images per CPU second of the fastest bit-packed evaluator (best of ``repeat``), and
    its name."""
    words = pack(np.random.default_rng(1).integers(0, 2, (rows, len(circuit.inputs)),
                                                   dtype=np.uint8))
    compiled = evaluator(circuit)
    best = 0.0
    for _ in range(repeat):
        began = time.process_time()
        compiled.evaluate(words)
        best = max(best, rows / max(time.process_time() - began, 1e-9))
    return best, type(compiled).__name__.lower()


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("model", nargs="?", metavar="MODEL.blif")
    p.add_argument("--rows", type=int, default=1 << 18)
    p.add_argument("--repeat", type=int, default=3)
    args = p.parse_args()
    if args.model:
        circuit = load_blif(args.model)
    else:
        net = LogicNetwork(784, (2000, 2000, 2000), 10, seed=0)
        circuit = classifier.export(net, net.hard(net.init(0, 3.0)))
    speed, how = throughput(circuit, args.rows, args.repeat)
    print(f"{circuit.n_gates} gates, {len(circuit.inputs)} inputs: {speed:.3g} images/s "
          f"(bit-packed, one core, {how} evaluator)")


if __name__ == "__main__":
    main()
