"""Maps, lenses, parametrised maps and netlists as graphs of boxes and wires.

Each reader below looks only at the attributes it needs (``ops``, ``fwd``,
``gates``...), so that this module sits below everything it draws: the
classes call it from their ``_repr_svg_``, and nothing here imports them.

* A map's program: its operations are the boxes, its registers the wires.
* A lens (an optic ``fwd : A -> M @ B``, ``bwd : M @ B' -> A'``): both
  programs in one picture, the residual ``M`` running from the forward
  boxes down to the backward ones; cotangent wires are primed (``R^2'``).
* A parametrised map: its parameter wires start at their names, just above
  the box that reads them.
* A netlist: its gates, every wire named by its net.

>>> from catlearn import smooth
>>> g = map_graph(smooth.exp(2) >> smooth.sigmoid(2))
>>> [n.label for n in g.nodes], [g.labels[w] for w in g.inputs]
(['exp', 'sigmoid'], ['R^2'])
"""

from __future__ import annotations

from catlearn.display.graph import Graph, Node

LABEL = 22  # longest box label drawn in full; longer ones show the generator's name


def fold(wires, shown: int = 4) -> str:
    """A list of wire types as text, folded past ``shown`` wires.

    >>> fold(["R^3", "P^8x4"] * 6)
    'R^3 @ P^8x4 @ ... @ P^8x4 (12 wires)'
    >>> fold([])
    '1'
    """
    names = [w if isinstance(w, str) else repr(w) for w in wires]
    if len(names) <= shown:
        return " @ ".join(names) or "1"
    return " @ ".join(names[:2]) + f" @ ... @ {names[-1]} ({len(names)} wires)"


def _label(gen) -> str:
    text = repr(gen)
    return text if len(text) <= LABEL else gen.name


def wire_labels(types: dict, names: dict, boundary) -> dict:
    """Each wire's label: its name, else its type where types tell wires apart.

    Boundary wires always show their type; inner ones only when the picture
    has more than one type (a circuit of bits is not labelled ``Z2`` everywhere).
    """
    several = len(set(types.values())) > 1
    shown = set(boundary)
    labels = {w: t for w, t in types.items() if several or w in shown}
    labels.update(names)
    return labels


def map_graph(f, names=(), tag="", primed=False) -> Graph:
    """The graph of a map's program; its first inputs drawn as parameters named ``names``."""
    k = len(names)
    wire = (lambda r: (tag, r)) if tag else (lambda r: r)
    params = tuple(Node(name, (), (wire(r),), "param") for name, r in zip(names, f.inputs))
    nodes = params + tuple(Node(_label(op.gen), tuple(map(wire, op.ins)),
                                tuple(map(wire, op.outs))) for op in f.ops)
    types = {wire(r): repr(t) for r, t in enumerate(f.types)}
    inputs, outputs = tuple(map(wire, f.inputs[k:])), tuple(map(wire, f.outputs))
    labels = wire_labels(types, {p.outs[0]: p.label for p in params}, inputs + outputs)
    return Graph(inputs, nodes, outputs, labels)


def lens_graph(lens, names=()) -> Graph:
    """The optic as one graph: ``A @ B'`` in, ``B @ A'`` out, the residual in between."""
    fwd, bwd, m = lens.fwd, lens.bwd, len(lens.res)
    top = map_graph(fwd, names, tag="f")
    res = {("b", r): ("f", o) for r, o in zip(bwd.inputs[:m], fwd.outputs[:m])}

    def wire(r):
        return res.get(("b", r), ("b", r))
    nodes = tuple(Node(_label(op.gen), tuple(map(wire, op.ins)), tuple(map(wire, op.outs)))
                  for op in bwd.ops)
    back_in, back_out = tuple(map(wire, bwd.inputs[m:])), tuple(map(wire, bwd.outputs))
    types = {("b", r): repr(t) + "'" for r, t in enumerate(bwd.types) if ("b", r) not in res}
    named = {o: f"{name}'" for name, o in zip(names, back_out)}
    labels = dict(top.labels)
    labels.update(wire_labels(types, named, back_in + back_out))
    return Graph(top.inputs + back_in, top.nodes + nodes, top.outputs[m:] + back_out, labels)


def para_graph(para) -> Graph:
    """A parametrised map: its parameter wires start at their names (types if unnamed)."""
    names = para.names or tuple(repr(w) for w in para.param)
    if hasattr(para.f, "fwd"):  # a Para over lenses
        return lens_graph(para.f, names)
    return map_graph(para.f, names)


# -- netlists ------------------------------------------------------------------------


def _kinds(k: int) -> dict:
    """Truth tables (as tuples over the 2**k input rows) of the standard gates of arity k."""
    rows = [tuple((i >> (k - 1 - j)) & 1 for j in range(k)) for i in range(2 ** k)]
    tables = {"and": [all(r) for r in rows], "or": [any(r) for r in rows],
              "xor": [sum(r) % 2 == 1 for r in rows]}
    named = {name: tuple(map(int, t)) for name, t in tables.items()}
    named.update({("xnor" if name == "xor" else "n" + name): tuple(1 - v for v in t)
                  for name, t in named.items()})
    if k == 1:
        named = {"buf": (0, 1), "not": (1, 0)}
    if k == 3:
        named["maj"] = tuple(int(sum(r) >= 2) for r in rows)
    return {t: name for name, t in named.items()}


def gate_label(gate) -> str:
    """The name of a gate's cover when it is a standard gate (``and``, ``xor``...), else ``sop``.

    >>> from catlearn.netlist import gate
    >>> gate_label(gate("s", "xor", "ab")), gate_label(gate("c", "nand", "abc"))
    ('xor', 'nand')
    """
    k = len(gate.inputs)
    if k == 0:
        return "one" if any(v == "1" for _, v in gate.cover) != gate.is_offset else "zero"
    if k > 6:
        return f"sop{k}"
    table = []
    for i in range(2 ** k):
        bits = format(i, f"0{k}b")
        hit = any(all(c in ("-", b) for c, b in zip(pattern, bits)) for pattern, _ in gate.cover)
        table.append(int(hit != gate.is_offset))
    return _kinds(k).get(tuple(table), f"sop{k}")


def netlist_graph(netlist) -> Graph:
    """A netlist's gates as boxes, every wire labelled with its net's name.

    A latch's present state enters at the top beside the inputs, and its next
    state leaves at the bottom beside the outputs.
    """
    latches = tuple(getattr(netlist, "latches", ()))
    nodes = tuple(Node(gate_label(g), tuple(g.inputs), (g.output,)) for g in netlist.gates)
    inputs = tuple(netlist.inputs) + tuple(latch.output for latch in latches)
    outputs = tuple(netlist.outputs) + tuple(latch.input for latch in latches)
    nets = set(inputs) | {g.output for g in netlist.gates}
    return Graph(inputs, nodes, outputs, {n: n for n in nets})
