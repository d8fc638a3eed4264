"""Losses read off a schema: cycle-consistency from equations, adversarial from discriminators.

A **cycle loss** is derived from a path equation ``lhs = rhs`` with domain ``X``: the
parametrised map ``(P; x) |-> mean 1/2 |F(lhs)(x) - F(rhs)(x)|^2`` (summed over the
wires of the codomain), with ``P`` copied into both sides.  Nothing is written by hand:
``g.f = id_A`` gives ``|g(f(a)) - a|^2`` on data at ``A``, ``delete.insert = id_(O*Z)``
gives ``|delete(o, z) - (o, z)|^2`` on pairs of data at ``O`` and codes at ``Z``.

An **adversarial loss** comes from a discriminator ``D_a : Q_a @ X_a -> R^1`` (a logit)
per atom ``a`` that has data: binary cross-entropy of ``D_a`` against a target, 1 for
"real".  It is a loss in CFGBL's sense, ``Para(label; prediction -> L)``, whose label is
*the discriminator's parameters and the target*: the generators are trained against a
discriminator that sits on the label port, where nothing updates it.

Every loss is a :class:`Term`: a model ``Para(P; X -> Y)`` and a loss
``Para(Q @ T; Y -> L)`` (``Q`` the frozen player's parameters, ``T`` the targets), ready
for :mod:`catlearn.functorial.game` to close into one supervised lens per phase.

>>> import numpy as np
>>> from catlearn import layers, smooth
>>> from catlearn.functorial.architecture import Architecture
>>> from catlearn.functorial.schema import cycle_schema
>>> arch = Architecture(cycle_schema(), {"A": smooth.real(2), "B": smooth.real(2)},
...                     {"f": layers.linear(2, 2), "g": layers.linear(2, 2)})
>>> cyc = cycle_loss(arch, arch.schema.equations[0])
>>> cyc
Para(P^2x2 @ P^2x2; R^2 -> P)
>>> swap = np.array([[0.0, 1.0], [1.0, 0.0]])
>>> x = np.array([[1.0, 2.0]])
>>> float(cyc(swap, swap, x)[0]), float(cyc(swap, 2 * swap, x)[0])
(0.0, 2.5)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

from catlearn import layers
from catlearn.core import Map, Ty, trace, wires
from catlearn.learning import loss as losses
from catlearn.para import Para
from catlearn.functorial.architecture import Architecture
from catlearn.functorial.schema import Arrow, Equation


@dataclass(frozen=True, eq=False)
class Term:
    """One summand of a phase's objective: ``loss(label, model(P, *inputs))``.

    ``inputs``: the atoms whose samples the model reads, after the frozen player's
    parameters when ``reads_frozen``; ``targets``: one constant per target wire of the
    loss's label (after the frozen parameters ``Q``, which every loss of a phase reads).
    """

    name: str
    model: Para
    loss: Para
    inputs: tuple[str, ...]
    targets: tuple[float, ...] = ()
    reads_frozen: bool = False
    weight: float = 1.0

    def __repr__(self) -> str:
        return f"Term({self.name}: {self.model!r} ; {self.loss!r})"


def both_sides(arch: Architecture, equation: Equation) -> Para:
    """``(P; x) |-> (F(lhs)(x), F(rhs)(x))``, one copy of ``P`` to each side."""
    lhs, rhs = arch.interpret(equation.lhs), arch.interpret(equation.rhs)
    n = len(arch.param)

    def run(*v):
        p, x = v[:n], v[n:]
        return (*wires(lhs.f(*p, *x)), *wires(rhs.f(*p, *x)))
    return Para(arch.param, trace(arch.param @ arch.ob(equation.dom), run, arch.backend))


def distance(ty: Ty, backend) -> Map:
    """``(u, v) |-> sum_w mean 1/2 |u_w - v_w|^2`` over the wires ``w`` of ``ty``."""
    n = len(ty)

    def run(*v):
        parts = [wires(losses.mse(w.shape).f(v[k], v[n + k]))[0] for k, w in enumerate(ty)]
        total = parts[0]
        for part in parts[1:]:
            total = total + part
        return total
    return trace(ty @ ty, run, backend)


def cycle_loss(arch: Architecture, equation: Equation) -> Para:
    """The cycle-consistency loss of ``equation``: ``Para(P; X -> L)`` (see the module)."""
    return both_sides(arch, equation) >> Para(Ty(), distance(arch.ob(equation.cod), arch.backend))


def cycle_term(arch: Architecture, equation: Equation, frozen: Ty, weight: float = 1.0) -> Term:
    """``equation``'s cycle loss as a :class:`Term` whose loss ignores the frozen label."""
    cod = arch.ob(equation.cod)
    dist = distance(cod, arch.backend)
    scaled = trace(frozen @ cod @ cod, lambda *v: weight * wires(dist(*v[len(frozen):]))[0],
                   arch.backend)
    return Term(f"cycle {equation.lhs!r} = {equation.rhs!r}", both_sides(arch, equation),
                Para(frozen, scaled), equation.dom.atoms)


