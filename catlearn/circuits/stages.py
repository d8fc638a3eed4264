"""Focusing one stage of staged learning: which wires it reads, on which rows.

Staged learning (:mod:`catlearn.circuits.learn`) fits one output at a time with a small
network over the primary inputs and every wire learned before.  On a wide target (add8:
16 inputs, 65,536 rows, 80+ earlier wires) a stage drowns in that pool: the carry it
needs is rarely among a cell's few candidates.  Three facts of a full truth table focus it:

* **Support.** An output, or a learned wire, depends only on some inputs
  (:func:`supports`): a wire whose support is not inside the output's is left out, and
  outputs are learned smallest support first.
* **Projection.** On wires that depend only on the inputs ``S``, a fit on the
  ``2**|S|`` rows where every other input is 0 is a fit on every row
  (:func:`projection`): the early stages of an adder run on a few hundred rows.
* **Samples.** A stage of more than :data:`SAMPLE_ROWS` rows is searched on a sample
  of them; a fit exact on the sample is checked on every row, and the rows it gets
  wrong join the sample for the next round (:func:`sampled`).
* **Recency.** A wire's age is the number of stages since it was learned, an input's
  since it first entered an output's support; candidates are drawn with a weight that
  falls with age (:func:`focused_network`; ``learn.RECENCY``), so a stage reads the
  newest inputs and the last stage's wires (a ripple adder's carry) first.

>>> words = truth_table_inputs(3)
>>> supports(np.vstack([words, words[0] ^ words[2]]), 3)
[frozenset({0}), frozenset({1}), frozenset({2}), frozenset({0, 2})]
>>> projection(frozenset({0, 2}), 3).tolist()
[0, 1, 4, 5]
"""

from __future__ import annotations

import numpy as np

from catlearn import z2
from catlearn.circuits.gates import Cell, GateNetwork, errors, parameter_words
from catlearn.circuits.table import Table
from catlearn.packing import pack, truth_table_inputs, unpack


def is_truth_table(table: Table) -> bool:
    """True when ``table`` holds every row of its inputs in truth-table order."""
    n = len(table.inputs)
    return n <= 24 and table.n_rows == 1 << n and np.array_equal(table.x,
                                                                 truth_table_inputs(n))


def supports(words: np.ndarray, n: int) -> list[frozenset[int]]:
    """The inputs each packed column of a full ``n``-input truth table depends on.

    Column ``c`` depends on input ``i`` when flipping bit ``n - 1 - i`` of some row number
    changes it (input 0 is the most significant bit).
    """
    bits = unpack(words, 1 << n).T.reshape(len(words), *[2] * n)
    found = [set() for _ in words]
    for i in range(n):
        moved = (np.take(bits, 0, axis=1 + i) != np.take(bits, 1, axis=1 + i))
        for c in np.flatnonzero(moved.reshape(len(words), -1).any(axis=1)):
            found[c].add(i)
    return [frozenset(s) for s in found]


def projection(support: frozenset[int], n: int) -> np.ndarray:
    """The row numbers where every input outside ``support`` is 0, in order."""
    rows = np.arange(1 << n)
    outside = sum(1 << (n - 1 - i) for i in range(n) if i not in support)
    return rows[(rows & outside) == 0]


def stage_table(table: Table, words: np.ndarray, names, pool, o: int,
                rows: np.ndarray | None) -> Table:
    """The table of output ``o`` over the wires ``pool`` (indices into ``words``), on
    ``rows`` only (every row when None)."""
    if rows is None:
        return Table(table.name, tuple(names[w] for w in pool), (table.outputs[o],),
                     words[list(pool)], table.y[o:o + 1], table.n_rows, table.valid)
    x = unpack(words[list(pool)], table.n_rows)[rows]
    y = unpack(table.y[o:o + 1], table.n_rows)[rows]
    return Table._make(table.name, tuple(names[w] for w in pool), (table.outputs[o],),
                       pack(x), pack(y), len(rows))


SAMPLE_ROWS = 2048  # rows a stage is searched on; counterexamples are added to them
ROUNDS = 8  # searches on a growing sample before the stage gives up


