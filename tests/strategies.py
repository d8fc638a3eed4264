"""Hypothesis strategies: random composite maps of every backend, and points to run them on.

A random map is drawn as a *description* (:class:`Model`): input wires with
bounds on their entries, then layers.  A layer may add fresh parameter wires,
picks wires for each of its blocks (a wire taken twice is copied, a wire not
taken is discarded, the order of blocks swaps wires) and applies the tensor
of its blocks.  The description is read two ways:

* :meth:`Model.map`: a catlearn :class:`~catlearn.Map`, built with ``>>``,
  ``@``, ``Map.wire`` and the backend's constructors, as a user would;
* :meth:`Model.function`: a plain function on arrays written with
  ``autograd.numpy`` (Smooth only), the independent oracle of ``test_laws``.

Hypothesis draws the number of layers and a seed; the choices inside a layer
come from a numpy generator with that seed.  Drawing every choice through
hypothesis would let it shrink blocks one by one, but made the suite several
times slower (strategies are costly to build per choice) and it has a time
budget; shrinking the seed and the number of layers
still finds small failing models, and a failure prints the whole model.

Bounds (an interval per wire) are propagated so that every generator is met
where it is smooth and well-conditioned: ``exp`` only below 2, ``log`` and
``sqrt`` above 0.1, ``reciprocal`` above 0.2, ``relu`` only away from its kink,
weights in [-0.5, 0.5], every intermediate value within [-6, 6]: finite
differences stay accurate and float tolerances can be tight.

A :class:`Kit` bundles, per backend, the strategies and the arithmetic the
laws need (points, zeros, ``+``, inner product, equality).
"""

from __future__ import annotations

import dataclasses
import itertools
import math
from dataclasses import dataclass
from typing import Any, Callable

import autograd.numpy as anp
import numpy as np
import sympy
from hypothesis import strategies as st

from catlearn import Map, Para, smooth, symbolic, tensor, trace, z2
from catlearn.core import Ty

Real = smooth.Real
BOUND = 6.0  # no intermediate value leaves [-BOUND, BOUND]
SCALES = (-2.0, -1.5, -1.0, -0.5, -0.25, 0.25, 0.5, 0.75, 1.5, 2.0)  # exact in binary: sympy-safe
SHIFTS = (-1.0, -0.5, 0.5, 1.0, 2.0)
CONSTANTS = (-1.0, -0.5, 0.25, 0.5, 1.0)
WEIGHT = 0.5  # parameters are drawn in [-WEIGHT, WEIGHT]


# -- descriptions --------------------------------------------------------------


@dataclass(frozen=True)
class Wire:
    """A wire of a random map: its type and bounds ``lo <= x <= hi`` on its entries.

    ``const`` marks a wire computed from no input: its value has no batch axis
    (constants broadcast), so it must not meet a parameter or a sum (see
    ``test_laws.test_constant_meeting_a_parameter`` and
    ``test_laws.test_outputs_have_the_shapes_of_the_codomain``).
    """

    type: Any
    lo: float = -1.0
    hi: float = 1.0
    const: bool = False

    def __repr__(self) -> str:
        if not isinstance(self.type, Real):
            return repr(self.type)
        shape = f"{self.type!r}{self.type.shape}" if len(self.type.shape) < 2 else repr(self.type)
        return f"{shape}[{self.lo:.3g},{self.hi:.3g}]{'c' if self.const else ''}"

    def _repr_pretty_(self, printer, cycle):
        printer.text(repr(self))


@dataclass(frozen=True)
class Block:
    """A generator (or a piece of wiring) applied to the wires ``ins`` of its layer."""

    kind: str
    ins: tuple
    data: Any = None

    def __repr__(self) -> str:
        data = "" if self.data is None else repr(self.data)
        return f"{self.kind}{data}{list(self.ins)}"


@dataclass(frozen=True)
class Layer:
    """Fresh parameter wires, then a tensor of blocks on (current wires @ fresh)."""

    fresh: tuple
    blocks: tuple


