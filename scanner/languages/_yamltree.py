"""YAML to a bounded node graph with positions, for the compose and YAML frontends.

PyYAML's own composer recurses once per nesting level (deep input overflows the stack) and its
constructor expands aliases (a "billion laughs" document explodes). Here the parser's events
(libyaml when present, an iterative state machine either way) are assembled into nodes with an
explicit stack: nesting depth and node count are capped, and an alias is the anchored node itself,
never a copy. The graph may share nodes and even hold cycles (``&a [*a]``), so walkers keep a
visited set. Tags are not resolved: a scalar is the text as written, which is what a config
scanner wants (``on:`` stays ``"on"``, ``5432`` stays ``"5432"``).
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from typing import Iterator

import yaml

MAX_DEPTH = 200
MAX_NODES = 400_000  # events; a 1 MiB file of one-character scalars stays under this
MAX_ALIASES = 10_000
MAX_MERGE_DEPTH = 64  # merge keys chained deeper than this contribute nothing

_Loader = getattr(yaml, "CSafeLoader", None) or yaml.SafeLoader
_EMPTY: list = []  # shared by nodes that cannot hold children; never appended to
_NULLS = frozenset({"", "~", "null", "Null", "NULL"})


class Node:
    """A scalar (``value`` is str), mapping (``pairs``) or sequence (``items``). Positions are 1-based.

    ``end_line``/``end_column`` are exclusive; ``style`` is "" (plain), "'", '"', "|" or ">" for
    scalars and "" or "flow" for collections. ``merged`` caches ``mapping_items``.
    """

    __slots__ = ("kind", "line", "column", "end_line", "end_column", "value", "style", "pairs",
                 "items", "merged")

    def __init__(self, kind: str, line: int, column: int, end_line: int = 0, end_column: int = 0,
                 value: str = "", style: str = "") -> None:
        self.kind = kind
        self.line = line
        self.column = column
        self.end_line = end_line
        self.end_column = end_column
        self.value = value
        self.style = style
        self.pairs: list[tuple[Node, Node]] = [] if kind == "map" else _EMPTY
        self.items: list[Node] = [] if kind == "seq" else _EMPTY
        self.merged: list[tuple[str, Node, Node]] | None = None

    def __repr__(self) -> str:
        return f"Node({self.kind}, {self.line}:{self.column}, {self.value!r})"

    @property
    def is_null(self) -> bool:
        return self.kind == "scalar" and self.style == "" and self.value in _NULLS

    def text(self) -> str | None:
        """The scalar's text; None for a null or a collection."""
        if self.kind != "scalar" or self.is_null:
            return None
        return self.value


@dataclass
class Tree:
    documents: list[Node] = field(default_factory=list)
    diagnostics: list[tuple[str, str]] = field(default_factory=list)


class _Where:
    """(line, column) of a parser mark, 1-based, counting only LF as a line end.

    YAML 1.1 (PyYAML, libyaml) also ends lines at U+0085, U+2028 and U+2029; every other part of
    envmatrix, SARIF and editors do not, so where one occurs the position comes from the mark's
    character offset instead of its line."""

    def __init__(self, text: str) -> None:
        self.starts = None
        if any(c in text for c in "\x85\u2028\u2029"):
            self.starts = [0] + [i + 1 for i, c in enumerate(text) if c == "\n"]

    def __call__(self, mark) -> tuple[int, int]:
        if self.starts is None:
            return mark.line + 1, mark.column + 1
        k = bisect.bisect_right(self.starts, mark.index) - 1
        return k + 1, mark.index - self.starts[k] + 1


