"""Learning a functor from labelled sentences: the supervised lens, batched by shape.

Every sentence shape has its own map ``P_all @ one-hots -> logits``, but all
of them read the *same* parameters ``P_all``; so each shape's supervised
learning lens (:func:`catlearn.learning.supervised`: model ; softmax
cross-entropy ; learning rate, closed by the optimizer lens on ``P_all``) has
the same state and parameter wires, and a training step of one shape hands
its new state and parameters to the next.  An epoch shuffles the sentences,
cuts each shape's sentences into minibatches, shuffles the minibatches and
runs one compiled step of the right shape per minibatch.  ``catlearn.fit``
takes one input array for every example, which sentences of different shapes
do not have: that is why the loop is here.

Defaults (chosen by validation on training data of the generated tasks, 30-300
sentences, and the public toy set; table in ``papers/qnlp/README.md``): Adam
with L2 weight decay (tensors: learning rate 0.05, decay ``1e-2``; angles: 0.1
and no decay, since their zero is no better than any other value),
minibatches of 16 per shape, 60 epochs or more until :data:`MIN_STEPS`
optimizer steps (few sentences make short epochs), the epoch with the best
accuracy (then loss) on ``dev`` kept.  The ansätze start every word near one
common meaning (:meth:`TensorAnsatz.init`): from zero-mean starts the tensor
model scored 0.5 on 40 sentences.  Words of the lexicon never seen in
training take the **mean of the trained rows of their type's table** (their
type's mean meaning), not their random initial value.

>>> from catlearn.qnlp.corpus import meaning_classification
>>> from catlearn.qnlp.pregroup import parse_lexicon
>>> data, lexicon = meaning_classification(60, seed=0)
>>> lex = parse_lexicon(lexicon)
>>> examples = [Example.of(label, text, lex) for label, text in data]
>>> result = train(examples[:40], examples[40:], lex, epochs=15, progress=None)
>>> result.model.accuracy(*diagrams_labels(examples[40:], result.model.labels)) >= 0.8
True
"""

from __future__ import annotations

import sys
from collections import Counter
from dataclasses import dataclass

import numpy as np

from catlearn.learning import loss as losses, optim
from catlearn.learning.supervised import supervised
from catlearn.qnlp.ansatz import QuantumAnsatz, TensorAnsatz
from catlearn.qnlp.sentence_functor import LearnedFunctor
from catlearn.qnlp.model import Model, groups
from catlearn.qnlp.pregroup import GrammarError, Lexicon, parse, type_text

DEFAULTS = {  # ansatz: (learning rate, weight decay, epochs)
    "tensor": (0.05, 1e-2, 60),
    "quantum": (0.1, 0.0, 60),
}
BATCH = 16
MIN_STEPS = 400  # default epochs grow until this many optimizer steps (small data)
MAX_EPOCHS = 400


@dataclass(frozen=True)
class Example:
    """A labelled sentence and its diagram."""

    label: str
    text: str
    diagram: object

    @staticmethod
    def of(label: str, text: str, lexicon: Lexicon, target="s", where="sentence") -> "Example":
        return Example(label, text, parse(text, lexicon, target, where))


def read_examples(path, lexicon: Lexicon, target: str = "s") -> list[Example]:
    """The examples of a data file: ``LABEL  sentence`` per line (blank lines skipped)."""
    out = []
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, start=1):
            parts = line.split(None, 1)
            if not parts:
                continue
            where = f"{path}, line {number}"
            if len(parts) < 2:
                raise GrammarError(f"{where}: expected 'LABEL sentence', got {line.strip()!r}")
            out.append(Example.of(parts[0], parts[1].strip(), lexicon, target, where))
    if not out:
        raise GrammarError(f"{path}: no examples (expected lines 'LABEL sentence')")
    return out


def check_labels(examples, source: str) -> tuple:
    """The sorted labels; a label seen only once (or a single label) is an error."""
    counts = Counter(e.label for e in examples)
    once = sorted(label for label, n in counts.items() if n < 2)
    if once:
        raise GrammarError(f"{source}: label {once[0]!r} appears only once; every class needs "
                           "at least two examples to be learned and checked")
    if len(counts) < 2:
        raise GrammarError(f"{source}: only one label ({next(iter(counts))!r}); a classifier "
                           "needs two or more")
    return tuple(sorted(counts))


def diagrams_labels(examples, labels) -> tuple[list, list]:
    """Diagrams and label indices (a label not in ``labels`` counts as wrong: index -1)."""
    index = {label: k for k, label in enumerate(labels)}
    return [e.diagram for e in examples], [index.get(e.label, -1) for e in examples]


def split(examples, fraction: float, seed: int) -> tuple[list, list]:
    """A stratified split: about ``fraction`` of each label held out (at least one)."""
    rng = np.random.default_rng((seed, 1))
    train, held = [], []
    for label in sorted({e.label for e in examples}):
        members = [e for e in examples if e.label == label]
        order = rng.permutation(len(members))
        k = max(1, int(round(fraction * len(members))))
        held += [members[i] for i in order[:k]]
        train += [members[i] for i in order[k:]]
    return train, held


@dataclass(frozen=True, eq=False)
class Training:
    """The model of the best epoch and the per-epoch history (train/dev accuracy and loss)."""

    model: Model
    best_epoch: int
    history: tuple


