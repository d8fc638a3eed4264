"""Reading and writing BLIF (Berkeley Logic Interchange Format), with latches.

Supported: one ``.model`` (required, first), any number of ``.inputs`` / ``.outputs`` lines,
``.names`` blocks with their covers (``0``, ``1``, ``-`` patterns; on-set or off-set),
``.latch IN OUT [re|fe CLOCK] INIT`` with a known reset value ``INIT`` (0 or 1; every
latch is clocked by one clock, the cycle of the sequential netlist), an optional ``.end``,
``#`` comments, ``\\`` line continuations and blank lines.  Level-sensitive or
asynchronous latches, unknown reset values and hierarchical constructs (``.subckt``,
``.gate``, ...) are refused.
Signals may be used before they are defined; gates come out in topological order.

Every problem is a :class:`BlifError` whose message starts with ``file:line:``; the parser
never raises anything else, whatever the text, and runs in time linear in the text.

Laws: ``from_blif(to_blif(n)) == n`` for every netlist ``n``.

>>> n = from_blif('''
... .model and2
... .inputs a b
... .outputs y
... .names a b y
... 11 1
... .end
... ''')
>>> n.truth_table().ravel().tolist()
[0, 0, 0, 1]
>>> from_blif(to_blif(n)) == n
True
"""

from __future__ import annotations

from pathlib import Path

from catlearn.files import write_atomic

from catlearn.netlist.netlist import Gate, Latch, Netlist, NetlistError

_UNSUPPORTED = {
    ".mlatch": "library latches need a cell library",
    ".clock": "clocks belong to sequential circuits",
    ".subckt": "sub-circuits make it hierarchical",
    ".search": "included files make it hierarchical",
    ".gate": "library gates need a cell library",
    ".exdc": "external don't-care networks are not read",
}
_KNOWN = ".model, .inputs, .outputs, .names, .latch, .end"
_LATCH_KINDS = {"re": None, "fe": None,
                "ah": "level-sensitive (active high) latches are not supported",
                "al": "level-sensitive (active low) latches are not supported",
                "as": "asynchronous latches are not supported"}


class BlifError(NetlistError):
    """A BLIF text that is not a well-formed netlist; message is ``file:line: ...``.

    >>> str(BlifError("adder.blif", 3, "something is wrong"))
    'adder.blif:3: something is wrong'
    """

    def __init__(self, filename: str, line: int, detail: str, signal: str | None = None):
        super().__init__(detail, signal, line, filename)


def _logical_lines(text: str):
    """Yield ``(first physical line number, tokens)``; comments dropped, continuations joined."""
    parts: list[str] = []
    start = 1
    for number, raw in enumerate(text.split("\n"), 1):
        body = raw.split("#", 1)[0].rstrip()
        if not parts:
            start = number
        if body.endswith("\\"):
            parts.append(body[:-1])
            continue
        parts.append(body)
        tokens = " ".join(parts).split()
        parts = []
        if tokens:
            yield start, tokens
    tokens = " ".join(parts).split()
    if tokens:
        yield start, tokens


