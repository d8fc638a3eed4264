"""String diagrams: models written once, interpreted by functors in every backend.

A model is a ``discopy.markov`` diagram over the signature of
:mod:`catlearn.diagrams.signature`, whose boxes are the backends' generators
(:func:`box`), built with :func:`trace` (catlearn's own tracer, laid out by
:func:`layout`) or the model builders of :mod:`~.builtin`; :func:`interpret` is
the functor to a backend (Smooth, Z2 or Symbolic; :func:`functor` is the same in DisCoPy's form),
:func:`reverse` the functor sending a diagram to the diagram of its reverse
derivative, and :func:`draw`, :func:`draw_lens`, :func:`draw_para` draw
diagrams, lenses and parametrised maps (:func:`draw` also draws a catlearn
``Map``, ``Lens``, ``Para`` or :class:`Model`, laid out by :mod:`catlearn.display`).

Module names: ``interpret``, ``reverse`` and ``functor`` are also the names
of the functions exported here; import the modules' other names with
``from catlearn.diagrams.reverse import optic``.

>>> import numpy as np
>>> from catlearn import smooth, z2
>>> circuit = xor() >> not_()
>>> interpret(circuit, z2.backend).map
Map(Z2 @ Z2 -> Z2: xor ; not)
>>> interpret(circuit, smooth.backend)(np.array([1.0]), np.array([1.0]))[0].tolist()
[1.0]
"""

from catlearn.diagrams.signature import (
    BIT, GATES, Box, Param, Spec, add, and_, atom_of, batch_sum, bias, bits, box, constant, exp,
    expand, gate, linear, linear_t, log, mul, nand, neg, nor, not_, one, or_, outer, param,
    param_type, real, reciprocal, relu, scale, shift, sigmoid, softmax, spread, sqrt, step,
    sum_, tanh, wire_type, xnor, xor, zero, zero_gate, zero_like)
from catlearn.diagrams.wiring import Wire, Writer, chain, layout, trace
from catlearn.diagrams.meaning import InterpretError, Semantics, register, semantics
from catlearn.diagrams.interpret import Model, bind, interpret
from catlearn.diagrams.builtin import adder_diagram, dense_diagram, from_netlist, mlp_diagram
from catlearn.diagrams.functor import ParaMap, functor
from catlearn.diagrams.reverse import optic, reverse
from catlearn.diagrams.drawing import Picture, draw, draw_lens, draw_para, draw_reverse

__all__ = [
    "BIT", "GATES", "Box", "Param", "Spec", "add", "and_", "atom_of", "batch_sum", "bias",
    "bits", "box", "constant", "exp", "expand", "gate", "linear", "linear_t", "log", "mul", "nand",
    "neg", "nor", "not_", "one", "or_", "outer", "param", "param_type", "real", "reciprocal",
    "relu", "scale", "shift", "sigmoid", "softmax", "spread", "sqrt", "step", "sum_", "tanh",
    "wire_type", "xnor", "xor", "zero", "zero_gate", "zero_like",
    "Wire", "Writer", "chain", "layout", "trace",
    "InterpretError", "Semantics", "register", "semantics",
    "Model", "bind", "interpret",
    "adder_diagram", "dense_diagram", "from_netlist", "mlp_diagram",
    "ParaMap", "functor", "optic", "reverse",
    "Picture", "draw", "draw_lens", "draw_para", "draw_reverse",
]
