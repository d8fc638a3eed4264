r"""Learning a sequential target as an automaton: traces, state merging, encoding, checks.

The learner sees only the target's behaviour: seeded random input sequences, each from
reset, and the outputs at every step (the bit-packed simulation of
:mod:`~catlearn.circuits.sequential`).  Each round

1. folds the traces into a Mealy machine (:func:`~catlearn.circuits.automata.rpni`,
   evidence-driven by default);
2. runs it on fresh validation traces, twice as long; where it disagrees (or meets a
   transition no trace has shown), the validation traces join the sample and the round
   repeats (active growth of the sample, within ``time_limit``);
3. encodes the machine as a circuit with latches (:func:`~.seqsynth.encode`: binary codes
   on ``ceil(log2(states))`` latches unless another encoding is asked for);
4. checks it: every input sequence of ``cycles`` steps from reset, by the exhaustive
   product-machine search (:func:`~.seqequiv.bounded_counterexample`), or by yosys
   (``sat -seq``) when the search is too large.  A distinguishing sequence found there is
   one more trace, and the round repeats.

The result is **exact** only when that bounded check passed (or, with neither the search
nor yosys able to decide, when it agreed on every held-out trace, which ``checked`` says).

>>> from catlearn.netlist.blif import from_blif
>>> toggle = from_blif(".model t\n.inputs t\n.outputs q\n.latch d q 0\n.names t q d\n01 1\n10 1\n")
>>> result = learn_automaton(toggle, seed=0)
>>> result.exact, result.states, result.state_bits, result.netlist.outputs
(True, 2, 1, ('q',))
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Callable

import numpy as np

from catlearn.circuits.automata import Mealy, rpni
from catlearn.circuits.seqequiv import bounded_counterexample, yosys_bounded_equivalent
from catlearn.circuits.seqsynth import encode
from catlearn.circuits.sequential import behaviour, sequences, transition, valid_mask
from catlearn.netlist.netlist import Netlist
from catlearn.netlist.yosys import YosysError, yosys_available
from catlearn.packing import pack, unpack

ENCODINGS = ("binary", "one-hot", "target")
MAX_INPUTS = 16  # input vectors are the symbols: 2**16 of them


@dataclass(frozen=True)
class AutomatonResult:
    """What :func:`learn_automaton` found, and from how many traces.

    ``states``: the learned machine's; ``sequences``, ``length``: the traces it was folded
    from (count, longest); ``samples``: input steps over all of them; ``rounds``: times
    the sample grew; ``accuracy``: the circuit's on held-out traces (every output of a
    step right); ``checked``: what the verdict ``exact`` rests on.
    """

    netlist: Netlist
    machine: Mealy
    exact: bool
    accuracy: float
    states: int
    state_bits: int
    gates: int
    sequences: int
    length: int
    samples: int
    rounds: int
    seconds: float
    checked: str
    method: str = "automata"

    def __repr__(self) -> str:
        return (f"AutomatonResult({self.netlist.name}: {'exact' if self.exact else 'not exact'}"
                f", {self.states} states, {self.state_bits} latches, {self.gates} gates, "
                f"{self.sequences} traces, {self.rounds} rounds, {self.seconds:.2f} s)")


def _symbols(bits: np.ndarray) -> np.ndarray:
    """Rows of bits (..., k), bit 0 most significant, as integers."""
    k = bits.shape[-1]
    return (bits.astype(np.int64) << np.arange(k - 1, -1, -1)).sum(axis=-1)


def traces(target: Netlist, n: int, length: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """``n`` random input words of ``length`` steps and the target's outputs, as symbols.

    >>> from catlearn.netlist.blif import from_blif
    >>> wire = from_blif(".model w\\n.inputs a\\n.outputs y\\n.latch a y 0\\n")
    >>> xs, ys = traces(wire, 2, 4, seed=0)
    >>> bool((ys[:, 1:] == xs[:, :-1]).all() and (ys[:, 0] == 0).all())
    True
    """
    packed = sequences(len(target.inputs), n, length, seed)
    outs = behaviour(target, packed)
    xs = np.stack([_symbols(unpack(step, n)) for step in packed], axis=1) if target.inputs \
        else np.zeros((n, length), np.int64)
    ys = np.stack([_symbols(unpack(step, n)) for step in outs], axis=1)
    return xs, ys


def _query(target: Netlist, word) -> list[int]:
    """The target's outputs on one input word (a membership query)."""
    n = len(target.inputs)
    bits = np.array([[[(a >> (n - 1 - i)) & 1 for i in range(n)]] for a in word], np.uint8)
    packed = np.stack([pack(b) for b in bits]) if n else np.zeros((len(word), 0, 1), np.uint64)
    return [int(_symbols(unpack(step, 1))[0]) for step in behaviour(target, packed)]


def target_codes(target: Netlist, machine: Mealy) -> tuple[tuple[int, ...], int]:
    """The target's own latch values at each state (reached by its access word)."""
    core, n, k = transition(target), len(target.inputs), len(target.latches)
    codes = []
    for word in machine.access:
        state = [latch.init for latch in target.latches]
        for a in word:
            row = [(a >> (n - 1 - i)) & 1 for i in range(n)] + state
            state = [int(v) for v in core(np.array([row], np.uint8))[0][len(target.outputs):]]
        codes.append(int(_symbols(np.array(state, np.uint8))) if k else 0)
    return tuple(codes), k


