"""Functorial learning on the generated tasks: both ansätze against majority and bag of words.

    python papers/qnlp/reproduce.py [--n 100] [--seeds 3]

For each task (meaning classification, relative pronouns) it writes a train
(n), dev (n/2) and test (n/2) split with catlearn.qnlp.corpus, trains with the
command line's defaults (best epoch on dev) and prints test accuracies.
"""

import argparse
import tempfile

import numpy as np

from catlearn.qnlp import corpus, learn
from catlearn.qnlp.pregroup import read_lexicon

TASKS = {"mc": "s", "relpron": "n"}


def baselines(train, test):
    from sklearn.feature_extraction.text import CountVectorizer
    from sklearn.linear_model import LogisticRegression
    labels = [e.label for e in train]
    majority = max(set(labels), key=labels.count)
    vec = CountVectorizer(token_pattern=r"\S+").fit([e.text for e in train])
    clf = LogisticRegression(max_iter=1000).fit(vec.transform([e.text for e in train]), labels)
    bow = clf.score(vec.transform([e.text for e in test]), [e.label for e in test])
    return float(np.mean([e.label == majority for e in test])), float(bow)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--n", type=int, default=100)
    p.add_argument("--seeds", type=int, default=3)
    args = p.parse_args()
    for task, target in TASKS.items():
        with tempfile.TemporaryDirectory() as d:
            tr, dv, te, lx = corpus.write_task(task, args.n, 0, d)
            lex = read_lexicon(lx)
            train, dev, test = (learn.read_examples(f, lex, target) for f in (tr, dv, te))
            majority, bow = baselines(train, test)
            print(f"{task}: majority {majority:.4f}, bag-of-words logistic {bow:.4f}")
            for ansatz in ("tensor", "quantum"):
                accs = []
                for seed in range(args.seeds):
                    model = learn.train(train, dev, lex, ansatz=ansatz, target=target, seed=seed,
                                        progress=None).model
                    accs.append(model.accuracy(*learn.diagrams_labels(test, model.labels)))
                print(f"{task} {ansatz}: test accuracy per seed "
                      f"{', '.join(f'{a:.4f}' for a in accs)} (mean {np.mean(accs):.4f})",
                      flush=True)


if __name__ == "__main__":
    main()
