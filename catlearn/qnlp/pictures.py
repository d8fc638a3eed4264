"""Pictures of sentences: a pregroup diagram (or a formal sum of them) to an SVG or PNG file,
and the tensor functor's image as a DisCoPy tensor network.

DisCoPy 1.2.2 draws with matplotlib; the format follows the file's suffix.

>>> from catlearn.qnlp.pregroup import parse, parse_lexicon
>>> from catlearn.qnlp.ansatz import TensorAnsatz
>>> from catlearn.qnlp.sentence_functor import LearnedFunctor
>>> lex = parse_lexicon("Alice: n\\nBob: n\\nloves: n.r s n.l")
>>> F = LearnedFunctor(lex, TensorAnsatz({"n": 2, "s": 2}), classes=2)
>>> d, params = parse("Alice loves Bob", lex), F.init(0)
>>> network = tensor_network(d, F, params)
>>> bool(np.allclose(network.eval().array, F.para(d).f(*params, *F.inputs([d]))[0][0]))
True
"""

from __future__ import annotations

import numpy as np

from catlearn.qnlp.pregroup import type_text


def write_diagram(diagram, path, figsize=None) -> None:
    """Draw ``diagram`` into ``path`` (``.svg`` or ``.png``)."""
    import matplotlib.pyplot as plt
    width = max(4, 1.3 * len([b for b in diagram.boxes if not b.dom]))
    diagram.draw(path=str(path), figsize=figsize or (width, 3), margins=(0.1, 0.1),
                 fontsize=12, show=False)
    plt.close("all")


def tensor_network(diagram, functor, params):
    """The image of ``diagram`` under a tensor-ansatz functor at ``params``, as a
    ``discopy.tensor.Diagram``: each word a box holding its tensor, each cup DisCoPy's
    own.  Its ``eval()`` is an oracle for the catlearn map (DisCoPy contracts it)."""
    from discopy import tensor
    from discopy.cat import Category
    from discopy.grammar import pregroup
    dims = {pregroup.Ty(name): tensor.Dim(functor.ansatz.size(name))
            for name in functor.lexicon.basic_types}
    boxes = {}
    for word in (b for b in diagram.boxes if not b.dom):
        k, i = functor.row[(type_text(word.cod), word.name)]
        cod = tensor.Dim(*(functor.ansatz.size(ob.name) for ob in word.cod.inside))
        boxes[word] = tensor.Box(word.name, tensor.Dim(1), cod, np.asarray(params[k][i]))
    return pregroup.Functor(dims, boxes, cod=Category(tensor.Dim, tensor.Diagram))(diagram)
