"""The cyclic collector runs less often in envmatrix's own processes, and only there."""

from __future__ import annotations

import dataclasses
import gc
import subprocess
import sys
from pathlib import Path

from scanner import _gc, pool

ROOT = Path(__file__).resolve().parent.parent

PROBE = """
import gc, sys
print(gc.get_threshold())
from scanner.cli import main
sys.argv = ["envmatrix", "--version"]
try:
    main()
except SystemExit:
    pass
print(gc.get_threshold())
"""


def test_the_cli_raises_the_young_threshold_and_keeps_the_older_ones() -> None:
    out = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True, text=True, timeout=60,
                         check=True).stdout.splitlines()
    before, after = eval(out[0]), eval(out[-1])  # noqa: S307 - our own probe's tuples
    assert before[0] < _gc.YOUNG_THRESHOLD
    assert after == (_gc.YOUNG_THRESHOLD, *before[1:])


def test_importing_the_scanner_leaves_a_host_programs_collector_alone() -> None:
    code = "import gc; t = gc.get_threshold(); import scanner.engine, scanner.pool; assert gc.get_threshold() == t"
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, timeout=60, check=True)


def _threshold(task):
    return gc.get_threshold()[0]


@dataclasses.dataclass(frozen=True)
class _Job:
    index: int
    path: str


def test_workers_collect_less_often_however_they_start() -> None:
    before = gc.get_threshold()
    try:
        gc.set_threshold(700, *before[1:])  # as in a program that never ran the CLI
        results = list(pool.run_raw([_Job(i, f"f{i}") for i in range(3)], 2, 30.0, _threshold))
    finally:
        gc.set_threshold(*before)
    assert [result for _task, result, _lost in results] == [_gc.YOUNG_THRESHOLD] * 3
