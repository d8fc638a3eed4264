"""``catlearn circuit fit`` and ``catlearn circuit eval --data``: round trip and bad input.

Every bad input is refused with exit status 2 and one line on stderr that says what is
wrong and where (line and column for CSV data).
"""

import json

import numpy as np
import pytest

from catlearn.netlist import Netlist, save_blif
from catlearn.cli import main
from catlearn.data.csv import parse_csv
from catlearn.data.encode import fit_table

FAST = ["--epochs", "3", "--gates", "30", "--layers", "2", "--random-checks", "2000",
        "--no-yosys", "--lr", "0.05"]


def write_rule(path, n, seed):
    """A CSV with two numeric columns, a category and a string class: (x > 0.5) or red."""
    rng = np.random.default_rng(seed)
    lines = ["x,y,colour,kind"]
    for _ in range(n):
        x, y, colour = rng.uniform(), rng.uniform(), rng.choice(["red", "blue"])
        lines.append(f"{x:.3f},{y:.3f},{colour},{'yes' if x > 0.5 or colour == 'red' else 'no'}")
    path.write_text("\n".join(lines) + "\n")
    return path


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_fit_then_eval_reproduces_the_test_accuracy(tmp_path, capsys):
    train, test = write_rule(tmp_path / "train.csv", 300, 0), write_rule(tmp_path / "t.csv", 100, 1)
    model = tmp_path / "m.blif"
    code, out, err = run(capsys, "circuit", "fit", train, "--test", test, "--label", "kind",
                         "--out", model, "--verilog", tmp_path / "m.v", *FAST)
    assert code == 0, err
    last = out.strip().splitlines()[-1]
    assert last.startswith("test accuracy: ")
    assert "verified: 0 mismatches on the test set, 0 on 2000 random inputs" in out
    assert "epoch 3:" in err and "hard validation" in err
    sidecar = json.loads((tmp_path / "m.json").read_text())
    assert sidecar["classes"] == ["no", "yes"] and len(sidecar["bits"]) == 8 + 8 + 2
    assert (tmp_path / "m.v").read_text().startswith("module")
    code, out, err = run(capsys, "circuit", "eval", model, "--data", test, "--label", "kind")
    assert code == 0, err
    assert out.strip().splitlines()[-1] == "accuracy: " + last.split(": ")[1]
    code, out, _ = run(capsys, "circuit", "eval", model, "--data", test)
    assert out.splitlines()[0] == "prediction" and set(out.splitlines()[1:]) <= {"yes", "no"}


def test_fit_with_a_seeded_split_and_the_softmax16_gates(tmp_path, capsys):
    data = write_rule(tmp_path / "all.csv", 200, 2)
    code, out, err = run(capsys, "circuit", "fit", data, "--label", "kind", "--out",
                         tmp_path / "s.blif", "--parametrisation", "softmax16", *FAST)
    assert code == 0, err
    assert out.splitlines()[-1].startswith("test accuracy: ")


BAD_CSV = {
    "missing value": ("x,kind\n1,a\n,b\n", "line 3, column 'x': missing value"),
    "not a number": ("x,kind\n1,a\n2,b\n3,a\n4,b\n5,a\n6,b\nabc,b\n",
                     "line 8, column 'x': 'abc' is not a number"),
    "ragged": ("x,kind\n1,a\n2,b,7\n", "line 3: 3 fields, but the header has 2"),
    "empty": ("", "the file is empty"),
    "single class": ("x,kind\n1,a\n2,a\n", "at least two classes"),
    "no label column": ("x,y\n1,a\n2,b\n", "no column 'kind'; the columns are x, y"),
}


@pytest.mark.parametrize("case", sorted(BAD_CSV))
def test_bad_csv_is_one_line_naming_where(tmp_path, capsys, case):
    text, message = BAD_CSV[case]
    path = tmp_path / "bad.csv"
    path.write_text(text)
    code, out, err = run(capsys, "circuit", "fit", path, "--label", "kind", "--out",
                         tmp_path / "m.blif", *FAST)
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and message in err, err


def test_a_network_too_large_is_refused_with_the_estimate(tmp_path, capsys):
    data = write_rule(tmp_path / "d.csv", 50, 0)
    code, _, err = run(capsys, "circuit", "fit", data, "--label", "kind", "--out",
                       tmp_path / "m.blif", "--gates", "1000000000", "--layers", "8")
    assert code == 2 and "needs about" in err and "GiB" in err and "available" in err


