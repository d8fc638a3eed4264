"""St(C): stateful maps, the delayed trace, unrolling and the derivative on St(C).

Sprunger and Katsumata, *Differentiable Causal Computations via Delayed Trace*
(LICS 2019, arXiv 1903.01093).  A stateful map ``A -> B`` over a backend's
category C is a transition ``f : A @ S -> B @ S`` of C with an initial state
``s0`` (one constant per state wire): fed ``a_0, a_1, ...`` it outputs
``b_0, b_1, ...`` where ``(b_t, s_{t+1}) = f(a_t, s_t)``.  It is causal: ``b_t``
reads only ``a_0 .. a_t``.  Two stateful maps are equal when they have the same
behaviour from reset (that is what the laws below compare, over ``n`` steps).

* ``>>`` and ``@`` run the transitions side by side with the states tensored;
  :meth:`Stateful.lift` embeds C (empty state), so wiring is lifted wiring.
* :func:`dtrace`, the **delayed trace**: ``dtr(f : A @ X -> B @ X) : A -> B`` feeds
  the wire ``X`` back through a one-step delay (a register) with an initial
  value.  It is natural in ``A`` and ``B`` (tightening), vanishes on the unit,
  nests (``dtr^(X@Y) = dtr^X dtr^Y``) and superposes; it is **not** yanking:
  ``dtr(swap_X,X)`` is :func:`delay`, not the identity (``tests/test_stateful.py``).
* :func:`unroll` ``St(C) -> C`` for ``n`` steps is a functor:
  ``unroll(f >> g, n) == unroll(f, n) >> unroll(g, n)``; shared (parameter) wires
  are copied to every step, so ``R`` of an unrolled map sums their cotangents.
* ``R(unroll(f, n))`` is **backpropagation through time**; :func:`derivative` is the
  paper's operator on St(C) itself: the stateful map with state ``S @ S`` that
  carries the tangent of the state along (forward mode, causal), with
  ``unroll(derivative(f), n) == D(unroll(f, n))`` up to the order of the wires,
  the chain rule ``derivative(f >> g)`` = ``(derivative f)`` then ``derivative g``
  holding behaviourally.  BPTT is its transpose: ``<D v, w> = <v, R w>``.
* **Truncated BPTT** (:func:`unroll_from`, used by ``truncate=k`` in
  :mod:`catlearn.layers.recurrent`): the sequence is cut in windows of ``k`` steps;
  each window is unrolled from the state the previous one reached, and that state
  is treated as a constant, so the gradient of a window's loss flows back at most
  ``k`` steps.  It is the exact gradient of the sum of the window losses with the
  window-initial states frozen, not the gradient of the whole-sequence loss.

>>> import numpy as np
>>> from catlearn import smooth, z2
>>> acc = Stateful.of(smooth.adder(1) >> smooth.copy(1), 1)   # running sum
>>> [float(y[0, 0]) for y in run(acc, [np.array([[1.0]]), np.array([[2.0]]), np.array([[3.0]])])]
[1.0, 3.0, 6.0]
>>> d = delay(z2.bits(1), (1,))
>>> [int(z2.unpack([y], 1)[0, 0]) for y in run(d, z2.pack([[0]]) * 3)]
[1, 0, 0]
"""

from __future__ import annotations

from dataclasses import dataclass

from catlearn.core import Map, Ty, trace, wires
from catlearn.derivative import D


