"""A learned functor: pregroup diagrams to parametrised maps of Smooth, words shared.

The parameters of the functor are one table per lexical type ``t`` (a type
text such as ``n.r s n.l``): ``P^(V_t, *param_shape(t))``, one row per word
of that type.  One parameter set is one functor.  A sentence's diagram is
sent to the parametrised map

    sentence : P_all @ R^V_1 @ ... @ R^V_k -> R^classes

whose inputs are one-hot rows (which word stands at each of the ``k``
positions) and whose output is the logits of the classes:

* the ansatz turns each table into the words' states (a traced map);
* the diagram becomes one contraction (:mod:`catlearn.qnlp.einsum`): a word
  box is its state, selected by its one-hot row; a cup joins the indices of
  its two wires; the open wires are the sentence's meaning; complex states
  multiply through the constant ``cmul``;
* the logits: the meaning itself (tensor), or the log of its Born-rule
  probabilities (quantum), so that softmax cross-entropy is the cross-entropy
  of the post-selected, normalised probabilities.

The map reads only the tables its words use; the shared parameters
``P_all`` are selected by :meth:`Para.reparam` with a projection (a wiring
map).  Sentences with one diagram *shape* (the types at each position and
the cups) share one map and are batched together.

>>> from catlearn.qnlp.pregroup import parse, parse_lexicon
>>> from catlearn.qnlp.ansatz import TensorAnsatz
>>> lex = parse_lexicon("Alice: n\\nBob: n\\nloves: n.r s n.l")
>>> F = LearnedFunctor(lex, TensorAnsatz({"n": 2, "s": 2}), classes=2)
>>> para = F.para(parse("Alice loves Bob", lex))
>>> para.param, para.dom, para.cod
(Ty(P^2x2, P^1x2x2x2), Ty(R^2, R^1, R^2), Ty(R^2))
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

import numpy as np

from catlearn import smooth
from catlearn.core import Map, Ty, trace
from catlearn.para import Para
from catlearn.qnlp.einsum import CONSTANTS, constant, einsum
from catlearn.qnlp.pregroup import Lexicon, parse_type, type_text
from catlearn.smooth import Real

INDEX = "abcdefghijklmnopqrstuvwxyABCDEFGHIJKLMNOPQRSTUVWXY"  # Z is the batch
EPS = 1e-12  # the Born-rule probabilities' floor before the log


@dataclass(frozen=True)
class Shape:
    """What a sentence's map depends on: the lexical types at each position, and the cups."""

    types: tuple[str, ...]
    cups: tuple[int, ...]  # offsets of the cups, in the diagram's order


def shape(diagram) -> Shape:
    """The :class:`Shape` of a pregroup diagram of words then cups."""
    words = [b for b in diagram.boxes if not b.dom]
    cups = tuple(o for b, o in zip(diagram.boxes, diagram.offsets) if b.dom)
    return Shape(tuple(type_text(w.cod) for w in words), cups)


