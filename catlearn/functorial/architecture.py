"""Architectures: functors ``Free(schema) -> Para(Smooth)`` (Gavranović, ch. 4).

An architecture sends each atomic object to wire types (a product ``O * Z`` to the
tensor of its atoms' wires) and each generator to a :class:`~catlearn.Para` of the
matching type.  A path is sent to the composite of its generators' ``Para``\\ s.  All
interpretations share one parameter object ``P = P_g1 @ ... @ P_gn`` (the generators'
parameters, in schema order): a path is reparametrised from ``P`` by pure wiring, which
*copies* the block of a generator used twice and *discards* the blocks of generators it
does not use.  Copying is what sharing means in Para: the reverse derivative of a copy
adds, so a shared generator's gradient is the sum over its occurrences.

Laws (``tests/test_functorial.py``): ``F(p >> q)(P, x) == F(q)(P, F(p)(P, x))``
(functoriality up to the copy of ``P``), ``F(id_A)`` is the identity.

>>> import numpy as np
>>> from catlearn import layers, smooth
>>> from catlearn.functorial.schema import cycle_schema
>>> schema = cycle_schema()
>>> arch = Architecture(schema, {"A": smooth.real(2), "B": smooth.real(2)},
...                     {"f": layers.dense(2, 2), "g": layers.dense(2, 2)})
>>> arch.param
Ty(P^2x2, P^2, P^2x2, P^2)
>>> F = arch.interpret(schema.equations[0].lhs)
>>> F
Para(P^2x2 @ P^2 @ P^2x2 @ P^2; R^2 -> R^2)
>>> params = arch.init(seed=0)
>>> x = np.array([[1.0, 2.0]])
>>> f, g = schema.generators
>>> np.allclose(F(*params, x)[0], arch.interpret(g)(*params, *arch.interpret(f)(*params, x))[0])
True
>>> Architecture(schema, {"A": smooth.real(2), "B": smooth.real(3)},
...              {"f": layers.dense(2, 2), "g": layers.dense(3, 2)})
Traceback (most recent call last):
...
TypeError: generator f : A -> B is assigned a Para with codomain Ty(R^2), but B is Ty(R^3)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping

from catlearn import layers
from catlearn.core import Map, Ty
from catlearn.para import Para
from catlearn.functorial.schema import Arrow, Ob, Path, Schema


@dataclass(frozen=True, eq=False)
class Architecture:
    """A functor ``Free(schema) -> Para``: wire types per atom, a ``Para`` per generator.

    ``types``: atom name -> a wire type (or a :class:`Ty` of wires); ``paras``: generator
    name -> ``Para`` with domain and codomain the types of the generator's objects;
    ``inits``: generator name -> ``seed -> arrays``, for Paras ``layers.init`` cannot read.
    """

    schema: Schema
    types: Mapping
    paras: Mapping
    inits: Mapping = field(default_factory=dict)

    def __post_init__(self):
        missing = [a for a in self.schema.atoms if a not in self.types]
        if missing:
            raise ValueError(f"the architecture gives no wire type to the objects {missing}")
        for g in self.schema.generators:
            if g.name not in self.paras:
                raise ValueError(f"the architecture assigns no Para to the generator {g!r}")
            para = self.paras[g.name]
            for side, ob, ty in (("domain", g.dom, para.dom), ("codomain", g.cod, para.cod)):
                if ty != self.ob(ob):
                    raise TypeError(f"generator {g!r} is assigned a Para with {side} {ty!r}, "
                                    f"but {ob} is {self.ob(ob)!r}")
        extra = set(self.paras) - {g.name for g in self.schema.generators}
        if extra:
            raise ValueError(f"Paras given for {sorted(extra)}, which are not generators "
                             "of the schema")

    def ob(self, ob: Ob) -> Ty:
        """The wires of an object: the tensor of its atoms' wires."""
        return Ty(*(w for a in ob.atoms for w in _wires(self.types[a])))

    @property
    def backend(self):
        return self.paras[self.schema.generators[0].name].backend

    def block(self, arrow: Arrow) -> range:
        """The indices of ``arrow``'s parameter wires inside :attr:`param`."""
        start = 0
        for g in self.schema.generators:
            n = len(self.paras[g.name].param)
            if g == arrow:
                return range(start, start + n)
            start += n
        raise KeyError(f"{arrow!r} is not a generator of the schema")

    @property
    def param(self) -> Ty:
        """``P``: every generator's parameters, in schema order."""
        return Ty(*(w for g in self.schema.generators for w in self.paras[g.name].param))

    def interpret(self, path: Path | Arrow) -> Para:
        """``F(path)``: the composite ``Para``, reparametrised from the shared ``P``.

        Generators used twice read copies of the same parameter wires.
        """
        path = Path.of(path) if isinstance(path, Arrow) else path
        if not path.arrows:
            body = Para(Ty(), Map.id(self.ob(path.dom), self.backend))
        else:
            body = layers.chain(*(self.paras[a.name] for a in path.arrows))
        # chain reads the last generator's parameters first
        wiring = [i for a in reversed(path.arrows) for i in self.block(a)]
        return body.reparam(Map.wire(self.param, wiring, self.backend))

    __call__ = interpret

    def init(self, seed: int = 0) -> tuple:
        """Initial parameters: each generator's ``layers.init``, seeds ``seed, seed + 1, ...``."""
        return tuple(p for k, g in enumerate(self.schema.generators)
                     for p in self.inits.get(g.name, self._init(g.name))(seed + k))

    def _init(self, name: str):
        return lambda seed: layers.init(self.paras[name], seed=seed)

    def params_of(self, params, arrow: Arrow) -> tuple:
        """The arrays of ``arrow``'s own parameters inside the shared ``params``."""
        return tuple(params[i] for i in self.block(arrow))

    def __repr__(self) -> str:
        gens = ", ".join(f"{g.name} |-> {self.paras[g.name]!r}" for g in self.schema.generators)
        return f"Architecture({gens})"


def _wires(ty) -> tuple:
    return tuple(ty) if isinstance(ty, Ty) else (ty,)
