"""A trained sentence classifier: a learned functor, its parameters, the labels; its file.

The model file (``.npz``, written atomically) stores the lexicon (in its text
format), the ansatz (kind, dimensions, layers), the target type, the labels
and one array per parameter table, so :func:`load` rebuilds the same functor.

>>> import numpy as np, os, tempfile
>>> from catlearn.qnlp.pregroup import parse_lexicon
>>> from catlearn.qnlp.ansatz import TensorAnsatz
>>> from catlearn.qnlp.sentence_functor import LearnedFunctor
>>> lex = parse_lexicon("Alice: n\\nBob: n\\nloves: n.r s n.l")
>>> F = LearnedFunctor(lex, TensorAnsatz({"n": 2, "s": 2}), classes=2)
>>> model = Model(F, F.init(0), ("no", "yes"))
>>> path = os.path.join(tempfile.mkdtemp(), "m.npz")
>>> save(model, path)
>>> again = load(path)
>>> again.predict(["Alice loves Bob"]) == model.predict(["Alice loves Bob"])
True
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass

import numpy as np

from catlearn.errors import DataError
from catlearn.files import write_atomic
from catlearn.qnlp.ansatz import QuantumAnsatz, TensorAnsatz
from catlearn.qnlp.sentence_functor import LearnedFunctor, shape
from catlearn.qnlp.pregroup import parse, parse_lexicon

ANSATZE = {"tensor": TensorAnsatz, "quantum": QuantumAnsatz}
FORMAT = "catlearn.qnlp/1"


@dataclass(frozen=True, eq=False)
class Model:
    """``functor`` at ``params``, its classes named ``labels``."""

    functor: LearnedFunctor
    params: tuple
    labels: tuple

    def logits(self, diagrams) -> np.ndarray:
        """The logits of each diagram, computed shape by shape."""
        out = np.zeros((len(diagrams), self.functor.classes))
        for s, members in groups(diagrams).items():
            batch = [diagrams[i] for i in members]
            para = self.functor.para_of(s)
            out[members] = para.f.compiled(*self.params, *self.functor.inputs(batch))[0]
        return out

    def diagrams(self, sentences) -> list:
        F = self.functor
        return [parse(s, F.lexicon, F.target) if isinstance(s, str) else s for s in sentences]

    def predict(self, sentences) -> list:
        """The predicted label of each sentence (text or diagram)."""
        return [self.labels[k] for k in self.logits(self.diagrams(sentences)).argmax(axis=1)]

    def accuracy(self, diagrams, labels) -> float:
        """Fraction of ``diagrams`` whose predicted label is ``labels``' (a label index each)."""
        if not len(diagrams):
            return float("nan")
        return float(np.mean(self.logits(diagrams).argmax(axis=1) == np.asarray(labels)))


def groups(diagrams) -> dict:
    """Diagram indices grouped by :func:`~catlearn.qnlp.sentence_functor.shape`, in first-seen order."""
    out: dict = defaultdict(list)
    for i, d in enumerate(diagrams):
        out[shape(d)].append(i)
    return dict(out)


def save(model: Model, path) -> None:
    """Write ``model`` to ``path`` atomically (:func:`catlearn.files.write_atomic`)."""
    F = model.functor
    meta = {"format": FORMAT, "ansatz": F.ansatz.kind, "dims": F.ansatz.dims,
            "layers": getattr(F.ansatz, "layers", None), "target": F.target,
            "labels": list(model.labels), "lexicon": F.lexicon.to_text()}
    arrays = {f"table{k}": np.asarray(p) for k, p in enumerate(model.params)}
    write_atomic(path, lambda f: np.savez(f, meta=np.array(json.dumps(meta)), **arrays))


def load(path) -> Model:
    """Read a model written by :func:`save`; a file of another kind is a :class:`DataError`."""
    try:
        with np.load(path, allow_pickle=False) as z:
            meta = json.loads(str(z["meta"]))
            tables = [z[f"table{k}"] for k in range(len(z.files) - 1)]
    except (OSError, ValueError, KeyError) as error:
        if isinstance(error, FileNotFoundError):
            raise
        raise DataError(f"{path}: not a catlearn qnlp model ({error})") from None
    if meta.get("format") != FORMAT:
        raise DataError(f"{path}: not a catlearn qnlp model (format {meta.get('format')!r})")
    kind = ANSATZE[meta["ansatz"]]
    ansatz = kind(meta["dims"]) if meta["layers"] is None else kind(meta["dims"], meta["layers"])
    lexicon = parse_lexicon(meta["lexicon"], f"{path} (its lexicon)")
    F = LearnedFunctor(lexicon, ansatz, meta["target"], len(meta["labels"]))
    return Model(F, tuple(tables), tuple(meta["labels"]))
