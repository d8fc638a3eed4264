"""``catlearn circuit learn | eval | equiv``: output, files written, exit statuses."""

import doctest
import subprocess
import sys
from pathlib import Path

import pytest

from catlearn import cli
from catlearn.netlist import Netlist, load_blif, save_blif, yosys_available
from catlearn.cli import circuit as circuit_cli

ROOT = Path(__file__).resolve().parent.parent
ZOO_DIR = ROOT / "circuits"


@pytest.fixture
def run(monkeypatch, capsys):
    """``catlearn circuit ARGS`` through the real top-level ``main`` (which imports only the
    module of the command it runs)."""

    def call(*args):
        status = cli.main(["circuit", *map(str, args)])
        out, err = capsys.readouterr()
        return status, out, err
    return call


def test_eval_prints_the_truth_table(run):
    status, out, _ = run("eval", ZOO_DIR / "half_adder.blif")
    assert status == 0
    assert out.splitlines() == ["a b | s cout", "0 0 | 0    0", "0 1 | 1    0",
                                "1 0 | 1    0", "1 1 | 0    1"]


def test_eval_refuses_huge_tables(run, tmp_path):
    wide = Netlist.from_gates("wide", [f"x{i}" for i in range(17)], ["y"],
                              [("y", "and", [f"x{i}" for i in range(17)])])
    save_blif(wide, tmp_path / "wide.blif")
    status, _, err = run("eval", tmp_path / "wide.blif")
    assert status == 2 and "--data" in err and "--max-inputs 17" not in err


def test_equiv_matches_ports_by_name(run, tmp_path):
    a = Netlist.from_gates("a", ["x", "y"], ["p", "q"], [("p", "and", "xy"), ("q", "xor", "xy")])
    b = Netlist.from_gates("b", ["y", "x"], ["q", "p"], [("q", "xnor", "yx"),
                                                         ("p", "and", "yx")])
    save_blif(a, tmp_path / "a.blif")
    save_blif(b, tmp_path / "b.blif")
    status, out, _ = run("equiv", tmp_path / "a.blif", tmp_path / "b.blif")
    assert status == 1
    lines = out.splitlines()
    assert lines[:2] == ["equivalent: no", "counterexample: x=0 y=0"]
    assert lines[2].endswith("a.blif: p=0 q=0") and lines[3].endswith("b.blif: q=1 p=0")
    status, out, _ = run("equiv", ZOO_DIR / "add4.blif", ZOO_DIR / "add4.blif")
    assert (status, out) == (0, "equivalent: yes\n")


def _adder(bits: int, style: str) -> Netlist:
    """A ``bits``-bit adder: ripple carry as majority gates (``ripple``), carries as
    ``g | p c`` with sums from XNORs (``generate``), or ripple with one carry an OR
    (``broken``, not an adder)."""
    gates, carry = [], None
    for i in range(bits):
        a, b, c = f"a{i}", f"b{i}", f"c{i}"
        if carry is None:
            gates += [(f"s{i}", "xor", (a, b)), (c, "and", (a, b))]
        elif style == "generate":
            gates += [(f"g{i}", "and", (a, b)), (f"p{i}", "xor", (a, b)),
                      (f"n{i}", "xnor", (f"p{i}", carry)), (f"s{i}", "not", (f"n{i}",)),
                      (f"t{i}", "and", (f"p{i}", carry)), (c, "or", (f"g{i}", f"t{i}"))]
        elif style == "broken" and i == bits // 2:
            gates += [(f"s{i}", "xor", (a, b, carry)), (c, "or", (a, b, carry))]
        else:
            gates += [(f"s{i}", "xor", (a, b, carry)), (f"x{i}", "and", (a, b)),
                      (f"y{i}", "and", (a, carry)), (f"z{i}", "and", (b, carry)),
                      (c, "or", (f"x{i}", f"y{i}", f"z{i}"))]
        carry = c
    gates.append(("cout", "buf", (carry,)))
    inputs = [f"a{i}" for i in range(bits)] + [f"b{i}" for i in range(bits)]
    return Netlist.from_gates(style, inputs, [f"s{i}" for i in range(bits)] + ["cout"], gates)


@pytest.mark.skipif(not yosys_available(), reason="yosys is not installed")
def test_equiv_beyond_24_inputs_asks_yosys(run, tmp_path):
    for style in ("ripple", "generate", "broken"):
        save_blif(_adder(16, style), tmp_path / f"{style}.blif")
    assert len(load_blif(tmp_path / "ripple.blif").inputs) == 32
    status, out, err = run("equiv", tmp_path / "ripple.blif", tmp_path / "generate.blif")
    assert (status, out) == (0, "equivalent: yes (proved by yosys's SAT solver)\n"), err
    status, out, err = run("equiv", tmp_path / "ripple.blif", tmp_path / "broken.blif")
    assert (status, out) == (1, "equivalent: no (proved by yosys's SAT solver)\n"), err


