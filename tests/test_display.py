"""Pictures: every object displays as SVG, drawings are compact, and wires carry their names.

The heights are checked against bounds that a layout putting every box on
its own row (DisCoPy's, before) breaks: a drawing is at most one row per
box of the longest path of boxes, plus the input and output rows; and the
reverse derivative of a dense layer is at most three times as tall as the
layer.
"""

from __future__ import annotations

import re
from pathlib import Path
from xml.etree import ElementTree

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_diagrams import gate_circuits, smooth_diagrams

from catlearn import Lens, Para, display, smooth
from catlearn.learning import training
from catlearn.cli import draw as cli
from catlearn.netlist import Netlist, gate, load_blif
from catlearn.diagrams import (
    Param,
    adder_diagram,
    dense_diagram,
    draw,
    from_netlist,
    interpret,
    mlp_diagram,
    reverse,
)
from catlearn.diagrams.wiring import placed_boxes
from catlearn.display.graph import MARGIN, PITCH
from catlearn.learning.history import History

ZOO = Path(__file__).resolve().parent.parent / "circuits"
WIRING = ("Swap", "Copy", "Discard", "Merge")


def height(svg: str) -> int:
    return int(re.search(r'<svg[^>]* height="(\d+)"', svg).group(1))


def longest_path(diagram) -> int:
    """The most generator boxes on one path through the diagram (wiring is free)."""
    depth, deepest = [0] * len(diagram.dom), 0
    for box, offset in placed_boxes(diagram):
        n = len(box.dom)
        args = depth[offset:offset + n]
        name = type(box).__name__
        if name == "Swap":
            new = args[len(box.left):] + args[:len(box.left)]
        elif name in WIRING[1:3]:
            new = args * (len(box.cod) // max(n, 1))
        else:
            new = [max(args, default=0) + (not isinstance(box, Param))] * len(box.cod)
            deepest = max([deepest, *new])
        depth[offset:offset + n] = new
    return deepest


def row_bound(diagram) -> float:
    """Rows for the inputs (and parameters), each box of the longest path, and the outputs."""
    return (longest_path(diagram) + 2) * PITCH + 2 * MARGIN + 12


def test_adder_is_drawn_in_rows_with_every_port_named():
    inputs, outputs = cli.port_names("adder:4")
    diagram = adder_diagram(4)
    picture = draw(diagram, inputs=inputs, outputs=outputs)
    assert longest_path(diagram) == 7 and len(diagram) == 76
    assert height(picture.svg) == picture.height <= row_bound(diagram)
    for name in inputs + outputs:
        assert f">{name}<" in picture.svg, name
    assert ">Z2<" not in picture.svg  # named wires show names, not their type


def test_reverse_of_a_dense_layer_is_at_most_three_times_its_height():
    layer = draw(dense_diagram(2, 1, "relu", "L"))
    rev = draw(reverse(dense_diagram(2, 1, "relu", "L")))
    assert height(rev.svg) <= 3 * height(layer.svg)
    for name in ("L.W", "L.b", "linear", "linear_t", "outer", "step"):
        assert f">{name}<" in rev.svg, name


def test_full_adder_netlist_and_diagram_show_their_port_names():
    netlist = load_blif(ZOO / "full_adder.blif")
    diagram = from_netlist(netlist)
    svgs = [netlist._repr_svg_(),
            draw(diagram, inputs=netlist.inputs, outputs=netlist.outputs).svg]
    for svg in svgs:
        assert height(svg) <= row_bound(diagram)
        for name in netlist.inputs + netlist.outputs:
            assert f">{name}<" in svg, name
    assert all(f">{g.output}<" in svgs[0] for g in netlist.gates)  # inner nets too
    assert svgs[0].count(">xor<") == 2 and svgs[0].count(">or<") == 1


@settings(max_examples=150, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(smooth_diagrams(steps=10), gate_circuits(steps=12)))
def test_random_diagrams_draw_every_box_within_the_row_bound(diagram):
    svg = draw(diagram).svg
    assert height(svg) <= row_bound(diagram)
    for box in diagram.boxes:
        if type(box).__name__ not in WIRING:
            assert f">{box.name}<" in svg, box.name


def test_independent_boxes_share_a_row():
    picture = display.layout(display.programs.netlist_graph(
        Netlist.from_gates("half", "ab", ["s", "c"], [("s", "xor", "ab"), ("c", "and", "ab")])))
    assert len({r.y for r in picture.rects}) == 1


@pytest.mark.parametrize("make", [
    lambda: smooth.linear(2, 2) >> smooth.tanh(2),
    lambda: Lens.R(smooth.exp(1)),
    lambda: Para.of(smooth.linear(3, 2)),
    lambda: Para.of(smooth.linear(3, 2)).R(),
    lambda: History().then(loss=1.0, accuracy=0.5).then(loss=0.5, accuracy=0.7),
    lambda: load_blif(ZOO / "c17.blif"),
], ids=["map", "lens", "para", "para-lens", "history", "netlist"])
def test_objects_display_as_svg(make):
    svg = make()._repr_svg_()
    assert ElementTree.fromstring(svg).tag.endswith("svg")  # well-formed XML


def test_large_netlists_display_a_summary_table():
    n = display.LARGE + 1
    chain = Netlist.from_gates("chain", ["x0"], [f"x{n}"],
                               [(f"x{k + 1}", "not", [f"x{k}"]) for k in range(n)])
    assert chain._repr_svg_() is None
    table = chain._repr_html_()
    assert table.startswith("<table>") and f"{n} not" in table
    small = Netlist.from_gates("g", "ab", ["y"], [("y", "nand", "ab")])
    assert small._repr_html_() is None and ">nand<" in small._repr_svg_()


def test_draw_takes_maps_lenses_paras_models_and_netlists():
    model = interpret(mlp_diagram([3, 4, 2]), smooth.backend)
    for obj in (model.map, Lens.R(model.map), model.para, model):
        assert "<svg" in draw(obj).svg
    assert ">layer1.W<" in model._repr_svg_()  # every named view of a Para displays
    assert ">layer1.W<" in draw(model).svg
    assert ">layer2.b'<" in draw(model.para.R()).svg  # the parameter's cotangent
    assert ">cout<" in draw(load_blif(ZOO / "full_adder.blif")).svg
    with pytest.raises(TypeError, match="cannot draw a int"):
        draw(3)
    with pytest.raises(ValueError, match="2 names for the 1 inputs"):
        draw(dense_diagram(3, 2), inputs=["x", "y"])


def test_inner_wires_show_their_type_only_without_a_name():
    svg = draw(mlp_diagram([3, 4, 2])).svg
    assert ">R4<" in svg and ">R3<" in svg and ">layer1.W<" in svg
    assert ">P4x3<" not in svg  # the parameter wire shows its name


def test_gate_labels_name_standard_covers():
    labels = {kind: display.gate_label(gate("y", kind, "abc"))
              for kind in ("and", "or", "xor", "nand", "nor", "xnor")}
    assert labels == {kind: kind for kind in labels}
    assert display.gate_label(gate("y", "not", "a")) == "not"
    maj = Netlist.from_gates("m", "abc", ["y"], [("y", "or", "abc")]).gates[0]
    assert display.gate_label(maj) == "or"


def test_long_types_fold():
    ty = Lens.R(smooth.linear(3, 2) >> smooth.tanh(2)).fwd.cod
    assert len(ty) <= 8 or "wires)" in str(ty)
    wide = (smooth.exp(1),) * 12
    from catlearn.core import tensor
    text = str(tensor(*wide).dom)
    assert text == "R^1 @ R^1 @ ... @ R^1 (12 wires)"


def test_a_model_prints_as_a_table_of_layers_and_parameters():
    model = interpret(mlp_diagram([3, 4, 2]), smooth.backend)
    table = str(model)
    assert table == display.summary(model.para)
    lines = table.splitlines()
    assert lines[0].split() == ["layer", "output", "parameters", "count"]
    assert "layer1.W: P^4x3" in table and lines[1].split()[-1] == "12"
    assert lines[-1].startswith("total: 26 parameters in 4 array(s)")


def test_png_is_rendered_on_demand(tmp_path):
    picture = draw(adder_diagram(2))
    assert "png" not in vars(picture)
    assert picture.save(tmp_path / "a.png").read_bytes()[:4] == b"\x89PNG"


def test_history_plot_is_a_figure():
    from matplotlib.figure import Figure
    h = History().then(loss=1.0, val_loss=1.2).then(loss=0.5, val_loss=0.8)
    figure = h.plot()
    assert isinstance(figure, Figure) and figure.axes[0].get_title() == "loss"
    assert np.allclose(figure.axes[0].lines[0].get_ydata(), [1.0, 0.5])
    assert History()._repr_svg_() is None


def test_fit_shows_no_bar_in_a_pipe():
    assert not training.interactive()  # pytest captures stderr: not a terminal, not a kernel


def test_diagrams_display_in_a_notebook():
    from IPython.core.interactiveshell import InteractiveShell

    from catlearn.diagrams import drawing
    shell = InteractiveShell.instance()
    try:
        drawing._register_with_ipython()
        bundle, _ = shell.display_formatter.format(adder_diagram(1))
    finally:
        InteractiveShell.clear_instance()
    assert ">xor<" in bundle["image/svg+xml"]
