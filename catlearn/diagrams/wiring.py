"""Writing diagrams as Python functions of wires, and writing them layer by layer.

:func:`trace` runs a function on :class:`Wire` objects; boxes applied to
wires record operations, and ``+``, ``*``, ``-`` and scalars apply the
generators ``add``, ``mul``, ``neg``, ``scale`` and ``shift``.  The recorded
program is then laid out as a ``discopy.markov`` diagram in one pass: a wire
used twice is copied, an unused one discarded, arguments are brought next to
each other by swaps, and boxes without inputs (parameters, constants) are
placed right where they are first used.  Unlike ``Diagram.from_callable`` in
DisCoPy 1.2.2, values may be used any number of times.

:class:`Writer` is the layer-by-layer builder underneath: it keeps the list of
current wires, so each layer costs time proportional to the width, never to
the length of the diagram (no quadratic chains of ``>>``).

>>> from catlearn.diagrams import signature as sig
>>> d = trace(sig.real(2), lambda x: sig.exp(2)(x) * x)
>>> [box.name for box in d.boxes]
['Copy(R2)', 'exp', 'Swap(R2, R2)', 'mul']
"""

from __future__ import annotations

import functools
from collections import Counter

from discopy import markov
from discopy.monoidal import Layer

from catlearn import core
from catlearn.diagrams.signature import SYNTAX, Box, Wire, atom_of, box as box_of, wire_types, wires


def _ty(obs) -> markov.Ty:
    """``markov.Ty(*obs)`` for atoms that are already ``cat.Ob``s.

    DisCoPy's constructor type-checks every atom, formatting its error
    message even when there is no error (tens of microseconds per atom):
    writing wide diagrams was ten times slower.  The result is equal, with
    the same attributes (``tests/test_diagrams.py``).
    """
    ty = object.__new__(markov.Ty)
    ty.inside = tuple(obs)
    ty.name = " @ ".join(ob.name for ob in ty.inside) or "Ty()"
    return ty


def _layer(left: tuple, box, right: tuple) -> Layer:
    """``Layer(Ty(*left), box, Ty(*right))`` without re-checking every atom (see ``_ty``)."""
    layer = object.__new__(Layer)
    lty, rty = _ty(left), _ty(right)
    layer.boxes_or_types = (lty, box, rty)
    layer.name = " @ ".join(str(x) for x in (lty, box, rty) if not isinstance(x, markov.Ty)
                            or x.inside)
    layer.data, layer.is_dagger = None, False
    layer.dom = _ty(left + tuple(box.dom.inside) + right)
    layer.cod = _ty(left + tuple(box.cod.inside) + right)
    layer.inside = (layer,)
    return layer


@functools.lru_cache(maxsize=None)
def _swap(a, b) -> markov.Swap:
    return markov.Swap(markov.Ty(a), markov.Ty(b))


@functools.lru_cache(maxsize=None)
def _copy(a, n: int) -> markov.Copy:
    return markov.Copy(markov.Ty(a), n)


@functools.lru_cache(maxsize=None)
def _merge(a, n: int) -> markov.Merge:
    return markov.Merge(markov.Ty(a), n)


class Writer:
    """A diagram under construction: its current wires (atoms and ids) and layers.

    >>> from catlearn.diagrams import signature as sig
    >>> w = Writer(sig.real(2) @ sig.real(2))
    >>> w.swap(0); w.box(sig.add(2), 0)
    >>> [box.name for box in w.diagram().boxes]
    ['Swap(R2, R2)', 'add']
    """

    def __init__(self, dom: markov.Ty, ids=None):
        self.dom = dom
        self.obs = list(dom.inside)
        self.ids = list(ids) if ids is not None else [object() for _ in self.obs]
        self.layers: list[Layer] = []

    def box(self, box, offset: int, outs=None) -> None:
        """Apply ``box`` to the wires at ``offset``; ``outs`` names its output wires."""
        n = len(box.dom)
        got = self.obs[offset:offset + n]
        if got != list(box.dom.inside):
            raise TypeError(f"box {box} takes {box.dom} but the wires at {offset} are "
                            f"{markov.Ty(*got)}")
        self.layers.append(_layer(tuple(self.obs[:offset]), box,
                                  tuple(self.obs[offset + n:])))
        self.obs[offset:offset + n] = box.cod.inside
        self.ids[offset:offset + n] = outs if outs is not None else [
            object() for _ in box.cod.inside]

    def inline(self, diagram, offset: int) -> None:
        """Apply every layer of ``diagram`` with its wires starting at ``offset``."""
        for box, position in placed_boxes(diagram):
            self.box(box, offset + position)

    def swap(self, i: int) -> None:
        """Swap the wires at ``i`` and ``i + 1``."""
        ids = self.ids[i], self.ids[i + 1]
        self.box(_swap(self.obs[i], self.obs[i + 1]), i, ids[::-1])

    def move(self, i: int, j: int) -> None:
        """Move the wire at ``i`` to position ``j`` by adjacent swaps."""
        for k in range(i - 1, j - 1, -1):
            self.swap(k)
        for k in range(i, j):
            self.swap(k)

    def copy(self, i: int, ids) -> None:
        self.box(_copy(self.obs[i], len(ids)), i, list(ids))

    def discard(self, i: int) -> None:
        self.box(_copy(self.obs[i], 0), i, [])

    def merge(self, i: int, n: int, atom, out=None) -> None:
        """Merge (add) the ``n`` wires of type ``atom`` from ``i``; ``n = 0`` inserts zero."""
        self.box(_merge(atom, n), i, [out if out is not None else object()])

    def diagram(self) -> markov.Diagram:
        return markov.Diagram(tuple(self.layers), self.dom, _ty(self.obs))


