"""papers/cfgbl/reproduce.py: the CFGBL experiments, quickly (about 10 s of CPU)."""

import importlib.util
from pathlib import Path

import numpy as np
import pytest

from catlearn import layers

PATH = Path(__file__).resolve().parents[1] / "papers" / "cfgbl" / "reproduce.py"
spec = importlib.util.spec_from_file_location("cfgbl_reproduce", PATH)
reproduce = importlib.util.module_from_spec(spec)
spec.loader.exec_module(reproduce)


@pytest.fixture(scope="module")
def quick_output():
    import contextlib
    import io
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        reproduce.main(["--quick", "--skip-mnist"])
    return out.getvalue()


def rows(text: str) -> dict[str, list[str]]:
    return {cells[0]: cells[1:] for line in text.splitlines() if " | " in line
            for cells in [[c.strip() for c in line.split(" | ")]]}


def test_the_tables_print(quick_output):
    assert "paper code" in quick_output and "What the rest of catlearn adds" in quick_output
    table = rows(quick_output)
    for name in ("linear", "dense", "hidden"):
        assert f"Iris {name} (train acc)" in table
    assert "MNIST skipped" in quick_output


def test_the_quick_iris_numbers_are_sensible(quick_output):
    lines = quick_output.split("What the rest of catlearn adds")
    paper, framework = rows(lines[0]), rows(lines[1])
    paper_code, at_print, end = (float(v) for v in paper["Iris hidden (train acc)"][:3])
    assert paper_code == 0.967
    assert at_print >= 0.9 and end >= 0.9
    assert float(paper["Iris dense (train acc)"][2]) >= 0.9
    assert float(paper["Iris linear (train acc)"][2]) >= 0.6  # MSE on raw cm oscillates
    for name in ("linear", "dense", "hidden"):
        assert float(framework[f"Iris {name} (train acc)"][0]) >= 0.95


def test_the_linear_iris_run_is_the_papers_run():
    """Same weights, same shuffles: the code's printed 0.667 at its print point, to the digit
    (0.707 one epoch of steps later: a one-step shift would show)."""
    run = reproduce.iris_paper("linear", 400)
    assert round(run.at_print, 3) == reproduce.PAPER_IRIS["linear"]
    assert round(run.per_epoch[-1], 3) == 0.707


def paper_layout_forward(K1, K2, W, b, image):
    """The paper code's function written channels-last: kernels (out, kh, kw, in), image
    (h, w, c), flattening (h, w, c); correlation by explicit windows."""
    def correlate(K, a):
        o, k = K.shape[0], K.shape[1]
        h, w = a.shape[0] - k + 1, a.shape[1] - k + 1
        return np.array([[[np.sum(K[n] * a[i:i + k, j:j + k]) for n in range(o)]
                          for j in range(w)] for i in range(h)])

    def pool(a):
        h, w, c = a.shape
        return a.reshape(h // 2, 2, w // 2, 2, c).max(axis=(1, 3))

    a = pool(np.maximum(correlate(K1, image), 0))
    a = pool(np.maximum(correlate(K2, a), 0))
    return 1 / (1 + np.exp(-(W @ a.flatten() + b)))


def test_the_papers_initial_weights_are_converted_to_the_same_function():
    rng = np.random.RandomState(reproduce.SEED)
    W = rng.normal(0, 0.01, (10, 125)) * 50  # larger, so that a wrong column order shows
    K2, K1 = reproduce.paper_glorot((5, 4, 4, 3), rng), reproduce.paper_glorot((3, 3, 3, 1), rng)
    b = rng.normal(size=10)
    image = np.random.default_rng(0).uniform(size=(28, 28, 1))
    want = paper_layout_forward(K1, K2, W, b, image)
    ours = (K1.transpose(0, 3, 1, 2), K2.transpose(0, 3, 1, 2),
            W.reshape(10, 5, 5, 5).transpose(0, 3, 1, 2).reshape(10, 125), b)
    got = layers.cfgbl_mnist_model()(*ours, image.transpose(2, 0, 1)[None])[0][0]
    np.testing.assert_allclose(got, want, rtol=1e-12)
    converted = reproduce.paper_mnist_params(np.random.RandomState(reproduce.SEED))
    for a, c in zip(converted[:3], ours[:3]):
        np.testing.assert_allclose(a * (50 if a.shape == (10, 125) else 1), c)


def test_paper_iris_initial_weights_are_drawn_last_layer_first():
    W1, b1, W2, b2 = reproduce.paper_iris_params("hidden", np.random.RandomState(2))
    rng = np.random.RandomState(2)
    np.testing.assert_array_equal(W2, rng.normal(0, 0.01, (3, 20)))
    np.testing.assert_array_equal(W1, rng.normal(0, 0.01, (20, 4)))
    assert not b1.any() and not b2.any()


def test_a_short_mnist_run_learns():
    folder = reproduce.mnist_directory(None)
    if folder is None:
        pytest.skip("MNIST idx files not found")
    data = reproduce.mnist(folder, 600, 500)
    run = reproduce.mnist_paper(data, 1, gamma=-0.1)
    assert run.per_epoch[0] > max(0.2, run.at_print) and run.seconds > 0  # chance: 0.1
