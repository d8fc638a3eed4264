"""Netlists and Z2 maps, one into the other.

:func:`to_map` reads a :class:`~catlearn.netlist.Netlist` as a polynomial circuit over Z2
(a :class:`~catlearn.core.Map` of :mod:`catlearn.z2`): each cube of a cover is the AND of
its literals (``'0'`` is ``1 + x``), the cubes of a cover are XORed when they are pairwise
disjoint (then XOR is OR) and ORed as ``x + y + xy`` otherwise, an off-set cover is
complemented (``1 + ...``).  A gate of at most 4 inputs whose algebraic normal form (its
unique multilinear polynomial) is no longer is written in that form instead: XOR is one
``+``, NAND is ``1 + xy``.  The map is traced in one pass, linear in the netlist.

:func:`from_map` goes back: every operation of a Z2 map (xor, and, not, one, zero,
parity, matvec, and the fused reverse-derivative kernels ``R_i[...]``) becomes one
``.names`` gate, so a map, or its reverse derivative, can be written as BLIF or Verilog.

Laws (``tests/test_circuit_convert.py``, exhaustively on the zoo):
``to_map(n)`` computes ``n`` on every input; ``from_map(to_map(n))`` computes ``n``.
Simplifying a netlist is :mod:`catlearn.netlist.simplify`.

>>> from catlearn.netlist import Netlist
>>> half = Netlist.from_gates("half", "ab", ("s", "c"), [("s", "xor", "ab"), ("c", "and", "ab")])
>>> f = to_map(half)
>>> f
Map(Z2 @ Z2 -> Z2 @ Z2: xor ; and)
>>> back = from_map(f, "half", half.inputs, half.outputs)
>>> (back.truth_table() == half.truth_table()).all()
np.True_
"""

from __future__ import annotations

import functools
import itertools

import numpy as np

from catlearn import z2
from catlearn.netlist.netlist import Gate, Netlist, gate
from catlearn.netlist.simplify import gate_table
from catlearn.core import Map, Rev, trace, wires
from catlearn.derivative import unfused

_DISJOINT_CHECK_LIMIT = 1024  # cubes; past it a cover is ORed (correct, only larger)


# -- netlist -> Z2 map -----------------------------------------------------------------


def _cube(pattern: str, args):
    """The AND of the literals of one cube (an empty cube is the constant 1)."""
    literals = [x if c == "1" else x + 1 for c, x in zip(pattern, args) if c != "-"]
    if not literals:
        return z2.ONE()
    term = literals[0]
    for literal in literals[1:]:
        term = term * literal
    return term


def _disjoint(patterns) -> bool:
    """True when no two cubes share a minterm (some column is 0 in one, 1 in the other)."""
    if len(patterns) < 2:
        return True
    if len(patterns) > _DISJOINT_CHECK_LIMIT or len(patterns[0]) > 62:
        return False
    care = np.array([int(p.replace("0", "1").replace("-", "0"), 2) if p else 0
                     for p in patterns], dtype=np.int64)
    ones = np.array([int(p.replace("-", "0"), 2) if p else 0 for p in patterns], dtype=np.int64)
    clash = (care[:, None] & care[None, :] & (ones[:, None] ^ ones[None, :])) != 0
    np.fill_diagonal(clash, True)
    return bool(clash.all())


_CHAIN = 8  # terms XORed one by one (a parity kernel first copies: one more array pass)


def _sum(terms):
    """XOR of traced terms: a chain of ``+`` for a few, one parity operation for many."""
    if not terms:
        return z2.ZERO()
    if len(terms) <= _CHAIN:
        total = terms[0]
        for term in terms[1:]:
            total = total + term
        return total
    return _parity(len(terms))(*terms)


@functools.lru_cache(maxsize=None)
def _parity(n: int):
    """The generator of ``z2.parity(n)`` (applied directly: cheaper than splicing a map)."""
    return z2.parity(n).ops[0].gen


def _sop(patterns, offset: bool, args):
    """The cover as written: cubes XORed when disjoint, else ORed as ``x + y + xy``."""
    if not patterns:
        total = z2.ZERO()
    elif _disjoint(patterns):
        total = _sum([_cube(p, args) for p in patterns])
    else:
        terms = [_cube(p, args) for p in patterns]
        total = terms[0]
        for term in terms[1:]:
            total = total + term + total * term
    return total + 1 if offset else total


