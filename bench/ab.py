#!/usr/bin/env python3
"""Alternate the runs of two envmatrix checkouts on one tree: which is faster, in one sitting.

    python bench/ab.py TREE --before REV [--after REV] [--rounds 8] [--instructions] [-- SCAN OPTIONS]

The host's speed can swing by 40% from one minute to the next, so two benchmark runs made apart
compare the minutes as much as the code. Here every round runs both scanners on the same tree,
one right after the other (which one goes first alternates), and the report gives each side's
best and median wall time and CPU time (user + system of the process and its workers), and the
ratios after / before.

REV is a commit (exported with ``git archive`` into a temporary directory) or the path of a
checkout; ``--after`` defaults to this checkout. Both run from compiled bytecode, as installed.
The scan options default to ``--format json --no-cache`` (a cold scan that leaves the user's
cache alone); with the cache on, each run gets an empty cache directory. The script says
whether both sides printed the same report. With ``--instructions`` (needs valgrind) each side
also runs once under callgrind, whose counts a busy host hardly moves.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from contextlib import ExitStack
from pathlib import Path

from run import instructions, timed

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
DEFAULT_OPTIONS = ("--format", "json", "--no-cache")


def checkout(rev: str, stack: ExitStack) -> Path:
    """A directory holding the scanner of ``rev``: a checkout's path, or a commit exported."""
    path = Path(rev)
    if (path / "scanner" / "__init__.py").is_file():
        return path.resolve()
    where = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="envmatrix-ab-")))
    archive = subprocess.run(["git", "-C", str(REPO), "archive", rev, "scanner"], capture_output=True, check=True)
    subprocess.run(["tar", "-x", "-C", str(where)], input=archive.stdout, check=True)
    return where


def side_env(code: Path, cache: str) -> dict[str, str]:
    env = dict(os.environ, PYTHONPATH=str(code), ENVMATRIX_CACHE_DIR=cache)
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # from compiled bytecode, as an installed package runs
    return env


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("tree")
    parser.add_argument("--before", required=True, help="commit or checkout path")
    parser.add_argument("--after", default=str(REPO), help="commit or checkout path (default: this checkout)")
    parser.add_argument("--rounds", type=int, default=8)
    parser.add_argument("--instructions", action="store_true", help="also count instructions (valgrind)")
    argv = sys.argv[1:] if argv is None else argv
    split = argv.index("--") if "--" in argv else len(argv)
    args = parser.parse_args(argv[:split])
    options = tuple(argv[split + 1:]) or DEFAULT_OPTIONS  # scan options, after --
    tree = os.path.abspath(args.tree)
    with ExitStack() as stack:
        sides = {"before": checkout(args.before, stack), "after": checkout(args.after, stack)}
        cache = stack.enter_context(tempfile.TemporaryDirectory(prefix="envmatrix-ab-cache-"))
        for code in sides.values():
            subprocess.run([sys.executable, "-m", "compileall", "-q", str(code / "scanner")],
                           env=side_env(code, cache), check=False)
        cmd = [sys.executable, "-m", "scanner", "scan", tree, *options]

        def run(name: str):
            shutil.rmtree(cache, ignore_errors=True)
            os.mkdir(cache)
            # From the checkout itself: ``python -m`` puts the working directory first on sys.path.
            return timed(cmd, side_env(sides[name], cache), cwd=str(sides[name]))

        walls: dict[str, list[float]] = {"before": [], "after": []}
        cpus: dict[str, list[float]] = {"before": [], "after": []}
        reports: dict[str, bytes] = {}
        for round_ in range(args.rounds):
            for name in ("before", "after") if round_ % 2 == 0 else ("after", "before"):
                wall, _rss, _code, out, cpu = run(name)
                walls[name].append(wall)
                cpus[name].append(cpu)
                reports.setdefault(name, out)
        print(f"{tree}: envmatrix scan {' '.join(options)}, {args.rounds} alternating rounds")
        print(f"{'':8s} {'best wall':>10s} {'median wall':>12s} {'best CPU':>10s} {'median CPU':>11s}  code")
        for name in ("before", "after"):
            print(f"{name:8s} {min(walls[name]):10.3f} {statistics.median(walls[name]):12.3f} "
                  f"{min(cpus[name]):10.3f} {statistics.median(cpus[name]):11.3f}  {sides[name]}")
        ratio = {f: f(walls["after"]) / f(walls["before"]) for f in (min, statistics.median)}
        cpu_ratio = statistics.median(cpus["after"]) / statistics.median(cpus["before"])
        print(f"after / before: best wall {ratio[min]:.3f}, median wall {ratio[statistics.median]:.3f}, "
              f"median CPU {cpu_ratio:.3f}")
        print(f"same report: {'yes' if reports['before'] == reports['after'] else 'NO'}")
        if args.instructions:
            counts = {}
            for name in ("before", "after"):
                counts[name] = instructions(cmd, side_env(sides[name], cache), cwd=str(sides[name]),
                                            before=lambda: (shutil.rmtree(cache, ignore_errors=True), os.mkdir(cache)))
            if None in counts.values():
                print("instructions: valgrind not found")
            else:
                print(f"instructions (millions): before {counts['before'] / 1e6:.0f}, after {counts['after'] / 1e6:.0f}, "
                      f"after / before {counts['after'] / counts['before']:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
