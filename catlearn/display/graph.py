"""Drawing a program of boxes and wires: layered layout in linear time.

A :class:`Graph` is what every catlearn picture is made of: input wires,
boxes (in an order where every wire is made before it is used) and output
wires.  A wire is produced once and read any number of times: reading it
twice is a copy (drawn as a dot where it branches), never reading it a
discard (a stub ending in a dot).  Swaps do not exist here: the layout
orders the wires itself and draws each one as a direct curve.

:func:`layout` places boxes in rows (a foliation): each box goes one row
below the last of its inputs, so independent boxes share a row; a box with
no inputs (a parameter, a constant) sits just above its first reader.  A
wire spanning several rows passes through each as a straight vertical line
between the boxes, and each row is ordered by the barycentre of the wires
coming in, then packed left to right.  Every step is one pass over the
boxes and the rows each wire crosses, so the cost is linear in the size of
the picture.

>>> g = Graph(inputs=(0, 1), nodes=(Node("xor", (0, 1), (2,)), Node("and", (0, 1), (3,))),
...           outputs=(2, 3), labels={0: "a", 1: "b", 2: "s", 3: "c"})
>>> scene = layout(g)
>>> sorted(r.label for r in scene.rects), round(scene.rects[0].y) == round(scene.rects[1].y)
(['and', 'xor'], True)
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from catlearn.display.scene import FONT, SMALL, Curve, Rect, Scene, Text

BOX_H = 26.0  # box height
PITCH = 58.0  # distance between rows
GAP = 14.0  # least horizontal space between neighbours
PORT = 18.0  # least room per port along a box's side
LANE = 8.0  # the width a wire passing through a row takes
MARGIN = 16.0


def text_width(text: str, size: float = FONT) -> float:
    """An estimate of the rendered width of ``text`` (DejaVu Sans averages 0.6 em)."""
    return 0.62 * size * len(text)


@dataclass(frozen=True)
class Node:
    """A box: its label, the wires it reads and those it writes.

    ``kind``: ``box``, ``merge`` (a sum of wires) or ``param`` (a named
    source, drawn as its name above the wire it starts).
    """

    label: str
    ins: tuple
    outs: tuple
    kind: str = "box"

    @property
    def width(self) -> float:
        if self.kind == "param":
            return text_width(self.label, SMALL) + 4
        ports = max(len(self.ins), len(self.outs), 1) * PORT
        return max(text_width(self.label) + 16, ports, 30.0)

    def port(self, k: int, n: int) -> float:
        """The offset of port ``k`` of ``n`` from the box's centre."""
        return (k + 0.5 - n / 2) * self.width / max(n, 1) if n else 0.0


@dataclass(frozen=True)
class Graph:
    """Wires in, boxes, wires out; ``labels`` names wires (unnamed ones are drawn bare)."""

    inputs: tuple
    nodes: tuple
    outputs: tuple
    labels: dict = field(default_factory=dict)


@dataclass
class _Item:
    """One thing in a row: an input or output port, a box, or a wire passing through."""

    kind: str  # "in", "out", "node", "lane"
    width: float
    node: Node | None = None
    wire: object = None
    x: float = 0.0  # centre
    want: float = 0.0


