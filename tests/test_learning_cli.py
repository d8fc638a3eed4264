"""``catlearn train`` end to end through ``catlearn.cli.main``."""

import os
from pathlib import Path

import pytest

from catlearn import cli
from catlearn.cli import train as train_cli

MNIST = Path(__file__).resolve().parents[2] / "shared" / "data" / "mnist"


def last_line(text: str) -> str:
    return text.strip().splitlines()[-1]


def test_train_iris_reaches_95_percent(capsys):
    assert cli.main(["train", "iris", "--no-progress"]) == 0
    out, err = capsys.readouterr()
    line = last_line(out)
    assert line.startswith("test accuracy: ") and len(line.split(": ")[1]) == 6
    assert float(line.split(": ")[1]) >= 0.95
    assert err == ""


def test_train_digits_saves_plots_and_resumes(tmp_path, capsys):
    save, plot = tmp_path / "digits.npz", tmp_path / "curves.png"
    args = ["train", "digits", "--epochs", "3", "--no-progress", "--save", str(save)]
    assert cli.main([*args, "--plot", str(plot)]) == 0
    assert save.is_file() and plot.stat().st_size > 1000
    first = last_line(capsys.readouterr().out)
    assert cli.main(["train", "digits", "--epochs", "6", "--no-progress",
                     "--resume", str(save)]) == 0
    resumed = last_line(capsys.readouterr().out)
    assert cli.main(["train", "digits", "--epochs", "6", "--no-progress"]) == 0
    assert resumed == last_line(capsys.readouterr().out) != first


@pytest.mark.parametrize("args,message", [
    (["--model", "cnn"], "expected mlp:H1,H2"),
    (["--model", "mlp:8:gelu"], "unknown activation 'gelu'"),
    (["--lr", "-1"], "positive"),
    (["--epochs", "1", "--loss", "mse", "--resume", "/nonexistent/run.npz"], "no checkpoint"),
])
def test_errors_are_reported_with_exit_code_2(args, message, capsys):
    assert cli.main(["train", "iris", "--no-progress", *args]) == 2
    assert message in capsys.readouterr().err


def test_mnist_without_files_says_what_to_do(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("CATLEARN_DATA", raising=False)
    assert cli.main(["train", "mnist", "--data-dir", str(tmp_path), "--no-progress"]) == 2
    assert "CATLEARN_DATA" in capsys.readouterr().err


@pytest.mark.skipif(not (MNIST / "train-images-idx3-ubyte.gz").is_file()
                    and not os.environ.get("CATLEARN_DATA"), reason="MNIST idx files not found")
def test_train_mnist_quickly(capsys):
    """10,000 training images, 2 epochs; tested on the full 10,000-image test set."""
    threadpoolctl = pytest.importorskip("threadpoolctl")
    directory = str(MNIST) if MNIST.is_dir() else os.environ["CATLEARN_DATA"]
    # one BLAS thread: small matmuls only lose to thread hand-offs on a shared 2-core runner
    with threadpoolctl.threadpool_limits(1):
        assert cli.main(["train", "mnist", "--data-dir", directory, "--limit", "10000",
                         "--epochs", "2", "--model", "mlp:32", "--lr", "0.003",
                         "--no-progress"]) == 0
    out = capsys.readouterr().out
    assert "10000 training and 10000 test examples" in out
    assert float(last_line(out).split(": ")[1]) > 0.9


def test_parse_model():
    assert train_cli.parse_model("mlp:64,32") == ((64, 32), "relu")
    assert train_cli.parse_model("mlp") == ((), "relu")
    with pytest.raises(ValueError, match="integers"):
        train_cli.parse_model("mlp:a,b")
