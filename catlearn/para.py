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

Parameter wires may carry names (``names``, one per wire of ``P``); the named views
of a parametrised map (``diagrams.Model``, ``diagrams.ParaMap``, the learners of
``learning.backprop_functor``) are built on this one class:

>>> named = Para.named((("W", layer.param[0]),), layer.f)
>>> named
Para(W: P^1x2; R^2 -> R^1)
>>> named.params
(('W', P^1x2),)
"""

from __future__ import annotations

from dataclasses import dataclass

from catlearn import display
from catlearn.core import Map, Ty
from catlearn.lens import Lens


@dataclass(frozen=True, eq=False)
class Para:
    """A parametrised map ``(P, f : P @ A -> B)``; ``f`` a :class:`Map` or :class:`Lens`.

    ``names``: optional, one name per wire of ``P``; composites keep them
    (``Q @ P`` gives ``Q``'s names then ``P``'s) when both sides are named.
    """

    param: Ty
    f: Map | Lens
    names: tuple[str, ...] | None = None

    def __post_init__(self):
        if self.f.dom[:len(self.param)] != self.param:
            raise TypeError(f"the map must read the parameters {self.param} first, "
                            f"got {self.f.dom}")
        if self.names is not None and len(self.names) != len(self.param):
            raise TypeError(f"{len(self.names)} parameter names {list(self.names)} for "
                            f"{len(self.param)} parameter wires {self.param}")

    @staticmethod
    def named(params, f) -> "Para":
        """``f`` whose first wires are the parameters ``params``, pairs ``(name, wire)``."""
        params = tuple(params)
        return Para(Ty(*(w for _, w in params)), f, tuple(name for name, _ in params))

    @property
    def params(self) -> tuple:
        """``(name, wire)`` pairs, in the order of the map's first input wires."""
        if self.names is None:
            raise ValueError(f"the parameters of {self!r} have no names")
        return tuple(zip(self.names, self.param))

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
        if self.names is None:
            return f"Para({self.param}; {self.dom} -> {self.cod})"
        params = "".join(f"{name}: {w!r}, " for name, w in self.params)
        return f"Para({params[:-2] + '; ' if params else ''}{self.dom} -> {self.cod})"

    def _repr_svg_(self) -> str:
        return display.para_svg(self)

    def _names(self, *parts: "Para"):
        """The names of ``parts``' parameters in that order, when all are named."""
        if any(p.names is None for p in parts):
            return None
        return tuple(name for p in parts for name in p.names)

    def _id(self, ty: Ty):
        return type(self.f).id(ty, self.backend)

    def then(self, other: "Para") -> "Para":
        """``(P, f) ; (Q, g) = (Q @ P, (id_Q @ f) ; g)``."""
        if self.cod != other.dom:
            raise TypeError(f"cannot compose parametrised maps: codomain {self.cod} "
                            f"does not match domain {other.dom}")
        return Para(other.param @ self.param, (self._id(other.param) @ self.f) >> other.f,
                    self._names(other, self))

    def tensor(self, other: "Para") -> "Para":
        """``(P, f) @ (Q, g) = (P @ Q, reorder ; f @ g)``."""
        swap = type(self.f).swap(other.param, self.dom, self.backend)
        reorder = self._id(self.param) @ swap @ self._id(other.dom)
        return Para(self.param @ other.param, reorder >> (self.f @ other.f),
                    self._names(self, other))

    def reparam(self, r) -> "Para":
        """Precompose the parameter port with ``r : P' -> P``."""
        if r.cod != self.param:
            raise TypeError(f"reparametrisation has codomain {r.cod}, "
                            f"expected the parameter type {self.param}")
        return Para(r.dom, (r @ self._id(self.dom)) >> self.f)

    def R(self) -> "Para":
        """``Para(R)``: the same parameters, the map turned into its lens."""
        return Para(self.param, Lens.R(self.f), self.names)

    __rshift__ = then
    __matmul__ = tensor

    def __call__(self, *args):
        return self.f(*args)

    def bind(self, params) -> "Bound":
        """The model with its parameters fixed: a function of the data inputs.

        >>> import numpy as np
        >>> from catlearn import smooth
        >>> Para.of(smooth.linear(2, 1)).bind([np.array([[1.0, 2.0]])])(np.ones((3, 2)))
        array([[3.],
               [3.],
               [3.]])
        """
        params = tuple(params)
        if len(params) != len(self.param):
            raise TypeError(f"{self!r} has {len(self.param)} parameter wires ({self.param}), "
                            f"got {len(params)} parameters")
        for k, (w, p) in enumerate(zip(self.param, params)):
            shape = getattr(w, "shape", None)
            if shape is not None and getattr(p, "shape", shape) != shape:
                raise TypeError(f"parameter {k} ({w!r}) needs shape {shape}, got {p.shape}")
        return Bound(self, params)


class Parametrised:
    """What every view of a named parametrised map reads off its ``para``: ``param``,
    ``params``, ``dom``, ``cod`` and ``backend`` (``diagrams.Model``, ``diagrams.ParaMap``,
    the learners of Backprop as Functor)."""

    para: Para

    @property
    def param(self) -> Ty:
        """``P``, the parameter wires."""
        return self.para.param

    @property
    def params(self) -> tuple:
        """``(name, wire)`` pairs of the parameters."""
        return self.para.params

    @property
    def dom(self) -> Ty:
        """``A``, the data inputs (after the parameters)."""
        return self.para.dom

    @property
    def cod(self) -> Ty:
        return self.para.cod

    @property
    def backend(self):
        return self.para.backend

    def _repr_svg_(self) -> str:
        return display.para_svg(self.para)


@dataclass(frozen=True, eq=False)
class Bound(Parametrised):
    """A parametrised map with its parameter ``values`` given: ``Bound(model, values)(*xs)``
    is ``model(*values, *xs)``, one array when the model has one output wire, else a tuple."""

    para: Para
    values: tuple

    def __repr__(self) -> str:
        return f"{self.para!r}.bind(...)"

    def __call__(self, *xs):
        out = self.para.f(*self.values, *xs)
        return out[0] if len(out) == 1 else tuple(out)
