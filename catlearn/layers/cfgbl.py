"""The models of the CFGBL experiments (Cruttwell et al., arXiv 2103.01931, Sec. 6).

Transcribed from the paper's code (numeric-optics-python): the MNIST
convolutional model and the three Iris models.  The paper's convolutions
have no bias; images are channels-first here, ``R^(1,28,28)``.

>>> model = cfgbl_mnist_model()
>>> model.param
Ty(P^3x1x3x3, P^5x3x4x4, P^10x125, P^10)
>>> model.dom, model.cod
(Ty(R^1x28x28), Ty(R^10))
>>> sorted(cfgbl_iris_models())
['dense', 'hidden', 'linear']
"""

from __future__ import annotations

from catlearn.layers.layer import conv2d, dense, flatten, linear, maxpool2d, relu, sequential
from catlearn.para import Para

HIDDEN = 20  # hidden units of the Iris "hidden" model


def cfgbl_mnist_model() -> Para:
    """The CFGBL MNIST model: conv 3x3 1->3, relu, maxpool 2, conv 4x4 3->5, relu,
    maxpool 2, flatten, dense 125->10 sigmoid.

    Spatial sizes 28 -> 26 -> 13 -> 10 -> 5, so the flattened image is
    ``5 * 5 * 5 = 125``.  Parameters, first layer first: both kernels, then
    the dense layer's ``(W, b)``.
    """
    return sequential(
        conv2d(1, 3, 3, 28, 28), relu((3, 26, 26)), maxpool2d(3, 26, 26),
        conv2d(3, 5, 4, 13, 13), relu((5, 10, 10)), maxpool2d(5, 10, 10),
        flatten((5, 5, 5)), dense(125, 10, "sigmoid"))


def cfgbl_iris_models() -> dict[str, Para]:
    """The Iris models by the paper code's names.

    ``linear``: ``W x`` only (``linear((4, 3))`` in the code: no bias, no
    activation); ``dense``: ``sigmoid(W x + b)``; ``hidden``: two such
    layers, ``4 -> 20 -> 3``.

    >>> {name: m.param for name, m in cfgbl_iris_models().items()}["hidden"]
    Ty(P^20x4, P^20, P^3x20, P^3)
    """
    return {
        "linear": linear(4, 3),
        "dense": dense(4, 3, "sigmoid"),
        "hidden": sequential(dense(4, HIDDEN, "sigmoid"), dense(HIDDEN, 3, "sigmoid")),
    }
