"""Structural Verilog export of a netlist: one ``assign`` (sum of products) per gate.

Names that are legal Verilog identifiers and not keywords are kept; other printable-ASCII
names become escaped identifiers (``\\22 ``, ``\\a[0] ``), which yosys reads back as the
same name that ``load_blif`` gives, so ports match in equivalence checks. Characters outside
printable ASCII are spelled ``_uXXXX_``. An on-set cover becomes ``t1 | t2 | ...``, an
off-set cover ``~(t1 | t2 | ...)``, where each term is an AND of literals.

Latches become registers with their reset value as initial value (``reg q = 1'b0;``) and
``always @(posedge CLOCK) q <= d;`` (``negedge`` for ``fe``).  ``CLOCK`` is the latches'
named clock, or a new input port ``clk`` (``clk_1``, ... if taken) for global-clock latches.

>>> from catlearn.netlist.netlist import Netlist
>>> print(to_verilog(Netlist.from_gates("c", ("1", "b"), "y",
...                                        [("y", "nand", ("1", "b"))])), end="")
module c (\\1 , b, y);
  input \\1 , b;
  output y;
  assign y = ~((\\1  & b));
endmodule
"""

from __future__ import annotations

import re

from catlearn.files import write_atomic
from catlearn.netlist.netlist import Gate, Netlist, NetlistError

_SIMPLE = re.compile(r"[A-Za-z_][A-Za-z0-9_$]*\Z")

# Verilog-2005 and SystemVerilog keywords: escaping a name is always legal, so be generous
_KEYWORDS = frozenset("""
alias always always_comb always_ff always_latch and assert assign assume automatic before
begin bind bins binsof bit break buf bufif0 bufif1 byte case casex casez cell chandle
checker class clocking cmos config const constraint context continue cover covergroup
coverpoint cross deassign default defparam design disable dist do edge else end endcase
endchecker endclass endclocking endconfig endfunction endgenerate endgroup endinterface
endmodule endpackage endprimitive endprogram endproperty endspecify endsequence endtable
endtask enum event eventually expect export extends extern final first_match for force
foreach forever fork forkjoin function generate genvar global highz0 highz1 if iff ifnone
ignore_bins illegal_bins implements implies import incdir include initial inout input
inside instance int integer interconnect interface intersect join join_any join_none
large let liblist library local localparam logic longint macromodule matches medium
modport module nand negedge nettype new nexttime nmos nor noshowcancelled not notif0
notif1 null or output package packed parameter pmos posedge primitive priority program
property protected pull0 pull1 pulldown pullup pulsestyle_ondetect pulsestyle_onevent
pure rand randc randcase randsequence rcmos real realtime ref reg reject_on release repeat
restrict return rnmos rpmos rtran rtranif0 rtranif1 s_always s_eventually s_nexttime
s_until s_until_with scalared sequence shortint shortreal showcancelled signed small soft
solve specify specparam static string strong strong0 strong1 struct super supply0 supply1
sync_accept_on sync_reject_on table tagged task this throughout time timeprecision
timeunit tran tranif0 tranif1 tri tri0 tri1 triand trior trireg type typedef union unique
unique0 unsigned until until_with untyped use uwire var vectored virtual void wait
wait_order wand weak weak0 weak1 while wildcard wire with within wor xnor xor
""".split())


def _spelling(name: str) -> str:
    """The Verilog spelling of one name: itself, or an escaped identifier ending in a space."""
    if _SIMPLE.match(name) and name not in _KEYWORDS:
        return name
    printable = "".join(c if 33 <= ord(c) <= 126 else f"_u{ord(c):04x}_" for c in name)
    return f"\\{printable} "


