"""The reverse derivative as a functor from diagrams to diagrams.

Each generator's reverse derivative is itself a diagram, given as an optic
with its residual on the left (:func:`optic`): ``fwd : A -> M @ B`` computes
the output and keeps what the backward pass needs, ``bwd : M @ B' -> A'``
turns output cotangents into input cotangents.  :func:`reverse` lays these
optics out layer by layer: forward parts left to right, each residual slid
to the far left, then backward parts in reverse order, so ``R(d)`` grows
linearly with ``d`` (a naive lens composite would be quadratic).

For ``d : A -> B`` with parameters ``P`` (named ``Param`` boxes),
``R(d) : A @ B' -> P' @ A'`` keeps the parameter boxes on its forward side
and returns the parameters' cotangents first, so that (tested on every
backend) ``interpret(reverse(d), b).map`` equals ``catlearn.R(interpret(d, b).map)``.
A parameter used twice gets the sum of its cotangents.

The gates' reverse derivatives are the partial derivatives of their
polynomials, written with ring generators: read mod 2 they are the Z2
reverse derivative, over the reals that of the multilinear relaxation.

>>> from catlearn.diagrams import signature as sig
>>> fwd, bwd = optic(sig.sigmoid(2))
>>> print(fwd.cod, "|", bwd.dom, "->", bwd.cod)
R2 @ R2 | R2 @ R2 -> R2
>>> r = reverse(sig.exp(2) >> sig.tanh(2))
>>> print(r.dom, "->", r.cod)
R2 @ R2 -> R2
"""

from __future__ import annotations

import functools

from discopy import markov

from catlearn.diagrams import signature as sig
from catlearn.diagrams.wiring import Writer, placed_boxes, trace, wires


def _inputs(box, *xs):
    """Forward part keeping the inputs as residual."""
    return xs, box(*xs)


def _output(box, *xs):
    """Forward part keeping the output as residual."""
    y = box(*xs)
    return (y,), y


def _none(box, *xs):
    """Forward part with no residual."""
    return (), box(*xs)


def _dims(box, k=0):
    return sig.shape(box.dom.inside[k])


def _nothing(dy):
    """A zero cotangent batched like ``dy`` (a bare ``zero`` would broadcast, and then
    meeting a parameter it would sum over no batch)."""
    return sig.zero_like(dy.atom)(dy)


def _softmax(box, s, dy):
    n = _dims(box)
    sd = s * dy
    return sd - s * sig.expand(n)(sig.sum_(n)(sd), s)


OPTICS = {  # kind: (forward part, backward part), each a function of wires
    "linear": (_inputs, lambda box, W, x, dy: (sig.outer(*_dims(box))(dy, x),
                                              sig.linear_t(*_dims(box))(W, dy))),
    "linear_t": (_inputs, lambda box, W, u, dv: (sig.outer(*_dims(box))(u, dv),
                                                sig.linear(*_dims(box)[::-1])(W, dv))),
    "outer": (_inputs, lambda box, a, b, dW: (
        sig.linear(_dims(box, 1)[0], _dims(box)[0])(dW, b),
        sig.linear_t(_dims(box)[0], _dims(box, 1)[0])(dW, a))),
    "bias": (_none, lambda box, dy: (sig.batch_sum(_dims(box, 1))(dy), dy)),
    "exp": (_output, lambda box, y, dy: dy * y),
    "log": (_inputs, lambda box, x, dy: dy * sig.reciprocal(x.atom)(x)),
    "reciprocal": (_output, lambda box, y, dy: -(dy * y * y)),
    "sqrt": (_output, lambda box, y, dy: (0.5 * dy) * sig.reciprocal(y.atom)(y)),
    "sigmoid": (_output, lambda box, s, dy: dy * s * (1 - s)),
    "tanh": (_output, lambda box, t, dy: dy * (1 - t * t)),
    "relu": (_inputs, lambda box, x, dy: dy * sig.step(x.atom)(x)),
    "step": (_none, lambda box, dy: _nothing(dy)),
    "softmax": (_output, _softmax),
    "sum": (_inputs, lambda box, x, dz: sig.expand(_dims(box))(dz, x)),
    "expand": (_none, lambda box, dy: (sig.sum_(_dims(box, 1))(dy), _nothing(dy))),
    "batch_sum": (_inputs, lambda box, x, dp: sig.spread(_dims(box))(dp, x)),
    "spread": (_none, lambda box, dy: (sig.batch_sum(_dims(box, 1))(dy), _nothing(dy))),
    "add": (_none, lambda box, dz: (dz, dz)),
    "mul": (_inputs, lambda box, x, y, dz: (dz * y, dz * x)),
    "neg": (_none, lambda box, dz: -dz),
    "scale": (_none, lambda box, dz: box.spec.data * dz),
    "shift": (_none, lambda box, dz: dz),
    "zero": (_none, lambda box, dz: ()),
    "constant": (_none, lambda box, dz: ()),
    "zero_like": (_none, lambda box, dz: _nothing(dz)),
}