@dataclass(frozen=True)
class Model:
    """The description of a random composite map over ``backend`` ("smooth" or "z2")."""

    backend: str
    inputs: tuple
    layers: tuple

    @property
    def dom(self) -> tuple:
        """The wires of the map's domain: the inputs, then every layer's fresh parameters."""
        return self.inputs + tuple(w for layer in self.layers for w in layer.fresh)

    @property
    def cod(self) -> tuple:
        current = self.inputs
        for layer in self.layers:
            current = _layer_outputs(self.backend, current + layer.fresh, layer.blocks)
        return current

    def map(self, backend=None) -> Map:
        """The catlearn map, built with ``>>``, ``@`` and wiring (read in ``backend``)."""
        kinds, base = KINDS[self.backend], BACKENDS[self.backend]
        f = Map.id(_ty(self.inputs), base)
        current = self.inputs
        for layer in self.layers:
            avail = current + layer.fresh
            wiring = Map.wire(_ty(avail), [i for b in layer.blocks for i in b.ins], base)
            body = tensor(*(kinds[b.kind].build(b.data, tuple(avail[i].type for i in b.ins))
                            for b in layer.blocks))
            f = (f @ Map.id(_ty(layer.fresh), base)) >> wiring >> body
            current = _layer_outputs(self.backend, avail, layer.blocks)
        return f if backend is None else f.to(backend)

    def function(self) -> Callable:
        """The same composite as a function of ``autograd.numpy`` arrays (Smooth only)."""
        kinds = KINDS[self.backend]

        def run(*arrays):
            current, rest = list(arrays[:len(self.inputs)]), list(arrays[len(self.inputs):])
            for layer in self.layers:
                avail = current + rest[:len(layer.fresh)]
                rest = rest[len(layer.fresh):]
                current = [y for b in layer.blocks
                           for y in kinds[b.kind].oracle(b.data)(*(avail[i] for i in b.ins))]
            return tuple(current)
        return run

    def __repr__(self) -> str:
        layers = " ; ".join(f"+{list(layer.fresh)} {list(layer.blocks)}" if layer.fresh
                            else f"{list(layer.blocks)}" for layer in self.layers)
        return f"Model({list(self.inputs)} | {layers} -> {list(self.cod)})"

    def _repr_pretty_(self, printer, cycle):
        """Hypothesis prints a failing model with this compact repr."""
        printer.text(repr(self))


def _ty(wires) -> Ty:
    return Ty(*(w.type for w in wires))


def _layer_outputs(backend: str, avail: tuple, blocks: tuple) -> tuple:
    kinds = KINDS[backend]
    return tuple(w for b in blocks for w in kinds[b.kind].wires(b.data, [avail[i] for i in b.ins]))


# -- kinds of blocks ---------------------------------------------------------------


@dataclass(frozen=True)
class Kind:
    """How to draw, build, bound and mimic one kind of block.

    ``propose(avail, fresh_ok)`` lists admissible ``(ins, fresh, data)``
    triples (``ins``: the input indices, or a function of a :class:`Chooser`
    giving them; ``fresh``: new parameter wires the block brings, indexed
    after ``avail``; ``data``: None or a function of a Chooser giving the
    static data); ``build(data, in_types)`` is the catlearn map;
    ``wires(data, in_wires)`` the output wires with their bounds;
    ``oracle(data)`` the autograd.numpy function returning a tuple;
    ``linear``: the block is linear in its inputs (used for the dagger).
    """

    propose: Callable
    build: Callable
    wires: Callable
    oracle: Callable | None = None
    linear: bool = False


class Chooser:
    """Random choices for building a model, from a seed hypothesis drew."""

    def __init__(self, seed: int):
        self.rng = np.random.default_rng(seed)

    def pick(self, values):
        values = list(values)
        return values[int(self.rng.integers(len(values)))]

    def integer(self, lo: int, hi: int) -> int:
        return int(self.rng.integers(lo, hi + 1))

    def coin(self) -> bool:
        return bool(self.rng.integers(2))

    def indices(self, among, n: int) -> tuple:
        """``n`` indices from ``among``, repetitions allowed (a wire taken twice is copied)."""
        return tuple(self.pick(among) for _ in range(n))


def _one_of(values):
    return lambda choose: choose.pick(values)


def _fits(lo: float, hi: float) -> bool:
    return -BOUND <= lo <= hi <= BOUND


def _batched(w: Wire) -> bool:
    return isinstance(w.type, Real) and w.type.batched


def _vector(w: Wire) -> bool:
    return _batched(w) and len(w.type.shape) == 1


def _interval(values) -> tuple[float, float]:
    values = list(values)
    return min(values), max(values)


def _unary(constructor, oracle, ok, bounds, linear=False, vector_only=False) -> Kind:
    """A pointwise generator on a batched wire, admissible where ``ok(wire)``."""
    def propose(avail, fresh_ok):
        return [((i,), (), None) for i, w in enumerate(avail)
                if _batched(w) and (_vector(w) or not vector_only) and ok(w)
                and _fits(*bounds(w))]

    def wires(data, ws):
        (w,) = ws
        return (Wire(w.type, *bounds(w), w.const),)
    return Kind(propose, lambda data, ts: constructor(ts[0].shape), wires,
                lambda data: lambda x: (oracle(x),), linear)


def _sigmoid(x):
    return 1.0 / (1.0 + math.exp(-x))


def _softmax_bounds(w: Wire):
    n = w.type.shape[0]
    return 1.0 / (1.0 + (n - 1) * math.exp(w.hi - w.lo)), 1.0


def _anp_softmax(x):
    e = anp.exp(x - anp.max(x, axis=-1, keepdims=True))
    return e / anp.sum(e, axis=-1, keepdims=True)


