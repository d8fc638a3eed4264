"""Generate the circuit zoo: BLIF netlists of standard combinational circuits.

Run ``python circuits/make_zoo.py`` from the repository root to (re)write every
``circuits/*.blif``; ``--check`` only reports files that differ from what this script
builds (the test suite runs the same comparison). Naming conventions are in README.md.

>>> ZOO["maj3"]().truth_table().ravel().tolist()
[0, 0, 0, 1, 0, 1, 1, 1]
"""

from __future__ import annotations

import argparse
import itertools
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
# let `python circuits/make_zoo.py` work from a plain checkout, without installing catlearn
sys.path.insert(0, str(HERE.parent))

from catlearn.netlist import (  # noqa: E402 (must follow the sys.path set-up above)
    Gate, Netlist, gate, save_blif, to_blif)

# digit -> lit segments of an active-high seven-segment display (a top, then clockwise,
# g the middle bar); 6 has its top bar, 7 has no f, 9 has its bottom bar; 10-15 are blank
SEGMENTS = {0: "abcdef", 1: "bc", 2: "abdeg", 3: "abcdg", 4: "bcfg", 5: "acdfg",
            6: "acdefg", 7: "abc", 8: "abcdefg", 9: "abcdfg"}


class Builder:
    """Collects simple gates ``(output, kind, inputs)``; internal wires are named w1, w2, ..."""

    def __init__(self):
        self.specs: list[tuple[str, str, tuple[str, ...]]] = []

    def add(self, kind: str, *inputs: str, name: str | None = None) -> str:
        name = name or f"w{len(self.specs) + 1}"
        self.specs.append((name, kind, inputs))
        return name

    def half_adder(self, x: str, y: str, s=None, c=None) -> tuple[str, str]:
        return self.add("xor", x, y, name=s), self.add("and", x, y, name=c)

    def full_adder(self, x: str, y: str, cin: str, s=None, c=None) -> tuple[str, str]:
        p = self.add("xor", x, y)
        total = self.add("xor", p, cin, name=s)
        carry = self.add("or", self.add("and", x, y), self.add("and", p, cin), name=c)
        return total, carry

    def rename(self, old: str, new: str) -> None:
        def fix(signal):
            return new if signal == old else signal
        self.specs = [(fix(out), kind, tuple(map(fix, args))) for out, kind, args in self.specs]

    def netlist(self, name: str, inputs, outputs) -> Netlist:
        return Netlist.from_gates(name, inputs, outputs, self.specs)


def bus(prefix: str, width: int) -> list[str]:
    """Names of a ``width``-bit operand, least significant bit first: a0, a1, ..."""
    return [f"{prefix}{i}" for i in range(width)]


def half_adder() -> Netlist:
    b = Builder()
    b.half_adder("a", "b", s="s", c="cout")
    return b.netlist("half_adder", ["a", "b"], ["s", "cout"])


def full_adder() -> Netlist:
    b = Builder()
    b.full_adder("a", "b", "cin", s="s", c="cout")
    return b.netlist("full_adder", ["a", "b", "cin"], ["s", "cout"])


def ripple_adder(n: int) -> Netlist:
    """n-bit ripple-carry adder: s = a + b, cout the carry out."""
    b, carry = Builder(), None
    for i, (x, y) in enumerate(zip(bus("a", n), bus("b", n))):
        last = "cout" if i == n - 1 else None
        if carry is None:
            _, carry = b.half_adder(x, y, s=f"s{i}", c=last)
        else:
            _, carry = b.full_adder(x, y, carry, s=f"s{i}", c=last)
    return b.netlist(f"add{n}", bus("a", n) + bus("b", n), bus("s", n) + ["cout"])


def multiplier(n: int) -> Netlist:
    """n x n array multiplier: partial products reduced column by column with adders."""
    b = Builder()
    columns: list[list[str]] = [[] for _ in range(2 * n)]
    for i, j in itertools.product(range(n), repeat=2):
        columns[i + j].append(b.add("and", f"a{j}", f"b{i}"))
    for k, column in enumerate(columns):
        while len(column) > 1:
            final = f"p{k}" if len(column) <= 3 else None
            if len(column) >= 3:
                total, carry = b.full_adder(column.pop(0), column.pop(0), column.pop(0), s=final)
            else:
                total, carry = b.half_adder(column.pop(0), column.pop(0), s=final)
            column.append(total)
            columns[k + 1].append(carry)
        if not column:
            b.add("zero", name=f"p{k}")
        elif column[0] != f"p{k}":
            b.rename(column[0], f"p{k}")
    return b.netlist(f"mul{n}", bus("a", n) + bus("b", n), bus("p", 2 * n))


