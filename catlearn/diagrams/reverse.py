"""The reverse derivative as a functor from diagrams to diagrams.

Each generator's reverse derivative is itself a diagram, given as an optic
with its residual on the left (:func:`optic`): ``fwd : A -> M @ B`` computes
the output and keeps what the backward pass needs, ``bwd : M @ B' -> A'``
turns output cotangents into input cotangents.  :func:`reverse` lays these
optics out layer by layer: forward parts left to right, each residual slid
to the far left, then backward parts in reverse order, so ``R(d)`` grows
linearly with ``d`` (a naive lens composite would be quadratic).

There is one chain-rule table, the backends' rules: the optic of a box is read
off the reverse-derivative program of its meaning
(:func:`catlearn.derivative.rule_program`, the generator's traced rule), cut at
the box's inputs and outputs, each operation of the program becoming a box again.
Its residual is the inputs and outputs that the rule reads.  A gate's meaning is
its polynomial in ring generators, so its optic is the chain rule through the
ring rules: read mod 2 the Z2 reverse derivative, over the reals that of the
multilinear relaxation.

For ``d : A -> B`` with parameters ``P`` (named ``Param`` boxes),
``R(d) : A @ B' -> P' @ A'`` keeps the parameter boxes on its forward side
and returns the parameters' cotangents first, so that (tested on every
backend) ``interpret(reverse(d), b).map`` equals ``catlearn.R(interpret(d, b).map)``.
A parameter used twice gets the sum of its cotangents.

>>> from catlearn.diagrams import signature as sig
>>> fwd, bwd = optic(sig.sigmoid(2))
>>> print(fwd.cod, "|", bwd.dom, "->", bwd.cod)
R2 @ R2 | R2 @ R2 -> R2
>>> [b.name for b in bwd.boxes if isinstance(b, sig.Box)]
['mul', 'neg', 'shift(1)', 'mul']
>>> r = reverse(sig.exp(2) >> sig.tanh(2))
>>> print(r.dom, "->", r.cod)
R2 @ R2 -> R2
"""

from __future__ import annotations

import functools

from discopy import markov

from catlearn import smooth, z2
from catlearn.core import Map, Ty
from catlearn.derivative import rule_program
from catlearn.diagrams import signature as sig
from catlearn.diagrams.meaning import MEANINGS, semantics
from catlearn.diagrams.wiring import Writer, layout, placed_boxes, trace, wires


def _reading(box):
    """The backend whose rules differentiate ``box``, and the atom of each of its wire types.

    A generator on bits only (``xor`` of ``z2.RULES``) is read in Z2.  Every other
    box, the ring generators and gates on bits included, is read in Smooth (on ``Z2``
    atoms: the multilinear relaxation, a bit read as a scalar ``R``, which the
    derivative's boxes turn back into ``Z2``).
    """
    atoms = {ob.name for ob in (box.dom @ box.cod).inside}
    if atoms and atoms <= {"Z2"} and box.kind not in MEANINGS:
        return z2.backend, sig.atom_of
    if "Z2" in atoms:
        scalar = smooth.Real(())
        return smooth.backend, lambda w: sig.BIT if w == scalar else sig.atom_of(w)
    return smooth.backend, sig.atom_of


def _derived(box) -> tuple[markov.Diagram, markov.Diagram]:
    """The optic of a generator box, cut out of the reverse program of its meaning."""
    backend, atom = _reading(box)
    f = semantics(backend).meaning(box)
    rf = rule_program(f)
    ends = f.inputs + f.outputs  # registers the box itself computes (or is given)
    backward, residual = _cut(rf, ends)
    ends_atoms = box.dom.inside + box.cod.inside
    picks = [ends.index(r) for r in residual]

    def fwd_fn(*xs):
        ys = wires(box(*xs))
        return (*((*xs, *ys)[i] for i in picks), *ys)
    types, dys = rf.types, rf.inputs[len(f.inputs):]
    program = Map(rf.backend, Ty(*(types[r] for r in residual)) @ f.cod, f.dom, types,
                  backward, residual + dys, rf.outputs)
    res = markov.Ty(*(ends_atoms[i] for i in picks))
    return trace(box.dom, fwd_fn), layout(program, res @ box.cod, atom)


def _cut(rf, ends: tuple) -> tuple[tuple, tuple]:
    """The backward operations of ``rf`` given the registers ``ends``, and the residual.

    An operation is backward when it computes something the cotangents need that
    ``ends`` does not hold (a rule that recomputes an intermediate value of a gate's
    polynomial recomputes it on the backward side); the residual is the registers of
    ``ends`` that the backward operations or the outputs read, in order.
    """
    given, live, backward = set(ends), set(rf.outputs), []
    for op in reversed(rf.ops):
        if any(r in live and r not in given for r in op.outs):
            backward.append(op)
            live.update(op.ins)
    residual = tuple(dict.fromkeys(r for r in ends if r in live))
    return tuple(reversed(backward)), residual


# -- the functor ------------------------------------------------------------------------

_WIRING = (markov.Swap, markov.Copy, markov.Merge)