def _with_constant(values, build, oracle, bounds, linear=False) -> Kind:
    """A pointwise generator with a constant ``c`` (scale, shift) on a batched wire."""
    def propose(avail, fresh_ok):
        return [((i,), (), _one_of([c for c in values if _fits(*bounds(c, w))]))
                for i, w in enumerate(avail)
                if _batched(w) and any(_fits(*bounds(c, w)) for c in values)]

    def wires(c, ws):
        (w,) = ws
        return (Wire(w.type, *bounds(c, w), w.const),)
    return Kind(propose, lambda c, ts: build(c, ts[0]),
                wires, lambda c: lambda x: (oracle(c, x),), linear)


def _shift_map(c: float, w: Real) -> Map:
    return trace(Ty(w), lambda x: x + c, smooth.backend)


def _pairs(avail, admissible):
    return [(i, j) for i, j in itertools.product(range(len(avail)), repeat=2)
            if admissible(avail[i], avail[j])]


def _add_kind() -> Kind:
    def bounds(u, v):
        return u.lo + v.lo, u.hi + v.hi

    def propose(avail, fresh_ok):
        return [((i, j), (), None) for i, j in _pairs(
            avail, lambda u, v: u.type == v.type and _fits(*bounds(u, v)))]

    def wires(data, ws):
        u, v = ws
        return (Wire(u.type, *bounds(u, v), u.const and v.const),)
    return Kind(propose, lambda data, ts: Map.gen(smooth.add_gen(ts[0]), smooth.backend), wires,
                lambda data: lambda x, y: (x + y,), linear=True)


def _mul_kind() -> Kind:
    def bounds(u, v):
        return _interval(a * b for a in (u.lo, u.hi) for b in (v.lo, v.hi))

    def admissible(u, v):
        if not (isinstance(u.type, Real) and isinstance(v.type, Real)):
            return False
        if u.type == v.type:
            return _fits(*bounds(u, v))
        data = u if u.type.batched else v
        return (u.type.shape == v.type.shape and u.type.batched != v.type.batched
                and not data.const and _fits(*bounds(u, v)))

    def propose(avail, fresh_ok):
        return [((i, j), (), None) for i, j in _pairs(avail, admissible)]

    def build(data, ts):
        if ts[0] == ts[1] and ts[0].batched:
            return smooth.multiply(ts[0].shape)
        return trace(Ty(*ts), lambda x, y: x * y, smooth.backend)

    def wires(data, ws):
        u, v = ws
        out = u.type if u.type.batched or not v.type.batched else v.type
        return (Wire(out, *bounds(u, v), u.const and v.const),)
    return Kind(propose, build, wires, lambda data: lambda x, y: (x * y,))


def _param_kind(param_type, build, oracle, bounds, out_type) -> Kind:
    """A generator of a parameter wire and a batched vector (linear, bias).

    The parameter is an existing wire of the right type or, where allowed, a
    fresh one; ``param_type(x_type, m)`` is its type for output size ``m``;
    ``out_type(p_type, x_type)`` the type of the output.
    """
    def propose(avail, fresh_ok):
        out = []
        for i, x in enumerate(avail):
            if not _vector(x) or x.const:
                continue
            for m in (1, 2, 3):
                p = Wire(param_type(x.type, m), -WEIGHT, WEIGHT)
                if not _fits(*bounds(x, p)):
                    continue
                out += [((j, i), (), None) for j, w in enumerate(avail) if w.type == p.type]
                if fresh_ok:
                    out.append(((len(avail), i), (p,), None))
        return out

    def wires(data, ws):
        p, x = ws
        return (Wire(out_type(p.type, x.type), *bounds(x, p)),)
    return Kind(propose, build, wires, oracle)


def _linear_bounds(x: Wire, p: Wire):
    n = x.type.shape[0]
    m = n * max(abs(x.lo), abs(x.hi)) * max(abs(p.lo), abs(p.hi))
    return -m, m


def _linear_const(data, ts) -> Map:
    """``x |-> W x`` with every entry of ``W`` equal to ``c``: ``linear`` reparametrised
    by a constant, as a user fixes the weights of a layer."""
    c, m = data
    (n,) = ts[0].shape
    layer = Para.of(smooth.linear(n, m)).reparam(smooth.constant(c, (m, n), batched=False))
    return layer.f


def _linear_const_kind() -> Kind:
    def bound(c, x):
        return x.type.shape[0] * abs(c) * max(abs(x.lo), abs(x.hi))

    def propose(avail, fresh_ok):
        return [((i,), (), _scale_and_size([c for c in SCALES if bound(c, x) <= BOUND]))
                for i, x in enumerate(avail) if _vector(x) and bound(SCALES[4], x) <= BOUND]

    def wires(data, ws):
        (x,) = ws
        c, m = data
        return (Wire(Real((m,)), -bound(c, x), bound(c, x), x.const),)

    def oracle(data):
        c, m = data
        return lambda x: (anp.dot(x, c * np.ones((x.shape[-1], m))),)
    return Kind(propose, _linear_const, wires, oracle, linear=True)


