"""``catlearn circuit fit`` and ``catlearn circuit eval --data``: classifier circuits from data.

* ``catlearn circuit fit DATA [--label COLUMN] [--test TEST.csv] [--levels K] [--gates N]
  [--layers L] [--epochs E] [--batch-size B] [--lr X] [--seed S] --out MODEL.blif
  [--verilog MODEL.v]`` trains a logic-gate network (Adam on the relaxed network, the
  ordinary supervised lens and ``fit``), exports the hard network as a netlist and checks
  it; progress goes to stderr; the last line of stdout is ``test accuracy: X``, the
  accuracy of the exported circuit.  It writes MODEL.blif and the sidecar MODEL.json
  (the input encoding and the class names).
* ``catlearn circuit eval MODEL.blif --data DATA.csv [--label COLUMN]`` encodes the CSV
  with the sidecar, evaluates the BLIF bit-packed and prints ``accuracy: X``; without a
  label column it writes the predictions as CSV.
"""

from __future__ import annotations

import json
import math
import os
import sys
import time
from pathlib import Path

import numpy as np

from catlearn.circuits import classifier
from catlearn.netlist.blif import load_blif, save_blif
from catlearn.circuits.datasets import BUILTIN, bits_data, ceiling
from catlearn.netlist.native import evaluator
from catlearn.netlist.verilog import to_verilog
from catlearn.netlist.yosys import YosysError, yosys_available, yosys_equivalent
from catlearn.data.csv import read_csv
from catlearn.data.encode import Encoding, dumps
from catlearn.layers.logic_net import LogicNetwork
from catlearn.packing import pack, unpack

BYTES_PER_GATE_EXAMPLE = 8 * 8  # float64 activations, cotangents and temporaries per gate


def add_fit_parser(sub) -> None:
    """Add ``fit`` to the ``catlearn circuit`` subcommands."""
    p = sub.add_parser("fit", help="train a classifier circuit on data, export it as BLIF")
    p.add_argument("data", metavar="DATA", help=f"{', '.join(BUILTIN)} or a CSV file")
    p.add_argument("--label", metavar="COLUMN", help="the class column of a CSV file")
    p.add_argument("--test", metavar="TEST.csv", help="test set (default: a 20%% split)")
    p.add_argument("--levels", type=int, help="thresholds per numeric column")
    p.add_argument("--gates", type=int, help="gates per layer")
    p.add_argument("--layers", type=int, help="number of layers")
    p.add_argument("--tau", type=float, help="readout temperature (default sqrt(gates/class))")
    p.add_argument("--parametrisation", choices=("mux", "softmax16"), default="mux")
    p.add_argument("--epochs", type=int, default=30)
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--lr", type=float, default=0.05)
    p.add_argument("--method", choices=("adam", "rda"), default="adam",
                   help="adam on the relaxed network, or RDA (majority votes) on its Z2 reading")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--random-checks", type=int, default=10**6,
                   help="random inputs on which circuit and model are compared")
    p.add_argument("--no-yosys", action="store_true", help="skip the yosys proof")
    p.add_argument("--out", metavar="MODEL.blif", required=True)
    p.add_argument("--verilog", metavar="MODEL.v")
    p.set_defaults(func=run_fit)


def add_eval_arguments(p) -> None:
    """``--data`` and ``--label`` of ``catlearn circuit eval``."""
    p.add_argument("--data", metavar="DATA.csv", help="evaluate the classifier on a CSV file")
    p.add_argument("--label", metavar="COLUMN", help="class column of DATA.csv")


def _say(*parts) -> None:
    print(*parts, file=sys.stderr, flush=True)


def architecture(n_in: int, classes: int, gates: int | None, layers: int | None):
    """Gates per layer (a multiple of ``classes``) and layers, chosen from the data if not given."""
    for value, name in ((gates, "gates"), (layers, "layers")):
        if value is not None and value < 1:
            raise ValueError(f"--{name} must be at least 1, got {value}")
    gates = gates or min(8000, max(40 * classes, 16 * n_in))
    gates = -(-gates // classes) * classes
    return gates, layers or 3


def available_memory() -> int | None:
    """Bytes of memory available to a new process (``MemAvailable``), when known."""
    try:
        with open("/proc/meminfo") as info:
            for line in info:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):
        return None


