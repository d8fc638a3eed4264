"""Functorial learning II: schemas with equations, learned as functors (Gavranović).

* :mod:`~catlearn.functorial.schema`: finitely presented categories (objects, products,
  generators, paths, path equations) and their pictures (:mod:`~catlearn.functorial.schema_pictures`);
* :mod:`~catlearn.functorial.architecture`: functors ``Free(schema) -> Para`` with shared
  parameters;
* :mod:`~catlearn.functorial.losses`: cycle losses derived from equations, adversarial
  losses from discriminators;
* :mod:`~catlearn.functorial.game`: the alternating game, one supervised lens per phase;
* :mod:`~catlearn.functorial.data`, :mod:`~catlearn.functorial.experiments`: unpaired digit
  domains and the reproduction's measures.

>>> from catlearn.functorial import cycle_schema
>>> cycle_schema().equations[0]
Equation(g.f = id_A)
"""

from catlearn.functorial.architecture import Architecture
from catlearn.functorial.losses import Discriminators, Term, cycle_loss
from catlearn.functorial.schema import (Arrow, Equation, Ob, Path, Schema, cycle_schema,
                                        insertion_schema)
from catlearn.functorial.game import Game, Phase

__all__ = ["Architecture", "Discriminators", "Term", "cycle_loss", "Arrow", "Equation", "Ob",
           "Path", "Schema", "cycle_schema", "insertion_schema", "Game", "Phase"]
