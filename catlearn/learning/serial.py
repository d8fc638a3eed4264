"""A model as data: a :class:`~catlearn.Para` written as JSON and read back.

A map of :mod:`catlearn.core` is a flat program of generators (a name, a type and
hashable static data) over numbered registers, so it is its own portable description:
no named specification is needed to rebuild it.  :func:`describe` writes the program
(backend name, register types, operations, inputs, outputs) with the generators and
wire types listed once each; :func:`rebuild` is its inverse.  Any model built from
generators round-trips: a perceptron, ``dense >> dense``, the CFGBL convolutional
model, a logic-gate network, a Z2 circuit.

Law: ``rebuild(describe(m))`` computes what ``m`` computes, with the same types.

>>> import json, numpy as np
>>> from catlearn import layers
>>> model = layers.dense(2, 3, "relu") >> layers.dense(3, 1)
>>> again = rebuild(json.loads(json.dumps(describe(model))))
>>> again
Para(P^1x3 @ P^1 @ P^3x2 @ P^3; R^2 -> R^1)
>>> params = layers.init(model, seed=0)
>>> x = np.ones((4, 2))
>>> bool(np.array_equal(again(*params, x)[0], model(*params, x)[0]))
True
"""

from __future__ import annotations

import dataclasses
import importlib

from catlearn import smooth, z2
from catlearn.core import Generator, Map, Op, Rev, Ty
from catlearn.errors import DataError
from catlearn.para import Para

BACKENDS = {b.name: b for b in (smooth.backend, z2.backend)}
GENERATORS = {"Generator": Generator, "Rev": Rev}
#: modules that register generators outside the backends' own tables, imported on demand
REGISTRARS = ("catlearn.layers", "catlearn.layers.logic_net", "catlearn.layers.logic_wiring",
              "catlearn.layers.logic_conv", "catlearn.layers.logic_conv_z2",
              "catlearn.layers.recurrent", "catlearn.learning.ops", "catlearn.learning.rda_models")
VERSION = 1


def describe(model: Para | Map) -> dict:
    """The JSON-able description of ``model`` (a ``Para`` over a map, or a map)."""
    para = model if isinstance(model, Para) else Para(Ty(), model)
    f = para.f
    if not isinstance(f, Map):
        raise TypeError(f"only a model over a map can be described, not over {type(f).__name__}"
                        f" ({para!r}); describe the model before turning it into a lens")
    if f.backend.name not in BACKENDS:
        raise TypeError(f"a model on backend {f.backend} cannot be saved; move it to one of "
                        f"{sorted(BACKENDS)} with .to(backend)")
    table = _Table()
    return {"version": VERSION, "backend": f.backend.name, "n_param": len(para.param),
            "names": None if para.names is None else list(para.names),
            "types": [table.wire(w) for w in f.types],
            "ops": [[table.gen(op.gen), list(op.ins), list(op.outs)] for op in f.ops],
            "inputs": list(f.inputs), "outputs": list(f.outputs),
            "wires": table.wires, "generators": table.gens}


def rebuild(description) -> Para:
    """The ``Para`` that :func:`describe` wrote; :class:`DataError` says what is wrong."""
    try:
        return _rebuild(description)
    except DataError:
        raise
    except (AttributeError, KeyError, IndexError, TypeError, ValueError) as error:
        raise DataError(f"not a description of a model ({type(error).__name__}: "
                        f"{error})") from None


def _rebuild(d) -> Para:
    if d.get("version") != VERSION:
        raise DataError(f"model description version {d.get('version')!r}; this catlearn "
                        f"reads version {VERSION}")
    backend = BACKENDS.get(d["backend"])
    if backend is None:
        raise DataError(f"unknown backend {d['backend']!r}; known: {sorted(BACKENDS)}")
    wires = [_wire(w) for w in d["wires"]]
    types = tuple(wires[i] for i in d["types"])
    gens: list = []
    for entry in d["generators"]:  # a nested generator is listed before its user
        gens.append(_generator(entry, wires, gens))
    _register(backend, gens)
    ops = tuple(Op(gens[g], tuple(ins), tuple(outs)) for g, ins, outs in d["ops"])
    for op in ops:
        if tuple(types[r] for r in op.ins) != tuple(op.gen.dom) or \
                tuple(types[r] for r in op.outs) != tuple(op.gen.cod):
            raise DataError(f"operation {op.gen!r} reads or writes registers of other types")
    inputs, outputs = tuple(d["inputs"]), tuple(d["outputs"])
    f = Map(backend, Ty(*(types[i] for i in inputs)), Ty(*(types[i] for i in outputs)),
            types, ops, inputs, outputs)
    names = d.get("names")
    return Para(f.dom[:int(d["n_param"])], f, None if names is None else tuple(names))


