"""The functor from diagrams to a backend, as one linear pass over the layers.

``interpret(diagram, backend)`` walks ``diagram.inside`` once, keeping the
list of current wires as traced registers of a catlearn map: copies,
discards and swaps only rename registers, a merge is the backend's
addition, a parameter box is a parameter wire found by name, and every
other box splices in its meaning (:mod:`catlearn.diagrams.meaning`).  No
recursion: a 5,000-box chain interprets like a 5-box one.  The result, a
:class:`Model`, is cached per diagram and backend.

It is a functor (``tests/test_diagrams.py`` checks it pointwise on random
diagrams): ``interpret(f >> g) = interpret(f) ; interpret(g)``,
``interpret(f @ g) = interpret(f) @ interpret(g)``, identities, copies and
discards go to the backend's, parameters being merged by name.

>>> import numpy as np
>>> from catlearn import smooth
>>> from catlearn.diagrams import signature as sig, builtin
>>> model = interpret(builtin.dense_diagram(2, 1, "sigmoid", "d"), smooth.backend)
>>> model
Model(d.W: P^1x2, d.b: P^1; R^2 -> R^1)
>>> params = {"d.W": np.array([[1.0, -1.0]]), "d.b": np.array([0.0])}
>>> model(np.array([[2.0, 2.0]]), params=params)[0].tolist()
[[0.5]]
"""

from __future__ import annotations

import functools
import weakref
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from discopy import markov

from catlearn import display
from catlearn.core import Map, Ty, trace, wires
from catlearn.diagrams import signature as sig
from catlearn.diagrams.meaning import InterpretError, semantics
from catlearn.diagrams.wiring import placed_boxes
from catlearn.para import Para, Parametrised


@dataclass(frozen=True, eq=False)
class Model(Parametrised):
    """A diagram read in a backend: the named :class:`~catlearn.para.Para`
    ``(P_1 @ ... @ P_k, map : P_1 @ ... @ P_k @ A -> B)``, parameters by name.

    ``params`` lists ``(name, wire type)`` in the order of the map's first
    ``k`` input wires (the order in which the diagram first uses them).
    """

    para: Para

    @property
    def map(self) -> Map:
        return self.para.f

    @property
    def param_names(self) -> tuple[str, ...]:
        return self.para.names

    @property
    def param_type(self) -> Ty:
        """``P_1 @ ... @ P_k``."""
        return self.para.param

    def __repr__(self) -> str:
        return "Model" + repr(self.para)[len("Para"):]

    def __str__(self) -> str:
        """A table of the layers and their parameters (see :func:`catlearn.display.summary`)."""
        return display.summary(self.para)

    def bind(self, values: Mapping) -> tuple:
        """The parameter arrays in the map's order, each checked against its wire.

        Raises ``KeyError`` for a missing or unknown name and ``ValueError``
        for a mis-shaped value, naming the parameter and what it expects.
        """
        unknown = sorted(set(values) - set(self.param_names))
        if unknown:
            raise KeyError(f"unknown parameter(s) {unknown}; this model's parameters are "
                           f"{list(self.param_names)}")
        arrays = []
        for name, wire in self.params:
            if name not in values:
                raise KeyError(f"parameter {name!r} ({wire!r}, shape "
                               f"{getattr(wire, 'shape', '(words,)')}) has no value")
            arrays.append(self.backend.check(wire, values[name], f"parameter {name!r}"))
        return tuple(arrays)

    def __call__(self, *inputs, params: Mapping | None = None) -> tuple:
        """Run on data arrays, with parameter values by name."""
        return self.map(*self.bind(params or {}), *inputs)

    def init(self, seed: int = 0) -> dict:
        """Random parameter values: normal with variance ``1 / fan_in`` for matrices, zero vectors.

        >>> from catlearn import smooth
        >>> from catlearn.diagrams import builtin
        >>> m = interpret(builtin.mlp_diagram([3, 2]), smooth.backend)
        >>> {k: v.shape for k, v in m.init().items()}
        {'layer1.W': (2, 3), 'layer1.b': (2,)}
        """
        rng = np.random.default_rng(seed)
        values = {}
        for name, wire in self.params:
            shape = getattr(wire, "shape", None)
            if shape is None:
                raise ValueError(f"parameter {name!r} of type {wire!r} has no random "
                                 "initialisation; give its value")
            fan_in = shape[-1] if len(shape) > 1 else 0
            values[name] = rng.normal(size=shape) / np.sqrt(fan_in) if fan_in else \
                np.zeros(shape)
        return values


