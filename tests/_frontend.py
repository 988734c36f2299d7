"""Helpers for frontend tests: run one frontend over a source string and summarise its facts."""

from __future__ import annotations

import textwrap

from scanner.facts import EnvAssignment, EnvRead, Hotspot, ImageRef, Literal
from scanner.languages import ExtractOptions, extract_text


def run(kind: str, source: str, path: str):
    """Extract; a source that starts with a newline is an indented block and is dedented first."""
    if source.startswith("\n"):
        source = textwrap.dedent(source[1:])
    return extract_text(path, source, ExtractOptions(kind))


def brief(fact) -> tuple:
    """A fact as a short tuple: the kind, its line, then the fields a test cares about."""
    line = fact.span.line
    if isinstance(fact, ImageRef):
        return ("image", line, fact.image, fact.tag, fact.digest, fact.source)
    if isinstance(fact, EnvAssignment):
        return ("set", line, fact.name, fact.value, fact.environment, fact.interpolated)
    if isinstance(fact, EnvRead):
        return ("read", line, fact.name, fact.default, fact.required)
    if isinstance(fact, Literal):
        return ("literal", line, fact.value, fact.context, fact.target)
    if isinstance(fact, Hotspot):
        return ("hotspot", line, fact.value, fact.kind)
    return (type(fact).__name__, line)


def facts(kind: str, source: str, path: str, only: type | None = None) -> list[tuple]:
    result = run(kind, source, path)
    return [brief(f) for f in result.facts if only is None or isinstance(f, only)]
