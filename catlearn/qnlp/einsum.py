"""Tensor contraction as one generator of Smooth, closed under ``R``; ``sin`` and ``cos``.

``einsum(spec, *operands)`` contracts real tensors by an Einstein-summation
``spec`` (numpy's notation, written *without* the batch axis).  Every operand
is a wire or a named constant of :data:`CONSTANTS` (a Bell state, a gate, the
product of complex numbers, ...): constants carry no cotangent and no array
enters the generator, only their names.  A batched wire gets the batch index
``Z`` in front; the output is batched when an input is.

A contraction is multilinear, so its reverse derivative with respect to one
wire operand is again a contraction: the same spec with that operand replaced
by the output cotangent, read out on that operand's indices::

    R[einsum("ab,b->a")](A, x, dy) = (einsum("b,a->ab")(x, dy), einsum("ab,a->b")(A, dy))

and ``R`` iterates.  An index of a parameter operand that meets a batched wire
is summed over the batch, as Smooth does for every parameter.

>>> import numpy as np
>>> from catlearn import R, smooth
>>> f = einsum_map("ab,b->a", [smooth.Real((2, 3), False), smooth.Real((3,))])
>>> A, x = np.arange(6.0).reshape(2, 3), np.ones((1, 3))
>>> f(A, x)[0].tolist()
[[3.0, 12.0]]
>>> [g.tolist() for g in R(f)(A, x, np.array([[1.0, 0.0]]))]
[[[1.0, 1.0, 1.0], [0.0, 0.0, 0.0]], [[0.0, 1.0, 2.0]]]

``sin`` and ``cos`` close each other: ``R[sin](x, dy) = dy cos x`` and
``R[cos](x, dy) = -dy sin x``.
"""

from __future__ import annotations

import functools

import numpy as np

from catlearn import smooth
from catlearn.backend import Rule
from catlearn.core import Generator, Map, Ty
from catlearn.smooth import Real

BATCH = "Z"


# -- constants: named arrays that contractions may read -------------------------


def _cmul() -> np.ndarray:
    """``M[a, b, c]``: complex multiplication on pairs ``(re, im)``, ``z_c = M_abc x_a y_b``."""
    m = np.zeros((2, 2, 2))
    m[0, 0, 0], m[1, 1, 0], m[0, 1, 1], m[1, 0, 1] = 1, -1, 1, 1
    return m


CONSTANTS: dict[str, np.ndarray] = {"cmul": _cmul()}
"""Named constant operands.  :func:`constant` adds entries (quantum gates, states)."""


def constant(name: str, value) -> str:
    """Register the constant ``name`` (the same value again is allowed) and return its name."""
    value = np.asarray(value, dtype=float)
    old = CONSTANTS.get(name)
    if old is not None and (old.shape != value.shape or not np.array_equal(old, value)):
        raise ValueError(f"constant {name!r} is already defined with another value")
    CONSTANTS[name] = value
    return name


# -- the generator ---------------------------------------------------------------


def _parse(spec: str):
    ins, _, out = spec.replace(" ", "").partition("->")
    return ins.split(","), out


def einsum_gen(spec: str, operands, batched: bool | None = None) -> Generator:
    """The contraction ``spec`` of ``operands``: a :class:`Real` wire or a constant's name each.

    ``spec`` has no batch index; the generator's data is the full spec (with
    ``Z`` on batched wires) and the constants' names in their places.  The
    output is batched when an input is, unless ``batched=False`` (then the
    batch is summed: the reverse derivative for a parameter).
    """
    subs, out = _parse(spec)
    if len(subs) != len(operands) or "->" not in spec:
        raise ValueError(f"einsum spec {spec!r} needs '->' and one subscript per operand "
                         f"({len(operands)} given)")
    if BATCH in spec:
        raise ValueError(f"einsum spec {spec!r}: the letter {BATCH} is the batch index")
    sizes: dict[str, int] = {}
    full, names, dom = [], [], []
    for sub, op in zip(subs, operands):
        shape = CONSTANTS[op].shape if isinstance(op, str) else op.shape
        if len(shape) != len(sub):
            raise ValueError(f"einsum {spec!r}: operand {op!r} has shape {shape}, "
                             f"subscript {sub!r}")
        for letter, n in zip(sub, shape):
            if sizes.setdefault(letter, n) != n:
                raise ValueError(f"einsum {spec!r}: index {letter} has sizes {sizes[letter]} "
                                 f"and {n}")
        on_batch = not isinstance(op, str) and op.batched
        full.append(BATCH + sub if on_batch else sub)
        names.append(op if isinstance(op, str) else None)
        if not isinstance(op, str):
            dom.append(op)
    if batched is None:
        batched = any(w.batched for w in dom)
    cod = Real(tuple(sizes[c] for c in out), batched)
    data = (",".join(full) + "->" + (BATCH if batched else "") + out, tuple(names))
    return Generator("einsum", Ty(*dom), Ty(cod), data)