def _sop_cost(patterns, offset: bool) -> int:
    cubes = [max(len(p) - p.count("-") - 1, 0) + p.count("0") for p in patterns]
    joins = (len(patterns) > 1) * (1 if _disjoint(patterns) else 3 * (len(patterns) - 1))
    return sum(cubes) + joins + offset


def anf(table) -> list[int]:
    """The algebraic normal form: monomials (bit masks, input 0 the highest bit) of a table.

    ``table[r]`` is the value on row ``r`` (input 0 the most significant bit of ``r``);
    the result lists the monomials whose Z2 coefficient is 1 (the Moebius transform).

    >>> anf([0, 1, 1, 1])  # OR: x + y + xy
    [1, 2, 3]
    """
    coef = list(table)
    for bit in (1 << i for i in range(len(coef).bit_length() - 1)):
        for r in range(len(coef)):
            if r & bit:
                coef[r] ^= coef[r ^ bit]
    return [r for r, c in enumerate(coef) if c]


def _anf_polynomial(monomials, args):
    terms, constant = [], 0 in monomials
    for r in monomials:
        if r:
            term = None
            for i in _bits_of(r, len(args)):
                term = args[i] if term is None else term * args[i]
            terms.append(term)
    if not terms:
        return z2.ONE() if constant else z2.ZERO()
    total = _sum(terms)
    return total + 1 if constant else total


@functools.lru_cache(maxsize=None)
def _bits_of(r: int, k: int) -> tuple[int, ...]:
    """The inputs (0 the highest bit of ``r``) of monomial ``r`` of ``k`` inputs."""
    return tuple(i for i in range(k) if r >> (k - 1 - i) & 1)


def _anf_cost(monomials) -> int:
    products = [bin(r).count("1") - 1 for r in monomials if r]
    return sum(products) + (len(products) > 1) + (0 in monomials and bool(products))


def cover_polynomial(g: Gate, args):
    """The Z2 polynomial of a gate's cover on traced wires ``args`` (inside a trace).

    A gate of at most 4 inputs whose algebraic normal form (the unique multilinear
    polynomial of its function, whose reverse derivative is the boolean derivative) costs
    no more operations than its cover is written as that form; otherwise the cover is.

    >>> from catlearn.netlist import gate
    >>> trace(z2.bits(2), lambda a, b: cover_polynomial(gate("y", "or", "ab"), (a, b)),
    ...       z2.backend)
    Map(Z2 @ Z2 -> Z2: and ; xor ; xor)
    """
    monomials = _recipe(g.cover, len(g.inputs))
    if monomials is not None:
        return _anf_polynomial(monomials, args)
    return _sop([p for p, _ in g.cover], g.is_offset, args)


@functools.lru_cache(maxsize=4096)
def _recipe(cover: tuple, k: int):
    """The monomials of a small gate's cheaper ANF, or None to write its cover: decided
    once per distinct cover (real netlists repeat a handful of them)."""
    if k > 4:
        return None
    g = Gate("y", tuple(f"i{j}" for j in range(k)), cover)
    monomials = anf(gate_table(g))
    cheaper = _anf_cost(monomials) <= _sop_cost([p for p, _ in cover], g.is_offset)
    return tuple(monomials) if cheaper else None


def to_map(netlist: Netlist) -> Map:
    """The Z2 map ``bits(n_inputs) -> bits(n_outputs)`` a netlist computes, traced once.

    >>> from catlearn.netlist import Netlist
    >>> inv = Netlist.from_gates("inv", "a", "y", [("y", "not", "a")])
    >>> z2.unpack(to_map(inv)(*z2.pack([[0], [1]])), 2).ravel().tolist()
    [1, 0]
    """
    def run(*xs):
        env = dict(zip(netlist.inputs, xs))
        for g in netlist.gates:
            env[g.output] = cover_polynomial(g, [env[s] for s in g.inputs])
        return tuple(env[s] for s in netlist.outputs)
    return trace(z2.bits(len(netlist.inputs)), run, z2.backend)


# -- Z2 map -> netlist -----------------------------------------------------------------


def lower(f: Map) -> Map:
    """The same Z2 map with every fused reverse kernel ``R_i[g]`` written out as gates
    (the traced map it stands for, :func:`catlearn.derivative.unfused`, lowered in turn).

    >>> from catlearn import R
    >>> R(z2.and_()).ops[-1].gen
    R1[and]
    >>> lower(R(z2.and_()))
    Map(Z2 @ Z2 @ Z2 -> Z2 @ Z2: and ; and)
    """
    backend = f.backend

    def run(*xs):
        regs = dict(zip(f.inputs, xs))
        for op in f.ops:
            args = [regs[r] for r in op.ins]
            out = lower(unfused(op.gen, backend))(*args) if isinstance(op.gen, Rev) \
                else op.gen(*args)
            regs.update(zip(op.outs, wires(out)))
        return tuple(regs[r] for r in f.outputs)
    return trace(f.dom, run, backend).prune()


