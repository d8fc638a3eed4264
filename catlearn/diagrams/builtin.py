"""Built-in models as diagrams: dense layers, MLPs, adders, and netlists read as diagrams.

Every model is a ``discopy.markov`` diagram over :mod:`catlearn.diagrams.signature`,
with its parameters as named :class:`~catlearn.diagrams.signature.Param` boxes.
Deep models are assembled with :func:`~catlearn.diagrams.wiring.chain`, linear in
the number of layers.

>>> d = mlp_diagram([4, 8, 3])
>>> print(d.dom, "->", d.cod)
R4 -> R3
>>> [box.name for box in d.boxes][:5]
['layer1.W', 'linear', 'layer1.b', 'bias', 'relu']
>>> print(adder_diagram(2).dom)
Z2 @ Z2 @ Z2 @ Z2
"""

from __future__ import annotations

import functools

from catlearn.netlist import GATE_KINDS
from catlearn.netlist import gate as standard_gate
from catlearn.diagrams import signature as sig
from catlearn.diagrams.wiring import chain, trace

ACTIVATIONS = {
    "relu": sig.relu, "sigmoid": sig.sigmoid, "tanh": sig.tanh, "softmax": sig.softmax,
    "exp": sig.exp, "identity": None, None: None,
}


def _activation(name):
    if name not in ACTIVATIONS:
        raise ValueError(f"unknown activation {name!r}; known: "
                         f"{', '.join(k for k in ACTIVATIONS if k)}")
    return ACTIVATIONS[name]


def dense_diagram(n_in: int, n_out: int, activation="relu", name: str = "dense"):
    """``x |-> activation(W x + b)`` with parameters ``name.W`` and ``name.b``.

    >>> [b.name for b in dense_diagram(3, 2, "tanh", "L").boxes]
    ['L.W', 'linear', 'L.b', 'bias', 'tanh']
    """
    act = _activation(activation)
    weight = sig.param(f"{name}.W", (n_out, n_in))
    offset = sig.param(f"{name}.b", (n_out,))

    def layer(x):
        y = sig.bias(n_out)(offset(), sig.linear(n_in, n_out)(weight(), x))
        return act(n_out)(y) if act else y
    return trace(sig.real(n_in), layer)


def mlp_diagram(sizes, activation="relu", output=None, name: str = "layer"):
    """Dense layers ``sizes[0] -> sizes[1] -> ...``; ``output`` is the last activation.

    Layer ``k`` (from 1) has parameters ``{name}{k}.W`` and ``{name}{k}.b``.
    """
    sizes = [int(n) for n in sizes]
    if len(sizes) < 2:
        raise ValueError(f"an MLP needs at least two sizes, got {sizes}")
    last = len(sizes) - 1
    return chain(*(dense_diagram(a, b, activation if k < last else output, f"{name}{k}")
                   for k, (a, b) in enumerate(zip(sizes, sizes[1:]), start=1)))


def adder_diagram(n: int):
    """The n-bit ripple-carry adder: ``a0..a{n-1} @ b0..b{n-1} -> s0..s{n-1} @ cout``.

    Bit 0 is the least significant, as in the circuit zoo (``circuits/add4.blif``).
    """
    if n < 1:
        raise ValueError(f"an adder needs at least one bit, got {n}")
    xor, and_, or_ = sig.xor(), sig.and_(), sig.or_()

    def add(*bits):
        a, b, sums, carry = bits[:n], bits[n:], [], None
        for x, y in zip(a, b):
            half = xor(x, y)
            if carry is None:
                sums.append(half)
                carry = and_(x, y)
            else:
                sums.append(xor(half, carry))
                carry = or_(and_(x, y), and_(half, carry))
        return (*sums, carry)
    return trace(sig.bits(2 * n), add)


# -- netlists ------------------------------------------------------------------------------

def _tree(gate, args):
    """One binary gate folded over ``args``, left to right."""
    box = gate()
    return functools.reduce(lambda u, v: box(u, v), args)


STANDARD = {  # a standard cover (catlearn.netlist.GATE_KINDS) as gate boxes
    "and": lambda args: _tree(sig.and_, args),
    "or": lambda args: _tree(sig.or_, args),
    "xor": lambda args: _tree(sig.xor, args),
    "nand": lambda args: sig.not_()(_tree(sig.and_, args)),
    "nor": lambda args: sig.not_()(_tree(sig.or_, args)),
    "xnor": lambda args: sig.not_()(_tree(sig.xor, args)),
    "not": lambda args: sig.not_()(args[0]),
    "buf": lambda args: args[0],
    "one": lambda args: sig.one()(),
    "zero": lambda args: sig.zero_gate()(),
}


def _cover_kind(gate):
    """The name of the standard gate with exactly this cover, if any (up to 8 inputs)."""
    k, rows = len(gate.inputs), set(gate.cover)
    if k > 8:
        return None
    for kind, ((low, high), _) in GATE_KINDS.items():
        if low <= k and (high is None or k <= high):
            if set(standard_gate(gate.output, kind, gate.inputs).cover) == rows:
                return kind
    return None


def _sum_of_products(gate, args):
    terms = []
    for pattern, _ in gate.cover:
        literals = [x if c == "1" else sig.not_()(x)
                    for c, x in zip(pattern, args) if c != "-"]
        terms.append(_tree(sig.and_, literals) if literals else sig.one()())
    out = _tree(sig.or_, terms) if terms else sig.zero_gate()()
    return sig.not_()(out) if gate.is_offset else out


def _gate(gate, args):
    """One ``.names`` cover as gate boxes: its standard gate when it is one, else SOP."""
    build = STANDARD.get(_cover_kind(gate))
    return build(args) if build else _sum_of_products(gate, args)


def from_netlist(netlist):
    """A :class:`catlearn.netlist.Netlist` as a diagram of gate boxes.

    Inputs and outputs keep the netlist's order; each ``.names`` cover becomes
    its standard gate (and, or, xor, their negations, not) or a sum of
    products of ``and``, ``or`` and ``not``.

    >>> from catlearn.netlist import Netlist
    >>> half = Netlist.from_gates("half", "ab", ["s", "c"],
    ...                           [("s", "xor", "ab"), ("c", "and", "ab")])
    >>> [b.name for b in from_netlist(half).boxes]
    ['Copy(Z2)', 'Copy(Z2)', 'Swap(Z2, Z2)', 'xor', 'Swap(Z2, Z2)', 'and', 'Swap(Z2, Z2)']
    """
    def run(*xs):
        env = dict(zip(netlist.inputs, xs))
        for g in netlist.gates:
            env[g.output] = _gate(g, [env[s] for s in g.inputs])
        return tuple(env[s] for s in netlist.outputs)
    return trace(sig.bits(len(netlist.inputs)), run)