# -- gates: partial derivatives of their polynomials -------------------------------------


def _partial(terms, i) -> dict:
    """``d/dx_i`` of a multilinear polynomial given as ``((monomial, coefficient), ...)``."""
    out: dict = {}
    for monomial, c in terms:
        if i in monomial:
            rest = tuple(j for j in monomial if j != i)
            out[rest] = out.get(rest, 0) + c
    return {m: c for m, c in out.items() if c}


def _needed(box) -> tuple[int, ...]:
    """The inputs the gate's partial derivatives read."""
    k = len(box.dom)
    return tuple(sorted({j for i in range(k) for m in _partial(box.spec.data, i) for j in m}))


def _times_polynomial(dz, poly: dict, xs: dict):
    """``dz * poly(xs)`` with ring generators (no product when ``poly`` is constant)."""
    const = poly.get((), 0)
    total = None
    for monomial, c in sorted(poly.items()):
        if monomial:
            term = c * functools.reduce(lambda u, v: u * v, (xs[j] for j in monomial))
            total = term if total is None else total + term
    if total is None:
        return const * dz if const else _nothing(dz)
    return dz * (total + const)


def _gate_forward(box, *xs):
    return tuple(xs[i] for i in _needed(box)), box(*xs)


def _gate_backward(box, *args):
    *res, dz = args
    xs = dict(zip(_needed(box), res))
    return tuple(_times_polynomial(dz, _partial(box.spec.data, i), xs)
                 for i in range(len(box.dom)))


OPTICS["gate"] = (_gate_forward, _gate_backward)


# -- the functor ------------------------------------------------------------------------

_WIRING = (markov.Swap, markov.Copy, markov.Merge)


@functools.lru_cache(maxsize=None)
def optic(box) -> tuple[markov.Diagram, markov.Diagram]:
    """``(fwd : A -> M @ B, bwd : M @ B' -> A')``, the reverse derivative of one box.

    Wiring is its own optic with no residual: copy goes back as merge (sum),
    merge as copy, swap as swap.  Discard goes back as zero, batched like the
    discarded wire, which it keeps as residual.
    """
    if type(box) in _WIRING:
        return box, box.dagger()
    if type(box) is markov.Discard:
        return markov.Id(box.dom), sig.zero_like(box.dom)
    if not isinstance(box, sig.Box) or isinstance(box, sig.Param) or box.kind not in OPTICS:
        raise NotImplementedError(f"no reverse derivative for box {box} "
                                  f"({box.dom} -> {box.cod})")
    forward, backward = OPTICS[box.kind]
    size = []

    def fwd_fn(*xs):
        res, out = forward(box, *xs)
        size.append(len(res))
        return (*res, *wires(out))
    fwd = trace(box.dom, fwd_fn)
    m = size[0]
    bwd = trace(markov.Ty(*fwd.cod.inside[:m]) @ box.cod, lambda *v: backward(box, *v))
    return fwd, bwd


def residual_size(box) -> int:
    """The number of wires in the residual of ``optic(box)``."""
    fwd, _ = optic(box)
    return len(fwd.cod) - len(box.cod)


