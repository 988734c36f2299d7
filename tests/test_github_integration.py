"""The GitHub integration files: the action, the CI workflow, the documented workflow, pre-commit hooks.

The action's scan step is run for real (bash, with envmatrix from this tree), so its exit-code
handling and its refusal to evaluate `args` are tested, not just its YAML.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from .sarif_check import check_sarif

ROOT = Path(__file__).resolve().parent.parent
ACTION = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
CI = yaml.safe_load((ROOT / ".github" / "workflows" / "ci.yml").read_text(encoding="utf-8"))
HOOKS = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
DOC = (ROOT / "docs" / "github-code-scanning.md").read_text(encoding="utf-8")



def test_action_inputs_and_outputs() -> None:
    assert ACTION["runs"]["using"] == "composite"
    assert {"path", "category", "fail-level", "args"} <= set(ACTION["inputs"])
    assert ACTION["inputs"]["fail-level"]["default"] == "none"
    assert {"sarif", "exit-code"} <= set(ACTION["outputs"])


def test_action_never_interpolates_inputs_into_scripts() -> None:
    # `${{ inputs.x }}` inside `run:` is script injection; inputs go through `env:` instead.
    for step in ACTION["runs"]["steps"]:
        assert "${{" not in step.get("run", ""), step.get("name")


def test_ci_runs_every_supported_python_and_lint() -> None:
    jobs = CI["jobs"]
    assert jobs["test"]["strategy"]["matrix"]["python-version"] == ["3.10", "3.11", "3.12", "3.13"]
    test_steps = " ".join(s.get("run", "") for s in jobs["test"]["steps"])
    assert "python -m pytest -q" in test_steps and "pip install '.[test]'" in test_steps
    assert "--check" in test_steps
    assert "ruff check" in " ".join(s.get("run", "") for s in jobs["lint"]["steps"])
    assert any(s.get("uses") == "./" for s in jobs["action"]["steps"])


def test_documented_workflow_uploads_with_security_events_write() -> None:
    block = DOC.split("```yaml", 1)[1].split("```", 1)[0]
    workflow = yaml.safe_load(block)
    job = workflow["jobs"]["envmatrix"]
    assert job["permissions"]["security-events"] == "write"
    uses = [s.get("uses", "") for s in job["steps"]]
    assert any(u.startswith("github/codeql-action/upload-sarif@") for u in uses)
    upload = next(s for s in job["steps"] if s.get("uses", "").startswith("github/codeql-action/upload-sarif@"))
    assert upload["with"]["sarif_file"] == "${{ steps.envmatrix.outputs.sarif }}"


def test_documented_inputs_match_the_action() -> None:
    table = DOC.split("### Inputs", 1)[1].split("Outputs:", 1)[0]
    documented = set(re.findall(r"^\| `([a-z-]+)` \|", table, flags=re.M))
    assert documented == set(ACTION["inputs"])


def test_pre_commit_hooks() -> None:
    ids = {h["id"]: h for h in HOOKS}
    assert set(ids) == {"envmatrix", "envmatrix-report"}
    for hook in HOOKS:
        assert hook["language"] == "python" and hook["pass_filenames"] is False
        assert hook["entry"].startswith("envmatrix ")
    assert "--check" in ids["envmatrix-report"]["entry"]


# --------------------------------------------------------------------------- the scan step, for real


def _scan_step() -> str:
    return next(s for s in ACTION["runs"]["steps"] if s.get("id") == "scan")["run"]


@pytest.fixture()
def action_env(tmp_path: Path):
    if shutil.which("bash") is None:
        pytest.skip("needs bash")
    bindir = tmp_path / "bin"
    bindir.mkdir()
    wrapper = bindir / "envmatrix"
    wrapper.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m scanner "$@"\n', encoding="utf-8")
    wrapper.chmod(0o755)

    def run(**inputs: str) -> tuple[int, dict[str, str], str]:
        out = tmp_path / "github_output"
        out.write_text("", encoding="utf-8")
        env = {**os.environ, "ENVMATRIX_BIN": str(bindir), "GITHUB_OUTPUT": str(out), "PYTHONPATH": str(ROOT),
               "INPUT_PATH": "fixtures/growqr-backend", "INPUT_CATEGORY": "fixture", "INPUT_FAIL_LEVEL": "none",
               "INPUT_ARGS": "", "INPUT_OUTPUT": str(tmp_path / "envmatrix.sarif")}
        env.update({f"INPUT_{k.upper()}": v for k, v in inputs.items()})
        done = subprocess.run(["bash", "-c", _scan_step()], cwd=ROOT, env=env, capture_output=True, text=True,
                              timeout=120, check=False)
        outputs = dict(line.split("=", 1) for line in out.read_text(encoding="utf-8").splitlines() if "=" in line)
        return done.returncode, outputs, done.stdout + done.stderr

    return run


def test_action_scan_writes_valid_sarif_and_passes_on_findings(action_env, tmp_path: Path) -> None:
    code, outputs, log = action_env()
    assert code == 0, log
    assert outputs["exit-code"] == "1"
    sarif = check_sarif(Path(outputs["sarif"]).read_text(encoding="utf-8"))
    assert sarif["runs"][0]["automationDetails"]["id"] == "fixture/"


def test_action_fail_level_fails_the_step(action_env) -> None:
    code, outputs, log = action_env(fail_level="warning")
    assert code == 1 and outputs["exit-code"] == "1"
    assert "::error::" in log


def test_action_rejects_an_unknown_fail_level(action_env) -> None:
    code, _, log = action_env(fail_level="high")
    assert code == 2 and "fail-level must be" in log


def test_action_args_are_options_not_shell(action_env, tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    code, outputs, _ = action_env(args=f"$(touch {marker}) ; touch {marker}")
    assert code == 2 and outputs["exit-code"] == "2"
    assert not marker.exists()
    code, outputs, _ = action_env(args="--select URL --min-level warning", fail_level="error")
    assert code == 0 and outputs["exit-code"] == "0"
