"""The DEFAULT ``catlearn circuit fit`` and ``LogicGateClassifier`` on data nobody tuned for.

Rules are drawn by seed, not by hand: a random DNF (terms of 3 or 4 random literals,
as many terms as make the classes about even) or a small random circuit (a random tree
of two-input AND/OR/NAND/NOR gates over random inputs), over 16-24 inputs.  Tabular
data sets are drawn from random Gaussian classes.  Stated accuracies (on a separate
test set drawn from the same rule; measured values in the comments):

* a random 16-input circuit, 2,000 training rows, default estimator: >= 0.97 test
  accuracy (normal suite; the search stops on validation accuracy 1.0, not on time);
* a random 4-class Gaussian table (8 numeric columns, a categorical one), string
  labels, default estimator: >= 0.85 (``@slow``: cross-validated, a few minutes);
* ``@slow``: a random 16-input DNF, 1,500 rows, default estimator: >= 0.95; a random
  20-input DNF and a random 20-input circuit, 4,000 training rows, the default command
  line (300 s budget): >= 0.97.

Laws of the search's parts (normal suite): stratified folds partition the rows and
spread every class; a small data set is cross-validated over five folds and the chosen
network refit on all rows for the epoch count validation chose, the exported circuit
being that refit network; without ``refit`` the validated tables are kept.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from catlearn.circuits.estimator import LogicGateClassifier


def random_rule(kind: str, n_in: int, seed: int):
    """A boolean rule on ``(n, n_in)`` 0/1 rows, drawn by ``seed``: ``"dnf"`` (terms of
    3-4 literals), ``"wide-dnf"`` (5-6 literals, 22-44 terms) or ``"circuit"``."""
    rng = np.random.default_rng(seed)
    if kind in ("dnf", "wide-dnf"):
        width = int(rng.integers(3, 5) if kind == "dnf" else rng.integers(5, 7))
        n_terms = max(1, round(math.log(0.5) / math.log(1 - 2.0 ** -width)))
        terms = [(rng.choice(n_in, width, replace=False), rng.integers(0, 2, width))
                 for _ in range(n_terms)]
        return lambda x: np.any([np.all(x[:, v] == p, axis=1) for v, p in terms],
                                axis=0).astype(int)
    ops = {"and": np.logical_and, "or": np.logical_or,
           "nand": lambda a, b: ~(a & b), "nor": lambda a, b: ~(a | b)}
    leaves = rng.choice(n_in, 8, replace=False)
    names = rng.choice(sorted(ops), 7)

    def rule(x):
        level = [x[:, i].astype(bool) for i in leaves]
        gates = iter(names)
        while len(level) > 1:
            level = [ops[next(gates)](level[i], level[i + 1]) for i in range(0, len(level), 2)]
        return level[0].astype(int)
    return rule


def rule_data(kind, n_in, n_train, n_test, seed):
    rule = random_rule(kind, n_in, seed)
    rng = np.random.default_rng((seed, 1))
    x = rng.integers(0, 2, (n_train + n_test, n_in))
    y = rule(x)
    return x[:n_train], y[:n_train], x[n_train:], y[n_train:]


def write_csv(path, x, y, names=None):
    names = names or [f"b{i}" for i in range(x.shape[1])]
    lines = [",".join(names + ["label"])]
    lines += [",".join(map(str, row)) + f",{label}" for row, label in zip(x.tolist(), y.tolist())]
    with open(path, "w") as handle:
        handle.write("\n".join(lines) + "\n")


def gaussian_table(n, seed):
    """4 classes, 8 numeric columns (class means drawn by seed), a weakly informative
    category; labels are strings."""
    rng = np.random.default_rng(seed)
    means = rng.normal(0, 1.2, (4, 8))
    y = rng.integers(0, 4, n)
    x = means[y] + rng.normal(0, 1, (n, 8))
    colour = np.where(rng.uniform(size=n) < 0.7, y % 2, 1 - y % 2)
    labels = np.array(["ash", "birch", "cedar", "dogwood"])[y]
    return np.column_stack([x, colour]), labels


def test_the_default_estimator_learns_a_random_16_input_circuit():
    x, y, x_test, y_test = rule_data("circuit", 16, 2000, 2000, seed=5)
    model = LogicGateClassifier().fit(x, y)
    assert model.score(x_test, y_test) >= 0.97  # measured 0.998 (validation stops it)
    assert model.validation_accuracy_ >= 0.97


@pytest.mark.slow
def test_the_default_estimator_learns_a_random_table_with_string_labels():
    x, y = gaussian_table(1200, seed=5)
    model = LogicGateClassifier().fit(x[:800], y[:800])
    assert set(model.predict(x[800:])) <= {"ash", "birch", "cedar", "dogwood"}
    assert model.score(x[800:], y[800:]) >= 0.85  # measured 0.91


@pytest.mark.slow
def test_the_default_estimator_learns_a_random_16_input_dnf():
    x, y, x_test, y_test = rule_data("dnf", 16, 1500, 2000, seed=3)
    model = LogicGateClassifier().fit(x, y)
    assert model.score(x_test, y_test) >= 0.95  # measured 0.9615, 152 s


@pytest.mark.slow
@pytest.mark.parametrize("kind,seed", [("dnf", 11), ("circuit", 12)])
def test_the_default_command_line_learns_a_random_20_input_rule(tmp_path, capsys, kind, seed):
    from catlearn.cli import main
    x, y, x_test, y_test = rule_data(kind, 20, 4000, 4000, seed)
    write_csv(tmp_path / "train.csv", x, y)
    write_csv(tmp_path / "test.csv", x_test, y_test)
    code = main(["circuit", "fit", str(tmp_path / "train.csv"), "--test",
                 str(tmp_path / "test.csv"), "--label", "label", "--out",
                 str(tmp_path / "m.blif")])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "search: chose" in err
    assert float(out.strip().splitlines()[-1].split(": ")[1]) >= 0.97


def test_stratified_folds_validate_every_row_once_and_keep_the_classes():
    from catlearn.circuits.datasets import stratified_folds
    y = np.random.default_rng(0).integers(0, 3, 103)
    folds = stratified_folds(y, 5, seed=1)
    held = np.concatenate([h for _, h in folds])
    assert sorted(held.tolist()) == list(range(103))  # a partition of the rows
    for kept, h in folds:
        assert not set(kept) & set(h) and len(kept) + len(h) == 103
        for c in range(3):  # every class spread over the folds: sizes differ by at most one
            assert abs(np.sum(y[h] == c) - np.sum(y == c) / 5) < 1


def test_a_small_data_set_is_cross_validated_then_refit_on_all_rows():
    x, y, x_test, y_test = rule_data("circuit", 10, 120, 200, seed=4)
    model = LogicGateClassifier(epochs=6).fit(x, y)
    first = model.tries_[0]
    assert len(first.runs) == 5  # 120 rows: 24 would validate, fewer than 200: five folds
    assert model.refit_ is not None
    chosen = next(t for t in model.tries_ if t.net == model.net_)
    assert model.refit_.epochs_run == chosen.best_epoch  # the count validation chose
    assert model.tables_ is model.refit_.tables
    bits = model.encode(x_test)  # the exported circuit is the refit network
    assert (model.predict_index(bits) == model.net_.predict(model.tables_, bits)).all()


def test_without_refit_the_validated_tables_are_kept():
    x, y, _, _ = rule_data("circuit", 10, 300, 0, seed=4)
    model = LogicGateClassifier(gates=12, layers=2, epochs=3, refit=False).fit(x, y)
    assert model.refit_ is None and model.tables_ is model.tries_[0].tables
    assert len(model.tries_[0].runs) == 1  # a given architecture: one split