@dataclass(frozen=True, eq=False)
class Discriminators:
    """A discriminator ``Para(Q_a; X_a -> R^1)`` (a logit: "real") per atom ``a`` with data.

    All of them share one parameter object ``Q``, the atoms' parameters in the given order.
    """

    paras: Mapping

    @property
    def atoms(self) -> tuple[str, ...]:
        return tuple(self.paras)

    @property
    def param(self) -> Ty:
        return Ty(*(w for a in self.paras for w in self.paras[a].param))

    def block(self, atom: str) -> range:
        start = 0
        for a, para in self.paras.items():
            if a == atom:
                return range(start, start + len(para.param))
            start += len(para.param)
        raise KeyError(f"no discriminator at {atom!r}; there are at {self.atoms}")

    def interpret(self, atom: str) -> Para:
        """``D_atom``, reparametrised from the shared ``Q``."""
        para = self.paras[atom]
        return para.reparam(Map.wire(self.param, list(self.block(atom)), para.backend))

    def init(self, seed: int = 0) -> tuple:
        return tuple(p for k, a in enumerate(self.paras)
                     for p in layers.init(self.paras[a], seed=seed + k))


def bce_on(disc: Para, frozen: Ty, disc_first: bool) -> Para:
    """``Para(frozen @ T; Y -> L)``: ``bce(t, D(q, y))``, ``q`` read from ``frozen`` when
    ``disc_first`` (the generators' phase), else ``y`` is already a logit."""
    bce = losses.binary_cross_entropy(1).f
    logit_ty = disc.cod
    y_ty = disc.dom if disc_first else logit_ty
    n = len(frozen)

    def run(*v):
        q, (t, *y) = v[:n], v[n:]
        logit = wires(disc.f(*q, *y))[0] if disc_first else y[0]
        return bce(t, logit)
    return Para(frozen @ logit_ty, trace(frozen @ logit_ty @ y_ty, run, disc.backend))


def component(arch: Architecture, arrow: Arrow, atom: str) -> Para:
    """``F(arrow)`` followed by the projection of its codomain onto the atom ``atom``."""
    para = arch.interpret(arrow)
    index = arrow.cod.atoms.index(atom)
    start = sum(len(arch.ob(type(arrow.cod)(a))) for a in arrow.cod.atoms[:index])
    stop = start + len(arch.ob(type(arrow.cod)(atom)))
    return para >> Para(Ty(), Map.wire(para.cod, range(start, stop), arch.backend))


def fakes(arch: Architecture, discs: Discriminators):
    """``(arrow, atom)`` for every generator and atom of its codomain with a discriminator."""
    return [(g, a) for g in arch.schema.generators for a in g.cod.atoms if a in discs.paras]


def generator_terms(arch: Architecture, discs: Discriminators, weight: float = 1.0) -> list:
    """Adversarial terms of the generators' phase: fool ``D_a`` on ``arrow``'s output (label 1)."""
    return [Term(f"adversarial {g.name} -> {a}", component(arch, g, a),
                 bce_on(discs.interpret(a), discs.param, True), g.dom.atoms, (1.0,),
                 weight=weight)
            for g, a in fakes(arch, discs)]


def discriminator_terms(arch: Architecture, discs: Discriminators) -> list:
    """Terms of the discriminators' phase: ``D_a`` says 1 on data at ``a``, 0 on fakes.

    A fake term's model reads the generators' parameters ``P`` as an input: the other
    player's parameters enter through the data port, whose cotangent is dropped.
    """
    terms = [Term(f"real {a}", discs.interpret(a), bce_on(discs.paras[a], Ty(), False),
                  (a,), (1.0,)) for a in discs.atoms]
    n = len(arch.param)
    for g, a in fakes(arch, discs):
        gen, disc = component(arch, g, a), discs.interpret(a)
        q = len(discs.param)

        def run(*v, gen=gen, disc=disc, q=q):
            return disc.f(*v[:q], *wires(gen.f(*v[q:q + n], *v[q + n:])))
        model = Para(discs.param, trace(discs.param @ arch.param @ gen.dom, run, arch.backend))
        terms.append(Term(f"fake {g.name} -> {a}", model, bce_on(discs.paras[a], Ty(), False),
                          g.dom.atoms, (0.0,), reads_frozen=True))
    return terms