def test_equiv_beyond_24_inputs_without_yosys_says_so(run, tmp_path, monkeypatch):
    monkeypatch.setattr(circuit_cli, "yosys_available", lambda: False)
    wide = Netlist.from_gates("wide", [f"x{i}" for i in range(25)], ["y"],
                              [("y", "or", [f"x{i}" for i in range(25)])])
    save_blif(wide, tmp_path / "wide.blif")
    status, out, err = run("equiv", tmp_path / "wide.blif", tmp_path / "wide.blif")
    assert status == 2 and out == "" and err.count("\n") == 1
    assert "cannot decide" in err and "yosys" in err and "not installed" in err


@pytest.mark.parametrize("command", [["learn", "{d}"], ["eval", "{d}"], ["equiv", "{d}", "{f}"],
                                     ["equiv", "{f}", "{d}"],
                                     ["learn", "{f}", "--out", "{d}"]])
def test_a_directory_for_a_file_is_one_line(run, tmp_path, command):
    args = [c.format(d=tmp_path, f=ZOO_DIR / "half_adder.blif") for c in command]
    status, out, err = run(*args)
    assert status == 2 and out == "" and err.count("\n") == 1
    assert f"{tmp_path} is a directory" in err and "Traceback" not in err


def test_learn_with_a_time_limit_writes_its_best_and_fails(run, tmp_path):
    out_path = tmp_path / "best.blif"
    status, out, err = run("learn", ZOO_DIR / "add4.blif", "--time-limit", "0.001",
                           "--out", out_path)
    lines = out.splitlines()
    assert status == 1 and lines[0] == "exact match: no" and lines[1].startswith("accuracy: ")
    assert load_blif(out_path).outputs == load_blif(ZOO_DIR / "add4.blif").outputs
    assert "output 1/5" in err
    status, _, err = run("learn", ZOO_DIR / "add4.blif", "--time-limit", "0")
    assert status == 2 and "--time-limit must be a positive" in err


def test_equiv_on_20_inputs_in_chunks():
    names = [f"x{i}" for i in range(20)]
    a = Netlist.from_gates("a", names, ["y"], [("y", "and", names)])
    b = Netlist.from_gates("b", names, ["y"], [("n", "nand", names), ("y", "not", ["n"])])
    c = Netlist.from_gates("c", names, ["y"], [("y", "and", names[:19])])
    assert circuit_cli.counterexample(a, b) is None
    found = circuit_cli.counterexample(a, c)
    assert found["inputs"] == {s: int(s != "x19") for s in names}


def test_errors_are_one_line_and_status_2(run, tmp_path):
    (tmp_path / "bad.blif").write_text(".model m\n.inputs a\n.outputs y\n.names a y\n2 1\n")
    status, out, err = run("eval", tmp_path / "bad.blif")
    assert status == 2 and out == ""
    assert err.count("\n") == 1 and "bad.blif:5" in err
    status, _, err = run("equiv", ZOO_DIR / "add2.blif", ZOO_DIR / "add4.blif")
    assert status == 2 and "inputs differ" in err
    status, _, err = run("learn", ZOO_DIR / "add2.blif", "--gates", "0")
    assert status == 2 and "--gates must be at least 1" in err
    status, _, err = run("eval", tmp_path / "missing.blif")
    assert status == 2 and "missing.blif" in err


def test_learn_writes_a_verified_circuit(run, tmp_path):
    out_path = tmp_path / "learned.blif"
    status, out, err = run("learn", ZOO_DIR / "full_adder.blif", "--method", "rda",
                           "--seed", "0", "--out", out_path)
    assert status == 0
    lines = out.splitlines()
    assert lines[0] == "exact match: yes" and lines[1] == "accuracy: 1.0000"
    assert lines[2].startswith("gates: ") and "output 1/2" in err
    learned = load_blif(out_path)
    assert learned.outputs == ("s", "cout")
    assert (learned.truth_table() == load_blif(ZOO_DIR / "full_adder.blif").truth_table()).all()
    expected = "yosys: equivalent to" if yosys_available() else "yosys: not installed"
    assert lines[-1].startswith(expected)
    assert not list(tmp_path.glob(".*.tmp"))


def test_learn_relaxed_with_a_fixed_network(run):
    status, out, _ = run("learn", ZOO_DIR / "half_adder.blif", "--method", "relaxed",
                         "--gates", "6", "--layers", "2")
    assert status == 0 and "exact match: yes" in out


def test_python_dash_m_catlearn_circuit():
    done = subprocess.run([sys.executable, "-m", "catlearn", "circuit", "eval",
                           str(ZOO_DIR / "maj3.blif")], capture_output=True, text=True,
                          cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == " 1  1  1 | 1"


def test_doctests():
    assert doctest.testmod(circuit_cli).failed == 0


def test_learn_checks_its_output_path_before_learning(run, tmp_path):
    status, out, err = run("learn", ZOO_DIR / "add2.blif", "--out", tmp_path / "nodir" / "x.blif")
    assert status == 2 and "--out" in err and "does not exist" in err and not out, err