def rows_of(table: Table, rows: np.ndarray) -> Table:
    """The table of ``rows`` only."""
    x, y = (unpack(w, table.n_rows)[rows] for w in (table.x, table.y))
    return Table._make(table.name, table.inputs, table.outputs, pack(x), pack(y), len(rows))


def wrong_rows(net: GateNetwork, theta: np.ndarray, table: Table) -> np.ndarray:
    """The rows on which the network at parameters ``theta`` gets some output wrong."""
    out = net.map(z2.backend).compiled(*parameter_words(np.atleast_2d(theta)), *table.x)
    wrong = np.zeros(table.x.shape[1], dtype=np.uint64)
    for got, want in zip(out, table.y):
        wrong |= (np.broadcast_to(got, (1, len(wrong)))[0] ^ want) & table.valid
    return np.flatnonzero(unpack(wrong[None], table.n_rows)[:, 0])


def sampled(search, net: GateNetwork, table: Table, rng, steps: int, **options):
    """``search(net, table, rng, steps, **options)`` on a sample of rows grown by
    counterexamples; returns ``(theta, wrong bits on every row, steps)``.

    >>> from catlearn.circuits.search import rda
    >>> net = GateNetwork.random(2, 1, gates=1, layers=1, choices=1)
    >>> sampled(rda, net, Table.of([[0], [1], [1], [0]]), np.random.default_rng(0), 100)[1:]
    (0, 1)
    """
    if table.n_rows <= SAMPLE_ROWS:
        return search(net, table, rng, steps=steps, **options)
    rows, used = np.sort(rng.choice(table.n_rows, SAMPLE_ROWS, replace=False)), 0
    for _ in range(ROUNDS):
        theta, errs, taken = search(net, rows_of(table, rows), rng, steps=steps, **options)
        used += taken
        missed = wrong_rows(net, theta, table) if errs == 0 else None
        if missed is None or len(missed) == 0:
            break
        rows = np.union1d(rows, rng.permutation(missed)[:SAMPLE_ROWS // 4])
    return theta, int(errors(net, theta, table)[0]), used


def _draw(rng, weights: np.ndarray, count: int) -> tuple[int, ...]:
    """``count`` indices drawn by ``weights``, distinct while there are enough."""
    distinct = min(count, int((weights > 0).sum()))
    first = rng.choice(len(weights), distinct, replace=False, p=weights / weights.sum())
    rest = rng.choice(len(weights), count - distinct, p=weights / weights.sum())
    return tuple(int(w) for w in np.concatenate([first, rest]))


def focused_network(weights, n_outputs: int, gates: int, layers: int, choices: int,
                    seed: int, skip: float = 0.5) -> GateNetwork:
    """A network like :meth:`GateNetwork.random` whose primary wires are drawn by
    ``weights``: a first-layer cell input draws its candidates from the primary wires;
    a later one from the previous layer, or with probability ``skip`` from every
    earlier wire, primary ones weighed by ``weights`` and cells by their mean.

    >>> focused_network([1.0, 0.0, 1.0], 1, gates=1, layers=1, choices=2, seed=0).cells
    (Cell(x=(0, 2), y=(2, 2)),)
    """
    weights = np.asarray(weights, dtype=float)
    GateNetwork.random(len(weights), n_outputs, gates, layers, choices)  # checks the sizes
    rng, n = np.random.default_rng(seed), len(weights)
    hidden = gates - n_outputs
    sizes = [hidden // (layers - 1) + (i < hidden % (layers - 1))
             for i in range(layers - 1)] + [n_outputs]
    cells, previous, start = [], weights, 0
    for size in sizes:
        earlier = np.concatenate([weights, np.full(start, weights.mean())])
        layer = np.zeros(n + start)
        layer[n + start - len(previous):] = previous
        for _ in range(size):
            both = _draw(rng, earlier if rng.random() < skip else layer, 2 * choices)
            cells.append(Cell(both[:choices], both[choices:]))
        previous, start = np.ones(size), start + size
    return GateNetwork(n, tuple(cells), tuple(range(n + start - n_outputs, n + start)))
