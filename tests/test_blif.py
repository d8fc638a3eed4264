"""BLIF reading and writing, Verilog export, yosys equivalence, bit packing, netlist checks."""

import os
import re
from itertools import product
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from catlearn.netlist import (
    BlifError, Gate, Netlist, NetlistError, YosysError, pack, from_blif, load_blif,
    save_blif, truth_table_inputs, unpack, to_blif, to_verilog, yosys_available,
    yosys_equivalent)

ZOO_DIR = Path(__file__).resolve().parent.parent / "circuits"
ZOO = sorted(p.stem for p in ZOO_DIR.glob("*.blif"))
needs_yosys = pytest.mark.skipif(not yosys_available(),
                                 reason="yosys is not installed (apt-get install yosys)")


def zoo(name):
    return load_blif(ZOO_DIR / f"{name}.blif")


# --- round trips -------------------------------------------------------------------------

@pytest.mark.parametrize("name", ZOO)
def test_round_trip_preserves_netlist_and_truth_table(name):
    netlist = zoo(name)
    again = from_blif(to_blif(netlist), "again.blif")
    assert again == netlist
    assert np.array_equal(again.truth_table(), netlist.truth_table())


def test_zoo_is_not_empty():
    assert len(ZOO) >= 16


def test_accepted_syntax():
    text = ("# comment line\r\n\n.model  demo   # trailing comment\n.inputs a \\\n  b\n"
            ".inputs c\n.outputs y one zero \\\n z\n"
            ".names t c y\n1- 1\n-1 1\n"      # used before t is defined
            ".names a b t\n11 0\n"             # off-set cover: t = nand(a, b)
            ".names one\n1\n.names zero\n.names a z\n0 0\n")  # no .end
    netlist = from_blif(text)
    assert netlist.inputs == ("a", "b", "c") and netlist.outputs == ("y", "one", "zero", "z")
    assert [g.output for g in netlist.gates].index("t") < [g.output for g in
                                                            netlist.gates].index("y")
    for (a, b, c), out in zip(product((0, 1), repeat=3), netlist.truth_table()):
        assert out.tolist() == [int(not (a and b) or c), 1, 0, a]


def test_gate_line_numbers_follow_continuations():
    netlist = from_blif(".model m\n.inputs \\\na\n.outputs y\n.names \\\n a \\\n y\n1 1\n")
    assert netlist.gates[0].line == 5


def test_long_lines_are_wrapped_and_read_back():
    names = [f"signal_with_a_long_name_{i}" for i in range(40)]
    netlist = Netlist.from_gates("wide", names, ["y"], [("y", "xor", names[:9])])
    text = to_blif(netlist)
    assert max(len(line) for line in text.splitlines()) <= 78
    assert from_blif(text) == netlist


def test_hundred_thousand_gates_without_recursion():
    n = 100_000
    lines = [".model chain", ".inputs x0", f".outputs x{n}"]
    for i in range(n, 0, -1):  # reverse order: the parser must sort
        lines += [f".names x{i - 1} x{i}", "0 1"]
    netlist = from_blif("\n".join(lines))
    assert netlist.gates[0].output == "x1" and netlist.n_gates == n
    assert netlist([[0], [1]]).ravel().tolist() == [0, 1]  # an even number of inverters


def test_hundred_thousand_gate_cycle_is_found():
    n = 100_000
    lines = [".model ring", ".inputs a", ".outputs x0"]
    for i in range(n):
        lines += [f".names x{(i + 1) % n} x{i}", "1 1"]
    with pytest.raises(BlifError, match=r"^ring\.blif:\d+: combinational cycle"):
        from_blif("\n".join(lines), "ring.blif")


# --- malformed input: every error names the file and the line ---------------------------

