"""``fit``: determinism, checkpoints (atomic, exact resume), errors a person can act on."""

import importlib
import os

import numpy as np
import pytest

from catlearn.learning import checkpoint as checkpoints, loss as losses, optim
from catlearn.learning.fit import NonFiniteLossError, evaluate, fit, predict
from catlearn.learning.history import History
from catlearn.layers import init
from catlearn.learning.perceptron import mlp
from catlearn.learning.plot import plot_history


def blobs(n=120, seed=0):
    """Three well-separated Gaussian blobs in the plane."""
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 3, n)
    centres = np.array([[0.0, 3.0], [3.0, -2.0], [-3.0, -2.0]])
    return centres[y] + rng.normal(size=(n, 2)), y


MODEL = mlp([2, 8, 3])
DATA = blobs()
VALID = blobs(60, seed=1)


def train(**kw):
    settings = dict(optimizer="adam", lr=0.02, epochs=4, batch_size=16, seed=5,
                    validation=VALID, progress=False)
    settings.update(kw)
    return fit(MODEL, init(MODEL, 0), DATA, **settings)


def assert_identical(a, b):
    for u, v in zip(a.params + a.opt_state, b.params + b.opt_state):
        np.testing.assert_array_equal(u, v)
    assert a.history == b.history


def test_fit_learns_and_reports():
    result = train(epochs=15)
    params, state, history = result
    assert len(history) == 15 and history.epochs == tuple(range(1, 16))
    assert history.val_accuracy[-1] >= 0.95 and history.loss[-1] < history.loss[0]
    assert len(state) == 3 * len(MODEL.param)  # adam: count, m, v per parameter
    got = evaluate(MODEL, params, VALID)
    assert got["accuracy"] == history.val_accuracy[-1]
    assert got["loss"] == pytest.approx(history.val_loss[-1], rel=1e-12)
    assert predict(MODEL, params, VALID[0], chunk=7).shape == (60, 3)


def test_fit_is_deterministic_under_a_seed():
    assert_identical(train(), train())
    other = train(seed=6)
    assert not np.array_equal(other.params[0], train().params[0])


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "nesterov", "adam", "rmsprop", "adagrad"])
def test_interrupted_run_resumes_bit_identically(tmp_path, optimizer):
    path = tmp_path / "run.npz"
    whole = train(optimizer=optimizer, epochs=4, lr=None)

    def interrupt(epoch, history, params):
        if epoch == 2:
            raise KeyboardInterrupt
    with pytest.raises(KeyboardInterrupt):
        train(optimizer=optimizer, epochs=4, lr=None, checkpoint=path, callbacks=[interrupt])
    saved = checkpoints.restore(path, MODEL.param, optim.named(optimizer, 0.1).state(MODEL.param))
    assert saved.epoch == 2 and len(saved.history) == 2
    resumed = fit(MODEL, None, DATA, optimizer=optimizer, epochs=4, batch_size=16, seed=5,
                  validation=VALID, progress=False, resume=path)
    assert_identical(resumed, whole)


def test_checkpoint_write_is_atomic(tmp_path, monkeypatch):
    path = tmp_path / "run.npz"
    train(epochs=1, checkpoint=path)
    before = path.read_bytes()

    def broken_savez(handle, **arrays):
        handle.write(b"half a file")
        raise OSError("disk full")
    monkeypatch.setattr(checkpoints.np, "savez", broken_savez)
    with pytest.raises(OSError, match="disk full"):
        train(epochs=2, checkpoint=path)
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["run.npz"]  # no temporary file left behind


def test_interrupt_during_an_epoch_keeps_the_last_checkpoint(tmp_path, monkeypatch):
    fit_module = importlib.import_module("catlearn.learning.fit")  # the package exports fit()
    path = tmp_path / "run.npz"
    original, calls = fit_module._Loop.epoch, []

    def epoch(self, *args):  # Ctrl-C in the middle of the third epoch
        calls.append(1)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return original(self, *args)
    monkeypatch.setattr(fit_module._Loop, "epoch", epoch)
    with pytest.raises(KeyboardInterrupt):
        train(epochs=5, checkpoint=path)
    assert checkpoints.restore(path, MODEL.param, optim.adam(0.1).state(MODEL.param)).epoch == 2
    assert os.listdir(tmp_path) == ["run.npz"]


def test_checkpoint_from_another_model_names_the_parameter(tmp_path):
    path = tmp_path / "run.npz"
    train(epochs=1, checkpoint=path)
    other = mlp([2, 5, 3])
    shapes = r"parameter 0 \(P\^3x5\) has shape \(3, 8\).*expects \(3, 5\)"
    with pytest.raises(ValueError, match=shapes):
        fit(other, None, DATA, optimizer="adam", epochs=2, resume=path, progress=False)
    with pytest.raises(ValueError, match="optimizer state arrays.*different optimizer"):
        fit(MODEL, None, DATA, optimizer="sgd", epochs=2, resume=path, progress=False)
    with pytest.raises(FileNotFoundError, match="no checkpoint"):
        fit(MODEL, None, DATA, epochs=2, resume=tmp_path / "missing.npz", progress=False)
    with pytest.raises(FileNotFoundError, match="does not exist"):
        train(checkpoint=tmp_path / "no" / "such" / "run.npz")


def test_non_finite_loss_names_epoch_and_batch():
    x, y = DATA
    with np.errstate(all="ignore"), pytest.raises(NonFiniteLossError, match="epoch 1, batch 1"):
        fit(MODEL, init(MODEL, 0), (x * 1e200, y), loss="mse", epochs=1, progress=False)
    assert issubclass(NonFiniteLossError, FloatingPointError)


