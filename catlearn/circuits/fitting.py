"""Training a logic-gate classifier: best epoch by validation, and the architecture search.

* :func:`train_adam` runs ``fit`` (Adam on the relaxed network) and, after every epoch,
  reads the network as a circuit (its hard truth tables) and scores it on the validation
  rows; the tables of the best validation epoch are kept, as Keras's
  ``restore_best_weights`` keeps weights.  A try stops early after ``patience`` epochs
  without improvement, or when the next epoch would pass its ``deadline``.
* :func:`train_rda` trains the same network in Z2 by minibatched RDA (majority votes),
  keeping the tables of the best validation epoch.
* :func:`search` chooses the architecture by validation accuracy: a ladder of depths and
  widths, each step about three times the cost of the one before, climbed while the
  validation accuracy improves by two validation rows or more (one step of grace) and
  the time budget allows.

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
from dataclasses import dataclass

import numpy as np

from catlearn.layers.logic_net import LogicNetwork

BYTES_PER_GATE_EXAMPLE = 8 * 8  # float64 activations, cotangents and temporaries per gate
SHARE = 0.7  # of the time left that one try of the search may take
FIRST_TRY_WORK = 1e8  # gate-rows of one epoch of the first try: keeps it short on big data


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


@dataclass(frozen=True)
class Trained:
    """A trained network: the tables of its best validation epoch and how it got there."""

    net: LogicNetwork
    tables: tuple
    val_accuracy: float
    best_epoch: int
    epochs_run: int
    seconds: float

    @property
    def arch(self) -> str:
        widths = self.net.widths
        same = all(w == widths[0] for w in widths)
        return (f"{len(widths)}x{widths[0]}" if same else "+".join(map(str, widths)))


class _Stop(Exception):
    """Raised by the epoch callback to end a try early (patience or deadline)."""


class _Best:
    """The best validation epoch so far, and whether to stop."""

    def __init__(self, score, settings: Settings, deadline: float | None, log):
        self.score, self.settings, self.deadline, self.log = score, settings, deadline, log
        self.tables, self.accuracy, self.epoch, self.run, self.improved = None, -1.0, 0, 0, 0
        self.began = self.last = time.perf_counter()

    def see(self, epoch: int, tables, extra: str = "") -> None:
        accuracy = self.score(tables)
        self.run = epoch
        if accuracy > self.accuracy:
            self.improved = epoch
        if accuracy >= self.accuracy:  # a tie goes to the later, longer-trained epoch
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
                       time.perf_counter() - self.began)


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
    try:
        fit(net.para(), net.init(settings.seed), (np.asarray(x, dtype=float), np.asarray(y)),
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


def search(x, y, x_val, y_val, classes: int, settings: Settings, budget: float,
           make, log=lambda line: None) -> tuple[Trained, list[Trained]]:
    """Climb :func:`ladder` while the validation accuracy improves, within ``budget`` s.

    ``make(gates, layers)`` builds a network.  Returns the chosen try and every try.
    """
    began, tries, best, worse = time.perf_counter(), [], None, 0
    train = TRAINERS[settings.method]
    min_epochs = min(settings.epochs, 5)
    margin = max(0.002, 2 / max(len(y_val), 1))  # two more validation rows right: not noise
    for layers, gates in ladder(x.shape[1], classes, len(x)):
        net = make(gates, layers)
        left = budget - (time.perf_counter() - began)
        if tries:
            last = tries[-1]
            per_epoch = last.seconds / max(last.epochs_run, 1) * sum(net.widths) / sum(
                last.net.widths)
            if per_epoch * min_epochs > SHARE * left:
                log(f"search: {layers}x{gates} would need about {per_epoch * min_epochs:.0f} s "
                    f"for {min_epochs} epochs, {max(left, 0):.0f} s of the budget left: stop")
                break
        check_memory(net, settings.batch_size, len(x))
        deadline = time.perf_counter() + (left if not tries else SHARE * left)
        trained = train(net, x, y, x_val, y_val, settings, deadline, lambda line: None)
        tries.append(trained)
        log(f"search: tried {trained.arch} gates: validation {trained.val_accuracy:.4f} "
            f"(best epoch {trained.best_epoch} of {trained.epochs_run}), {trained.seconds:.1f} s")
        if best is None or trained.val_accuracy >= best.val_accuracy + margin:
            best, worse = trained, 0
        else:
            worse += 1
        if best.val_accuracy >= 1.0 or worse >= 2:
            break
    return best, tries


def stderr(line: str) -> None:
    """Progress lines go to stderr, so that stdout keeps its contract."""
    print(line, file=sys.stderr, flush=True)


__all__ = ["Settings", "Trained", "train_adam", "train_rda", "network", "check_memory",
           "ladder", "search", "stderr"]
