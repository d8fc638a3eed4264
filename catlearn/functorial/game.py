"""The alternating game as two supervised lenses (one per player), run in turns.

A phase gathers :class:`~catlearn.functorial.losses.Term`\\ s that train one parameter
object ``P`` while another, ``Q``, stays frozen.  Its model is the terms' models side by
side, ``P`` copied into each (``Para(P; X_1 @ ... -> Y_1 @ ...)``); its loss is the sum
of the terms' losses, ``Para(Q @ T_1 @ ...; Y_1 @ ... -> L)``.  catlearn's
:func:`~catlearn.learning.supervised` closes them into the supervised learning lens

    ``(R(model) ; R(loss) ; alpha).reparam(id_(Q @ T) @ U)``

whose ``put`` is one training step.  The two players differ only in *which port* holds
the other one:

* **generators**: ``P`` = the architecture's parameters; the discriminators' ``Q`` sits in
  the *label* port of the loss (with the target 1, "real"), closed by the identity lens:
  the backward pass computes a cotangent for it and the lens throws it away;
* **discriminators**: ``P`` = the discriminators' parameters; the generators' parameters
  enter through the *input* port of the fake terms (``D(G(x))`` with ``G`` data to ``D``),
  whose cotangent the compiled step prunes.

Alternating the two ``put``\\ s is the usual GAN step; the cycle losses are terms of the
generators' phase.

>>> import numpy as np
>>> from catlearn import layers, smooth
>>> from catlearn.learning import optim
>>> from catlearn.functorial.architecture import Architecture
>>> from catlearn.functorial.losses import cycle_term
>>> from catlearn.functorial.schema import cycle_schema
>>> s = cycle_schema()
>>> arch = Architecture(s, {"A": smooth.real(2), "B": smooth.real(2)},
...                     {"f": layers.linear(2, 2), "g": layers.linear(2, 2)})
>>> phase = Phase([cycle_term(arch, e, Ty()) for e in s.equations], arch.param, Ty(),
...               optim.sgd(0.1))
>>> phase.learner.lens.cod, phase.learner.lens.dom
(Ty(), Ty(P^2x2, P^2x2, R^2, R^2))
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Callable, Mapping

import numpy as np

from catlearn.core import Ty, trace, wires
from catlearn.learning import optim, supervised
from catlearn.para import Para
from catlearn.functorial.architecture import Architecture
from catlearn.functorial.losses import (Discriminators, Term, cycle_term, discriminator_terms,
                                        generator_terms)


@dataclass(frozen=True, eq=False)
class Phase:
    """The terms training ``param`` with ``frozen`` fixed, closed by ``optimizer``."""

    terms: list
    param: Ty
    frozen: Ty
    optimizer: optim.Optimizer

    @functools.cached_property
    def model(self) -> Para:
        """``Para(P; X_1 @ ... -> Y_1 @ ...)``, one copy of ``P`` per term."""
        n, doms = len(self.param), [t.model.dom for t in self.terms]
        backend = self.terms[0].model.backend

        def run(*v):
            p, x, out = v[:n], v[n:], []
            for term, dom in zip(self.terms, doms):
                out += wires(term.model.f(*p, *x[:len(dom)]))
                x = x[len(dom):]
            return tuple(out)
        return Para(self.param, trace(self.param @ Ty(*(w for d in doms for w in d)), run, backend))

    @functools.cached_property
    def loss(self) -> Para:
        """``Para(Q @ T_1 @ ...; Y_1 @ ... -> L)``: the weighted sum of the terms' losses."""
        q = len(self.frozen)
        targets = [t.loss.param[q:] for t in self.terms]
        label = self.frozen @ Ty(*(w for ts in targets for w in ts))
        ys = [t.loss.dom for t in self.terms]

        def run(*v):
            frozen, rest = v[:q], v[q:]
            ts, ys_ = rest[:len(label) - q], rest[len(label) - q:]
            total = None
            for term, tt, yy in zip(self.terms, targets, ys):
                value = wires(term.loss.f(*frozen, *ts[:len(tt)], *ys_[:len(yy)]))[0]
                value = value if term.weight == 1.0 else term.weight * value
                total = value if total is None else total + value
                ts, ys_ = ts[len(tt):], ys_[len(yy):]
            return total
        return Para(label, trace(label @ Ty(*(w for y in ys for w in y)), run,
                                 self.terms[0].model.backend))

    @functools.cached_property
    def learner(self):
        """The supervised learning lens of this phase (``catlearn.learning.supervised``)."""
        return supervised(self.model, self.loss, self.optimizer)

    def labels(self, frozen: tuple, batch: int) -> tuple:
        """``Q`` then each term's constant targets, as arrays for a batch."""
        return (*frozen, *(np.full((batch, 1), t) for term in self.terms for t in term.targets))

    def inputs(self, other: tuple, samples: Mapping) -> tuple:
        """Each term's inputs: the other player's parameters if it reads them, then samples."""
        out = []
        for term in self.terms:
            out += [*(other if term.reads_frozen else ()), *(samples[a] for a in term.inputs)]
        return tuple(out)


