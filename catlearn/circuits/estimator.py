"""``LogicGateClassifier``: a logic-gate network classifier with the scikit-learn interface.

``fit(X, y)`` encodes ``X`` as bits (:mod:`catlearn.data.encode`: thresholds at the
training quantiles, one-hot categories; a catlearn CSV ``Table`` or a numeric array),
holds out a stratified validation split of the training rows, trains a logic-gate
network and exports its hard reading as a netlist (:mod:`catlearn.circuits.classifier`).
``predict`` and ``score`` run that netlist, bit-packed: what is scored is the circuit.
``export(path)`` writes the BLIF, its JSON sidecar (encoding and class names, what
``catlearn circuit eval --data`` reads) and optionally Verilog, all or none.

Without ``gates`` and ``layers`` the architecture is chosen by validation accuracy
within ``time_budget`` seconds (:func:`catlearn.circuits.fitting.search`): on one
stratified split, or, when that would hold out fewer than 200 rows, on stratified folds
(every row validates once).  Every try keeps the tables of its best validation epoch.
With ``refit`` (the default) the chosen network is then retrained on all the training
rows (training and validation) for the epoch count validation chose, when the budget
allows; otherwise the validated tables are kept.  Labels may be any values
(strings as well as numbers); ``classes_`` holds them sorted.

>>> import numpy as np
>>> rng = np.random.default_rng(0)
>>> X = rng.uniform(size=(400, 3)); y = np.where(X[:, 0] > 0.5, "high", "low")
>>> clf = LogicGateClassifier(gates=16, layers=2, epochs=15, lr=0.1).fit(X[:300], y[:300])
>>> clf.classes_.tolist()
['high', 'low']
>>> clf.score(X[300:], y[300:]) > 0.85
True
"""

from __future__ import annotations

import math
import os
import re
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

from catlearn.circuits import classifier, fitting
from catlearn.circuits.datasets import stratified_folds, stratified_split
from catlearn.data.csv import Table
from catlearn.data.encode import Encoding, dumps, fit_array, fit_table
from catlearn.files import check_writable
from catlearn.packing import pack, unpack

PARAMETRISATIONS = ("mux", "softmax16")
METHODS = tuple(fitting.TRAINERS)
SEARCH_SHARE = 0.75  # of the time budget; the rest is for the refit, export and checks
REFIT_SHARE = 0.9  # the refit must end within this share of the time budget
SMALL_VALIDATION = 200  # fewer validation rows than this: cross-validate over folds


def check_settings(values: dict, flag=lambda name: name) -> None:
    """Refuse a value no run can honour; the error names it through ``flag(name)``.

    >>> check_settings({"tau": -1.0})
    Traceback (most recent call last):
    ...
    ValueError: tau must be a positive number, got -1.0
    """
    rules = {"gates": (1, int), "layers": (1, int), "levels": (1, int), "epochs": (1, int),
             "batch_size": (1, int), "random_checks": (0, int), "patience": (1, int),
             "folds": (1, int)}
    for name, (least, kind) in rules.items():
        value = values.get(name)
        if value is not None and (not isinstance(value, (int, np.integer)) or value < least):
            raise ValueError(f"{flag(name)} must be an integer >= {least}, got {value!r}")
    for name in ("tau", "lr", "time_budget"):
        value = values.get(name)
        if value is not None and not (isinstance(value, (int, float)) and math.isfinite(value)
                                      and value > 0):
            raise ValueError(f"{flag(name)} must be a positive number, got {value!r}")
    fraction = values.get("validation_fraction")
    if fraction is not None and not 0 <= fraction < 1:
        raise ValueError(f"{flag('validation_fraction')} must lie in [0, 1), got {fraction!r}")
    for name, known in (("parametrisation", PARAMETRISATIONS), ("method", METHODS)):
        if values.get(name) is not None and values[name] not in known:
            raise ValueError(f"{flag(name)} must be one of {', '.join(known)}, "
                             f"got {values[name]!r}")