def _sum_kind() -> Kind:
    def bounds(x):
        n = x.type.shape[0]
        return n * x.lo, n * x.hi

    def propose(avail, fresh_ok):
        # not on a constant: its reverse broadcasts the cotangent to the (batch-less) shape
        # of the constant (test_laws.test_outputs_have_the_shapes_of_the_codomain)
        return [((i,), (), None) for i, x in enumerate(avail)
                if _vector(x) and not x.const and _fits(*bounds(x))]

    def wires(data, ws):
        (x,) = ws
        return (Wire(Real(()), *bounds(x), x.const),)
    return Kind(propose, lambda data, ts: smooth.sum(ts[0].shape[0]), wires,
                lambda data: lambda x: (anp.sum(x, axis=-1),), linear=True)


def _constant_data(choose: Chooser):
    return choose.pick(CONSTANTS), choose.pick([(), (1,), (2,)])


def _scale_and_size(scales):
    return lambda choose: (choose.pick(scales), choose.integer(1, 3))


def _constant_kind() -> Kind:
    def propose(avail, fresh_ok):
        return [((), (), _constant_data)]

    def wires(data, ws):
        c, shape = data
        return (Wire(Real(shape), c, c, True),)
    return Kind(propose, lambda data, ts: smooth.constant(data[0], data[1]), wires,
                lambda data: lambda: (np.full(data[1], data[0]),))


def _wiring_kinds(backend) -> dict[str, Kind]:
    """id, copy, swap, discard: pure wiring, on any wire."""
    def any_wire(avail, fresh_ok):
        return [((i,), (), None) for i in range(len(avail))]

    def two_wires(avail, fresh_ok):
        return [((i, j), (), None) for i, j in itertools.permutations(range(len(avail)), 2)]
    return {
        "id": Kind(any_wire, lambda d, ts: Map.id(Ty(*ts), backend), lambda d, ws: tuple(ws),
                   lambda d: lambda x: (x,), linear=True),
        "copy": Kind(any_wire, lambda d, ts: Map.copy(Ty(*ts), backend),
                     lambda d, ws: (ws[0], ws[0]), lambda d: lambda x: (x, x), linear=True),
        "swap": Kind(two_wires, lambda d, ts: Map.swap(Ty(ts[0]), Ty(ts[1]), backend),
                     lambda d, ws: (ws[1], ws[0]), lambda d: lambda x, y: (y, x), linear=True),
        "discard": Kind(any_wire, lambda d, ts: Map.discard(Ty(*ts), backend),
                        lambda d, ws: (), lambda d: lambda x: (), linear=True),
    }


def _exp_bounds(w):
    return math.exp(w.lo), math.exp(w.hi)


SMOOTH_KINDS: dict[str, Kind] = {
    "exp": _unary(smooth.exp, anp.exp, lambda w: w.hi <= 2.0, _exp_bounds),
    "log": _unary(smooth.log, anp.log, lambda w: w.lo >= 0.1,
                  lambda w: (math.log(w.lo), math.log(w.hi)) if w.lo > 0 else (-1e9, 0)),
    "sqrt": _unary(smooth.sqrt, anp.sqrt, lambda w: w.lo >= 0.1,
                   lambda w: (math.sqrt(max(w.lo, 0)), math.sqrt(max(w.hi, 0)))),
    "reciprocal": _unary(smooth.reciprocal, lambda x: 1.0 / x, lambda w: w.lo >= 0.2,
                         lambda w: (1 / w.hi, 1 / w.lo) if w.lo > 0 else (-1e9, 0)),
    "sigmoid": _unary(smooth.sigmoid, lambda x: 1.0 / (1.0 + anp.exp(-x)), lambda w: True,
                      lambda w: (_sigmoid(w.lo), _sigmoid(w.hi))),
    "tanh": _unary(smooth.tanh, anp.tanh, lambda w: True,
                   lambda w: (math.tanh(w.lo), math.tanh(w.hi))),
    "relu": _unary(smooth.relu, lambda x: anp.maximum(x, 0.0),
                   lambda w: w.lo >= 0.05 or w.hi <= -0.05,
                   lambda w: (max(w.lo, 0.0), max(w.hi, 0.0))),
    "softmax": _unary(smooth.softmax, _anp_softmax, lambda w: True, _softmax_bounds,
                      vector_only=True),
    "negate": _unary(smooth.negate, lambda x: -x, lambda w: True, lambda w: (-w.hi, -w.lo),
                     linear=True),
    "scale": _with_constant(SCALES, lambda c, w: smooth.scale(c, w.shape), lambda c, x: c * x,
                            lambda c, w: _interval((c * w.lo, c * w.hi)), linear=True),
    "shift": _with_constant(SHIFTS, _shift_map, lambda c, x: x + c,
                            lambda c, w: (w.lo + c, w.hi + c)),
    "sum": _sum_kind(),
    "add": _add_kind(),
    "mul": _mul_kind(),
    "linear": _param_kind(lambda x, m: Real((m, x.shape[0]), False),
                          lambda d, ts: smooth.linear(ts[1].shape[0], ts[0].shape[0]),
                          lambda d: lambda W, x: (anp.dot(x, W.T),), _linear_bounds,
                          lambda p, x: Real(p.shape[:1])),
    "bias": _param_kind(lambda x, m: Real(x.shape, False),
                        lambda d, ts: smooth.bias(ts[1].shape[0]),
                        lambda d: lambda b, x: (x + b,),
                        lambda x, p: (x.lo + p.lo, x.hi + p.hi), lambda p, x: x),
    "linear_const": _linear_const_kind(),
    "constant": _constant_kind(),
    **_wiring_kinds(smooth.backend),
}
SMOOTH_LINEAR = tuple(k for k, kind in SMOOTH_KINDS.items() if kind.linear)
SYMBOLIC_KINDS = ("exp", "log", "sigmoid", "tanh", "softmax", "negate", "scale", "shift", "sum",
                  "add", "mul", "linear", "bias", "linear_const", "id", "copy", "swap", "discard")