HEAD = ".model m\n.inputs a b\n.outputs y\n"
MALFORMED = {
    "undefined signal": (HEAD + ".names a c y\n11 1\n.end\n", 4, "'c'.*never defined"),
    "cycle": (HEAD + ".names a t y\n11 1\n.names y t\n1 1\n.end\n", 6, "cycle.*'t'"),
    "self loop": (HEAD + ".names a y y\n11 1\n", 4, "cycle.*'y'"),
    "cover too narrow": (HEAD + ".names a b y\n1 1\n", 5, "1 columns.*2 inputs"),
    "cover too wide": (HEAD + ".names a b y\n111 1\n", 5, "3 columns.*2 inputs"),
    "duplicate gate": (HEAD + ".names a y\n1 1\n.names b y\n1 1\n", 6,
                       "'y' is defined twice.*line 4"),
    "gate redefines input": (HEAD + ".names b a\n1 1\n.names a y\n1 1\n", 4,
                             "'a' is defined twice"),
    "duplicate input": (".model m\n.inputs a\n.inputs a\n", 3, "'a' is defined twice"),
    "duplicate output": (HEAD + ".outputs y\n.names a y\n1 1\n", 4, "'y' is listed twice"),
    "bad cover character": (HEAD + ".names a b y\n1x 1\n", 5, "bad character 'x'"),
    "bad output value": (HEAD + ".names a b y\n11 2\n", 5, "'2'.*0 or 1"),
    "missing output value": (HEAD + ".names a b y\n11\n", 5, "pattern of 2 characters"),
    "mixed cover": (HEAD + ".names a b y\n11 1\n00 0\n", 6, "mixes"),
    "latch": (HEAD + ".latch a y as clk 0\n", 4, r"asynchronous latches are not supported"),
    "subckt": (HEAD + ".subckt adder x=a\n", 4, "hierarchical"),
    "unknown directive": (HEAD + ".frobnicate\n", 4, "unknown directive '.frobnicate'"),
    "no model": (".inputs a\n.outputs a\n", 1, "expected '.model NAME'"),
    "empty file": ("\n# nothing\n", 1, "no '.model NAME'"),
    "model without name": (".model\n", 1, "exactly one name"),
    "two models": (HEAD + ".names a y\n1 1\n.model n\n", 6, "second .model"),
    "text after end": (HEAD + ".names a y\n1 1\n.end\n.names b z\n", 7, "after .end"),
    "output never defined": (HEAD + ".outputs z\n.names a y\n1 1\n", 4, "'z' is never"),
    "row outside names": (HEAD + "11 1\n", 4, "unexpected '11'"),
    "names without signals": (HEAD + ".names\n", 4, "needs its input signals"),
    "name ends in backslash": (HEAD + ".names a\\ b y\n11 1\n", 4, "backslash"),
    "end with arguments": (HEAD + ".names a y\n1 1\n.end now\n", 6, "no arguments"),
}


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_malformed_blif_raises_blif_error_with_file_and_line(case):
    text, line, pattern = MALFORMED[case]
    with pytest.raises(BlifError) as error:
        from_blif(text, "bad.blif")
    message = str(error.value)
    assert message.startswith(f"bad.blif:{line}: "), message
    assert re.search(pattern, message), message


def test_read_blif_reports_bytes_that_are_not_utf8(tmp_path):
    path = tmp_path / "latin.blif"
    path.write_bytes(b".model m\n.inputs \xe9\n")
    with pytest.raises(BlifError, match=rf"^{re.escape(str(path))}:2: not UTF-8"):
        load_blif(path)


def test_blif_error_is_a_netlist_error_and_a_value_error():
    assert issubclass(BlifError, NetlistError) and issubclass(NetlistError, ValueError)


# --- fuzzing: only BlifError, or a netlist that round-trips ------------------------------

ZOO_TEXTS = [(ZOO_DIR / f"{name}.blif").read_text() for name in ZOO]
BLIF_CHARS = st.sampled_from(list(".names inputs outputs model end latch 01-\\#\n\t x") +
                             ["\r", "\x00", "é", "\u2028", "\x0c"])


def check_parse(text):
    try:
        netlist = from_blif(text, "fuzz.blif")
    except BlifError as error:
        assert str(error).startswith("fuzz.blif:")
        return
    assert from_blif(to_blif(netlist)) == netlist
    if len(netlist.inputs) <= 10:
        assert netlist.truth_table().shape == (2 ** len(netlist.inputs), len(netlist.outputs))


