"""The cells of a netlist: gates (BLIF ``.names`` covers) and latches (BLIF ``.latch``).

A :class:`Gate` defines one signal by a sum-of-products cover; :func:`gate` builds one of
a named kind from the library ``GATE_KINDS``; a :class:`Latch` holds a signal from one
clock cycle to the next.  :class:`~catlearn.netlist.netlist.Netlist` puts them together.

>>> gate("y", "xor", ("a", "b")).cover
(('01', '1'), ('10', '1'))
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field

import numpy as np

MAX_TRUTH_TABLE_INPUTS = 24
_ALL_ONES = ~np.uint64(0)
_UNWRITABLE = re.compile(r"[\s#]|\\\Z")


class NetlistError(ValueError):
    """A netlist that is not a well-formed combinational circuit.

    Attributes:
        detail: the message without its location prefix.
        signal: the signal the problem is about (or None).
        line: the source line the problem is on, when known.
    """

    def __init__(self, detail: str, signal: str | None = None, line: int | None = None,
                 source: str | None = None):
        where = f"{source}:{line}: " if source is not None and line is not None else ""
        super().__init__(where + detail)
        self.detail, self.signal, self.line = detail, signal, line


def check_name(name, what: str) -> None:
    # names must survive a BLIF round trip: no whitespace, no comment, no continuation
    if not isinstance(name, str) or not name or _UNWRITABLE.search(name):
        raise NetlistError(
            f"{what} {name!r} is not a usable signal name (it must be a non-empty string "
            f"without whitespace or '#', not ending in a backslash)", signal=str(name))


@dataclass(frozen=True)
class Gate:
    """One BLIF ``.names`` block: ``output`` as a sum-of-products cover over ``inputs``.

    Args:
        output: the signal this gate defines.
        inputs: the signals it reads, in the column order of the cover.
        cover: rows ``(pattern, value)``; all values ``'1'`` (on-set) or all ``'0'`` (off-set).
        line: source line of the gate, for error messages (not part of equality).

    >>> Gate("y", ("a", "b"), (("11", "1"),)).is_offset
    False
    """

    output: str
    inputs: tuple[str, ...]
    cover: tuple[tuple[str, str], ...]
    line: int | None = field(default=None, compare=False)

    def __post_init__(self):
        object.__setattr__(self, "inputs", tuple(self.inputs))
        object.__setattr__(self, "cover", tuple((str(p), str(v)) for p, v in self.cover))
        check_name(self.output, "gate output")
        for name in self.inputs:
            check_name(name, f"input of gate {self.output!r}:")
        for k, (pattern, value) in enumerate(self.cover, 1):
            self._check_row(k, pattern, value)
        if len({value for _, value in self.cover}) > 1:
            raise NetlistError(f"cover of {self.output!r} mixes rows with output 1 and "
                               f"output 0; use one or the other", self.output, self.line)

    def _check_row(self, k: int, pattern: str, value: str) -> None:
        if len(pattern) != len(self.inputs):
            raise NetlistError(
                f"row {k} {pattern!r} of the cover of {self.output!r} has {len(pattern)} "
                f"columns but the gate has {len(self.inputs)} inputs", self.output, self.line)
        if set(pattern) - set("01-") or value not in ("0", "1"):
            raise NetlistError(
                f"row {k} ({pattern!r}, {value!r}) of the cover of {self.output!r}: "
                f"patterns use only 0, 1, -; values are 0 or 1", self.output, self.line)

    @property
    def is_offset(self) -> bool:
        """True when the cover lists the rows where the output is 0."""
        return bool(self.cover) and self.cover[0][1] == "0"

    def evaluate(self, args: list[np.ndarray], n_words: int) -> np.ndarray:
        """Bit-parallel value of the gate on packed input words ``args`` (one per input)."""
        result = np.zeros(n_words, dtype=np.uint64)
        for pattern, _ in self.cover:
            term = np.full(n_words, _ALL_ONES, dtype=np.uint64)
            for char, word in zip(pattern, args):
                if char == "1":
                    term &= word
                elif char == "0":
                    term &= ~word
            result |= term
        return ~result if self.is_offset else result


def _parity_rows(arity: int, odd: bool) -> list[tuple[str, str]]:
    return [("".join(map(str, bits)), "1")
            for bits in itertools.product((0, 1), repeat=arity) if sum(bits) % 2 == odd]


def _one_hot_rows(arity: int, value: str) -> list[tuple[str, str]]:
    return [("-" * i + "1" + "-" * (arity - i - 1), value) for i in range(arity)]


@dataclass(frozen=True)
class Latch:
    """One BLIF ``.latch``: ``output`` holds, from the next clock cycle on, the value of ``input``.

    Args:
        input: the signal sampled at each cycle (the next state).
        output: the signal the latch drives (the present state).
        init: its value at reset, 0 or 1.
        kind, control: the BLIF latch type and clock (``re``/``fe`` with a named clock, or
            ``None`` for the global clock); kept only to write the file back.
        line: source line, for error messages (not part of equality).

    >>> Latch("cn", "c", 0)
    Latch(cn -> c, init 0)
    """

    input: str
    output: str
    init: int = 0
    kind: str | None = None
    control: str | None = None
    line: int | None = field(default=None, compare=False)

    def __post_init__(self):
        check_name(self.input, "latch input")
        check_name(self.output, "latch output")
        if self.init not in (0, 1):
            raise NetlistError(f"latch {self.output!r} has reset value {self.init!r}; "
                               f"catlearn needs a known reset value, 0 or 1", self.output,
                               self.line)

    def __repr__(self) -> str:
        return f"Latch({self.input} -> {self.output}, init {self.init})"


# kind -> (allowed arities as (min, max), cover builder): the gate library is data
GATE_KINDS = {
    "and": ((1, None), lambda k: [("1" * k, "1")]),
    "nand": ((1, None), lambda k: [("1" * k, "0")]),
    "or": ((1, None), lambda k: _one_hot_rows(k, "1")),
    "nor": ((1, None), lambda k: _one_hot_rows(k, "0")),
    "xor": ((1, 16), lambda k: _parity_rows(k, odd=True)),
    "xnor": ((1, 16), lambda k: _parity_rows(k, odd=False)),
    "not": ((1, 1), lambda k: [("0", "1")]),
    "buf": ((1, 1), lambda k: [("1", "1")]),
    "zero": ((0, 0), lambda k: []),
    "one": ((0, 0), lambda k: [("", "1")]),
}


def gate(output: str, kind: str, inputs=()) -> Gate:
    """A :class:`Gate` of a named kind (a key of ``GATE_KINDS``) with its cover.

    >>> gate("y", "nor", ("a", "b")).cover
    (('1-', '0'), ('-1', '0'))
    """
    if kind not in GATE_KINDS:
        raise NetlistError(f"gate {output!r} has unknown kind {kind!r}; known kinds: "
                           f"{', '.join(GATE_KINDS)}", signal=output)
    (low, high), rows = GATE_KINDS[kind]
    inputs = tuple(inputs)
    if len(inputs) < low or (high is not None and len(inputs) > high):
        wanted = f"exactly {low}" if low == high else f"{low} to {high or 'any number of'}"
        raise NetlistError(f"{kind} gate {output!r} takes {wanted} inputs, "
                           f"got {len(inputs)}: {inputs}", signal=output)
    return Gate(output, inputs, tuple(rows(len(inputs))))
