"""Helpers more than one rule uses."""

from __future__ import annotations

import bisect
from typing import Iterator

from ..facts import EnvAssignment, EnvRead
from ..project import Project


def extra_hosts(project: Project) -> frozenset[str]:
    """Internal host names the user declared local (``extra-local-hosts``)."""
    return project.extra_local_hosts


class ReadSpans:
    """Where env reads with a default sit, to tell when an assignment's default is a read's.

    Compose gives ``X: ${X:-d}`` both an ``EnvRead`` (the shell variable, default ``d``) and an
    interpolated ``EnvAssignment`` (the container variable, value ``d``). A rule that judges
    defaults reports the read and skips the assignment that contains it.
    """

    def __init__(self, project: Project) -> None:
        self._by_path: dict[str, list[tuple[int, int, int, int]]] = {}
        for read in project.facts(EnvRead):
            if read.default is not None:
                s = read.span
                self._by_path.setdefault(s.path, []).append((s.line, s.column, s.end_line, s.end_column))
        for spans in self._by_path.values():
            spans.sort()

    def covers(self, assign: EnvAssignment) -> bool:
        """True when a read with a default lies inside the assignment's span."""
        spans = self._by_path.get(assign.span.path)
        if not spans:
            return False
        s = assign.span
        i = bisect.bisect_left(spans, (s.line, s.column, 0, 0))
        while i < len(spans) and (spans[i][0], spans[i][1]) <= (s.end_line, s.end_column):
            if (spans[i][2], spans[i][3]) <= (s.end_line, s.end_column):
                return True
            i += 1
        return False


def defaulted_assignments(project: Project) -> Iterator[EnvAssignment]:
    """Interpolated assignments with a value, less those whose default a read already carries."""
    reads = ReadSpans(project)
    for assign in project.facts(EnvAssignment):
        if assign.interpolated and assign.value is not None and not reads.covers(assign):
            yield assign
