"""Diagrammatic differentiation: the derivative of a parametrised diagram is a formal sum.

Under the quantum ansatz a sentence is a circuit: each word its IQP circuit
on ``|0...0>``, then the grammar's cups as Bell effects.  The circuit is a
DisCoPy diagram whose rotation boxes carry the name of their angle.  Its
derivative with respect to one angle ``theta`` is, by the **Leibniz rule**,
the sum over the boxes carrying ``theta`` (a word used twice carries it
twice) of the circuit with that box replaced by its derivative; and by the
**parameter-shift rule** the derivative of a rotation is again a rotation:

* ``Rx, Rz``:  ``dU(t)/dt = 1/2 U(t + pi)``  (``U(t) = exp(-i t P / 2)``, ``P^2 = 1``);
* ``CRz``:     ``dU(t)/dt = 1/2 U(t + pi) - 1/4 U(t) - 1/4 U(t + 2 pi)``
  (the control's ``|0><0|`` part is ``(U(t) + U(t + 2 pi)) / 2``).

Under the tensor ansatz the words' tensors are the parameters, and the
Leibniz rule alone gives the derivative with respect to a word: one term per
occurrence, that box replaced by a :class:`Derivative` box (:func:`leibniz`).

:data:`SHIFTS` holds these rules as data.  A :class:`FormalSum` is a tuple of
``(weight, diagram)`` terms: it can be drawn and evaluated, and its value
agrees with the reverse derivative ``R`` of the sentence's catlearn map
(``tests/test_qnlp.py``; the notebook draws it).

>>> import numpy as np
>>> from catlearn.qnlp.ansatz import gate_matrix
>>> t = 0.7
>>> numeric = (gate_matrix("CRz", t + 1e-6) - gate_matrix("CRz", t - 1e-6)) / 2e-6
>>> shifted = sum(w * gate_matrix("CRz", t + s) for w, s in SHIFTS["CRz"])
>>> np.allclose(numeric, shifted)
True
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from discopy import rigid
from discopy.grammar.pregroup import Word

from catlearn.qnlp.ansatz import HADAMARD, gate_matrix
from catlearn.qnlp.pregroup import type_text

SHIFTS = {  # gate: ((weight, shift), ...) with dU(t)/dt = sum weight * U(t + shift)
    "Rx": ((0.5, np.pi),),
    "Rz": ((0.5, np.pi),),
    "CRz": ((0.5, np.pi), (-0.25, 0.0), (-0.25, 2 * np.pi)),
}
QUBIT = rigid.Ty("q")


class Gate(rigid.Box):
    """A rotation ``name`` on its qubits with angle ``symbol`` (a string) shifted by ``shift``."""

    def __init__(self, name: str, qubits: int, symbol: str, shift: float = 0.0):
        self.gate, self.symbol, self.shift = name, symbol, shift
        short = symbol.split("[")[0] + symbol.rsplit(",", 1)[-1]  # word, angle number
        label = f"{name}({short}{'' if not shift else f'+{shift / np.pi:g}π'})"
        super().__init__(label, QUBIT ** qubits, QUBIT ** qubits, data=(name, symbol, shift))

    def matrix(self, angles: dict) -> np.ndarray:
        return gate_matrix(self.gate, angles[self.symbol] + self.shift)


def _fixed(name: str, dom: int, cod: int) -> rigid.Box:
    return rigid.Box(name, QUBIT ** dom, QUBIT ** cod)


KET0, H, CUP = _fixed("0", 0, 1), _fixed("H", 1, 1), _fixed("Bell", 2, 0)


def symbol(t: str, word: str, layer: int, j: int) -> str:
    """The name of a word's angle: ``word[type]_layer,j``."""
    return f"{word}[{t}]_{layer},{j}"


def circuit(diagram, ansatz) -> rigid.Diagram:
    """The quantum ansatz's circuit of a pregroup sentence diagram, as a DisCoPy diagram."""
    words = [b for b in diagram.boxes if not b.dom]
    parts = [_word_circuit(w, ansatz) for w in words]
    result = rigid.Diagram.id(rigid.Ty()).tensor(*parts)
    sizes = [n for w in words for ob in w.cod.inside for n in [ansatz.size(ob.name)]]
    wires = list(sizes)  # qubits per open pregroup wire
    for box, offset in zip(diagram.boxes, diagram.offsets):
        if not box.dom:
            continue
        left = sum(wires[:offset])
        k = wires[offset]
        rest = sum(wires[offset + 2:])
        for i in range(k):  # nested Bell effects, the innermost first
            result = result >> rigid.Id(QUBIT ** (left + k - 1 - i)) @ CUP @ rigid.Id(
                QUBIT ** (k - 1 - i + rest))
        del wires[offset:offset + 2]
    return result


def _word_circuit(word, ansatz) -> rigid.Diagram:
    q, t = ansatz.qubits(word.cod), type_text(word.cod)
    d = rigid.Diagram.id(rigid.Ty()).tensor(*[KET0] * q)
    for name, wires, angle in ansatz.circuit(word.cod):
        box = H if angle is None else Gate(name, len(wires), symbol(t, word.name, *angle))
        d = d >> rigid.Id(QUBIT ** wires[0]) @ box @ rigid.Id(QUBIT ** (q - wires[-1] - 1))
    return d


