"""Functorial learning on the generated tasks: both ansätze against majority and bag of words.

    python papers/qnlp/reproduce.py [--n 100] [--n-quantum 60] [--seeds 3]

For each task (meaning classification ``mc``, relative pronouns ``relpron``) and
ansatz it writes a train (n), dev (n/2) and test (n/2) split with
:func:`catlearn.qnlp.corpus.write_task` (corpus seed 0), trains with the command
line's default flags (best epoch on dev), and prints one markdown table row per
task and ansatz: the majority class and a bag-of-words logistic regression
(scikit-learn, fitted on the same training file) on the same test file, then the
functor's test accuracy per seed.  The quantum ansatz runs on fewer sentences
(``--n-quantum``) so that the whole script stays within about ten minutes on two
shared cores.
"""

import argparse
import tempfile
import time

import numpy as np

from catlearn.qnlp import corpus, sentence_training as learn
from catlearn.qnlp.pregroup import read_lexicon

TASKS = {"mc": "s", "relpron": "n"}


def baselines(train, test) -> tuple[float, float]:
    """Majority class of ``train`` and bag-of-words logistic regression, scored on ``test``."""
    from sklearn.feature_extraction.text import CountVectorizer
    from sklearn.linear_model import LogisticRegression
    labels = [e.label for e in train]
    majority = max(sorted(set(labels)), key=labels.count)
    vec = CountVectorizer(token_pattern=r"\S+").fit([e.text for e in train])
    clf = LogisticRegression(max_iter=1000).fit(vec.transform([e.text for e in train]), labels)
    bow = clf.score(vec.transform([e.text for e in test]), [e.label for e in test])
    return float(np.mean([e.label == majority for e in test])), float(bow)


def row(task: str, ansatz: str, n: int, seeds: int) -> str:
    """Train ``ansatz`` on the ``task`` split of ``n`` sentences; one markdown table row."""
    target = TASKS[task]
    with tempfile.TemporaryDirectory() as d:
        tr, dv, te, lx = corpus.write_task(task, n, 0, d)
        lex = read_lexicon(lx)
        train, dev, test = (learn.read_examples(f, lex, target) for f in (tr, dv, te))
    majority, bow = baselines(train, test)
    accs, start = [], time.perf_counter()
    for seed in range(seeds):
        model = learn.train(train, dev, lex, ansatz=ansatz, target=target, seed=seed,
                            progress=None).model
        accs.append(model.accuracy(*learn.diagrams_labels(test, model.labels)))
    per_seed = ", ".join(f"{a:.2f}" for a in accs)
    return (f"| {task} | {n}/{n // 2}/{n // 2} | {majority:.2f} | {bow:.2f} | {ansatz} | "
            f"{per_seed} | {np.mean(accs):.2f} | {time.perf_counter() - start:.0f} s |")


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--n", type=int, default=100, help="training sentences (tensor ansatz)")
    p.add_argument("--n-quantum", type=int, default=60, help="training sentences (quantum)")
    p.add_argument("--seeds", type=int, default=3)
    args = p.parse_args()
    print("| task | train/dev/test | majority | bag of words | ansatz | test accuracy per seed "
          "| mean | time |")
    print("|---|---|---|---|---|---|---|---|")
    for task in TASKS:
        for ansatz, n in (("tensor", args.n), ("quantum", args.n_quantum)):
            print(row(task, ansatz, n, args.seeds), flush=True)


if __name__ == "__main__":
    main()