def mutate(text, edits):
    """Apply edits (kind, i, j, char) to lines and characters, indices taken modulo length."""
    for kind, i, j, char in edits:
        lines = text.split("\n")
        a, b = i % len(lines), j % len(lines)
        if kind == "delete line":
            del lines[a]
        elif kind == "duplicate line":
            lines.insert(b, lines[a])
        elif kind == "swap lines":
            lines[a], lines[b] = lines[b], lines[a]
        text = "\n".join(lines)
        if text and kind.endswith("char"):
            a, b = i % len(text), j % len(text)
            chars = list(text)
            if kind == "delete char":
                del chars[a]
            elif kind == "duplicate char":
                chars.insert(b, chars[a])
            elif kind == "swap char":
                chars[a], chars[b] = chars[b], chars[a]
            else:
                chars.insert(a, char)
            text = "".join(chars)
    return text


EDITS = st.lists(st.tuples(
    st.sampled_from(["delete line", "duplicate line", "swap lines", "delete char",
                     "duplicate char", "swap char", "insert char"]),
    st.integers(0, 10_000), st.integers(0, 10_000), BLIF_CHARS), min_size=1, max_size=6)
FUZZ = settings(max_examples=300, deadline=1000,
                suppress_health_check=[HealthCheck.too_slow])


TOKENS = st.sampled_from([".model m", ".inputs", ".outputs", ".names", ".end", ".latch",
                          "a", "b", "y", "t", "1", "0", "-", "11", "1-", "01", "\\", "#"])
BLIF_LIKE = st.lists(st.lists(TOKENS, max_size=5).map(" ".join), max_size=12).map("\n".join)


@FUZZ
@given(st.text(BLIF_CHARS, max_size=300) | st.text(max_size=200) | BLIF_LIKE)
def test_fuzz_random_text(text):
    check_parse(text)


@FUZZ
@given(st.sampled_from(ZOO_TEXTS), EDITS)
def test_fuzz_mutated_zoo_files(text, edits):
    check_parse(mutate(text, edits))


# --- Verilog and yosys ------------------------------------------------------------------

def test_model_name_must_be_writable():
    with pytest.raises(NetlistError, match="model name 'my model' is not a usable"):
        Netlist.from_gates("my model", ["a"], ["y"], [("y", "buf", ["a"])])


def test_verilog_spelling():
    netlist = Netlist.from_gates("top", ["1", "a[0]", "wire", "ok_1"], ["out$"],
                                 [("out$", "or", ["1", "a[0]", "wire", "ok_1"])])
    text = to_verilog(netlist)
    assert "module top (\\1 , \\a[0] , \\wire , ok_1, out$);" in text
    assert "assign out$ = (\\1 ) | (\\a[0] ) | (\\wire ) | (ok_1);" in text


@needs_yosys
def test_escaped_verilog_names_match_blif_names_in_yosys(tmp_path):
    netlist = Netlist.from_gates("top", ["1", "a[0]", "wire", "x.y"], ["out$", "module"], [
        ("out$", "or", ["1", "a[0]", "wire"]), ("module", "xor", ["x.y", "1"])])
    (tmp_path / "top.v").write_text(to_verilog(netlist))
    assert yosys_equivalent(netlist, tmp_path / "top.v")


def test_verilog_refuses_an_output_that_is_an_input():
    with pytest.raises(NetlistError, match="'a'.*also an input"):
        to_verilog(Netlist("m", ("a",), ("a",), ()))


def test_verilog_constants_and_offset_covers():
    netlist = from_blif(".model k\n.inputs a\n.outputs one zero y\n.names one\n1\n"
                         ".names zero\n.names a y\n1 0\n")
    text = to_verilog(netlist)
    assert "assign one = 1'b1;" in text and "assign zero = 1'b0;" in text
    assert "assign y = ~((a));" in text


@needs_yosys
@pytest.mark.parametrize("name", ZOO)
def test_verilog_export_is_equivalent_by_yosys(name, tmp_path):
    verilog = tmp_path / f"{name}.v"
    verilog.write_text(to_verilog(zoo(name)))
    assert yosys_equivalent(ZOO_DIR / f"{name}.blif", verilog)