_XOR_WIDTH = 4  # an XOR cover has 2**(k-1) rows: wider parities become a chain of these


def _xor_gates(name: str, args: list[str], fresh) -> list[Gate]:
    """XOR of any number of signals as gates of at most 4 inputs (0 inputs: constant 0)."""
    gates = []
    while len(args) > _XOR_WIDTH:
        part = fresh()
        gates.append(gate(part, "xor", args[:_XOR_WIDTH]))
        args = [part] + args[_XOR_WIDTH:]
    gates.append(gate(name, "xor", args) if args else gate(name, "zero"))
    return gates


def _matvec_gates(op, names, fresh) -> list[Gate]:
    args = [names[r] for r in op.ins]
    return [g for row, out in zip(op.gen.data, op.outs)
            for g in _xor_gates(names[out], [a for a, m in zip(args, row) if m], fresh)]


def _kind(kind):
    return lambda op, names, fresh: [gate(names[op.outs[0]], kind,
                                          [names[r] for r in op.ins] if kind != "zero" else ())]


# Z2 generator name -> the gates of one operation: the table is data
GATES_OF = {
    "xor": _kind("xor"), "and": _kind("and"), "not": _kind("not"), "one": _kind("one"),
    "zero": _kind("zero"), "zero_like": _kind("zero"),
    "parity": lambda op, names, fresh: _xor_gates(names[op.outs[0]],
                                                  [names[r] for r in op.ins], fresh),
    "matvec": _matvec_gates,
}


def _register_names(f: Map, inputs, outputs) -> tuple[dict[int, str], str]:
    """A signal name for every register (ports keep theirs) and the prefix of fresh ones."""
    names = dict(zip(f.inputs, inputs))
    for reg, name in zip(f.outputs, outputs):
        if reg not in names:
            names[reg] = name
    taken = set(inputs) | set(outputs)
    prefix = "n"
    while any(s.startswith(prefix) and s[len(prefix):].isdigit() for s in taken):
        prefix = "_" + prefix
    for op in f.ops:
        for reg in op.outs:
            names.setdefault(reg, f"{prefix}{reg}")
    return names, prefix


def from_map(f: Map, name: str = "circuit", inputs=None, outputs=None) -> Netlist:
    """The netlist of a Z2 map: one ``.names`` gate per operation, ports named as given.

    Args:
        f: a map of :mod:`catlearn.z2` (wiring, xor, and, not, one, zero, parity,
            matvec and fused reverse kernels).
        name: the model name.
        inputs, outputs: port names (default ``x0, x1, ...`` and ``y0, y1, ...``).

    >>> n = from_map(z2.xor() >> z2.not_(), "xnor")
    >>> n.inputs, n.outputs, n.truth_table().ravel().tolist()
    (('x0', 'x1'), ('y0',), [1, 0, 0, 1])
    """
    inputs = tuple(inputs) if inputs is not None else tuple(f"x{i}" for i in range(len(f.dom)))
    outputs = tuple(outputs) if outputs is not None \
        else tuple(f"y{i}" for i in range(len(f.cod)))
    if len(inputs) != len(f.dom) or len(outputs) != len(f.cod):
        raise ValueError(f"map {f!r} has {len(f.dom)} inputs and {len(f.cod)} outputs, "
                         f"got {len(inputs)} input and {len(outputs)} output names")
    f = lower(f.prune())
    names, prefix = _register_names(f, inputs, outputs)
    counter = itertools.count(f.nregs)  # past every register: no clash
    fresh = (lambda: f"{prefix}{next(counter)}")
    gates = []
    for op in f.ops:
        if op.gen.name not in GATES_OF:
            raise ValueError(f"cannot write generator {op.gen!r} as a gate; Z2 netlists "
                             f"know {', '.join(GATES_OF)}")
        gates += GATES_OF[op.gen.name](op, names, fresh)
    gates += [Gate(out, (names[reg],), (("1", "1"),))
              for reg, out in zip(f.outputs, outputs) if names[reg] != out]
    return Netlist(name, inputs, outputs, tuple(gates))