class _Parser:
    """State of one pass over the logical lines of a BLIF text."""

    def __init__(self, filename: str):
        self.filename = filename
        self.model: tuple[str, int] | None = None
        self.inputs: list[str] = []
        self.outputs: list[str] = []
        self.defined: dict[str, int] = {}
        self.declared: dict[str, int] = {}
        self.gates: list[Gate] = []
        self.latches: list[Latch] = []
        self.current: tuple[str, tuple[str, ...], list, int] | None = None
        self.ended: int | None = None

    def error(self, line: int, detail: str, signal: str | None = None) -> BlifError:
        return BlifError(self.filename, line, detail, signal)

    def feed(self, line: int, tokens: list[str]) -> None:
        head = tokens[0]
        if self.ended is not None:
            raise self.error(line, f"text after .end (line {self.ended}); only one model "
                                   f"per file is supported")
        if not head.startswith("."):
            if self.model is None:
                raise self.error(line, f"expected '.model NAME' before {head!r}")
            if self.current is None:
                raise self.error(line, f"unexpected {head!r}: cover rows belong under a "
                                       f".names line, other lines start with a directive")
            self._row(line, tokens)
            return
        self._close_gate()
        if head not in self.DIRECTIVES:
            reason = _UNSUPPORTED.get(head)
            raise self.error(line, f"{head} is not supported: catlearn reads only flat "
                                   f"BLIF ({reason})" if reason else
                                   f"unknown directive {head!r}; expected one of {_KNOWN}")
        if self.model is None and head != ".model":
            raise self.error(line, f"expected '.model NAME' before {head}")
        self.DIRECTIVES[head](self, line, tokens[1:])

    def _model(self, line: int, args: list[str]) -> None:
        if self.model is not None:
            raise self.error(line, f"second .model (the first is on line {self.model[1]}); "
                                   f"only one model per file is supported")
        if len(args) != 1:
            raise self.error(line, f".model takes exactly one name, got {len(args)}")
        self.model = (args[0], line)

    def _define(self, name: str, line: int) -> None:
        if name in self.defined:
            raise self.error(line, f"signal {name!r} is defined twice (first on line "
                                   f"{self.defined[name]})", name)
        self.defined[name] = line

    def _inputs(self, line: int, args: list[str]) -> None:
        for name in args:
            self._define(name, line)
            self.inputs.append(name)

    def _outputs(self, line: int, args: list[str]) -> None:
        for name in args:
            if name in self.declared:
                raise self.error(line, f"output {name!r} is listed twice (first on line "
                                       f"{self.declared[name]})", name)
            self.declared[name] = line
            self.outputs.append(name)

    def _names(self, line: int, args: list[str]) -> None:
        if not args:
            raise self.error(line, ".names needs its input signals and an output signal")
        self._define(args[-1], line)
        self.current = (args[-1], tuple(args[:-1]), [], line)

    def _latch(self, line: int, args: list[str]) -> None:
        if len(args) not in (3, 5):
            raise self.error(line, f".latch takes 'IN OUT INIT' or 'IN OUT TYPE CLOCK INIT' "
                                   f"(a known reset value 0 or 1 is required), got "
                                   f"{' '.join(args)!r}")
        kind, control = (args[2], args[3]) if len(args) == 5 else (None, None)
        if kind is not None and kind not in _LATCH_KINDS:
            raise self.error(line, f"unknown latch type {kind!r}; expected re or fe "
                                   f"(ah, al, as are recognised but not supported)")
        if kind is not None and _LATCH_KINDS[kind]:
            raise self.error(line, f"latch {args[1]!r}: {_LATCH_KINDS[kind]}; catlearn reads "
                                   f"edge-triggered latches (re, fe) on one clock")
        if args[-1] not in ("0", "1"):
            raise self.error(line, f"latch {args[1]!r} has reset value {args[-1]!r}; catlearn "
                                   f"needs a known reset value, 0 or 1", args[1])
        self._define(args[1], line)
        try:
            self.latches.append(Latch(args[0], args[1], int(args[-1]), kind, control, line))
        except NetlistError as error:
            raise self.error(line, error.detail, args[1]) from None

    def _end(self, line: int, args: list[str]) -> None:
        if args:
            raise self.error(line, f".end takes no arguments, got {' '.join(args)!r}")
        self.ended = line

    DIRECTIVES = {".model": _model, ".inputs": _inputs, ".outputs": _outputs,
                  ".names": _names, ".latch": _latch, ".end": _end}

    def _row(self, line: int, tokens: list[str]) -> None:
        output, inputs, rows, _ = self.current
        n = len(inputs)
        if len(tokens) != (2 if n else 1):
            shape = (f"an input pattern of {n} characters and an output value" if n
                     else "a single output value (this .names has no inputs)")
            raise self.error(line, f"cover row of {output!r} should be {shape}, "
                                   f"got {' '.join(tokens)!r}", output)
        pattern, value = tokens if n else ("", tokens[0])
        if len(pattern) != n:
            raise self.error(line, f"cover row {pattern!r} has {len(pattern)} columns but "
                                   f".names {output!r} has {n} inputs", output)
        bad = next((c for c in pattern if c not in "01-"), None)
        if bad is not None:
            raise self.error(line, f"bad character {bad!r} in cover row {pattern!r}: "
                                   f"use 0, 1 or -", output)
        if value not in ("0", "1"):
            raise self.error(line, f"output value {value!r} of a cover row must be 0 or 1",
                             output)
        if rows and rows[0][1] != value:
            raise self.error(line, f"cover of {output!r} mixes rows with output "
                                   f"{rows[0][1]} and {value}; use one or the other", output)
        rows.append((pattern, value))

    def _close_gate(self) -> None:
        if self.current is not None:
            output, inputs, rows, line = self.current
            self.current = None
            try:
                self.gates.append(Gate(output, inputs, tuple(rows), line))
            except NetlistError as error:
                raise self.error(line, error.detail, output) from None

    def finish(self) -> Netlist:
        self._close_gate()
        if self.model is None:
            raise self.error(1, "no '.model NAME' line: a BLIF file starts with .model")
        name, model_line = self.model
        try:
            return Netlist(name, tuple(self.inputs), tuple(self.outputs), tuple(self.gates),
                           source=self.filename, latches=tuple(self.latches))
        except NetlistError as error:
            line = error.line or self.declared.get(error.signal) \
                or self.defined.get(error.signal) or model_line
            raise self.error(line, error.detail, error.signal) from None