def make_ansatz(kind: str, dims: dict, labels: int, target: str, basic=("n",)):
    """The ansatz ``kind`` with ``dims`` filled in by the defaults: tensors 2 dimensions per
    ``basic`` type and the target one per label; quantum one qubit per basic type (the
    target enough for the labels)."""
    if kind not in DEFAULTS:
        raise ValueError(f"unknown ansatz {kind!r}; choose tensor or quantum")
    if kind == "tensor":
        return TensorAnsatz({**{b: 2 for b in basic}, target: labels, **dims})
    qubits = max(1, int(np.ceil(np.log2(labels))))
    return QuantumAnsatz({**{b: 1 for b in basic}, target: qubits, **dims})


def train(train_set, dev_set, lexicon: Lexicon, *, ansatz="tensor", dims=None, target="s",
          epochs=None, lr=None, weight_decay=None, seed=0, progress=sys.stderr) -> Training:
    """Learn a functor from ``train_set``; keep the epoch best on ``dev_set``.

    ``progress``: a stream for one line per epoch, or ``None``.
    """
    labels = check_labels(train_set, "training data")
    lr0, wd0, epochs0 = DEFAULTS[ansatz] if ansatz in DEFAULTS else (None, None, None)
    kind = make_ansatz(ansatz, dict(dims or {}), len(labels), target, lexicon.basic_types)
    F = LearnedFunctor(lexicon, kind, target, len(labels))
    lr = lr0 if lr is None else lr
    weight_decay = wd0 if weight_decay is None else weight_decay
    optimizer = optim.named("adam", lr, weight_decay)
    params = F.init(seed)
    state = optimizer.init(F.param)
    xs, ys = diagrams_labels(train_set, labels)
    steps = _steps(F, xs, ys, optimizer)
    if epochs is None:
        per_epoch = sum(-(-len(members) // BATCH) for _, members, _ in steps.values())
        epochs = min(MAX_EPOCHS, max(epochs0, -(-MIN_STEPS // per_epoch)))
    seen = _seen_rows(F, xs)
    dev = diagrams_labels(dev_set, labels) if dev_set else (xs, ys)
    best, history = None, []
    for epoch in range(epochs):
        rng = np.random.default_rng((seed, epoch))
        order = [(s, b) for s, batches in steps.items() for b in _cut(batches[1], rng)]
        losses_ = []
        for k in rng.permutation(len(order)):
            s, idx = order[k]
            step, (inputs, targets) = steps[s][0], steps[s][2]
            params, state, value = step(params, state, tuple(x[idx] for x in inputs),
                                        targets[idx])
            losses_.append(value * len(idx))
        model = Model(F, fill_unseen(params, seen), labels)
        row = {"epoch": epoch + 1, "loss": sum(losses_) / len(xs),
               "train_accuracy": model.accuracy(xs, ys), "dev_accuracy": model.accuracy(*dev),
               "dev_loss": _loss(model, *dev)}
        history.append(row)
        if progress is not None:
            print(f"epoch {epoch + 1}/{epochs}: loss {row['loss']:.4f}, train accuracy "
                  f"{row['train_accuracy']:.4f}, dev accuracy {row['dev_accuracy']:.4f}",
                  file=progress, flush=True)
        key = (row["dev_accuracy"], -row["dev_loss"])
        if best is None or key > best[0]:
            best = (key, model, epoch + 1)
    return Training(best[1], best[2], tuple(history))


def _steps(F, xs, ys, optimizer) -> dict:
    """Per shape: its compiled training step, its members, and its one-hots and targets."""
    loss = losses.softmax_cross_entropy(F.classes)
    out = {}
    for s, members in groups(xs).items():
        batch = [xs[i] for i in members]
        inputs = F.inputs(batch)
        targets = np.eye(F.classes)[[ys[i] for i in members]]
        learner = supervised(F.para_of(s), loss, optimizer)
        out[s] = (_step(learner), np.arange(len(members)), (inputs, targets))
    return out


def _step(learner):
    """``(params, state, x, y) -> (params', state', loss)`` from the learner's compiled step,
    called in Learn's order ``(*p, *s, x, y)``."""
    run, p, s = learner.step.compiled, len(learner.model.param), len(learner.state)

    def step(params, state, x, y):
        out = run(*params, *state, *x, y)
        return out[:p], out[p:p + s], float(out[p + s])
    return step


def _cut(members, rng):
    order = rng.permutation(members)
    return [order[i:i + BATCH] for i in range(0, len(order), BATCH)]


def _seen_rows(F, diagrams) -> list:
    """Per table, a boolean mask of the rows (words) that occur in ``diagrams``."""
    masks = [np.zeros(len(ws), bool) for _, ws in F.tables]
    for d in diagrams:
        for box in (b for b in d.boxes if not b.dom):
            k, i = F.row[(type_text(box.cod), box.name)]
            masks[k][i] = True
    return masks


def fill_unseen(params, seen) -> tuple:
    """Rows never seen in training set to the mean of their table's seen rows."""
    out = []
    for p, mask in zip(params, seen):
        if mask.any() and not mask.all():
            p = np.array(p)
            p[~mask] = p[mask].mean(axis=0)
        out.append(p)
    return tuple(out)


def _loss(model: Model, diagrams, labels) -> float:
    logits = model.logits(diagrams)
    z = logits - logits.max(axis=1, keepdims=True)
    logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    ok = np.asarray(labels) >= 0
    return float(-np.mean(logp[ok, np.asarray(labels)[ok]])) if ok.any() else float("nan")
