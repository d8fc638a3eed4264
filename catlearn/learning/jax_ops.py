"""The learning generators (:mod:`catlearn.learning.ops`) on the JAX backend.

Each keeps its numpy rule's traced reverse derivative; the forwards that numpy writes
with ufunc methods or in-place updates get JAX versions here, the others read as they are.

>>> import numpy as np
>>> from catlearn import jax_backend, smooth
>>> from catlearn.core import Map
>>> from catlearn.learning import ops
>>> f = Map.gen(ops.log_softmax(smooth.Real((2,))), smooth.backend).to(jax_backend.backend)
>>> [round(float(v), 4) for v in f(np.zeros((1, 2)))[0][0]]
[-0.6931, -0.6931]
"""

from __future__ import annotations

from catlearn.jax_backend import jax, register
from catlearn.learning import ops  # noqa: F401 - the numpy rules whose reverses are read here

FORWARD = {
    "log_softmax": lambda g, xp: lambda x: jax.nn.log_softmax(x, axis=-1),
    "mean_cross_entropy": lambda g, xp: lambda t, y: -(t * y).sum() / len(t),
}
PORTABLE = ("batch_mean", "spread_mean", "cross_entropy", "sigmoid_cross_entropy", "divide",
            "power")

for _name, _forward in FORWARD.items():
    register(_name, _forward)
for _name in PORTABLE:
    register(_name)
