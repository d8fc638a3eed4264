"""Programs in single-assignment form: wire types, generators, operations, traced registers.

The vocabulary the category of :mod:`catlearn.core` is written in.  A
:class:`Ty` lists wire types; a :class:`Generator` is a box of a backend's
signature (a name, a type, hashable static data, no arrays); an :class:`Op`
applies one to numbered registers.  :class:`Var` is a register of a program
under construction: applying a generator to Vars records an operation, and
``+``, ``*`` and ``-`` on Vars apply the backend's arithmetic generators
(this is how :func:`catlearn.core.trace` writes maps as Python functions).

Laws: ``@`` on types is associative with unit ``Ty()``; a generator applied
to Vars of types ``dom`` writes fresh registers of types ``cod``.

>>> from catlearn.smooth import Real
>>> a = Ty(Real((2,)))
>>> (a @ Ty()) == a, (a @ a) @ a == a @ (a @ a)
(True, True)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Hashable

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


def generator(name: str, dom, cod, data: Hashable = None) -> Generator:
    """The generator ``name : dom -> cod``, its types given as sequences of wire types.

    The one helper the backends' constructors build generators with.

    >>> from catlearn.smooth import Real
    >>> generator("exp", [Real((2,))], [Real((2,))])
    exp
    """
    return Generator(name, Ty(*dom), Ty(*cod), data)


def _show(data) -> str:
    return f"({', '.join(map(str, data))})" if isinstance(data, tuple) else f"({data})"


@dataclass(frozen=True)
class Op:
    """One instruction: ``outs = gen(*ins)`` over register numbers."""

    gen: Generator
    ins: tuple[int, ...]
    outs: tuple[int, ...]


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
            raise TypeError(f"{what} takes {dom}: wire {k} has type {v.type!r}, expected {w!r}")
    return builder


def record(gen, args, dom: Ty, cod: Ty, what=None) -> Var | tuple[Var, ...]:
    """Apply ``gen``, an operation of type ``dom -> cod``, to traced registers.

    ``gen`` is a :class:`Generator`, or any hashable box that a trace's reader
    knows (a diagram box of :mod:`catlearn.diagrams.signature` records itself
    here, with its wire types as ``dom`` and ``cod``); ``what`` names it in errors.
    """
    builder = _check_args(dom, args, gen if what is None else what)
    outs = tuple(builder.fresh(w) for w in cod)
    builder.ops.append(Op(gen, tuple(a.reg for a in args), outs))
    result = tuple(Var(builder, r) for r in outs)
    return result[0] if len(result) == 1 else result


def _apply(gen: Generator, args) -> Var | tuple[Var, ...]:
    return record(gen, args, gen.dom, gen.cod)


def _splice(f, args) -> Var | tuple[Var, ...]:
    """Copy the program of the map ``f`` into the trace of ``args``."""
    builder = _check_args(f.dom, args, f)
    remap = _fresh(f, builder.types, {r: a.reg for r, a in zip(f.inputs, args)})
    builder.ops.extend(Op(o.gen, tuple(remap[i] for i in o.ins), tuple(remap[j] for j in o.outs))
                       for o in f.ops)
    result = tuple(Var(builder, remap[r]) for r in f.outputs)
    return result[0] if len(result) == 1 else result


def _fresh(g, types: list, bound: dict) -> list[int]:
    """Register renaming of ``g`` into a program: bound ones, then fresh."""
    remap = []
    for r, ty in enumerate(g.types):
        if r in bound:
            remap.append(bound[r])
        else:
            remap.append(len(types))
            types.append(ty)
    return remap