def output_paths(path, verilog=None) -> dict:
    """``{flag: path}`` of everything :meth:`LogicGateClassifier.export` writes, checked
    writable and distinct; call it before any work."""
    paths = {"--out": Path(path), "sidecar": Path(path).with_suffix(".json")}
    if verilog is not None:
        paths["--verilog"] = Path(verilog)
    for flag, p in paths.items():
        check_writable(p, flag)
    if len({os.path.abspath(p) for p in paths.values()}) < len(paths):
        raise ValueError(f"--out {path}: the BLIF, its sidecar "
                         f"{paths['sidecar']} and the Verilog must be different files")
    return paths


def model_name(path) -> str:
    """A BLIF/Verilog model name from a file name: other characters become ``_``.

    >>> model_name("out/my model-2.blif")
    'my_model_2'
    """
    name = re.sub(r"[^A-Za-z0-9_]", "_", Path(path).stem) or "classifier"
    return name if not name[0].isdigit() else f"m_{name}"


def write_all(files: dict) -> None:
    """Write ``{path: text}`` all or none: every file to a temporary beside it, then
    rename them all; a failure before the renames leaves no file behind."""
    mask = os.umask(0)
    os.umask(mask)
    temps = []
    try:
        for path, text in files.items():
            fd, tmp = tempfile.mkstemp(dir=Path(path).parent, prefix=f".{Path(path).name}.")
            temps.append(tmp)
            with os.fdopen(fd, "w") as handle:
                handle.write(text)
            os.chmod(tmp, 0o666 & ~mask)
        for tmp, path in zip(temps, files):
            os.replace(tmp, path)
    finally:
        for tmp in temps:
            if os.path.exists(tmp):
                os.unlink(tmp)


def encode(encoding: Encoding, X) -> np.ndarray:
    """The 0/1 rows of ``X`` (a ``Table`` or a numeric array) under ``encoding``."""
    return encoding.encode_table(X) if isinstance(X, Table) else encoding.encode_array(X)


