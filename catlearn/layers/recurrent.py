"""Recurrent layers: Elman and GRU cells as parametrised maps of St(Smooth), and sequence models.

A cell is a :class:`~catlearn.stateful.Stateful` map whose transition is
``P @ x @ h -> y @ h'`` with its first wires the parameters ``P`` (shared by every step
when unrolled): :func:`elman` (``h' = tanh(W x + U h + b)``) and :func:`gru` (PyTorch's
gate equations and parameter count).  :func:`sequence_model` turns a cell and a dense
readout into an ordinary :class:`~catlearn.Para` ``P @ R^(T x d) -> R^k`` (the readout of
the last step) or ``-> R^(T x k)`` (every step), so :func:`catlearn.fit` trains it and
``R`` of the unrolled map is backpropagation through time.

The sequence wire is cut into steps by the generator ``unstack`` and put back by
``stack`` (registered here in the Smooth table, each the other's reverse derivative).
Sequences in a batch have equal length, or are padded at the end (:func:`pad`) with a
mask as their last feature: with ``masked=True`` a padded step leaves the state as it was
(``h <- h + m (h' - h)``) and reads out zero, so the last-step readout is the readout of
each sequence's own last step.

**Truncated BPTT** (``truncate=k``): the state passes through ``detach`` every ``k``
steps, a generator whose forward map is the identity and whose reverse derivative is zero:
the gradient of the loss then flows back at most ``k`` steps through the state (the
forward pass is unchanged).  ``detach`` is a training device, not a map of Smooth: its
reverse derivative is not the identity's.

>>> import numpy as np
>>> model = sequence_model(elman(2, 4), length=5, n_out=1)
>>> model.param
Ty(P^4x2, P^4x4, P^4, P^1x4, P^1)
>>> params = init_params(model, seed=0)
>>> model(*params, np.zeros((3, 5, 2)))[0].shape
(3, 1)
"""

from __future__ import annotations

import numpy as np

from catlearn import smooth
from catlearn.backend import Rule
from catlearn.core import Generator, Ty, trace, wires
from catlearn.para import Para
from catlearn.stateful import Stateful, reset

# -- the generators that cut a sequence into steps -----------------------------------


def unstack_gen(length: int, d: int) -> Generator:
    """``R^(T x d) -> R^d @ ... @ R^d``: the steps of a sequence (batch first)."""
    return Generator("unstack", Ty(smooth.Real((length, d))), Ty(*[smooth.Real((d,))] * length))


def stack_gen(length: int, d: int) -> Generator:
    """``R^d @ ... @ R^d -> R^(T x d)``: steps back into one sequence wire."""
    return Generator("stack", Ty(*[smooth.Real((d,))] * length), Ty(smooth.Real((length, d))))


def unstack_masked_gen(length: int, d: int) -> Generator:
    """``R^(T x (d+1)) -> (R^d @ R) @ ...``: each step's features and its mask (the last one)."""
    return Generator("unstack_masked", Ty(smooth.Real((length, d + 1))),
                     Ty(*[smooth.Real((d,)), smooth.Real(())] * length))


def stack_masked_gen(length: int, d: int) -> Generator:
    """The inverse of :func:`unstack_masked` (its reverse derivative)."""
    return Generator("stack_masked", Ty(*[smooth.Real((d,)), smooth.Real(())] * length),
                     Ty(smooth.Real((length, d + 1))))


def detach_gen(w) -> Generator:
    """Identity forward, zero reverse derivative: where truncated BPTT cuts the gradient."""
    return Generator("detach", Ty(w), Ty(w))


def _dims(g) -> tuple[int, int]:
    shape = (g.dom if g.name == "unstack" else g.cod)[0].shape
    return shape[0], shape[1]


smooth.backend.register("unstack", Rule(
    lambda g, xp: lambda x: tuple(x[:, t] for t in range(x.shape[1])),
    lambda g: lambda x, *dys: stack_gen(*_dims(g))(*dys)))
smooth.backend.register("stack", Rule(
    lambda g, xp: lambda *xs: xp.stack(xs, axis=1),
    lambda g: lambda *v: unstack_gen(*_dims(g))(v[-1])))


def _masked_dims(g) -> tuple[int, int]:
    shape = (g.dom if g.name == "unstack_masked" else g.cod)[0].shape
    return shape[0], shape[1] - 1


smooth.backend.register("unstack_masked", Rule(
    lambda g, xp: lambda x: tuple(part for t in range(x.shape[1])
                                  for part in (x[:, t, :-1], x[:, t, -1])),
    lambda g: lambda x, *dys: stack_masked_gen(*_masked_dims(g))(*dys)))
smooth.backend.register("stack_masked", Rule(
    lambda g, xp: lambda *v: xp.stack([xp.concatenate([v[i], v[i + 1][:, None]], axis=1)
                                       for i in range(0, len(v), 2)], axis=1),
    lambda g: lambda *v: unstack_masked_gen(*_masked_dims(g))(v[-1])))
smooth.backend.register("detach", Rule(
    lambda g, xp: lambda x: x,
    lambda g: lambda x, dy: smooth.STRUCTURE["zero_like"](x.type)(x),
    (lambda g, xp: lambda x, y, dy: np.zeros_like(dy),)))


# -- cells ---------------------------------------------------------------------------


def _affine(W, x, n_in, n_out, *, b=None):
    y = smooth.linear(n_in, n_out)(W, x)
    return y if b is None else smooth.bias(n_out)(b, y)