# -- Z2 kinds ------------------------------------------------------------------------


def _z2_outputs(n_out: int):
    """``n_out`` Z2 wires, constant (one word) when every input is."""
    return lambda data, ws: (Wire(z2.BIT, const=all(w.const for w in ws)),) * n_out


def _z2_kind(constructor, n_in: int, linear: bool = False) -> Kind:
    def propose(avail, fresh_ok):
        if n_in and not avail:
            return []
        return [(_indices(range(len(avail)), n_in), (), None)]
    return Kind(propose, lambda d, ts: constructor(), _z2_outputs(1), None, linear)


def _batch_wires(avail) -> list[int]:
    """Wires that are not constants: ``parity`` of a constant word and a batch of
    words fails (``test_z2.test_parity_of_a_constant_and_a_batch``), so the
    parity-based kinds (parity, matvec, matvec_param) only take these."""
    return [i for i, w in enumerate(avail) if not w.const]


def _parity_kind() -> Kind:
    def propose(avail, fresh_ok):
        batch = tuple(_batch_wires(avail))
        return [(_indices(batch, n), (), None) for n in (1, 2, 3)] if batch else []
    return Kind(propose, lambda d, ts: z2.parity(len(ts)), _z2_outputs(1), None, linear=True)


def _matvec_kind() -> Kind:
    def propose(avail, fresh_ok):
        batch = tuple(_batch_wires(avail))
        return [(_indices(batch, n), (), _matrices(n)) for n in (1, 2, 3)] if batch else []
    return Kind(propose, lambda m, ts: z2.matvec(m),
                lambda m, ws: _z2_outputs(len(m))(m, ws), None, linear=True)


def _indices(among, n: int):
    among = tuple(among)
    return lambda choose: choose.indices(among, n)


def _matrices(n: int):
    """A random 0/1 matrix with ``n`` columns and 1 to 3 rows, as a tuple of rows."""
    return lambda choose: tuple(tuple(choose.integer(0, 1) for _ in range(n))
                                for _ in range(choose.integer(1, 3)))


def _matvec_param_kind() -> Kind:
    def propose(avail, fresh_ok):
        batch = tuple(_batch_wires(avail))
        return [(_indices(batch, m * n + n), (), _one_of([(m, n)]))
                for m, n in ((1, 1), (1, 2), (2, 1), (2, 2))] if batch else []
    return Kind(propose, lambda mn, ts: z2.matvec_param(*mn),
                lambda mn, ws: _z2_outputs(mn[0])(mn, ws))


Z2_KINDS: dict[str, Kind] = {
    "xor": _z2_kind(z2.xor, 2, linear=True),
    "and": _z2_kind(z2.and_, 2),
    "not": _z2_kind(z2.not_, 1),
    "one": _z2_kind(z2.one, 0),
    "zero": _z2_kind(z2.zero, 0, linear=True),
    "parity": _parity_kind(),
    "matvec": _matvec_kind(),
    "matvec_param": _matvec_param_kind(),
    **_wiring_kinds(z2.backend),
}
Z2_LINEAR = tuple(k for k, kind in Z2_KINDS.items() if kind.linear)

KINDS = {"smooth": SMOOTH_KINDS, "z2": Z2_KINDS}
BACKENDS = {"smooth": smooth.backend, "z2": z2.backend}


# -- drawing models --------------------------------------------------------------------


