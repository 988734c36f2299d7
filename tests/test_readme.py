"""README tells the truth: the rule table is the registry's, the first commands are the two that matter."""

from __future__ import annotations

from pathlib import Path

from scanner.cli import rules_table

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def test_rule_table_is_generated_from_registry() -> None:
    start = README.index("<!-- rules-table:start -->") + len("<!-- rules-table:start -->")
    end = README.index("<!-- rules-table:end -->")
    assert README[start:end].strip() == rules_table().strip(), "regenerate with `envmatrix rules --format markdown`"


def test_readme_opens_with_install_and_test_commands() -> None:
    block = README.split("```sh", 1)[1].split("```", 1)[0].strip().splitlines()
    assert block[0] == "pip install . && envmatrix scan fixtures/growqr-backend"
    assert block[1] == "pip install '.[test]' && python -m pytest -q"


def test_ci_runs_readme_test_command() -> None:
    ci = (Path(__file__).resolve().parent.parent / ".ci" / "run").read_text(encoding="utf-8")
    assert "python -m pytest -q" in ci
