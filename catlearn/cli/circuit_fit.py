"""``catlearn circuit fit`` and ``catlearn circuit eval --data``: classifier circuits from data.

* ``catlearn circuit fit DATA [--label COLUMN] [--test TEST.csv] [--data-dir DIR]
  [--levels K] [--gates N] [--layers L] [--time-budget S] [--epochs E] [--batch-size B]
  [--lr X] [--seed S] --out MODEL.blif [--verilog MODEL.v]`` is a thin shell over
  :class:`~catlearn.circuits.estimator.LogicGateClassifier`: it checks every flag and
  output path, loads the data (a stratified 20 % test split unless ``--test``), fits
  (without ``--gates``/``--layers``: the architecture chosen by validation within the
  time budget, then retrained on all training rows when the budget allows), checks the
  exported circuit bit for bit against the model on the test and random inputs, proves
  it with yosys when the proof fits in the budget left (else says so on stderr), and
  writes MODEL.blif, its sidecar MODEL.json (encoding, class names) and MODEL.v, all or
  none; the whole run keeps within ``--time-budget``.  Progress goes to
  stderr; the last line of stdout is ``test accuracy: X``, the exported circuit's.
* ``catlearn circuit eval MODEL.blif --data DATA.csv [--label COLUMN]`` encodes the CSV
  with the sidecar, evaluates the BLIF bit-packed and prints ``accuracy: X``; without a
  label column it writes the predictions as CSV.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

DEFAULT_TIME_BUDGET = 300.0
BUILTIN = ("iris", "digits", "mnist", "mnist01")  # catlearn.circuits.datasets.BUILTIN
YOSYS_RESERVE = 0.03  # of the time budget (at least 2 s) kept for writing the files
# The proof's cost grows with the trained gates squared and the depth: measured 0.6 s for
# 2 layers of 120, 1.0 s for 2 x 417, 79 s for 6 x 640, over 98 s for 3 x 2520 (digits)
# and 6 x 1280 (a 20-input rule): about c * gates^2 * layers.
YOSYS_COST = 1e-6

# The circuit library, numpy and the netlist tools are imported by the functions that run
# a command, so that building the parser (``catlearn --help``) stays quick.


def add_fit_parser(sub) -> None:
    """Add ``fit`` to the ``catlearn circuit`` subcommands."""
    p = sub.add_parser("fit", help="train a classifier circuit on data, export it as BLIF")
    p.add_argument("data", metavar="DATA", help=f"{', '.join(BUILTIN)} or a CSV file")
    p.add_argument("--label", metavar="COLUMN", help="the class column of a CSV file")
    p.add_argument("--test", metavar="TEST.csv", help="test set (default: a stratified 20%% "
                   "split)")
    p.add_argument("--data-dir", metavar="DIR", help="folder of the MNIST idx files "
                   "(default: $CATLEARN_DATA)")
    p.add_argument("--levels", type=int, help="thresholds per numeric column")
    p.add_argument("--gates", type=int, help="gates per layer (default: chosen by validation)")
    p.add_argument("--layers", type=int, help="number of layers (default: chosen by "
                   "validation)")
    p.add_argument("--time-budget", type=float, default=DEFAULT_TIME_BUDGET, metavar="S",
                   help="seconds for the whole run: search, refit and checks (default "
                   "%(default)g)")
    p.add_argument("--tau", type=float, help="readout temperature (default sqrt(gates/class))")
    p.add_argument("--parametrisation", choices=("mux", "softmax16"), default="mux")
    p.add_argument("--epochs", type=int, default=30, help="most epochs of a training run")
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--lr", type=float, default=0.05)
    p.add_argument("--method", choices=("adam", "rda"), default="adam",
                   help="adam on the relaxed network, or RDA (majority votes) on its Z2 reading")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--random-checks", type=int, default=10**5,
                   help="random inputs on which circuit and model are compared")
    p.add_argument("--no-yosys", action="store_true", help="skip the yosys proof")
    p.add_argument("--out", metavar="MODEL.blif", required=True)
    p.add_argument("--verilog", metavar="MODEL.v")
    p.set_defaults(func=run_fit)


def add_eval_arguments(p) -> None:
    """``--data`` and ``--label`` of ``catlearn circuit eval``."""
    p.add_argument("--data", metavar="DATA.csv", help="evaluate the classifier on a CSV file")
    p.add_argument("--label", metavar="COLUMN", help="class column of DATA.csv")


def _yosys(model, left: float) -> str:
    """yosys's verdict on the exported logic layers against the unsimplified Z2 reading,
    within ``left`` seconds; skipped (and said so on stderr) when it cannot fit."""
    from catlearn.circuits import classifier
    from catlearn.netlist.yosys import YosysError, yosys_available, yosys_equivalent
    if not yosys_available():
        return "yosys: not installed, not proved"
    net, tables = model.net_, model.tables_
    need = YOSYS_COST * net.n_gates ** 2 * len(net.widths)
    if left < max(need, 2.0):
        print(f"yosys: skipped: the proof of {net.n_gates} trained gates needs about "
              f"{need:.0f} s, {max(left, 0):.0f} s of the time budget are left (raise "
              "--time-budget to prove it); the random-input check above stands",
              file=sys.stderr, flush=True)
        return "yosys: skipped (time budget)"
    began = time.perf_counter()
    try:
        same = yosys_equivalent(classifier.reading(net, tables, readout=False),
                                classifier.export(net, tables, readout=False),
                                timeout=left)
    except YosysError as error:
        return f"yosys: could not decide ({str(error).splitlines()[0][:120]})"
    return (f"yosys: exported logic layers {'EQUIVALENT' if same else 'NOT equivalent'} to "
            f"the Z2 reading ({time.perf_counter() - began:.1f} s)")


def _flag(name: str) -> str:
    return "--" + name.replace("_", "-")


def estimator(args):
    """The classifier the flags describe (checked, with the flags' names in errors)."""
    from catlearn.circuits.estimator import LogicGateClassifier, check_settings
    values = {name: getattr(args, name) for name in (
        "gates", "layers", "tau", "levels", "epochs", "batch_size", "lr", "method",
        "parametrisation", "seed", "time_budget", "random_checks")}
    check_settings(values, _flag)
    values.pop("random_checks")
    if values["levels"] is None:
        values.pop("levels")
    return LogicGateClassifier(**values, verbose=True)


def _network_line(model) -> str:
    net = model.net_
    widths = net.widths
    shape = (f"{len(widths)} layers of {widths[0]} gates" if len(set(widths)) == 1 else
             f"{len(widths)} layers of {widths[0]} gates, the last {widths[-1]} (a multiple "
             f"of the {net.classes} classes)")
    how = "given" if model.gates is not None or model.layers is not None else \
        "chosen by validation"
    return (f"architecture: {net.n_in} input bits, {shape} ({how}), {net.classes} classes, "
            f"tau {net.tau:.3g}, validation accuracy {model.validation_accuracy_:.4f}")


def run_fit(args) -> int:
    """``catlearn circuit fit``."""
    began = time.perf_counter()
    model = estimator(args)
    import numpy as np
    from catlearn.circuits.datasets import ceiling, load
    from catlearn.circuits.estimator import encode, output_paths
    output_paths(args.out, args.verilog)
    data = load(args.data, args.label, args.test, args.levels, args.seed, args.data_dir)
    k = len(np.unique(data.y_train))
    if args.gates is not None and args.gates < k:
        raise ValueError(f"--gates {args.gates}: the last layer needs at least one gate per "
                         f"class, and there are {k} classes")
    model.set_params(encoding=data.encoding or model.fit_encoding(data.x_train,
                                                                  data.feature_names))
    bits_test = encode(model.encoding, data.x_test)  # bad test data fails before training
    model.set_params(time_budget=max(1e-3, args.time_budget - (time.perf_counter() - began)))
    model.fit(data.x_train, data.y_train, data.feature_names)
    print(_network_line(model))
    print(f"binarisation ceiling (test): "
          f"{ceiling(bits_test, np.searchsorted(model.classes_, data.y_test)):.4f}")
    checks = model.verify(bits_test, args.random_checks)
    accuracy = model.score(data.x_test, data.y_test)
    trained = model.tries_[-1] if model.gates is not None or model.layers is not None else None
    refit = model.refit_
    seconds = sum(t.seconds for t in model.tries_) + (refit.seconds if refit else 0.0)
    print(f"training: {seconds:.1f} s, {sum(len(t.runs) for t in model.tries_)} network(s) "
          f"of {args.method}"
          + (f", {trained.epochs_run} epochs, best {trained.best_epoch}" if trained else "")
          + (f", then refit on all training rows for {refit.epochs_run} epochs" if refit
             else ""))
    print(f"gates: {model.circuit_.n_gates} (of {model.net_.n_gates} trained, readout "
          "included)")
    print(f"verified: {checks['test']} mismatches on the test set, {checks['random']} on "
          f"{checks['random_rows']} random inputs")
    left = args.time_budget * (1 - YOSYS_RESERVE) - 2.0 - (time.perf_counter() - began)
    print(_yosys(model, left) if not args.no_yosys else "yosys: skipped")
    written = model.export(args.out, args.verilog,
                           comment=f"catlearn circuit fit {args.data} (seed {args.seed})",
                           extra={"test_accuracy": accuracy})
    print(f"wrote {written}")
    print(f"test accuracy: {accuracy:.4f}")
    return 0


def load_sidecar(blif: str):
    """The netlist and its sidecar's encoding, classes; they must agree on the inputs."""
    from catlearn.circuits import classifier
    from catlearn.data.encode import Encoding
    from catlearn.netlist.blif import load_blif
    circuit = load_blif(blif)
    path = Path(blif).with_suffix(".json")
    if not path.exists():
        raise FileNotFoundError(f"{path}: the sidecar of {blif} is missing (written by "
                                "catlearn circuit fit beside the BLIF)")
    try:
        meta = json.loads(path.read_text())
        encoding, classes = Encoding.from_json(meta), tuple(meta["classes"])
    except (json.JSONDecodeError, KeyError, TypeError) as error:
        raise ValueError(f"{path}: not a classifier sidecar ({error})") from None
    expected = classifier.input_names(len(encoding.bits))
    if circuit.inputs != expected:
        raise ValueError(f"{blif} has {len(circuit.inputs)} inputs ({' '.join(circuit.inputs[:4])}"
                         f"...) but its sidecar {path} encodes {len(expected)} bits "
                         f"({' '.join(expected[:4])}...): they do not belong together")
    if circuit.outputs != classifier.output_names(len(classes)):
        raise ValueError(f"{blif} has outputs {circuit.outputs}, but {len(classes)} classes "
                         f"need {classifier.output_names(len(classes))}")
    return circuit, encoding, classes


def run_eval_data(args) -> int:
    """``catlearn circuit eval MODEL.blif --data DATA.csv [--label COLUMN]``."""
    import numpy as np
    from catlearn.circuits import classifier
    from catlearn.data.csv import read_csv
    from catlearn.netlist.native import evaluator
    from catlearn.packing import pack, unpack
    circuit, encoding, classes = load_sidecar(args.file)
    table = read_csv(args.data)
    bits = encoding.encode_table(table)
    out = evaluator(circuit).evaluate(pack(bits))
    predicted = classifier.decode(unpack(out, len(bits)))
    if args.label is None:
        print("prediction")
        for p in predicted:
            print(classes[p] if p < len(classes) else f"?{p}")
        return 0
    truth, _ = table.labels(args.label, classes)
    print(f"examples: {len(truth)}")
    print(f"accuracy: {float(np.mean(predicted == truth)):.4f}")
    return 0