def test_a_blif_that_does_not_match_its_sidecar_is_refused(tmp_path, capsys):
    train = write_rule(tmp_path / "train.csv", 120, 0)
    model = tmp_path / "m.blif"
    assert run(capsys, "circuit", "fit", train, "--label", "kind", "--out", model, *FAST)[0] == 0
    save_blif(Netlist.from_gates("m", ("x0", "x1"), ("class0",),
                                 [("class0", "and", ("x0", "x1"))]), model)
    code, _, err = run(capsys, "circuit", "eval", model, "--data", train, "--label", "kind")
    assert code == 2 and "do not belong together" in err
    (tmp_path / "m.json").unlink()
    code, _, err = run(capsys, "circuit", "eval", model, "--data", train)
    assert code == 2 and "sidecar" in err and "missing" in err


def test_eval_names_a_bad_value_in_the_data(tmp_path, capsys):
    train = write_rule(tmp_path / "train.csv", 120, 0)
    model = tmp_path / "m.blif"
    assert run(capsys, "circuit", "fit", train, "--label", "kind", "--out", model, *FAST)[0] == 0
    bad = tmp_path / "bad.csv"
    bad.write_text("x,y,colour,kind\n0.2,0.3,red,yes\n0.1,oops,red,no\n")
    code, _, err = run(capsys, "circuit", "eval", model, "--data", bad, "--label", "kind")
    assert code == 2 and "line 3, column 'y'" in err
    bad.write_text("x,y,colour,kind\n0.2,0.3,red,maybe\n")
    code, _, err = run(capsys, "circuit", "eval", model, "--data", bad, "--label", "kind")
    assert code == 2 and "'maybe' is not one of the trained classes" in err


def test_encoding_is_fitted_on_training_rows_only():
    train = parse_csv("v,c\n1,a\n2,b\n3,a\n")
    enc = fit_table(train, levels=4)
    assert [b.value for b in enc.bits if b.column == "v"] == [1.5, 2.5]
    assert enc.encode_table(parse_csv("v,c\n100,zzz\n")).tolist() == [[1, 1, 0, 0]]


def test_constant_columns_give_no_bits_and_a_0_1_column_is_a_threshold():
    enc = fit_table(parse_csv("k,flag,same,c\n5,0,x,a\n5,1,x,b\n5,1,x,a\n"), levels=4)
    assert [str(b) for b in enc.bits] == ["flag > 0.5", "c == a", "c == b"]
    assert enc.encode_table(parse_csv("k,flag,same,c\n7,2,y,a\n")).tolist() == [[1, 1, 0]]


def test_rda_trains_the_same_network_in_z2(tmp_path, capsys):
    train = write_rule(tmp_path / "train.csv", 160, 0)
    code, out, err = run(capsys, "circuit", "fit", train, "--label", "kind", "--method", "rda",
                         "--batch-size", "16", "--out", tmp_path / "r.blif", *FAST)
    assert code == 0, err
    assert "of rda" in out and "rda, hard validation" in err
    assert "verified: 0 mismatches" in out and out.splitlines()[-1].startswith("test accuracy: ")


def write_three_classes(path, per_class):
    """Three classes of a threshold rule on one column, ``per_class`` rows each."""
    lines = ["v,w,kind"]
    for k, name in enumerate(("low", "mid", "high")):
        lines += [f"{k + 0.1 * i:.2f},{i % 2},{name}" for i in range(per_class[k])]
    path.write_text("\n".join(lines) + "\n")
    return path