def load(text: str, *, max_depth: int = MAX_DEPTH, max_nodes: int = MAX_NODES) -> Tree:
    """Every document that could be read; a parse error or a cap ends reading with a diagnostic."""
    tree = Tree()
    where = _Where(text)
    stack: list[Node] = []
    pending: list[Node | None] = []  # per open mapping: the key waiting for its value
    anchors: dict[str, Node] = {}
    root: Node | None = None
    count = aliases = 0

    def add(node: Node) -> None:
        nonlocal root
        if not stack:
            root = node
            return
        top = stack[-1]
        if top.kind == "seq":
            top.items.append(node)
        elif pending[-1] is None:
            pending[-1] = node
        else:
            top.pairs.append((pending[-1], node))
            pending[-1] = None

    try:
        for ev in yaml.parse(text, Loader=_Loader):
            count += 1
            if count > max_nodes:
                tree.diagnostics.append(("yaml-too-large", f"stopped reading after {max_nodes} YAML nodes"))
                break
            kind = type(ev)
            if kind is yaml.ScalarEvent:
                node = Node("scalar", *where(ev.start_mark), *where(ev.end_mark),
                            ev.value, ev.style or "")
                if ev.anchor:
                    anchors[ev.anchor] = node
                add(node)
            elif kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
                if len(stack) >= max_depth:
                    tree.diagnostics.append(("yaml-too-deep", f"stopped reading at nesting depth {max_depth}"))
                    break
                node = Node("map" if kind is yaml.MappingStartEvent else "seq", *where(ev.start_mark),
                            style="flow" if ev.flow_style else "")
                if ev.anchor:
                    anchors[ev.anchor] = node
                add(node)
                stack.append(node)
                pending.append(None)
            elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
                node = stack.pop()
                pending.pop()
                node.end_line, node.end_column = where(ev.end_mark)
            elif kind is yaml.AliasEvent:
                aliases += 1
                if aliases > MAX_ALIASES:
                    tree.diagnostics.append(("yaml-too-many-aliases", f"stopped reading after {MAX_ALIASES} aliases"))
                    break
                target = anchors.get(ev.anchor)
                if target is None:  # libyaml reports this itself; be safe with the pure parser
                    target = Node("scalar", *where(ev.start_mark), *where(ev.end_mark))
                add(target)
            elif kind is yaml.DocumentStartEvent:
                stack, pending, anchors, root = [], [], {}, None
            elif kind is yaml.DocumentEndEvent:
                if root is not None:
                    tree.documents.append(root)
                root = None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f" at line {where(mark)[0]}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        tree.diagnostics.append(("parse-error", f"YAML could not be parsed{at}: {problem}"))
    if root is not None:  # the document that was being read when reading stopped
        tree.documents.append(root)
    return tree


def mapping_items(node: Node | None, _depth: int = 0) -> list[tuple[str, Node, Node]]:
    """``(key, key_node, value_node)`` with ``<<`` merge keys applied; later keys win, as in YAML.

    Computed once per node and kept on it, so shared and chained merges cost their size once;
    a merge cycle (``&a {<<: *a}``) contributes nothing the second time round.
    """
    if node is None or node.kind != "map" or _depth > MAX_MERGE_DEPTH:
        return []
    if node.merged is None:
        node.merged = []  # in progress: a cycle back here sees nothing
        merged: dict[str, tuple[str, Node, Node]] = {}
        own: dict[str, tuple[str, Node, Node]] = {}
        for key, value in node.pairs:
            if key.kind != "scalar":
                continue
            if key.value == "<<" and key.style == "":
                sources = value.items if value.kind == "seq" else [value]
                for src in {id(s): s for s in sources}.values():
                    for item in mapping_items(src, _depth + 1):
                        merged.setdefault(item[0], item)
                continue
            own.pop(key.value, None)
            own[key.value] = (key.value, key, value)
        merged.update(own)
        node.merged = list(merged.values())
    return node.merged


def get(node: Node | None, key: str) -> Node | None:
    """The value under ``key`` in a mapping (merges applied); None when absent or not a mapping."""
    for name, _, value in mapping_items(node):
        if name == key:
            return value
    return None


def walk(node: Node | None) -> Iterator[Node]:
    """Every node reachable from ``node`` once, depth first, keys before values."""
    if node is None:
        return
    seen: set[int] = set()
    todo = [node]
    while todo:
        n = todo.pop()
        if id(n) in seen:
            continue
        seen.add(id(n))
        yield n
        if n.kind == "map":
            for k, v in reversed(n.pairs):
                todo.append(v)
                todo.append(k)
        elif n.kind == "seq":
            todo.extend(reversed(n.items))


def value_offset(node: Node, lines: list[str]) -> int | None:
    """Column (1-based) where the scalar's text starts, when the text appears verbatim on one line.

    Plain and simply quoted one-line scalars map offsets in ``value`` to columns exactly; folded,
    escaped or multi-line ones do not, and give None (callers fall back to the node's start).
    """
    if node.kind != "scalar" or node.line != node.end_line or node.line > len(lines):
        return None
    raw = lines[node.line - 1][node.column - 1:node.end_column - 1]
    if node.style == "" and raw == node.value:
        return node.column
    if node.style in {"'", '"'} and raw[1:-1] == node.value:
        return node.column + 1
    return None
