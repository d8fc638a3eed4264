"""The signature of catlearn's string diagrams: wire types and generators.

Diagrams are ``discopy.markov`` diagrams: ``Copy``, ``Discard``, ``Merge`` and
``Swap`` are used as they are, and every generator is a :class:`Box` whose
``data`` is a hashable :class:`Spec` (a kind and static data: shapes,
constants, polynomials), never an array.  Parameters are wires of a parameter
type ``P...`` produced by a named :class:`Param` box; their values live outside
the diagram and are bound by name (:meth:`catlearn.diagrams.Model.bind`).
A box applied to traced :class:`Wire` objects records itself (:func:`record`);
:func:`catlearn.diagrams.wiring.trace` lays the recording out as a diagram.

Wire types (from :mod:`catlearn.diagrams.atoms`) are ``markov.Ty`` atoms named by shape:

* ``R3``, ``R3x4``, ``R`` (scalar): batched data, catlearn's ``smooth.Real``;
* ``P3x4``: an unbatched parameter, ``smooth.Real(..., batched=False)``;
* ``Z2``: a bit, catlearn's ``z2.BIT`` (its relaxation reads it as ``R``).

Laws: ``atom_of(wire_type(a)) == a`` for every atom; ``Box`` equality and
hashing see only names, types and specs.

>>> print(real(3) @ param_type((3, 4)) @ bits(2))
R3 @ P3x4 @ Z2 @ Z2
>>> wire_type(param_type((3, 4)))
P^3x4
>>> d = linear(4, 3)
>>> print(d.dom, "->", d.cod)
P3x4 @ R4 -> R3
>>> xor().data
Spec(kind='gate', data=(((0,), 1), ((0, 1), -2), ((1,), 1)))
"""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Hashable

from discopy import markov

# the signature's wire types, re-exported with it
from catlearn.diagrams.atoms import (BIT, _atom, _dims, atom_of, bits, param_type, parse, real,
                                     shape, wire_type)

# -- wires of a diagram being traced (laid out by catlearn.diagrams.wiring.trace) ------


@dataclass(eq=False)
class _Program:
    atoms: list = field(default_factory=list)
    ops: list = field(default_factory=list)

    def fresh(self, atom) -> int:
        self.atoms.append(atom)
        return len(self.atoms) - 1


_ACTIVE: ContextVar[_Program | None] = ContextVar("catlearn_diagram_trace", default=None)


@dataclass(frozen=True, eq=False)
class Wire:
    """A wire of a diagram being traced; arithmetic applies the ring generators."""

    program: _Program
    id: int

    @property
    def atom(self) -> markov.Ty:
        return markov.Ty(self.program.atoms[self.id])

    def _ring(self, name, *args):
        return _RING[name](*args, self.atom)

    def __add__(self, other):
        if isinstance(other, Wire):
            return self._ring("add")(self, other)
        return self._ring("shift", other)(self) if other else self

    __radd__ = __add__

    def __mul__(self, other):
        if isinstance(other, Wire):
            return self._ring("mul")(self, other)
        return self if other == 1 else self._ring("scale", other)(self)

    __rmul__ = __mul__

    def __neg__(self):
        return self._ring("neg")(self)

    def __sub__(self, other):
        return self + (-other)

    def __rsub__(self, other):
        return (-self) + other


def record(box, args) -> Wire | tuple[Wire, ...]:
    """Apply ``box`` to traced wires (the active trace for a box with no inputs)."""
    program = args[0].program if args else _ACTIVE.get()
    if program is None or not all(isinstance(a, Wire) and a.program is program for a in args):
        raise TypeError(f"box {box} applies to the wires of one catlearn.diagrams.trace, "
                        f"got {args!r}")
    got = markov.Ty(*(program.atoms[a.id] for a in args))
    if got != box.dom:
        raise TypeError(f"box {box} takes {box.dom}, got wires of type {got}")
    outs = tuple(program.fresh(a) for a in box.cod.inside)
    program.ops.append((box, tuple(a.id for a in args), outs))
    result = tuple(Wire(program, o) for o in outs)
    return result[0] if len(result) == 1 else result


