"""The same functor in DisCoPy's own form: ``markov.Functor`` into parametrised maps.

:func:`functor` returns a ``discopy.markov.Functor`` whose target category
has as arrows :class:`ParaMap`: a backend map ``P @ A -> B`` whose parameter
wires are named.  Composition and tensor merge parameters by name (so a
parameter used twice is one parameter, as in the linear pass), and the
Markov structure (``swap``, ``copy``, ``merge``) is the backend's wiring.

DisCoPy folds a diagram box by box with ``>>``, which copies the program
at every step (quadratic): this form is the specification that
:func:`~catlearn.diagrams.interpret` (one linear pass) is tested against.

>>> import numpy as np
>>> from catlearn import smooth
>>> from catlearn.diagrams import signature as sig
>>> F = functor(smooth.backend)
>>> f = F(sig.exp(1) >> sig.scale(2.0, 1))
>>> f.map(np.array([[0.0]]))[0].tolist()
[[2.0]]
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import ClassVar

from discopy import markov
from discopy.cat import Category
from discopy.utils import Composable, Whiskerable

from catlearn.core import Map, Ty, trace, wires
from catlearn.diagrams import signature as sig
from catlearn.diagrams.interpret import Model
from catlearn.diagrams.meaning import semantics
from catlearn.para import Para, Parametrised


class Wires(Ty):
    """Objects of the target: catlearn wire types, concatenated by ``+`` as DisCoPy sums them.

    ``@`` with an arrow whiskers it (``Ty`` alone would try to concatenate).
    """

    def __add__(self, other) -> "Wires":
        return Wires(*self, *other)

    def __matmul__(self, other):
        return Wires(*self, *other) if isinstance(other, tuple) else NotImplemented


@dataclass(frozen=True, eq=False)
class ParaMap(Parametrised, Composable, Whiskerable):
    """An arrow ``A -> B``: a named :class:`~catlearn.para.Para`, a map ``P @ A -> B``.

    ``params`` are ``(name, wire type)`` pairs, in the order of the map's
    first input wires.  Subclassed once per backend (:func:`arrows`), since
    DisCoPy calls ``id``, ``swap``, ``copy`` and ``merge`` on the class.
    """

    para: Para
    backend: ClassVar = None

    @classmethod
    def named(cls, params, map_: Map) -> "ParaMap":
        """The arrow of ``map_`` whose first wires are ``params``, pairs ``(name, wire)``."""
        return cls(Para.named(params, map_))

    @property
    def map(self) -> Map:
        return self.para.f

    def __repr__(self) -> str:
        names = ", ".join(self.para.names)
        return f"ParaMap({names + '; ' if names else ''}{self.dom} -> {self.cod})"

    @classmethod
    def of(cls, model: Model) -> "ParaMap":
        """The arrow of a :class:`~catlearn.diagrams.Model`."""
        return cls(model.para)

    @property
    def model(self) -> Model:
        return Model(self.para)

    @classmethod
    def _wiring(cls, dom, fn) -> "ParaMap":
        return cls.named((), trace(Ty(*dom), fn, cls.backend))

    @classmethod
    def id(cls, dom=()) -> "ParaMap":
        return cls._wiring(dom, lambda *xs: xs)

    @classmethod
    def swap(cls, left, right) -> "ParaMap":
        n = len(left)
        return cls._wiring(Ty(*left) @ Ty(*right), lambda *xs: xs[n:] + xs[:n])

    @classmethod
    def copy(cls, x, n: int = 2) -> "ParaMap":
        return cls._wiring(x, lambda *xs: xs * n)

    @classmethod
    def merge(cls, x, n: int = 2) -> "ParaMap":
        if n == 0:
            return cls.named((), trace(Ty(), lambda: cls.backend.zero(x[0])(), cls.backend))
        return cls._wiring(Ty(*x) * n, lambda *xs: functools.reduce(lambda u, v: u + v, xs))

    def _merged(self, other):
        """Parameters of both, by name; where each one's parameter wires sit in them."""
        params = dict(self.params)
        for name, wire in other.params:
            if params.setdefault(name, wire) != wire:
                raise TypeError(f"parameter {name!r} has types {params[name]!r} "
                                f"and {wire!r}")
        names = list(params)
        return tuple(params.items()), [[names.index(n) for n, _ in f.params]
                                       for f in (self, other)]

    def then(self, other: "ParaMap") -> "ParaMap":
        if self.cod != other.dom:
            raise TypeError(f"cannot compose {self} with {other}: {self.cod} != {other.dom}")
        params, (mine, theirs) = self._merged(other)
        k = len(params)

        def run(*xs):
            ps, a = xs[:k], xs[k:]
            b = wires(self.map(*(ps[i] for i in mine), *a))
            return other.map(*(ps[i] for i in theirs), *b)
        return type(self).named(params, trace(Ty(*(w for _, w in params)) @ self.dom, run,
                                              self.backend))

    def tensor(self, other: "ParaMap") -> "ParaMap":
        params, (mine, theirs) = self._merged(other)
        k, n = len(params), len(self.dom)

        def run(*xs):
            ps, a = xs[:k], xs[k:]
            return (*wires(self.map(*(ps[i] for i in mine), *a[:n])),
                    *wires(other.map(*(ps[i] for i in theirs), *a[n:])))
        dom = Ty(*(w for _, w in params)) @ self.dom @ other.dom
        return type(self).named(params, trace(dom, run, self.backend))


@functools.lru_cache(maxsize=None)
def arrows(backend) -> type:
    """The class of :class:`ParaMap` arrows of ``backend``."""
    return type(f"ParaMap[{backend}]", (ParaMap,), {"backend": backend})


def _arrow(box, sem, cls):
    if isinstance(box, sig.Param):
        wire = sem.wire_of(box.cod.inside[0])
        return cls.named(((box.name, wire),), Map.id(Ty(wire), sem.backend))
    return cls.named((), sem.meaning(box))


def functor(backend) -> markov.Functor:
    """``markov.Functor`` from diagrams to :class:`ParaMap` arrows of ``backend``."""
    sem, cls = semantics(backend), arrows(backend)
    return markov.Functor(lambda ob: Wires(sem.wire_of(ob.inside[0])),
                          lambda box: _arrow(box, sem, cls),
                          cod=Category(Wires, cls))
