r"""Learning sequential circuits (maps of St(Z2)) from a target's input/output behaviour.

The learner never looks inside the target: it sees seeded random input sequences, all
started from the target's reset state, and the outputs the target gives at every step.
The model is a :class:`~catlearn.circuits.gates.GateNetwork` read as the transition
``inputs @ state -> outputs @ next state`` of a stateful map with ``k`` state bits whose
reset values are parameters too; :func:`~catlearn.stateful.unroll_from` unrolls it over the
sequence length, the parameters shared by every step.  Two methods, as for combinational
targets (:mod:`catlearn.circuits.learn`):

* ``'rda'``: reverse derivative ascent over the unrolled network in Z2.  ``R`` of the
  unrolled map, fed the wrong output bits as cotangent, says for each parameter bit and each
  sequence whether flipping it flips the (XOR of the) wrong outputs: a vote to flip; fed
  the right output bits, a vote against.  A population of searches runs in bit lanes and
  the bit with the largest majority flips.
* ``'relaxed'``: the same unrolled network in St(Smooth), the multilinear relaxation;
  parameters are sigmoids of logits, trained by Adam on the squared error of every step
  (backpropagation through time is ``R`` of the unrolled map), rounded and checked in Z2.

A third method reads the behaviour as a Mealy machine instead (state merging, then binary
state codes and minimised logic): :mod:`catlearn.circuits.seqautomata`, the default of
``catlearn circuit learn`` for sequential targets.

The state width grows (1, 2, ... bits) and so does the network, until the behaviour fits.
A fit is **exact** only when the learned circuit agrees with the target on every
training sequence, on fresh longer held-out sequences, and (when inputs and states are
few) on every input sequence of ``cycles`` steps (:func:`~.seqequiv.bounded_counterexample`).

>>> from catlearn.netlist.blif import from_blif
>>> toggle = from_blif(".model t\n.inputs t\n.outputs q\n.latch d q 0\n.names t q d\n01 1\n10 1\n")
>>> result = learn_sequential(toggle, seed=0, n_sequences=64, length=6)
>>> result.exact, result.state_bits, result.netlist.outputs
(True, 1, ('q',))
"""

from __future__ import annotations

import functools
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np

from catlearn import Lens, smooth, z2
from catlearn.circuits.gates import GateNetwork, broadcast_stack, parameter_words
from catlearn.netlist.netlist import Latch, Netlist
from catlearn.circuits.seqequiv import bounded_counterexample
from catlearn.circuits.sequential import behaviour, sequences, valid_mask
from catlearn.core import Map, Ty
from catlearn.learning import optim
from catlearn.packing import unpack
from catlearn.stateful import Stateful, unroll_from

ZOO = Path(__file__).resolve().parents[2] / "circuits" / "sequential"
SIZES = ((8, 3), (16, 4))  # hidden cells, layers (the output and next-state cells added)
MAX_STATE = 4


@dataclass(frozen=True)
class Behaviour:
    """Packed input sequences ``xs`` (T, n, W), the target's outputs ``ys`` (T, m, W).

    ``scored`` marks the steps whose outputs count (default: every step; a sequence
    classifier scores the last one only).
    """

    inputs: tuple[str, ...]
    outputs: tuple[str, ...]
    xs: np.ndarray
    ys: np.ndarray
    valid: np.ndarray
    n: int
    scored: tuple | None = None

    @property
    def rows(self) -> np.ndarray:
        """The bits that count, per output row of the unrolled map: (T * m, 1, W)."""
        steps = np.ones(len(self.xs), bool) if self.scored is None else np.asarray(self.scored)
        per_step = np.where(steps[:, None], self.valid[None, :], np.uint64(0))
        return np.repeat(per_step, len(self.outputs), axis=0)[:, None, :]

    @staticmethod
    def of(target: Netlist, n: int, length: int, seed: int) -> "Behaviour":
        xs = sequences(len(target.inputs), n, length, seed)
        return Behaviour(target.inputs, target.outputs, xs, behaviour(target, xs),
                         valid_mask(n), n)