class _Layout:
    def __init__(self, graph: Graph):
        self.graph = graph
        self.rows: list[list[_Item]] = []
        self.made: dict = {}  # wire -> (row, item, port offset)
        self.reads: dict = defaultdict(list)  # wire -> [(row, item, port offset)]
        self.lanes: dict = {}  # (wire, row) -> item
        self.outs = set(graph.outputs)

    def _port_label(self, w) -> str:
        return self.graph.labels.get(w, "")

    def rows_of_nodes(self) -> tuple[list[int], int]:
        """Each node's row: one below its inputs; sources just above their first reader."""
        depth, rows, readers = {w: 0 for w in self.graph.inputs}, [], defaultdict(list)
        for i, node in enumerate(self.graph.nodes):
            r = 1 + max((depth.get(w, 0) for w in node.ins), default=-1)
            rows.append(r)
            for w in node.ins:
                readers[w].append(i)
            for w in node.outs:
                depth[w] = r
        last = max([r + 1 for r in rows] + [1])
        for i, node in enumerate(self.graph.nodes):
            if not node.ins:
                first = [rows[j] for w in node.outs for j in readers[w]]
                rows[i] = min(first, default=last) - 1
        return rows, last

    def build(self) -> None:
        node_rows, last = self.rows_of_nodes()
        self.rows = [[] for _ in range(last + 1)]
        for k, w in enumerate(self.graph.inputs):
            item = _Item("in", max(text_width(self._port_label(w)), PORT), wire=w)
            self.rows[0].append(item)
            self.made[w] = (0, item, 0.0)
        for node, r in zip(self.graph.nodes, node_rows):
            item = _Item("node", node.width, node=node)
            self.rows[r].append(item)
            for k, w in enumerate(node.outs):
                self.made.setdefault(w, (r, item, node.port(k, len(node.outs))))
            for k, w in enumerate(node.ins):
                self.reads[w].append((r, item, node.port(k, len(node.ins))))
        for w in self.graph.outputs:
            item = _Item("out", max(text_width(self._port_label(w)), PORT), wire=w)
            self.rows[last].append(item)
            self.reads[w].append((last, item, 0.0))
        for w, (r, _, _) in self.made.items():
            for row in range(r + 1, max((q for q, _, _ in self.reads[w]), default=r)):
                self.lanes[w, row] = item = _Item("lane", LANE, wire=w)
                self.rows[row].append(item)

    def anchor(self, w, row: int) -> float:
        """Where wire ``w`` leaves row ``row`` going down (its box's port or its lane)."""
        r, item, offset = self.made[w]
        return item.x + offset if r == row else self.lanes[w, row].x

    def place(self) -> None:
        """Row by row: order and pack the wires and boxes with inputs, then put each
        source above the box that reads it, and pack the row again."""
        last = len(self.rows) - 1
        for r, row in enumerate(self.rows):
            fixed = [item for item in row if item.kind != "node" or item.node.ins]
            for k, item in enumerate(fixed):
                item.want = k * (PORT + GAP) if item.kind == "in" else self._want(item, r)
            if r not in (0, last):
                fixed.sort(key=lambda item: item.want)
            _pack(fixed)
            if len(fixed) == len(row):
                row[:] = fixed
                continue
            for item in fixed:
                item.want = item.x
            sources = [item for item in row if item.kind == "node" and not item.node.ins]
            for item in sources:
                item.want = self._want_source(item, r)
            row[:] = sorted(fixed + sources, key=lambda item: item.want)
            _pack(row)

    def _want(self, item: _Item, r: int) -> float:
        if item.kind in ("lane", "out"):
            return self._from(item.wire, r - 1)
        ins, n = item.node.ins, len(item.node.ins)
        return sum(self._from(w, r - 1) - item.node.port(k, n) for k, w in enumerate(ins)) / n

    def _from(self, w, row: int) -> float:
        return self.anchor(w, row) if w in self.made else 0.0

    def _want_source(self, item: _Item, r: int) -> float:
        """A box without inputs sits above the port of its first reader."""
        w = item.node.outs[0] if item.node.outs else None
        reads = [(q, reader, offset) for q, reader, offset in self.reads.get(w, ()) if q == r + 1]
        if not reads:
            return item.want
        _, reader, offset = reads[0]
        if reader.kind != "node":
            return reader.want
        others = [(k, v) for k, v in enumerate(reader.node.ins) if self._placed(v, r)]
        n = len(reader.node.ins)
        centre = (sum(self.anchor(v, r) - reader.node.port(k, n) for k, v in others)
                  / len(others)) if others else 0.0
        return centre + offset

    def _placed(self, w, r: int) -> bool:
        """Whether wire ``w``'s anchor in row ``r`` is placed before the row's sources."""
        if w not in self.made:
            return False
        row, item, _ = self.made[w]
        return row < r or item.kind != "node" or bool(item.node.ins)

    def scene(self) -> Scene:
        rects, curves, dots, texts = [], [], [], []
        for r, row in enumerate(self.rows):
            y = _y(r)
            for item in row:
                _draw_item(item, y, self._port_label(item.wire), rects, texts)
        for w, (r, item, offset) in self.made.items():
            self._wire(w, r, item, offset, curves, dots, texts)
        width = max((i.x + i.width / 2 for row in self.rows for i in row), default=0) + MARGIN
        return Scene(width, _y(len(self.rows) - 1) + BOX_H / 2 + MARGIN, tuple(rects),
                     tuple(curves), tuple(dots), tuple(texts))

    def _wire(self, w, r, item, offset, curves, dots, texts) -> None:
        start = (item.x + offset, _bottom(item, _y(r)))
        reads = self.reads.get(w, [])
        if not reads:
            curves.append(Curve((start, (start[0], start[1] + 10))))
            dots.append((start[0], start[1] + 10))
            return
        label = self.graph.labels.get(w)
        if label and item.kind == "node" and item.node.kind != "param" and w not in self.outs:
            texts.append(Text(start[0] + 3, start[1] + SMALL + 1, label))
        deepest = max(q for q, _, _ in reads)
        trunk = [start]
        for row in range(r + 1, deepest):
            x = self.lanes[w, row].x
            trunk += [(x, _y(row) - BOX_H / 2), (x, _y(row) + BOX_H / 2)]
        if len(trunk) > 1:
            curves.append(Curve(tuple(trunk)))
        branches = defaultdict(int)
        for q, reader, port in reads:
            source = trunk[0] if q == r + 1 else trunk[2 * (q - r - 1)]
            curves.append(Curve((source, (reader.x + port, _top(reader, _y(q))))))
            branches[source] += 1
        for point, n in branches.items():
            if n + (point != trunk[-1]) > 1:
                dots.append(point)


