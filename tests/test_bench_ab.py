"""bench/ab.py runs two checkouts on one tree, alternating, and says whether their reports match."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def ab(*args: str) -> list[str]:
    done = subprocess.run([sys.executable, str(ROOT / "bench" / "ab.py"), "fixtures/growqr-backend/src", *args],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout.splitlines()


def test_ab_runs_both_sides_and_compares_their_reports() -> None:
    lines = ab("--before", str(ROOT), "--rounds", "2", "--", "--format", "text", "--no-cache")
    assert lines[0].endswith("envmatrix scan --format text --no-cache, 2 alternating rounds")
    assert [line.split()[0] for line in lines[2:4]] == ["before", "after"]
    assert all(line.endswith(str(ROOT)) for line in lines[2:4])
    assert lines[4].startswith("after / before: best wall ")
    assert "same report: yes" in lines  # the same code twice: the same bytes (deterministic output)


@pytest.mark.skipif(not (ROOT / ".git").exists(), reason="a commit is exported with git archive")
def test_ab_exports_a_commit_to_compare_with() -> None:
    lines = ab("--before", "HEAD", "--rounds", "1")
    assert lines[0].endswith("envmatrix scan --format json --no-cache, 1 alternating rounds")
    assert not lines[2].endswith(str(ROOT)) and lines[3].endswith(str(ROOT))
    assert any(line.startswith("same report: ") for line in lines)
