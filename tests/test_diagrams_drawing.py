"""Drawing diagrams, reverse derivatives, lenses and parametrised maps; ``catlearn draw``."""

from __future__ import annotations

import argparse
from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")

from catlearn.diagrams import (  # noqa: E402 - the backend is chosen first
    Box, adder_diagram, dense_diagram, mlp_diagram, reverse)
from catlearn.cli import draw as cli  # noqa: E402
from catlearn.diagrams import drawing  # noqa: E402

ZOO = Path(__file__).resolve().parent.parent / "circuits"


def names(diagram) -> set[str]:
    """The names of the generator boxes (wiring is drawn as dots and crossings)."""
    return {box.name for box in diagram.boxes if isinstance(box, Box)}


@pytest.mark.parametrize("diagram", [
    mlp_diagram([4, 8, 3]), adder_diagram(2), reverse(dense_diagram(3, 2, "sigmoid", "L"))],
    ids=["mlp", "adder", "reverse"])
def test_svg_and_png_show_every_box(diagram, tmp_path):
    picture = drawing.draw(diagram)
    assert picture.png.startswith(b"\x89PNG") and len(picture.png) > 1000
    assert picture._repr_svg_() == picture.svg and "<svg" in picture.svg
    for name in names(diagram):
        assert f">{name}<" in picture.svg, name
    for suffix in (".svg", ".png"):
        path = picture.save(tmp_path / f"d{suffix}")
        assert path.stat().st_size > 1000


def test_draw_saves_to_a_path_and_refuses_unknown_formats(tmp_path):
    drawing.draw(dense_diagram(2, 2, "relu", "L"), tmp_path / "d.svg")
    assert (tmp_path / "d.svg").read_text().count("<text") >= 5
    with pytest.raises(ValueError, match=r"\.svg or \.png"):
        drawing.draw(dense_diagram(2, 2)).save(tmp_path / "d.jpg")


def test_drawing_closes_its_figures():
    import matplotlib.pyplot as plt
    before = len(plt.get_fignums())
    drawing.draw(adder_diagram(1))
    drawing.draw_lens(mlp_diagram([2, 2]))
    assert len(plt.get_fignums()) == before


def test_stages_know_their_parameters():
    stages = drawing.stages(mlp_diagram([4, 8, 3]))
    assert [(s.box.name, s.params) for s in stages] == [
        ("linear", ("layer1.W",)), ("bias", ("layer1.b",)), ("relu", ()),
        ("linear", ("layer2.W",)), ("bias", ("layer2.b",))]
    assert str(stages[0].after) == "R8" and str(stages[-1].after) == "R3"


@pytest.mark.parametrize("draw", [drawing.draw_lens, drawing.draw_para])
def test_lens_and_para_drawings(draw, tmp_path):
    d = mlp_diagram([4, 8, 3])
    picture = draw(d, tmp_path / "lens.svg")
    for name in ("layer1.W", "layer2.b", "linear", "relu", "R4", "R3"):
        assert f">{name}<" in picture.svg
    assert ("R[linear]" in picture.svg) == (draw is drawing.draw_lens)
    assert (tmp_path / "lens.svg").stat().st_size > 1000


def test_lens_drawing_needs_a_generator():
    from discopy import markov
    with pytest.raises(ValueError, match="no generator"):
        drawing.draw_lens(markov.Id(markov.Ty("R2")))


# -- the command line --------------------------------------------------------------------


def _run(*argv):
    top = argparse.ArgumentParser(prog="catlearn")
    cli.add_parser(top.add_subparsers(dest="command", required=True))
    args = top.parse_args(["draw", *argv])
    return args.func(args)


@pytest.mark.parametrize("model, view", [
    ("mlp:4,8,3", "diagram"), ("dense:4,3:tanh", "reverse"), ("adder:2", "diagram"),
    ("mlp:4,8,3", "lens"), ("dense:4,3", "para"), (str(ZOO / "c17.blif"), "diagram")])
@pytest.mark.parametrize("suffix", [".svg", ".png"])
def test_catlearn_draw_writes_the_file(model, view, suffix, tmp_path, capsys):
    out = tmp_path / f"model{suffix}"
    assert _run(model, "--out", str(out), "--view", view) == 0
    assert out.stat().st_size > 1000
    assert str(out) in capsys.readouterr().out
    if suffix == ".svg" and view == "diagram":
        text = out.read_text()
        assert all(f">{name}<" in text for name in names(cli.model_diagram(model)))


@pytest.mark.parametrize("model, message", [
    ("mlp:4,x", "integers"), ("conv:3", "unknown model"), ("dense:4", "two sizes"),
    ("mlp:4,0", "positive")])
def test_catlearn_draw_bad_models(model, message, tmp_path):
    with pytest.raises(ValueError, match=message):
        _run(model, "--out", str(tmp_path / "x.svg"))


def test_catlearn_draw_bad_suffix(tmp_path):
    with pytest.raises(ValueError, match=r"\.svg or \.png"):
        _run("mlp:2,2", "--out", str(tmp_path / "x.pdf"))


def test_through_the_top_level_command(tmp_path):
    top = pytest.importorskip("catlearn.cli")
    try:
        parser = top.parser()
    except ModuleNotFoundError as missing:  # another subcommand is not written yet
        pytest.skip(str(missing))
    out = tmp_path / "adder.svg"
    args = parser.parse_args(["draw", "adder:2", "--out", str(out)])
    assert args.func(args) == 0 and out.exists()
    assert top.main(["draw", "nonsense", "--out", str(out)]) == 2
