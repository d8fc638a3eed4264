"""Training a logic-gate classifier: best epoch by validation, and the architecture search.

* :func:`train_adam` runs ``fit`` (Adam on the relaxed network; an epoch of a small
  training set passes over it several times, :data:`MIN_EPOCH_ROWS`) and, after every epoch,
  reads the network as a circuit (its hard truth tables) and scores it on the validation
  rows; the tables of the best validation epoch are kept, as Keras's
  ``restore_best_weights`` keeps weights.  A try stops early after ``patience`` epochs
  without improvement, or when the next epoch would pass its ``deadline``.
* :func:`train_rda` trains the same network in Z2 by minibatched RDA (majority votes),
  keeping the tables of the best validation epoch.
* :func:`search` chooses the architecture by validation accuracy: a ladder of depths and
  widths, each step about three times the cost of the one before, climbed while the
  validation accuracy improves by two validation rows or more (one step of grace) and
  the time budget allows.  Each step is trained on every given split (one stratified
  split, or the k folds of a small data set) and scored by its mean validation accuracy;
  its epoch count is the peak of the mean validation curve.
* :func:`refit` trains the chosen architecture on all the training rows (training and
  validation) for that epoch count and keeps its last epoch.

Nothing here reads a test set: the rows passed as validation choose, and only them.

>>> import numpy as np
>>> rng = np.random.default_rng(0)
>>> x = rng.integers(0, 2, (300, 4)); y = x[:, 0] & x[:, 1]
>>> trained = train_adam(LogicNetwork(4, (8, 8), 2, tau=2.0), x[:200], y[:200], x[200:],
...                      y[200:], Settings(epochs=20, lr=0.1, batch_size=32))
>>> trained.val_accuracy
1.0
"""

from __future__ import annotations

import math
import sys
import time
from dataclasses import dataclass, replace

import numpy as np

from catlearn.layers.logic_net import LogicNetwork

BYTES_PER_GATE_EXAMPLE = 8 * 8  # float64 activations, cotangents and temporaries per gate
SHARE = 0.7  # of the time left that one try of the search may take
FIRST_TRY_WORK = 1e8  # gate-rows of one epoch of the first try: keeps it short on big data
MIN_EPOCH_ROWS = 2048  # an epoch of a small training set passes over it this many rows' worth


@dataclass(frozen=True)
class Settings:
    """How one network is trained: ``epochs`` at most, stopping after ``patience`` epochs
    without a better validation accuracy (``None``: never)."""

    epochs: int = 30
    batch_size: int = 64
    lr: float = 0.05
    seed: int = 0
    method: str = "adam"
    patience: int | None = None
    keep: str = "best"  # or "last": the tables of the last epoch (a refit has no validation)


@dataclass(frozen=True)
class Trained:
    """A trained network: the tables of its best validation epoch and how it got there."""

    net: LogicNetwork
    tables: tuple
    val_accuracy: float
    best_epoch: int
    epochs_run: int
    seconds: float
    curve: tuple = ()  # the hard validation accuracy after every epoch

    @property
    def arch(self) -> str:
        return arch(self.net)


def arch(net: LogicNetwork) -> str:
    """``"LxG"`` (layers x gates) or the widths joined by ``+``."""
    widths = net.widths
    same = all(w == widths[0] for w in widths)
    return f"{len(widths)}x{widths[0]}" if same else "+".join(map(str, widths))


@dataclass(frozen=True)
class Try:
    """One architecture trained on every split: scored by the mean validation accuracy,
    its epoch count the peak of the mean validation curve (a run stopped early counts
    its last accuracy for the epochs it did not run)."""

    net: LogicNetwork
    runs: tuple

    @property
    def arch(self) -> str:
        return arch(self.net)

    @property
    def tables(self):
        return self.runs[0].tables

    @property
    def val_accuracy(self) -> float:
        return float(np.mean([r.val_accuracy for r in self.runs]))

    @property
    def curve(self) -> np.ndarray:
        n = max(len(r.curve) for r in self.runs)
        return np.mean([list(r.curve) + [r.curve[-1]] * (n - len(r.curve))
                        for r in self.runs], axis=0)

    @property
    def best_epoch(self) -> int:
        if len(self.runs) == 1:
            return self.runs[0].best_epoch
        curve = self.curve
        return int(np.flatnonzero(curve >= curve.max() - 1e-12)[-1]) + 1

    @property
    def epochs_run(self) -> int:
        return max(r.epochs_run for r in self.runs)

    @property
    def seconds(self) -> float:
        return sum(r.seconds for r in self.runs)


class _Stop(Exception):
    """Raised by the epoch callback to end a try early (patience or deadline)."""


