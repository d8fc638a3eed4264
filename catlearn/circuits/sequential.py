"""Sequential netlists as maps of St(Z2): the transition, bit-packed simulation, traces.

A netlist with latches is a stateful map of Z2 (:mod:`catlearn.stateful`): its state is
the latches' outputs, reset to their ``init`` values, and its :func:`transition` is the
combinational netlist ``inputs @ state -> outputs @ next state``.  :func:`simulate` runs
it step by step on packed words: 64 input sequences per uint64 word, one step at a time,
every sequence starting from reset.

Laws (``tests/test_sequential.py``): simulating a netlist equals unrolling its
stateful map (:func:`stateful`) in Z2; every zoo target agrees with an independent Python
definition.

>>> from catlearn.netlist.blif import from_blif
>>> toggle = from_blif('''
... .model toggle
... .inputs t
... .outputs q
... .latch d q 0
... .names t q d
... 01 1
... 10 1
... ''')
>>> xs = sequences(1, n=1, length=4, seed=0)
>>> [int(unpack(y, 1)[0, 0]) for y in simulate(toggle, [pack([[1]])] * 4)]
[0, 1, 0, 1]
"""

from __future__ import annotations

import numpy as np

from catlearn.netlist.netlist import Gate, Netlist
from catlearn.packing import pack, unpack


def _fresh(taken: set, base: str) -> str:
    name, k = base, 0
    while name in taken:
        k += 1
        name = f"{base}_{k}"
    taken.add(name)
    return name


def transition(netlist: Netlist) -> Netlist:
    """The combinational core ``inputs @ latch outputs -> outputs @ next states``.

    Next states are read out through buffers named ``<latch>_next`` (made unique), so
    they never clash with the outputs.

    >>> from catlearn.netlist.netlist import Latch
    >>> n = Netlist("d", ("a",), ("q",), (), latches=(Latch("a", "q", 1),))
    >>> t = transition(n)
    >>> t.inputs, t.outputs, t.truth_table().tolist()
    (('a', 'q'), ('q', 'q_next'), [[0, 0], [1, 0], [0, 1], [1, 1]])
    """
    taken = set(netlist.inputs) | {g.output for g in netlist.gates} | \
        {latch.output for latch in netlist.latches}
    nexts = [_fresh(taken, f"{latch.output}_next") for latch in netlist.latches]
    buffers = tuple(Gate(name, (latch.input,), (("1", "1"),))
                    for name, latch in zip(nexts, netlist.latches))
    return Netlist(netlist.name, netlist.inputs + tuple(l.output for l in netlist.latches),
                   netlist.outputs + tuple(nexts), netlist.gates + buffers)


def reset_words(netlist: Netlist, n_words: int) -> np.ndarray:
    """The reset state, one row of ``n_words`` words per latch (all sequences alike)."""
    return np.array([np.full(n_words, ~np.uint64(0) if latch.init else np.uint64(0))
                     for latch in netlist.latches], dtype=np.uint64).reshape(-1, n_words)


def simulate(netlist: Netlist, steps, state=None) -> list[np.ndarray]:
    """Outputs (n_outputs, W) at each step, fed packed inputs (n_inputs, W) per step.

    Args:
        netlist: a sequential (or combinational) netlist.
        steps: one packed word array per step, 64 sequences per word.
        state: packed latch values to start from (default: the reset state).
    """
    core, k = transition(netlist), len(netlist.outputs)
    outs = []
    for words in steps:
        words = np.asarray(words, dtype=np.uint64)
        words = words if words.ndim == 2 else words.reshape(len(netlist.inputs), -1)
        state = reset_words(netlist, words.shape[1]) if state is None else state
        values = core.evaluate(np.vstack([words, state]))
        outs.append(values[:k])
        state = values[k:]
    return outs


def sequences(n_inputs: int, n: int, length: int, seed: int) -> np.ndarray:
    """``n`` seeded random 0/1 input sequences, packed: (length, n_inputs, ceil(n / 64)).

    >>> sequences(2, n=100, length=5, seed=0).shape
    (5, 2, 2)
    """
    rng = np.random.default_rng(seed)
    bits = rng.integers(0, 2, (length, n, n_inputs), dtype=np.uint8)
    return np.stack([pack(step) for step in bits]) if n_inputs else \
        np.zeros((length, 0, -(-n // 64)), dtype=np.uint64)


def behaviour(netlist: Netlist, xs: np.ndarray) -> np.ndarray:
    """The outputs of ``netlist`` on packed sequences ``xs`` (T, n, W): (T, m, W)."""
    return np.stack(simulate(netlist, xs))


def valid_mask(n: int) -> np.ndarray:
    """Words with the bits of ``n`` sequences set (the last word may be partial)."""
    words = np.zeros(-(-n // 64), dtype=np.uint64)
    full, rest = divmod(n, 64)
    words[:full] = ~np.uint64(0)
    if rest:
        words[full] = np.uint64((1 << rest) - 1)
    return words


def stateful(netlist: Netlist):
    """The netlist as a map of St(Z2) (:class:`~catlearn.stateful.Stateful`)."""
    from catlearn.circuits.convert import to_map
    from catlearn.stateful import Stateful
    return Stateful.of(to_map(transition(netlist)), len(netlist.latches),
                       tuple(latch.init for latch in netlist.latches))

