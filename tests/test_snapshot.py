"""The result snapshot: a re-scan of an unchanged tree takes the last analysis, and any change the
analysis depends on (a file, a directory listing, an ignore file, a symlink's target, a setting,
the baseline) is seen. Answers from the snapshot are the answers of a scan without any cache."""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

import scanner.engine as engine
from scanner import snapshot
from scanner.config import Config
from scanner.engine import scan
from scanner.report import renderer

ROOT = Path(__file__).resolve().parent.parent


def _age(tree: Path, seconds: float = 3600) -> None:
    """Every file and directory's mtime in the past, out of the snapshot's racy window."""
    past = time.time() - seconds
    for p in sorted(tree.rglob("*"), key=lambda p: -len(p.parts)):  # children before their directory
        if not p.is_symlink():
            os.utime(p, (past, past))
    os.utime(tree, (past, past))


def _tree(tmp_path: Path) -> Path:
    tree = tmp_path / "tree"
    (tree / "src" / "lib").mkdir(parents=True)
    (tree / "src" / "config.ts").write_text('export const db = process.env.DATABASE_URL ?? "postgres://localhost/app";\n')
    (tree / "src" / "lib" / "math.ts").write_text("export const add = (a: number, b: number) => a + b;\n")
    (tree / ".gitignore").write_text("generated/\n")
    _age(tree)
    return tree


def _report(root: Path, **changes) -> str:
    return renderer("json")(scan(root, dataclasses.replace(Config(jobs=1), **changes)))