def check_memory(gates: int, layers: int, batch: int, n_train: int, n_in: int) -> int:
    """The training memory estimate in bytes; refused when it exceeds the free memory."""
    need = (batch * gates * layers * BYTES_PER_GATE_EXAMPLE + n_train * n_in * 8 * 2
            + gates * layers * 2000)
    free = available_memory()
    if free is not None and need > free:
        raise ValueError(f"the network ({layers} layers of {gates} gates, batch {batch}, "
                         f"{n_train} training rows of {n_in} bits) needs about "
                         f"{need / 2**30:.1f} GiB, more than the {free / 2**30:.1f} GiB free; "
                         "use fewer gates, layers or a smaller batch")
    return need


def _hard_accuracy(net, x, y):
    return lambda params: float(np.mean(net.predict(net.hard(params), x) == y))


def train(net: LogicNetwork, data, args):
    """Adam on the relaxed network; after each epoch, the relaxed and hard test accuracy."""
    from catlearn.learning.fit import fit
    curve = []
    hard = _hard_accuracy(net, data.x_test, data.y_test)

    def report(epoch, history, params):
        curve.append((history.val_accuracy[-1], hard(params)))
        _say(f"epoch {epoch}: {history.summary()}, relaxed test {curve[-1][0]:.4f}, "
             f"hard test {curve[-1][1]:.4f}")
    began = time.perf_counter()
    result = fit(net.para(), net.init(args.seed), (data.x_train.astype(float), data.y_train),
                 optimizer="adam", lr=args.lr, epochs=args.epochs, batch_size=args.batch_size,
                 seed=args.seed, validation=(data.x_test.astype(float), data.y_test),
                 progress=False, callbacks=[report])
    return result.params, curve, time.perf_counter() - began


def train_rda(net: LogicNetwork, data, args):
    """Minibatched RDA on the Z2 reading of the layers, majority votes per batch.

    The target of the last layer is its gates' group membership: every gate of the true
    class's group on, the others off.  The tables with the best training accuracy are kept.
    """
    from catlearn.learning.rda import rda_fit
    from catlearn.para import Para
    f = net.z2_map(readout=False)
    model = Para(f.dom[:len(f.dom) - net.n_in], f)
    size = net.widths[-1] // net.classes
    target = np.repeat(np.eye(net.classes, dtype=np.uint8)[data.y_train], size, axis=1)
    theta = np.concatenate([t.ravel() for t in net.hard(net.init(args.seed))])
    cuts = np.cumsum([4 * m for m in net.widths])[:-1]

    def tables(bits):
        return tuple(t.reshape(-1, 4) for t in np.split(bits, cuts))
    best, best_score, curve = theta, -1.0, []
    began = time.perf_counter()
    for epoch in range(args.epochs):
        order = np.random.default_rng((args.seed, epoch)).permutation(len(target))
        theta = rda_fit(model, (data.x_train[order], target[order]), theta,
                        batch_size=args.batch_size, reduce="majority").theta
        train = float(np.mean(net.predict(tables(theta), data.x_train) == data.y_train))
        curve.append((float("nan"), float(np.mean(net.predict(tables(theta), data.x_test)
                                                  == data.y_test))))
        if train >= best_score:
            best, best_score = theta, train
        _say(f"epoch {epoch + 1}: rda train {train:.4f}, hard test {curve[-1][1]:.4f}")
    return tables(best), curve, time.perf_counter() - began


def throughput(circuit, n_in: int, rows: int = 1 << 18, repeat: int = 3) -> tuple[float, str]:
    """Images per CPU second of the fastest bit-packed evaluator (best of ``repeat``), and
    its name; CPU time, so that other processes on the machine do not count."""
    words = pack(np.random.default_rng(1).integers(0, 2, (rows, n_in), dtype=np.uint8))
    compiled = evaluator(circuit)
    best = 0.0
    for _ in range(repeat):
        began = time.process_time()
        compiled.evaluate(words)
        best = max(best, rows / max(time.process_time() - began, 1e-9))
    return best, type(compiled).__name__.lower()