def verilog_names(netlist: Netlist) -> dict[str, str]:
    """Map every signal (and the module name) to a distinct legal Verilog spelling.

    >>> from catlearn.netlist.netlist import Netlist
    >>> verilog_names(Netlist.from_gates("m", ["a[0]"], ["wire"],
    ...                                  [("wire", "buf", ["a[0]"])]))["wire"]
    '\\\\wire '
    """
    names = list(netlist.inputs) + [latch.output for latch in netlist.latches] \
        + [g.output for g in netlist.gates] + ([_clock(netlist)] if netlist.latches else [])
    spelled: dict[str, str] = {}
    used: set[str] = set()
    for name in names:
        candidate, k = _spelling(name), 1
        while candidate.rstrip().lstrip("\\") in used:
            # only names outside printable ASCII can collide after spelling
            candidate, k = _spelling(f"{name}_{k}"), k + 1
        used.add(candidate.rstrip().lstrip("\\"))
        spelled[name] = candidate
    return spelled


def _clock(netlist: Netlist) -> str:
    """The clock of the latches: their named control, or a fresh port name ``clk``."""
    named = next((latch.control for latch in netlist.latches if latch.control), None)
    if named is not None:
        return named
    taken = set(netlist.inputs) | {g.output for g in netlist.gates} | \
        {latch.output for latch in netlist.latches}
    name, k = "clk", 0
    while name in taken:
        k += 1
        name = f"clk_{k}"
    return name


def _registers(netlist: Netlist, spelled: dict[str, str]) -> list[str]:
    clock = spelled[_clock(netlist)]
    lines = [f"  reg {spelled[latch.output]} = 1'b{latch.init};" for latch in netlist.latches]
    return lines + [f"  always @({'negedge' if latch.kind == 'fe' else 'posedge'} {clock}) "
                    f"{spelled[latch.output]} <= {spelled[latch.input]};"
                    for latch in netlist.latches]


def _expression(g: Gate, spelled: dict[str, str]) -> str:
    terms = []
    for pattern, _ in g.cover:
        literals = [("~" if c == "0" else "") + spelled[s]
                    for c, s in zip(pattern, g.inputs) if c != "-"]
        terms.append("(" + " & ".join(literals) + ")" if literals else "1'b1")
    if not terms:
        return "1'b0"
    sop = " | ".join(terms)
    return f"~({sop})" if g.is_offset else sop


def to_verilog(netlist: Netlist) -> str:
    """Structural Verilog-2005 module of a netlist, readable by yosys ``read_verilog``.

    Raises:
        NetlistError: an output that is also a primary input (Verilog needs distinct ports).

    >>> from catlearn.netlist.netlist import Netlist
    >>> text = to_verilog(Netlist.from_gates("inv", "a", "y", [("y", "not", "a")]))
    >>> "assign y = (~a);" in text
    True
    """
    clash = next((s for s in netlist.outputs if s in set(netlist.inputs)), None)
    if clash is not None:
        raise NetlistError(f"output {clash!r} of {netlist.name!r} is also an input; Verilog "
                           f"ports need distinct names (add a buffer gate)", signal=clash)
    spelled = verilog_names(netlist)
    inputs = netlist.inputs
    if netlist.latches and _clock(netlist) not in inputs:
        inputs = inputs + (_clock(netlist),)
    ports = [spelled[s] for s in inputs + netlist.outputs]
    outputs = set(netlist.outputs)
    wires = [spelled[g.output] for g in netlist.gates if g.output not in outputs]
    lines = [f"module {_spelling(netlist.name)} ({', '.join(ports)});"]
    if inputs:
        lines.append(f"  input {', '.join(spelled[s] for s in inputs)};")
    if netlist.outputs:
        lines.append(f"  output {', '.join(spelled[s] for s in netlist.outputs)};")
    if wires:
        lines.append(f"  wire {', '.join(wires)};")
    lines += _registers(netlist, spelled) if netlist.latches else []
    lines += [f"  assign {spelled[g.output]} = {_expression(g, spelled)};"
              for g in netlist.gates]
    lines.append("endmodule")
    return "\n".join(lines) + "\n"


def save_verilog(netlist: Netlist, path) -> None:
    """Write :func:`to_verilog` of ``netlist`` to ``path`` atomically."""
    write_atomic(path, to_verilog(netlist))