@st.composite
def models(draw, backend: str, inputs: tuple, cod=None, fresh: bool = True,
           kinds=None, max_layers: int = 4, max_blocks: int = 3) -> Model:
    """A random composite map on the given input wires.

    ``cod``: the codomain's wire types (default: whatever comes out);
    ``fresh``: whether layers may bring new parameter wires (appended to the
    domain); ``kinds``: the names of the blocks allowed.
    """
    n_layers = draw(st.integers(1, max_layers), label="layers")
    choose = Chooser(draw(st.integers(0, 2 ** 32 - 1), label="seed"))
    table = KINDS[backend]
    kinds = tuple(kinds or table)
    current, layers = tuple(inputs), []
    for _ in range(n_layers):
        layer = _layer(choose, table, kinds, backend, current, fresh, max_blocks)
        layers.append(layer)
        current = _layer_outputs(backend, current + layer.fresh, layer.blocks)
    if cod is not None:
        layers.append(_onto(choose, backend, current, tuple(cod)))
    return Model(backend, tuple(inputs), tuple(layers))


def _layer(choose: Chooser, table, kinds, backend, current, fresh, max_blocks) -> Layer:
    """Blocks on the current wires; the wires no block takes are kept or discarded,
    and the blocks come in a random order (swaps)."""
    fresh_wires, blocks, used = [], [], set()
    for _ in range(choose.integer(1, max_blocks)):
        avail = current + tuple(fresh_wires)
        # kinds in a random order, the first with an admissible option wins
        for kind in (kinds[i] for i in choose.rng.permutation(len(kinds))):
            options = table[kind].propose(avail, fresh)
            if options:
                break
        else:
            break
        ins, new, data = choose.pick(options)
        ins = ins if isinstance(ins, tuple) else ins(choose)
        fresh_wires.extend(new)
        blocks.append(Block(kind, ins, None if data is None else data(choose)))
        used.update(ins)
    blocks += [Block("id", (i,)) for i in range(len(current)) if i not in used and choose.coin()]
    if not blocks:
        blocks.append(Block("id", (0,)) if current else _nullary(backend))
    order = choose.rng.permutation(len(blocks))
    return Layer(tuple(fresh_wires), tuple(blocks[i] for i in order))


def _nullary(backend: str) -> Block:
    """A block for a layer with nothing to act on: the constant 0 (linear, so daggers apply)."""
    return Block("constant", (), (0.0, (2,))) if backend == "smooth" else Block("zero", ())


def _onto(choose: Chooser, backend: str, current: tuple, cod: tuple) -> Layer:
    """A last layer taking the wires ``current`` to wires of types ``cod``."""
    blocks = []
    for t in cod:
        same = [i for i, w in enumerate(current) if w.type == t]
        if backend == "z2":
            if same and choose.integer(0, 3):
                blocks.append(Block("id", (choose.pick(same),)))
            elif same:
                blocks.append(Block("xor", choose.indices(same, 2)))
            else:
                blocks.append(Block(choose.pick(["one", "zero"]), ()))
            continue
        if same:
            blocks.append(Block("id", (choose.pick(same),)))
            continue
        vectors = [i for i, w in enumerate(current) if _vector(w) and not w.const]
        if t.batched and t.shape == () and vectors:
            i = choose.pick(vectors)
            blocks.append(Block("sum" if _fits(*_sum_bounds(current[i])) else "tanh_sum", (i,)))
        elif t.batched and len(t.shape) == 1 and vectors:
            i = choose.pick(vectors)
            x = current[i]
            c = 1.0 / (4 * x.type.shape[0] * max(abs(x.lo), abs(x.hi), 1.0))
            blocks.append(Block("linear_const", (i,), (c, t.shape[0])))
        else:
            blocks.append(Block("constant_of", (), (choose.pick(CONSTANTS), t)))
    return Layer((), tuple(blocks))


def _sum_bounds(x: Wire):
    return x.type.shape[0] * x.lo, x.type.shape[0] * x.hi


def _constant_of_kind() -> Kind:
    """``1 -> t``: the constant ``c`` on a wire of any smooth type (used by ``_onto``)."""
    def wires(data, ws):
        c, t = data
        return (Wire(t, c, c, True),)
    return Kind(lambda avail, fresh_ok: [], lambda data, ts: smooth.constant(
        data[0], data[1].shape, data[1].batched), wires,
        lambda data: lambda: (np.full(data[1].shape, data[0]),))


def _tanh_sum_kind() -> Kind:
    """``tanh ; sum``: a vector to a bounded scalar (used by ``_onto``)."""
    def wires(data, ws):
        n = ws[0].type.shape[0]
        return (Wire(Real(()), -n, n, ws[0].const),)
    return Kind(lambda avail, fresh_ok: [],
                lambda data, ts: smooth.tanh(ts[0].shape) >> smooth.sum(ts[0].shape[0]),
                wires, lambda data: lambda x: (anp.sum(anp.tanh(x), axis=-1),))