@dataclass(frozen=True)
class FormalSum:
    """``sum weight * diagram``: a derivative as diagrams."""

    terms: tuple

    def evaluate(self, angles: dict) -> np.ndarray:
        """The sum of the terms' amplitudes (complex tensors on the open qubits)."""
        return sum(w * evaluate(d, angles) for w, d in self.terms)

    def evaluate_tensor(self, functor, params, direction) -> np.ndarray:
        """The sum of the terms' meanings under a tensor functor (:func:`leibniz`'s sums)."""
        return sum(w * evaluate_tensor(d, functor, params, direction) for w, d in self.terms)

    def draw(self, path=None, **params):
        """The terms side by side joined by ``+``, each after a box showing its weight
        (none for weight 1); saved to ``path`` if given (DisCoPy's :class:`Equation`)."""
        from discopy.drawing.drawing import Equation
        terms = [d if w == 1 else rigid.Box(f"{w:g}", rigid.Ty(), rigid.Ty()) @ d
                 for w, d in self.terms]
        depth = max(len(d) for d in terms)
        params = {"figsize": (4 * len(terms), max(3, 0.3 * depth)), "margins": (0.05, 0.1),
                  "fontsize": 9, **params}
        return Equation(*terms, symbol="+").draw(path=path, **params)


def derivative(diagram: rigid.Diagram, sym: str) -> FormalSum:
    """``d diagram / d sym`` by the Leibniz rule and the parameter-shift rules."""
    terms = []
    for k, box in enumerate(diagram.boxes):
        if not isinstance(box, Gate) or box.symbol != sym:
            continue
        for weight, shift in SHIFTS[box.gate]:
            shifted = Gate(box.gate, len(box.dom), box.symbol, box.shift + shift)
            terms.append((weight, _replace(diagram, k, shifted)))
    return FormalSum(tuple(terms))


def _replace(diagram, k: int, box):
    """``diagram`` with its ``k``-th box replaced by ``box`` (of the same type)."""
    layers = list(diagram.inside)
    left, _, right = layers[k]
    layers[k] = type(layers[k])(left, box, right)
    return type(diagram)(tuple(layers), diagram.dom, diagram.cod)


def evaluate(diagram: rigid.Diagram, angles: dict) -> np.ndarray:
    """The amplitude of a circuit diagram by one complex contraction (an oracle for the
    catlearn map: written with numpy's complex numbers, not ``(re, im)`` pairs)."""
    def array(box):
        if isinstance(box, Gate):
            return box.matrix(angles).reshape((2,) * 2 * len(box.dom))
        return {"0": np.array([1.0, 0.0]), "H": HADAMARD}.get(box.name, np.eye(2))  # Bell
    return contract(diagram, array)


def contract(diagram, array) -> np.ndarray:
    """One ``np.einsum`` of a diagram of boxes and cups: ``array(box)`` has the box's output
    axes then its input axes (a cup, any box with no output, is its matrix)."""
    letters = iter("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
    wires, subs, arrays = [], [], []
    for box, offset in zip(diagram.boxes, diagram.offsets):
        n, m = len(box.dom), len(box.cod)
        ins = wires[offset:offset + n]
        outs = [next(letters) for _ in range(m)]
        arrays.append(array(box))
        subs.append("".join(outs) + "".join(ins))
        wires[offset:offset + n] = outs
    spec = ",".join(subs) + "->" + "".join(wires)
    return np.einsum(spec, *arrays, optimize="greedy")


# -- the tensor ansatz: the Leibniz rule over the word boxes --------------------------


class Derivative(Word):
    """``d word``: the word's box differentiated (its value: a direction in its tensors)."""

    def __init__(self, word: Word):
        self.word = word
        super().__init__(f"∂{word.name}", word.cod)


def leibniz(diagram, word: str) -> FormalSum:
    """``d diagram / d word``: one term per occurrence of ``word``, that box replaced by
    its :class:`Derivative` (a sentence is multilinear in its words' tensors)."""
    terms = tuple((1.0, _replace(diagram, k, Derivative(box)))
                  for k, box in enumerate(diagram.boxes) if not box.dom and box.name == word)
    return FormalSum(terms)


def evaluate_tensor(diagram, functor, params, direction=None) -> np.ndarray:
    """A pregroup diagram's meaning under a tensor functor at ``params``; a
    :class:`Derivative` box is ``direction`` (the tangent of its word's tensor)."""
    def array(box):
        if isinstance(box, Derivative):
            return np.asarray(direction)
        if box.dom:  # a cup: the identity on its wire
            return np.eye(functor.ansatz.size(box.dom.inside[0].name))
        k, i = functor.row[(type_text(box.cod), box.name)]
        return np.asarray(params[k][i])
    return contract(diagram, array)


def angles_of(functor, params) -> dict:
    """The angle of every symbol, read off the functor's parameter tables."""
    out = {}
    for (t, words), table in zip(functor.tables, params):
        for i, w in enumerate(words):
            for idx in np.ndindex(table.shape[1:]):
                out[symbol(t, w, *idx)] = float(table[(i, *idx)])
    return out
