"""Diagrammatic differentiation: the derivative of a parametrised circuit is a formal sum of circuits.

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
        label = f"{name}({symbol}{'' if not shift else f'+{shift / np.pi:g}π'})"
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

    def draw(self, path=None, columns: int = 3):
        """All terms side by side, each titled by its weight; saved to ``path`` if given."""
        import matplotlib.pyplot as plt
        rows = -(-len(self.terms) // columns)
        fig, axes = plt.subplots(rows, min(columns, len(self.terms)),
                                 figsize=(5 * min(columns, len(self.terms)), 4 * rows),
                                 squeeze=False)
        for ax, (w, d) in zip(axes.flat, self.terms):
            d.draw(ax=ax, show=False, fontsize=7)
            ax.set_title(f"{w:+g} ×")
        for ax in list(axes.flat)[len(self.terms):]:
            ax.axis("off")
        if path is not None:
            fig.savefig(path)
            plt.close(fig)
        return fig


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


def _replace(diagram: rigid.Diagram, k: int, box) -> rigid.Diagram:
    layers = list(diagram.inside)
    left, _, right = layers[k]
    layers[k] = type(layers[k])(left, box, right)
    return rigid.Diagram(tuple(layers), diagram.dom, diagram.cod)


def evaluate(diagram: rigid.Diagram, angles: dict) -> np.ndarray:
    """The amplitude of a circuit diagram by one complex contraction (an oracle for the
    catlearn map: written with numpy's complex numbers, not ``(re, im)`` pairs)."""
    letters = iter("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
    wires, subs, arrays = [], [], []
    for box, offset in zip(diagram.boxes, diagram.offsets):
        n, m = len(box.dom), len(box.cod)
        ins = wires[offset:offset + n]
        outs = [next(letters) for _ in range(m)]
        if box.name == "0":
            arrays.append(np.array([1.0, 0.0]))
        elif box.name == "H":
            arrays.append(HADAMARD)
        elif isinstance(box, Gate):
            arrays.append(box.matrix(angles).reshape((2,) * 2 * n))
        else:  # Bell: the effect sum_i <ii|
            arrays.append(np.eye(2))
        subs.append("".join(outs) + "".join(ins))
        wires[offset:offset + n] = outs
    spec = ",".join(subs) + "->" + "".join(wires)
    return np.einsum(spec, *arrays, optimize="greedy")


def angles_of(functor, params) -> dict:
    """The angle of every symbol, read off the functor's parameter tables."""
    out = {}
    for (t, words), table in zip(functor.tables, params):
        for i, w in enumerate(words):
            for idx in np.ndindex(table.shape[1:]):
                out[symbol(t, w, *idx)] = float(table[(i, *idx)])
    return out