def einsum_map(spec: str, operands) -> Map:
    """The map of :func:`einsum_gen`, its wires in the order of the wire operands."""
    return Map.gen(einsum_gen(spec, operands), smooth.backend)


def einsum(spec: str, *operands):
    """Apply the contraction to traced wires (``Var``) and constants' names, in a trace."""
    types = [op if isinstance(op, str) else op.type for op in operands]
    return einsum_gen(spec, types)(*(op for op in operands if not isinstance(op, str)))


@functools.lru_cache(maxsize=4096)
def _path(spec: str, shapes: tuple):
    """A contraction order for ``spec`` on these shapes, found once (greedy)."""
    return np.einsum_path(spec, *(np.empty(s) for s in shapes), optimize="greedy")[0]


def _forward(gen: Generator, xp, planned: bool = True):
    """``xp.einsum`` of the wires and the constants; numpy's in an order found once per
    shape (``planned``), JAX's in its own (it plans once per trace, and reads no numpy path)."""
    spec, names = gen.data
    consts = [None if n is None else CONSTANTS[n] for n in names]

    def run(*wires):
        it = iter(wires)
        arrays = [next(it) if c is None else c for c in consts]
        if len(arrays) < 3 or not planned:
            return xp.einsum(spec, *arrays)
        return xp.einsum(spec, *arrays, optimize=_path(spec, tuple(a.shape for a in arrays)))
    return run


def _reverse(gen: Generator):
    """``R[einsum]``: for each wire operand, the contraction of the others with ``dy``."""
    spec, names = gen.data
    subs, out = _parse(spec)

    def rev(*args):
        k = len(gen.dom)
        xs, dy = args[:k], args[k]
        it = iter(xs)
        operands = [next(it) if n is None else n for n in names]
        grads = []
        for i, (sub, name) in enumerate(zip(subs, names)):
            if name is not None:
                continue
            others = [(s, op) for j, (s, op) in enumerate(zip(subs, operands)) if j != i]
            grads.append(_contract(others + [(out, dy)], sub))
        return tuple(grads)
    return rev


def _contract(pairs, out: str):
    """Trace ``einsum`` on (subscript, operand) pairs whose subscripts carry the batch index."""
    subs = [s.replace(BATCH, "") for s, _ in pairs]
    missing = set(out.replace(BATCH, "")) - set("".join(subs))
    if missing:
        raise ValueError(f"einsum: index {''.join(sorted(missing))} of an operand meets no other "
                         "operand, so its reverse derivative is not a contraction")
    spec = ",".join(subs) + "->" + out.replace(BATCH, "")
    types = [op if isinstance(op, str) else op.type for _, op in pairs]
    gen = einsum_gen(spec, types, batched=BATCH in out)
    return gen(*(op for _, op in pairs if not isinstance(op, str)))


smooth.backend.register("einsum", Rule(_forward, _reverse, kernels={
    "jax": lambda g, xp: _forward(g, xp, planned=False)}, example=lambda: einsum_gen(
    "ab,b,bcd->acd", [Real((3, 2), False), Real((2,)), "cmul"])))


# -- sin and cos -----------------------------------------------------------------


def _pointwise(name: str, w: Real) -> Generator:
    return Generator(name, Ty(w), Ty(w))


def sin(w: Real) -> Generator:
    """``sin : R^shape -> R^shape``."""
    return _pointwise("sin", w)


def cos(w: Real) -> Generator:
    """``cos : R^shape -> R^shape``."""
    return _pointwise("cos", w)


def _sympy(name: str):
    """The elementwise sympy function ``name`` on object arrays (sympy imported on use)."""
    def factory(gen, xp):
        import sympy
        ufunc = np.frompyfunc(getattr(sympy, name), 1, 1)
        return lambda x: np.asarray(ufunc(x), dtype=object)
    return factory


smooth.backend.register("sin", Rule(
    lambda g, xp: xp.sin, lambda g: lambda x, dy: dy * cos(x.type)(x),
    (lambda g, xp: lambda x, y, dy: dy * xp.cos(x),), kernels={"sympy": _sympy("sin")},
    example=lambda: sin(Real((3,)))))
smooth.backend.register("cos", Rule(
    lambda g, xp: xp.cos, lambda g: lambda x, dy: -(dy * sin(x.type)(x)),
    (lambda g, xp: lambda x, y, dy: -dy * xp.sin(x),), kernels={"sympy": _sympy("cos")},
    example=lambda: cos(Real((3,)))))
