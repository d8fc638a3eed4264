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
    assert "epoch 3:" in err and "hard test" in err
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
    "not a number": ("x,kind\n1,a\n2,b\n3,a\nabc,b\n", "line 5, column 'x': 'abc' is not a number"),
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
    assert code == 2 and "needs about" in err and "GiB" in err and "free" in err


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


def test_rda_trains_the_same_network_in_z2(tmp_path, capsys):
    train = write_rule(tmp_path / "train.csv", 160, 0)
    code, out, err = run(capsys, "circuit", "fit", train, "--label", "kind", "--method", "rda",
                         "--batch-size", "16", "--out", tmp_path / "r.blif", *FAST)
    assert code == 0, err
    assert "epochs of rda" in out and "rda train" in err
    assert "verified: 0 mismatches" in out and out.splitlines()[-1].startswith("test accuracy: ")
