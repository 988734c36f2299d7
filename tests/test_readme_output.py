"""README's output example is real: every line it shows comes out of scanning the fixture."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from scanner.cli import cli

ROOT = Path(__file__).resolve().parent.parent


def test_readme_output_example_matches_a_real_scan() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("## Output", 1)[1].split("```text\n", 1)[1].split("```", 1)[0]
    shown = [line for line in block.splitlines() if line and line != "…"]
    result = CliRunner().invoke(cli, ["scan", str(ROOT / "fixtures" / "growqr-backend"), "--no-color",
                                      "--no-cache", "--jobs", "1"])
    actual = result.stdout.splitlines()
    missing = [line for line in shown[:-1] if line not in actual]
    assert not missing, f"README shows lines the scan does not print: {missing}"
    assert shown[-1] == actual[-1], "README's summary line is stale"
