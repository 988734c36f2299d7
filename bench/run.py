#!/usr/bin/env python3
"""Time envmatrix on a tree against ripgrep (and semgrep, when installed), in one run.

    python bench/run.py PATH [PATH …] [--runs 3] [--jobs 0]

For each tree: envmatrix cold (an empty cache directory), warm (the same directory again),
in one process without the cache (``--jobs 1 --no-cache``), ripgrep with one combined regex of
trigger words (``bench/triggers.rg``), and ``semgrep scan --config bench/semgrep-rules.yml``.
Each is the best of ``--runs`` wall-clock timings (and, apart, of CPU time: user + system of the
process and its workers, which a busy machine inflates less); peak memory is the largest
resident set of the process or any one worker (``wait4``). It prints files/s and MB/s over the files envmatrix reads,
the ratios to ripgrep, and whether cold, warm and in-process runs printed the same report.
The envmatrix timed is the one in this checkout, run from compiled bytecode as an installed
package would be (``compileall`` first); nothing is written to the user's cache.

With ``--instructions`` (needs valgrind), envmatrix cold and warm and ripgrep also run once under
callgrind, which counts the instructions each executes, summed over every process (workers
included). Unlike times, the counts hardly move on a busy or throttled machine, so two checkouts
can be compared across sittings; callgrind runs about 50 times slower, so this suits small trees.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent


def machine() -> str:
    model = platform.processor() or "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} CPUs ({model}), Python {platform.python_version()}, {platform.system()} {platform.release()}"


def timed(cmd: list[str], env: dict[str, str] | None = None, cwd: str | None = None) -> tuple[float, float, int, bytes, float]:
    """(wall seconds, peak RSS MiB, exit code, stdout, CPU seconds) of one run of ``cmd``."""
    with tempfile.TemporaryFile() as out:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.DEVNULL, env=env, cwd=cwd)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        return wall, usage.ru_maxrss / 1024, proc.returncode, out.read(), usage.ru_utime + usage.ru_stime


def best(runs: int, cmd: list[str], env=None, before=None, cwd=None) -> tuple[float, float, int, bytes, float]:
    results = []
    for _ in range(runs):
        if before:
            before()
        results.append(timed(cmd, env, cwd))
    wall = min(r[0] for r in results)
    rss = max(r[1] for r in results)
    cpu = min(r[4] for r in results)
    return wall, rss, results[-1][2], results[-1][3], cpu


def instructions(cmd: list[str], env=None, cwd=None, before=None) -> int | None:
    """Instructions ``cmd`` executes, summed over its processes (callgrind), or None without valgrind."""
    valgrind = shutil.which("valgrind")
    if valgrind is None:
        return None
    if before:
        before()
    with tempfile.TemporaryDirectory(prefix="envmatrix-callgrind-") as logs:
        subprocess.run([valgrind, "--tool=callgrind", "--callgrind-out-file=/dev/null", "--trace-children=yes",
                        f"--log-file={logs}/%p.log", *cmd], env=env, cwd=cwd,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        total = 0
        for log in Path(logs).glob("*.log"):
            for line in log.read_text(errors="replace").splitlines():
                if "I   refs:" in line:
                    total += int(line.rsplit(":", 1)[1].replace(",", "").strip())
        return total


def tree_size(path: str) -> tuple[int, int]:
    """Files and bytes envmatrix reads in ``path`` (its own discovery), counted in a child process:
    importing the scanner here would raise this process's resident size, which every timed child
    starts from (Linux keeps the peak across exec), and hide peaks below it."""
    code = ("import sys; from scanner.config import Config; from scanner.discover import discover; "
            "f = discover(sys.argv[1], Config()).files; print(len(f), sum(x.size for x in f))")
    out = subprocess.run([sys.executable, "-c", code, path], capture_output=True, text=True, check=True,
                         env=dict(os.environ, PYTHONPATH=str(REPO)))
    files, size = out.stdout.split()
    return int(files), int(size)


def bench(path: str, runs: int, jobs: int, count: bool = False) -> None:
    files, size = tree_size(path)
    mb = size / 1e6
    print(f"\n## {path}: {files} files, {mb:.1f} MB read by envmatrix")
    env = dict(os.environ, PYTHONPATH=str(REPO))
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # time envmatrix as installed: from compiled bytecode
    envmatrix = [sys.executable, "-m", "scanner", "scan", path, "--format", "json", "--no-progress", "--jobs", str(jobs)]
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(REPO / "scanner")], env=env, check=False)
    rows = []
    with tempfile.TemporaryDirectory(prefix="envmatrix-bench-") as cache:
        env["ENVMATRIX_CACHE_DIR"] = cache
        # From this checkout: ``python -m`` puts the working directory first on sys.path, so a
        # run started elsewhere (another checkout) would time that checkout's scanner instead.
        cold = best(runs, envmatrix, env, before=lambda: (shutil.rmtree(cache, ignore_errors=True), os.mkdir(cache)),
                    cwd=str(REPO))
        warm = best(runs, envmatrix, env, cwd=str(REPO))
        single = best(runs, envmatrix[:-2] + ["--jobs", "1", "--no-cache"], env, cwd=str(REPO))
        counts = {}
        if count:
            counts["envmatrix cold"] = instructions(
                envmatrix, env, str(REPO), before=lambda: (shutil.rmtree(cache, ignore_errors=True), os.mkdir(cache)))
            counts["envmatrix warm"] = instructions(envmatrix, env, str(REPO))  # from what the cold count left
    rows += [("envmatrix cold", cold), ("envmatrix warm", warm), ("envmatrix --jobs 1 --no-cache", single)]
    rg = shutil.which("rg")
    rg_row = None
    if rg:
        pattern = (HERE / "triggers.rg").read_text().strip()
        rg_cmd = [rg, "--files-with-matches", "--no-messages", "-e", pattern, path]
        rg_row = best(runs, rg_cmd)
        rows.append(("ripgrep (combined regex)", rg_row))
        if count:
            counts["ripgrep (combined regex)"] = instructions(rg_cmd)
    semgrep = shutil.which("semgrep")
    if semgrep:
        sg = best(1, [semgrep, "scan", "--config", str(HERE / "semgrep-rules.yml"), "--metrics=off", "--quiet",
                      "--disable-version-check", "--json", path], dict(os.environ, SEMGREP_SEND_METRICS="off"))
        rows.append(("semgrep (4 rules)", sg))
    print(f"{'tool':30s} {'wall s':>7s} {'CPU s':>7s} {'files/s':>8s} {'MB/s':>6s} {'peak MiB':>8s} {'x rg wall':>9s}")
    for name, (wall, rss, _code, _out, cpu) in rows:
        ratio = f"{wall / rg_row[0]:.1f}" if rg_row else "-"
        print(f"{name:30s} {wall:7.3f} {cpu:7.3f} {files / wall:8.0f} {mb / wall:6.2f} {rss:8.1f} {ratio:>9s}")
    if any(counts.values()):
        base = counts.get("ripgrep (combined regex)")
        print(f"{'instructions (callgrind)':30s} {'millions':>9s} {'x rg':>6s}")
        for name, n in counts.items():
            if n:
                ratio = f"{n / base:.1f}" if base else "-"
                print(f"{name:30s} {n / 1e6:9.0f} {ratio:>6s}")
    same = cold[3] == warm[3] == single[3]
    print(f"same report cold / warm / in-process: {'yes' if same else 'NO'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="+")
    parser.add_argument("--runs", type=int, default=3, help="timings per tool; the best is shown")
    parser.add_argument("--jobs", type=int, default=0, help="envmatrix --jobs for the cold and warm runs")
    parser.add_argument("--instructions", action="store_true",
                        help="also count instructions under callgrind (valgrind; about 50x slower)")
    args = parser.parse_args()
    print(f"machine: {machine()}")
    print(f"ripgrep: {shutil.which('rg') or 'not installed'}; semgrep: {shutil.which('semgrep') or 'not installed'}")
    for path in args.paths:
        bench(os.path.abspath(path), args.runs, args.jobs, args.instructions)  # runs start in this checkout


if __name__ == "__main__":
    main()
