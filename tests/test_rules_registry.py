"""The registry: sorted, unique codes, documented rules."""

from __future__ import annotations

import re

import pytest

from scanner.findings import CATEGORIES
from scanner.rules import REGISTRY

SECTIONS = ("## What it finds", "## Why it matters", "## Example", "## Fix")


def test_registry_sorted_and_unique() -> None:
    codes = [r.code for r in REGISTRY]
    assert codes == sorted(codes)
    assert len(codes) == len(set(codes))
    names = [r.name for r in REGISTRY]
    assert len(names) == len(set(names))


@pytest.mark.parametrize("rule", REGISTRY, ids=lambda r: r.code)
def test_rule_is_documented(rule) -> None:
    assert re.fullmatch(r"[A-Z]+\d{3}", rule.code)
    assert rule.category in CATEGORIES
    first = rule.doc.strip().splitlines()[0]
    assert first.startswith(f"{rule.code} {rule.name}: "), first
    for section in SECTIONS:
        assert section in rule.doc, f"{rule.code} lacks {section}"


@pytest.mark.parametrize("rule", REGISTRY, ids=lambda r: r.code)
def test_rule_module_named_after_code(rule) -> None:
    module = rule.check.__module__.rsplit(".", 1)[-1]
    assert module.startswith(rule.code.lower() + "_"), module
    assert module == f"{rule.code.lower()}_{rule.name.replace('-', '_')}"