SMOOTH_KINDS["constant_of"] = _constant_of_kind()
SMOOTH_KINDS["tanh_sum"] = _tanh_sum_kind()


# -- types and points ------------------------------------------------------------------


DATA_SHAPES = ((), (1,), (2,), (3,))
PARAM_SHAPES = ((2,), (3,), (2, 3), (3, 2), (1, 2))


@st.composite
def smooth_wires(draw, min_size: int = 1, max_size: int = 3, params: bool = True,
                 shapes=DATA_SHAPES) -> tuple:
    """Input wires: batched data in [-1, 1] (sometimes positive), perhaps parameters."""
    out = []
    for _ in range(draw(st.integers(min_size, max_size))):
        if params and draw(st.integers(0, 3)) == 0:
            out.append(Wire(Real(draw(st.sampled_from(PARAM_SHAPES)), False), -WEIGHT, WEIGHT))
        else:
            lo = draw(st.sampled_from([-1.0, -1.0, 0.2]))
            out.append(Wire(Real(draw(st.sampled_from(shapes))), lo, lo + 2.0 if lo < 0 else 1.5))
    return tuple(out)


@st.composite
def param_wires(draw, min_size: int = 1, max_size: int = 2) -> tuple:
    """Parameter wires only (for Para)."""
    n = draw(st.integers(min_size, max_size))
    return tuple(Wire(Real(draw(st.sampled_from(PARAM_SHAPES)), False), -WEIGHT, WEIGHT)
                 for _ in range(n))


def z2_wires(min_size: int = 1, max_size: int = 4, params: bool = True):
    """Z2 input wires (parameters are wires like any other: ``params`` is ignored)."""
    return st.integers(min_size, max_size).map(lambda n: (Wire(z2.BIT),) * n)


# -- kits: a backend's strategies and arithmetic -------------------------------------


@dataclass(frozen=True)
class Kit:
    """What the laws need from one backend.

    ``wires`` draws input wires; ``model(inputs, cod=None, fresh=True, **kw)``
    draws a random model on them; ``params`` draws parameter wires (for Para);
    ``point(draw, wires, n, name)`` draws values within the wires' bounds (a
    batch of ``n``; symbols named ``name...`` on Symbolic) and ``cotangent``
    values for output wires (in [-1, 1] on Smooth); ``zeros(wires, n)``;
    ``add`` is the backend's ``+``; ``inner(xs, ys)`` the inner product of two
    tuples of values, as a 1-tuple (per example on Z2); ``equal(lhs, rhs)``
    asserts that two tuples of values are equal (within a tolerance on Smooth,
    exactly on Z2, by ``sympy.simplify`` on Symbolic); ``batch`` draws ``n``;
    ``linear_kinds`` names the blocks that are linear maps.
    """

    name: str
    backend: Any
    wires: Callable
    model: Callable
    point: Callable
    zeros: Callable
    add: Callable
    equal: Callable
    inner: Callable
    cotangent: Callable
    params: Any = None
    batch: Any = st.integers(1, 3)
    linear_kinds: tuple = ()

    def __repr__(self) -> str:
        return self.name


def _uniform(draw, wires, n):
    rng = np.random.default_rng(draw(st.integers(0, 2 ** 32 - 1)))
    return tuple(rng.uniform(w.lo, w.hi,
                             size=((n,) if w.type.batched else ()) + w.type.shape)
                 for w in wires)


def _smooth_zeros(wires, n):
    return tuple(np.zeros(((n,) if w.type.batched else ()) + w.type.shape) for w in wires)


def assert_close(lhs, rhs, rtol=1e-8, atol=1e-10):
    """Two tuples of float arrays agree (broadcasting constants against batches)."""
    lhs, rhs = tuple(lhs), tuple(rhs)
    assert len(lhs) == len(rhs), f"{len(lhs)} values against {len(rhs)}"
    for k, (a, b) in enumerate(zip(lhs, rhs)):
        a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
        assert a.shape == b.shape or np.broadcast_shapes(a.shape, b.shape) in (a.shape, b.shape), \
            f"wire {k}: shapes {a.shape} and {b.shape}"
        a, b = np.broadcast_arrays(a, b)
        np.testing.assert_allclose(a, b, rtol=rtol, atol=atol, err_msg=f"wire {k}")


def _smooth_points(draw, wires, n, name=None):
    return _uniform(draw, wires, n)


def cotangents(draw, wires, n, name=None):
    """Smooth cotangents in [-1, 1] (whatever the bounds of the wires)."""
    return _uniform(draw, [Wire(w.type) for w in wires], n)


SMOOTH = Kit("Smooth", smooth.backend, smooth_wires,
             lambda inputs, cod=None, fresh=True, **kw: models("smooth", inputs, cod, fresh, **kw),
             _smooth_points, _smooth_zeros, lambda x, y: x + y, assert_close,
             lambda xs, ys: (sum(float(np.sum(x * y)) for x, y in zip(xs, ys)),), cotangents,
             params=param_wires(), linear_kinds=SMOOTH_LINEAR)


