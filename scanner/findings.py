"""What a scan found: levels, rules, hits, findings and diagnostics.

A rule yields ``Hit``s (a span, a message, the evidence that identifies it). The engine stamps the
rule's code, name, category and level onto each hit to make a ``Finding``, so that those are
written once, in the rule's ``RULE``. ``Diagnostic``s are about the scan itself (a file skipped, a
parse that failed), never about the scanned code.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Iterator

from .levels import Level

if TYPE_CHECKING:
    from .facts import Span
    from .project import Project

__all__ = ["CATEGORIES", "Diagnostic", "Finding", "Hit", "Level", "Rule"]


CATEGORIES = ("LOCALHOST_URL", "IMAGE_TAG", "DEV_CREDENTIAL", "ENV_BRANCH", "DEMO_ROUTE", "META")


@dataclass(frozen=True, slots=True)
class Hit:
    """One occurrence a rule found.

    ``evidence`` is the normalised matched text that identifies the hit for fingerprints; it may
    be a secret and is therefore never printed. ``secrets`` lists substrings every output must
    mask (snippets included). ``level`` overrides the rule's level for this hit when set.
    """

    span: Span
    message: str
    evidence: str
    secrets: tuple[str, ...] = ()
    level: Level | None = None


@dataclass(frozen=True, slots=True)
class Rule:
    """A rule: its identity, default level, documentation and check function."""

    code: str
    name: str
    level: Level
    category: str
    doc: str
    check: Callable[["Project"], Iterator[Hit]]
    precision: str = "high"  # SARIF property: very-high, high, medium, low
    tags: tuple[str, ...] = ()

    @property
    def summary(self) -> str:
        """The first line of the docstring after ``CODE name:``."""
        first = self.doc.strip().splitlines()[0]
        return first.split(":", 1)[1].strip() if ":" in first else first


@dataclass(frozen=True, slots=True)
class Finding:
    """A hit with its rule stamped on, filtered and ready to report."""

    rule: str
    name: str
    category: str
    level: Level
    span: Span
    message: str
    fingerprint: str
    role: str = "source"
    secrets: tuple[str, ...] = ()

    def sort_key(self) -> tuple:
        s = self.span
        return (s.path, s.line, s.column, self.rule, s.end_line, s.end_column, self.message)


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """Something about the scan itself: a file skipped or partly read, a rule that failed.

    ``path`` is root-relative (None for scan-wide diagnostics); ``code`` is a short stable slug
    (``binary``, ``too-large``, ``decode-error``, ``parse-error``, ``symlink-outside-root``, …).
    """

    path: str | None
    code: str
    message: str
    level: str = "warning"  # "note", "warning" or "error" (SARIF notification level)

    def sort_key(self) -> tuple[str, str, str]:
        return (self.path or "", self.code, self.message)

    def __str__(self) -> str:
        where = f"{self.path}: " if self.path else ""
        return f"{where}{self.code}: {self.message}"