def wires(result) -> tuple:
    """A traced result as a tuple of wires."""
    return tuple(result) if isinstance(result, (tuple, list)) else (result,)


# -- generators --------------------------------------------------------------------


@dataclass(frozen=True)
class Spec:
    """What a generator is: a ``kind`` (its meaning's key) and hashable static ``data``."""

    kind: str
    data: Hashable = None


COLORS = {"param": "red", "gate": "green"}  # names of discopy.config.COLORS


class Box(markov.Box):
    """A generator of the signature: a Markov box with a :class:`Spec` as data.

    Applied to wires of a :func:`catlearn.diagrams.wiring` it records itself.

    >>> exp(3).spec
    Spec(kind='exp', data=None)
    """

    def __init__(self, name: str, dom: markov.Ty, cod: markov.Ty, data: Spec, **params):
        if not isinstance(data, Spec):
            raise TypeError(f"box {name!r}: data must be a Spec, got {data!r}")
        params.setdefault("color", COLORS.get(data.kind, "white"))
        super().__init__(name, dom, cod, data=data, **params)

    @property
    def spec(self) -> Spec:
        return self.data

    @property
    def kind(self) -> str:
        return self.data.kind

    def __call__(self, *args):
        return record(self, args)


class Param(Box):
    """A named parameter: a box ``1 -> P<shape>`` whose value is bound by name.

    Two boxes with the same name are the same parameter (weight sharing).
    """


def param(name: str, shape) -> Param:
    """The parameter box ``1 -> P<shape>`` called ``name``.

    >>> print(param("W", (3, 4)).cod)
    P3x4
    """
    ty = param_type(shape)
    return Param(name, markov.Ty(), ty, Spec("param", _dims(shape)))


def _box(kind, dom, cod, data=None, name=None) -> Box:
    return Box(name or kind, dom, cod, Spec(kind, data))


def _pointwise(kind):
    def constructor(n=()) -> Box:
        x = _atom(n)
        return _box(kind, x, x)
    constructor.__name__ = kind
    constructor.__doc__ = f"The pointwise generator ``{kind} : R<n> -> R<n>``."
    return constructor


exp, log, reciprocal, sqrt, sigmoid, tanh, relu, step, softmax = map(_pointwise, (
    "exp", "log", "reciprocal", "sqrt", "sigmoid", "tanh", "relu", "step", "softmax"))
softmax.__doc__ = "Softmax over the last axis, ``R<n> -> R<n>``."


def linear(n_in: int, n_out: int) -> Box:
    """``(W : P<n_out x n_in>, x : R<n_in>) |-> W x``."""
    return _box("linear", param_type((n_out, n_in)) @ real(n_in), real(n_out))


def linear_t(n_out: int, n_in: int) -> Box:
    """``(W : P<n_out x n_in>, u : R<n_out>) |-> W^T u`` (the dagger of :func:`linear`)."""
    return _box("linear_t", param_type((n_out, n_in)) @ real(n_out), real(n_in))


def outer(n_out: int, n_in: int) -> Box:
    """``(u : R<n_out>, x : R<n_in>) |-> sum over the batch of u x^T : P<n_out x n_in>``."""
    return _box("outer", real(n_out) @ real(n_in), param_type((n_out, n_in)))


def bias(n) -> Box:
    """``(b : P<n>, x : R<n>) |-> x + b``.

    >>> print(bias(3).dom)
    P3 @ R3
    """
    return _box("bias", param_type(n) @ real(n), real(n))


def batch_sum(n) -> Box:
    """``R<n> -> P<n>``: the sum over the batch."""
    return _box("batch_sum", real(n), param_type(n))


def spread(n) -> Box:
    """``(p : P<n>, x : R<n>) |-> p`` repeated along the batch of ``x``."""
    return _box("spread", param_type(n) @ real(n), real(n))


def sum_(n) -> Box:
    """``R<n> -> R``: the sum of the entries of each example."""
    return _box("sum", real(n), real(()))


