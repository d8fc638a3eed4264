"""Wire types of catlearn's string diagrams: ``markov.Ty`` atoms named by shape.

* ``R3``, ``R3x4``, ``R`` (scalar): batched data, catlearn's ``smooth.Real``;
* ``P3x4``: an unbatched parameter, ``smooth.Real(..., batched=False)``;
* ``Z2``: a bit, catlearn's ``z2.BIT`` (its relaxation reads it as ``R``).

Law: ``atom_of(wire_type(a)) == a`` for every atom.

>>> print(real(3) @ param_type((3, 4)) @ bits(2))
R3 @ P3x4 @ Z2 @ Z2
>>> atom_of(wire_type(param_type((3, 4)))) == param_type((3, 4))
True
"""

from __future__ import annotations

import re

from discopy import markov

from catlearn import smooth, z2

_ATOM = re.compile(r"([RP])(\d+(?:x\d+)*)?$")


def _dims(shape) -> tuple:
    return (int(shape),) if isinstance(shape, int) else tuple(int(n) for n in shape)


def real(shape=()) -> markov.Ty:
    """The batched data type ``R<shape>`` (``real(3)`` is ``R3``, ``real(())`` is ``R``)."""
    return markov.Ty("R" + "x".join(map(str, _dims(shape))))


def param_type(shape=()) -> markov.Ty:
    """The parameter type ``P<shape>``: unbatched, entering from a :class:`Param` box."""
    return markov.Ty("P" + "x".join(map(str, _dims(shape))))


BIT = markov.Ty("Z2")


def bits(n: int) -> markov.Ty:
    """``Z2 @ ... @ Z2`` (n wires)."""
    return markov.Ty(*["Z2"] * n)


def parse(atom) -> tuple[str, tuple]:
    """``(letter, shape)`` of an atom: ``('R', (3,))``, ``('P', (3, 4))`` or ``('Z2', ())``.

    >>> parse(real((2, 5)))
    ('R', (2, 5))
    """
    name = _name(atom)
    if name == "Z2":
        return "Z2", ()
    match = _ATOM.match(name)
    if match is None:
        raise ValueError(f"wire type {name!r} is not a catlearn wire type "
                         "(R<shape>, P<shape> or Z2, e.g. R3, P3x4)")
    dims = match.group(2)
    return match.group(1), tuple(int(n) for n in dims.split("x")) if dims else ()


def _name(atom) -> str:
    if isinstance(atom, str):
        return atom
    if isinstance(atom, markov.Ty):
        if len(atom) != 1:
            raise ValueError(f"expected one wire type, got {atom} ({len(atom)} wires)")
        atom = atom.inside[0]
    return atom.name


def shape(atom) -> tuple:
    """The shape of a wire type (``()`` for ``Z2`` and scalars)."""
    return parse(atom)[1]


def wire_type(atom):
    """The catlearn wire type an atom stands for: ``smooth.Real`` or ``z2.BIT``."""
    letter, dims = parse(atom)
    return z2.BIT if letter == "Z2" else smooth.Real(dims, letter == "R")


def atom_of(wire) -> markov.Ty:
    """The atom of a catlearn wire type (inverse of :func:`wire_type`).

    >>> print(atom_of(smooth.Real((3,), batched=False)))
    P3
    """
    if wire == z2.BIT:
        return BIT
    return (real if wire.batched else param_type)(wire.shape)


def _atom(ty) -> markov.Ty:
    """A shape (int or tuple) as its data type ``R...``; an atom as it is."""
    if isinstance(ty, markov.Ty):
        parse(ty)
        return ty
    return real(ty)