class _Best:
    """The best validation epoch so far, and whether to stop."""

    def __init__(self, score, settings: Settings, deadline: float | None, log):
        self.score, self.settings, self.deadline, self.log = score, settings, deadline, log
        self.tables, self.accuracy, self.epoch, self.run, self.improved = None, -1.0, 0, 0, 0
        self.curve = []
        self.began = self.last = time.perf_counter()

    def see(self, epoch: int, tables, extra: str = "") -> None:
        accuracy = self.score(tables)
        self.run = epoch
        self.curve.append(accuracy)
        if accuracy > self.accuracy:
            self.improved = epoch
        # a tie goes to the later, longer-trained epoch; a refit keeps its last epoch
        if accuracy >= self.accuracy or self.settings.keep == "last":
            self.tables, self.accuracy, self.epoch = tables, accuracy, epoch
        now = time.perf_counter()
        per_epoch, self.last = now - self.last, now
        self.log(f"epoch {epoch}: {extra}hard validation {accuracy:.4f}")
        patience = self.settings.patience
        if patience is not None and epoch - self.improved >= patience:
            raise _Stop
        if self.deadline is not None and now + per_epoch > self.deadline:
            self.log(f"stopping after epoch {epoch}: the next would pass the time budget")
            raise _Stop

    def result(self, net: LogicNetwork) -> Trained:
        return Trained(net, self.tables, self.accuracy, self.epoch, self.run,
                       time.perf_counter() - self.began, tuple(self.curve))


def _scorer(net: LogicNetwork, x_val, y_val, x, y):
    """Hard accuracy on the validation rows (on the training rows if there are none)."""
    xs, ys = (x_val, y_val) if len(y_val) else (x, y)
    return lambda tables: float(np.mean(net.predict(tables, xs) == ys))