@pytest.fixture
def cache(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("ENVMATRIX_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


@pytest.fixture
def walks(monkeypatch) -> list[str]:
    """The roots walked from now on: empty when every scan was answered from a snapshot."""
    seen: list[str] = []
    real = engine.discover

    def counting(root, config, **kwargs):
        seen.append(str(root))
        return real(root, config, **kwargs)

    monkeypatch.setattr(engine, "discover", counting)
    return seen


def test_an_unchanged_tree_is_answered_from_the_snapshot(cache, tmp_path, walks) -> None:
    tree = _tree(tmp_path)
    cold = _report(tree)
    assert walks == [str(tree)]
    assert _report(tree) == cold == _report(tree, use_cache=False)
    assert walks == [str(tree)] * 2  # the second scan walked nothing; the one without a cache did


@pytest.mark.parametrize("change", [
    "edit", "add-in-subdirectory", "remove", "ignore-file", "rename-directory", "replace-with-link",
])
def test_a_change_is_seen(cache, tmp_path, walks, change) -> None:
    tree = _tree(tmp_path)
    _report(tree)
    config, math = tree / "src" / "config.ts", tree / "src" / "lib" / "math.ts"
    if change == "edit":  # same size, same second: only the stamp tells
        config.write_text(config.read_text().replace("localhost", "127.0.0.2"))
    elif change == "add-in-subdirectory":
        (tree / "src" / "lib" / "cache.ts").write_text('export const r = process.env.REDIS_URL || "redis://localhost:6379";\n')
    elif change == "remove":
        config.unlink()
    elif change == "ignore-file":  # edited in place: the directory listing does not change
        with open(tree / ".gitignore", "a") as fh:
            fh.write("src/config.ts\n")
    elif change == "rename-directory":
        (tree / "src" / "lib").rename(tree / "src" / "tests")
    elif change == "replace-with-link":
        math.unlink()
        math.symlink_to("/etc/passwd")
    walks.clear()
    warm = _report(tree)
    assert walks == [str(tree)]
    assert warm == _report(tree, use_cache=False)


def test_a_change_to_envmatrix_itself_is_a_miss(cache, tmp_path, walks) -> None:
    """The snapshot is keyed by the stamps of envmatrix's own modules: an upgrade or an edit
    (here one module's modification time, put back afterwards) makes the next scan walk again."""
    tree = _tree(tmp_path)
    _report(tree)
    module = Path(snapshot.__file__)
    before = module.stat()
    snapshot.package_fingerprint.cache_clear()
    try:
        os.utime(module, ns=(before.st_atime_ns, before.st_mtime_ns + 1_000_000_000))
        walks.clear()
        _report(tree)
        assert walks == [str(tree)]
    finally:
        os.utime(module, ns=(before.st_atime_ns, before.st_mtime_ns))
        snapshot.package_fingerprint.cache_clear()


def test_files_that_no_scan_reads_may_come_and_go(cache, tmp_path, walks) -> None:
    tree = _tree(tmp_path)
    cold = _report(tree)
    (tree / "envmatrix.sarif").write_text("{}")  # a report written into the tree, as CI does
    (tree / "src" / "logo.png").write_bytes(b"\x89PNG")
    walks.clear()
    assert _report(tree) == cold
    assert walks == []


def test_a_symlink_whose_target_appears_is_seen(cache, tmp_path, walks) -> None:
    tree = _tree(tmp_path)
    (tree / "src" / "shared").symlink_to("../packages/shared")
    _age(tree)
    before = json.loads(_report(tree))["diagnostics"]
    assert [d["code"] for d in before] == ["dangling-symlink"]
    (tree / "packages").mkdir()
    (tree / "packages" / "shared").mkdir()  # the link's directory is unchanged; its target is not
    os.utime(tree, (time.time() - 3600,) * 2)
    walks.clear()
    after = json.loads(_report(tree))["diagnostics"]
    assert walks == [str(tree)] and [d["code"] for d in after] == ["symlink"]


def test_settings_that_change_the_analysis_key_the_snapshot(cache, tmp_path) -> None:
    tree = _tree(tmp_path)
    everything = json.loads(_report(tree))["findings"]
    assert {f["rule"] for f in everything} == {"URL001"}
    assert json.loads(_report(tree, select=frozenset({"SEC"})))["findings"] == []
    assert json.loads(_report(tree, extra_local_hosts=frozenset({"db.internal"})))["findings"] == everything
    assert json.loads(_report(tree))["findings"] == everything


def test_level_filters_and_the_baseline_apply_after_the_snapshot(cache, tmp_path, walks) -> None:
    from scanner import baseline

    tree = _tree(tmp_path)
    cold = scan(tree, Config(jobs=1))
    assert cold.findings and scan(tree, Config(jobs=1, min_level=engine.Level.ERROR)).findings == []
    baseline.write(tmp_path / "baseline.json", cold.findings)
    known = baseline.load(tmp_path / "baseline.json")
    assert scan(tree, Config(jobs=1), baseline=known).findings == []
    assert scan(tree, Config(jobs=1)).findings == cold.findings
    assert walks == [str(tree)]


def test_a_tree_changed_just_before_the_scan_is_not_kept(cache, tmp_path, walks) -> None:
    tree = _tree(tmp_path)
    (tree / "src" / "config.ts").write_text('export const db = process.env.DATABASE_URL ?? "postgres://localhost/b";\n')
    _report(tree)  # config.ts's mtime is "now": a second edit in the same tick would not show
    assert not list((cache / f"snapshot-v{snapshot.FORMAT}").glob("*"))
    _report(tree)
    assert len(walks) == 2


def test_a_volatile_outcome_is_not_kept(cache, tmp_path, monkeypatch, walks) -> None:
    import scanner.extraction as extraction

    tree = _tree(tmp_path)
    real = extraction.run_task

    def slow(task):
        if task.path.endswith("config.ts"):
            from scanner.facts import FileFacts
            return FileFacts(task.path, diagnostics=(("timeout", "skipped: extraction took longer than 1 s"),))
        return real(task)

    monkeypatch.setattr(extraction, "run_task", slow)
    _report(tree)
    monkeypatch.setattr(extraction, "run_task", real)
    report = json.loads(_report(tree))
    assert len(walks) == 2 and report["findings"]  # the timeout is not remembered


def test_a_corrupt_snapshot_is_a_miss(cache, tmp_path, walks) -> None:
    tree = _tree(tmp_path)
    cold = _report(tree)
    (kept,) = (cache / f"snapshot-v{snapshot.FORMAT}").glob("*")
    for blob in (b"", kept.read_bytes()[:40], kept.read_bytes()[:-30], b"envmatrix-snapshot-1\n" + b"\xff" * 64):
        kept.write_bytes(blob)
        assert _report(tree) == cold
    assert len(walks) == 5


# ---------------------------------------------------------------------- the command line's kept reports

def _cli(tree: Path, cache: Path, *args: str) -> tuple[int, str, str, str]:
    env = {**os.environ, "ENVMATRIX_CACHE_DIR": str(cache), "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "scanner", "scan", str(tree), "--no-progress", *args],
                          capture_output=True, text=True, env=env, check=False)
    imports = "\n".join(line for line in done.stderr.splitlines() if line.startswith("import time:"))
    stderr = "\n".join(line for line in done.stderr.splitlines() if not line.startswith("import time:"))
    return done.returncode, done.stdout, stderr, imports


def test_the_cli_answers_an_unchanged_tree_without_the_scanner(tmp_path) -> None:
    tree = _tree(tmp_path)
    (tree / "src" / "gone").symlink_to("missing")  # a diagnostic on stderr
    _age(tree)
    cache = tmp_path / "cache"
    code, out, err, imports = _cli(tree, cache, "--format", "json")
    assert code == 1 and "dangling-symlink" in err and " scanner.engine" in imports
    again = _cli(tree, cache, "--format", "json")
    assert again[:3] == (code, out, err)
    assert " scanner.engine" not in again[3] and " scanner.discover" not in again[3]
    # other report options are other reports, each right
    strict = _cli(tree, cache, "--format", "json", "--min-level", "error")
    assert strict[0] == 0 and json.loads(strict[1])["findings"] == []
    text = _cli(tree, cache, "--no-color")
    assert text[0] == 1 and "URL001" in text[1] and text[1] != out
    # a changed baseline file is a changed report
    baseline = tmp_path / "baseline.json"
    subprocess.run([sys.executable, "-m", "scanner", "baseline", str(tree), "-o", str(baseline), "--no-progress"],
                   env={**os.environ, "ENVMATRIX_CACHE_DIR": str(cache), "PYTHONPATH": str(ROOT)}, check=True,
                   capture_output=True)
    assert _cli(tree, cache, "--format", "json", "--baseline", str(baseline))[0] == 0
    baseline.write_text(json.dumps({**json.loads(baseline.read_text()), "findings": []}))
    assert _cli(tree, cache, "--format", "json", "--baseline", str(baseline))[0] == 1
    # and a changed tree is scanned again
    (tree / "src" / "config.ts").write_text("export const db = process.env.DATABASE_URL;\n")
    changed = _cli(tree, cache, "--format", "json")
    assert changed[0] == 0 and " scanner.engine" in changed[3]
