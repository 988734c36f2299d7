"""The fixture backend's Python service (services/interview) is scanned like the TypeScript one."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from scanner.cli import cli

SERVICE = Path(__file__).resolve().parent.parent / "fixtures" / "growqr-backend" / "services" / "interview"

EXPECTED = {
    ("app/auth.py", 10, "ENV002"),  # the shared A2A key alone is enough outside production
    ("app/config.py", 12, "ENV004"),  # ENVIRONMENT defaults to development
    ("app/config.py", 14, "URL001"),  # INTERVIEW_PUBLIC_URL
    ("app/config.py", 17, "URL001"),  # INTERVIEW_REDIS_URL: redis://localhost:6379/0
    ("app/config.py", 20, "URL001"),  # GROWQR_BACKEND_URL
    ("app/config.py", 22, "SEC001"),  # A2A_ALLOWED_KEY: dev-a2a-key
    ("app/config.py", 23, "URL001"),  # FRONTEND_ORIGIN
    ("app/main.py", 12, "ENV003"),  # CORS open outside production
}


@pytest.fixture(scope="module")
def report() -> dict:
    result = CliRunner().invoke(cli, ["scan", str(SERVICE), "--format", "json"])
    assert result.exit_code == 1, result.output
    return json.loads(result.stdout)


def test_python_only_tree_findings(report) -> None:
    found = {(f["path"], f["line"], f["rule"]) for f in report["findings"]}
    assert found == EXPECTED


def test_python_only_tree_inventory(report) -> None:
    variables = {v["name"]: v for v in report["inventory"]["variables"]}
    redis = variables["INTERVIEW_REDIS_URL"]["reads"]
    assert [(r["path"], r["default"], r["via"]) for r in redis] == [
        ("app/config.py", "redis://localhost:6379/0", "pydantic-settings")]
    assert variables["ENVIRONMENT"]["reads"][0]["default"] == "development"
    assert {u["path"] for u in variables["SERVICE_TOKEN"]["uses"]} == {"app/clients.py"}


def test_python_only_tree_text() -> None:
    result = CliRunner().invoke(cli, ["scan", str(SERVICE)])
    assert result.exit_code == 1
    assert "app/main.py:12:4: ENV003 Outside production the code opens CORS to any origin" in result.stdout
