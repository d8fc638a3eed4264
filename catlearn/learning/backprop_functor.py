"""The category Learn and the functor ``L : Para(Euc) -> Learn`` (Backprop as Functor).

Fong, Spivak and Tuyéras (arXiv 1711.10455): a *learner* ``A -> B`` is a
tuple ``(P, I, U, r)`` of a parameter space ``P`` and three maps

* implement ``I : P x A -> B``,
* update    ``U : P x A x B -> P``,
* request   ``r : P x A x B -> A``.

Learners ``(P, I, U, r) : A -> B`` and ``(Q, J, V, s) : B -> C`` compose to
``(P x Q, I*J, U*V, r*s)`` (the definition of Learn, Sec. II; ``b = I(p, a)``)::

    (I*J)(p, q, a)    = J(q, b)
    (U*V)(p, q, a, c) = (U(p, a, s(q, b, c)), V(q, b, c))
    (r*s)(p, q, a, c) = r(p, a, s(q, b, c))

with identity ``(1, id, !, (a, b) |-> b)``.  Learners are taken up to a
bijection of parameter spaces, so ``P x Q`` (the paper) and ``Q @ P``
(catlearn's ``Para``, after CFGBL) name equivalent learners.

For a step size ``eps > 0`` and an error ``e(x, y)`` whose ``de/dx(x0, -)``
is invertible for each ``x0``, the main theorem (Sec. III) gives the functor
``L_{eps,e}``: a parametrised map ``I : P x A -> B`` goes to
``(P, I, U_I, r_I)`` with ``E_I(p, a, b) = sum_j e(I_j(p, a), b_j)`` and::

    U_I(p, a, b) = p - eps grad_p E_I(p, a, b)
    r_I(p, a, b) = f_a(grad_a E_I(p, a, b))

``f_a`` the inverse of ``de/dx(a_i, -)`` entrywise.  For the quadratic error
``e(x, y) = (x - y)^2 / 2`` the inverse of ``y |-> x0 - y`` is ``z |-> x0 - z``,
so ``r_I(p, a, b) = a - grad_a E_I(p, a, b)``: the request is the input moved
against its gradient, the target that ``I``'s own predecessor should aim at.
On a batch ``E`` also sums over the examples.

**Lenses.** A learner is a lens ``(P x A, P x A) -> (B, B)`` whose get is
``I`` and whose put is split into update and request (:meth:`Learner.lens`).
``L_{eps,e}(I)`` is ``Para(R)(I)`` (the lens ``(I, R[I])``) followed by the
*error lens* on ``B`` (put ``(y, b) |-> de/dx(y, b)``, turning a target
into an output cotangent) and closed by the *step lenses*
``(p, dp) |-> p - eps dp`` on ``P`` and ``(a, da) |-> f_a(da)`` on ``A``.
The CFGBL supervised-learning lens is the same picture with the loss, the
learning rate and the optimizer as separate lenses.

>>> import numpy as np
>>> from catlearn import Para, smooth
>>> f = L(Para.of(smooth.linear(1, 1)), eps=0.5)
>>> w, a, b = np.array([[2.0]]), np.array([[1.0]]), np.array([[0.0]])
>>> f.implement(w, a)[0].tolist(), f.update(w, a, b)[0].tolist(), f.request(w, a, b)[0].tolist()
([[2.0]], [[1.0]], [[-3.0]])
>>> (f >> f).param
Ty(P^1x1, P^1x1)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from catlearn.core import Map, Ty, trace, wires
from catlearn.lens import Lens
from catlearn.para import Para, Parametrised


@dataclass(frozen=True)
class Error:
    """An error ``e(x, y)`` by its partial derivative and that derivative's inverse in ``y``.

    ``grad(x, y) = de/dx(x, y)`` and ``inverse(x, z)``, the ``y`` with
    ``de/dx(x, y) = z``, are functions of traced wires, entrywise.
    """

    name: str
    grad: Callable
    inverse: Callable

    def __repr__(self) -> str:
        return f"Error({self.name})"


#: ``e(x, y) = (x - y)^2 / 2``: ``de/dx(x, y) = x - y``, inverse ``z |-> x - z``
quadratic = Error("(x - y)^2 / 2", lambda x, y: x - y, lambda x, z: x - z)


def scaled_quadratic(alpha: float) -> Error:
    """``e(x, y) = alpha (x - y)^2 / 2``: ``de/dx = alpha (x - y)``, inverse ``x - z / alpha``.

    >>> scaled_quadratic(2.0)
    Error(2.0 (x - y)^2 / 2)
    """
    if alpha == 0:
        raise ValueError("alpha = 0 makes de/dx constant, hence not invertible")
    return Error(f"{alpha} (x - y)^2 / 2", lambda x, y: alpha * (x - y),
                 lambda x, z: x - (1.0 / alpha) * z)


@dataclass(frozen=True, eq=False)
class Learner(Parametrised):
    """A morphism ``(P, I, U, r) : A -> B`` of Learn: ``para`` is the parametrised map
    ``(P, I)``; update and request are maps ``P @ A @ B -> P`` and ``P @ A @ B -> A``."""

    para: Para
    update: Map
    request: Map

    def __post_init__(self):
        pab = self.param @ self.dom @ self.cod
        for name, part, cod in (("update", self.update, self.param),
                                ("request", self.request, self.dom)):
            if (part.dom, part.cod) != (pab, cod):
                raise TypeError(f"{name} must have type {pab} -> {cod}, "
                                f"got {part.dom} -> {part.cod}")

    @property
    def implement(self) -> Map:
        """``I : P @ A -> B``."""
        return self.para.f

    def __repr__(self) -> str:
        return "Learner" + repr(self.para)[len("Para"):]

    @staticmethod
    def id(ty: Ty, backend) -> "Learner":
        """``(1, id, !, (a, b) |-> b)``."""
        n = len(ty)
        return Learner(Para.id(ty, backend), Map.discard(ty @ ty, backend),
                       Map.wire(ty @ ty, range(n, 2 * n), backend))

    def then(self, other: "Learner") -> "Learner":
        """``(P, I, U, r) ; (Q, J, V, s) = (P x Q, I*J, U*V, r*s)`` (Sec. II)."""
        if self.cod != other.dom:
            raise TypeError(f"cannot compose learners: codomain {self.cod} "
                            f"does not match domain {other.dom}")
        sizes = len(self.param), len(other.param), len(self.dom), len(other.cod)
        pq, backend = self.param @ other.param, self.backend

        def parts(v):
            p, q, a, c = _cut(v, sizes)
            b = wires(self.implement(*p, *a))
            return p, q, a, b, wires(other.request(*q, *b, *c)), c

        def implement(*v):
            p, q, a = _cut(v, sizes[:3])
            return other.implement(*q, *wires(self.implement(*p, *a)))

        def update(*v):
            p, q, a, b, s, c = parts(v)
            return (*wires(self.update(*p, *a, *s)), *wires(other.update(*q, *b, *c)))

        def request(*v):
            p, q, a, b, s, c = parts(v)
            return self.request(*p, *a, *s)

        dom = pq @ self.dom @ other.cod
        return Learner(Para(pq, trace(pq @ self.dom, implement, backend)),
                       trace(dom, update, backend), trace(dom, request, backend))

    def tensor(self, other: "Learner") -> "Learner":
        """``(P, I, U, r) @ (Q, J, V, s) = (P x Q, I x J, U x V, r x s)``, side by side."""
        sizes = (len(self.param), len(other.param), len(self.dom), len(other.dom),
                 len(self.cod), len(other.cod))
        pq, ac, bd = self.param @ other.param, self.dom @ other.dom, self.cod @ other.cod

        def side_by_side(f, g, dom):
            def run(*v):
                p, q, a, c, b, d = _cut(v, sizes)
                return (*wires(f(*p, *a, *b)), *wires(g(*q, *c, *d)))
            return trace(dom, run, self.backend)

        return Learner(Para(pq, side_by_side(self.implement, other.implement, pq @ ac)),
                       side_by_side(self.update, other.update, pq @ ac @ bd),
                       side_by_side(self.request, other.request, pq @ ac @ bd))

    __rshift__ = then
    __matmul__ = tensor

    def lens(self) -> Lens:
        """The lens ``(P x A, P x A) -> (B, B)``: get ``I``, put ``(U, r)``.

        >>> from catlearn import Para, smooth
        >>> L(Para.of(smooth.linear(2, 1)), eps=0.1).lens()
        Lens((P^1x2 @ R^2, P^1x2 @ R^2) -> (R^1, R^1), residual P^1x2 @ R^2)
        """
        put = trace(self.update.dom, lambda *v: (*wires(self.update(*v)),
                                                 *wires(self.request(*v))), self.backend)
        return Lens.of(self.implement, put)


def _cut(values, sizes) -> list[tuple]:
    """``values`` cut into consecutive pieces of the given ``sizes`` (missing ones empty)."""
    pieces, start = [], 0
    for n in sizes:
        pieces.append(tuple(values[start:start + n]))
        start += n
    return pieces


def L(model: Para, eps: float, error: Error = quadratic) -> Learner:
    """The functor ``L_{eps,e} : Para(Euc) -> Learn`` on one parametrised map.

    Update ``p - eps grad_p E`` and request ``f_a(grad_a E)``; the
    gradients are ``R[I](p, a, de/dx(I(p, a), b))``, read off the lens
    ``Lens.R(I)`` so that ``I`` runs once per update or request.
    """
    if not isinstance(model.f, Map):
        raise TypeError(f"L takes a parametrised map of the base category, got {model!r}")
    if eps <= 0:
        raise ValueError(f"the step size must be positive, got {eps}")
    f, n, k = model.f, len(model.param), len(model.dom)
    lens = Lens.R(f)
    m = len(lens.res)

    def gradients(v):
        p, a, b = _cut(v, (n, k, len(f.cod)))
        out = wires(lens.fwd(*p, *a))
        dy = [error.grad(y, t) for y, t in zip(out[m:], b)]
        g = wires(lens.bwd(*out[:m], *dy))
        return p, a, g[:n], g[n:]

    def update(*v):
        p, _, dp, _ = gradients(v)
        return tuple(w - eps * d for w, d in zip(p, dp))

    def request(*v):
        _, a, _, da = gradients(v)
        return tuple(error.inverse(x, d) for x, d in zip(a, da))

    dom = f.dom @ f.cod
    return Learner(model, trace(dom, update, f.backend).prune(),
                   trace(dom, request, f.backend).prune())
