"""Convolutional logic-gate networks: tree blocks with OR pooling, logic layers, a group readout.

A :class:`ConvLogicNetwork` is the data of the NeurIPS 2024 design (Petersen et al., arXiv
2411.04732) at catlearn's scale: thermometer-coded image channels ``(c, h, w)``, blocks of
convolutional logic trees (:mod:`catlearn.layers.logic_conv`) each followed by ``s x s`` OR
pooling, then the dense logic layers and the group-sum readout of
:class:`~catlearn.layers.logic_net.LogicNetwork`.  It reads as

* :meth:`ConvLogicNetwork.para`: the Smooth model (relaxed gates; OR pooling relaxed as the
  maximum, which equals OR on bits), trained with softmax cross-entropy;
* :meth:`ConvLogicNetwork.z2_map`: the Z2 classifier on the rounded truth tables
  (:mod:`catlearn.layers.logic_conv_z2`), bit-packed, input bits to class-index bits.

The two readings agree: the Smooth model at hard truth tables computes, on 0/1 inputs, the
counts whose argmax the Z2 map returns (``tests/test_logic_conv.py``).

>>> import numpy as np
>>> net = ConvLogicNetwork((1, 6, 6), ((4, 2, 3, 0, 2),), (20,), classes=2, seed=0)
>>> theta = net.init(seed=0)
>>> [t.shape for t in theta]
[(8, 4), (4, 4), (20, 4)]
>>> net.para()(*theta, np.zeros((3, 36)))[0].shape
(3, 2)
>>> net.predict(net.hard(theta), np.zeros((3, 36), dtype=np.uint8)).shape
(3,)
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from catlearn import smooth, z2
from catlearn.core import Map, Ty
from catlearn.layers import logic_conv_z2, logic_z2
from catlearn.layers.layer import sequential
from catlearn.layers.logic_conv import TreeSpec, tree_map
from catlearn.layers.logic_net import (PARAMETRISATIONS, GateTables, LogicNetwork,
                                       _smooth_layer, group_sum_gen)
from catlearn.layers.pool import flatten_map, maxpool2d_map, unflatten_map
from catlearn.para import Para
from catlearn.smooth import Real


@dataclass(frozen=True)
class ConvLogicNetwork(GateTables):
    """Tree blocks ``(out, depth, k, pad, pool)`` over a ``shape = (c, h, w)`` input, then
    dense logic layers of ``widths`` gates and a readout in ``classes`` groups.

    Inputs are flat rows of ``c h w`` bits, channel-major (what ``pixel_thresholds`` writes).
    """

    shape: tuple
    blocks: tuple
    widths: tuple
    classes: int
    tau: float = 1.0
    seed: int = 0
    parametrisation: str = "mux"

    def __post_init__(self):
        object.__setattr__(self, "shape", tuple(int(v) for v in self.shape))
        object.__setattr__(self, "blocks", tuple(tuple(int(v) for v in b) for b in self.blocks))
        object.__setattr__(self, "widths", tuple(int(w) for w in self.widths))
        if len(self.shape) != 3:
            raise ValueError(f"the input shape must be (channels, height, width), got {self.shape}")
        if self.parametrisation not in PARAMETRISATIONS:
            raise ValueError(f"unknown parametrisation {self.parametrisation!r}; "
                             f"choose one of {PARAMETRISATIONS}")
        for b in self.blocks:
            if len(b) != 5:
                raise ValueError(f"a block is (out, depth, k, pad, pool), got {b}")
        self.dense  # checks the pooled sizes and the readout

    @property
    def specs(self) -> tuple[tuple[TreeSpec, int], ...]:
        """``(TreeSpec, pool)`` of every block, each block's input the previous one's output."""
        shape, out = self.shape, []
        for i, (o, depth, k, pad, pool) in enumerate(self.blocks):
            spec = TreeSpec(*shape, out=o, depth=depth, k=k, pad=pad, seed=_seed(self.seed, i))
            c, h, w = spec.out_shape
            if pool < 1 or h % pool or w % pool:
                raise ValueError(f"block {i}: {h}x{w} outputs do not split into {pool}x{pool} "
                                 "pooling windows")
            out.append((spec, pool))
            shape = (c, h // pool, w // pool)
        return tuple(out)

    @property
    def features(self) -> tuple[int, int, int]:
        """The shape ``(c, h, w)`` the blocks hand to the dense layers."""
        if not self.blocks:
            return self.shape
        spec, pool = self.specs[-1]
        c, h, w = spec.out_shape
        return (c, h // pool, w // pool)

    @property
    def dense(self) -> LogicNetwork:
        """The dense layers and readout, as a :class:`LogicNetwork` over the blocks' features."""
        return LogicNetwork(int(np.prod(self.features)), self.widths, self.classes, self.tau,
                            _seed(self.seed, len(self.blocks)), self.parametrisation)

    @property
    def gates(self) -> dict:
        """Gate counts as circuits: ``trees`` (every tree at every position), ``pooling``
        (two-input ORs), ``dense``."""
        pool = sum((p * p - 1) * int(np.prod(s.out_shape)) // (p * p) for s, p in self.specs)
        return {"trees": sum(s.gates for s, _ in self.specs), "pooling": pool,
                "dense": sum(self.widths)}

    @property
    def param_widths(self) -> tuple[int, ...]:
        """Gates of every parameter array, in parameter order."""
        return tuple(m for s, _ in self.specs for m in s.levels) + self.widths

    def para(self) -> Para:
        """The Smooth model ``theta @ R^(c h w) -> R^classes``."""
        stages = [Para(Ty(), unflatten_map(self.shape))]
        for spec, pool in self.specs:
            stages.append(_block(spec, pool, self.parametrisation))
        stages.append(Para(Ty(), flatten_map(self.features)))
        dense = self.dense
        stages += [_smooth_layer(*data, self.parametrisation) for data in dense.layers]
        readout = Map.gen(group_sum_gen(self.widths[-1], self.classes, self.tau), smooth.backend)
        return sequential(*stages, Para(Ty(), readout))

    def z2_map(self) -> Map:
        """``Z2^(4 m_1) @ ... @ Z2^n -> Z2^w``: the whole classifier over Z2."""
        return _z2_map(self)


def _seed(seed: int, block: int) -> int:
    return int(np.random.SeedSequence((seed, 7919, block)).generate_state(1)[0])


def _coefficients(m: int, parametrisation: str) -> tuple[Real, Map]:
    if parametrisation == "mux":
        theta = Real((m, 4), False)
        return theta, smooth.sigmoid(theta)
    from catlearn.core import Generator
    theta = Real((m, 16), False)
    return theta, Map.gen(Generator("gate_mix", Ty(theta), Ty(Real((m, 4), False))),
                          smooth.backend)


def _block(spec: TreeSpec, pool: int, parametrisation: str) -> Para:
    thetas, coefficients = zip(*(_coefficients(m, parametrisation) for m in spec.levels))
    f = Map.tensor(*coefficients, smooth.identity((spec.c, spec.h, spec.w))) >> tree_map(spec)
    if pool > 1:
        f = f >> maxpool2d_map(*spec.out_shape, size=pool)
    return Para(Ty(*thetas), f)


@functools.lru_cache(maxsize=8)
def _z2_map(net: ConvLogicNetwork) -> Map:
    """The blocks, the dense layers and the readout over Z2, parameters first."""
    counts = [4 * m for m in net.param_widths]
    n_params, n_in = sum(counts), int(np.prod(net.shape))
    stages, done = [], 0
    for spec, pool in net.specs:
        k = sum(4 * m for m in spec.levels)
        rest = n_params - done - k
        block = logic_conv_z2.tree_map(spec, pool)
        stages.append(z2.identity(rest) @ block if rest else block)
        done += k
    dense = net.dense
    for n_in_l, n_out, seed in dense.layers:
        rest = n_params - done - 4 * n_out
        layer = logic_z2.logic_map(n_in_l, n_out, seed)
        stages.append(z2.identity(rest) @ layer if rest else layer)
        done += 4 * n_out
    stages.append(logic_z2.readout_map(net.widths[-1], net.classes))
    # each stage reads its own parameters (then the signal) at the right end of the wires
    # left, so the groups of parameters come last stage first
    groups = [len(s.levels) for s, _ in net.specs] + [1] * len(net.widths)
    starts = np.cumsum([0] + counts)
    edges = np.cumsum([0] + groups)
    order = [i for g in reversed(range(len(groups)))
             for i in range(int(starts[edges[g]]), int(starts[edges[g + 1]]))]
    rewire = Map.wire(z2.bits(n_params + n_in), order + list(range(n_params, n_params + n_in)),
                      z2.backend)
    return rewire.then(*stages)
