"""Fuzzing the readers of files a person gives catlearn, 10,000 inputs each (``slow``).

Every input must end in a value or the library's own error type, never another
exception: the BLIF reader in :class:`~catlearn.netlist.netlist.NetlistError` (its
``BlifError``); the idx reader, the checkpoint loader and ``catlearn predict``'s CSV
reader in :class:`~catlearn.errors.DataError`.  Inputs are valid files mutated (truncated,
bit-flipped, spliced with random bytes) and files built from the format's own pieces, so
that most of them get past the first check.  Run with ``pytest -m slow tests/test_fuzz.py``;
deterministic (``derandomize``), about a minute per reader on one core.
"""

from __future__ import annotations

import gzip
import io
import json
import tempfile
import zipfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from catlearn.errors import DataError
from catlearn.learning.history import History
from catlearn.layers import init
from catlearn.learning.checkpoint import Scaling, load, save
from catlearn.learning.perceptron import MLP

EXAMPLES = 10_000
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                suppress_health_check=list(HealthCheck))
WORK = Path(tempfile.mkdtemp(prefix="catlearn-fuzz-"))

pytestmark = pytest.mark.slow


@st.composite
def mutated(draw, valid: bytes) -> bytes:
    """``valid`` truncated, with bytes flipped, spliced or overwritten, or random bytes."""
    kind = draw(st.sampled_from(["truncate", "flip", "splice", "overwrite", "random"]))
    if kind == "random":
        return draw(st.binary(max_size=2 * len(valid)))
    data = bytearray(valid)
    if kind == "truncate":
        return bytes(data[:draw(st.integers(0, len(data)))])
    for _ in range(draw(st.integers(1, 8))):
        at = draw(st.integers(0, len(data) - 1))
        if kind == "flip":
            data[at] ^= 1 << draw(st.integers(0, 7))
        elif kind == "splice":
            data[at:at] = draw(st.binary(min_size=1, max_size=16))
        else:
            piece = draw(st.binary(min_size=1, max_size=16))
            data[at:at + len(piece)] = piece
    return bytes(data)


def written(data: bytes, name: str) -> Path:
    path = WORK / name
    path.write_bytes(data)
    return path


# -- BLIF -----------------------------------------------------------------------------------

BLIF_LINES = [".model m", ".inputs a b c", ".outputs y z", ".names a b y", "11 1", "0- 1",
              "1-0 0", ".names c z", "1 1", "0 0", ".names y", "1", ".latch a q 0",
              ".latch a q re clk 2", ".subckt sub x=a", ".end", ".exdc", "# comment",
              ".inputs a \\", "b", ".default_input_arrival 0 0", ".names a a y", ""]


@st.composite
def blif_texts(draw) -> str:
    """Lines of BLIF's own pieces in any order, and now and then a random line."""
    lines = draw(st.lists(st.one_of(st.sampled_from(BLIF_LINES), st.text(max_size=20)),
                          max_size=14))
    return "\n".join(lines) + draw(st.sampled_from(["", "\n"]))


@FUZZ
@given(blif_texts())
def test_the_blif_parser_ends_in_a_netlist_or_a_netlist_error(text):
    from catlearn.netlist.blif import from_blif
    from catlearn.netlist.netlist import NetlistError
    try:
        from_blif(text)
    except NetlistError:
        pass


# -- idx --------------------------------------------------------------------------------------

IDX = bytes([0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 3]) + bytes(range(12))


@st.composite
def idx_files(draw) -> tuple[bytes, str]:
    data = draw(mutated(IDX))
    if draw(st.booleans()):
        data = gzip.compress(data, mtime=0)
        data = draw(st.one_of(st.just(data), mutated(data)))
    return data, draw(st.sampled_from(["f-idx3-ubyte", "f-idx3-ubyte.gz"]))


@FUZZ
@given(idx_files(), st.one_of(st.none(), st.integers(0, 3)))
def test_the_idx_reader_ends_in_an_array_or_a_data_error(file, limit):
    from catlearn.data.idx import read_idx
    data, name = file
    try:
        read_idx(written(data, name), limit)
    except DataError:
        pass


