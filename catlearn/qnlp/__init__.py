"""Functorial learning (de Felice's thesis): sentences as pregroup diagrams, meanings as a
learned functor into tensors (DisCoCat) or circuits (QNLP).

* :mod:`~catlearn.qnlp.pregroup`: types, the lexicon format, the parser to DisCoPy diagrams;
* :mod:`~catlearn.qnlp.einsum`: contraction as a Smooth generator closed under ``R``;
* :mod:`~catlearn.qnlp.ansatz`: what a word of a type means (tensor, IQP circuit);
* :mod:`~catlearn.qnlp.sentence_functor`: the learned functor, a sentence's catlearn map;
* :mod:`~catlearn.qnlp.sentence_training`: training over the supervised lens, batched by shape;
* :mod:`~catlearn.qnlp.model`: the trained classifier and its file;
* :mod:`~catlearn.qnlp.differentiation`: derivatives of circuits as formal sums of circuits;
* :mod:`~catlearn.qnlp.corpus`: the generated tasks (meaning classification, relative pronouns).

>>> from catlearn.qnlp import parse_lexicon, parse
>>> parse("Alice runs", parse_lexicon("Alice: n\\nruns: n.r s")).cod
grammar.pregroup.Ty(rigid.Ob('s'))
"""

from catlearn.qnlp.ansatz import QuantumAnsatz, TensorAnsatz
from catlearn.qnlp.sentence_functor import LearnedFunctor, shape
from catlearn.qnlp.sentence_training import read_examples, train
from catlearn.qnlp.model import Model, load, save
from catlearn.qnlp.pregroup import GrammarError, Lexicon, parse, parse_lexicon, read_lexicon

__all__ = ["QuantumAnsatz", "TensorAnsatz", "LearnedFunctor", "shape", "read_examples", "train",
           "Model", "load", "save", "GrammarError", "Lexicon", "parse", "parse_lexicon",
           "read_lexicon"]
