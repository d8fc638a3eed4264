"""The signature of catlearn's string diagrams: wire types and generators.

Diagrams are ``discopy.markov`` diagrams: ``Copy``, ``Discard``, ``Merge`` and
``Swap`` are used as they are, and every generator is a :class:`Box` whose
``data`` is a hashable :class:`Spec` (a kind and static data: shapes,
constants, polynomials), never an array.  Parameters are wires of a parameter
type ``P...`` produced by a named :class:`Param` box; their values live outside
the diagram and are bound by name (:meth:`catlearn.diagrams.Model.bind`).
Diagrams are traced with :mod:`catlearn.program`'s tracer: a box applied to
traced wires (:class:`~catlearn.program.Var`, alias :class:`Wire`) records itself,
a catlearn generator or map applied to them records its generators, and
:func:`catlearn.diagrams.wiring.trace` lays the recording out as a diagram.
Every box but a gate and a parameter is a catlearn generator (:func:`box`): the
constructors below are the backends' own generator constructors, read as boxes.

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

import functools
from dataclasses import dataclass
from typing import Hashable

from discopy import markov

from catlearn import smooth
from catlearn.program import Generator, Ty, Var, generator, record, wires

# the signature's wire types, re-exported with it
from catlearn.diagrams.atoms import (BIT, _atom, _dims, atom_of, bits, param_type, parse, real,
                                     shape, wire_type)

# -- wires of a diagram being traced: catlearn.program's tracer ------------------------

Wire = Var
"""A wire of a diagram being traced: a :class:`catlearn.program.Var` of a trace read by
:data:`SYNTAX` (:func:`catlearn.diagrams.wiring.trace`), typed by catlearn wire types."""


class _Syntax:
    """The reader of a diagram trace: arithmetic on its wires applies the ring boxes.

    ``x + 0`` and ``1 * x`` apply nothing, so that traced formulas draw no
    useless boxes.
    """

    def __repr__(self) -> str:
        return "diagram"

    def var_add(self, x, y):
        if isinstance(y, Var):
            return add(atom_of(x.type))(x, y)
        return shift(y, atom_of(x.type))(x) if y else x

    def var_mul(self, x, y):
        if isinstance(y, Var):
            return mul(atom_of(x.type))(x, y)
        return x if y == 1 else scale(y, atom_of(x.type))(x)

    def var_neg(self, x):
        return neg(atom_of(x.type))(x)


SYNTAX = _Syntax()


@functools.lru_cache(maxsize=None)
def _wire_types(names: tuple) -> Ty:
    return Ty(*(wire_type(name) for name in names))


def wire_types(ty: markov.Ty) -> Ty:
    """The catlearn wire types of a diagram type (``R3 @ Z2`` is ``Ty(R^3, Z2)``)."""
    return _wire_types(tuple(ob.name for ob in ty.inside))


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
        return record(self, args, wire_types(self.dom), wire_types(self.cod), f"box {self.name}")


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


LABELS = {"scale": "scale({:g})", "shift": "shift({:g})", "constant": "constant({:g})",
          "zero": "0"}
"""How a box of these generators is labelled in drawings (others: the generator's name)."""


def box(gen: Generator, atom=atom_of) -> Box:
    """The diagram box of a catlearn generator: same name (its kind), types and static data.

    Any generator of a backend's table is a box, with no second table: its
    meaning (:mod:`~catlearn.diagrams.meaning`) is the backend's generator of the
    same name and its reverse derivative (:mod:`~catlearn.diagrams.reverse`) is
    read off the backend's rule.  ``atom`` gives the atom of a wire type.

    >>> b = box(smooth.sum_gen(smooth.Real((3,))))
    >>> print(b, ":", b.dom, "->", b.cod, "|", b.spec)
    sum : R3 -> R | Spec(kind='sum', data=None)
    >>> box(smooth.STRUCTURE["scale"](smooth.Real(()), 2.0)).name
    'scale(2)'
    """
    label = LABELS.get(gen.name, gen.name)
    return _box(gen.name, markov.Ty(*(atom(w).inside[0] for w in gen.dom)),
                markov.Ty(*(atom(w).inside[0] for w in gen.cod)), gen.data,
                label.format(gen.data) if "{" in label else label)


@functools.lru_cache(maxsize=None)
def _of(gen: Generator) -> Box:
    """:func:`box` of a generator, made once."""
    return box(gen)


def _real(n, batched=True) -> smooth.Real:
    return wire_type(_atom(n)) if batched else smooth.Real(_dims(n), False)


def _pointwise(kind):
    def constructor(n=()) -> Box:
        x = wire_type(_atom(n))
        return _of(generator(kind, [x], [x]))
    constructor.__name__ = kind
    constructor.__doc__ = f"The pointwise generator ``{kind} : R<n> -> R<n>``."
    return constructor


exp, log, reciprocal, sqrt, sigmoid, tanh, relu, step, softmax = map(_pointwise, (
    "exp", "log", "reciprocal", "sqrt", "sigmoid", "tanh", "relu", "step", "softmax"))
softmax.__doc__ = "Softmax over the last axis, ``R<n> -> R<n>``."


def linear(n_in: int, n_out: int) -> Box:
    """``(W : P<n_out x n_in>, x : R<n_in>) |-> W x``."""
    return _of(smooth.linear_gen(_real((n_out, n_in), False), _real(n_in)))


def linear_t(n_out: int, n_in: int) -> Box:
    """``(W : P<n_out x n_in>, u : R<n_out>) |-> W^T u`` (the dagger of :func:`linear`)."""
    return _of(smooth.linear_t_gen(_real((n_out, n_in), False), _real(n_out)))


def outer(n_out: int, n_in: int) -> Box:
    """``(u : R<n_out>, x : R<n_in>) |-> sum over the batch of u x^T : P<n_out x n_in>``."""
    return _of(smooth.outer_gen(_real(n_out), _real(n_in)))


def bias(n) -> Box:
    """``(b : P<n>, x : R<n>) |-> x + b``.

    >>> print(bias(3).dom)
    P3 @ R3
    """
    return _of(smooth.bias(_dims(n)).ops[0].gen)


def batch_sum(n) -> Box:
    """``R<n> -> P<n>``: the sum over the batch."""
    return _of(smooth.batch_sum_gen(_real(n)))


def spread(n) -> Box:
    """``(p : P<n>, x : R<n>) |-> p`` repeated along the batch of ``x``."""
    return _of(smooth.spread_gen(_real(n)))


def sum_(n) -> Box:
    """``R<n> -> R``: the sum of the entries of each example."""
    return _of(smooth.sum_gen(_real(n)))


def expand(n) -> Box:
    """``(z : R, x : R<n>) |-> z`` broadcast to the shape of ``x``."""
    return _of(smooth.expand_gen(_real(n)))


# the ring generators: on data wires (``n`` a shape) or on any atom (``Z2``)

def _ring(kind, arity, *data):
    def build(n=()) -> Box:
        x = wire_type(_atom(n))
        return _of(generator(kind, [x] * arity, [x], *data))
    return build


def add(n=()) -> Box:
    """``x @ x -> x``, the addition of the backend (XOR on ``Z2``)."""
    return _ring("add", 2)(n)


def mul(n=()) -> Box:
    """``x @ x -> x``, elementwise product (AND on ``Z2``)."""
    return _ring("mul", 2)(n)


def neg(n=()) -> Box:
    """``x |-> -x`` (the identity on ``Z2``)."""
    return _ring("neg", 1)(n)


def scale(c: float, n=()) -> Box:
    """``x |-> c x``; on ``Z2`` wires ``c`` is read mod 2.

    >>> scale(2, BIT).name, scale(0.5, 3).spec
    ('scale(2)', Spec(kind='scale', data=0.5))
    """
    return _ring("scale", 1, float(c))(n)


def shift(c: float, n=()) -> Box:
    """``x |-> x + c``."""
    return _ring("shift", 1, float(c))(n)


def constant(c: float, n=()) -> Box:
    """``1 -> x``, every entry ``c`` (broadcast over the batch)."""
    return _ring("constant", 0, float(c))(n)


def zero(n=()) -> Box:
    """``1 -> x``, the unit of ``add``."""
    return _ring("zero", 0)(n)


def zero_like(n=()) -> Box:
    """``x |-> 0`` (zeros of the shape of ``x``)."""
    return _ring("zero_like", 1)(n)


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
