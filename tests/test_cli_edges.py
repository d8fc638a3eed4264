"""What a new user hit on the command line (issue 15, section 3): each case is one clear
line on stderr and a non-zero exit before any work, or it works.

Run in-process through ``catlearn.cli.main``; "before any work" is checked by what is
absent afterwards (no checkpoint written, no training summary printed).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from catlearn import cli
from catlearn.netlist import Netlist, save_blif

ROOT = Path(__file__).resolve().parent.parent


def run(capsys, *args) -> tuple[int, str, str]:
    code = cli.main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def one_line(err: str) -> bool:
    return err.count("\n") == 1 and "Traceback" not in err


# -- drawing ----------------------------------------------------------------------------


def chain_of_gates(n: int) -> Netlist:
    gates = [("g0", "and", ("a", "b"))] + [(f"g{k}", "xor", (f"g{k - 1}", "a"))
                                            for k in range(1, n)]
    return Netlist.from_gates("chain", ["a", "b"], [f"g{n - 1}"], gates)


def test_draw_refuses_a_large_netlist_with_a_summary(tmp_path, capsys):
    path = tmp_path / "big.blif"
    save_blif(chain_of_gates(600), path)
    code, out, err = run(capsys, "draw", str(path), "--out", str(tmp_path / "big.svg"))
    assert code == 2 and one_line(err) and out == ""
    assert "2 inputs, 1 outputs, 600 gates, 0 latches, depth 600" in err
    assert "--max-gates 500" in err and not (tmp_path / "big.svg").exists()


def test_draw_max_gates_draws_what_it_allows(tmp_path, capsys):
    path = tmp_path / "small.blif"
    save_blif(chain_of_gates(3), path)
    code, _, err = run(capsys, "draw", str(path), "--out", str(tmp_path / "s.svg"),
                       "--max-gates", "2")
    assert code == 2 and "3 gates" in err
    code, out, _ = run(capsys, "draw", str(path), "--out", str(tmp_path / "s.svg"),
                       "--max-gates", "3")
    assert code == 0 and (tmp_path / "s.svg").stat().st_size > 0


def test_draw_refuses_a_sequential_netlist_clearly(tmp_path, capsys):
    path = ROOT / "circuits" / "sequential" / "seq_counter.blif"
    code, _, err = run(capsys, "draw", str(path), "--out", str(tmp_path / "c.svg"))
    assert code == 2 and one_line(err) and "is sequential" in err and "KeyError" not in err


def test_draw_checks_its_output_path_first(tmp_path, capsys):
    code, _, err = run(capsys, "draw", "mlp:2,3", "--out", str(tmp_path / "nodir" / "x.svg"))
    assert code == 2 and one_line(err) and "--out" in err and "does not exist" in err


# -- outputs checked before training ---------------------------------------------------


@pytest.mark.parametrize("flag,name", [("--plot", "x.png"), ("--save", "x.npz")])
def test_train_checks_every_output_path_before_training(tmp_path, capsys, flag, name):
    code, out, err = run(capsys, "train", "iris", "--no-progress", flag,
                         str(tmp_path / "nodir" / name))
    assert code == 2 and one_line(err) and flag in err and "does not exist" in err
    assert "test accuracy" not in out and "training" not in out


def test_train_refuses_a_plot_format_it_cannot_write(tmp_path, capsys):
    code, out, err = run(capsys, "train", "iris", "--plot", str(tmp_path / "x.txt"))
    assert code == 2 and one_line(err) and "--plot" in err and out == ""


# -- values accepted silently -----------------------------------------------------------


@pytest.mark.parametrize("args,wrong,right", [
    (["--epochs", "-1", "--batch-size", "0"], "--epochs", "--batch-size"),
    (["--epochs", "3", "--batch-size", "0"], "--batch-size", "--epochs"),
    (["--lr", "nan"], "--lr", "--epochs"),
    (["--weight-decay", "-1"], "--weight-decay", "--lr"),
    (["--limit", "0"], "--limit", "--epochs"),
])
def test_a_wrong_flag_value_names_that_flag_only(capsys, args, wrong, right):
    code, out, err = run(capsys, "train", "iris", *args)
    assert code == 2 and one_line(err) and f"argument {wrong}:" in err and right not in err


def test_devices_without_enough_devices_says_how_to_get_them(capsys):
    pytest.importorskip("jax")
    code, out, err = run(capsys, "train", "iris", "--backend", "jax", "--devices", "64")
    assert code == 2 and one_line(err) and out == ""
    assert "XLA_FLAGS=--xla_force_host_platform_device_count=64" in err


def test_devices_needs_the_jax_backend(capsys):
    code, _, err = run(capsys, "train", "iris", "--devices", "2")
    assert code == 2 and "--backend jax" in err


# -- hints -------------------------------------------------------------------------------


def test_eval_of_a_wide_circuit_points_to_data_not_max_inputs(tmp_path, capsys):
    inputs = [f"x{k}" for k in range(31)]
    wide = Netlist.from_gates("wide", inputs, ["y"], [("y", "and", inputs[:2])])
    save_blif(wide, tmp_path / "wide.blif")
    code, out, err = run(capsys, "circuit", "eval", str(tmp_path / "wide.blif"))
    assert code == 2 and one_line(err) and out == ""
    assert "--data" in err and "--max-inputs 31" not in err


# -- files --------------------------------------------------------------------------------


def test_a_saved_checkpoint_gets_the_users_umask(tmp_path, capsys):
    old = os.umask(0o022)
    try:
        code, _, _ = run(capsys, "train", "iris", "--no-progress", "--epochs", "1",
                         "--save", str(tmp_path / "m.npz"))
    finally:
        os.umask(old)
    assert code == 0 and (tmp_path / "m.npz").stat().st_mode & 0o777 == 0o644


# -- train on a CSV file -------------------------------------------------------------------


def iris_csv(tmp_path) -> tuple[Path, Path]:
    from catlearn.data import load_iris
    iris = load_iris()
    train, test = iris.split(0.3, seed=0)
    paths = []
    for part, name in ((train, "train.csv"), (test, "test.csv")):
        rows = ["sepal_l,sepal_w,species,petal_l,petal_w"] + [
            f"{a},{b},{part.classes[y]},{c},{d}" for (a, b, c, d), y in zip(part.x, part.y)]
        (tmp_path / name).write_text("\n".join(rows) + "\n")
        paths.append(tmp_path / name)
    return tuple(paths)


def test_train_a_csv_with_a_named_label_and_a_test_file(tmp_path, capsys):
    train, test = iris_csv(tmp_path)
    code, out, err = run(capsys, "train", str(train), "--label", "species", "--test",
                         str(test), "--no-progress", "--save", str(tmp_path / "m.npz"))
    assert code == 0, err
    assert out.splitlines()[-1].startswith("test accuracy: ")
    assert float(out.splitlines()[-1].split()[-1]) >= 0.85
    assert "105 training and 45 test examples" in out
    code, out, _ = run(capsys, "predict", str(tmp_path / "m.npz"), str(test))
    assert code == 0 and out.strip().startswith("accuracy: ")


def test_train_a_csv_without_test_file_splits_it_stratified(tmp_path, capsys):
    train, _ = iris_csv(tmp_path)
    code, out, err = run(capsys, "train", str(train), "--label", "species", "--no-progress",
                         "--epochs", "2")
    assert code == 0, err
    assert "84 training and 21 test examples" in out  # 35 of each class, 7 each held out


def test_train_a_csv_with_an_unknown_label_names_the_columns(tmp_path, capsys):
    train, _ = iris_csv(tmp_path)
    code, _, err = run(capsys, "train", str(train), "--label", "kind")
    assert code == 2 and one_line(err) and "no column 'kind'" in err and "species" in err


# -- start-up -------------------------------------------------------------------------------


def test_help_loads_no_heavy_library():
    code = ("import sys, contextlib, io\nfrom catlearn.cli import main\n"
            "with contextlib.redirect_stdout(io.StringIO()): main(['--help'])\n"
            "print(sorted({m.split('.')[0] for m in sys.modules} & "
            "{'sympy', 'discopy', 'matplotlib', 'networkx', 'jax'}))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "[]"


def test_help_imports_no_subcommand_module():
    code = ("import sys, contextlib, io\nfrom catlearn.cli import main, SUBCOMMANDS\n"
            "with contextlib.redirect_stdout(io.StringIO()): main(['--help'])\n"
            "print(sorted(m for m, _ in SUBCOMMANDS.values() if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "[]"


def test_a_command_imports_only_its_own_module():
    code = ("import sys, contextlib, io\nfrom catlearn.cli import main, SUBCOMMANDS\n"
            "with contextlib.redirect_stdout(io.StringIO()): main(['draw', '--help'])\n"
            "print(sorted(m for m, _ in SUBCOMMANDS.values() if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "['catlearn.cli.draw']"


def test_import_catlearn_keeps_its_public_names():
    import catlearn
    assert catlearn.symbolic.backend.name == "Symbolic"
    assert set(catlearn.__all__) <= set(dir(catlearn))
    assert np.isfinite(catlearn.smooth.exp(1)(np.zeros((1, 1)))[0]).all()