@pytest.mark.parametrize("data,message", [
    ((DATA[0], DATA[1] + 3),
     r"y: row \d+ has label [3-5], but the model has 3 outputs \(labels 0..2\)"),
    ((DATA[0], np.zeros((120, 2))), r"y has targets of shape \(2,\) but the model outputs R\^3"),
    ((DATA[0][:, :1], DATA[1]),
     r"x has shape \(120, 1\) but the model takes examples of shape \(2,\)"),
    ((DATA[0], DATA[1][:100]), "x has 120 rows but y has 100"),
    ((np.where(np.arange(240).reshape(120, 2) == 7, np.nan, DATA[0]), DATA[1]),
     "x: row 3, column 1 is nan"),
    ((DATA[0],), r"data must be a pair \(x, y\)"),
])
def test_bad_data_is_refused_clearly(data, message):
    with pytest.raises(ValueError, match=message):
        fit(MODEL, init(MODEL, 0), data, epochs=1, progress=False)


@pytest.mark.parametrize("kwargs,message", [
    (dict(optimizer="lbfgs"), "unknown optimizer 'lbfgs'; known optimizers: sgd, momentum"),
    (dict(loss="hinge"), "unknown loss 'hinge'; known losses: mse"),
    (dict(optimizer=optim.sgd(0.1), lr=0.5), "already has its learning rate"),
    (dict(lr=-1.0), "positive"),
    (dict(batch_size=0), "batch_size must be a positive integer"),
    (dict(validation=(DATA[0], DATA[1] + 5)), "validation y: row"),
    (dict(loss=losses.mse(3, "none")), "averaged over the batch"),
])
def test_bad_settings_are_refused_clearly(kwargs, message):
    settings = dict(epochs=1, progress=False)
    settings.update(kwargs)
    with pytest.raises(ValueError, match=message):
        fit(MODEL, init(MODEL, 0), DATA, **settings)


def test_wrong_parameters_are_refused():
    params = init(MODEL, 0)
    with pytest.raises(ValueError, match=r"parameter 2 \(P\^8x2\) has shape \(2, 8\)"):
        fit(MODEL, (params[0], params[1], params[2].T, params[3]), DATA, progress=False)
    with pytest.raises(ValueError, match="give initial parameters"):
        fit(MODEL, None, DATA, progress=False)


def test_binary_labels_and_float_targets():
    x, y = DATA
    model = mlp([2, 6, 1])
    binary = (y == 0).astype(int)
    result = fit(model, init(model, 0), (x, binary), loss="binary_cross_entropy",
                 optimizer="adam", lr=0.05, epochs=10, progress=False)
    assert result.history.accuracy[-1] > 0.9
    regression = fit(model, init(model, 0), (x, x[:, :1] * 2.0), loss="mse",
                     optimizer="adam", lr=0.05, epochs=5, progress=False)
    assert np.isnan(regression.history.accuracy).all()  # not a classifier


def test_progress_bar_goes_to_stderr_only_when_asked(capsys):
    train(epochs=1, progress=True)
    out, err = capsys.readouterr()
    assert out == "" and "train" in err and "batch" in err
    train(epochs=1)  # progress=None: stderr is not a terminal under pytest
    out, err = capsys.readouterr()
    assert out == "" and err == ""


def test_history_plot_is_written(tmp_path):
    history = train(epochs=3).history
    figure = plot_history(history, tmp_path / "curves.png")
    assert (tmp_path / "curves.png").stat().st_size > 1000
    assert [ax.get_title() for ax in figure.axes] == ["loss", "accuracy"]
    assert History.from_arrays(history.arrays()) == history


def test_the_default_optimizer_is_adam():
    """``fit`` without ``optimizer`` is ``fit(..., optimizer="adam", lr=0.01)``, bit for bit."""
    by_default = fit(MODEL, init(MODEL, 0), DATA, epochs=2, progress=False)
    explicit = fit(MODEL, init(MODEL, 0), DATA, optimizer="adam", lr=0.01, epochs=2,
                   progress=False)
    assert_identical(by_default, explicit)
    sgd = fit(MODEL, init(MODEL, 0), DATA, optimizer="sgd", epochs=2, progress=False)
    assert not np.array_equal(sgd.params[0], by_default.params[0])


def test_string_labels_are_sorted_classes_and_predictions_map_back():
    """As scikit-learn: classes sorted, class i is output i; ``predict`` returns labels."""
    x, y = DATA
    names = np.array(["cat", "dog", "emu"])
    as_strings = fit(MODEL, init(MODEL, 0), (x, names[y]), optimizer="adam", lr=0.02,
                     epochs=4, batch_size=16, seed=5, validation=(VALID[0], names[VALID[1]]),
                     progress=False)
    as_indices = train(validation=VALID)
    assert_identical(as_strings, as_indices)
    assert as_strings.classes.tolist() == ["cat", "dog", "emu"]
    predicted = as_strings.predict(MODEL, x)
    assert predicted.tolist() == names[as_indices.predict(MODEL, x)].tolist()
    assert np.mean(predicted == names[y]) == pytest.approx(as_indices.history.accuracy[-1],
                                                           abs=0.1)


def test_unknown_validation_labels_are_named():
    x, y = DATA
    names = np.array(["cat", "dog", "emu"])
    with pytest.raises(ValueError, match=r"validation y: row 0 has label 'yak', which is not "
                                         r"one of the trained classes \['cat', 'dog', 'emu'\]"):
        fit(MODEL, init(MODEL, 0), (x, names[y]), epochs=1, progress=False,
            validation=(VALID[0][:3], np.array(["yak", "cat", "dog"])))


def test_a_result_unpacks_as_params_state_history():
    params, state, history = train(epochs=1)
    assert len(params) == len(MODEL.param) and len(history) == 1
