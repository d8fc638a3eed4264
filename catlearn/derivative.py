"""The reverse derivative ``R``, the forward derivative ``D`` and the dagger.

``R(f) : A @ B -> A`` is built once, for every backend, by the chain rule:
replay ``f``'s program, then walk it backwards, applying each generator's
reverse derivative to the cotangent of its outputs and summing (with the
backend's ``+``) the cotangents of registers used more than once.  Copies
become sums and discards zeros for free, because wiring has no operations.
The result is again a map of the same category, so ``R(R(f))`` exists.

The axioms of a cartesian reverse-derivative category (Cockett et al.,
arXiv 1910.07065, Def. 13) hold; ``tests/test_laws.py`` checks RD.1-RD.7.

``D[f](a, v) = pi_1 R[R[f]]((a, 0), v)`` (Thm. 16) and the dagger of a map
linear in its input, ``f^dagger(b) = R[f](0, b)``, are derived from ``R``.

>>> from catlearn import smooth, R, D
>>> import numpy as np
>>> x, v = np.array([[2.0]]), np.array([[1.0]])
>>> R(smooth.exp(1))(x, v)[0].round(4).tolist()
[[7.3891]]
>>> D(smooth.exp(1))(x, v)[0].round(4).tolist()
[[7.3891]]
"""

from __future__ import annotations

import dataclasses
import functools

from catlearn.backend import PASS
from catlearn.core import Map, Rev, Ty, Var, _Builder, trace, wires


def R(f):
    """The reverse derivative ``R[f] : dom @ cod -> dom`` of a map.

    Also accepts a :class:`~catlearn.para.Para` (giving ``Para(R)(f)``, a
    parametrised lens); ``Lens.R`` is the functor ``f |-> (f, R[f])``.
    """
    if not isinstance(f, Map):
        return f.R()
    builder, dys, outputs = _chain_rule(f)
    return Map(f.backend, f.dom @ f.cod, f.dom, tuple(builder.types), tuple(builder.ops),
               f.inputs + dys, outputs).prune()


def _chain_rule(f: Map):
    """The program of ``R[f]``: ``f`` replayed, then its operations reversed."""
    backend = f.backend
    builder = _Builder(backend, list(f.types), list(f.ops))
    dys = tuple(builder.fresh(w) for w in f.cod)
    cot: dict[int, Var] = {}

    def accumulate(reg: int, dx: Var) -> None:
        cot[reg] = cot[reg] + dx if reg in cot else dx

    for reg, dy in zip(f.outputs, dys):
        accumulate(reg, Var(builder, dy))
    for op in reversed(f.ops):
        if not any(r in cot for r in op.outs):
            continue
        xs = [Var(builder, r) for r in op.ins]
        ys = [Var(builder, r) for r in op.outs]
        douts = [cot[r] if r in cot else backend.zero_like(y.type)(y)
                 for r, y in zip(op.outs, ys)]
        for reg, dx in zip(op.ins, _reverse(backend, op.gen, xs, ys, douts)):
            accumulate(reg, dx)
    outputs = []
    for reg in f.inputs:
        x = Var(builder, reg)
        outputs.append(cot[reg] if reg in cot else backend.zero_like(x.type)(x))
    return builder, dys, tuple(v.reg for v in outputs)


def split(f: Map) -> tuple[Map, Map, Ty]:
    """``R[f]`` cut into an optic: ``fwd : A -> M @ B`` and ``bwd : M @ B -> A``.

    ``M`` (the residual) is exactly what the backward pass reads from the
    forward pass, so ``put`` never re-runs ``f``.
    """
    builder, dys, outputs = _chain_rule(f)
    ops = builder.ops
    backward, live, needed = [], set(outputs), set(dys)
    tainted = set(dys)
    for op in ops[len(f.ops):]:
        if any(r in tainted for r in op.ins):
            tainted.update(op.outs)
    for op in reversed(ops):
        if any(r in live for r in op.outs) and any(r in tainted for r in op.outs):
            backward.append(op)
            live.update(op.ins)
    backward.reverse()
    written = {r for op in backward for r in op.outs}
    residual = sorted(r for r in live | set(outputs) if r not in written and r not in needed)
    types = tuple(builder.types)
    res = Ty(*(types[r] for r in residual))
    fwd = Map(f.backend, f.dom, res @ f.cod, types, tuple(ops[:len(f.ops)]) + tuple(
        op for op in ops[len(f.ops):] if not any(r in tainted for r in op.outs)),
        f.inputs, tuple(residual) + f.outputs).prune()
    bwd = Map(f.backend, res @ f.cod, f.dom, types, tuple(backward),
              tuple(residual) + dys, outputs)
    return fwd, bwd, res


@functools.lru_cache(maxsize=None)
def traced(backend):
    """``backend`` with its traced reverse rules only: no fused kernels.

    ``R`` of its maps is written with generators of the table alone (no
    :class:`~catlearn.core.Rev`), which is what a diagram of the reverse
    derivative draws.
    """
    return dataclasses.replace(backend, fused=False) if backend.fused else backend