def train_adam(net: LogicNetwork, x, y, x_val, y_val, settings: Settings,
               deadline: float | None = None, log=lambda line: None) -> Trained:
    """Adam on the relaxed network; the hard tables of the best validation epoch."""
    from catlearn.learning.fit import fit
    best = _Best(_scorer(net, x_val, y_val, x, y), settings, deadline, log)

    def report(epoch, history, params):
        best.see(epoch, net.hard(params), f"loss {history.loss[-1]:.4f}, ")
    passes = -(-MIN_EPOCH_ROWS // max(len(y), 1))  # a few optimizer steps per epoch: noise
    x, y = np.tile(np.asarray(x, dtype=float), (passes, 1)), np.tile(np.asarray(y), passes)
    try:
        fit(net.para(), net.init(settings.seed), (x, y),
            optimizer="adam", lr=settings.lr, epochs=settings.epochs,
            batch_size=settings.batch_size, seed=settings.seed, progress=False,
            callbacks=[report])
    except _Stop:
        pass
    return best.result(net)


def train_rda(net: LogicNetwork, x, y, x_val, y_val, settings: Settings,
              deadline: float | None = None, log=lambda line: None) -> Trained:
    """Minibatched RDA on the Z2 reading of the layers, majority votes per batch.

    The target of the last layer is its gates' group membership: every gate of the true
    class's group on, the others off.  The tables of the best validation epoch are kept.
    """
    from catlearn.learning.rda import rda_fit
    from catlearn.para import Para
    f = net.z2_map(readout=False)
    model = Para(f.dom[:len(f.dom) - net.n_in], f)
    size = net.widths[-1] // net.classes
    target = np.repeat(np.eye(net.classes, dtype=np.uint8)[y], size, axis=1)
    theta = np.concatenate([t.ravel() for t in net.hard(net.init(settings.seed))])
    cuts = np.cumsum([4 * m for m in net.widths])[:-1]

    def tables(bits):
        return tuple(t.reshape(-1, 4) for t in np.split(bits, cuts))
    best = _Best(_scorer(net, x_val, y_val, x, y), settings, deadline, log)
    try:
        for epoch in range(settings.epochs):
            order = np.random.default_rng((settings.seed, epoch)).permutation(len(target))
            theta = rda_fit(model, (np.asarray(x)[order], target[order]), theta,
                            batch_size=settings.batch_size, reduce="majority").theta
            best.see(epoch + 1, tables(theta), "rda, ")
    except _Stop:
        pass
    return best.result(net)


TRAINERS = {"adam": train_adam, "rda": train_rda}


def network(n_in: int, classes: int, gates: int, layers: int, tau: float | None,
            seed: int, parametrisation: str) -> LogicNetwork:
    """``layers`` layers of ``gates`` gates; the last rounded up to a multiple of ``classes``
    (its gates split into one group per class); ``tau`` defaults to sqrt(gates / class)."""
    last = -(-gates // classes) * classes
    tau = tau if tau is not None else math.sqrt(last / classes)
    return LogicNetwork(n_in, (gates,) * (layers - 1) + (last,), classes, tau, seed,
                        parametrisation)


def check_memory(net: LogicNetwork, batch: int, n_train: int) -> int:
    """The training memory estimate in bytes; refused when it exceeds the available memory."""
    import psutil
    gates = sum(net.widths)
    need = batch * gates * BYTES_PER_GATE_EXAMPLE + n_train * net.n_in * 8 * 2 + gates * 2000
    free = psutil.virtual_memory().available
    if need > free:
        raise ValueError(f"the network ({len(net.widths)} layers of {max(net.widths)} gates, "
                         f"batch {batch}, {n_train} training rows of {net.n_in} bits) needs "
                         f"about {need / 2**30:.1f} GiB, more than the {free / 2**30:.1f} GiB "
                         "available; use fewer gates, layers or a smaller batch")
    return need


def ladder(n_in: int, classes: int, n_rows: int) -> list[tuple[int, int]]:
    """The architectures the search climbs, ``(layers, gates)``, each about three times
    the cost of the one before; the first is small enough for one epoch on ``n_rows``.

    >>> ladder(20, 2, 3200)[:4]
    [(2, 80), (3, 160), (4, 320), (6, 640)]
    """
    g0 = max(16 * classes, 4 * n_in)
    g0 = min(g0, max(4 * classes, int(FIRST_TRY_WORK / (2 * max(n_rows, 1)))))
    g0 = -(-g0 // classes) * classes
    steps = [(2, 1), (3, 2), (4, 4), (6, 8), (6, 16), (6, 32), (6, 64)]
    return [(layers, g0 * factor) for layers, factor in steps if g0 * factor <= 64000]


@dataclass(frozen=True)
class Split:
    """Training rows and the validation rows that score them."""

    x: np.ndarray
    y: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray


def search(splits, classes: int, settings: Settings, budget: float, make,
           log=lambda line: None, reserve=lambda best: 0.0) -> tuple[Try, list[Try]]:
    """Climb :func:`ladder` while the mean validation accuracy over ``splits`` (a list of
    :class:`Split`) improves, within ``budget`` seconds.

    ``make(gates, layers)`` builds a network: the extension point for other families
    (learned wiring, :class:`~catlearn.layers.logic_wiring.LearnedLogicNetwork`, trains
    here as it is, but was measured slower to the same validation accuracy on a 20-input
    rule, and the estimator exports only fixed wiring); ``reserve(best)`` is the time to keep for
    what follows the search (a refit of the best try).  The next step is tried only if it
    can run, in what is left, half the epochs the best try needed (at least 5).
    Returns the chosen try and every try.
    """
    began, tries, best, worse = time.perf_counter(), [], None, 0
    train = TRAINERS[settings.method]
    n_val = sum(len(s.y_val) for s in splits)
    margin = max(0.002, 2 / max(n_val, 1))  # two more validation rows right: not noise
    for layers, gates in ladder(splits[0].x.shape[1], classes, len(splits[0].x)):
        net = make(gates, layers)
        left = budget - (time.perf_counter() - began)
        if tries:
            last = tries[-1]
            left -= reserve(best)
            min_epochs = min(settings.epochs, max(5, best.best_epoch // 2))
            per_epoch = last.seconds / max(last.epochs_run, 1) * sum(net.widths) / sum(
                last.net.widths)
            if per_epoch * min_epochs > SHARE * left:
                log(f"search: {layers}x{gates} would need about {per_epoch * min_epochs:.0f} s "
                    f"for {min_epochs} epochs, {max(left, 0):.0f} s of the budget left "
                    f"(after {reserve(best):.0f} s kept for the refit): stop")
                break
        check_memory(net, settings.batch_size, len(splits[0].x))
        deadline = time.perf_counter() + (left if not tries else SHARE * left)
        runs = []
        for split in splits:
            runs.append(train(net, split.x, split.y, split.x_val, split.y_val, settings,
                              deadline, lambda line: None))
            if time.perf_counter() > deadline:
                break
        trained = Try(net, tuple(runs))
        tries.append(trained)
        folds = f" (mean of {len(runs)} folds)" if len(splits) > 1 else ""
        log(f"search: tried {trained.arch} gates: validation {trained.val_accuracy:.4f}"
            f"{folds} (best epoch {trained.best_epoch} of {trained.epochs_run}), "
            f"{trained.seconds:.1f} s")
        if best is None or trained.val_accuracy >= best.val_accuracy + margin:
            best, worse = trained, 0
        else:
            worse += 1
        if best.val_accuracy >= 1.0 or worse >= 2:
            break
    return best, tries


def refit_seconds(chosen: Try, n_train: int, n_rows: int) -> float:
    """About how long :func:`refit` of ``chosen`` (trained on ``n_train`` rows per split)
    takes on ``n_rows`` rows."""
    run = chosen.runs[0]
    return run.seconds / max(run.epochs_run, 1) * n_rows / max(n_train, 1) * chosen.best_epoch


def refit(net: LogicNetwork, x, y, epochs: int, settings: Settings,
          deadline: float | None = None, log=lambda line: None) -> Trained:
    """``net`` trained on all of ``(x, y)`` for ``epochs`` epochs (the count chosen by
    validation); the tables of the last epoch (of the last before ``deadline``)."""
    settings = replace(settings, epochs=epochs, patience=None, keep="last")
    empty = np.asarray(x)[:0]
    return TRAINERS[settings.method](net, x, y, empty, np.asarray(y)[:0], settings,
                                     deadline, log)


def stderr(line: str) -> None:
    """Progress lines go to stderr, so that stdout keeps its contract."""
    print(line, file=sys.stderr, flush=True)


__all__ = ["Settings", "Trained", "Try", "Split", "train_adam", "train_rda", "network",
           "check_memory", "ladder", "search", "refit", "refit_seconds", "stderr"]
