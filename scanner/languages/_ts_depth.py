"""Where a tree-sitter tree nests too deep to judge, and which nodes touch those places.

tree-sitter parses 20,000-deep brackets, or a 20,000-term ``a ?? b ?? …`` chain, in tens of
milliseconds and without recursion. The frontend's judging is another matter: ``Node.parent``
walks down from the root (so each call costs the node's depth), a read climbs up to 64 parents,
and a branch walks its arms, which in nested branches hold all the branches below. On such a
tree that work grows with the square of the depth: minutes, and in one process the per-file
time budget can only stop it between two of those calls. The query cursor itself goes
quadratic past 65,535 levels.

``deep_regions`` finds the subtrees that start at ``MAX_DEPTH`` levels below the root and go
deeper. The frontend drops every capture that touches one (a node inside it, or an ancestor of
it, such as the statement it belongs to), so everything it still judges is at most ``MAX_DEPTH``
deep and holds nothing deeper; the rest of the file keeps its facts, and the file gets a
``js-too-deep`` diagnostic. ``cursor`` gives query cursors that do not walk below the limit.
Real code stays far below it: across 7,400 files of two large TypeScript monorepos the deepest
tree was 77 levels. (Decision 013.)
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass

#: Levels of tree-sitter nodes (named and anonymous) below the root that are judged. About 250
#: chained ``else if``, or 500 terms of one ``a + b + …`` expression.
MAX_DEPTH = 500


@dataclass(frozen=True, slots=True)
class Deep:
    """The byte ranges of subtrees rooted at ``MAX_DEPTH``, disjoint and in document order."""

    starts: tuple[int, ...]
    ends: tuple[int, ...]
    lines: tuple[int, int]  # 1-based: where the first starts, where the last ends

    def touches(self, node) -> bool:
        """The node lies in a deep subtree or contains one."""
        return self.touches_span(node.start_byte, node.end_byte)

    def touches_span(self, start: int, end: int) -> bool:
        """The bytes ``start:end`` lie in a deep subtree or hold one."""
        i = bisect_right(self.starts, max(end - 1, start)) - 1  # the last region starting before the span ends
        return i >= 0 and self.ends[i] > start

    def inside(self, node) -> bool:
        """The node lies within a deep subtree (a walk down the tree should not enter it)."""
        start, end = node.start_byte, node.end_byte
        i = bisect_right(self.starts, start) - 1
        return i >= 0 and self.ends[i] >= end and self.ends[i] > start

    def message(self) -> str:
        first, last = self.lines
        where = f"line {first}" if first == last else f"lines {first}-{last}"
        return f"read in part: syntax nested deeper than {MAX_DEPTH} levels ({where}) was not judged; facts elsewhere were kept"


def cursor(query):
    """A query cursor that starts no match below ``MAX_DEPTH`` levels, and so does not walk there:
    what lies deeper is not judged anyway, and past 65,535 levels tree-sitter's query cursor (its
    states keep depths in 16 bits) goes quadratic: 75 s for an 80,000-term ``??`` chain."""
    from tree_sitter import QueryCursor

    c = QueryCursor(query)
    c.set_max_start_depth(MAX_DEPTH)
    return c


def deep_regions(root, limit: int = MAX_DEPTH) -> Deep | None:
    """The subtrees rooted ``limit`` levels below ``root`` that have children, or None.

    A subtree of n nodes is at most n levels deep, so a node whose depth plus descendant count
    stays within the limit is not entered: the walk visits the few big nodes of a file (and the
    spine of a deep one), not every node. Most files stop at the first test.
    """
    if root.descendant_count <= limit + 1:
        return None
    starts: list[int] = []
    ends: list[int] = []
    first = last = 0
    stack = [(root, 0)]
    while stack:
        node, depth = stack.pop()
        if depth + node.descendant_count - 1 <= limit:
            continue
        if depth == limit:
            if not starts:
                first = node.start_point[0] + 1
            last = node.end_point[0] + 1
            starts.append(node.start_byte)
            ends.append(node.end_byte)
            continue
        stack.extend((child, depth + 1) for child in reversed(node.children))
    return Deep(tuple(starts), tuple(ends), (first, last)) if starts else None
