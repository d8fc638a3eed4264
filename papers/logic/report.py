"""Logic-gate networks from data: catlearn's exported circuits beside the papers and peers.

Each task is one run of the command line ``catlearn circuit fit`` (so the numbers are
those of the exported, verified circuit, not of the model), with the settings below; the
table gives the gates trained and exported (readout included), training time, the
relaxed (Smooth) and exported (hard, Z2) test accuracy, the verifications that held and
the inference throughput of the exported circuit, beside what the peers report:

* difflogic (Petersen et al., NeurIPS 2022, arXiv 2210.08277, GPU): MNIST 97.69 % with
  48k gates ("small"), 98.47 % with 384k gates ("large"), > 10^6 images/s on one core;
* torchlogix, measured on this kind of machine (``shared/DESIGN.md``): binarised MNIST-10
  87.0 % after 2 epochs with 8k gates (12 s/epoch), 88.2 % with 48k gates; MNIST 0-vs-1
  99.76-99.91 %; Iris thermometer-coded 90.7 % (where its coding's ceiling is 92.0 %).

The optimizer is Adam (the ordinary supervised lens and ``fit``), and, in the rows
``-rda``, minibatched reverse derivative ascent on the Z2 reading of the same layers.

Run: python papers/logic/report.py [--tasks iris digits mnist01 mnist] [--seeds 0 1 2]
     (MNIST needs CATLEARN_DATA pointing at the idx files; mnist takes the longest)
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
from pathlib import Path

TASKS = {  # name -> (data, options of catlearn circuit fit)
    "iris": ("iris", ["--epochs", "60"]),
    "iris-rda": ("iris", ["--method", "rda", "--gates", "30", "--layers", "2",
                          "--batch-size", "16", "--epochs", "8"]),
    "digits": ("digits", ["--gates", "2000", "--layers", "3", "--epochs", "30"]),
    "mnist01": ("mnist01", ["--gates", "2000", "--layers", "3", "--epochs", "5"]),
    "mnist": ("mnist", ["--gates", "4000", "--layers", "4", "--epochs", "2",
                        "--batch-size", "100", "--levels", "1"]),
}
PEERS = {
    "iris": "torchlogix 90.7 % (its ceiling 92.0 %)",
    "iris-rda": "-",
    "digits": "-",
    "mnist01": "torchlogix 99.76-99.91 %, 800 gates, 3 s",
    "mnist": "difflogic 97.69 % (48k gates), 98.47 % (384k); torchlogix 87.0 % (8k, 2 ep.)",
}
FIELDS = {
    "architecture": r"^architecture: (.*)$",
    "ceiling": r"^binarisation ceiling \(test\): ([\d.]+)$",
    "seconds": r"^training: ([\d.]+) s",
    "relaxed": r"^relaxed test accuracy: ([\d.]+)$",
    "gates": r"^gates: (\d+) \(of (\d+) trained",
    "speed": r"^inference: ([\d.e+]+) images/s",
    "verified": r"^verified: (.*)$",
    "yosys": r"^yosys: (.*)$",
    "accuracy": r"^test accuracy: ([\d.]+)$",
}


def run(task: str, seed: int, folder: Path) -> dict:
    """One ``catlearn circuit fit`` run, its stdout parsed into :data:`FIELDS`."""
    data, options = TASKS[task]
    argv = ["catlearn", "circuit", "fit", data, "--seed", str(seed),
            "--out", str(folder / f"{task}{seed}.blif"), *options]
    done = subprocess.run(argv, capture_output=True, text=True, check=False)
    if done.returncode:
        raise SystemExit(f"{' '.join(argv)} failed: {done.stderr.strip().splitlines()[-1]}")
    found = {"command": " ".join(argv)}
    for name, pattern in FIELDS.items():
        match = re.search(pattern, done.stdout, re.MULTILINE)
        found[name] = match.groups() if match and len(match.groups()) > 1 else (
            match.group(1) if match else "?")
    return found


def row(task: str, seed: int, r: dict) -> str:
    gates, trained = r["gates"] if isinstance(r["gates"], tuple) else ("?", "?")
    return (f"| {task} | {seed} | {trained} / {gates} | {float(r['seconds']):.0f} s | "
            f"{r['relaxed']} | {float(r['accuracy']):.4f} | {r['ceiling']} | "
            f"{r['speed']} | {r['verified']}; {r['yosys']} | {PEERS[task]} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", nargs="+", default=["iris", "iris-rda", "digits", "mnist01"],
                        choices=sorted(TASKS))
    parser.add_argument("--seeds", nargs="+", type=int, default=[0])
    args = parser.parse_args()
    print("| task | seed | gates trained / exported | training | relaxed | exported | "
          "ceiling | images/s | verification | peers |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as folder:
        for task in args.tasks:
            for seed in args.seeds:
                result = run(task, seed, Path(folder))
                print(row(task, seed, result), flush=True)
                print(f"  ({result['command']})", file=sys.stderr)


if __name__ == "__main__":
    main()
