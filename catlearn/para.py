"""Parametrised maps ``Para(C)``: a parameter object ``P`` and ``f : P @ A -> B``.

Composition follows the papers: for ``(P, f) : A -> B`` and ``(Q, g) : B -> C``
the composite has parameters ``Q @ P`` and map ``(id_Q @ f) ; g``.  The same
construction works over maps and over lenses, so ``Para(R)``, the functor
``Para(C) -> Para(Lens(C))``, is :meth:`Para.R`.

Laws (``tests/test_para.py``): associativity and unit up to the evident
reordering of parameters, interchange, ``reparam(r) ; reparam(s)``
equals ``reparam(s ; r)``.

>>> import numpy as np
>>> from catlearn import smooth, Para
>>> layer = Para.of(smooth.linear(2, 1))
>>> layer.param, layer.dom, layer.cod
(Ty(P^1x2), Ty(R^2), Ty(R^1))
>>> layer(np.array([[1.0, 1.0]]), np.array([[2.0, 3.0]]))[0].tolist()
[[5.0]]
"""

from __future__ import annotations

from dataclasses import dataclass

from catlearn.core import Map, Ty
from catlearn.lens import Lens


@dataclass(frozen=True, eq=False)
class Para:
    """A parametrised map ``(P, f : P @ A -> B)``; ``f`` a :class:`Map` or :class:`Lens`."""

    param: Ty
    f: Map | Lens

    @staticmethod
    def of(f, n_params: int = 1) -> "Para":
        """``f`` with its first ``n_params`` input wires as parameters."""
        return Para(f.dom[:n_params], f)

    @staticmethod
    def id(ty: Ty, backend) -> "Para":
        return Para(Ty(), Map.id(ty, backend))

    @property
    def dom(self) -> Ty:
        return self.f.dom[len(self.param):]

    @property
    def cod(self) -> Ty:
        return self.f.cod

    @property
    def backend(self):
        return self.f.backend

    def __repr__(self) -> str:
        return f"Para({self.param}; {self.dom} -> {self.cod})"

    def _id(self, ty: Ty):
        return type(self.f).id(ty, self.backend)

    def then(self, other: "Para") -> "Para":
        """``(P, f) ; (Q, g) = (Q @ P, (id_Q @ f) ; g)``."""
        if self.cod != other.dom:
            raise TypeError(f"cannot compose parametrised maps: codomain {self.cod} "
                            f"does not match domain {other.dom}")
        return Para(other.param @ self.param, (self._id(other.param) @ self.f) >> other.f)

    def tensor(self, other: "Para") -> "Para":
        """``(P, f) @ (Q, g) = (P @ Q, reorder ; f @ g)``."""
        swap = type(self.f).swap(other.param, self.dom, self.backend)
        reorder = self._id(self.param) @ swap @ self._id(other.dom)
        return Para(self.param @ other.param, reorder >> (self.f @ other.f))

    def reparam(self, r) -> "Para":
        """Precompose the parameter port with ``r : P' -> P``."""
        if r.cod != self.param:
            raise TypeError(f"reparametrisation has codomain {r.cod}, "
                            f"expected the parameter type {self.param}")
        return Para(r.dom, (r @ self._id(self.dom)) >> self.f)

    def R(self) -> "Para":
        """``Para(R)``: the same parameters, the map turned into its lens."""
        return Para(self.param, Lens.R(self.f))

    __rshift__ = then
    __matmul__ = tensor

    def __call__(self, *args):
        return self.f(*args)
