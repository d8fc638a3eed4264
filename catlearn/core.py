"""The category: maps as straight-line programs over a backend's generators.

A :class:`Map` ``f : A -> B`` is a flat program in static single assignment
form: numbered registers, the registers holding the inputs, a list of
operations (a :class:`Generator` applied to registers, writing fresh
registers) and the registers read out as outputs.  Identities, swaps, copies
and discards are pure wiring: they are register renamings and cost nothing.
Composition ``>>`` and tensor ``@`` are written once, here, and are linear in
the size of the programs; :func:`then` composes many maps in one pass.

Laws (checked by ``tests/test_laws.py`` on every backend, pointwise):

* ``(f >> g) >> h == f >> (g >> h)``, ``id(A) >> f == f == f >> id(B)``;
* ``(f @ g) >> (h @ k) == (f >> h) @ (g >> k)`` (interchange);
* ``copy`` is a commutative comonoid, natural for every map (cartesian);
* ``f + g`` and ``zero`` make every hom-set a commutative monoid and
  ``h >> (f + g) == h >> f + h >> g`` (left additivity).

The wire types, generators and traced registers the programs are written
with live in :mod:`catlearn.program`; the compiler in :mod:`catlearn.compile`.

>>> from catlearn import smooth
>>> f = smooth.exp(2) >> smooth.sigmoid(2)
>>> f
Map(R^2 -> R^2: exp ; sigmoid)
>>> f.dom @ f.cod
Ty(R^2, R^2)

Three of the laws, on values:

>>> import numpy as np
>>> f, g, h, k = smooth.exp(1), smooth.sigmoid(1), smooth.tanh(1), smooth.scale(2.0, 1)
>>> x, y = np.array([[0.5], [2.0]]), np.array([[-1.0], [3.0]])
>>> same = lambda us, vs: all(np.allclose(u, v, rtol=1e-15) for u, v in zip(us, vs))
>>> same(((f @ g) >> (h @ k))(x, y), ((f >> h) @ (g >> k))(x, y))    # interchange
True
>>> same(((f >> g) >> h)(x), (f >> (g >> h))(x))                     # associativity
True
>>> same((h >> (f + g))(x), ((h >> f) + (h >> g))(x))                 # left additivity
True
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any, Callable, Sequence

from catlearn import display
from catlearn.compile import compile_map
from catlearn.program import (_TRACES, Generator, Op, Rev, Ty, Var, _Builder, _fresh, _splice,
                              generator, wires)

__all__ = ["Generator", "Map", "Op", "Rev", "Ty", "Var", "generator", "share", "tensor", "then",
           "trace", "wires"]


@dataclass(frozen=True, eq=False)
class Map:
    """A morphism ``dom -> cod`` of a backend's category, as a flat program.

    Call it on one array per input wire; it returns a tuple, one array per
    output wire.  It is immutable; its compiled form is cached.
    """

    backend: Any
    dom: Ty
    cod: Ty
    types: tuple  # the wire type of every register
    ops: tuple[Op, ...]
    inputs: tuple[int, ...]
    outputs: tuple[int, ...]

    # -- construction --------------------------------------------------

    @staticmethod
    def id(ty: Ty, backend) -> "Map":
        """The identity on ``ty``."""
        return Map.wire(ty, range(len(ty)), backend)

    @staticmethod
    def wire(dom: Ty, indices: Sequence[int], backend) -> "Map":
        """Pure wiring: output ``k`` is input ``indices[k]``.

        Repeated indices copy, missing ones discard, permutations swap.
        """
        indices = tuple(indices)
        return Map(backend, Ty(*dom), Ty(*(dom[i] for i in indices)), tuple(dom),
                   (), tuple(range(len(dom))), indices)

    @staticmethod
    def swap(a: Ty, b: Ty, backend) -> "Map":
        """The symmetry ``a @ b -> b @ a``."""
        n, m = len(a), len(b)
        return Map.wire(a @ b, [*range(n, n + m), *range(n)], backend)

    @staticmethod
    def copy(a: Ty, backend, n: int = 2) -> "Map":
        """The diagonal ``a -> a @ ... @ a`` (n copies)."""
        return Map.wire(a, [*range(len(a))] * n, backend)

    @staticmethod
    def discard(a: Ty, backend) -> "Map":
        """The unique map ``a -> 1``."""
        return Map.wire(a, [], backend)

    @staticmethod
    def gen(gen: Generator, backend) -> "Map":
        """The map of one generator."""
        k, n = len(gen.dom), len(gen.cod)
        ins, outs = tuple(range(k)), tuple(range(k, k + n))
        return Map(backend, gen.dom, gen.cod, tuple(gen.dom) + tuple(gen.cod),
                   (Op(gen, ins, outs),), ins, outs)

    @staticmethod
    def zero(dom: Ty, cod: Ty, backend) -> "Map":
        """The zero map ``dom -> cod`` (unit of ``+``)."""
        return trace(dom, lambda *xs: backend.zeros(cod, xs), backend)

    # -- composition, written once ----------------------------------------

    @property
    def nregs(self) -> int:
        return len(self.types)

    def then(self, *others: "Map") -> "Map":
        """Sequential composition ``self ; others[0] ; ...``."""
        return then(self, *others)

    def tensor(self, *others: "Map") -> "Map":
        """Parallel composition ``self @ others[0] @ ...``."""
        return tensor(self, *others)

    def __rshift__(self, other: "Map") -> "Map":
        return then(self, other)

    def __matmul__(self, other: "Map") -> "Map":
        return tensor(self, other)

    def __add__(self, other: "Map") -> "Map":
        """Left-additive structure: ``(f + g)(a) = f(a) + g(a)``."""
        _check_parallel(self, other, "+")
        add = self.backend.add
        return trace(self.dom, lambda *xs: tuple(
            add(w)(u, v) for w, u, v in zip(self.cod, wires(self(*xs)), wires(other(*xs)))),
            self.backend)

    # -- evaluation ----------------------------------------------------------

    def __call__(self, *args):
        """Run on arrays (checked), or splice into a trace when given Vars."""
        if (args and isinstance(args[0], Var)) or (not args and not self.dom and _TRACES):
            return _splice(self, args)
        if len(args) != len(self.dom):
            raise ValueError(f"{self!r} takes {len(self.dom)} input wire(s) "
                             f"({self.dom}), got {len(args)}")
        args = tuple(self.backend.check(w, x, f"input wire {i} ({w!r})")
                     for i, (w, x) in enumerate(zip(self.dom, args)))
        _check_batches(self, args)
        return self.compiled(*args)

    @functools.cached_property
    def compiled(self) -> Callable:
        """The program as one Python function of arrays, generated once."""
        return compile_map(self)

    def prune(self) -> "Map":
        """Remove operations whose results reach no output."""
        live = set(self.outputs)
        kept = []
        for op in reversed(self.ops):
            if any(r in live for r in op.outs):
                kept.append(op)
                live.update(op.ins)
        return Map(self.backend, self.dom, self.cod, self.types, tuple(reversed(kept)),
                   self.inputs, self.outputs)

    def share(self) -> "Map":
        """Common subexpressions shared: see :func:`share`."""
        return share(self)

    def to(self, backend) -> "Map":
        """The same program read in another backend with the same generators."""
        return Map(backend, self.dom, self.cod, self.types, self.ops, self.inputs, self.outputs)

    def __repr__(self) -> str:
        body = " ; ".join(repr(op.gen) for op in self.ops[:6])
        more = f" ; ... ({len(self.ops)} ops)" if len(self.ops) > 6 else ""
        return f"Map({self.dom} -> {self.cod}: {body or 'wiring'}{more})"

    def _repr_svg_(self) -> str:
        return display.map_svg(self)


def _check_batches(f: Map, args) -> None:
    """The batched input wires of one call must agree on the batch size: say which differ."""
    sizes = [(i, w, n) for i, (w, x) in enumerate(zip(f.dom, args))
             if (n := f.backend.batch(w, x)) is not None]
    if len({n for _, _, n in sizes}) > 1:
        listed = ", ".join(f"wire {i} ({w!r}) has {n}" for i, w, n in sizes)
        raise ValueError(f"{f!r}: the input wires carry different batch sizes: {listed}")


def _check_parallel(f: Map, g: Map, what: str) -> None:
    if f.dom != g.dom or f.cod != g.cod:
        raise TypeError(f"cannot form {what} of {f.dom} -> {f.cod} and {g.dom} -> {g.cod}: "
                        "types differ")


def share(f: Map) -> Map:
    """``f`` with one operation per generator and input registers.

    Generators are pure, so two operations applying the same generator to
    the same registers compute the same values: the later one is dropped
    and its outputs renamed to the earlier one's.  (The supervised lens
    uses it to read the loss and predictions off the training step's own
    forward pass.)
    """
    rename: dict[int, int] = {}
    seen: dict = {}
    ops = []
    for op in f.ops:
        ins = tuple(rename.get(r, r) for r in op.ins)
        key = (op.gen, ins)
        if key in seen:
            rename.update(zip(op.outs, seen[key]))
            continue
        seen[key] = op.outs
        ops.append(Op(op.gen, ins, op.outs))
    outputs = tuple(rename.get(r, r) for r in f.outputs)
    return Map(f.backend, f.dom, f.cod, f.types, tuple(ops), f.inputs, outputs)


def then(*maps: Map) -> Map:
    """Compose ``maps`` left to right in one linear pass.

    >>> from catlearn import smooth
    >>> then(smooth.exp(1), smooth.log(1), smooth.relu(1))
    Map(R^1 -> R^1: exp ; log ; relu)
    """
    first = maps[0]
    types, ops, current = list(first.types), list(first.ops), first.outputs
    for k, g in enumerate(maps[1:], start=1):
        cod = Ty(*(types[r] for r in current))
        if cod != g.dom:
            raise TypeError(f"cannot compose: map {k - 1} has codomain {cod} "
                            f"but map {k} has domain {g.dom}")
        _same_backend(first, g, "compose")
        remap = _fresh(g, types, dict(zip(g.inputs, current)))
        ops.extend(Op(o.gen, tuple(remap[i] for i in o.ins), tuple(remap[j] for j in o.outs))
                   for o in g.ops)
        current = tuple(remap[r] for r in g.outputs)
    backend = next((m.backend for m in maps if m.backend is not None), None)
    return Map(backend, first.dom, Ty(*(types[r] for r in current)), tuple(types),
               tuple(ops), first.inputs, current)


def _same_backend(f: Map, g: Map, what: str) -> None:
    if f.backend is not g.backend and None not in (f.backend, g.backend):
        raise TypeError(f"cannot {what} a map of {f.backend!r} with a map of {g.backend!r}; "
                        "read one in the other's backend with .to(backend)")


def tensor(*maps: Map) -> Map:
    """Put ``maps`` side by side.

    >>> from catlearn import smooth
    >>> tensor(smooth.exp(1), smooth.log(2)).dom
    Ty(R^1, R^2)
    """
    types, ops, inputs, outputs = [], [], [], []
    for f, g in zip(maps, maps[1:]):
        _same_backend(f, g, "tensor")
    for g in maps:
        off = len(types)
        types.extend(g.types)
        ops.extend(Op(o.gen, tuple(i + off for i in o.ins), tuple(j + off for j in o.outs))
                   for o in g.ops)
        inputs.extend(i + off for i in g.inputs)
        outputs.extend(j + off for j in g.outputs)
    dom = Ty(*(w for g in maps for w in g.dom))
    cod = Ty(*(w for g in maps for w in g.cod))
    backend = next((m.backend for m in maps if m.backend is not None), None)
    return Map(backend, dom, cod, tuple(types), tuple(ops), tuple(inputs), tuple(outputs))


# -- tracing: writing maps as Python functions of wires ----------------------


def trace(dom: Ty, fn: Callable, backend) -> Map:
    """The map ``dom -> cod`` that ``fn`` computes on traced wires.

    ``fn`` receives one :class:`Var` per input wire and returns a Var or a
    tuple of Vars; generators and maps applied to Vars record operations.
    Maps and generators without inputs (constants), called with no
    arguments inside ``fn``, record into the innermost trace.

    >>> from catlearn import smooth
    >>> from catlearn.core import Ty
    >>> f = trace(Ty(smooth.Real((2,))), lambda x: x * x + x, smooth.backend)
    >>> f(smooth.np.array([[1.0, 2.0]]))[0].tolist()
    [[2.0, 6.0]]
    """
    builder = _Builder(backend)
    xs = [Var(builder, builder.fresh(w)) for w in dom]
    _TRACES.append(builder)
    try:
        result = fn(*xs)
    finally:
        _TRACES.pop()
    if not isinstance(result, (Var, tuple, list)):
        raise TypeError(f"traced function must return wires of this trace, got {result!r}")
    result = wires(result)
    for v in result:
        if not isinstance(v, Var) or v.builder is not builder:
            raise TypeError(f"traced function must return wires of this trace, got {v!r}")
    outputs = tuple(v.reg for v in result)
    return Map(backend, Ty(*dom), Ty(*(builder.types[r] for r in outputs)),
               tuple(builder.types), tuple(builder.ops), tuple(x.reg for x in xs), outputs)
