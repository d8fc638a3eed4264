"""Boolean circuits as netlists: BLIF in and out, Verilog out, bit-parallel evaluation.

A :class:`Netlist` is a combinational circuit of BLIF ``.names`` gates (sum-of-products
covers). It evaluates 64 examples per uint64 word (:func:`pack` / :func:`unpack`), reads
and writes BLIF, exports structural Verilog, and can be proved equal to another circuit
with yosys when it is installed. It depends on nothing of catlearn above the core
(numpy, :mod:`catlearn.packing` and the SVG display): learning lives in
:mod:`catlearn.circuits`, which reads and writes netlists through this package.

>>> from catlearn.netlist import Netlist, from_blif, to_blif
>>> half = Netlist.from_gates("half_adder", ("a", "b"), ("s", "cout"),
...                           [("s", "xor", ("a", "b")), ("cout", "and", ("a", "b"))])
>>> half.truth_table().tolist()
[[0, 0], [1, 0], [1, 0], [0, 1]]
>>> from_blif(to_blif(half)) == half
True
"""

from catlearn.netlist.blif import BlifError, from_blif, load_blif, save_blif, to_blif
from catlearn.netlist.cells import GATE_KINDS, Gate, NetlistError, gate
from catlearn.netlist.netlist import Netlist
from catlearn.packing import n_words, pack, truth_table_inputs, unpack
from catlearn.netlist.verilog import save_verilog, to_verilog, verilog_names
from catlearn.netlist.yosys import YosysError, yosys_available, yosys_equivalent

__all__ = [
    "BlifError", "GATE_KINDS", "Gate", "Netlist", "NetlistError", "YosysError", "gate",
    "n_words", "pack", "from_blif", "load_blif", "save_blif", "truth_table_inputs", "unpack",
    "save_verilog", "to_blif", "to_verilog", "verilog_names", "yosys_available", "yosys_equivalent",
]