# -- checkpoints ------------------------------------------------------------------------------

def _valid_checkpoint() -> bytes:
    spec = MLP((2, 3, 2))
    path = WORK / "valid.npz"
    save(path, spec, init(spec.build(), 0), scaling=Scaling([0.0, 1.0], [1.0, 2.0]),
         history=History().then(loss=0.5), epoch=1, dataset="iris")
    return path.read_bytes()


VALID = _valid_checkpoint()
MEMBERS = ["epoch", "n_param", "n_state", "param_0", "param_1", "param_2", "state_0",
           "format", "spec", "history_epochs", "history_loss", "junk"]
ARRAYS = st.one_of(
    st.integers(-2, 3).map(np.array),
    st.sampled_from([np.zeros((3, 2)), np.zeros(3), np.zeros((2, 3)), np.arange(2.0),
                     np.array([1.0]), np.array("catlearn-checkpoint-1"), np.array("{}"),
                     np.array(json.dumps({"model": {"kind": "mlp", "sizes": [2, 3, 2],
                                                    "activation": "relu", "output": None}})),
                     np.array('{"model": {"kind": "mlp", "sizes": [2, -1]}}'),
                     np.array([b"bytes"]), np.array([1 + 2j]), np.array([True])]))


@st.composite
def npz_members(draw) -> bytes:
    """A well-formed archive of plausible members with wrong names, shapes or types."""
    members = draw(st.dictionaries(st.sampled_from(MEMBERS), ARRAYS, max_size=10))
    stream = io.BytesIO()
    np.savez(stream, **members)
    return stream.getvalue()


def _archive_with_pickle() -> bytes:
    stream = io.BytesIO()
    with zipfile.ZipFile(stream, "w") as archive:
        with archive.open("epoch.npy", "w") as member:
            np.lib.format.write_array(member, np.array([{}], dtype=object), allow_pickle=True)
    return stream.getvalue()


@FUZZ
@given(st.one_of(mutated(VALID), npz_members(), st.just(_archive_with_pickle())))
def test_the_checkpoint_loader_ends_in_a_model_or_a_data_error(data):
    try:
        load(written(data, "fuzzed.npz"))  # checkpoints.read, then the model rebuilt
    except DataError as error:
        assert "allow_pickle" not in str(error)


# -- CSV ----------------------------------------------------------------------------------------

@settings(FUZZ, max_examples=3_000)  # a small reader beside the three of the issue
@given(st.lists(st.one_of(st.sampled_from(["1,2", "0.5,-3e2", "# c", "", "nan,1", "1,2,3",
                                           "inf,0", " 4 , 5 "]), st.text(max_size=12)),
                max_size=8))
def test_the_headerless_csv_reader_ends_in_numbers_or_a_data_error(lines):
    from catlearn.data.csv import parse_csv
    try:
        table = parse_csv("\n".join(lines), "fuzzed.csv", header=False).numbers()
    except DataError:
        return
    assert table.ndim == 2 and np.all(np.isfinite(table))


# -- CSV (circuits from data) -------------------------------------------------------------

CSV_PIECES = ["a,b,label", "1,x,yes", "2,y,no", "3.5,x,yes", ",", "a,a", "", "1,2", '"q,1",z,no',
              "1,2,3,4", "nan,x,no", "\ufeffa,b,label"]


@FUZZ
@given(st.lists(st.one_of(st.sampled_from(CSV_PIECES), st.text(max_size=16)), max_size=8),
       st.sampled_from(["a", "b", "label", "missing"]))
def test_the_csv_loader_ends_in_a_table_or_a_data_error(lines, label):
    from catlearn.data.csv import Table, parse_csv
    try:
        table = parse_csv("\n".join(lines), "fuzzed.csv")
        assert isinstance(table, Table) and len(table) >= 1
        assert all(len(row) == len(table.columns) for row in table.rows)
        labels, classes = table.labels(label)
        assert len(labels) == len(table) and len(classes) >= 2
    except DataError:
        pass