REFUSED = {
    "--tau -1": (["--tau", "-1"], "--tau must be a positive number"),
    "--tau 0": (["--tau", "0"], "--tau must be a positive number"),
    "--levels 0": (["--levels", "0"], "--levels must be an integer >= 1"),
    "--gates 0": (["--gates", "0"], "--gates must be an integer >= 1"),
    "--gates 2 with 3 classes": (["--gates", "2"], "--gates 2: the last layer needs"),
    "--layers 0": (["--layers", "0"], "--layers must be an integer >= 1"),
    "--epochs -1": (["--epochs", "-1"], "--epochs must be an integer >= 1"),
    "--batch-size 0": (["--batch-size", "0"], "--batch-size must be an integer >= 1"),
    "--lr 0": (["--lr", "0"], "--lr must be a positive number"),
    "--time-budget 0": (["--time-budget", "0"], "--time-budget must be a positive number"),
    "--out in no folder": (["--out", "nodir/x.blif"], "--out: cannot write nodir/x.blif"),
    "--verilog in no folder": (["--verilog", "nodir/x.v"], "--verilog: cannot write nodir/x.v"),
    "--out is the sidecar": (["--out", "OUT/m.json"], "must be different files"),
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_a_value_no_run_can_honour_is_refused_before_any_work(tmp_path, capsys, case,
                                                              monkeypatch):
    flags, message = REFUSED[case]
    data = write_three_classes(tmp_path / "d.csv", (20, 20, 20))
    monkeypatch.chdir(tmp_path)
    flags = [f.replace("OUT", str(tmp_path)) for f in flags]
    out_flag = [] if "--out" in flags else ["--out", str(tmp_path / "m.blif")]
    code, out, err = run(capsys, "circuit", "fit", data, "--label", "kind", *out_flag, *flags)
    assert code == 2 and out == "", out
    assert len(err.strip().splitlines()) == 1 and message in err, err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["d.csv"]


def test_a_space_in_the_model_name_works(tmp_path, capsys):
    data = write_rule(tmp_path / "d.csv", 150, 0)
    model = tmp_path / "my model.blif"
    code, out, err = run(capsys, "circuit", "fit", data, "--label", "kind", "--out", model,
                         "--verilog", tmp_path / "my model.v", *FAST)
    assert code == 0, err
    assert model.read_text().startswith("# catlearn") and ".model my_model" in model.read_text()
    assert (tmp_path / "my model.json").exists()
    code, out, err = run(capsys, "circuit", "eval", model, "--data", data, "--label", "kind")
    assert code == 0 and out.splitlines()[-1].startswith("accuracy: "), err


def test_gates_not_a_multiple_of_the_classes_are_honoured_and_said(tmp_path, capsys):
    data = write_three_classes(tmp_path / "d.csv", (30, 30, 30))
    code, out, err = run(capsys, "circuit", "fit", data, "--label", "kind", "--out",
                         tmp_path / "m.blif", *FAST[:2], "--gates", "31", "--layers", "2",
                         *FAST[6:])
    assert code == 0, err
    assert "2 layers of 31 gates, the last 33 (a multiple of the 3 classes)" in out


def test_the_automatic_split_is_stratified_and_small_classes_are_named(tmp_path, capsys):
    data = write_three_classes(tmp_path / "d.csv", (40, 40, 3))
    code, out, err = run(capsys, "circuit", "fit", data, "--label", "kind", "--out",
                         tmp_path / "m.blif", *FAST)
    assert code == 0, err
    assert json.loads((tmp_path / "m.json").read_text())["classes"] == ["high", "low", "mid"]
    data = write_three_classes(tmp_path / "e.csv", (40, 40, 1))
    code, out, err = run(capsys, "circuit", "fit", data, "--label", "kind", "--out",
                         tmp_path / "e.blif", *FAST)
    assert code == 2 and "class 'high' has 1 row: too few to split" in err, err
    assert not (tmp_path / "e.blif").exists()


def test_mnist_reads_the_data_dir_flag(tmp_path, capsys):
    code, _, err = run(capsys, "circuit", "fit", "mnist01", "--data-dir", tmp_path / "none",
                       "--out", tmp_path / "m.blif", *FAST)
    assert code == 2 and str(tmp_path / "none") in err, err


def test_building_the_parser_does_not_import_the_circuit_fit_library():
    import subprocess
    import sys
    code = ("import sys, catlearn.cli; catlearn.cli.parser(); "
            "print(sorted(m for m in sys.modules if m.startswith('catlearn.circuits.') and "
            "m.split('.')[2] in ('estimator', 'fitting', 'datasets', 'classifier')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "[]"


def test_the_yosys_proof_is_skipped_with_a_reason_when_no_time_is_left(capsys):
    from catlearn.circuits.estimator import LogicGateClassifier
    from catlearn.cli.circuit_fit import _yosys
    from catlearn.netlist.yosys import yosys_available
    rng = np.random.default_rng(0)
    x = rng.integers(0, 2, (200, 4))
    model = LogicGateClassifier(gates=8, layers=2, epochs=2).fit(x, x[:, 0] ^ x[:, 1])
    line = _yosys(model, left=0.0)
    err = capsys.readouterr().err
    if yosys_available():
        assert line == "yosys: skipped (time budget)"
        assert "yosys: skipped: the proof of" in err and "--time-budget" in err
    else:
        assert line == "yosys: not installed, not proved"


def test_the_parser_names_the_same_built_in_data_sets_as_the_loader():
    from catlearn.circuits.datasets import BUILTIN
    from catlearn.cli import circuit_fit
    assert circuit_fit.BUILTIN == BUILTIN  # restated there so that --help stays light