def array_sampler(x: np.ndarray) -> Callable:
    """Draw ``n`` rows of ``x`` uniformly (with replacement)."""
    x = np.asarray(x, dtype=float)
    return lambda rng, n: x[rng.integers(0, len(x), n)]


def uniform_sampler(dim: int) -> Callable:
    """Latent codes uniform in ``[0, 1]^dim``: the prior at a latent object."""
    return lambda rng, n: rng.uniform(0.0, 1.0, (n, dim))


@dataclass
class GameHistory:
    """Per step: the generators' and the discriminators' objective."""

    generators: list = field(default_factory=list)
    discriminators: list = field(default_factory=list)


@dataclass(frozen=True, eq=False)
class Game:
    """Learning a functor: cycle losses from the equations, adversarial losses from ``discs``.

    ``cycle_weight = 0`` drops the cycle losses (the baseline "without cycles");
    ``discs = None`` trains by the cycle losses alone.
    """

    arch: Architecture
    discs: Discriminators | None = None
    cycle_weight: float = 10.0
    lr: float = 2e-3
    d_lr: float = 2e-3

    @functools.cached_property
    def generators(self) -> Phase:
        frozen = self.discs.param if self.discs else Ty()
        terms = ([cycle_term(self.arch, e, frozen, self.cycle_weight)
                  for e in self.arch.schema.equations] if self.cycle_weight else [])
        terms += generator_terms(self.arch, self.discs) if self.discs else []
        if not terms:
            raise ValueError("a game without cycle losses needs discriminators")
        return Phase(terms, self.arch.param, frozen, optim.adam(self.lr))

    @functools.cached_property
    def discriminators(self) -> Phase | None:
        if not self.discs:
            return None
        return Phase(discriminator_terms(self.arch, self.discs), self.discs.param, Ty(),
                     optim.adam(self.d_lr))

    def train(self, samplers: Mapping, steps: int, batch: int = 32, seed: int = 0,
              params: tuple | None = None, d_params: tuple | None = None):
        """``steps`` alternating steps; returns ``(params, d_params, history)``.

        ``samplers``: atom -> ``(rng, n) -> array``, one per atom the terms read.
        """
        rng = np.random.default_rng(seed)
        params = self.arch.init(seed) if params is None else tuple(params)
        d_params = (self.discs.init(seed + 100) if self.discs else ()) if d_params is None \
            else tuple(d_params)
        gen, dis = self.generators, self.discriminators
        g_state = gen.optimizer.init(gen.param)
        d_state = dis.optimizer.init(dis.param) if dis else ()
        history, ns, np_ = GameHistory(), len(g_state), len(params)
        needed = {a for ph in (gen, dis) if ph for t in ph.terms for a in t.inputs}
        for _ in range(steps):
            samples = {a: samplers[a](rng, batch) for a in needed}
            out = gen.learner.step(*params, *g_state, *gen.inputs((), samples),
                                   *gen.labels(d_params, batch))
            params, g_state = tuple(out[:np_]), tuple(out[np_:ns + np_])
            history.generators.append(float(out[ns + np_]))
            if dis:
                m, k = len(d_state), len(d_params)
                out = dis.learner.step(*d_params, *d_state, *dis.inputs(params, samples),
                                       *dis.labels((), batch))
                d_params, d_state = tuple(out[:k]), tuple(out[k:m + k])
                history.discriminators.append(float(out[m + k]))
        return params, d_params, history