def reverse(diagram) -> markov.Diagram:
    """``R(d) : A @ B' -> P' @ A'``, the diagram of the reverse derivative of ``d``.

    >>> from catlearn.diagrams import builtin
    >>> r = reverse(builtin.dense_diagram(3, 2, "tanh", "L"))
    >>> print(r.dom, "->", r.cod)
    R3 @ R2 -> P2x3 @ P2 @ R3
    """
    writer = Writer(diagram.dom @ diagram.cod)
    steps, n_res = [], 0
    for box, offset in placed_boxes(diagram):
        m = _forward(writer, box, offset, n_res)
        steps.append((box, offset, n_res, m))
        n_res += m
    for _ in diagram.cod.inside:
        writer.discard(n_res)
    grads: list = []
    for box, offset, n_res, m in reversed(steps):
        _backward(writer, box, offset, n_res, m, grads)
    _collect(writer, grads)
    return writer.diagram()


def split(diagram) -> tuple[markov.Diagram, markov.Diagram, markov.Ty]:
    """``R(d)`` cut at its residual: ``fwd : A -> M @ B``, ``bwd : M @ B' -> P' @ A'``, ``M``.

    The optic of the whole diagram, so that ``bwd`` never re-runs the
    forward pass; :func:`lens` reads it as a catlearn :class:`~catlearn.Lens`.

    >>> from catlearn.diagrams import builtin
    >>> fwd, bwd, res = split(builtin.dense_diagram(3, 2, "tanh", "L"))
    >>> print(fwd.cod, "|", bwd.dom, "->", bwd.cod)
    P2x3 @ R3 @ R2 @ R2 | P2x3 @ R3 @ R2 @ R2 -> P2x3 @ P2 @ R3
    """
    forward = Writer(diagram.dom)
    steps, n_res = [], 0
    for box, offset in placed_boxes(diagram):
        m = _forward(forward, box, offset, n_res)
        steps.append((box, offset, n_res, m))
        n_res += m
    fwd = forward.diagram()
    res = markov.Ty(*fwd.cod.inside[:n_res])
    backward, grads = Writer(res @ diagram.cod), []
    for box, offset, n_res, m in reversed(steps):
        _backward(backward, box, offset, n_res, m, grads)
    _collect(backward, grads)
    return fwd, backward.diagram(), res


def lens(diagram, backend):
    """The catlearn :class:`~catlearn.Lens` ``(P @ A, P' @ A') -> (B, B')`` of ``diagram``.

    Its ``fwd`` and ``bwd`` are the interpretations of :func:`split`'s diagrams.
    """
    from catlearn.diagrams.interpret import interpret
    from catlearn.lens import Lens
    fwd, bwd, res = split(diagram)
    fwd_map, bwd_map = interpret(fwd, backend).map, interpret(bwd, backend).map
    return Lens(fwd_map, bwd_map, fwd_map.cod[:len(res)])


def _forward(writer, box, offset, n_res) -> int:
    """Write the forward part of ``box``; slide its residual left; its size."""
    at = n_res + offset
    if isinstance(box, sig.Param):
        writer.box(box, at)
        return 0
    fwd, _ = optic(box)
    writer.inline(fwd, at)
    m = len(fwd.cod) - len(box.cod)
    for j in range(m):
        writer.move(at + j, n_res + j)
    return m


def _backward(writer, box, offset, n_res, m, grads) -> None:
    """Write the backward part of ``box``; a parameter's cotangent joins ``grads``."""
    if isinstance(box, sig.Param):
        at = n_res + offset
        grads.insert(0, (box.name, writer.ids[at]))
        writer.move(at, len(writer.ids) - len(grads))
        return
    _, bwd = optic(box)
    for j in reversed(range(m)):
        writer.move(n_res + j, n_res + j + offset)
    writer.inline(bwd, n_res + offset)


def _collect(writer, grads) -> None:
    """Bring parameter cotangents to the front, one per name (summed), in first-use order."""
    names = list(dict.fromkeys(name for name, _ in grads))
    for t, name in enumerate(names):
        mine = [i for n, i in grads if n == name]
        for k, wire in enumerate(mine):
            writer.move(writer.ids.index(wire), t + k)
        if len(mine) > 1:
            writer.merge(t, len(mine), writer.obs[t])