def placed_boxes(diagram):
    """Every box of ``diagram`` with its offset (wires to its left), layer by layer."""
    for layer in diagram.inside:
        offset = 0
        for k, item in enumerate(layer):
            if k % 2:
                yield item, offset
                offset += len(item.cod)
            else:
                offset += len(item)


def chain(*diagrams) -> markov.Diagram:
    """``d1 >> d2 >> ...`` in one linear pass over their layers.

    >>> from catlearn.diagrams import signature as sig
    >>> len(chain(*[sig.exp(1)] * 1000))
    1000
    """
    for k, (f, g) in enumerate(zip(diagrams, diagrams[1:])):
        if f.cod != g.dom:
            raise TypeError(f"cannot compose diagram {k} (codomain {f.cod}) with diagram "
                            f"{k + 1} (domain {g.dom})")
    layers = tuple(layer for d in diagrams for layer in d.inside)
    return markov.Diagram(layers, diagrams[0].dom, diagrams[-1].cod, _scan=False)


# -- tracing ---------------------------------------------------------------------------


def trace(dom: markov.Ty, fn) -> markov.Diagram:
    """The diagram that ``fn`` computes on one :class:`Wire` per atom of ``dom``.

    ``fn`` is traced by :func:`catlearn.core.trace` (reader :data:`~.signature.SYNTAX`),
    then laid out (:func:`layout`): boxes, catlearn generators and catlearn maps
    applied to the wires all become boxes.

    >>> from catlearn import smooth
    >>> from catlearn.diagrams import signature as sig
    >>> d = trace(sig.bits(2), lambda a, b: (sig.xor()(a, b), sig.and_()(a, b)))
    >>> print(d.dom, "->", d.cod, len(d))
    Z2 @ Z2 -> Z2 @ Z2 7
    >>> [b.name for b in trace(sig.real(2), lambda x: smooth.exp(2)(x) + x).boxes]
    ['Copy(R2)', 'exp', 'Swap(R2, R2)', 'add']
    """
    return layout(core.trace(wire_types(dom), fn, SYNTAX), dom)


def layout(program: core.Map, dom: markov.Ty | None = None, atom=atom_of) -> markov.Diagram:
    """A catlearn program (a :class:`~catlearn.core.Map`) laid out as a diagram.

    Each operation becomes its box (a catlearn generator becomes
    :func:`~.signature.box` of it); a register read twice is copied, an unread
    one discarded, arguments are brought together by swaps, and operations with
    no inputs are placed where they are first used.  ``dom`` gives the atoms of
    the inputs, ``atom`` those of the other registers (from their wire types).

    >>> from catlearn import smooth
    >>> print(layout(smooth.exp(2) >> smooth.log(2)))
    exp >> log
    """
    if dom is None:
        dom = markov.Ty(*(atom(w).inside[0] for w in program.dom))
    return _Layout(program, dom, atom).run()


class _Layout:
    """Lay a traced program out as layers: copies, discards and swaps made explicit."""

    def __init__(self, program: core.Map, dom, atom):
        self.program, self.atom = program, atom
        self.writer = Writer(dom, program.inputs)
        self.fresh = len(program.types)
        self.uses = Counter(i for op in program.ops for i in op.ins)
        self.pending = {op.outs[0]: op for op in program.ops if not op.ins and len(op.outs) == 1}

    def _box(self, op):
        return op.gen if isinstance(op.gen, Box) else box_of(op.gen, self.atom)

    def run(self) -> markov.Diagram:
        outputs = self.program.outputs
        self.uses.update(outputs)
        self._discard_dead(self.writer.ids)
        for op in self.program.ops:
            if not op.ins and len(op.outs) == 1:
                continue  # placed where it is first used
            offset = self._gather(op.ins) if op.ins else len(self.writer.ids)
            self.writer.box(self._box(op), offset, list(op.outs))
            self._discard_dead(op.outs)
        self._gather(outputs)
        return self.writer.diagram()

    def _discard_dead(self, ids) -> None:
        for i in list(ids):
            if self.uses[i] == 0:
                self.writer.discard(self.writer.ids.index(i))

    def _take(self, i) -> int:
        """Consume one use of wire ``i``: the id to use, a fresh copy if ``i`` lives on."""
        self.uses[i] -= 1
        if self.uses[i] == 0:
            return i
        alias, self.fresh = self.fresh, self.fresh + 1
        self.writer.copy(self.writer.ids.index(i), [i, alias])
        return alias

    def _gather(self, ins) -> int:
        """Bring the wires ``ins`` next to each other, in order; their first position."""
        ids, block = self.writer.ids, []
        for i in ins:
            if i in self.pending:
                at = ids.index(block[-1]) + 1 if block else self._anchor(ins)
                self.writer.box(self._box(self.pending.pop(i)), at, [i])
            alias = self._take(i)
            if block:
                here, last = ids.index(alias), ids.index(block[-1])
                self.writer.move(here, last + 1 if here > last else last)
            block.append(alias)
        return ids.index(block[0]) if block else len(ids)

    def _anchor(self, ins) -> int:
        """Where a block starting with a not yet placed box goes: at its first placed wire."""
        placed = [i for i in ins if i not in self.pending]
        return self.writer.ids.index(placed[0]) if placed else len(self.writer.ids)