def _y(row: int) -> float:
    return MARGIN + FONT + BOX_H / 2 + row * PITCH


def _bottom(item: _Item, y: float) -> float:
    if item.kind == "in" or (item.node is not None and item.node.kind == "param"):
        return y + 4
    return y + BOX_H / 2


def _top(item: _Item, y: float) -> float:
    return y - FONT if item.kind == "out" else y - BOX_H / 2


def _draw_item(item: _Item, y: float, label: str, rects: list, texts: list) -> None:
    if item.kind in ("in", "out"):
        texts.append(Text(item.x, y if item.kind == "in" else y + 2, label, "port", "middle"))
    elif item.kind == "node" and item.node.kind == "param":
        texts.append(Text(item.x, y, item.node.label, "param", "middle"))
    elif item.kind == "node":
        rects.append(Rect(item.x - item.width / 2, y - BOX_H / 2, item.width, BOX_H,
                          item.node.label, item.node.kind))


def _pack(row: list[_Item]) -> None:
    """Centres as near the wanted ones as the order and the gaps allow (least squares).

    With ``c_i`` the least distance from the first item to item ``i``, the
    centres are ``x_i = b_i + c_i`` for non-decreasing ``b``: the best ``b`` is
    the isotonic regression of ``want_i - c_i``, found by pooling adjacent
    violators in one pass.
    """
    reach, blocks = [], []  # blocks: [sum, count, number of items]
    for k, item in enumerate(row):
        reach.append(reach[-1] + (row[k - 1].width + item.width) / 2 + GAP if k else 0.0)
        blocks.append([item.want - reach[-1], 1])
        while len(blocks) > 1 and blocks[-2][0] * blocks[-1][1] > blocks[-1][0] * blocks[-2][1]:
            total, count = blocks.pop()
            blocks[-1][0] += total
            blocks[-1][1] += count
    k, least = 0, MARGIN
    for total, count in blocks:
        for _ in range(count):
            item = row[k]
            item.x = max(total / count + reach[k], least + item.width / 2)
            least = item.x + item.width / 2 + GAP
            k += 1


def layout(graph: Graph) -> Scene:
    """The scene of ``graph``: boxes in rows, wires as curves, labels on named wires."""
    lay = _Layout(graph)
    lay.build()
    lay.place()
    return lay.scene()