def rule_program(f: Map) -> Map:
    """``R[f] : dom @ cod -> dom`` by the traced rules, ``f``'s own registers kept.

    The program of ``R(f.to(traced(backend)))`` with one difference: register
    numbers of ``f`` (its inputs and outputs) name the same values in it, and a
    rule that recomputes an operation of ``f`` reads ``f``'s result instead
    (:func:`~catlearn.core.share`).  :func:`catlearn.diagrams.reverse.optic`
    cuts it at ``f``'s inputs and outputs.

    >>> from catlearn import smooth
    >>> rule_program(smooth.sigmoid(1))
    Map(R^1 @ R^1 -> R^1: sigmoid ; mul ; neg ; shift(1.0) ; mul)
    """
    f = f.to(traced(f.backend))
    builder, dys, outputs = _chain_rule(f)
    outputs = _write_out(builder, outputs)
    return Map(f.backend, f.dom @ f.cod, f.dom, tuple(builder.types), tuple(builder.ops),
               f.inputs + dys, outputs).share().prune()


def _write_out(builder: _Builder, outputs: tuple, depth: int = 8) -> tuple:
    """Replace in place every fused reverse ``R_i[g]`` of the program by :func:`unfused`.

    (A rule may differentiate a map of a fused backend, as ``R(expanded(g))``.)
    Registers keep their numbers; a written-out operation's results are renamed.
    """
    for _ in range(depth):
        if not any(isinstance(op.gen, Rev) for op in builder.ops):
            return outputs
        ops, builder.ops, rename = builder.ops, [], {}
        for op in ops:
            ins = tuple(rename.get(r, r) for r in op.ins)
            if isinstance(op.gen, Rev):
                got = wires(unfused(op.gen, builder.backend)(*(Var(builder, r) for r in ins)))
                rename.update(zip(op.outs, (v.reg for v in got)))
            else:
                builder.ops.append(type(op)(op.gen, ins, op.outs))
        outputs = tuple(rename.get(r, r) for r in outputs)
    raise RecursionError(f"fused reverses still nested {depth} deep in {builder.ops[:3]}...")


def _reverse(backend, gen, xs, ys, douts) -> tuple[Var, ...]:
    """Cotangents of one operation's inputs: fused kernels or the rule's map."""
    if backend.has_vjp(gen):
        dom = gen.dom @ gen.cod @ gen.cod
        kernels = backend.rule(gen).vjp
        kernels = (PASS,) * len(gen.dom) if kernels == PASS else kernels
        return tuple(douts[0] if kernel == PASS
                     else Rev(f"R{i}[{gen.name}]", dom, Ty(w), (gen, i))(*xs, *ys, *douts)
                     for i, (w, kernel) in enumerate(zip(gen.dom, kernels)))
    if isinstance(gen, Rev):
        return wires(_reverse_of_fused(gen, backend)(*xs, *douts))
    return wires(backend.reverse(gen)(*xs, *douts))


def unfused(gen: Rev, backend) -> Map:
    """The traced map that the fused reverse ``gen = R_i[g]`` stands for, in ``backend``.

    ``R_i[g] : dom @ cod @ cod -> dom[i]`` reads ``g``'s inputs, outputs and
    output cotangents; its traced form runs ``g``'s reverse-derivative rule on
    the inputs and cotangents and keeps cotangent ``i`` (the outputs go unread).
    Differentiating it gives the second-order reverse; writing it out gives
    ``R_i[g]`` as plain generators (``catlearn.circuits.convert.lower``).

    >>> from catlearn import smooth, R
    >>> rev = R(smooth.exp(1)).ops[-1].gen
    >>> rev
    R0[exp]
    >>> unfused(rev, smooth.backend)
    Map(R^1 @ R^1 @ R^1 -> R^1: exp ; mul)
    """
    base, i = gen.data
    k, n = len(base.dom), len(base.cod)
    return trace(gen.dom, lambda *v: wires(backend.reverse(base)(*v[:k], *v[k + n:]))[i],
                 backend)


@functools.lru_cache(maxsize=None)
def _reverse_of_fused(gen: Rev, backend) -> Map:
    """``R[R_i[g]]``, built once per fused reverse and backend."""
    return R(unfused(gen, backend))


def D(f: Map) -> Map:
    """The forward derivative ``D[f] : A @ A -> B``, ``(a, v) |-> J_f(a) v``.

    Derived from ``R`` as in Cockett et al., Theorem 16.
    """
    k = len(f.dom)
    rr = R(R(f))

    def forward(*av):
        a, v = av[:k], av[k:]
        zeros = [f.backend.zero_like(y.type)(y) for y in wires(f(*a))]
        return wires(rr(*a, *zeros, *v))[k:]

    return trace(f.dom @ f.dom, forward, f.backend).prune()


def dagger(f: Map) -> Map:
    """The dagger ``f^dagger = R[f](0, -) : B -> A`` of a map linear in its input."""
    backend = f.backend
    rf = R(f)
    return trace(f.cod, lambda *b: rf(*backend.zeros(f.dom, b), *b), backend).prune()
