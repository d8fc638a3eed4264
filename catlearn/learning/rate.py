"""Learning rates as lenses ``(L, L) -> (1, 1)`` (CFGBL Sec. 3.2).

A learning rate closes the loss port of a learner: forward it discards the loss, backward
it produces the loss cotangent that starts the reverse pass.

* Smooth: :func:`constant` sends back the constant ``-eps``, so the parameter port
  receives ``-eps`` times the gradient and a gradient update is ``p' = p + d``.
* Z2: :func:`identity` keeps the loss (the error bits) as its residual and sends it back
  unchanged: over Z2 the error is its own cotangent (Wilson, Zanasi, RDA).

>>> import numpy as np
>>> from catlearn import smooth
>>> from catlearn.core import Ty
>>> alpha = constant(0.1, Ty(smooth.Real((), batched=False)))
>>> alpha
Lens((P, P) -> (1, 1), residual 1)
>>> alpha.put(np.array(2.5))[0].tolist()
-0.1
"""

from __future__ import annotations

from catlearn import smooth
from catlearn.core import Generator, Map, Ty, tensor
from catlearn.lens import Lens


def constant(eps: float, loss: Ty) -> Lens:
    """The Smooth lens with ``get = discard`` and ``put = -eps`` on every wire of ``loss``."""
    value = -float(eps)
    bwd = tensor(*(Map.gen(Generator("constant", Ty(), Ty(w), value), smooth.backend)
                   for w in loss))
    return Lens(Map.discard(loss, smooth.backend), bwd, Ty())


def identity(loss: Ty, backend) -> Lens:
    """The lens with ``get = discard`` and ``put(l) = l``: the loss is its own cotangent.

    >>> from catlearn import z2
    >>> rate = identity(z2.bits(1), z2.backend)
    >>> rate.put(z2.pack([[1]])[0])[0].tolist()
    [1]
    """
    return Lens(Map.id(loss, backend), Map.id(loss, backend), Ty(*loss))
