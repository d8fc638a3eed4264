"""Lenses over any backend, as optics with a residual.

A lens ``(A, A') -> (B, B')`` has a forward part ``get : A -> B`` and a
backward part ``put : A @ B' -> A'``.  catlearn stores it as an optic
``fwd : A -> M @ B``, ``bwd : M @ B' -> A'`` whose residual ``M`` is what
the backward pass needs from the forward pass.  Composition concatenates
residuals, so the ``put`` of a composite of depth ``n`` runs each forward
map once: its cost grows linearly, left- or right-nested.

``Lens.R`` is the functor ``R : C -> Lens(C)``, ``f |-> (f, R[f])``.

Laws (``tests/test_laws.py``, every backend): composition is associative and unital,
tensor is functorial, ``Lens.R(f >> g) == Lens.R(f) >> Lens.R(g)``.

>>> import numpy as np
>>> from catlearn import smooth, Lens
>>> lens = Lens.R(smooth.exp(1)) >> Lens.R(smooth.scale(3.0, 1))
>>> x, dy = np.array([[0.0]]), np.array([[1.0]])
>>> lens.get(x)[0].tolist(), lens.put(x, dy)[0].tolist()
([[3.0]], [[3.0]])

``R`` is a functor, on values: the lens of a composite is the composite of
the lenses, and identities go to identities.

>>> f, g = smooth.linear(2, 1), smooth.sigmoid(1)
>>> W, a, db = np.array([[0.5, -1.0]]), np.array([[1.0, 2.0], [0.0, 3.0]]), np.array([[1.0], [2.0]])
>>> whole, parts = Lens.R(f >> g), Lens.R(f) >> Lens.R(g)
>>> all(np.allclose(u, v, rtol=1e-15) for u, v in zip(whole.get(W, a), parts.get(W, a)))
True
>>> all(np.allclose(u, v, rtol=1e-15) for u, v in zip(whole.put(W, a, db), parts.put(W, a, db)))
True
>>> ident = Lens.R(smooth.identity(2))
>>> ident.put(a, a)[0].tolist() == a.tolist() and ident.get(a)[0].tolist() == a.tolist()
True
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from catlearn import display
from catlearn.core import Map, Ty, trace, wires


@dataclass(frozen=True, eq=False)
class Lens:
    """An optic ``fwd : A -> M @ B``, ``bwd : M @ B' -> A'`` with residual ``res = M``."""

    fwd: Map
    bwd: Map
    res: Ty

    # -- types ---------------------------------------------------------------

    @property
    def backend(self):
        return self.fwd.backend

    @property
    def dom(self) -> Ty:
        return self.fwd.dom

    @property
    def cod(self) -> Ty:
        return self.fwd.cod[len(self.res):]

    @property
    def dom_back(self) -> Ty:
        """``A'``, what ``put`` returns."""
        return self.bwd.cod

    @property
    def cod_back(self) -> Ty:
        """``B'``, what ``put`` receives."""
        return self.bwd.dom[len(self.res):]

    def __repr__(self) -> str:
        return (f"Lens(({self.dom}, {self.dom_back}) -> ({self.cod}, {self.cod_back}), "
                f"residual {self.res})")

    def _repr_svg_(self) -> str:
        return display.lens_svg(self)

    # -- construction ----------------------------------------------------------

    @staticmethod
    def of(get: Map, put: Map) -> "Lens":
        """The lens with ``get : A -> B`` and ``put : A @ B' -> A'`` (residual ``A``)."""
        if put.dom[:len(get.dom)] != get.dom:
            raise TypeError(f"put must take the domain of get {get.dom} first, got {put.dom}")
        fwd = trace(get.dom, lambda *a: (*a, *wires(get(*a))), get.backend)
        return Lens(fwd, put, get.dom)

    @staticmethod
    def R(f: Map) -> "Lens":
        """The functor ``R : C -> Lens(C)``: ``f |-> (f, R[f])``, cut at its residual."""
        from catlearn.derivative import split
        return Lens(*split(f))

    @staticmethod
    def id(ty: Ty, backend) -> "Lens":
        return Lens(Map.id(ty, backend), Map.id(ty, backend), Ty())

    @staticmethod
    def swap(a: Ty, b: Ty, backend) -> "Lens":
        return Lens(Map.swap(a, b, backend), Map.swap(b, a, backend), Ty())

    # -- composition -------------------------------------------------------------

    def then(self, other: "Lens") -> "Lens":
        """``(f ; g)``: forward ``f`` then ``g``, backward ``g`` then ``f``."""
        if self.cod != other.dom or self.cod_back != other.dom_back:
            raise TypeError(f"cannot compose lenses: ({self.cod}, {self.cod_back}) "
                            f"does not match ({other.dom}, {other.dom_back})")
        b = self.backend
        fwd = self.fwd >> (Map.id(self.res, b) @ other.fwd)
        bwd = (Map.id(self.res, b) @ other.bwd) >> self.bwd
        return Lens(fwd, bwd, self.res @ other.res)

    def tensor(self, other: "Lens") -> "Lens":
        """``f @ g``, residuals gathered on the left."""
        b, m, n = self.backend, len(self.res), len(other.res)
        k = len(self.cod)
        fwd = (self.fwd @ other.fwd) >> _move(self.res @ self.cod, other.res @ other.cod, m, k, n, b)
        back = self.res @ other.res @ self.cod_back @ other.cod_back
        order = [*range(m), *range(m + n, m + n + len(self.cod_back)),
                 *range(m, m + n), *range(m + n + len(self.cod_back), len(back))]
        bwd = Map.wire(back, order, b) >> (self.bwd @ other.bwd)
        return Lens(fwd, bwd, self.res @ other.res)

    __rshift__ = then
    __matmul__ = tensor

    # -- running ------------------------------------------------------------------

    @functools.cached_property
    def get(self) -> Map:
        """``get : A -> B``."""
        m = len(self.res)
        return trace(self.dom, lambda *a: wires(self.fwd(*a))[m:], self.backend).prune()

    @functools.cached_property
    def put(self) -> Map:
        """``put : A @ B' -> A'``: one forward pass to the residual, then ``bwd``."""
        k, m = len(self.dom), len(self.res)

        def run(*args):
            res = wires(self.fwd(*args[:k]))[:m]
            return self.bwd(*res, *args[k:])
        return trace(self.dom @ self.cod_back, run, self.backend).prune()


def _move(left: Ty, right: Ty, m: int, k: int, n: int, backend) -> Map:
    """``M1 @ B1 @ M2 @ B2 -> M1 @ M2 @ B1 @ B2``."""
    order = [*range(m), *range(m + k, m + k + n), *range(m, m + k),
             *range(m + k + n, len(left) + len(right))]
    return Map.wire(left @ right, order, backend)
