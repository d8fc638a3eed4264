"""Logic-gate networks as parametrised maps: layers of gates, then a group-sum readout.

A :class:`LogicNetwork` is the data of a network (input width, gates per layer, classes,
temperature ``tau``, wiring seed and parametrisation); it reads as

* :meth:`LogicNetwork.para`: a Smooth :class:`~catlearn.Para` ``theta @ R^n -> R^k``,
  each layer ``sigmoid(theta) ; logic`` (or difflogic's softmax over the 16 two-input
  functions, ``parametrisation="softmax16"``), then ``group_sum``: the gate outputs in
  ``k`` equal groups, counted and divided by ``tau``; trained with softmax cross-entropy;
* :meth:`LogicNetwork.z2_map`: a Z2 map ``bits @ Z2^n -> Z2^w``, the same layers on the
  rounded truth tables, then the popcount-and-argmax circuit: a complete classifier from
  input bits to the bits of the predicted class.

>>> import numpy as np
>>> net = LogicNetwork(4, (8, 6), classes=3, tau=1.0, seed=0)
>>> model = net.para()
>>> model.param, model.dom, model.cod
(Ty(P^8x4, P^6x4), Ty(R^4), Ty(R^3))
>>> theta = net.init(seed=0)
>>> model(*theta, np.zeros((2, 4)))[0].shape
(2, 3)
>>> net.predict(net.hard(theta), np.array([[0, 1, 1, 0]])).tolist()
[0]
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from catlearn import smooth, z2
from catlearn.backend import Rule, kernel
from catlearn.core import Generator, Map, Ty
from catlearn.layers import logic, logic_z2
from catlearn.layers.layer import sequential
from catlearn.layers.cell import FUNCTIONS  # the 16 two-input functions' truth tables
from catlearn.para import Para
from catlearn.smooth import Real

PARAMETRISATIONS = ("mux", "softmax16")


# -- the readout ---------------------------------------------------------------------------


def group_sum_gen(m: int, k: int, tau: float) -> Generator:
    """``group_sum : R^m -> R^k``, the sums of ``k`` equal groups divided by ``tau``."""
    return Generator("group_sum", Ty(Real((m,))), Ty(Real((k,))), (m, k, float(tau)))


def group_spread_gen(m: int, k: int, tau: float) -> Generator:
    """``group_spread : R^k -> R^m``, the transpose of ``group_sum``."""
    return Generator("group_spread", Ty(Real((k,))), Ty(Real((m,))), (m, k, float(tau)))


def _group_sum(g):
    m, k, tau = g.data
    return lambda x: x.reshape(x.shape[0], k, m // k).sum(axis=2) / tau


def _group_spread(g, xp=np):
    m, k, tau = g.data
    return lambda z: xp.repeat(z / tau, m // k, axis=1)


smooth.backend.register("group_sum", Rule(
    lambda g, xp: _group_sum(g), lambda g: lambda x, dz: group_spread_gen(*g.data)(dz),
    (lambda g, xp: lambda x, y, dz: _group_spread(g)(dz),)))
smooth.backend.register("group_spread", Rule(
    _group_spread, lambda g: lambda z, dx: group_sum_gen(*g.data)(dx),
    (lambda g, xp: lambda z, x, dx: _group_sum(g)(dx),)))


# -- difflogic's parametrisation: a softmax over the 16 functions ---------------------------


def _mix(w, xp=np):
    e = xp.exp(w - w.max(axis=-1, keepdims=True))
    return (e / e.sum(axis=-1, keepdims=True)) @ FUNCTIONS


def _mix_vjp(w, dc, xp=np):
    e = xp.exp(w - w.max(axis=-1, keepdims=True))
    p = e / e.sum(axis=-1, keepdims=True)
    dp = dc @ FUNCTIONS.T
    return p * (dp - (p * dp).sum(axis=-1, keepdims=True))


def _no_second_derivative(g):
    raise NotImplementedError(f"{g.name}: second reverse derivatives of the softmax16 "
                              "parametrisation are not implemented; use parametrisation='mux'")


smooth.backend.register("gate_mix", Rule(
    lambda g, xp: lambda w: _mix(w, xp),
    lambda g: lambda w, dc: Generator("gate_mix_t", Ty(g.dom[0], g.cod[0]), g.dom)(w, dc),
    (kernel(lambda w, c, dc: _mix_vjp(w, dc)),)))
smooth.backend.register("gate_mix_t", Rule(lambda g, xp: lambda w, dc: _mix_vjp(w, dc, xp),
                                           _no_second_derivative))


# -- the network -------------------------------------------------------------------------


class GateTables:
    """What every logic-gate network shares, from its parameter arrays of ``(m, 4)`` (mux)
    or ``(m, 16)`` (softmax16) logits: initial values, relaxed and hard truth tables, and
    predictions of its Z2 reading.  A network supplies ``parametrisation``,
    ``param_widths`` (the gates of each parameter array) and ``z2_map()``."""

    def init(self, seed: int = 0, scale: float = 1.0) -> tuple[np.ndarray, ...]:
        """Initial parameters: normal with standard deviation ``scale``."""
        rng = np.random.default_rng(seed)
        width = 4 if self.parametrisation == "mux" else 16
        return tuple(rng.normal(0.0, scale, (m, width)) for m in self.param_widths)

    def coefficients(self, params) -> tuple[np.ndarray, ...]:
        """The relaxed truth tables ``(m, 4)`` of every parameter array."""
        if self.parametrisation == "mux":
            return tuple(smooth.NumpyOps.sigmoid(np.asarray(p)) for p in params)
        return tuple(_mix(np.asarray(p)) for p in params)

    def hard(self, params, rule: str = "argmax") -> tuple[np.ndarray, ...]:
        """The hard truth tables, uint8 ``(m, 4)``: the network's Z2 reading.

        ``rule="argmax"`` (difflogic's): each gate becomes its most probable function, the
        argmax of the softmax16 logits (for the mux cell, each of its four independent
        coefficients rounded, which is the same thing); ``rule="round"``: the mixed truth
        table rounded, ``softmax(w) @ FUNCTIONS > 0.5``.  The two differ only for softmax16.
        """
        return tuple(harden(p, self.parametrisation, rule) for p in params)

    def predict(self, tables, x) -> np.ndarray:
        """Class predictions of the Z2 reading with truth tables ``tables`` on 0/1 rows."""
        x = np.asarray(x)
        words = [z2.ONES if bit else z2.ZEROS for t in tables for bit in np.ravel(t)]
        out = self.z2_map()(*words, *z2.pack(x))
        bits = z2.unpack(list(out), len(x)).astype(np.int64)
        return bits @ (1 << np.arange(bits.shape[1]))


@dataclass(frozen=True)
class LogicNetwork(GateTables):
    """Layers of ``widths`` two-input gates over ``n_in`` input bits, read out in ``classes``.

    The last width must be a multiple of ``classes``; layer ``l`` is wired with seed
    ``(seed, l)``.
    """

    n_in: int
    widths: tuple
    classes: int
    tau: float = 1.0
    seed: int = 0
    parametrisation: str = "mux"

    def __post_init__(self):
        object.__setattr__(self, "widths", tuple(int(w) for w in self.widths))
        if not self.widths or min(self.widths) < 1 or self.n_in < 1:
            raise ValueError(f"a logic network needs inputs and non-empty layers, "
                             f"got n_in={self.n_in}, widths={self.widths}")
        if self.classes < 2 or self.widths[-1] % self.classes:
            raise ValueError(f"the last layer ({self.widths[-1]} gates) must split into "
                             f"{self.classes} equal groups, one per class (at least 2)")
        if self.parametrisation not in PARAMETRISATIONS:
            raise ValueError(f"unknown parametrisation {self.parametrisation!r}; "
                             f"choose one of {PARAMETRISATIONS}")

    @property
    def layers(self) -> tuple[tuple[int, int, int], ...]:
        """``(n_in, n_out, seed)`` of every layer: the generator data of its wiring."""
        sizes = (self.n_in,) + self.widths
        return tuple((sizes[i], sizes[i + 1], _layer_seed(self.seed, i))
                     for i in range(len(self.widths)))

    @property
    def n_gates(self) -> int:
        return sum(self.widths)

    @property
    def param_widths(self) -> tuple[int, ...]:
        return tuple(self.widths)

    def para(self) -> Para:
        """The Smooth model: relaxed gates, then counts over ``tau``."""
        layers = [_smooth_layer(*data, self.parametrisation) for data in self.layers]
        m = self.widths[-1]
        readout = Para(Ty(), Map.gen(group_sum_gen(m, self.classes, self.tau), smooth.backend))
        return sequential(*layers, readout)

    def z2_map(self, readout: bool = True) -> Map:
        """``Z2^(4 m_1) @ ... @ Z2^(4 m_L) @ Z2^n -> Z2^w``: layers, then popcount-argmax
        (without ``readout``: the last layer's ``m_L`` gates)."""
        return _z2_map(self, readout)

HARDENING = ("argmax", "round")


def harden(theta, parametrisation: str, rule: str = "argmax") -> np.ndarray:
    """The hard truth tables ``(m, 4)`` of one parameter array (see :meth:`LogicNetwork.hard`).

    >>> w = np.full((1, 16), -5.0)
    >>> w[0, [6, 10, 12, 14]], w[0, 15] = 0.9, 1.0     # TRUE wins, but 0 at (0, 0) has most mass
    >>> harden(w, "softmax16", "argmax").tolist(), harden(w, "softmax16", "round").tolist()
    ([[1, 1, 1, 1]], [[0, 1, 1, 1]])
    """
    if rule not in HARDENING:
        raise ValueError(f"unknown hardening rule {rule!r}; choose one of {HARDENING}")
    theta = np.asarray(theta)
    if parametrisation == "mux":
        return (theta > 0).astype(np.uint8)
    if rule == "argmax":
        return FUNCTIONS[np.argmax(theta, axis=-1)].astype(np.uint8)
    return (_mix(theta) > 0.5).astype(np.uint8)


def _layer_seed(seed: int, layer: int) -> int:
    return int(np.random.SeedSequence((seed, layer)).generate_state(1)[0])


def _smooth_layer(n_in: int, n_out: int, seed: int, parametrisation: str) -> Para:
    if parametrisation == "mux":
        theta = Real((n_out, 4), False)
        coefficients = smooth.sigmoid(theta)
    else:
        theta = Real((n_out, 16), False)
        coefficients = Map.gen(Generator("gate_mix", Ty(theta), Ty(Real((n_out, 4), False))),
                               smooth.backend)
    f = (coefficients @ smooth.identity(n_in)) >> logic.logic_map(n_in, n_out, seed)
    return Para(Ty(theta), f)


@functools.lru_cache(maxsize=8)
def _z2_map(net: LogicNetwork, readout: bool = True) -> Map:
    params = sum(4 * m for m in net.widths)
    stages, carried = [], params
    for n_in, n_out, seed in net.layers:
        carried -= 4 * n_out
        stages.append(z2.identity(carried) @ logic_z2.logic_map(n_in, n_out, seed)
                      if carried else logic_z2.logic_map(n_in, n_out, seed))
    if readout:
        stages.append(logic_z2.readout_map(net.widths[-1], net.classes))
    order = _layer_order(net)
    rewire = Map.wire(z2.bits(params + net.n_in), order, z2.backend)
    return rewire.then(*stages)


def _layer_order(net: LogicNetwork) -> list[int]:
    """Parameter wires last layer first (what the chain of stages reads), then inputs."""
    starts = np.cumsum([0] + [4 * m for m in net.widths])
    total = int(starts[-1])
    order = [i for k in reversed(range(len(net.widths)))
             for i in range(starts[k], starts[k + 1])]
    return order + list(range(total, total + net.n_in))