class LogicGateClassifier:
    """A classifier whose model is a circuit of two-input gates (scikit-learn interface).

    Args:
        gates, layers: gates per layer and number of layers; both ``None``: chosen by
            validation within ``time_budget`` seconds (one given: the other defaults to
            the search's first step).
        tau: readout temperature (default sqrt(gates per class)).
        levels: thresholds per numeric column; ``encoding``: a fixed
            :class:`~catlearn.data.encode.Encoding` instead of one fitted on ``X``.
        epochs, batch_size, lr, method, parametrisation, seed: training (Adam on the
            relaxed network, or RDA in Z2); ``epochs`` are the most a try runs, and it
            stops after ``patience`` epochs without a better validation accuracy.
        validation_fraction: the stratified share of the training rows held out to pick
            the epoch and the architecture.
        folds: stratified folds for the search (``None``: automatic, see above; 1: one
            split).  refit: retrain the chosen network on all rows when time allows.
        verbose: progress lines on stderr.
    """

    def __init__(self, gates=None, layers=None, *, tau=None, levels=8, encoding=None,
                 epochs=30, batch_size=64, lr=0.05, method="adam", parametrisation="mux",
                 seed=0, time_budget=300.0, validation_fraction=0.2, patience=None,
                 folds=None, refit=True, verbose=False):
        self.gates, self.layers, self.tau, self.levels = gates, layers, tau, levels
        self.encoding, self.epochs, self.batch_size, self.lr = encoding, epochs, batch_size, lr
        self.method, self.parametrisation, self.seed = method, parametrisation, seed
        self.time_budget, self.validation_fraction = time_budget, validation_fraction
        self.patience, self.folds, self.refit, self.verbose = patience, folds, refit, verbose

    _PARAMS = ("gates", "layers", "tau", "levels", "encoding", "epochs", "batch_size", "lr",
               "method", "parametrisation", "seed", "time_budget", "validation_fraction",
               "patience", "folds", "refit", "verbose")

    def get_params(self, deep=True) -> dict:
        return {name: getattr(self, name) for name in self._PARAMS}

    def set_params(self, **params):
        for name, value in params.items():
            if name not in self._PARAMS:
                raise ValueError(f"LogicGateClassifier has no parameter {name!r}")
            setattr(self, name, value)
        return self

    def __repr__(self) -> str:
        given = {k: v for k, v in self.get_params().items()
                 if v != LogicGateClassifier().get_params()[k]}
        return f"LogicGateClassifier({', '.join(f'{k}={v!r}' for k, v in given.items())})"

    # -- fitting -----------------------------------------------------------------------

    def _log(self, line: str) -> None:
        if self.verbose:
            fitting.stderr(line)

    def fit_encoding(self, X, feature_names=None) -> Encoding:
        """The encoding ``fit`` uses: ``encoding`` if given, else one fitted on ``X``."""
        if self.encoding is not None:
            return self.encoding
        if isinstance(X, Table):
            return fit_table(X, self.levels)
        return fit_array(X, self.levels, feature_names)

    def encode(self, X) -> np.ndarray:
        """The 0/1 circuit inputs of ``X`` under the fitted encoding."""
        return encode(self.encoding_, X)

    def fit(self, X, y, feature_names=None):
        """Encode ``X``, train on a stratified part of it, keep the best validation epoch."""
        check_settings(self.get_params())
        y = np.asarray(y)
        if len(y) != len(X):
            raise ValueError(f"X has {len(X)} rows but y has {len(y)} labels")
        self.classes_, y_index = np.unique(y, return_inverse=True)
        if len(self.classes_) < 2:
            raise ValueError(f"a classifier needs at least two classes, found only "
                             f"{self.classes_.tolist()}")
        self.encoding_ = self.fit_encoding(X, feature_names)
        bits = self.encode(X)
        self.n_features_in_ = len(self.encoding_.columns)
        return self.fit_bits(bits, y_index.ravel())

    def splits(self, bits, y_index) -> list:
        """The validation splits: one stratified split, or stratified folds (``folds``,
        automatic: ``round(1 / validation_fraction)`` when one split would hold out
        fewer than :data:`SMALL_VALIDATION` rows)."""
        folds = self.folds
        if folds is None:
            small = len(y_index) * self.validation_fraction < SMALL_VALIDATION
            folds = max(2, round(1 / self.validation_fraction)) if small and \
                self.validation_fraction > 0 else 1
        if folds > 1 and self.gates is None and self.layers is None:
            pairs = stratified_folds(y_index, folds, self.seed)
            why = "a small data set: " if self.folds is None else ""
            self._log(f"validation: {folds} stratified folds of {len(y_index)} training rows "
                      f"({why}every row validates once)")
        else:
            pairs = [stratified_split(y_index, self.validation_fraction, self.seed,
                                      what="validation", log=self._log)]
            self._log(f"validation: {len(pairs[0][1])} of {len(y_index)} training rows "
                      "(stratified)")
        return [fitting.Split(bits[t], y_index[t], bits[v], y_index[v]) for t, v in pairs]

    def fit_bits(self, bits, y_index):
        """Train on encoded rows ``bits`` (0/1) and class indices into ``classes_``."""
        began = time.perf_counter()
        splits = self.splits(bits, y_index)
        k = len(self.classes_)
        settings = fitting.Settings(self.epochs, self.batch_size, self.lr, self.seed,
                                    self.method, self.patience or max(10, self.epochs // 3))

        def make(gates, layers):
            return fitting.network(bits.shape[1], k, gates, layers, self.tau, self.seed,
                                   self.parametrisation)
        if self.gates is None and self.layers is None:
            def reserve(best):  # time kept for refitting the best try so far
                return fitting.refit_seconds(best, len(splits[0].y), len(y_index)) \
                    if self.refit else 0.0
            chosen, tries = fitting.search(splits, k, settings,
                                           SEARCH_SHARE * self.time_budget, make, self._log,
                                           reserve)
            self._log(f"search: chose {chosen.arch} gates (validation "
                      f"{chosen.val_accuracy:.4f}, {chosen.best_epoch} epochs)")
        else:
            first = fitting.ladder(bits.shape[1], k, len(splits[0].y))[0]
            if self.gates is not None and self.gates < k:
                raise ValueError(f"gates must be at least the number of classes ({k}): the "
                                 f"last layer has one group of gates per class, got "
                                 f"{self.gates}")
            net = make(self.gates or first[1], self.layers or first[0])
            fitting.check_memory(net, self.batch_size, len(splits[0].y))
            split = splits[0]
            chosen = fitting.Try(net, (fitting.TRAINERS[self.method](
                net, split.x, split.y, split.x_val, split.y_val, settings, None, self._log),))
            tries = [chosen]
        self.net_, self.tables_, self.tries_ = chosen.net, chosen.tables, tries
        self.validation_accuracy_ = chosen.val_accuracy
        self.refit_ = self._refit(chosen, splits, bits, y_index, settings, began)
        if self.refit_ is not None:
            self.tables_ = self.refit_.tables
        self.circuit_ = classifier.export(self.net_, self.tables_)
        return self

    def _refit(self, chosen, splits, bits, y_index, settings, began):
        """``chosen`` retrained on all rows for its validated epoch count, when ``refit``
        and the time budget allow it; ``None`` otherwise (the validated tables stay)."""
        if not self.refit or all(len(s.y_val) == 0 for s in splits):
            return None
        need = fitting.refit_seconds(chosen, len(splits[0].y), len(y_index))
        left = REFIT_SHARE * self.time_budget - (time.perf_counter() - began)
        if need > left:
            self._log(f"refit: skipped (about {need:.0f} s, {max(left, 0):.0f} s of the "
                      "budget left for it); the validated tables are kept")
            return None
        trained = fitting.refit(chosen.net, bits, y_index, chosen.best_epoch, settings,
                                time.perf_counter() + left)
        self._log(f"refit: {chosen.arch} gates on all {len(y_index)} training rows for "
                  f"{trained.epochs_run} epochs (training accuracy "
                  f"{trained.val_accuracy:.4f}), {trained.seconds:.1f} s")
        return trained

    # -- using the circuit -------------------------------------------------------------

    def predict_index(self, bits) -> np.ndarray:
        """Class indices the exported circuit computes on encoded rows ``bits``."""
        from catlearn.netlist.native import evaluator
        bits = np.asarray(bits, dtype=np.uint8)
        out = evaluator(self.circuit_).evaluate(pack(bits))
        return classifier.decode(unpack(out, len(bits)))

    def predict(self, X) -> np.ndarray:
        """The classes the exported circuit predicts for ``X``."""
        return self.classes_[np.minimum(self.predict_index(self.encode(X)),
                                        len(self.classes_) - 1)]

    def score(self, X, y) -> float:
        """Accuracy of the exported circuit on ``(X, y)``."""
        return float(np.mean(self.predict(X) == np.asarray(y)))

    def verify(self, bits, n_random: int = 10**6) -> dict:
        """Mismatches between the exported circuit and the network's Z2 reading
        (:func:`catlearn.circuits.classifier.verify`) on ``bits`` and random rows."""
        return classifier.verify(self.net_, self.tables_, self.circuit_, bits, n_random,
                                 self.seed)

    def export(self, path, verilog=None, comment: str = "", extra: dict | None = None) -> str:
        """Write the BLIF at ``path``, its sidecar ``path.json`` (and ``verilog``), all or
        none; returns the names written."""
        from catlearn.netlist.blif import to_blif
        from catlearn.netlist.verilog import to_verilog
        paths = output_paths(path, verilog)
        circuit = replace(self.circuit_, name=model_name(path))
        net = self.net_
        files = {paths["--out"]: to_blif(circuit, comment),
                 paths["sidecar"]: dumps(self.encoding_, [str(c) for c in self.classes_], {
                     "inputs": list(circuit.inputs), "outputs": list(circuit.outputs),
                     "layers": [list(layer) for layer in net.layers], "tau": net.tau,
                     **(extra or {})})}
        if verilog is not None:
            files[paths["--verilog"]] = to_verilog(circuit)
        write_all(files)
        return ", ".join(str(p) for p in files)
