"""The command line: exit codes, stdout/stderr split, rule docs."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from scanner import __version__
from scanner.cli import cli

ROOT = Path(__file__).resolve().parent.parent
GROWQR = str(ROOT / "fixtures" / "growqr-backend")


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_version() -> None:
    result = run("--version")
    assert result.exit_code == 0
    assert __version__ in result.output


def test_scan_text_exits_1_with_findings() -> None:
    result = run("scan", GROWQR, "--no-color")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert any(line.startswith("src/config.ts:") and " URL001 " in line for line in lines)
    assert lines[-1].startswith("Found ")


def test_fail_level_error_and_select() -> None:
    result = run("scan", GROWQR, "--select", "URL", "--fail-level", "error")
    assert result.exit_code == 0
    assert all(" URL0" in line for line in result.stdout.splitlines()[:-1])


def test_min_level_hides_lower_findings() -> None:
    result = run("scan", GROWQR, "--min-level", "error", "--format", "json")
    doc = json.loads(result.stdout)
    assert doc["findings"] and all(f["level"] == "error" for f in doc["findings"])


def test_json_is_deterministic() -> None:
    first = run("scan", GROWQR, "--format", "json").stdout
    second = run("scan", GROWQR, "--format", "json").stdout
    assert first == second
    doc = json.loads(first)
    assert doc["version"] == 1 and doc["root"] == "."
    assert {"rule", "category", "level", "path", "line", "column", "end_line", "end_column", "message",
            "fingerprint"} <= set(doc["findings"][0])


def test_unknown_select_code_is_usage_error() -> None:
    result = run("scan", GROWQR, "--select", "NOPE999")
    assert result.exit_code == 2
    assert "envmatrix: error:" in result.stderr


def test_rules_list_and_doc() -> None:
    listing = run("rules")
    assert listing.exit_code == 0 and "URL001" in listing.stdout
    doc = run("rules", "url001")
    assert doc.exit_code == 0
    assert "## Why it matters" in doc.stdout
    assert run("rules", "XYZ001").exit_code == 2


def test_output_file_written(tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    result = run("scan", GROWQR, "--format", "json", "--output", str(out))
    assert result.exit_code == 1
    assert result.stdout == ""
    assert json.loads(out.read_text())["summary"]["files"] > 0


def test_secrets_never_printed_in_full() -> None:
    for fmt in ("text", "json"):
        out = run("scan", GROWQR, "--format", fmt).stdout
        for secret in ("dev-a2a-key", "growqr-admin-dev", "dev-rivet-token", "growqr:growqr@"):
            assert secret not in out, (fmt, secret)


def test_a_report_written_into_the_tree_does_not_describe_itself(tmp_path) -> None:
    import shutil

    tree = tmp_path / "tree"
    shutil.copytree(GROWQR, tree)
    (tree / "docs").mkdir(exist_ok=True)
    report = tree / "docs" / "environment-matrix.md"
    first = run("report", str(tree), "-o", str(report), "--no-progress")
    assert first.exit_code == 0
    text = report.read_text(encoding="utf-8")
    assert "docs/environment-matrix.md" not in text.split("Regenerate with", 1)[0]
    assert run("report", str(tree), "-o", str(report), "--no-progress").exit_code == 0
    assert report.read_text(encoding="utf-8") == text  # a fixed point: regenerating changes nothing
    assert run("report", str(tree), "-o", str(report), "--check", "--no-progress").exit_code == 0
    scanned = tree / "report.json"
    assert run("scan", str(tree), "--format", "json", "-o", str(scanned), "--no-progress").exit_code == 1
    once = scanned.read_text(encoding="utf-8")
    run("scan", str(tree), "--format", "json", "-o", str(scanned), "--no-progress")
    assert scanned.read_text(encoding="utf-8") == once
    assert '"path": "report.json"' not in once
    # read by a scan that writes elsewhere: both are files of the tree like any other
    files = json.loads(once)["summary"]["files"]
    assert json.loads(run("scan", str(tree), "--format", "json", "--no-progress").stdout)["summary"]["files"] == files + 1
    # The text frontend knows the report by its top lines, and reads nothing in it: a later plain
    # scan lists no hotspot twice under the report's path.
    from scanner.languages.text import own_report

    assert own_report(text)
    scanned.unlink()
    with_report = json.loads(run("scan", str(tree), "--format", "json", "--no-progress", "--no-cache").stdout)
    assert "docs/environment-matrix.md" not in json.dumps(with_report)
    report.unlink()
    without = json.loads(run("scan", str(tree), "--format", "json", "--no-progress", "--no-cache").stdout)
    assert with_report["summary"].pop("files") == without["summary"].pop("files") + 1
    assert with_report == without


def test_an_interrupt_wrapped_by_another_error_still_exits_as_an_interrupt(capsys) -> None:
    """CPython 3.11 turns a Ctrl-C that lands while a class is created (a lazy import defining a
    dataclass) into ``RuntimeError: Error calling __set_name__``: it must exit 130, not 2."""
    import pytest

    from scanner import cli as cli_mod

    def wrapped(signal_exc):
        def fn():
            try:
                raise signal_exc
            except BaseException as inner:
                raise RuntimeError("Error calling __set_name__") from inner
        return fn

    def exit_code(fn) -> int:
        with pytest.raises(SystemExit) as ended:
            cli_mod._run(False, fn)
        return ended.value.code

    assert exit_code(wrapped(KeyboardInterrupt())) == 130
    assert "envmatrix: interrupted" in capsys.readouterr().err
    assert exit_code(wrapped(cli_mod._Terminated())) == 143

    def during_cleanup():
        try:
            raise KeyboardInterrupt
        finally:
            raise OSError("cleanup failed")  # carries the interrupt as its context
    assert exit_code(during_cleanup) == 130

    def plain():
        raise RuntimeError("a bug")
    assert exit_code(plain) == 2
    assert "internal error: RuntimeError: a bug" in capsys.readouterr().err
