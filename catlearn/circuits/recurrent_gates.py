"""Recurrent logic-gate networks: sequence classifiers that are circuits with latches.

A gate network (:class:`~catlearn.circuits.gates.GateNetwork`) with a state wire fed
back through the delayed trace is a map of St(Z2): :mod:`catlearn.circuits.seqlearn`
learns it from the sequences' labels, scored at the last step only (``rda`` over the
unrolled network, or ``relaxed`` in St(Smooth)).  The result is a netlist with latches
(export it with :func:`~catlearn.netlist.blif.save_blif`, verify it by simulation or
:mod:`~catlearn.circuits.seqequiv`) whose output, read after the last input, is the class.

>>> from catlearn.data.sequences import parity_sequences
>>> x, y = parity_sequences(128, 16, seed=0)
>>> result = fit_sequence_classifier(x, y, seed=0)
>>> result.exact, result.state_bits
(True, 1)
>>> accuracy(result.netlist, *parity_sequences(500, 64, seed=1))
1.0
"""

from __future__ import annotations

import numpy as np

from catlearn.netlist.netlist import Netlist
from catlearn.circuits.seqlearn import Behaviour, SequentialResult, search
from catlearn.circuits.sequential import simulate, valid_mask
from catlearn.packing import pack, unpack


def _behaviour(x: np.ndarray, y: np.ndarray, inputs, output: str) -> Behaviour:
    x, y = np.asarray(x, np.uint8), np.asarray(y, np.uint8).reshape(-1)
    if x.ndim != 3 or len(x) != len(y):
        raise ValueError(f"expected sequences x (n, length, features) and labels y (n,), got "
                         f"shapes {x.shape} and {y.shape}")
    n, length, d = x.shape
    xs = np.stack([pack(x[:, t]) for t in range(length)])
    labels = pack(y.reshape(-1, 1))
    ys = np.stack([labels if t == length - 1 else np.zeros_like(labels)
                   for t in range(length)])
    scored = tuple(t == length - 1 for t in range(length))
    names = tuple(inputs) if inputs else tuple(f"x{i}" for i in range(d))
    return Behaviour(names, (output,), xs, ys, valid_mask(n), n, scored)


def fit_sequence_classifier(x, y, method: str = "rda", seed: int = 0, *, inputs=None,
                            output: str = "y", name: str = "classifier",
                            **options) -> SequentialResult:
    """A circuit with latches whose output after the last step is the label of each sequence.

    Args:
        x: 0/1 sequences (n, length, features); y: 0/1 labels (n,).
        method: ``'rda'`` or ``'relaxed'``; options as :func:`~.seqlearn.search`.
    """
    data = _behaviour(x, y, inputs, output)
    return search(data, method, seed, name=name, **options)


def predict(netlist: Netlist, x) -> np.ndarray:
    """The netlist's output after the last step of each sequence ``x`` (n, length, features)."""
    x = np.asarray(x, np.uint8)
    outs = simulate(netlist, [pack(x[:, t]) for t in range(x.shape[1])])
    return unpack(outs[-1], len(x))[:, 0]


def accuracy(netlist: Netlist, x, y) -> float:
    """Fraction of sequences whose label the netlist gives after their last step."""
    return float((predict(netlist, x) == np.asarray(y).reshape(-1)).mean())
