"""How each backend reads the signature: wire types and the meaning of every box.

A :class:`Semantics` gives a backend's wire type for each atom and the
scalars of its coefficient ring (reals, or integers mod 2).  The meaning of
a box is read off tables, never off a ladder of names:

* ring generators (``add``, ``mul``, ``neg``, ``scale``, ``shift``, ``zero``,
  ``zero_like``, ``constant``) are the backend's own structure
  (``Backend.structure``): on ``Z2`` they are XOR, AND, identity, ...;
* a ``gate`` box carries a multilinear integer polynomial: read mod 2 it is
  the boolean circuit, over the reals it is its multilinear relaxation;
* any other kind is the backend's generator of the same name (``linear``,
  ``relu``, ... in ``smooth.RULES``), or an error naming box and backend.

>>> from catlearn import smooth, z2
>>> from catlearn.diagrams import signature as sig
>>> semantics(z2.backend).meaning(sig.or_())
Map(Z2 @ Z2 -> Z2: and ; xor ; xor)
>>> semantics(smooth.backend).meaning(sig.not_())
Map(R -> R: scale(-1.0) ; shift(1.0))
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any, Callable

from catlearn import smooth, symbolic, z2
from catlearn.core import Generator, Map, Ty, trace
from catlearn.diagrams import signature as sig


class InterpretError(NotImplementedError):
    """A box or a wire type that a backend cannot interpret."""


@dataclass(frozen=True, eq=False)
class Semantics:
    """A backend's reading of the signature.

    ``wire(atom)`` is the backend's wire type for an atom (or raises
    ``InterpretError``); ``coefficient(c)`` turns a constant of ``scale``,
    ``shift`` or a gate polynomial into the backend's scalar.
    """

    backend: Any
    wire: Callable
    coefficient: Callable
    _cache: dict = field(default_factory=dict, repr=False)

    def wires(self, ty) -> Ty:
        """The backend's wire types for a ``markov.Ty``."""
        return Ty(*(self.wire_of(ob) for ob in ty.inside))

    def wire_of(self, ob):
        """The backend's wire type for one atom (cached by name)."""
        key = ("wire", ob.name)
        if key not in self._cache:
            self._cache[key] = self.wire(ob.name)
        return self._cache[key]

    def meaning(self, box) -> Map:
        """The backend map of one generator box (cached)."""
        # DisCoPy hashes boxes by their repr, which is slow: key on names instead
        key = (type(box), box.name, tuple(ob.name for ob in box.dom.inside),
               tuple(ob.name for ob in box.cod.inside), box.data)
        if key not in self._cache:
            self._cache[key] = self._meaning(box)
        return self._cache[key]

    def _meaning(self, box) -> Map:
        if not isinstance(box, sig.Box) or isinstance(box, sig.Param):
            raise InterpretError(f"backend {self.backend} cannot interpret box {box} "
                                 f"({box.dom} -> {box.cod}): not a generator of the "
                                 "catlearn signature")
        try:
            return MEANINGS.get(box.kind, _primitive)(box, self)
        except InterpretError as error:
            raise InterpretError(f"backend {self.backend} cannot interpret box {box.name!r} "
                                 f"({box.dom} -> {box.cod}): {error}") from None


# -- the meanings ----------------------------------------------------------------------


def _one(sem, ty):
    return sem.wire_of(ty.inside[0])


def _structure(sem, name, *args):
    return sem.backend.structure[name](*args)


def _scale(v, c, sem):
    return _maybe(_structure(sem, "scale", v.type, c) if c != 1 else None, v)


def _shift(v, c, sem):
    return _maybe(_structure(sem, "shift", v.type, c) if c != 0 else None, v)


def _maybe(gen, x):
    """``gen(x)``, where a missing generator (``None``) is the identity."""
    return gen(x) if gen is not None else x


def _constant(c, wire, sem):
    return _shift(_structure(sem, "zero", wire)(), c, sem)


def _ring(build):
    """A ring generator: ``build(box, sem, *vars)`` with the backend's structure."""
    def meaning(box, sem) -> Map:
        return trace(sem.wires(box.dom), lambda *xs: build(box, sem, *xs), sem.backend)
    return meaning


def _polynomial(box, sem, *xs):
    """Sum of coefficient * monomial, coefficients read in the backend's ring."""
    terms = [(m, sem.coefficient(c)) for m, c in box.spec.data]
    const = sum((c for m, c in terms if not m), 0)
    total = None
    for monomial, c in terms:
        if not monomial or c == 0:
            continue
        term = functools.reduce(lambda u, v: u * v, (xs[i] for i in monomial))
        term = _scale(term, c, sem)
        total = term if total is None else total + term
    if total is None:
        return _constant(const, _one(sem, box.cod), sem)
    return _shift(total, const, sem)


MEANINGS = {
    "add": _ring(lambda box, sem, x, y: x + y),
    "mul": _ring(lambda box, sem, x, y: x * y),
    "neg": _ring(lambda box, sem, x: _maybe(_structure(sem, "neg", x.type), x)),
    "scale": _ring(lambda box, sem, x: _scale(x, sem.coefficient(box.spec.data), sem)),
    "shift": _ring(lambda box, sem, x: _shift(x, sem.coefficient(box.spec.data), sem)),
    "zero": _ring(lambda box, sem: _constant(0, _one(sem, box.cod), sem)),
    "constant": _ring(lambda box, sem: _constant(
        sem.coefficient(box.spec.data), _one(sem, box.cod), sem)),
    "zero_like": _ring(lambda box, sem, x: _maybe(_structure(sem, "zero_like", x.type), x)),
    "gate": _ring(_polynomial),
}


def _primitive(box, sem) -> Map:
    """The backend's own generator of the same name and types."""
    if box.kind not in sem.backend.rules:
        raise InterpretError(f"{sem.backend} has no generator {box.kind!r}")
    gen = Generator(box.kind, sem.wires(box.dom), sem.wires(box.cod), box.spec.data)
    return Map.gen(gen, sem.backend)


# -- the backends ----------------------------------------------------------------------


def _real_wire(name):
    letter, shape = sig.parse(name)
    return smooth.Real(shape, letter != "P")


def _bit_wire(name):
    letter, _ = sig.parse(name)
    if letter != "Z2":
        raise InterpretError(f"Z2 has wires of type Z2 only, not {name}")
    return z2.BIT


def _mod2(c) -> int:
    if float(c) != int(c):
        raise InterpretError(f"the constant {c} is not an integer, so it has no value mod 2")
    return int(c) % 2


_SEMANTICS = {
    smooth.backend: Semantics(smooth.backend, _real_wire, float),
    symbolic.backend: Semantics(symbolic.backend, _real_wire, float),
    z2.backend: Semantics(z2.backend, _bit_wire, _mod2),
}


def semantics(backend) -> Semantics:
    """The reading of the signature in ``backend`` (smooth, symbolic, z2 or registered)."""
    try:
        return _SEMANTICS[backend]
    except KeyError:
        known = ", ".join(map(str, _SEMANTICS))
        raise InterpretError(f"no diagram semantics for backend {backend}; known: {known} "
                             "(add one with catlearn.diagrams.register)") from None


def register(sem: Semantics) -> None:
    """Make diagrams interpretable in ``sem.backend``."""
    _SEMANTICS[sem.backend] = sem