def broken(netlist):
    """The same netlist with the cover of its last gate complemented."""
    last = netlist.gates[-1]
    flipped = tuple((p, "1" if v == "0" else "0") for p, v in last.cover) or (("-" * len(
        last.inputs), "1"),)
    return Netlist(netlist.name, netlist.inputs, netlist.outputs,
                   netlist.gates[:-1] + (Gate(last.output, last.inputs, flipped),))


@needs_yosys
@pytest.mark.parametrize("name", ["add4", "c17", "seg7"])
def test_yosys_equivalent_both_ways(name, tmp_path):
    good, bad = zoo(name), broken(zoo(name))
    assert not np.array_equal(good.truth_table(), bad.truth_table())
    save_blif(bad, tmp_path / "bad.blif")
    (tmp_path / "bad.v").write_text(to_verilog(bad))
    (tmp_path / "good.v").write_text(to_verilog(good))
    blif = ZOO_DIR / f"{name}.blif"
    assert yosys_equivalent(blif, tmp_path / "good.v") is True
    assert yosys_equivalent(blif, tmp_path / "bad.blif") is False
    assert yosys_equivalent(blif, tmp_path / "bad.v") is False
    assert yosys_equivalent(good, bad) is False


@needs_yosys
def test_yosys_equivalent_of_different_structures():
    # a ripple-carry add2 against a flat two-level cover of the same function
    add2 = zoo("add2")
    table = add2.truth_table()
    flat = Netlist("flat", add2.inputs, add2.outputs, tuple(
        Gate(out, add2.inputs, tuple((f"{r:04b}", "1") for r in range(16) if table[r, k]))
        for k, out in enumerate(add2.outputs)))
    assert yosys_equivalent(add2, flat)


@needs_yosys
def test_yosys_reports_mismatched_ports(tmp_path):
    with pytest.raises(YosysError, match="No matching port"):
        yosys_equivalent(zoo("add2"), zoo("add4"))


def test_yosys_missing_is_a_clear_error(monkeypatch):
    monkeypatch.setattr("shutil.which", lambda name: None)
    assert not yosys_available()
    with pytest.raises(YosysError, match="yosys is not installed"):
        yosys_equivalent(zoo("maj3"), zoo("maj3"))


def test_yosys_refuses_unknown_file_types(tmp_path):
    if not yosys_available():
        pytest.skip("yosys is not installed")
    with pytest.raises(YosysError, match="cannot tell how to read"):
        yosys_equivalent(tmp_path / "x.txt", ZOO_DIR / "maj3.blif")


# --- saving -----------------------------------------------------------------------------

def test_save_blif_is_atomic(tmp_path, monkeypatch):
    path = tmp_path / "maj3.blif"
    save_blif(zoo("maj3"), path)
    before = path.read_text()

    def fail(*args):
        raise OSError("disk full")
    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(OSError, match="disk full"):
        save_blif(zoo("add4"), path)
    assert path.read_text() == before
    assert [p.name for p in tmp_path.iterdir()] == ["maj3.blif"]


# --- packing ----------------------------------------------------------------------------

