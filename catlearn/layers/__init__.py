"""Neural-network layers as parametrised maps over the Smooth backend.

A layer is a :class:`~catlearn.Para` ``(P, f : P @ A -> B)``.  The new
generators (convolution, max pooling, reshapes) are registered with
``catlearn.smooth.backend.register`` by :mod:`catlearn.layers.conv` and
:mod:`catlearn.layers.pool`, each with its forward map, its reverse
derivative written with other generators (so ``R`` iterates) and fused
kernels.  :func:`sequential` composes layers with parameters first layer
first; :func:`init` draws initial parameters in that order.

>>> import numpy as np
>>> from catlearn import R
>>> from catlearn import layers
>>> model = layers.sequential(layers.dense(4, 8, "relu"), layers.dense(8, 3, "softmax"))
>>> params = layers.init(model, seed=0)
>>> [p.shape for p in params]
[(8, 4), (8,), (3, 8), (3,)]
>>> x = np.ones((5, 4))
>>> model(*params, x)[0].sum(axis=1).round(6).tolist()
[1.0, 1.0, 1.0, 1.0, 1.0]
>>> dW1, db1, dW2, db2, dx = R(model.f)(*params, x, np.ones((5, 3)))
>>> dW1.shape, dx.shape
((8, 4), (5, 4))
"""

from catlearn.layers import conv, pool
from catlearn.layers.initializers import glorot_uniform, he_normal, init, zeros
from catlearn.layers.layer import (activation_layer, bias, chain, channel_bias, conv2d, dense,
                                   flatten, in_layer_order, linear, maxpool2d, relu, sequential,
                                   sigmoid, softmax, tanh, unflatten)
from catlearn.layers.cfgbl import cfgbl_iris_models, cfgbl_mnist_model

__all__ = ["conv", "pool", "glorot_uniform", "he_normal", "init", "zeros", "activation_layer",
           "bias", "chain", "channel_bias", "conv2d", "dense", "flatten", "in_layer_order",
           "linear", "maxpool2d", "relu", "sequential", "sigmoid", "softmax", "tanh",
           "unflatten", "cfgbl_iris_models", "cfgbl_mnist_model"]
