"""Feedback diagrams (``discopy.feedback``) read as stateful maps of St(backend), and drawn.

A ``discopy.feedback`` diagram has boxes whose inputs may be *delayed* wires
(``m.delay()``) and the operator ``f.feedback()``, which turns ``f : x @ m.d -> y @ m``
into ``x -> y`` by feeding ``m`` back one step later.  :func:`interpret_feedback` is the
functor to St(C) of :mod:`catlearn.stateful`: boxes go to the maps given for their names
(a map of C is lifted, memoryless), swaps, copies and merges to wiring and addition, and
``feedback`` to the delayed trace :func:`~catlearn.stateful.dtrace` with the reset value
of each fed-back wire.  It preserves composition and tensor, and sends
``f.feedback().feedback()`` to the nested delayed trace.

:func:`unrolled_diagram` is DisCoPy's own unrolling of the same diagram into streams
(``discopy.stream``), the picture of what :func:`~catlearn.stateful.unroll` computes;
:func:`picture` draws either as SVG.

>>> import numpy as np
>>> from discopy import feedback as fb
>>> from catlearn import smooth
>>> x, m = fb.Ty("x"), fb.Ty("m")
>>> f = fb.Box("acc", x @ m.delay(), x @ m)
>>> running_sum = interpret_feedback(f.feedback(), smooth.backend,
...                                  {"acc": smooth.adder(()) >> smooth.copy(())})
>>> from catlearn.stateful import run
>>> [float(y[0]) for y in run(running_sum, [np.array([1.0]), np.array([2.0]), np.array([3.0])])]
[1.0, 3.0, 6.0]
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from typing import Callable, Mapping

from discopy import feedback as fb
from discopy import stream

from catlearn import smooth, symbolic, z2
from catlearn.core import Map, Ty, trace
from catlearn.stateful import Stateful, dtrace

DEFAULT_WIRES = {smooth.backend: lambda name: smooth.Real(()),
                 symbolic.backend: lambda name: smooth.Real(()),
                 z2.backend: lambda name: z2.BIT}


@dataclass(frozen=True)
class _Reading:
    backend: object
    meanings: Mapping
    wire: Callable
    init: Mapping

    def wires(self, ty) -> Ty:
        return Ty(*(self.wire(ob.name) for ob in ty.inside))

    def box(self, box) -> Stateful:
        if isinstance(box, fb.Feedback):
            inner = self.diagram(box.arg)
            fed = [ob.name for ob in box.mem.inside]
            return dtrace(inner, len(fed), tuple(self.init.get(name, 0) for name in fed))
        dom, cod = self.wires(box.dom), self.wires(box.cod)
        if isinstance(box, fb.Swap):
            return Stateful.lift(Map.swap(dom[:1], dom[1:], self.backend))
        if isinstance(box, fb.Copy):
            return Stateful.lift(Map.copy(dom, self.backend, len(cod)))
        if isinstance(box, fb.Merge):
            add = self.backend.add(cod[0])
            return Stateful.lift(trace(dom, lambda *xs: _sum(add, xs), self.backend))
        if box.name not in self.meanings:
            raise KeyError(f"no meaning given for box {box.name!r} ({box.dom} -> {box.cod}); "
                           f"pass it in meanings={{{box.name!r}: map}}")
        meaning = self.meanings[box.name]
        meaning = meaning if isinstance(meaning, Stateful) else Stateful.lift(meaning)
        if meaning.dom != dom or meaning.cod != cod:
            raise TypeError(f"box {box.name!r} has type {dom} -> {cod} in {self.backend}, but "
                            f"its meaning has type {meaning.dom} -> {meaning.cod}")
        return meaning

    def diagram(self, diagram) -> Stateful:
        result = Stateful.id(self.wires(diagram.dom), self.backend)
        for left, box, right in diagram.inside:
            layer = Stateful.id(self.wires(left), self.backend) @ self.box(box) @ \
                Stateful.id(self.wires(right), self.backend)
            result = result >> layer
        return result


def _sum(add, xs):
    total = xs[0]
    for x in xs[1:]:
        total = add(total, x)
    return total


def interpret_feedback(diagram, backend, meanings: Mapping, *, wire: Callable | None = None,
                       init: Mapping | None = None) -> Stateful:
    """The stateful map of St(backend) that a ``discopy.feedback`` diagram means.

    Args:
        diagram: a ``discopy.feedback`` diagram (or box).
        backend: ``smooth.backend``, ``z2.backend``, ...
        meanings: box name -> a :class:`~catlearn.Map` (memoryless) or a
            :class:`~catlearn.stateful.Stateful` of that backend.
        wire: object name -> wire type (default: scalars ``R`` in Smooth, bits in Z2).
        init: reset value of each fed-back wire, by object name (default 0).

    Raises:
        KeyError: a box without a meaning; TypeError: a meaning of the wrong type.
    """
    reading = _Reading(backend, meanings, wire or DEFAULT_WIRES[backend], init or {})
    if isinstance(diagram, fb.Box):
        diagram = diagram.to_diagram() if hasattr(diagram, "to_diagram") else \
            fb.Diagram.id(diagram.dom) >> diagram
    return reading.diagram(diagram)


def unrolled_diagram(diagram, n: int):
    """DisCoPy's unrolling of a feedback diagram over steps ``0 .. n`` (a symmetric diagram).

    Every box is read as a stream of boxes ``f0, f1, ...`` and every object ``x`` as
    ``x0, x1, ...``; at step 0 a delayed wire is the unit (its reset value).
    """
    ob = fb.Functor(lambda x: stream.Ty.sequence(x.name), cod=stream.Category())
    functor = fb.Functor(ob, lambda f: stream.Stream.sequence(f.name, ob(f.dom), ob(f.cod)),
                         cod=stream.Category())
    return functor(diagram).unroll(n).now


@dataclass(frozen=True)
class Picture:
    """An SVG drawing that displays itself in Jupyter."""

    svg: str

    def _repr_svg_(self) -> str:
        return self.svg


def picture(diagram, path: str | None = None, **options) -> Picture:
    """Draw a DisCoPy diagram (feedback or unrolled) as SVG; also written to ``path`` if given."""
    import matplotlib
    matplotlib.use("Agg")
    folder = tempfile.mkdtemp(prefix="catlearn-draw-")
    target = os.path.join(folder, "diagram.svg")
    diagram.draw(path=target, margins=(0.1, 0.1), **options)
    with open(target, encoding="utf-8") as handle:
        svg = handle.read()
    if path is not None:
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(svg)
    return Picture(svg)