@dataclass(frozen=True, eq=False)
class LearnedFunctor:
    """The functor from ``lexicon``'s diagrams to Para(Smooth) under ``ansatz``."""

    lexicon: Lexicon
    ansatz: object
    target: str = "s"
    classes: int = 2
    tables: tuple = field(init=False)

    def __post_init__(self):
        tables: dict[str, list[str]] = {}
        for word, types in self.lexicon.entries.items():
            for t in types:
                tables.setdefault(type_text(t), []).append(word)
        object.__setattr__(self, "tables", tuple((t, tuple(ws)) for t, ws in tables.items()))
        out = int(np.prod([n for axes in self.ansatz.wire_axes(parse_type(self.target))
                           for n in axes]))
        if out < self.classes:
            raise ValueError(f"the target type {self.target} has {out} dimension(s) but the "
                             f"data have {self.classes} labels; raise its --dim")

    @functools.cached_property
    def param(self) -> Ty:
        """``P_all``: one table per lexical type."""
        return Ty(*(Real((len(ws), *self.ansatz.param_shape(parse_type(t))), False)
                    for t, ws in self.tables))

    @functools.cached_property
    def row(self) -> dict:
        """``(type text, word) -> (table number, row)``."""
        return {(t, w): (k, i) for k, (t, ws) in enumerate(self.tables) for i, w in enumerate(ws)}

    def init(self, seed: int = 0) -> tuple:
        """Initial parameters, one table per lexical type."""
        rng = np.random.default_rng(seed)
        return tuple(self.ansatz.init(parse_type(t), len(ws), rng) for t, ws in self.tables)

    def para(self, diagram) -> Para:
        """The sentence map of ``diagram``'s shape: ``P_all @ one-hots -> logits``."""
        return self.para_of(shape(diagram))

    def table_of(self, t: str) -> int:
        return next(k for k, (u, _) in enumerate(self.tables) if u == t)

    def inputs(self, diagrams) -> tuple:
        """The one-hot rows of a batch of diagrams of one shape: one array per position."""
        s = shape(diagrams[0])
        rows = []
        for position, t in enumerate(s.types):
            k = self.table_of(t)
            x = np.zeros((len(diagrams), len(self.tables[k][1])))
            for b, d in enumerate(diagrams):
                word = [w for w in d.boxes if not w.dom][position]
                x[b, self.row[(t, word.name)][1]] = 1.0
            rows.append(x)
        return tuple(rows)

    def _sentence(self, s: Shape, used, tables, onehots):
        return self._logits(self._meaning(s, used, tables, onehots))

    def _meaning(self, s: Shape, used, tables, onehots):
        states = {k: self.ansatz.states(parse_type(self.tables[k][0]), v)
                  for k, v in zip(used, tables)}
        spec, operands = self.contraction(s)
        return einsum(spec, *(states[p] if kind == "state" else onehots[p] if kind == "onehot"
                              else p for kind, p in operands))

    def contraction(self, s: Shape):
        """The einsum of a shape: spec and operands ``("state", table)``, ``("onehot", k)``, names.

        The functor on diagrams: words add fresh indices, a cup renames the
        indices of its right wire to those of its left.
        """
        letters = iter(INDEX)
        wires: list[tuple[str, ...]] = []  # the index letters of each open basic wire
        subs, operands = [], []
        for position, t in enumerate(s.types):
            ty = parse_type(t)
            v = next(letters)
            word = [tuple(next(letters) for _ in axes) for axes in self.ansatz.wire_axes(ty)]
            subs.append(v + "".join("".join(w) for w in word))
            operands.append(("state", self.table_of(t)))
            subs.append(v)
            operands.append(("onehot", position))
            wires.extend(word)
        rename: dict[str, str] = {}
        for offset in s.cups:
            left, right = wires[offset], wires[offset + 1]
            rename.update(zip(right, reversed(left)))  # nested: a planar cup on many qubits
            del wires[offset:offset + 2]
        subs = ["".join(rename.get(c, c) for c in sub) for sub in subs]
        out = "".join(c for w in wires for c in w)
        if self.ansatz.complex:
            subs, operands, out = self._complex(subs, operands, out, letters)
        spec = ",".join(subs) + "->" + out
        if len(set(spec) - set(",->")) > len(INDEX):
            raise ValueError(f"a sentence of {len(s.types)} words needs more than "
                             f"{len(INDEX)} indices in one contraction")
        return spec, operands

    @staticmethod
    def _complex(subs, operands, out, letters):
        """Multiply the states' ``(re, im)`` axes together through a chain of ``cmul``."""
        last = None
        subs = list(subs)
        extra, extra_ops = [], []
        for i, (kind, _) in enumerate(operands):
            if kind != "state":
                continue
            c = next(letters)
            subs[i] = subs[i] + c
            if last is None:
                last = c
                continue
            product = next(letters)
            extra.append(last + c + product)
            extra_ops.append(("const", "cmul"))
            last = product
        return subs + extra, operands + extra_ops, out + last

    def _logits(self, meaning):
        shape_ = meaning.type.shape
        n = int(np.prod(shape_[:-1] if self.ansatz.complex else shape_))
        dims = shape_[:-1] if self.ansatz.complex else shape_
        flat = "ABCDEFGHIJKLMNOPQRSTUVWXY"[:len(dims)]
        select = constant(f"select:{'x'.join(map(str, dims))}:{self.classes}",
                          np.eye(n, self.classes).reshape(*dims, self.classes))
        if not self.ansatz.complex:
            return einsum(f"{flat},{flat}z->z", meaning, select)
        born = einsum(f"{flat}c,{flat}c,{flat}z->z", meaning, meaning, select)
        return smooth.log(born.type)(born + EPS)

    def amplitude(self, diagram) -> Para:
        """The map ``P_all @ one-hots -> meaning`` (before the logits), for checks."""
        return self._para(shape(diagram), self._meaning)

    @functools.lru_cache(maxsize=None)
    def para_of(self, s: Shape) -> Para:
        return self._para(s, self._sentence)

    def _para(self, s: Shape, body) -> Para:
        used = sorted({self.table_of(t) for t in s.types})
        local = Ty(*(self.param[k] for k in used))
        dom = local @ Ty(*(Real((len(self.tables[self.table_of(t)][1]),)) for t in s.types))
        f = trace(dom, lambda *a: body(s, used, a[:len(used)], a[len(used):]), smooth.backend)
        return Para(local, f).reparam(Map.wire(self.param, used, smooth.backend))


__all__ = ["LearnedFunctor", "Shape", "shape", "CONSTANTS"]
