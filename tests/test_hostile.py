"""The hostile tree through the CLI, in every output format.

A scan of ``tests/hostile.py``'s tree must finish, exit 0 or 1, name every file it skipped or
read in part and why, keep the findings of healthy lines next to bad bytes, report nothing from
outside the root, leak no planted credential (stdout, stderr, ``--debug``), print nothing a
terminal would act on, and write nothing into the tree. Reports are written atomically; SIGINT
and SIGTERM leave an earlier report intact and exit 130/143.
"""

from __future__ import annotations

import faulthandler
import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

import pytest
from click.testing import CliRunner

import scanner.engine
import scanner.extraction
from scanner.cli import cli
from scanner.report._sanitize import clean

from .hostile import OUTSIDE_MARKER, SECRETS, HostileTree, build, restore_permissions, snapshot, url_line

ROOT = Path(__file__).resolve().parent.parent
SCAN_FORMATS = list(next(p for p in cli.commands["scan"].params if p.name == "fmt").type.choices)
#: Every output: each scan format, the Markdown matrix (`report`), and two variants of the scan.
COMMANDS: dict[str, tuple[tuple[str, ...], dict]] = {
    **{fmt: (("scan", "--format", fmt), {}) for fmt in SCAN_FORMATS},
    **({"markdown": (("report",), {})} if "report" in cli.commands else {}),
    "debug": (("scan", "--format", "text", "--debug"), {}),
    "ascii-locale": (("scan", "--format", "json"), {"PYTHONIOENCODING": "ascii"}),
}
ALL_RUNS = list(COMMANDS)
#: Only a hang guard: the whole tree scans in about a second; a hang fails instead of blocking CI.
HANG_GUARD = 300


@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str
    seconds: float

    @property
    def everything(self) -> str:
        return self.stdout + self.stderr


def run_cli(*args: str, timeout: float = HANG_GUARD, env: dict | None = None) -> Run:
    started = time.monotonic()
    proc = subprocess.run([sys.executable, "-m", "scanner", *args], cwd=ROOT, capture_output=True,
                          timeout=timeout, env={**_env(), **(env or {})})
    return Run(proc.returncode, proc.stdout.decode("utf-8"), proc.stderr.decode("utf-8"), time.monotonic() - started)


def _env() -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    env["PYTHONPATH"] = str(ROOT)
    return env


@pytest.fixture(scope="module")
def tree(tmp_path_factory) -> HostileTree:
    t = build(tmp_path_factory.mktemp("hostile"))
    yield t
    restore_permissions(t)


@pytest.fixture(scope="module")
def scans(tree: HostileTree) -> dict[str, Run]:
    """One run per output; the tree's listing is taken before and after."""
    before = snapshot(tree.root)
    runs = {}
    for name, ((command, *options), env) in COMMANDS.items():
        runs[name] = run_cli(command, str(tree.root), *options, "--no-progress", env=env)
    runs["_before"], runs["_after"] = before, snapshot(tree.root)  # type: ignore[assignment]
    return runs


# --- every format: it finishes, and says what it skipped --------------------------------------

@pytest.mark.parametrize("name", ALL_RUNS)
def test_scan_completes_with_exit_0_or_1(scans, name: str) -> None:
    run = scans[name]
    assert run.returncode in (0, 1), run.stderr[-2000:]
    assert "internal error" not in run.stderr and "Traceback" not in run.stderr


@pytest.mark.parametrize("name", ALL_RUNS)
def test_every_skipped_or_partly_read_file_is_named_with_its_reason(scans, tree: HostileTree, name: str) -> None:
    lines = scans[name].stderr.splitlines()
    missing = []
    for path, codes in sorted(tree.diagnostics.items()):
        if not any(f": {clean(path)}: {code}: " in line for line in lines for code in codes):
            missing.append(f"{path!r}: one of {sorted(codes)}")
    assert not missing, "no diagnostic for:\n" + "\n".join(missing)


def test_json_diagnostics_name_the_file_and_reason(scans, tree: HostileTree) -> None:
    doc = json.loads(scans["json"].stdout)
    got = {(d["path"], d["code"]) for d in doc["diagnostics"]}
    for path, codes in tree.diagnostics.items():
        assert any((path, code) in got for code in codes), (path, codes)
    assert all(d["message"] and d["path"] for d in doc["diagnostics"])