def _yosys(net, tables) -> str:
    """yosys's verdict on the exported logic layers against the unsimplified Z2 reading."""
    if not yosys_available():
        return "yosys: not installed, not proved"
    try:
        same = yosys_equivalent(classifier.reading(net, tables, readout=False),
                                classifier.export(net, tables, readout=False), timeout=120.0)
    except YosysError as error:
        return f"yosys: could not decide ({str(error).splitlines()[0][:120]})"
    return f"yosys: exported logic layers {'EQUIVALENT' if same else 'NOT equivalent'} to the Z2 reading"


def network(data, args) -> LogicNetwork:
    """The network for ``data``: the given or default architecture, checked for memory."""
    n_in, k = data.x_train.shape[1], len(data.classes)
    gates, layers = architecture(n_in, k, args.gates, args.layers)
    need = check_memory(gates, layers, args.batch_size, len(data.x_train), n_in)
    tau = args.tau or math.sqrt(gates / k)
    print(f"architecture: {n_in} input bits, {layers} layers of {gates} gates, {k} classes, "
          f"tau {tau:.3g} (about {need / 2**20:.0f} MiB to train)")
    return LogicNetwork(n_in, (gates,) * layers, k, tau, args.seed, args.parametrisation)


def write(circuit, net: LogicNetwork, data, accuracy: float, args) -> str:
    """MODEL.blif, its sidecar MODEL.json and the optional Verilog; the names written."""
    save_blif(circuit, args.out, comment=f"catlearn circuit fit {args.data} (seed {args.seed})")
    sidecar = Path(args.out).with_suffix(".json")
    sidecar.write_text(dumps(data.encoding, data.classes, {
        "inputs": list(circuit.inputs), "outputs": list(circuit.outputs),
        "layers": [list(layer) for layer in net.layers], "tau": net.tau,
        "test_accuracy": accuracy}))
    if args.verilog:
        Path(args.verilog).write_text(to_verilog(circuit))
    return f"{args.out}, {sidecar}" + (f", {args.verilog}" if args.verilog else "")


def run_fit(args) -> int:
    """``catlearn circuit fit``."""
    if args.epochs < 0 or args.batch_size < 1:
        raise ValueError("--epochs must be >= 0 and --batch-size >= 1")
    data = bits_data(args.data, args.label, args.test, args.levels, args.seed)
    net = network(data, args)
    print(f"binarisation ceiling (test): {ceiling(data.x_test, data.y_test):.4f}")
    if args.method == "rda":
        tables, curve, seconds = train_rda(net, data, args)
    else:
        params, curve, seconds = train(net, data, args)
        tables = net.hard(params)
    circuit = classifier.export(net, tables, name=Path(args.out).stem or "classifier")
    checks = classifier.verify(net, tables, circuit, data.x_test, args.random_checks, args.seed)
    accuracy = float(np.mean(classifier.predictions(circuit, data.x_test) == data.y_test))
    written = write(circuit, net, data, accuracy, args)
    print(f"training: {seconds:.1f} s, {args.epochs} epochs of {args.method}")
    print(f"relaxed test accuracy: {curve[-1][0] if curve else float('nan'):.4f}")
    print(f"gates: {circuit.n_gates} (of {net.n_gates} trained, readout included)")
    speed, how = throughput(circuit, net.n_in)
    print(f"inference: {speed:.3g} images/s (bit-packed, one core, {how} evaluator)")
    print(f"verified: {checks['test']} mismatches on the test set, {checks['random']} on "
          f"{checks['random_rows']} random inputs")
    print(_yosys(net, tables) if not args.no_yosys else "yosys: skipped")
    print(f"wrote {written}")
    print(f"test accuracy: {accuracy:.4f}")
    return 0


def load_sidecar(blif: str):
    """The netlist and its sidecar's encoding, classes; they must agree on the inputs."""
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