def _disagreements(machine: Mealy, xs, ys) -> int:
    return sum(machine.run(x) != list(y) for x, y in zip(xs, ys))


def _encode(target: Netlist, machine: Mealy, encoding: str, say) -> Netlist:
    if encoding == "target":
        try:
            return encode(machine, target.inputs, target.outputs, target.name,
                          codes=target_codes(target, machine))
        except ValueError as error:
            say(f"  the target's own codes do not fit ({error}); binary codes instead")
            encoding = "binary"
    return encode(machine, target.inputs, target.outputs, target.name, encoding)


def _check(target: Netlist, learned: Netlist, cycles: int):
    """``(distinguishing input word or None, exact, what was checked)``; the word is
    ``[]`` when yosys refuted the circuit without one."""
    try:
        found = bounded_counterexample(target, learned, cycles)
    except ValueError:
        found = "too large"
    if found is None:
        return None, True, f"every input sequence of {cycles} steps (exhaustive search)"
    if found != "too large":
        n = len(target.inputs)
        word = [int(sum(step[s] << (n - 1 - i) for i, s in enumerate(target.inputs)))
                for step in found["inputs"]]
        return word, False, f"search found a distinguishing sequence of {len(word)} steps"
    if not yosys_available():
        return None, True, "held-out traces only (search too large, yosys not installed)"
    try:
        same = yosys_bounded_equivalent(target, learned, cycles)
    except YosysError as error:
        return None, True, f"held-out traces only (yosys could not check: {error})"
    return (None if same else []), same, f"yosys sat -seq {cycles}"


def _accuracy(target: Netlist, learned: Netlist, n: int, length: int, seed: int) -> float:
    xs = sequences(len(target.inputs), n, length, seed)
    wrong = np.bitwise_or.reduce(behaviour(learned, xs) ^ behaviour(target, xs), axis=1)
    wrong &= valid_mask(n)
    return 1.0 - int(np.bitwise_count(wrong).sum()) / (n * length)


def learn_automaton(target: Netlist, seed: int = 0, *, n_sequences: int = 16,
                    length: int = 16, cycles: int = 24, encoding: str = "binary",
                    order: str = "edsm", time_limit: float | None = 300.0,
                    progress: Callable | None = None) -> AutomatonResult:
    """A circuit with latches that behaves as ``target`` from reset, learned as an automaton.

    Args:
        target: a sequential :class:`Netlist` (only its behaviour is used, and its latches'
            values with ``encoding='target'``).
        seed: seeds the traces.
        n_sequences, length: the first sample (it grows until the machine validates).
        cycles: the horizon of the bounded check from reset.
        encoding: ``'binary'`` (fewest latches), ``'one-hot'``, or ``'target'`` (the
            target's own codes).
        order: the merge order of :func:`~catlearn.circuits.automata.rpni`.
        time_limit: seconds after which the sample stops growing (None: no limit).
        progress: called with a line of text per round.

    Raises:
        ValueError: an unknown encoding, or more than ``MAX_INPUTS`` inputs.
    """
    if encoding not in ENCODINGS:
        raise ValueError(f"unknown state encoding {encoding!r}; use one of "
                         f"{', '.join(ENCODINGS)}")
    if len(target.inputs) > MAX_INPUTS:
        raise ValueError(f"{target.name!r} has {len(target.inputs)} inputs: automata "
                         f"learning reads input vectors as symbols, up to {MAX_INPUTS} inputs")
    say, start = progress or (lambda line: None), time.perf_counter()
    xs, ys = (list(a) for a in traces(target, n_sequences, length, seed))
    rounds = 0
    while True:
        rounds += 1
        machine = rpni(xs, ys, order)
        longest = max(map(len, xs))
        vx, vy = traces(target, max(n_sequences, len(xs)), 2 * longest, seed + 7919 * rounds)
        wrong = _disagreements(machine, vx, vy)
        say(f"  round {rounds}: {len(xs)} traces (longest {longest}) -> {machine.n_states} "
            f"states; {wrong} of {len(vx)} validation traces disagree")
        late = time_limit is not None and time.perf_counter() - start > time_limit
        if wrong and not late:
            xs, ys = xs + list(vx), ys + list(vy)
            continue
        learned = _encode(target, machine, encoding, say)
        word, exact, checked = _check(target, learned, cycles) if not wrong else \
            (None, False, f"{wrong} of {len(vx)} validation traces disagree")
        if exact or late or word is None:
            break
        say(f"  {checked}; it joins the sample with the validation traces")
        xs, ys = xs + list(vx), ys + list(vy)
        if word:
            xs, ys = xs + [np.array(word)], ys + [np.array(_query(target, word))]
    return AutomatonResult(
        learned, machine, exact, _accuracy(target, learned, 512, 3 * length, seed + 1),
        machine.n_states, len(learned.latches), _gate_count(learned), len(xs),
        max(map(len, xs)), sum(map(len, xs)), rounds, time.perf_counter() - start, checked)


def _gate_count(netlist: Netlist) -> int:
    return sum(not (len(g.inputs) == 1 and g.cover == (("1", "1"),)) for g in netlist.gates)