# --- healthy lines keep their findings, at the right column ------------------------------------

def test_text_keeps_healthy_findings(scans, tree: HostileTree) -> None:
    out = scans["text"].stdout
    missing = [f for f in sorted(tree.findings) if f"{clean(f[0])}:{f[1]}:{f[2]}: {f[3]} " not in out]
    assert not missing, missing


def test_json_keeps_healthy_findings(scans, tree: HostileTree) -> None:
    doc = json.loads(scans["json"].stdout)
    got = {(f["path"], f["line"], f["column"], f["rule"]) for f in doc["findings"]}
    assert not tree.findings - got, sorted(tree.findings - got)
    for path, (codes, (line, rule)) in tree.finding_or_diagnostic.items():
        diagnosed = any(d["path"] == path and d["code"] in codes for d in doc["diagnostics"])
        found = any(f["path"] == path and f["line"] == line and f["rule"] == rule for f in doc["findings"])
        assert diagnosed or found, path


def _sarif(scans) -> dict:
    if "sarif" not in scans:
        pytest.skip("no SARIF output yet")
    return json.loads(scans["sarif"].stdout)


def test_sarif_keeps_healthy_findings(scans, tree: HostileTree) -> None:
    run = _sarif(scans)["runs"][0]
    got = set()
    for r in run["results"]:
        loc = r["locations"][0]["physicalLocation"]
        got.add((unquote(loc["artifactLocation"]["uri"]), loc["region"]["startLine"], loc["region"]["startColumn"],
                 r["ruleId"]))
    assert not tree.findings - got, sorted(tree.findings - got)


def test_sarif_notifications_name_the_file_and_reason(scans, tree: HostileTree) -> None:
    notes = _sarif(scans)["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    got = {(unquote(n["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]), n["descriptor"]["id"])
           for n in notes if n.get("locations")}
    for path, codes in tree.diagnostics.items():
        assert any((path, code) in got for code in codes), (path, codes)


def test_sarif_snippets_match_their_regions(scans, tree: HostileTree) -> None:
    """Snippets are re-read from disk: CR files, UTF-16 and bad bytes must still line up."""
    run = _sarif(scans)["runs"][0]
    checked = 0
    for r in run["results"]:
        loc = r["locations"][0]["physicalLocation"]
        path = unquote(loc["artifactLocation"]["uri"])
        if path.startswith("src/eol-") or path.startswith("src/utf16") or path == "src/invalid-utf8.ts":
            assert loc["region"]["snippet"]["text"].startswith("process.env."), (path, loc["region"])
            checked += 1
    assert checked >= 10


def test_markdown_code_spans_hold_odd_names(scans) -> None:
    if "markdown" not in scans:
        pytest.skip("no Markdown report yet")
    text = scans["markdown"].stdout
    assert "``names/back`tick.ts``" in text  # a longer fence: the backtick cannot end the span
    assert "`names/[link](evil) <b>.ts`" in text
    assert "](evil)" not in text.replace("`names/[link](evil) <b>.ts`", "")


def test_skipped_files_give_no_findings(scans) -> None:
    doc = json.loads(scans["json"].stdout)
    skipped = {d["path"] for d in doc["diagnostics"] if d["message"].startswith("skipped")}
    assert not [f for f in doc["findings"] if f["path"] in skipped]
    assert not [f for f in doc["findings"] if f["path"].startswith(("public/", "media/", "links/"))]


# --- the root is a wall ------------------------------------------------------------------------

@pytest.mark.parametrize("name", ALL_RUNS)
def test_nothing_from_outside_the_root(scans, tree: HostileTree, name: str) -> None:
    text = scans[name].everything
    assert OUTSIDE_MARKER not in text
    assert str(tree.outside) not in text and "/etc/" not in text and "../" not in text