def bind(model: Model, values: Mapping) -> tuple:
    """``model.bind(values)``: parameter arrays by name, in the map's order."""
    return model.bind(values)


# -- the linear pass -----------------------------------------------------------------------

_CACHE: dict = {}


def interpret(diagram: markov.Diagram, backend) -> Model:
    """The diagram as a :class:`Model` of ``backend`` (cached per diagram and backend).

    >>> from catlearn import z2
    >>> interpret(sig.and_() >> sig.not_(), z2.backend).map
    Map(Z2 @ Z2 -> Z2: and ; not)
    """
    key = (id(diagram), id(backend))
    model = _CACHE.get(key)
    if model is None:
        model = _interpret(diagram, semantics(backend))
        _CACHE[key] = model
        weakref.finalize(diagram, _CACHE.pop, key, None)
    return model


def _interpret(diagram, sem) -> Model:
    params, meanings = _scan(diagram, sem)
    try:
        dom = Ty(*params.values()) @ sem.wires(diagram.dom)
    except InterpretError as error:
        raise InterpretError(f"backend {sem.backend} cannot interpret the diagram's "
                             f"inputs {diagram.dom}: {error}") from None
    k = len(params)

    def run(*xs):
        return _fold(diagram, meanings, dict(zip(params, xs[:k])), list(xs[k:]))
    return Model(Para.named(params.items(), trace(dom, run, sem.backend)))


def _scan(diagram, sem) -> tuple[dict, dict]:
    """Parameter names and wire types (in order of first use, one type per name) and
    the meaning of every generator box, by box identity.

    Reading every meaning first reports a box the backend cannot interpret
    by name before any of its wires.
    """
    params: dict = {}
    meanings: dict = {}
    for layer in diagram.inside:
        for box in layer.boxes:
            if isinstance(box, sig.Param):
                wire = _param_wire(box, sem)
                if params.setdefault(box.name, wire) != wire:
                    raise TypeError(f"parameter {box.name!r} is used with two types: "
                                    f"{params[box.name]!r} and {wire!r}")
                meanings[id(box)] = _parameter
            elif type(box) in _STRUCTURAL:
                meanings[id(box)] = _STRUCTURAL[type(box)](box, sem)
            elif id(box) not in meanings:
                meanings[id(box)] = _generator(sem.meaning(box))
    return params, meanings


def _param_wire(box, sem):
    try:
        return sem.wire_of(box.cod.inside[0])
    except InterpretError as error:
        raise InterpretError(f"backend {sem.backend} cannot interpret parameter "
                             f"{box.name!r}: {error}") from None


def _fold(diagram, meanings: dict, params: dict, current: list) -> tuple:
    """One pass over the boxes; ``current`` holds the traced wires between them."""
    for box, offset in placed_boxes(diagram):
        n = len(box.dom)
        current[offset:offset + n] = meanings[id(box)](box, current[offset:offset + n], params)
    return tuple(current)


def _parameter(box, args, params):
    return [params[box.name]]


def _generator(meaning: Map):
    """Apply a generator's meaning to traced wires."""
    op = meaning.ops[0] if len(meaning.ops) == 1 else None
    if op is not None and op.ins == meaning.inputs and op.outs == meaning.outputs:
        gen = op.gen  # one generator: apply it, no map to splice
        return lambda box, args, params: list(wires(gen(*args)))
    return lambda box, args, params: list(wires(meaning(*args)))


def _merge(box, sem):
    if len(box.dom) == 0:
        zero = sem.backend.zero(sem.wire_of(box.cod.inside[0]))
        return lambda box, args, params: [zero()]
    return lambda box, args, params: [functools.reduce(lambda u, v: u + v, args)]


_STRUCTURAL = {  # the wiring of a Markov category is register renaming
    markov.Swap: lambda box, sem: lambda box, args, params: (
        args[len(box.left):] + args[:len(box.left)]),
    markov.Copy: lambda box, sem: lambda box, args, params: args * len(box.cod),
    markov.Discard: lambda box, sem: lambda box, args, params: [],
    markov.Merge: _merge,
}
