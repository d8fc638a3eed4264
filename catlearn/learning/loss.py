"""Loss maps as parametrised maps whose parameter is the label: ``Para(Y, l : Y @ B -> L)``.

CFGBL (Def. 3.1 and Sec. 3.1) treats a loss as a map ``l : B @ B -> L`` whose first
input, the label, is the parameter; under ``Para(R)`` it becomes a lens whose backward
pass sends the loss cotangent to a prediction cotangent.  Here:

* ``mse``: ``1/2 sum_i (p_i - t_i)^2`` per example (the papers' form: its reverse
  derivative in ``p`` is ``p - t``);
* ``softmax_cross_entropy``: ``-sum_i t_i log softmax(p)_i`` on logits: the fused,
  stable ``log_softmax`` generator then ``cross_entropy`` (reverse derivative in ``p``
  exactly ``softmax(p) - t`` for a one-hot ``t``);
* ``binary_cross_entropy``: ``sum_i log(1 + e^p_i) - t_i p_i`` on logits;
* ``dot``: ``sum_i t_i p_i`` (deep dreaming: ascend an activation pattern ``t``);
* ``z2_error``: ``t + p`` over Z2 (XOR): the error bits, one per output wire and example.

Reduction: with ``reduction="mean"`` (the default) the per-example losses are averaged
over the batch by ``batch_mean`` into ``L = P``, an unbatched scalar, so gradients are
batch means as in every other framework; ``reduction="none"`` keeps ``L = R`` per
example.  The Z2 error is always per example.

>>> import numpy as np
>>> loss = mse(2)
>>> loss.param, loss.dom, loss.cod
(Ty(R^2), Ty(R^2), Ty(P))
>>> t, p = np.array([[0.0, 1.0], [1.0, 1.0]]), np.array([[1.0, 1.0], [1.0, 3.0]])
>>> float(loss(t, p)[0])
1.25
"""

from __future__ import annotations

from catlearn import smooth, z2
from catlearn.core import Ty, trace
from catlearn.learning import ops
from catlearn.para import Para
from catlearn.smooth import real

REDUCTIONS = ("mean", "none")


def _para(n, per_example, reduction: str, mean=None) -> Para:
    """``Para(Y, (t, p) |-> reduce(per_example(t, p)))`` on the wire ``R^n``.

    ``mean``, if given, computes the batch mean directly (a fused generator).
    """
    if reduction not in REDUCTIONS:
        raise ValueError(f"unknown reduction {reduction!r}; expected one of {REDUCTIONS}")
    w = real(n)

    def run(t, p):
        if reduction == "mean" and mean is not None:
            return mean(w, t, p)
        value = per_example(w, t, p)
        return ops.batch_mean(value.type)(value) if reduction == "mean" else value
    return Para.of(trace(Ty(w, w), run, smooth.backend))


def mse(n, reduction: str = "mean") -> Para:
    """Squared error ``1/2 sum_i (p_i - t_i)^2`` per example, label ``t`` as parameter.

    >>> from catlearn import R
    >>> import numpy as np
    >>> t, p = np.array([[1.0, 0.0]]), np.array([[3.0, 0.5]])
    >>> R(mse(2, "none").f)(t, p, np.ones(1))[1].tolist()
    [[2.0, 0.5]]
    """
    return _para(n, lambda w, t, p: 0.5 * smooth.sum_gen(w)(_square(p - t)), reduction)


def _square(x):
    return x * x


def softmax_cross_entropy(n, reduction: str = "mean") -> Para:
    """Cross-entropy of ``softmax(p)`` against ``t``, through the stable ``log_softmax``.

    >>> import numpy as np
    >>> t, p = np.array([[0.0, 1.0]]), np.array([[1000.0, 0.0]])
    >>> float(softmax_cross_entropy(2)(t, p)[0])
    1000.0
    """
    return _para(n, lambda w, t, p: ops.cross_entropy(w)(t, ops.log_softmax(w)(p)), reduction,
                 lambda w, t, p: ops.mean_cross_entropy(w)(t, ops.log_softmax(w)(p)))


def binary_cross_entropy(n, reduction: str = "mean") -> Para:
    """``sum_i log(1 + e^p_i) - t_i p_i``: binary cross-entropy of ``sigmoid(p)`` against ``t``.

    >>> import numpy as np
    >>> round(float(binary_cross_entropy(1)(np.array([[1.0]]), np.array([[0.0]]))[0]), 4)
    0.6931
    """
    return _para(n, lambda w, t, p: smooth.sum_gen(w)(ops.sigmoid_cross_entropy(w)(t, p)), reduction)


def dot(n, reduction: str = "mean") -> Para:
    """``(t, p) |-> sum_i t_i p_i``: the activation of pattern ``t`` (deep dreaming).

    >>> import numpy as np
    >>> float(dot(2, "none")(np.array([[1.0, 2.0]]), np.array([[3.0, 4.0]]))[0][0])
    11.0
    """
    return _para(n, lambda w, t, p: smooth.sum_gen(w)(t * p), reduction)


def z2_error(n: int) -> Para:
    """``(t, p) |-> t + p`` over Z2 on ``n`` wires: 1 where the prediction is wrong.

    >>> from catlearn import z2
    >>> t, p = z2.pack([[1], [0]]), z2.pack([[0], [0]])
    >>> z2.unpack(z2_error(1)(*t, *p), 2).ravel().tolist()
    [1, 0]
    """
    return Para.of(trace(z2.bits(2 * n), lambda *v: tuple(
        v[i] + v[n + i] for i in range(n)), z2.backend), n)


LOSSES = {f.__name__: f for f in (mse, softmax_cross_entropy, binary_cross_entropy)}


def named(name: str):
    """The loss constructor called ``name`` (a key of ``LOSSES``), or a clear error."""
    try:
        return LOSSES[name]
    except KeyError:
        raise ValueError(f"unknown loss {name!r}; known losses: {', '.join(LOSSES)}") from None


__all__ = ["mse", "softmax_cross_entropy", "binary_cross_entropy", "dot", "z2_error",
           "LOSSES", "named"]