@dataclass(frozen=True)
class Model:
    """A transition network with ``k`` state bits, unrolled over ``length`` steps."""

    net: GateNetwork
    k: int
    length: int

    @property
    def n_params(self) -> int:
        """Network bits, then the ``k`` reset bits."""
        return self.net.n_params + self.k

    def unrolled(self, backend):
        """``P @ S0 @ X^T -> Y^T`` (the final state discarded), traced once per backend."""
        return _unrolled(self, backend)


@functools.lru_cache(maxsize=16)
def _unrolled(self: Model, backend):
    q = self.net.n_params
    f = Stateful.of(self.net.map(backend), self.k)
    g = unroll_from(f, self.length, shared=q)
    m = len(self.net.outputs) - self.k
    wires = list(range(len(g.dom)))
    # move the initial state next to the parameters, drop the final state
    order = wires[:q] + wires[len(wires) - self.k:] + wires[q:len(wires) - self.k]
    pre = Map.wire(Ty(*(g.dom[i] for i in order)), [order.index(i) for i in wires], backend)
    post = Map.wire(g.cod, range(m * self.length), backend)
    return pre >> g >> post


def _lanes(theta: np.ndarray, xs: np.ndarray) -> list:
    return parameter_words(theta) + [x[None, :] for step in xs for x in step]


def _wrong(outs, ys, rows, shape) -> np.ndarray:
    """Wrong bits (T*m, P, W) of every member."""
    return (broadcast_stack(outs, shape) ^ ys.reshape(-1, 1, shape[1])) & rows


def z2_errors(model: Model, theta: np.ndarray, data: Behaviour) -> np.ndarray:
    """Wrong output bits of each member (row of ``theta``) over every step and sequence."""
    theta = np.atleast_2d(theta)
    out = model.unrolled(z2.backend).compiled(*_lanes(theta, data.xs))
    return np.bitwise_count(_wrong(out, data.ys, data.rows, (len(theta), data.xs.shape[2]))
                            ).sum(axis=(0, 2)).astype(int)


def rda(model: Model, data: Behaviour, rng, steps: int, population: int = 128,
        patience: int = 200):
    """Reverse derivative ascent on the unrolled network; ``(theta, errors, steps)``."""
    lens = Lens.R(model.unrolled(z2.backend))
    fwd, bwd, r, q = lens.fwd.compiled, lens.bwd.compiled, len(lens.res), model.n_params
    theta = rng.integers(0, 2, (population, q), dtype=np.uint8)
    best, since, found = np.full(population, np.inf), np.zeros(population, int), (None, np.inf)
    shape, rows = (population, data.xs.shape[2]), data.rows
    for step in range(steps):
        out = fwd(*_lanes(theta, data.xs))
        wrong = _wrong(out[r:], data.ys, rows, shape)
        score = np.bitwise_count(wrong).sum(axis=(0, 2))
        k = int(np.argmin(score))
        if score[k] < found[1]:
            found = (theta[k].copy(), int(score[k]))
            if score[k] == 0:
                return (*found, step)
        since = np.where(score < best, 0, since + 1)
        best = np.minimum(best, score)
        stalled = np.flatnonzero(since > patience)
        theta[stalled] = rng.integers(0, 2, (len(stalled), q))
        best[stalled], since[stalled] = np.inf, 0
        fix = _votes(bwd(*out[:r], *wrong)[:q], shape)
        against = _votes(bwd(*out[:r], *(~wrong & rows))[:q], shape)
        theta ^= _flip(fix, against, rng)
    return (*found, steps)


def _votes(sens, shape) -> np.ndarray:
    return np.bitwise_count(broadcast_stack(sens, shape)).sum(axis=2).T.astype(float)


def _flip(fix, against, rng, noise: float = 0.1) -> np.ndarray:
    """Per member, the bit with the largest majority to flip (a random voted bit if none)."""
    gain = fix - against + rng.random(fix.shape) * 0.1
    best = np.argmax(gain, axis=1)
    walk = (gain[np.arange(len(best)), best] <= 0) | (rng.random(len(best)) < noise)
    wanted = np.where(fix > 0, rng.random(fix.shape), rng.random(fix.shape) - 2.0)
    flip = np.zeros(fix.shape, dtype=np.uint8)
    flip[np.arange(len(best)), np.where(walk, np.argmax(wanted, axis=1), best)] = 1
    return flip