def test_json_paths_are_inside_the_root(scans) -> None:
    doc = json.loads(scans["json"].stdout)

    def paths(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "path" and isinstance(value, str):
                    yield value
                else:
                    yield from paths(value)
        elif isinstance(node, list):
            for item in node:
                yield from paths(item)

    found = list(paths(doc))
    assert found
    assert not [p for p in found if p.startswith(("/", "../")) or "/../" in p]


# --- no credential, no terminal control, no write ----------------------------------------------

@pytest.mark.parametrize("name", ALL_RUNS)
def test_no_planted_credential_in_any_output(scans, name: str) -> None:
    text = scans[name].everything
    assert not [k for k, v in SECRETS.items() if v in text]


@pytest.mark.parametrize("name", ALL_RUNS)
def test_no_terminal_control_characters(scans, name: str) -> None:
    run = scans[name]
    streams = [run.stderr] + ([run.stdout] if name != "ascii-locale" else [])
    for stream in streams:
        bad = {c for c in stream if c in "\x1b\x07\x9b\u202e\u2028" or (ord(c) < 0x20 and c not in "\n")}
        assert not bad, (name, bad)


def test_text_output_is_one_line_per_finding(scans) -> None:
    lines = scans["text"].stdout.splitlines()
    assert lines[-1].startswith("Found ")
    count = int(lines[-1].split()[1])
    assert len(lines) == count + 1
    assert all(line.split(":", 1)[0].startswith(("src/", "names/", "app/", "deploy/", "locked/", "Dockerfile",
                                                 "docker-compose.yml", "compose.bomb.yaml", ".env"))
               for line in lines[:-1])


def test_json_keeps_file_names_exact(scans, tree: HostileTree) -> None:
    doc = json.loads(scans["json"].stdout)
    paths = {f["path"] for f in doc["findings"]}
    assert set(tree.odd_names) <= paths
    assert "names/caf\\xe9.ts" in paths  # not valid UTF-8 on disk: the byte is escaped, as git does


def test_ascii_locale_still_gets_utf8_json(scans) -> None:
    assert json.loads(scans["ascii-locale"].stdout) == json.loads(scans["json"].stdout)


def test_scan_writes_nothing_inside_the_tree(scans) -> None:
    assert scans["_before"] == scans["_after"]


def test_output_inside_the_tree_only_where_named(tree: HostileTree, tmp_path: Path) -> None:
    before = snapshot(tree.root)
    report = tree.root / "envmatrix-report.json"
    try:
        run = run_cli("scan", str(tree.root), "--format", "json", "--output", str(report))
        assert run.returncode in (0, 1) and run.stdout == ""
        after = snapshot(tree.root)
        assert set(after) - set(before) == {"envmatrix-report.json"}
        assert {k: v for k, v in after.items() if k != "envmatrix-report.json"} == before
        json.loads(report.read_text(encoding="utf-8"))
    finally:
        report.unlink(missing_ok=True)


# --- files that change under the scan ----------------------------------------------------------

def _small_tree(base: Path) -> Path:
    root = base / "repo"
    (root / "src").mkdir(parents=True)
    for name in ("a.ts", "b.ts", "c.ts"):
        (root / "src" / name).write_text(
            f'export const v = process.env.{name[0].upper()}_URL ?? "http://localhost:1";\n', encoding="utf-8")
    (base / "outside.ts").write_text(
        f'export const o = process.env.{OUTSIDE_MARKER} ?? "http://localhost:2";\n', encoding="utf-8")
    return root


def _scan_with_hook(monkeypatch, root: Path, hook) -> tuple[int, dict, str]:
    """Scan in-process; ``hook(root)`` runs between discovery and reading."""
    real = scanner.engine.discover

    def discover_then_change(path, config, **kwargs):
        found = real(path, config, **kwargs)
        hook(root)
        return found

    monkeypatch.setattr(scanner.engine, "discover", discover_then_change)
    # Hang guard: a scan blocked in a system call (a FIFO opened for reading) cannot be
    # interrupted from Python, so past the bound the whole test run ends with a traceback.
    faulthandler.dump_traceback_later(HANG_GUARD, exit=True)
    try:
        result = CliRunner().invoke(cli, ["scan", str(root), "--format", "json", "--jobs", "1", *_no_cache("scan")],
                                    catch_exceptions=False)
    finally:
        faulthandler.cancel_dump_traceback_later()
    assert result.exit_code in (0, 1), result.stderr
    return result.exit_code, json.loads(result.stdout), result.stderr


def _codes(doc: dict) -> dict[str, str]:
    return {d["path"]: d["code"] for d in doc["diagnostics"]}


def _finding_paths(doc: dict) -> set[str]:
    return {f["path"] for f in doc["findings"]}


def test_file_deleted_between_discovery_and_reading(monkeypatch, tmp_path: Path) -> None:
    root = _small_tree(tmp_path)
    code, doc, stderr = _scan_with_hook(monkeypatch, root, lambda r: (r / "src" / "b.ts").unlink())
    assert code == 1
    assert _codes(doc)["src/b.ts"] == "vanished"
    assert "src/b.ts: vanished: " in stderr
    assert _finding_paths(doc) == {"src/a.ts", "src/c.ts"}


def test_file_swapped_for_a_symlink_out_of_the_root(monkeypatch, tmp_path: Path) -> None:
    root = _small_tree(tmp_path)

    def swap(r: Path) -> None:
        (r / "src" / "b.ts").unlink()
        os.symlink(tmp_path / "outside.ts", r / "src" / "b.ts")

    code, doc, stderr = _scan_with_hook(monkeypatch, root, swap)
    assert _codes(doc)["src/b.ts"] == "symlink"
    assert OUTSIDE_MARKER not in json.dumps(doc) + stderr
    assert _finding_paths(doc) == {"src/a.ts", "src/c.ts"}


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_file_swapped_for_a_fifo_does_not_block(monkeypatch, tmp_path: Path) -> None:
    root = _small_tree(tmp_path)

    def swap(r: Path) -> None:
        (r / "src" / "b.ts").unlink()
        os.mkfifo(r / "src" / "b.ts")

    code, doc, _ = _scan_with_hook(monkeypatch, root, swap)
    assert _codes(doc)["src/b.ts"] == "special-file"


def test_unreadable_file_is_named_with_the_reason(monkeypatch, tmp_path: Path) -> None:
    """chmod 000 does not stop root, so the permission error is injected where the file is read."""
    root = _small_tree(tmp_path)
    real = scanner.extraction.read_source

    def read(path: str, limit: int) -> bytes:
        if path.endswith("b.ts"):
            raise PermissionError(13, "Permission denied")
        return real(path, limit)

    monkeypatch.setattr(scanner.extraction, "read_source", read)
    code, doc, stderr = _scan_with_hook(monkeypatch, root, lambda r: None)
    assert _codes(doc)["src/b.ts"] == "unreadable"
    assert "src/b.ts: unreadable: skipped: cannot read (Permission denied)" in stderr
    assert _finding_paths(doc) == {"src/a.ts", "src/c.ts"}


@pytest.mark.skipif(os.geteuid() == 0, reason="running as root: chmod 000 does not block reads "
                    "(test_unreadable_file_is_named_with_the_reason injects the error instead)")
def test_chmod_000_file_and_directory(tmp_path: Path) -> None:
    root = _small_tree(tmp_path)
    (root / "src" / "b.ts").chmod(0)
    (root / "locked").mkdir()
    (root / "locked").chmod(0)
    try:
        run = run_cli("scan", str(root), "--format", "json")
    finally:
        (root / "src" / "b.ts").chmod(0o644)
        (root / "locked").chmod(0o755)
    doc = json.loads(run.stdout)
    assert _codes(doc)["src/b.ts"] == "unreadable" and _codes(doc)["locked"] == "unreadable"


# --- reports are replaced atomically; signals leave the old one -------------------------------

def _no_cache(command: str) -> tuple[str, ...]:
    """A scan that must really parse: the facts cache, where there is one, would make a repeat fast."""
    return ("--no-cache",) if any(p.name == "no_cache" for p in cli.commands[command].params) else ()

def _slow_tree(base: Path, files: int = 400) -> Path:
    """A tree that takes seconds to scan: many files of nested code and env reads."""
    root = base / "slow"
    block = "".join(f'export const v{i} = process.env.SLOW_{i}_URL ?? "http://localhost:{i}";\n' for i in range(200))
    block += "export const nested = " + "[\n" * 2000 + "]\n" * 2000 + ";\n"
    for d in range(files // 50):
        sub = root / "src" / f"pkg{d}"
        sub.mkdir(parents=True)
        for i in range(50):
            (sub / f"m{i}.ts").write_text(block, encoding="utf-8")
    return root


def _default_sigint() -> None:
    """In the child: SIGINT as a terminal delivers it. A test run started in the background
    (``cmd &`` in a script) inherits SIGINT ignored, and Python then never raises
    KeyboardInterrupt, whatever envmatrix does."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@pytest.mark.parametrize("command, signum, code", [
    (("scan", "--format", "json"), signal.SIGINT, 130),
    (("scan", "--format", "json"), signal.SIGTERM, 143),
    (("report",), signal.SIGTERM, 143),
])
def test_signal_during_scan_keeps_previous_report(tmp_path: Path, command: tuple, signum: int, code: int) -> None:
    root = _slow_tree(tmp_path)
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    report = out_dir / "report.json"
    report.write_text("previous report\n", encoding="utf-8")
    proc = subprocess.Popen([sys.executable, "-m", "scanner", command[0], str(root), *command[1:],
                             "--output", str(report), "--no-progress", *_no_cache(command[0])],
                            cwd=ROOT, env=_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            start_new_session=True, preexec_fn=_default_sigint)
    try:
        time.sleep(2.0)
        assert proc.poll() is None, "the scan finished before the signal: make _slow_tree larger"
        if signum == signal.SIGINT:
            os.killpg(proc.pid, signum)  # Ctrl-C reaches the whole process group
        else:
            proc.send_signal(signum)  # `kill PID`, as a supervisor sends it
        _, stderr = proc.communicate(timeout=HANG_GUARD)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    assert proc.returncode == code, stderr.decode()[-2000:]
    assert report.read_text(encoding="utf-8") == "previous report\n"
    assert sorted(p.name for p in out_dir.iterdir()) == ["report.json"]
    assert b"Traceback" not in stderr


def test_output_to_a_missing_directory_is_an_error_not_a_crash(tmp_path: Path) -> None:
    root = _small_tree(tmp_path)
    run = run_cli("scan", str(root), "--output", str(tmp_path / "nope" / "r.txt"))
    assert run.returncode == 2
    assert run.stderr.strip().splitlines()[-1].startswith("envmatrix: error: cannot write ")


# --- a crash inside a frontend or a rule never quotes the scanned file -------------------------

def _every_output(root: Path) -> list[list[str]]:
    runs = [["scan", str(root), "--format", fmt, "--debug", "--jobs", "1", *_no_cache("scan")] for fmt in SCAN_FORMATS]
    if "report" in cli.commands:
        runs.append(["report", str(root), "--debug", *_no_cache("report")])
    return runs


def test_frontend_crash_is_a_diagnostic_without_the_file_text(monkeypatch, tmp_path: Path) -> None:
    import scanner.languages.typescript as typescript

    root = _small_tree(tmp_path)
    secret = SECRETS["ts-default"]

    def crash(path, text, options):
        raise ValueError(f"unexpected token near {secret!r}")  # parsers do quote their input

    monkeypatch.setattr(typescript, "extract", crash)
    monkeypatch.setenv("ENVMATRIX_CACHE_DIR", str(tmp_path / "cache"))  # parse, do not recall
    for args in _every_output(root):
        result = CliRunner().invoke(cli, args)
        assert result.exit_code in (0, 1), result.output
        assert secret not in result.stdout + result.stderr, args
        assert "src/a.ts: frontend-error: typescript frontend failed: ValueError at " in result.stderr


def test_rule_crash_is_exit_2_without_the_values_it_held(monkeypatch, tmp_path: Path) -> None:
    import dataclasses

    import scanner.rules

    root = _small_tree(tmp_path)
    secret = SECRETS["ts-compare"]

    def crash(project):
        raise KeyError(secret)

    first = dataclasses.replace(scanner.rules.REGISTRY[0], check=crash)
    monkeypatch.setattr(scanner.rules, "REGISTRY", (first, *scanner.rules.REGISTRY[1:]))
    for args in _every_output(root):
        result = CliRunner().invoke(cli, args)
        assert result.exit_code == 2, (args, result.output)
        assert secret not in result.stdout + result.stderr, args
        assert f"rule-error: {first.code} failed: KeyError at " in result.stderr


# --- the README's diagnostics table is the truth -----------------------------------------------

def _readme_diagnostics() -> dict[str, str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    start = readme.index("<!-- diagnostics-table:start -->")
    end = readme.index("<!-- diagnostics-table:end -->")
    rows = [line.split("|")[1:-1] for line in readme[start:end].splitlines() if line.startswith("| `")]
    return {cells[0].strip().strip("`"): cells[1].strip() for cells in rows}


#: Codes the hook and crash tests above produce, which the hostile tree alone cannot.
_INJECTED = {"vanished", "unreadable", "special-file", "symlink", "frontend-error", "rule-error", "timeout",
             "worker-crashed"}


def test_readme_documents_every_diagnostic_code_with_its_level(scans) -> None:
    documented = _readme_diagnostics()
    seen = {(d["code"], d["level"]) for d in json.loads(scans["json"].stdout)["diagnostics"]}
    assert {code for code, _ in seen} | _INJECTED <= set(documented), sorted({c for c, _ in seen} - set(documented))
    assert not [(code, level) for code, level in seen if documented[code] != level]


# --- directories nested past Python's recursion limit ------------------------------------------

def _chain(base: Path, depth: int, leaf: bytes) -> None:
    """``base/a/a/…/a/x.ts``, ``depth`` levels, made through directory fds (paths stay short)."""
    fd = os.open(base, os.O_RDONLY)
    try:
        for _ in range(depth):
            os.mkdir("a", dir_fd=fd)
            inner = os.open("a", os.O_RDONLY, dir_fd=fd)
            os.close(fd)
            fd = inner
        out = os.open("x.ts", os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=fd)
        os.write(out, leaf)
        os.close(out)
    finally:
        os.close(fd)


def _unchain(base: Path, depth: int) -> None:
    """Remove what ``_chain`` made without recursion (shutil.rmtree recurses in Python 3.11):
    lift the chain below the top directory up one level at a time, then remove the top."""
    fd = os.open(base, os.O_RDONLY)
    try:
        for _ in range(depth - 1):
            os.rename("a/a", "lifted", src_dir_fd=fd, dst_dir_fd=fd)
            os.rmdir("a", dir_fd=fd)
            os.rename("lifted", "a", src_dir_fd=fd, dst_dir_fd=fd)
        os.unlink("a/x.ts", dir_fd=fd)
        os.rmdir("a", dir_fd=fd)
    finally:
        os.close(fd)


def test_directories_nested_past_the_recursion_limit(tmp_path: Path) -> None:
    depth = 1100  # past the default recursion limit (1000) that the walk used to hit
    root = _small_tree(tmp_path)
    (root / "deep").mkdir()
    _chain(root / "deep", depth, b'export const d = process.env.DEEP_DIR_URL ?? "http://localhost:1";\n')
    try:
        run = run_cli("scan", str(root), "--format", "json")
    finally:
        _unchain(root / "deep", depth)
    assert run.returncode == 1, run.stderr[-500:]
    doc = json.loads(run.stdout)
    deep = [d for d in doc["diagnostics"] if d["code"] == "too-deep"]
    assert len(deep) == 1 and deep[0]["path"].startswith("deep/a/a/")
    assert _finding_paths(doc) == {"src/a.ts", "src/b.ts", "src/c.ts"}


# --- ignore files cannot hang the scan ---------------------------------------------------------

def test_gitignore_patterns_are_matched_by_re2() -> None:
    import pathspec

    from pathspec._backends.re2.gitignore import Re2GiBackend

    assert isinstance(pathspec.GitIgnoreSpec.from_lines(["*.log"])._backend, Re2GiBackend)


def test_catastrophic_gitignore_patterns_do_not_hang(tmp_path: Path) -> None:
    """With a backtracking engine each of these checks takes minutes; RE2 takes microseconds."""
    root = _small_tree(tmp_path)
    trap = root / "trap"
    trap.mkdir()
    (trap / ".gitignore").write_text("a*a*a*a*a*a*a*a*a*a*a*b\n**/a/**/a/**/a/**/a/**/b\n*.log\n", encoding="utf-8")
    leaf = 'export const t = process.env.TRAP_URL ?? "http://localhost:1";\n'
    (trap / ("a" * 200 + ".ts")).write_text(leaf, encoding="utf-8")
    (trap / "x.log").write_text("ignored\n", encoding="utf-8")
    for i in range(100):  # enough checks for discovery to build its one-regex screen of the file
        (trap / f"{'a' * 150}{i}.txt").write_text("x\n", encoding="utf-8")
    _chain(trap, 150, leaf.encode())
    try:
        run = run_cli("scan", str(root), "--format", "json", timeout=120)
    finally:
        _unchain(trap, 150)
    assert run.returncode == 1, run.stderr[-500:]
    paths = _finding_paths(json.loads(run.stdout))
    assert f"trap/{'a' * 200}.ts" in paths
    assert "trap/" + "a/" * 150 + "x.ts" in paths


def test_oversized_ignore_file_is_read_in_part(tmp_path: Path) -> None:
    root = _small_tree(tmp_path)
    (root / ".gitignore").write_bytes(b"src/a.ts\n" + b"#" * (2 * 1024 * 1024) + b"\nsrc/b.ts\n")
    run = run_cli("scan", str(root), "--format", "json")
    doc = json.loads(run.stdout)
    assert _codes(doc)[".gitignore"] == "too-large"
    assert _finding_paths(doc) == {"src/b.ts", "src/c.ts"}  # the first pattern applies, the cut one does not


def test_long_lines_cost_linear_time(tmp_path: Path) -> None:
    """One 600 kB line of scheme characters and a colon, in every text-read kind: each regex over
    a line must try a match only where it can start (the text frontend's URL regex was quadratic:
    3.6 s at 40 kB, so about 14 minutes here)."""
    root = _small_tree(tmp_path)
    line = b"a" * 600_000 + b":"
    for rel in ("data/blob.json", "docs/notes.md", ".env.blob", "deploy/blob.yaml", "Dockerfile.blob",
                "src/blob.py"):
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(line + b"\n")
    run = run_cli("scan", str(root), "--format", "json", "--include-hidden", timeout=120)
    assert run.returncode == 1, run.stderr[-500:]
    assert run.seconds < 120


@pytest.mark.parametrize("make", ["fifo", "zero"])
def test_config_file_that_never_ends_is_not_read(tmp_path: Path, make: str) -> None:
    root = _small_tree(tmp_path)
    config = root / ".envmatrix.toml"
    if make == "fifo":
        if not hasattr(os, "mkfifo"):
            pytest.skip("no FIFOs on this platform")
        os.mkfifo(config)
    else:
        config.symlink_to("/dev/zero")
    run = run_cli("scan", str(root), "--format", "json", timeout=60)
    assert run.returncode == 1, run.stderr[-500:]
    assert _codes(json.loads(run.stdout))[".envmatrix.toml"] in {"special-file", "symlink-outside-root"}


# --- isolation: the per-file time budget and a crashing worker (scanner/pool.py) ----------------

_CRASHING_CLI = """
import os, signal, sys
import scanner.languages.typescript as typescript
real = typescript.extract
def extract(path, text, options):
    if "CRASH_THE_WORKER" in text:
        os.kill(os.getpid(), signal.SIGSEGV)  # what a parser's stack overflow looks like
    return real(path, text, options)
typescript.extract = extract
from scanner.cli import main
sys.argv = ["envmatrix", *sys.argv[1:]]
main()
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the patched frontend reaches workers by fork")
def test_worker_crash_costs_only_that_file(tmp_path: Path) -> None:
    root = _small_tree(tmp_path)
    (root / "src" / "boom.ts").write_text(
        'export const b = process.env.BOOM_URL ?? "http://localhost:9"; // CRASH_THE_WORKER\n', encoding="utf-8")
    proc = subprocess.run([sys.executable, "-c", _CRASHING_CLI, "scan", str(root), "--format", "json",
                           "--jobs", "2", "--no-cache"], cwd=ROOT, capture_output=True, timeout=HANG_GUARD, env=_env())
    assert proc.returncode == 1, proc.stderr.decode()[-1000:]
    doc = json.loads(proc.stdout)
    assert _codes(doc)["src/boom.ts"] == "worker-crashed"
    assert _finding_paths(doc) == {"src/a.ts", "src/b.ts", "src/c.ts"}


_HANGING_CLI = """
import dataclasses, sys, time
import scanner.extraction as extraction
import scanner.languages.typescript as typescript
real = typescript.extract
def extract(path, text, options):
    if "HANG_THE_FRONTEND" in text:
        time.sleep(600)  # only the budget can end this
    return real(path, text, options)
typescript.extract = extract
real_all = extraction.extract_all
extraction.extract_all = lambda files, config, *a: real_all(files, dataclasses.replace(config, file_timeout=2), *a)
from scanner.cli import main
sys.argv = ["envmatrix", *sys.argv[1:]]
main()
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the patched frontend reaches workers by fork")
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_time_budget_skips_a_file_that_takes_too_long(tmp_path: Path, jobs: str) -> None:
    """Workers (`--jobs 2`) are killed on time; in one process (`--jobs 1`) an alarm interrupts
    the frontend. The alarm lands between Python steps only, so the frontends' own C calls (the
    parse, the queries) must stay short on any input: see the deep-syntax test below."""
    root = _small_tree(tmp_path)
    (root / "src" / "hang.ts").write_text(
        'export const h = process.env.HANG_URL ?? "http://localhost:9"; // HANG_THE_FRONTEND\n', encoding="utf-8")
    proc = subprocess.run([sys.executable, "-c", _HANGING_CLI, "scan", str(root), "--format", "json",
                           "--jobs", jobs, "--no-cache"], cwd=ROOT, capture_output=True, timeout=HANG_GUARD, env=_env())
    assert proc.returncode == 1, proc.stderr.decode()[-1000:]
    doc = json.loads(proc.stdout)
    assert _codes(doc)["src/hang.ts"] == "timeout"
    assert _finding_paths(doc) == {"src/a.ts", "src/b.ts", "src/c.ts"}


#: Syntax 20,000 levels deep, each shape once; the line after it must keep its finding.
_DEEP_SHAPES = {
    "nullish": "const x = " + " ??\n".join(["process.env.A"] * 20_000) + ";\n",
    "or": "const x = a || " + " ||\n".join(["b"] * 20_000) + ";\n",
    "plus": "const x = " + " +\n".join(['"s"'] * 20_000) + ";\n",
    "brackets": "export const nested = " + "[\n" * 20_000 + "]\n" * 20_000 + ";\n",
    "calls": "const x = z" + '\n.get("a")' * 20_000 + ";\n",
    "ternary": "const x = " + 'process.env.NODE_ENV === "production" ?\n 1 :\n' * 20_000 + "2;\n",
    "elseif": "".join(f'if (process.env.NODE_ENV === "e{i}") {{ x(); }} else\n' for i in range(10_000)) + "{}\n",
}


def test_deep_syntax_is_read_in_part_in_one_process(tmp_path: Path) -> None:
    """Each shape took from 30 s to minutes in one process, where the time budget could not stop
    tree-sitter's query call (246 s for the `??` chain). Now the queries are linear, and what lies
    past 500 levels is not judged: each file gets `js-too-deep` and keeps its healthy line."""
    root = _small_tree(tmp_path)
    for name, text in _DEEP_SHAPES.items():
        ok, _ = url_line(f"AFTER_{name.upper()}_URL")
        (root / "src" / f"deep-{name}.ts").write_text(text + ok + "\n", encoding="utf-8")
    run = run_cli("scan", str(root), "--format", "json", "--jobs", "1", "--no-cache")
    assert run.returncode == 1, run.stderr[-1000:]
    doc = json.loads(run.stdout)
    codes = _codes(doc)
    for name, text in _DEEP_SHAPES.items():
        path = f"src/deep-{name}.ts"
        assert codes.get(path) == "js-too-deep", (path, codes.get(path))
        assert f"{path}: js-too-deep: read in part: syntax nested deeper than 500 levels (lines " in run.stderr
        after = text.count("\n") + 1
        assert [(f["line"], f["rule"]) for f in doc["findings"] if f["path"] == path] == [(after, "URL001")], path
    assert {"src/a.ts", "src/b.ts", "src/c.ts"} <= _finding_paths(doc)


def test_cache_entries_are_written_whole_or_not_at_all(tmp_path: Path, monkeypatch) -> None:
    from scanner import cache as cache_mod
    from scanner.facts import FileFacts

    store = cache_mod.FactsCache(tmp_path / "cache")
    facts = FileFacts("src/a.ts")
    from scanner.languages import ExtractOptions

    key = store.key("src/a.ts", b"x", ExtractOptions("typescript"))

    def interrupted(src, dst):
        raise KeyboardInterrupt

    monkeypatch.setattr(cache_mod.os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        store.put(key, facts)
    monkeypatch.undo()
    assert store.get(key, "src/a.ts") is None  # no half entry under the real name
    store.put(key, facts)
    assert store.get(key, "src/a.ts") == facts


def test_a_scan_leaves_no_temporary_cache_files(tmp_path: Path) -> None:
    root = _small_tree(tmp_path)
    cache_dir = tmp_path / "cache"
    run = run_cli("scan", str(root), "--format", "json", env={"ENVMATRIX_CACHE_DIR": str(cache_dir)})
    assert run.returncode == 1
    names = [p.name for p in cache_dir.rglob("*")]
    assert names and not [n for n in names if n.startswith((".tmp-", ".envmatrix-"))]