def elman(n_in: int, n_hidden: int) -> Stateful:
    """The Elman cell ``(W, U, b, x, h) |-> (h', h')``, ``h' = tanh(W x + U h + b)``, reset 0."""
    p, r = smooth.Real, smooth.Real((n_hidden,))
    dom = Ty(p((n_hidden, n_in), False), p((n_hidden, n_hidden), False), p((n_hidden,), False),
             smooth.Real((n_in,)), r)

    def step(W, U, b, x, h):
        z = _affine(W, x, n_in, n_hidden) + _affine(U, h, n_hidden, n_hidden, b=b)
        h1 = smooth.tanh(n_hidden)(z)
        return h1, h1
    return Stateful.of(trace(dom, step, smooth.backend), 1)


def gru(n_in: int, n_hidden: int) -> Stateful:
    """The GRU cell (PyTorch's equations): ``3 H (d + H) + 6 H`` parameters, reset 0.

    ``r = s(W_r x + b_r + U_r h + c_r)``, ``z = s(W_z x + b_z + U_z h + c_z)``,
    ``n = tanh(W_n x + b_n + r * (U_n h + c_n))``, ``h' = (1 - z) * n + z * h``.
    Parameters: ``W_r, W_z, W_n, U_r, U_z, U_n, b_r, b_z, b_n, c_r, c_z, c_n``.
    """
    H, d, p = n_hidden, n_in, smooth.Real
    dom = Ty(*[p((H, d), False)] * 3, *[p((H, H), False)] * 3, *[p((H,), False)] * 6,
             smooth.Real((d,)), smooth.Real((H,)))

    def step(*v):
        (Wr, Wz, Wn, Ur, Uz, Un, br, bz, bn, cr, cz, cn), x, h = v[:12], v[12], v[13]
        gate = smooth.sigmoid(H)
        r = gate(_affine(Wr, x, d, H, b=br) + _affine(Ur, h, H, H, b=cr))
        z = gate(_affine(Wz, x, d, H, b=bz) + _affine(Uz, h, H, H, b=cz))
        n = smooth.tanh(H)(_affine(Wn, x, d, H, b=bn) + r * _affine(Un, h, H, H, b=cn))
        h1 = (1.0 - z) * n + z * h
        return h1, h1
    return Stateful.of(trace(dom, step, smooth.backend), 1)


def n_cell_params(cell: Stateful) -> int:
    """Number of parameter wires of a cell (its unbatched input wires)."""
    return sum(not w.batched for w in cell.dom)


# -- sequence models -----------------------------------------------------------------


def sequence_model(cell: Stateful, length: int, n_out: int, *, each_step: bool = False,
                   truncate: int | None = None, masked: bool = False) -> Para:
    """The cell unrolled over ``length`` steps with a dense readout, as a ``Para``.

    Args:
        cell: a cell of this module (parameters first, one input and one state wire).
        length: steps per sequence.
        n_out: outputs of the readout ``V h + c``.
        each_step: read out every step (``R^(T x n_out)``) instead of the last one.
        truncate: cut the gradient through the state every ``truncate`` steps.
        masked: the input's last feature is a 0/1 mask of the real steps (see :func:`pad`).

    Parameters are the cell's, then the readout's ``V``, ``c``.
    """
    k = n_cell_params(cell)
    x_w, h_w = cell.dom[k], cell.state[0]
    d, H = x_w.shape[0], h_w.shape[0]
    dom = cell.dom[:k] @ Ty(smooth.Real((n_out, H), False), smooth.Real((n_out,), False),
                            smooth.Real((length, d + masked)))

    def program(*v):
        params, (V, c, seq) = v[:k], v[k:]
        steps = wires((unstack_masked_gen if masked else unstack_gen)(length, d)(seq))
        xs, ms = (steps[0::2], steps[1::2]) if masked else (steps, (None,) * length)
        state, outs = reset(cell, xs[:1]), []
        for t, (x, m) in enumerate(zip(xs, ms)):
            if truncate and t and t % truncate == 0:
                state = tuple(detach_gen(s.type)(s) for s in state)
            out = wires(cell.f(*params, x, *state))
            y, new = out[0], out[1:]
            if m is not None:  # a padded step keeps the state
                new = tuple(s + smooth.expand_gen(s.type)(m, s) * (n - s)
                            for s, n in zip(state, new))
            state = new
            if each_step or t == length - 1:
                z = _affine(V, state[0] if m is not None and not each_step else y, H, n_out, b=c)
                outs.append(smooth.expand_gen(z.type)(m, z) * z if m is not None and each_step
                            else z)
        return stack_gen(length, n_out)(*outs) if each_step else outs[0]
    f = trace(dom, program, smooth.backend)
    return Para(f.dom[:k + 2], f)


def init_params(model: Para, seed: int = 0) -> list[np.ndarray]:
    """Uniform weights in ``[-1/sqrt(fan_in), 1/sqrt(fan_in)]``, seeded (biases by their length)."""
    rng = np.random.default_rng(seed)
    params = []
    for w in model.param:
        fan = w.shape[-1] if len(w.shape) > 1 else w.shape[0]
        bound = 1.0 / np.sqrt(fan)
        params.append(rng.uniform(-bound, bound, w.shape))
    return params


def pad(sequences) -> np.ndarray:
    """Sequences of different lengths ``(T_i, d)`` padded at the end, mask last: ``(n, T, d + 1)``.

    >>> pad([np.ones((2, 1)), np.ones((3, 1))])[:, :, 1].tolist()
    [[1.0, 1.0, 0.0], [1.0, 1.0, 1.0]]
    """
    length, d = max(len(s) for s in sequences), np.shape(sequences[0])[1]
    out = np.zeros((len(sequences), length, d + 1))
    for i, s in enumerate(sequences):
        out[i, :len(s), :d], out[i, :len(s), d] = s, 1.0
    return out