@dataclass(frozen=True, eq=False)
class Stateful:
    """A stateful map ``dom -> cod``: transition ``f : dom @ state -> cod @ state``, reset ``init``.

    ``init`` holds one constant per state wire (a number: ``0.0`` in Smooth, ``0``/``1``
    in Z2); the reset state is built batched like the first input.
    """

    f: Map
    state: Ty
    init: tuple

    def __post_init__(self):
        k = len(self.state)
        if tuple(self.f.dom[len(self.f.dom) - k:]) != tuple(self.state) or \
                tuple(self.f.cod[len(self.f.cod) - k:]) != tuple(self.state):
            raise TypeError(f"a transition must have type A @ S -> B @ S with S = {self.state}; "
                            f"got {self.f.dom} -> {self.f.cod}")
        if len(self.init) != k:
            raise ValueError(f"state {self.state} has {k} wire(s) but {len(self.init)} "
                             f"initial value(s) were given: {self.init}")

    # -- construction --------------------------------------------------------------

    @staticmethod
    def of(f: Map, n_state: int, init=None) -> "Stateful":
        """The stateful map whose transition is ``f`` with its last ``n_state`` wires as state.

        ``init`` defaults to zeros.
        """
        state = f.dom[len(f.dom) - n_state:] if n_state else Ty()
        return Stateful(f, Ty(*state), tuple(init) if init is not None else (0,) * n_state)

    @staticmethod
    def lift(f: Map) -> "Stateful":
        """The memoryless map ``f`` as a stateful map (empty state): C embeds in St(C)."""
        return Stateful(f, Ty(), ())

    @staticmethod
    def id(ty: Ty, backend) -> "Stateful":
        return Stateful.lift(Map.id(ty, backend))

    @property
    def backend(self):
        return self.f.backend

    @property
    def dom(self) -> Ty:
        return self.f.dom[:len(self.f.dom) - len(self.state)]

    @property
    def cod(self) -> Ty:
        return self.f.cod[:len(self.f.cod) - len(self.state)]

    def __repr__(self) -> str:
        return f"Stateful({self.dom} -> {self.cod}; state {self.state} from {self.init})"

    # -- composition ---------------------------------------------------------------

    def then(self, other: "Stateful") -> "Stateful":
        """``self ; other``: the states side by side, ``S @ T``."""
        if self.cod != other.dom:
            raise TypeError(f"cannot compose stateful maps: codomain {self.cod} does not "
                            f"match domain {other.dom}")
        na, nb, ns = len(self.dom), len(self.cod), len(self.state)

        def step(*v):
            first = wires(self.f(*v[:na], *v[na:na + ns]))
            second = wires(other.f(*first[:nb], *v[na + ns:]))
            return (*second[:len(other.cod)], *first[nb:], *second[len(other.cod):])
        return Stateful(trace(self.dom @ self.state @ other.state, step, self.backend),
                        self.state @ other.state, self.init + other.init)

    def tensor(self, other: "Stateful") -> "Stateful":
        """``self @ other``: inputs, then states, side by side."""
        na, nc, ns = len(self.dom), len(other.dom), len(self.state)

        def step(*v):
            a, c, s, t = v[:na], v[na:na + nc], v[na + nc:na + nc + ns], v[na + nc + ns:]
            left, right = wires(self.f(*a, *s)), wires(other.f(*c, *t))
            nb, nd = len(self.cod), len(other.cod)
            return (*left[:nb], *right[:nd], *left[nb:], *right[nd:])
        return Stateful(trace(self.dom @ other.dom @ self.state @ other.state, step,
                              self.backend), self.state @ other.state, self.init + other.init)

    __rshift__ = then
    __matmul__ = tensor


def dtrace(f: Stateful, n_fed: int, init=None) -> Stateful:
    """The delayed trace ``dtr^X(f) : A -> B`` of ``f : A @ X -> B @ X``, ``X`` the last ``n_fed`` wires.

    The fed-back wires become state in front of ``f``'s own, reset to ``init``
    (default zeros): at step ``t`` the ``X`` input reads the ``X`` output of step ``t - 1``.

    >>> from catlearn import smooth
    >>> counter = dtrace(Stateful.lift(smooth.adder(1) >> smooth.copy(1)), 1)
    >>> counter
    Stateful(R^1 -> R^1; state R^1 from (0,))
    """
    init = tuple(init) if init is not None else (0,) * n_fed
    na, nb = len(f.dom) - n_fed, len(f.cod) - n_fed
    if tuple(f.dom[na:]) != tuple(f.cod[nb:]):
        raise TypeError(f"cannot trace out {f.dom[na:]} from {f.dom} -> {f.cod}: the last "
                        f"{n_fed} input and output wires must have the same types")
    # the transition A @ X @ S -> B @ X @ S is already one with state X @ S: tracing X out
    # through a delay is reading it as state
    return Stateful(f.f, f.dom[na:] @ f.state, init + f.init)


def delay(ty: Ty, init=None) -> Stateful:
    """The register ``ty -> ty``: outputs its previous input (``init`` first).

    It is ``dtrace`` of the symmetry: ``dtr^X(swap_X,X) = delay_X``, not the identity.
    """
    return Stateful(Map.swap(ty, ty, _backend_of(ty)), Ty(*ty),
                    tuple(init) if init is not None else (0,) * len(ty))


def _backend_of(ty: Ty):
    from catlearn import smooth, z2
    kinds = {smooth.Real: smooth.backend, z2.Bit: z2.backend}
    if not ty or type(ty[0]) not in kinds:
        raise TypeError(f"cannot tell the backend of {ty}; build the delay as "
                        f"dtrace(Stateful.lift(Map.swap(ty, ty, backend)), len(ty))")
    return kinds[type(ty[0])]