def comparator(n: int) -> Netlist:
    """Unsigned n-bit comparator: lt = a < b, eq = a == b, gt = a > b."""
    b = Builder()
    same = [b.add("xnor", f"a{i}", f"b{i}") for i in range(n)]
    above = [b.add("and", f"a{i}", b.add("not", f"b{i}")) for i in range(n)]
    below = [b.add("and", b.add("not", f"a{i}"), f"b{i}") for i in range(n)]
    for name, bits in (("gt", above), ("lt", below)):
        # bit i decides when every more significant bit is equal
        terms = [b.add("and", bits[i], *same[i + 1:]) if i < n - 1 else bits[i]
                 for i in range(n)]
        b.add("or", *terms, name=name)
    b.add("and", *same, name="eq")
    return b.netlist(f"cmp{n}", bus("a", n) + bus("b", n), ["lt", "eq", "gt"])


def parity(n: int) -> Netlist:
    """p = 1 when an odd number of the n inputs are 1 (balanced tree of 2-input XORs)."""
    b, layer = Builder(), bus("x", n)
    while len(layer) > 1:
        name = "p" if len(layer) == 2 else None
        pairs = [b.add("xor", x, y, name=name) for x, y in zip(layer[::2], layer[1::2])]
        layer = pairs + layer[len(pairs) * 2:]
    return b.netlist(f"parity{n}", bus("x", n), ["p"])


def majority(n: int) -> Netlist:
    """m = 1 when more than half of the n (odd) inputs are 1: OR of ANDs of every quorum."""
    b = Builder()
    quorum = [b.add("and", *group) for group in itertools.combinations(bus("x", n), n // 2 + 1)]
    b.add("or", *quorum, name="m")
    return b.netlist(f"maj{n}", bus("x", n), ["m"])


def mux4() -> Netlist:
    """y = d[2 * s1 + s0]."""
    b = Builder()
    select = {0: b.add("not", "s0"), 1: "s0"}, {0: b.add("not", "s1"), 1: "s1"}
    terms = [b.add("and", f"d{k}", select[1][k >> 1], select[0][k & 1]) for k in range(4)]
    b.add("or", *terms, name="y")
    return b.netlist("mux4", bus("d", 4) + ["s0", "s1"], ["y"])


def decoder2to4() -> Netlist:
    """y_k = 1 exactly when the 2-bit input a = 2 * a1 + a0 equals k."""
    b = Builder()
    literal = {0: b.add("not", "a0"), 1: "a0"}, {0: b.add("not", "a1"), 1: "a1"}
    for k in range(4):
        b.add("and", literal[1][k >> 1], literal[0][k & 1], name=f"y{k}")
    return b.netlist("dec2to4", bus("a", 2), bus("y", 4))


def seg7() -> Netlist:
    """BCD digit d (d0 least significant) to segments a..g; one minterm cover per segment."""
    inputs = tuple(reversed(bus("d", 4)))  # cover columns d3 d2 d1 d0 read as the digit
    gates = [Gate(seg, inputs, tuple((f"{digit:04b}", "1") for digit, lit in SEGMENTS.items()
                                     if seg in lit))
             for seg in "abcdefg"]
    return Netlist("seg7", tuple(bus("d", 4)), tuple("abcdefg"), tuple(gates))


def c17() -> Netlist:
    """ISCAS-85 c17: six 2-input NANDs, inputs 1 2 3 6 7, outputs 22 23."""
    nands = [("10", ("1", "3")), ("11", ("3", "6")), ("16", ("2", "11")),
             ("19", ("11", "7")), ("22", ("10", "16")), ("23", ("16", "19"))]
    return Netlist("c17", ("1", "2", "3", "6", "7"), ("22", "23"),
                   tuple(gate(out, "nand", args) for out, args in nands))


ZOO = {
    "half_adder": half_adder, "full_adder": full_adder,
    "add2": lambda: ripple_adder(2), "add4": lambda: ripple_adder(4),
    "add8": lambda: ripple_adder(8),
    "mul2": lambda: multiplier(2), "mul3": lambda: multiplier(3),
    "cmp4": lambda: comparator(4),
    "parity4": lambda: parity(4), "parity8": lambda: parity(8),
    "maj3": lambda: majority(3), "maj5": lambda: majority(5),
    "mux4": mux4, "dec2to4": decoder2to4, "seg7": seg7, "c17": c17,
}

HEADER = "{name}: generated by circuits/make_zoo.py (do not edit; see circuits/README.md)"


def expected_text(name: str) -> str:
    """The exact BLIF text that ``circuits/<name>.blif`` should hold."""
    return to_blif(ZOO[name](), comment=HEADER.format(name=name))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="report stale files instead of writing them")
    args = parser.parse_args(argv)
    stale = []
    for name, build in ZOO.items():
        path = HERE / f"{name}.blif"
        if args.check:
            if not path.exists() or path.read_text() != expected_text(name):
                stale.append(path.name)
        else:
            save_blif(build(), path, comment=HEADER.format(name=name))
    if stale:
        print("stale zoo files (run python circuits/make_zoo.py):", " ".join(stale))
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