def relaxed(model: Model, data: Behaviour, rng, steps: int, population: int = 16,
            rate: float = 0.1, check: int = 20, patience: int = 400):
    """Adam on the relaxed unrolled network (BPTT through St(Smooth)); ``(theta, errors, steps)``."""
    q = model.n_params
    lens = Lens.R(model.unrolled(smooth.backend))
    fwd, bwd, r = lens.fwd.compiled, lens.bwd.compiled, len(lens.res)
    x = [unpack(step, data.n).T.astype(float)[:, None, :] for step in data.xs]
    xs = [row for step in x for row in step]
    ys = np.concatenate([unpack(step, data.n).T.astype(float) for step in data.ys])[:, None, :]
    weight = (data.rows[:, :, :1] != 0).astype(float)  # 1 on the rows of scored steps
    adam, wire = optim.adam(rate), smooth.Real((q,), batched=False)
    update = adam.lens(Ty(wire), smooth.backend).put.compiled
    count, moment, square = (np.broadcast_to(a, (population, q)).copy() if a.ndim else a
                             for a in adam.init(Ty(wire)))
    logits = rng.normal(0.0, 1.0, (population, q))
    found, best, since = (None, np.inf), np.full(population, np.inf), np.zeros(population, int)
    for step in range(1, steps + 1):
        p = 0.5 * (1.0 + np.tanh(0.5 * logits))
        out = fwd(*p.T[:, :, None], *xs)
        cot = 2.0 * weight * (broadcast_stack(out[r:], (population, data.n)) - ys) / data.n
        grad = broadcast_stack(bwd(*out[:r], *cot)[:q], (population, data.n)).sum(axis=2).T
        count, moment, square, logits = update(count, moment, square, logits,
                                               -grad * p * (1.0 - p))
        if step % check == 0:
            theta = (logits > 0).astype(np.uint8)
            errs = z2_errors(model, theta, data)
            k = int(np.argmin(errs))
            if errs[k] < found[1]:
                found = (theta[k].copy(), int(errs[k]))
                if errs[k] == 0:
                    return (*found, step)
            since = np.where(errs < best, 0, since + 1)
            best = np.minimum(best, errs)
            stalled = np.flatnonzero(since > patience // check)
            logits[stalled] = rng.normal(0.0, 1.0, (len(stalled), q))
            moment[stalled], square[stalled], best[stalled], since[stalled] = 0.0, 0.0, np.inf, 0
    return (*found, steps)


METHODS = {"rda": rda, "relaxed": relaxed}


@dataclass(frozen=True)
class SequentialResult:
    """What :func:`learn_sequential` found: a netlist with latches and how well it fits.

    ``accuracy`` is the fraction of (sequence, step) pairs of the held-out sequences with
    every output right; ``exact`` says that every check passed (see the module doc);
    ``checked`` names them.
    """

    netlist: Netlist
    exact: bool
    accuracy: float
    state_bits: int
    gates: int
    steps: int
    seconds: float
    method: str
    checked: str

    def __repr__(self) -> str:
        return (f"SequentialResult({self.netlist.name} by {self.method}: "
                f"{'exact' if self.exact else 'not exact'}, {self.state_bits} state bits, "
                f"{self.gates} gates, {self.steps} steps, {self.seconds:.2f} s)")


def to_netlist(model: Model, theta, name: str, inputs, outputs) -> Netlist:
    """The learned circuit: the transition's gates, its state as latches, the given ports."""
    state = tuple(f"_q{i}" for i in range(model.k))
    nexts = tuple(f"_q{i}_next" for i in range(model.k))
    q = model.net.n_params
    core = model.net.netlist(theta[:q], name, tuple(inputs) + state, tuple(outputs) + nexts)
    latches = tuple(Latch(d, s, int(b)) for d, s, b in zip(nexts, state, theta[q:]))
    return Netlist(name, tuple(inputs), tuple(outputs), core.gates, latches=latches)


def _accuracy(target: Netlist, learned: Netlist, data: Behaviour) -> float:
    wrong = np.bitwise_or.reduce(behaviour(learned, data.xs) ^ data.ys, axis=1) & data.valid
    return 1.0 - int(np.bitwise_count(wrong).sum()) / (data.n * len(data.xs))


def _verify(target: Netlist, learned: Netlist, held: Behaviour, cycles: int):
    """``(accuracy on held-out sequences, exact, what was checked)``."""
    accuracy = _accuracy(target, learned, held)
    checked = f"{held.n} held-out sequences of {len(held.xs)} steps"
    if accuracy < 1.0:
        return accuracy, False, checked
    try:
        found = bounded_counterexample(target, learned, cycles)
    except ValueError:
        return accuracy, True, checked
    return accuracy, found is None, checked + f", every input sequence of {cycles} steps"


def learn_sequential(target: Netlist, method: str = "rda", seed: int = 0,
                     steps: int | None = None, *, n_sequences: int = 256, length: int = 8,
                     cycles: int = 24, **options) -> SequentialResult:
    """Learn a circuit with latches that behaves as ``target`` from reset.

    Args:
        target: a sequential :class:`Netlist` (only its behaviour is used).
        method: ``'rda'`` or ``'relaxed'``.
        seed: seeds the input sequences, the wiring and the search.
        steps: updates per network tried (default 400 for rda, 600 for relaxed).
        n_sequences, length: the training sequences (random, from reset).
        cycles: length of the exhaustive bounded check, when it is feasible.
        options: ``max_state``, ``population``, ``time_limit``, ``progress``, ``sizes`` of
            :func:`search`.
    """
    data = Behaviour.of(target, n_sequences, length, seed)
    held = Behaviour.of(target, 512, 3 * length, seed + 1)
    return search(data, method, seed, steps, name=target.name,
                  verify=lambda learned: _verify(target, learned, held, cycles), **options)


def _fits(data: Behaviour):
    return lambda learned: (1.0, True, f"{data.n} training sequences")


def search(data: Behaviour, method: str = "rda", seed: int = 0, steps: int | None = None, *,
           name: str = "learned", max_state: int = MAX_STATE, population: int | None = None,
           time_limit: float | None = None, verify: Callable | None = None,
           progress: Callable | None = None, sizes: tuple = SIZES) -> SequentialResult:
    """Networks with 1, 2, ... state bits (each of ``sizes``) until one fits ``data`` exactly.

    ``verify(netlist) -> (accuracy, exact, what was checked)`` judges a network that fits
    the training sequences (default: the fit itself is the verdict); ``time_limit``: seconds
    after which no larger network is tried (the best is returned); ``sizes``: (hidden
    cells, layers) of the networks tried at each state width, the output and next-state
    cells added.
    """
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}; use one of {', '.join(METHODS)}")
    say, verify = progress or (lambda line: None), verify or _fits(data)
    steps = steps or (400 if method == "rda" else 600)
    options = {} if population is None else {"population": population}
    start, used, best = time.perf_counter(), 0, None
    for k in range(1, max_state + 1):
        for attempt, (hidden, layers) in enumerate(sizes):
            m = len(data.outputs) + k
            net = GateNetwork.random(len(data.inputs) + k, m, hidden + m, layers,
                                     seed=int(np.random.default_rng([seed, k, attempt])
                                              .integers(2**31)))
            model = Model(net, k, len(data.xs))
            rng = np.random.default_rng([seed, k, attempt])
            theta, errs, n = METHODS[method](model, data, rng, steps, **options)
            used += n
            learned = to_netlist(model, theta, name, data.inputs, data.outputs)
            accuracy, exact, checked = verify(learned) if errs == 0 else \
                (1.0 - errs / (data.n * len(data.xs) * len(data.outputs)), False,
                 "training sequences")
            say(f"  {k} state bits, {hidden + m} cells x {layers} layers: {errs} wrong bits "
                f"after {n} steps; accuracy {accuracy:.4f} ({checked})")
            if best is None or accuracy > best[1] or exact:
                best = (learned, accuracy, exact, k, checked)
            if exact or (time_limit and time.perf_counter() - start > time_limit):
                return _result(best, used, start, method)
    return _result(best, used, start, method)


def _result(best, used, start, method) -> SequentialResult:
    learned, accuracy, exact, k, checked = best
    gates = sum(not (len(g.inputs) == 1 and g.cover == (("1", "1"),)) for g in learned.gates)
    return SequentialResult(learned, exact, accuracy, k, gates, used,
                            time.perf_counter() - start, method, checked)