# -- unrolling: the functor St(C) -> C ----------------------------------------------------


def reset(f: Stateful, like) -> tuple:
    """The reset state as traced wires, batched like the traced wires ``like``."""
    backend = f.backend
    zeros = backend.zeros(f.state, like)
    return tuple(z if not value else z + value for z, value in zip(zeros, f.init))


def unroll(f: Stateful, n: int, shared: int = 0) -> Map:
    """The map ``A^n -> B^n`` of C that ``f`` computes over ``n`` steps from reset.

    Inputs and outputs are ordered by time (step 0's wires first).  The first ``shared``
    input wires (parameters) are read once and copied to every step.

    >>> from catlearn import smooth
    >>> acc = Stateful.of(smooth.adder(1) >> smooth.copy(1), 1)
    >>> unroll(acc, 3).dom, unroll(acc, 3).cod
    (Ty(R^1, R^1, R^1), Ty(R^1, R^1, R^1))
    """
    k = len(f.dom) - shared
    dom = f.dom[:shared] @ Ty(*(list(f.dom[shared:]) * n))

    def program(*v):
        params, xs = v[:shared], v[shared:]
        state = reset(f, xs[:k] if k else params)
        return _steps(f, params, xs, state, n)[0]
    return trace(dom, program, f.backend)


def _steps(f: Stateful, params, xs, state, n: int):
    k, nb, outs = len(f.dom) - len(params), len(f.cod), []
    for t in range(n):
        out = wires(f.f(*params, *xs[t * k:(t + 1) * k], *state))
        outs += out[:nb]
        state = out[nb:]
    return tuple(outs), tuple(state)


def unroll_from(f: Stateful, n: int, shared: int = 0) -> Map:
    """``P @ A^n @ S -> B^n @ S``: ``n`` steps from a given state, the final state out.

    The building block of truncated BPTT: a window of ``n`` steps started from the
    state a previous window reached.
    """
    k = len(f.dom) - shared
    dom = f.dom[:shared] @ Ty(*(list(f.dom[shared:]) * n)) @ f.state

    def program(*v):
        ns = len(f.state)
        params, xs, state = v[:shared], v[shared:shared + n * k], v[len(v) - ns:]
        outs, final = _steps(f, params, xs, state, n)
        return (*outs, *final)
    return trace(dom, program, f.backend)


def run(f: Stateful, xs) -> list:
    """Run ``f`` on a sequence of arrays (one per step, single-wire input); outputs per step."""
    if len(f.dom) != 1 or len(f.cod) != 1:
        raise ValueError(f"run takes a stateful map with one input and one output wire, "
                         f"got {f.dom} -> {f.cod}; use unroll for others")
    return list(unroll(f, len(xs))(*xs))


# -- the derivative on St(C) --------------------------------------------------------------


def derivative(f: Stateful) -> Stateful:
    """The paper's derivative on St(C): ``A @ A -> B`` with state ``S @ S`` reset to ``(s0, 0)``.

    Transition ``(a, da, s, ds) |-> (D[f]((a, s), (da, ds))_B, f(a, s)_S, D[f]((a, s), (da, ds))_S)``:
    the state's tangent is carried along, so no step reads the future (it is causal
    and needs no unrolling).

    >>> import numpy as np
    >>> from catlearn import smooth
    >>> acc = Stateful.of(smooth.adder(1) >> smooth.copy(1), 1)   # running sum: linear
    >>> ones = [np.array([[1.0]])] * 3
    >>> d = unroll(derivative(acc), 3)(*[u for pair in zip(ones, ones) for u in pair])
    >>> [float(y[0, 0]) for y in d]
    [1.0, 2.0, 3.0]
    """
    df = D(f.f)
    na, nb, ns = len(f.dom), len(f.cod), len(f.state)

    def step(*v):
        a, da, s, ds = v[:na], v[na:2 * na], v[2 * na:2 * na + ns], v[2 * na + ns:]
        out = wires(f.f(*a, *s))
        tangent = wires(df(*a, *s, *da, *ds))
        return (*tangent[:nb], *out[nb:], *tangent[nb:])
    return Stateful(trace(f.dom @ f.dom @ f.state @ f.state, step, f.backend),
                    f.state @ f.state, f.init + (0,) * ns)


def bptt(f: Stateful, n: int, shared: int = 0) -> Map:
    """Backpropagation through time: ``R(unroll(f, n, shared)) : P @ A^n @ B^n -> P @ A^n``."""
    from catlearn.derivative import R
    return R(unroll(f, n, shared))
