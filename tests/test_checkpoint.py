"""Checkpoints: damaged files give one clean error; the model's specification round-trips;
``catlearn train`` refuses flags that cannot run and resumes the stored model."""

from __future__ import annotations

import os

import numpy as np
import pytest

from catlearn import cli
from catlearn.errors import DataError
from catlearn.learning import checkpoint as checkpoints
from catlearn import layers
from catlearn.layers import init
from catlearn.learning.checkpoint import Scaling, load, save
from catlearn.learning.history import History
from catlearn.learning.perceptron import MLP


@pytest.fixture
def good(tmp_path):
    path = tmp_path / "good.npz"
    spec = MLP((4, 5, 3))
    save(path, spec, init(spec.build(), 0), scaling=Scaling([0.0] * 4, [2.0] * 4),
         history=History().then(loss=1.0), epoch=1, dataset="iris")
    return path


def damaged(good, tmp_path):
    data = good.read_bytes()
    flipped = bytearray(data)
    flipped[len(data) // 2] ^= 0x10  # inside a member (a local header's extra field is not read)
    return {"empty": b"", "truncated": data[:len(data) // 2], "bit-flipped": bytes(flipped),
            "random": os.urandom(len(data)), "text": b"not a checkpoint\n"}


def test_a_saved_model_loads_with_its_history_and_scaling(good):
    saved = load(good)
    assert saved.model.param == MLP((4, 5, 3)).build().param
    assert saved.scaling.scale == [2.0] * 4 and saved.history == History().then(loss=1.0)
    assert saved.checkpoint.spec["train"] == {"dataset": "iris"}
    x = np.ones((2, 4))
    np.testing.assert_array_equal(saved.predict(x), saved.predict(x * 1.0))
    assert saved.classify(x).shape == (2,)


def models():
    from catlearn.layers.logic_net import LogicNetwork
    net = LogicNetwork(6, (8, 6), classes=3, tau=1.0, seed=0)
    from catlearn.layers.logic_wiring import LearnedLogicNetwork
    wired = LearnedLogicNetwork(6, (8, 4), 2, 4, 1.0, 0)  # generator data: frozen dataclasses
    return {"dense >> dense": (layers.dense(4, 5, "relu") >> layers.dense(5, 3), (7, 4)),
            "cfgbl": (layers.cfgbl_mnist_model(), (2, 1, 28, 28)),
            "logic network": (net.para(), (5, 6)),
            "learned wiring": (wired.para(), (5, 6))}


@pytest.mark.parametrize("name", ["dense >> dense", "cfgbl", "logic network", "learned wiring"])
def test_any_model_round_trips_with_the_same_outputs(tmp_path, name):
    model, shape = models()[name]
    params = init(model, 1) if name not in ("logic network", "learned wiring") else \
        tuple(np.random.default_rng(1).normal(size=w.shape) for w in model.param)
    x = np.random.default_rng(2).normal(size=shape)
    history = History().then(loss=0.5, accuracy=0.25).then(loss=0.4, accuracy=0.5)
    save(tmp_path / "m.npz", model, params, history=history, epoch=2)
    saved = load(tmp_path / "m.npz")
    assert saved.model.param == model.param and saved.model.dom == model.dom
    assert saved.history == history and saved.checkpoint.epoch == 2
    np.testing.assert_array_equal(saved.model.bind(saved.params)(x), model.bind(params)(x))


def test_a_z2_circuit_round_trips(tmp_path):
    from catlearn import z2
    from catlearn.layers.logic_net import LogicNetwork
    circuit = LogicNetwork(4, (8, 6), classes=3, seed=0).z2_map()
    save(tmp_path / "c.npz", circuit, ())
    again = load(tmp_path / "c.npz").model.f
    rows = np.random.default_rng(0).integers(0, 2, size=(64, circuit.dom.__len__()))
    assert [w.tolist() for w in again(*z2.pack(rows))] == \
        [w.tolist() for w in circuit(*z2.pack(rows))]


def test_a_fit_checkpoint_loads_without_an_older_catlearn_message(tmp_path):
    from catlearn.learning.fit import fit
    model = layers.dense(4, 3)
    x, y = np.random.default_rng(0).normal(size=(20, 4)), np.arange(20) % 3
    result = fit(model, init(model, 0), (x, y), epochs=2, progress=False,
                 checkpoint=tmp_path / "run.npz")
    saved = load(tmp_path / "run.npz")
    assert saved.history == result.history
    np.testing.assert_array_equal(saved.params[0], result.params[0])


def test_files_get_the_users_umask(tmp_path):
    old = os.umask(0o022)
    try:
        save(tmp_path / "m.npz", MLP((2, 2)), init(MLP((2, 2)).build(), 0))
    finally:
        os.umask(old)
    assert (tmp_path / "m.npz").stat().st_mode & 0o777 == 0o644


def test_something_that_is_not_a_model_is_refused(tmp_path):
    with pytest.raises(TypeError, match="cannot save a str"):
        save(tmp_path / "m.npz", "mlp", ())


def test_params_of_other_shapes_are_refused(tmp_path):
    with pytest.raises(ValueError, match="params have shapes"):
        save(tmp_path / "m.npz", layers.dense(2, 2), (np.ones((3, 2)), np.ones(2)))


@pytest.mark.parametrize("kind", ["empty", "truncated", "bit-flipped", "random", "text"])
def test_every_damaged_file_is_a_data_error_naming_it(good, tmp_path, kind):
    path = tmp_path / f"{kind}.npz"
    path.write_bytes(damaged(good, tmp_path)[kind])
    with pytest.raises(DataError, match=str(path)) as error:
        checkpoints.read(path)
    assert "pickle" not in str(error.value) and "\n" not in str(error.value)


def test_a_directory_is_a_data_error(tmp_path):
    with pytest.raises(DataError, match="directory"):
        checkpoints.read(tmp_path)


def test_pickled_members_are_refused_without_advice_to_unpickle(tmp_path):
    path = tmp_path / "objects.npz"
    np.savez(path, epoch=np.array([{"a": 1}], dtype=object))
    with pytest.raises(DataError, match="only numbers and text") as error:
        checkpoints.read(path)
    assert "allow_pickle" not in str(error.value)


def train(*args) -> int:
    return cli.main(["train", "iris", "--no-progress", *args])


@pytest.mark.parametrize("kind", ["empty", "truncated", "bit-flipped", "random"])
def test_resume_on_a_damaged_file_is_one_line_and_exit_2(good, tmp_path, kind, capsys):
    path = tmp_path / f"{kind}.npz"
    path.write_bytes(damaged(good, tmp_path)[kind])
    assert train("--resume", str(path)) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and str(path) in err and "Traceback" not in err


@pytest.mark.parametrize("args,message", [
    (["--epochs", "0"], "argument --epochs: must be a positive integer, got 0"),
    (["--seed", "-1"], "argument --seed: must be a non-negative integer, got -1"),
    (["--batch-size", "0"], "argument --batch-size: must be a positive integer"),
    (["--resume", "."], "--resume . is a directory"),
    (["--save", "."], "--save: cannot write .: it is a directory"),
])
def test_flags_that_cannot_run_are_named(args, message, capsys):
    assert train(*args) == 2
    assert message in capsys.readouterr().err


def test_resume_rebuilds_the_stored_model_and_refuses_mismatches(tmp_path, capsys):
    path = str(tmp_path / "run.npz")
    assert train("--epochs", "2", "--model", "mlp:8", "--save", path) == 0
    capsys.readouterr()
    assert train("--epochs", "3", "--resume", path, "--save", path) == 0
    assert "model mlp:8" in capsys.readouterr().out
    for args, message in [(["--epochs", "3"], "already trained 3 epochs and --epochs is 3"),
                          (["--epochs", "4", "--model", "mlp:9"], "holds mlp 4-8-3 relu"),
                          (["--epochs", "4", "--seed", "2"], "trained with --seed 1")]:
        assert train("--resume", path, *args) == 2
        assert message in capsys.readouterr().err
    assert cli.main(["train", "digits", "--no-progress", "--resume", path,
                     "--epochs", "4"]) == 2
    assert "trained on iris, not digits" in capsys.readouterr().err


def test_predict_reprints_the_trained_accuracy_and_reads_csv(tmp_path, capsys):
    path = str(tmp_path / "iris.npz")
    assert train("--epochs", "5", "--save", path) == 0
    trained = capsys.readouterr().out.strip().splitlines()[-1]
    assert cli.main(["predict", path, "iris"]) == 0
    assert capsys.readouterr().out.strip().splitlines()[-1] == trained
    rows = tmp_path / "rows.csv"
    rows.write_text("# sepal and petal, cm\n5.1,3.5,1.4,0.2\n6.7,3.0,5.2,2.3\n")
    assert cli.main(["predict", path, str(rows)]) == 0
    assert [int(c) for c in capsys.readouterr().out.split()] == [0, 2]
    rows.write_text("5.1,3.5,1.4,0.2,0\n6.7,3.0,5.2,2.3,2\n")
    assert cli.main(["predict", path, str(rows)]) == 0
    assert capsys.readouterr().out.strip() == "accuracy: 1.0000"
    for data, message in [(str(tmp_path), "is a directory"), ("digits", "trained on iris"),
                          (str(rows.with_suffix(".x")), "no such file")]:
        assert cli.main(["predict", path, data]) == 2
        assert message in capsys.readouterr().err


def test_catlearn_save_and_load_at_top_level(tmp_path):
    import catlearn
    spec = MLP((3, 2))
    catlearn.save(tmp_path / "m.npz", spec, init(spec.build(), 4))
    saved = catlearn.load(tmp_path / "m.npz")
    np.testing.assert_array_equal(saved.params[0], init(spec.build(), 4)[0])
