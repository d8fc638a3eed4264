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

>>> from catlearn import smooth
>>> f = smooth.exp(2) >> smooth.sigmoid(2)
>>> f
Map(R^2 -> R^2: exp ; sigmoid)
>>> f.dom @ f.cod
Ty(R^2, R^2)
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any, Callable, Hashable, Sequence

from catlearn import display


class Ty(tuple):
    """A list of wire types; ``@`` concatenates.

    >>> from catlearn.smooth import Real
    >>> Ty(Real((2,))) @ Ty(Real((3,), batched=False))
    Ty(R^2, P^3)
    """

    def __new__(cls, *wires):
        return super().__new__(cls, wires)

    def __matmul__(self, other: "Ty") -> "Ty":
        return Ty(*self, *other)

    def __getitem__(self, key):
        item = tuple.__getitem__(self, key)
        return Ty(*item) if isinstance(key, slice) else item

    def __repr__(self) -> str:
        return f"Ty({', '.join(map(repr, self))})"

    def __str__(self) -> str:
        return display.fold(self, shown=8)


@dataclass(frozen=True)
class Generator:
    """A box of the signature: a name, a type and hashable static data.

    Generators carry no arrays; what they mean is the backend's business.
    """

    name: str
    dom: Ty
    cod: Ty
    data: Hashable = None

    def __repr__(self) -> str:
        return self.name if self.data is None else f"{self.name}{_show(self.data)}"

    def __call__(self, *args: "Var"):
        """Apply the generator to traced registers (see :func:`trace`)."""
        return _apply(self, args)


@dataclass(frozen=True)
class Rev(Generator):
    """The reverse derivative of ``base`` with respect to its input ``i``.

    Type ``base.dom @ base.cod @ base.cod -> base.dom[i]``: it reads the
    inputs, the outputs (residuals) and the output cotangents.  Backends
    run it with a fused kernel; its own reverse derivative is built from the
    generator's reverse-derivative program, so ``R`` can be iterated.
    """

    def __repr__(self) -> str:
        base, i = self.data
        return f"R{i}[{base!r}]"


def _show(data) -> str:
    return f"({', '.join(map(str, data))})" if isinstance(data, tuple) else f"({data})"


@dataclass(frozen=True)
class Op:
    """One instruction: ``outs = gen(*ins)`` over register numbers."""

    gen: Generator
    ins: tuple[int, ...]
    outs: tuple[int, ...]


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
        return self.compiled(*args)

    @functools.cached_property
    def compiled(self) -> Callable:
        """The program as one Python function of arrays, generated once."""
        from catlearn.compile import compile_map
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


def _fresh(g: Map, types: list, bound: dict) -> list[int]:
    """Register renaming of ``g`` into a program: bound ones, then fresh."""
    remap = []
    for r, ty in enumerate(g.types):
        if r in bound:
            remap.append(bound[r])
        else:
            remap.append(len(types))
            types.append(ty)
    return remap


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


@dataclass(frozen=True, eq=False)
class Var:
    """A register of a map under construction (see :func:`trace`).

    Arithmetic on Vars applies the backend's generators: ``+`` is the
    backend's addition, ``*`` its multiplication, ``-x`` its negation.
    """

    builder: "_Builder"
    reg: int

    @property
    def type(self):
        return self.builder.types[self.reg]

    def _op(self, name: str, *others):
        return getattr(self.builder.backend, name)(self, *others)

    def __add__(self, other):
        return self._op("var_add", other)

    __radd__ = __add__

    def __mul__(self, other):
        return self._op("var_mul", other)

    __rmul__ = __mul__

    def __neg__(self):
        return self._op("var_neg")

    def __sub__(self, other):
        return self + (-other if isinstance(other, Var) else -other)

    def __rsub__(self, other):
        return (-self) + other


@dataclass(eq=False)
class _Builder:
    backend: Any
    types: list = field(default_factory=list)
    ops: list = field(default_factory=list)

    def fresh(self, ty) -> int:
        self.types.append(ty)
        return len(self.types) - 1


_TRACES: list["_Builder"] = []  # traces under construction, innermost last


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


def wires(result) -> tuple:
    """A traced result as a tuple of Vars (a single Var becomes a 1-tuple)."""
    return (result,) if isinstance(result, Var) else tuple(result)


def _check_args(dom: Ty, args, what) -> "_Builder":
    """The trace the arguments belong to; ``what`` (a string or object) names the callee."""
    if len(args) != len(dom):
        raise TypeError(f"{what} takes {len(dom)} wire(s) ({dom}), got {len(args)}")
    builder = args[0].builder if args else (_TRACES[-1] if _TRACES else None)
    if builder is None:
        raise TypeError(f"{what} has no inputs: call it inside a trace, or on no arrays")
    for k, (w, v) in enumerate(zip(dom, args)):
        if not isinstance(v, Var) or v.builder is not builder:
            raise TypeError(f"{what}: argument {k} is not a wire of the same trace: {v!r}")
        if v.type != w:
            raise TypeError(f"{what}: wire {k} has type {v.type!r}, expected {w!r}")
    return builder


def _apply(gen: Generator, args) -> Var | tuple[Var, ...]:
    builder = _check_args(gen.dom, args, gen)
    outs = tuple(builder.fresh(w) for w in gen.cod)
    builder.ops.append(Op(gen, tuple(a.reg for a in args), outs))
    result = tuple(Var(builder, r) for r in outs)
    return result[0] if len(result) == 1 else result


def _splice(f: Map, args) -> Var | tuple[Var, ...]:
    builder = _check_args(f.dom, args, f)
    remap = _fresh(f, builder.types, {r: a.reg for r, a in zip(f.inputs, args)})
    builder.ops.extend(Op(o.gen, tuple(remap[i] for i in o.ins), tuple(remap[j] for j in o.outs))
                       for o in f.ops)
    result = tuple(Var(builder, remap[r]) for r in f.outputs)
    return result[0] if len(result) == 1 else result