@given(st.integers(0, 200), st.integers(0, 5), st.integers(0, 2 ** 32 - 1))
def test_pack_unpack_round_trip(n, wires, seed):
    bits = np.random.default_rng(seed).integers(0, 2, size=(n, wires))
    words = pack(bits.astype(bool))
    assert words.dtype == np.uint64 and words.shape == (wires, -(-n // 64))
    for j in range(n):  # example j at bit j % 64 of word j // 64
        for w in range(wires):
            assert (int(words[w, j // 64]) >> (j % 64)) & 1 == bits[j, w]
    out = unpack(words, n)
    assert out.dtype == np.uint8 and np.array_equal(out, bits)


def test_pack_names_the_first_bad_value():
    with pytest.raises(ValueError, match=r"row 1, column 2 holds 2$"):
        pack(np.array([[0, 1, 1], [1, 0, 2], [3, 0, 0]]))
    with pytest.raises(ValueError, match="2-D"):
        pack([0, 1])
    with pytest.raises(ValueError, match="cannot unpack 65 examples from 1 words"):
        unpack(np.zeros((1, 1), dtype=np.uint64), 65)


@pytest.mark.parametrize("n", range(0, 9))
def test_truth_table_inputs_are_binary_counting_msb_first(n):
    rows = unpack(truth_table_inputs(n), 2 ** n)
    expected = [[(r >> (n - 1 - i)) & 1 for i in range(n)] for r in range(2 ** n)]
    assert rows.tolist() == expected
    if n < 6:  # the padding bits past 2**n stay zero
        assert int(truth_table_inputs(n).max(initial=0)) < 2 ** (2 ** n)


# --- netlist construction and evaluation ---------------------------------------------

ORACLES = {"and": all, "or": any, "nand": lambda b: not all(b), "nor": lambda b: not any(b),
           "xor": lambda b: sum(b) % 2, "xnor": lambda b: 1 - sum(b) % 2}


@pytest.mark.parametrize("kind", sorted(ORACLES))
@pytest.mark.parametrize("arity", [1, 2, 3, 4])
def test_gate_kinds_against_python(kind, arity):
    names = [f"i{k}" for k in range(arity)]
    table = Netlist.from_gates(kind, names, ["y"], [("y", kind, names)]).truth_table()
    assert table.ravel().tolist() == [int(ORACLES[kind](bits))
                                      for bits in product((0, 1), repeat=arity)]


def test_unary_and_constant_kinds():
    specs = [("n", "not", "a"), ("b", "buf", "a"), ("z", "zero", ()), ("o", "one", ())]
    table = Netlist.from_gates("u", "a", "nbzo", specs).truth_table()
    assert table.tolist() == [[1, 0, 0, 1], [0, 1, 0, 1]]


@pytest.mark.parametrize("specs, pattern", [
    ([("y", "nope", "a")], "unknown kind 'nope'"),
    ([("y", "not", "ab")], "not gate 'y' takes exactly 1 inputs, got 2"),
    ([("y", "and", "ac")], "'c' is used by gate 'y' but never defined"),
    ([("y", "and", "at"), ("t", "or", "y")], "cycle through signal"),
    ([("y", "buf", "a"), ("y", "not", "a")], "'y' is defined twice"),
    ([("b", "buf", "a")], "'b' is defined twice.*primary input"),
    ([("t", "buf", "a")], "output 'y' is never defined"),
    ([("a b", "buf", "a")], "'a b' is not a usable signal name"),
])
def test_netlist_errors_name_the_signal(specs, pattern):
    with pytest.raises(NetlistError, match=pattern):
        Netlist.from_gates("m", "ab", "y", specs)


def test_gate_checks_its_cover():
    with pytest.raises(NetlistError, match="row 1 '1' .* has 1 columns but the gate has 2"):
        Gate("y", ("a", "b"), (("1", "1"),))
    with pytest.raises(NetlistError, match="mixes"):
        Gate("y", ("a",), (("1", "1"), ("0", "0")))


def test_evaluate_over_many_words_matches_rows():
    netlist = zoo("add8")
    rng = np.random.default_rng(0)
    rows = rng.integers(0, 2, size=(1000, 16))
    out = unpack(netlist.evaluate(pack(rows)), 1000)
    a = rows[:, :8] @ (1 << np.arange(8))
    b = rows[:, 8:] @ (1 << np.arange(8))
    assert np.array_equal(out @ (1 << np.arange(9)), a + b)
    assert np.array_equal(netlist(rows), out)


def test_evaluate_and_call_check_their_arguments():
    netlist = zoo("maj3")
    with pytest.raises(ValueError, match="3 inputs.*2 rows of words"):
        netlist.evaluate(np.zeros((2, 1), dtype=np.uint64))
    with pytest.raises(ValueError, match="rows of 3 inputs"):
        netlist([[0, 1]])
    assert netlist([1, 1, 0]).tolist() == [1]


def test_truth_table_refuses_too_many_inputs():
    names = [f"x{i}" for i in range(25)]
    with pytest.raises(ValueError, match="25 inputs; truth tables are limited to 24"):
        Netlist.from_gates("big", names, ["y"], [("y", "and", names)]).truth_table()
