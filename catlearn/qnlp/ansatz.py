"""Ansätze: what one word of a pregroup type means, as a function of its parameters.

An ansatz sends each basic type to a number of tensor axes and each word of
type ``t`` to a tensor with one group of axes per basic type of ``t``:

* :class:`TensorAnsatz` (DisCoCat): basic type ``x`` is ``R^dim(x)``; a word is
  its own tensor of shape ``dim(t1) x ... x dim(tk)``: the parameters *are* the
  meaning.
* :class:`QuantumAnsatz` (QNLP): basic type ``x`` is ``q(x)`` qubits; a word
  of ``q`` qubits is the state of an IQP circuit on ``|0...0>``: per layer,
  Hadamards on every qubit then controlled-Z rotations ``CRz(theta)`` between
  neighbours (one qubit: ``Rx Rz Rx`` Euler rotations).  States are complex;
  a complex tensor is a real one with a last axis ``(re, im)``, and a gate
  acts by one real contraction (:func:`realify`).

Both compute the states of *all* the words of one type at once, from a
parameter table ``P^(V, *param_shape)`` with one row per word, as a traced
map of Smooth, so ``R`` differentiates through them.

>>> import numpy as np
>>> from catlearn.qnlp.pregroup import parse_type
>>> q = QuantumAnsatz({"n": 1, "s": 1})
>>> q.param_shape(parse_type("n.r s n.l"))
(1, 2)
>>> state = q.state(parse_type("n"), np.zeros((1, 1, 3)))   # Rx(0) Rz(0) Rx(0) |0>
>>> state.round(6).tolist()
[[[1.0, 0.0], [0.0, 0.0]]]
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from catlearn import smooth
from catlearn.core import Ty, trace
from catlearn.qnlp.einsum import CONSTANTS, constant, cos, einsum, sin
from catlearn.smooth import Real

# -- gates as data: U(theta) = A + cos(theta/2) B + sin(theta/2) C -------------------

_I, _X, _Z = np.eye(2), np.array([[0, 1], [1, 0]]), np.diag([1, -1])
_P0, _P1 = np.diag([1, 0]), np.diag([0, 1])
GATES = {  # name: (qubits, A, B, C), complex matrices
    "Rx": (1, 0 * _I, _I, -1j * _X),
    "Rz": (1, 0 * _I, _I, -1j * _Z),
    "CRz": (2, np.kron(_P0, _I), np.kron(_P1, _I), np.kron(_P1, -1j * _Z)),
}
HADAMARD = np.array([[1, 1], [1, -1]]) / np.sqrt(2)


def gate_matrix(name: str, theta: float) -> np.ndarray:
    """The complex matrix of a rotation gate: ``exp(-i theta P / 2)`` (controlled for CRz).

    >>> np.allclose(gate_matrix("Rz", np.pi), np.diag([-1j, 1j]))
    True
    """
    _, a, b, c = GATES[name]
    return a + np.cos(theta / 2) * b + np.sin(theta / 2) * c


def realify(u: np.ndarray, qubits: int) -> np.ndarray:
    """The real tensor ``G[o..., c', i..., c]`` acting on ``(re, im)`` as ``u`` acts on C^n."""
    re, im = np.real(u), np.imag(u)
    g = np.stack([np.stack([re, -im], -1), np.stack([im, re], -1)], 1)  # o c' i c
    return g.reshape((2,) * qubits + (2,) + (2,) * qubits + (2,))


def _gate_constants(name: str) -> tuple[str, str, str]:
    n, *parts = GATES[name]
    return tuple(constant(f"{name}.{k}", realify(m, n)) for k, m in zip("ABC", parts))


constant("H", realify(HADAMARD, 1))
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXY"  # qubit indices (lower case: v, c, d, l, m)


@dataclass(frozen=True)
class TensorAnsatz:
    """DisCoCat: each basic type a vector space ``R^dims[x]``; a word is its tensor."""

    dims: dict = field(default_factory=dict)
    noise: float = 0.3
    kind = "tensor"
    complex = False

    def size(self, name: str) -> int:
        try:
            return self.dims[name]
        except KeyError:
            raise ValueError(f"no dimension for the basic type {name!r}; give it with "
                             f"--dim {name}=2") from None

    def wire_axes(self, ty) -> list[tuple[int, ...]]:
        """The axis sizes of each basic wire of ``ty``."""
        return [(self.size(ob.name),) for ob in ty.inside]

    def param_shape(self, ty) -> tuple:
        return tuple(n for axes in self.wire_axes(ty) for n in axes)

    def init(self, ty, words: int, rng) -> np.ndarray:
        """Every word near one common tensor: entries ``mu (1 + noise N(0, 1))``.

        ``mu = size^(-(m-1)/m)`` for a tensor of ``m`` axes and ``size`` entries, so
        contracting a word with all-``mu`` neighbours keeps every entry 1 (a noun stays
        at 1, a verb between two nouns gives 1).  Why not zero-mean entries: a multilinear
        sentence has a sign symmetry per word (flip two words, the same sentence), and
        from zero-mean starts small data are fitted by words of inconsistent signs that
        do not generalise (0.5 test accuracy on 40 generated sentences, against 1.0 from
        this start: ``papers/qnlp/README.md``).  A common start makes meanings
        perturbations of one meaning.
        """
        shape = self.param_shape(ty)
        size = int(np.prod(shape, dtype=int))
        mu = size ** (-(len(shape) - 1) / len(shape)) if shape else 1.0
        return mu * (1.0 + self.noise * rng.normal(0.0, 1.0, (words, *shape)))

    def states(self, ty, table):
        """The words' tensors: the parameter table itself."""
        return table

    def state(self, ty, table: np.ndarray) -> np.ndarray:
        return np.asarray(table)


@dataclass(frozen=True)
class QuantumAnsatz:
    """QNLP: each basic type ``qubits[x]`` qubits; a word the state of its IQP circuit."""

    dims: dict = field(default_factory=dict)
    layers: int = 1
    noise: float = 0.3
    kind = "quantum"
    complex = True

    def size(self, name: str) -> int:
        return TensorAnsatz.size(self, name)  # the same message for a missing type

    def qubits(self, ty) -> int:
        return sum(self.size(ob.name) for ob in ty.inside)

    def wire_axes(self, ty) -> list[tuple[int, ...]]:
        return [(2,) * self.size(ob.name) for ob in ty.inside]

    def param_shape(self, ty) -> tuple:
        q = self.qubits(ty)
        return (self.layers, 3 if q == 1 else q - 1)

    def init(self, ty, words: int, rng) -> np.ndarray:
        """One uniform random circuit per type, each word its angles plus ``N(0, noise^2)``.

        As for tensors, a common start makes the words' meanings perturbations of one
        meaning (0.90 against 0.75 test accuracy from independent uniform angles on 40
        generated sentences, 2 seeds).
        """
        shape = self.param_shape(ty)
        common = rng.uniform(0.0, 2 * np.pi, shape)
        return common + self.noise * rng.normal(0.0, 1.0, (words, *shape))

    def circuit(self, ty) -> list[tuple[str, tuple[int, ...], tuple[int, int] | None]]:
        """The gates in order: ``(name, qubits, (layer, index) of its angle or None)``."""
        q, gates = self.qubits(ty), []
        for layer in range(self.layers):
            if q == 1:
                gates += [(g, (0,), (layer, j)) for j, g in enumerate(("Rx", "Rz", "Rx"))]
                continue
            gates += [("H", (j,), None) for j in range(q)]
            gates += [("CRz", (j, j + 1), (layer, j)) for j in range(q - 1)]
        return gates

    def states(self, ty, table):
        """The words' states ``(V, 2, ..., 2, re/im)`` from their angles, traced."""
        q, shape = self.qubits(ty), table.type.shape
        half = table * 0.5
        c, s = cos(half.type)(half), sin(half.type)(half)
        ket = np.zeros((shape[0],) + (2,) * q + (2,))
        ket[(slice(None),) + (0,) * (q + 1)] = 1.0
        state = constant(f"ket0:{shape[0]}x{q}", ket)
        for gate in self.circuit(ty):
            state = _apply(gate, state, q, c, s, shape[1:])
        return state

    def state(self, ty, table: np.ndarray) -> np.ndarray:
        """:meth:`states` on an array (for checks and pictures)."""
        w = Real(np.shape(table), False)
        return trace(Ty(w), lambda t: self.states(ty, t), smooth.backend)(np.asarray(table))[0]


def _apply(gate, state, q, c, s, shape):
    """One gate on the words' states: ``A``, ``cos B`` and ``sin C`` terms, each a contraction."""
    name, wires, angle = gate
    letters = LETTERS[:q]
    outs = "".join(LETTERS[q + wires.index(k)] if k in wires else x
                   for k, x in enumerate(letters))
    ins_g = "".join(letters[k] for k in wires)
    outs_g = "".join(LETTERS[q + i] for i in range(len(wires)))
    g, st, out = f"{outs_g}d{ins_g}c", f"z{letters}c", f"z{outs}d"
    if angle is None:
        return einsum(f"{g},{st}->{out}", name, state)
    pick = constant(f"pick:{shape[0]}x{shape[1]}:{angle[0]},{angle[1]}", _pick(shape, angle))
    a, b, cc = _gate_constants(name)
    total = (einsum(f"zlm,lm,{g},{st}->{out}", c, pick, b, state)
             + einsum(f"zlm,lm,{g},{st}->{out}", s, pick, cc, state))
    if np.any(CONSTANTS[a]):
        total = total + einsum(f"{g},{st}->{out}", a, state)
    return total


def _pick(shape, index) -> np.ndarray:
    e = np.zeros(shape)
    e[index] = 1.0
    return e
