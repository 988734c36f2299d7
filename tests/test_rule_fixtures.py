"""Every folder under fixtures/rules/ is scanned as its own root; findings must match annotations exactly."""

from __future__ import annotations

from pathlib import Path

import pytest

from scanner.config import Config
from scanner.engine import scan
from scanner.rules import REGISTRY

from .annotations import read_annotations

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "rules"
FOLDERS = sorted(p for p in FIXTURES.iterdir() if p.is_dir()) if FIXTURES.is_dir() else []
KNOWN = {r.code for r in REGISTRY}


@pytest.mark.parametrize("folder", FOLDERS, ids=lambda p: p.name)
def test_fixture_folder(folder: Path) -> None:
    result = scan(folder, Config())
    actual = {(f.span.path, f.span.line, f.rule) for f in result.findings}
    notes = read_annotations(folder)
    unknown = sorted({a.code for a in notes} - KNOWN)
    assert not unknown, f"annotations name unknown codes: {unknown}"

    expected = {(a.path, a.line, a.code) for a in notes if a.kind == "expect"}
    forbidden = {(a.path, a.line, a.code) for a in notes if a.kind == "ok"}
    todo_expect = {(a.path, a.line, a.code) for a in notes if a.kind == "todo-expect"}
    todo_ok = {(a.path, a.line, a.code) for a in notes if a.kind == "todo-ok"}

    problems = []
    for item in sorted(expected - actual):
        problems.append("missed:     %s:%d %s" % item)
    for item in sorted(actual - expected - todo_ok):
        kind = "forbidden" if item in forbidden else "unexpected"
        problems.append(f"{kind}: %s:%d %s" % item)
    for item in sorted(todo_expect & actual):
        problems.append("todo-expect now passes, promote to expect: %s:%d %s" % item)
    for item in sorted(todo_ok - actual):
        problems.append("todo-ok now passes, promote to ok: %s:%d %s" % item)
    for d in result.diagnostics:
        problems.append(f"diagnostic: {d}")
    assert not problems, "\n" + "\n".join(problems)


def test_every_rule_has_fixtures() -> None:
    codes_with_expect = set()
    codes_with_ok = set()
    for folder in FOLDERS:
        for a in read_annotations(folder):
            if a.kind == "expect":
                codes_with_expect.add(a.code)
            elif a.kind == "ok":
                codes_with_ok.add(a.code)
    missing = sorted(c for c in KNOWN if c not in codes_with_expect or c not in codes_with_ok)
    assert not missing, f"rules without both expect: and ok: fixtures: {missing}"