@functools.lru_cache(maxsize=None)
def optic(box) -> tuple[markov.Diagram, markov.Diagram]:
    """``(fwd : A -> M @ B, bwd : M @ B' -> A')``, the reverse derivative of one box.

    Wiring is its own optic with no residual: copy goes back as merge (sum),
    merge as copy, swap as swap.  Discard goes back as zero, batched like the
    discarded wire, which it keeps as residual.
    """
    if type(box) in _WIRING:
        return box, box.dagger()
    if type(box) is markov.Discard:
        return markov.Id(box.dom), sig.zero_like(box.dom)
    if not isinstance(box, sig.Box) or isinstance(box, sig.Param):
        raise NotImplementedError(f"no reverse derivative for box {box} "
                                  f"({box.dom} -> {box.cod}): not a generator of the "
                                  "catlearn signature")
    return _derived(box)


def residual_size(box) -> int:
    """The number of wires in the residual of ``optic(box)``."""
    fwd, _ = optic(box)
    return len(fwd.cod) - len(box.cod)


def reverse(diagram) -> markov.Diagram:
    """``R(d) : A @ B' -> P' @ A'``, the diagram of the reverse derivative of ``d``.

    >>> from catlearn.diagrams import builtin
    >>> r = reverse(builtin.dense_diagram(3, 2, "tanh", "L"))
    >>> print(r.dom, "->", r.cod)
    R3 @ R2 -> P2x3 @ P2 @ R3
    """
    writer = Writer(diagram.dom @ diagram.cod)
    steps, n_res = [], 0
    for box, offset in placed_boxes(diagram):
        m = _forward(writer, box, offset, n_res)
        steps.append((box, offset, n_res, m))
        n_res += m
    for _ in diagram.cod.inside:
        writer.discard(n_res)
    grads: list = []
    for box, offset, n_res, m in reversed(steps):
        _backward(writer, box, offset, n_res, m, grads)
    _collect(writer, grads)
    return writer.diagram()


def split(diagram) -> tuple[markov.Diagram, markov.Diagram, markov.Ty]:
    """``R(d)`` cut at its residual: ``fwd : A -> M @ B``, ``bwd : M @ B' -> P' @ A'``, ``M``.

    The optic of the whole diagram, so that ``bwd`` never re-runs the
    forward pass; :func:`lens` reads it as a catlearn :class:`~catlearn.Lens`.

    >>> from catlearn.diagrams import builtin
    >>> fwd, bwd, res = split(builtin.dense_diagram(3, 2, "tanh", "L"))
    >>> print(fwd.cod, "|", bwd.dom, "->", bwd.cod)
    P2x3 @ R3 @ R2 @ R2 | P2x3 @ R3 @ R2 @ R2 -> P2x3 @ P2 @ R3
    """
    forward = Writer(diagram.dom)
    steps, n_res = [], 0
    for box, offset in placed_boxes(diagram):
        m = _forward(forward, box, offset, n_res)
        steps.append((box, offset, n_res, m))
        n_res += m
    fwd = forward.diagram()
    res = markov.Ty(*fwd.cod.inside[:n_res])
    backward, grads = Writer(res @ diagram.cod), []
    for box, offset, n_res, m in reversed(steps):
        _backward(backward, box, offset, n_res, m, grads)
    _collect(backward, grads)
    return fwd, backward.diagram(), res


def lens(diagram, backend):
    """The catlearn :class:`~catlearn.Lens` ``(P @ A, P' @ A') -> (B, B')`` of ``diagram``.

    Its ``fwd`` and ``bwd`` are the interpretations of :func:`split`'s diagrams.
    """
    from catlearn.diagrams.interpret import interpret
    from catlearn.lens import Lens
    fwd, bwd, res = split(diagram)
    fwd_map, bwd_map = interpret(fwd, backend).map, interpret(bwd, backend).map
    return Lens(fwd_map, bwd_map, fwd_map.cod[:len(res)])


def _forward(writer, box, offset, n_res) -> int:
    """Write the forward part of ``box``; slide its residual left; its size."""
    at = n_res + offset
    if isinstance(box, sig.Param):
        writer.box(box, at)
        return 0
    fwd, _ = optic(box)
    writer.inline(fwd, at)
    m = len(fwd.cod) - len(box.cod)
    for j in range(m):
        writer.move(at + j, n_res + j)
    return m


def _backward(writer, box, offset, n_res, m, grads) -> None:
    """Write the backward part of ``box``; a parameter's cotangent joins ``grads``."""
    if isinstance(box, sig.Param):
        at = n_res + offset
        grads.insert(0, (box.name, writer.ids[at]))
        writer.move(at, len(writer.ids) - len(grads))
        return
    _, bwd = optic(box)
    for j in reversed(range(m)):
        writer.move(n_res + j, n_res + j + offset)
    writer.inline(bwd, n_res + offset)


def _collect(writer, grads) -> None:
    """Bring parameter cotangents to the front, one per name (summed), in first-use order."""
    names = list(dict.fromkeys(name for name, _ in grads))
    for t, name in enumerate(names):
        mine = [i for n, i in grads if n == name]
        for k, wire in enumerate(mine):
            writer.move(writer.ids.index(wire), t + k)
        if len(mine) > 1:
            writer.merge(t, len(mine), writer.obs[t])