def expand(n) -> Box:
    """``(z : R, x : R<n>) |-> z`` broadcast to the shape of ``x``."""
    return _box("expand", real(()) @ real(n), real(n))


def add(n=()) -> Box:
    """``x @ x -> x``, the addition of the backend (XOR on ``Z2``)."""
    x = _atom(n)
    return _box("add", x @ x, x)


def mul(n=()) -> Box:
    """``x @ x -> x``, elementwise product (AND on ``Z2``)."""
    x = _atom(n)
    return _box("mul", x @ x, x)


def neg(n=()) -> Box:
    """``x |-> -x`` (the identity on ``Z2``)."""
    x = _atom(n)
    return _box("neg", x, x)


def scale(c: float, n=()) -> Box:
    """``x |-> c x``; on ``Z2`` wires ``c`` is read mod 2.

    >>> scale(2, BIT).name, scale(0.5, 3).spec
    ('scale(2)', Spec(kind='scale', data=0.5))
    """
    x = _atom(n)
    return _box("scale", x, x, float(c), f"scale({float(c):g})")


def shift(c: float, n=()) -> Box:
    """``x |-> x + c``."""
    x = _atom(n)
    return _box("shift", x, x, float(c), f"shift({float(c):g})")


def constant(c: float, n=()) -> Box:
    """``1 -> x``, every entry ``c`` (broadcast over the batch)."""
    return _box("constant", markov.Ty(), _atom(n), float(c), f"constant({float(c):g})")


def zero(n=()) -> Box:
    """``1 -> x``, the unit of ``add``."""
    return _box("zero", markov.Ty(), _atom(n), None, "0")


def zero_like(n=()) -> Box:
    """``x |-> 0`` (zeros of the shape of ``x``)."""
    x = _atom(n)
    return _box("zero_like", x, x)


# -- gates: one multilinear polynomial each, read mod 2 (Z2) or over the reals ----

GATES = {
    "and": (2, {(0, 1): 1}),
    "or": (2, {(0,): 1, (1,): 1, (0, 1): -1}),
    "xor": (2, {(0,): 1, (1,): 1, (0, 1): -2}),
    "not": (1, {(): 1, (0,): -1}),
    "nand": (2, {(): 1, (0, 1): -1}),
    "nor": (2, {(): 1, (0,): -1, (1,): -1, (0, 1): 1}),
    "xnor": (2, {(): 1, (0,): -1, (1,): -1, (0, 1): 2}),
    "one": (0, {(): 1}),
    "zero": (0, {}),
}


def gate(name: str, arity: int, polynomial: dict) -> Box:
    """A gate ``Z2^arity -> Z2`` given by its multilinear polynomial over the integers.

    ``polynomial`` maps monomials (tuples of input indices) to integer
    coefficients; it must take values in {0, 1} on bits.  Under ``z2`` it is
    read mod 2, under ``smooth`` it is the multilinear relaxation.

    >>> print(gate("maj", 3, {(0, 1): 1, (0, 2): 1, (1, 2): 1, (0, 1, 2): -2}).dom)
    Z2 @ Z2 @ Z2
    """
    terms = tuple(sorted((tuple(sorted(m)), int(c)) for m, c in polynomial.items() if c))
    for monomial, _ in terms:
        if len(set(monomial)) != len(monomial) or any(not 0 <= i < arity for i in monomial):
            raise ValueError(f"gate {name!r}: monomial {monomial} is not multilinear "
                             f"in {arity} inputs")
    return _box("gate", bits(arity), BIT, terms, name)


def _gate(name):
    def constructor() -> Box:
        return gate(name, *GATES[name])
    constructor.__name__ = f"{name}_"
    constructor.__doc__ = f"The ``{name}`` gate, polynomial {GATES[name][1]}."
    return constructor


and_, or_, xor, not_, nand, nor, xnor, one, zero_gate = map(_gate, (
    "and", "or", "xor", "not", "nand", "nor", "xnor", "one", "zero"))

_RING = {"add": add, "mul": mul, "neg": neg, "scale": scale, "shift": shift}
