"""The baseline: line-independent identities, only new findings reported, stale entries counted."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from scanner import baseline
from scanner.cli import cli
from scanner.config import Config
from scanner.engine import scan

CONFIG_TS = """\
export const config = {
  database: process.env.DATABASE_URL ?? "postgres://localhost:5432/app",
  token: process.env.API_TOKEN ?? "dev-api-token-123",
  redis: process.env.REDIS_URL ?? "redis://localhost:6379",
};
"""
WORKER_TS = """\
export function start() {
  const url = process.env.WORKER_URL ?? "http://localhost:7000";
  return url;
}

export function stop() {
  const url = process.env.STOP_URL ?? "http://localhost:7001";
  return url;
}
"""


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    (root / "src").mkdir(parents=True)
    (root / "src" / "config.ts").write_text(CONFIG_TS)
    (root / "src" / "worker.ts").write_text(WORKER_TS)
    (root / "src" / "util.ts").write_text("export const add = (a: number, b: number) => a + b;\n")
    (root / "tests").mkdir()
    (root / "tests" / "e2e.test.ts").write_text('const u = process.env.E2E_URL ?? "http://localhost:4000";\n')
    return root


def record(root: Path, tmp_path: Path) -> Path:
    out = tmp_path / "baseline.json"
    result = run("baseline", str(root), "-o", str(out))
    assert result.exit_code == 0, result.output
    return out


def new_findings(root: Path, file: Path) -> tuple[list[tuple[str, str]], dict]:
    result = run("scan", str(root), "--baseline", str(file), "--format", "json")
    doc = json.loads(result.stdout)
    return [(f["path"], f["rule"]) for f in doc["findings"]], doc["summary"]


def test_baseline_file_is_sorted_stable_and_versioned(repo: Path, tmp_path: Path) -> None:
    out = record(repo, tmp_path)
    first = out.read_bytes()
    assert record(repo, tmp_path).read_bytes() == first
    doc = json.loads(first)
    assert doc["version"] == 1 and doc["tool"] == "envmatrix"
    entries = [(e["path"], e["rule"], e["fingerprint"]) for e in doc["findings"]]
    assert entries == sorted(entries) and len(entries) == len(set(entries))
    assert all(set(e) == {"path", "rule", "fingerprint"} for e in doc["findings"])
    # every role and level is recorded: the hidden test finding too
    assert ("tests/e2e.test.ts", "URL001") in {(p, r) for p, r, _ in entries}
    assert b"dev-api-token-123" not in first and b"localhost" not in first
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".envmatrix-")]  # no temp file left


def test_scan_with_baseline_reports_nothing_new(repo: Path, tmp_path: Path) -> None:
    out = record(repo, tmp_path)
    result = run("scan", str(repo), "--baseline", str(out), "--include-hidden")
    assert result.exit_code == 0
    assert "in the baseline" in result.stdout.splitlines()[-1]
    found, summary = new_findings(repo, out)
    assert found == [] and summary["baselined"] > 0 and summary["stale_baseline"] == 0


def test_inserted_lines_do_not_resurface(repo: Path, tmp_path: Path) -> None:
    out = record(repo, tmp_path)
    path = repo / "src" / "config.ts"
    path.write_text("// Configuration\n\nimport { z } from 'zod';\n\n" + path.read_text())
    assert new_findings(repo, out)[0] == []


def test_reformatting_does_not_resurface(repo: Path, tmp_path: Path) -> None:
    out = record(repo, tmp_path)
    path = repo / "src" / "config.ts"
    path.write_text(path.read_text().replace("  database: process.env.DATABASE_URL ??",
                                             "  database:\n    process.env.DATABASE_URL ??\n   "))
    assert "  database:\n" in path.read_text()
    assert new_findings(repo, out)[0] == []


def test_moved_code_within_a_file_does_not_resurface(repo: Path, tmp_path: Path) -> None:
    out = record(repo, tmp_path)
    path = repo / "src" / "worker.ts"
    start, stop = path.read_text().split("\n\n")
    path.write_text(stop.rstrip("\n") + "\n\n// moved below\n" + start + "\n")
    found, summary = new_findings(repo, out)
    assert found == [] and summary["stale_baseline"] == 0


def test_renamed_unrelated_file_does_not_resurface(repo: Path, tmp_path: Path) -> None:
    out = record(repo, tmp_path)
    (repo / "src" / "util.ts").rename(repo / "src" / "math.ts")
    found, summary = new_findings(repo, out)
    assert found == [] and summary["stale_baseline"] == 0


def test_changed_secret_resurfaces(repo: Path, tmp_path: Path) -> None:
    out = record(repo, tmp_path)
    path = repo / "src" / "config.ts"
    path.write_text(path.read_text().replace("dev-api-token-123", "dev-api-token-456"))
    result = run("scan", str(repo), "--baseline", str(out))
    assert result.exit_code == 1
    assert "src/config.ts:3:" in result.stdout and " SEC001 " in result.stdout
    assert "dev-api-token-456" not in result.stdout
    assert "baseline: 1 entry matches no finding" in result.stderr
    found, summary = new_findings(repo, out)
    assert found == [("src/config.ts", "SEC001")] and summary["stale_baseline"] == 1


def test_fixed_finding_is_counted_stale(repo: Path, tmp_path: Path) -> None:
    out = record(repo, tmp_path)
    (repo / "src" / "worker.ts").write_text("export const start = () => 1;\n")
    result = run("scan", str(repo), "--baseline", str(out), "--format", "json")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["summary"]["stale_baseline"] == 2
    assert "baseline: 2 entries match no finding" in result.stderr


def test_entries_of_rules_that_did_not_run_are_not_stale(repo: Path, tmp_path: Path) -> None:
    out = record(repo, tmp_path)
    result = run("scan", str(repo), "--baseline", str(out), "--select", "URL", "--format", "json")
    assert json.loads(result.stdout)["summary"]["stale_baseline"] == 0


def test_new_finding_is_reported(repo: Path, tmp_path: Path) -> None:
    out = record(repo, tmp_path)
    (repo / "src" / "queue.ts").write_text('export const q = process.env.QUEUE_URL ?? "amqp://localhost";\n')
    assert new_findings(repo, out)[0] == [("src/queue.ts", "URL001")]


def test_library_apply(repo: Path) -> None:
    first = scan(repo, Config(hidden_roles=frozenset()))
    known = baseline.Baseline(frozenset((f.span.path, f.rule, f.fingerprint) for f in first.findings))
    again = scan(repo, Config(), baseline=known)
    assert again.findings == [] and again.baselined > 0 and again.stale_baseline == 0


@pytest.mark.parametrize("content, words", [
    ("not json", "invalid JSON"),
    ('{"tool": "other", "findings": []}', "not an envmatrix baseline"),
    ('{"tool": "envmatrix", "version": 9, "findings": []}', "version `9`"),
    ('{"tool": "envmatrix", "version": 1, "findings": [{"path": "a"}]}', "entry 1"),
])
def test_bad_baseline_is_exit_2(repo: Path, tmp_path: Path, content: str, words: str) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(content)
    result = run("scan", str(repo), "--baseline", str(bad))
    assert result.exit_code == 2
    assert words in result.stderr and "bad.json" in result.stderr and len(result.stderr.splitlines()) == 1


def test_missing_baseline_is_exit_2(repo: Path, tmp_path: Path) -> None:
    result = run("scan", str(repo), "--baseline", str(tmp_path / "none.json"))
    assert result.exit_code == 2 and "no such baseline file" in result.stderr


def test_empty_baseline(tmp_path: Path) -> None:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "a.ts").write_text("export const a = 1;\n")
    out = record(tmp_path / "src", tmp_path)
    assert json.loads(out.read_text()) == {"findings": [], "tool": "envmatrix", "version": 1}


def test_changed_secret_in_env_file_resurfaces(repo: Path, tmp_path: Path) -> None:
    env = repo / ".env.production"
    env.write_text("NODE_ENV=production\nSTRIPE_SECRET_KEY=sk_live_51Habcdefghijklmnop\n")
    out = record(repo, tmp_path)
    env.write_text("# rotated\n\nNODE_ENV=production\nSTRIPE_SECRET_KEY=sk_live_51Hqrstuvwxyzabcdef\n")
    found, summary = new_findings(repo, out)
    assert found == [(".env.production", "SEC004")] and summary["stale_baseline"] == 1