# Z2: a point is one packed word array per wire; n examples (several words)

def z2_point(draw, wires, n, name=None):
    """``n`` random 0/1 examples, packed: one word array per wire."""
    seed = draw(st.integers(0, 2 ** 32 - 1))
    bits = np.random.default_rng(seed).integers(0, 2, size=(n, len(wires)))
    return tuple(z2.pack(bits))


def z2_zeros(wires, n):
    return tuple(z2.pack(np.zeros((n, len(wires)), dtype=int)))


def z2_bits(words, n: int) -> np.ndarray:
    """Packed values (constants of one word broadcast) as a 0/1 array ``(n, wires)``."""
    size = -(-n // 64)
    words = [np.broadcast_to(np.asarray(w, dtype=np.uint64), (size,)) for w in words]
    return z2.unpack(words, n) if words else np.zeros((n, 0), dtype=np.uint8)


def _z2_inner(xs, ys):
    """Per example, ``sum_i x_i y_i`` over Z2: the XOR of the ANDs, as one word array."""
    out = np.zeros(1, dtype=np.uint64)
    for x, y in zip(xs, ys):
        out = out ^ (x & y)
    return out


def assert_bits_equal(lhs, rhs):
    """Two tuples of packed values are equal bit for bit, on every bit of every word
    (each bit position is an example of its own; past the last example, its packed inputs are 0)."""
    lhs, rhs = tuple(lhs), tuple(rhs)
    assert len(lhs) == len(rhs), f"{len(lhs)} values against {len(rhs)}"
    n = 64 * max([len(np.atleast_1d(w)) for w in lhs + rhs] or [1])
    np.testing.assert_array_equal(z2_bits(lhs, n), z2_bits(rhs, n))


Z2 = Kit("Z2", z2.backend, z2_wires,
         lambda inputs, cod=None, fresh=True, **kw: models(
             "z2", inputs, None if cod is None else tuple(cod), fresh, **kw),
         z2_point, z2_zeros, np.bitwise_xor, assert_bits_equal, lambda xs, ys: (_z2_inner(xs, ys),),
         z2_point, params=z2_wires(1, 2), batch=st.integers(1, 150),
         linear_kinds=Z2_LINEAR)


# Symbolic: points are fresh sympy symbols, a batch of one

def _symbolic_point(draw, wires, n, name="a"):
    return tuple(symbolic.symbols(w.type, f"{name}{k}_") for k, w in enumerate(wires))


def _symbolic_zeros(wires, n):
    return tuple(np.full(((1,) if w.type.batched else ()) + w.type.shape, sympy.Integer(0),
                         dtype=object) for w in wires)


def assert_simplifies_to_zero(lhs, rhs):
    """Every entry of ``lhs - rhs`` simplifies to 0 (``sympy.simplify(l - r) == 0``)."""
    lhs, rhs = tuple(lhs), tuple(rhs)
    assert len(lhs) == len(rhs), f"{len(lhs)} values against {len(rhs)}"
    for k, (a, b) in enumerate(zip(lhs, rhs)):
        a, b = np.broadcast_arrays(np.asarray(a, dtype=object), np.asarray(b, dtype=object))
        for x, y in zip(a.ravel(), b.ravel()):
            diff = sympy.sympify(x) - sympy.sympify(y)
            if sympy.expand(diff) != 0:  # a fast path: what expands to 0 simplifies to 0
                assert sympy.simplify(diff) == 0, f"wire {k}: {x} != {y}"


def _symbolic_inner(xs, ys):
    return sympy.Add(*(sympy.sympify(e) for x, y in zip(xs, ys)
                       for e in np.ravel(np.multiply(x, y))))


def _symbolic_model(inputs, cod=None, fresh=True, max_layers=2, max_blocks=2, kinds=None):
    return models("smooth", inputs, cod, fresh, kinds=kinds or SYMBOLIC_KINDS,
                  max_layers=max_layers, max_blocks=max_blocks)


SYMBOLIC = Kit("Symbolic", symbolic.backend,
               lambda min_size=1, max_size=2, params=True: smooth_wires(
                   min_size, max_size, params, shapes=((), (1,), (2,))),
               _symbolic_model, _symbolic_point, _symbolic_zeros, lambda x, y: x + y,
               assert_simplifies_to_zero, lambda xs, ys: (_symbolic_inner(xs, ys),),
               _symbolic_point, params=param_wires(1, 1), batch=st.just(1),
               linear_kinds=SMOOTH_LINEAR)


def as_map(kit: Kit, model: Model) -> Map:
    """The model's map in the kit's backend."""
    return model.map(kit.backend if kit is SYMBOLIC else None)


def unfused(backend):
    """A copy of a backend that runs every reverse derivative from its traced rule."""
    return dataclasses.replace(backend, fused=False)
