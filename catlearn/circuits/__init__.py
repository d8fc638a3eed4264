"""Boolean circuits as netlists: BLIF in and out, Verilog out, bit-parallel evaluation.

A :class:`Netlist` is a combinational circuit of BLIF ``.names`` gates (sum-of-products
covers). It evaluates 64 examples per uint64 word (:func:`pack` / :func:`unpack`), reads
and writes BLIF, exports structural Verilog, and can be proved equal to another circuit
with yosys when it is installed. Independent of the rest of catlearn (numpy only).

>>> from catlearn.circuits import Netlist, parse_blif, write_blif
>>> half = Netlist.from_gates("half_adder", ("a", "b"), ("s", "cout"),
...                           [("s", "xor", ("a", "b")), ("cout", "and", ("a", "b"))])
>>> half.truth_table().tolist()
[[0, 0], [1, 0], [1, 0], [0, 1]]
>>> parse_blif(write_blif(half)) == half
True
"""

from catlearn.circuits.blif import BlifError, parse_blif, read_blif, save_blif, write_blif
from catlearn.circuits.cells import GATE_KINDS, Gate, NetlistError, gate
from catlearn.circuits.netlist import Netlist
from catlearn.packing import n_words, pack, truth_table_inputs, unpack
from catlearn.circuits.verilog import verilog_names, write_verilog
from catlearn.circuits.yosys import YosysError, yosys_available, yosys_equivalent

__all__ = [
    "BlifError", "GATE_KINDS", "Gate", "Netlist", "NetlistError", "YosysError", "gate",
    "n_words", "pack", "parse_blif", "read_blif", "save_blif", "truth_table_inputs", "unpack",
    "verilog_names", "write_blif", "write_verilog", "yosys_available", "yosys_equivalent",
]