def from_blif(text: str, filename: str = "<string>") -> Netlist:
    """Parse a BLIF text (combinational, or sequential with latches) into a :class:`Netlist`.

    Args:
        text: the BLIF source.
        filename: used in error messages (``filename:line: ...``).

    Raises:
        BlifError: any malformed, sequential or hierarchical input.

    >>> from_blif(".model c\\n.outputs one\\n.names one\\n1\\n").truth_table().tolist()
    [[1]]
    """
    parser = _Parser(filename)
    for line, tokens in _logical_lines(text):
        parser.feed(line, tokens)
    return parser.finish()


def load_blif(path) -> Netlist:
    """Read a BLIF file (UTF-8) into a :class:`Netlist`; errors name the file and line.

    >>> import tempfile, os
    >>> path = os.path.join(tempfile.mkdtemp(), "buf.blif")
    >>> save_blif(Netlist.from_gates("buf", "a", "y", [("y", "buf", "a")]), path)
    >>> load_blif(path).name
    'buf'
    """
    data = Path(path).read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[:error.start].count(b"\n") + 1
        raise BlifError(str(path), line, f"not UTF-8 text (byte {data[error.start]:#04x} "
                                         f"at offset {error.start})") from None
    return from_blif(text, str(path))


def _wrapped(head: str, names, width: int = 78) -> list[str]:
    """``head name name ...`` split into continuation lines of at most ``width`` characters."""
    lines, current, count = [], head, 0
    for name in names:
        if count and len(current) + 1 + len(name) > width - 2:
            lines.append(current + " \\")
            current, count = "", 0
        current, count = f"{current} {name}", count + 1
    return lines + [current]


def to_blif(netlist: Netlist, comment: str = "") -> str:
    """BLIF text of a netlist: ``.model``, ``.inputs``, ``.outputs``, one ``.names`` per gate.

    Args:
        netlist: the circuit.
        comment: optional text written first, each of its lines as a ``#`` comment.

    >>> print(to_blif(Netlist.from_gates("inv", "a", "y", [("y", "not", "a")])), end="")
    .model inv
    .inputs a
    .outputs y
    .names a y
    0 1
    .end
    """
    lines = [f"# {text}".rstrip() for text in comment.splitlines()]
    lines.append(f".model {netlist.name}")
    lines += _wrapped(".inputs", netlist.inputs)
    lines += _wrapped(".outputs", netlist.outputs)
    lines += [" ".join([".latch", latch.input, latch.output]
                       + ([latch.kind, latch.control] if latch.kind else []) + [str(latch.init)])
              for latch in netlist.latches]
    for g in netlist.gates:
        lines += _wrapped(".names", g.inputs + (g.output,))
        lines += [f"{pattern} {value}" if g.inputs else value for pattern, value in g.cover]
    lines.append(".end")
    return "\n".join(lines) + "\n"


def save_blif(netlist: Netlist, path, comment: str = "") -> None:
    """Write a netlist to ``path`` atomically (temporary file, then ``os.replace``).

    ``comment`` is written first as ``#`` lines, as in :func:`to_blif`.

    >>> import tempfile, os
    >>> path = os.path.join(tempfile.mkdtemp(), "inv.blif")
    >>> save_blif(Netlist.from_gates("inv", "a", "y", [("y", "not", "a")]), path)
    >>> open(path).readline()
    '.model inv\\n'
    """
    write_atomic(path, to_blif(netlist, comment))