class _Table:
    """Wire types and generators, each listed once, referred to by position."""

    def __init__(self):
        self.wires, self.gens, self._w, self._g = [], [], {}, {}

    def wire(self, w) -> int:
        if w not in self._w:
            self._w[w] = len(self.wires)
            self.wires.append(_wire_json(w))
        return self._w[w]

    def gen(self, g: Generator) -> int:
        if g not in self._g:
            kind = type(g).__name__
            if kind not in GENERATORS:
                raise TypeError(f"generator {g!r} of class {kind} cannot be saved")
            entry = [kind, g.name, [self.wire(w) for w in g.dom],
                     [self.wire(w) for w in g.cod], self.data(g.data)]
            self._g[g] = len(self.gens)
            self.gens.append(entry)
        return self._g[g]

    def data(self, value):
        """Static data as JSON: tuples and nested generators tagged, scalars as they are."""
        if value is None or isinstance(value, (bool, int, float, str)):
            return value
        if isinstance(value, tuple):
            return {"tuple": [self.data(v) for v in value]}
        if isinstance(value, frozenset):
            return {"frozenset": [self.data(v) for v in sorted(value, key=repr)]}
        if isinstance(value, Generator):
            return {"generator": self.gen(value)}
        if isinstance(value, (smooth.Real, z2.Bit)):
            return {"wire": self.wire(value)}
        if dataclasses.is_dataclass(value) and _frozen_catlearn(type(value)):
            return {"dataclass": [f"{type(value).__module__}:{type(value).__qualname__}",
                                  {f.name: self.data(getattr(value, f.name))
                                   for f in dataclasses.fields(value)}]}
        raise TypeError(f"generator data {value!r} ({type(value).__name__}) cannot be saved")


def _wire_json(w) -> list:
    if isinstance(w, smooth.Real):
        return ["R", list(w.shape), w.batched]
    if isinstance(w, z2.Bit):
        return ["Z2"]
    raise TypeError(f"wire type {w!r} ({type(w).__name__}) cannot be saved")


def _wire(w):
    if w[0] == "R":
        return smooth.Real(tuple(int(n) for n in w[1]), bool(w[2]))
    if w == ["Z2"]:
        return z2.BIT
    raise DataError(f"unknown wire type {w!r}")


def _generator(entry, wires, gens) -> Generator:
    kind, name, dom, cod, data = entry
    return GENERATORS[kind](str(name), Ty(*(wires[i] for i in dom)),
                            Ty(*(wires[i] for i in cod)), _data(data, wires, gens))


def _data(value, wires, gens):
    if isinstance(value, dict):
        (tag, inner), = value.items()
        if tag == "tuple":
            return tuple(_data(v, wires, gens) for v in inner)
        if tag == "frozenset":
            return frozenset(_data(v, wires, gens) for v in inner)
        if tag == "wire":
            return wires[inner]
        if tag == "generator":
            return gens[inner]
        if tag == "dataclass":
            return _dataclass(inner, wires, gens)
        raise DataError(f"unknown generator data {value!r}")
    if isinstance(value, list):
        raise DataError(f"generator data {value!r}: a list, expected a tagged value")
    return value


def _frozen_catlearn(cls) -> bool:
    """Static data a file may name: a frozen dataclass defined in catlearn."""
    return cls.__module__.split(".")[0] == "catlearn" and cls.__dataclass_params__.frozen


def _dataclass(inner, wires, gens):
    """A frozen catlearn dataclass from ``["module:Name", {field: data}]``."""
    where, fields = inner
    module, _, name = str(where).partition(":")
    if module.split(".")[0] != "catlearn":
        raise DataError(f"generator data names {where!r}, which is not a catlearn class")
    try:
        cls = getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError):
        raise DataError(f"generator data names {where!r}, which does not exist") from None
    if not (dataclasses.is_dataclass(cls) and _frozen_catlearn(cls)):
        raise DataError(f"generator data names {where!r}, which is not a frozen dataclass")
    return cls(**{k: _data(v, wires, gens) for k, v in fields.items()})


def _register(backend, gens) -> None:
    """Import the modules that define generators until every name is known."""
    for module in REGISTRARS:
        if all(_base(g).name in backend.rules for g in gens):
            return
        importlib.import_module(module)
    unknown = sorted({_base(g).name for g in gens} - set(backend.rules))
    if unknown:
        raise DataError(f"the model uses generators {unknown} that backend {backend} does "
                        "not define: import the module that registers them first")


def _base(g: Generator) -> Generator:
    return g.data[0] if isinstance(g, Rev) else g
