"""The per-file stage gives the same findings and inventory whatever runs it: with or without the
pre-filter, the cache and the worker pool; a crash or a hang costs one file, not the scan."""

from __future__ import annotations

import dataclasses
import json
import multiprocessing
import os
import sys
import time
from pathlib import Path

import pytest

from scanner import pool
from scanner.cache import FactsCache
from scanner.config import Config
from scanner.engine import scan
from scanner.extraction import extract_all
from scanner.discover import discover
from scanner.languages import ExtractOptions, extract_bytes, may_have_facts
from scanner.report import renderer

ROOT = Path(__file__).resolve().parent.parent
TREES = sorted(p for p in (ROOT / "fixtures" / "rules").iterdir() if p.is_dir()) + [ROOT / "fixtures" / "growqr-backend"]
FORK = sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods()


def outcome(root: Path, **changes) -> tuple[str, str]:
    """Findings and inventory as the JSON report shows them."""
    report = json.loads(renderer("json")(scan(root, dataclasses.replace(Config(), **changes))))
    return (json.dumps(report["findings"], sort_keys=True), json.dumps(report["inventory"], sort_keys=True))


@pytest.mark.parametrize("root", TREES, ids=lambda p: p.name)
def test_prefilter_changes_nothing(root: Path) -> None:
    assert outcome(root, prefilter=False, use_cache=False, jobs=1) == outcome(root, use_cache=False, jobs=1)


@pytest.mark.skipif(not FORK, reason="the pool test forks")
def test_pool_changes_nothing() -> None:
    root = ROOT / "fixtures" / "growqr-backend"
    assert outcome(root, use_cache=False, jobs=3) == outcome(root, use_cache=False, jobs=1)


def test_cache_changes_nothing(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("ENVMATRIX_CACHE_DIR", str(tmp_path / "cache"))
    root = ROOT / "fixtures" / "growqr-backend"
    cold = outcome(root, jobs=1)
    entries = [p for p in (tmp_path / "cache").rglob("*") if p.is_file() and not p.name.startswith(".")]
    assert entries, "a cold scan fills the cache"
    assert outcome(root, jobs=1) == cold == outcome(root, use_cache=False, jobs=1)


def test_corrupt_cache_entry_is_ignored_and_rewritten(tmp_path, monkeypatch) -> None:
    import scanner.snapshot

    monkeypatch.setattr(scanner.snapshot, "RACY_NS", 0)  # however recently the fixtures were checked out
    monkeypatch.setenv("ENVMATRIX_CACHE_DIR", str(tmp_path / "cache"))
    root = ROOT / "fixtures" / "growqr-backend"
    expected = outcome(root, jobs=1)
    entries = [p for p in (tmp_path / "cache").rglob("*") if p.is_file() and not p.name.startswith(".")]
    for i, entry in enumerate(entries):
        entry.write_bytes(b"" if i % 2 else b"envmatrix-facts\n\x80garbage")
    assert {p.parent.parent.name if p.parent.name[:2].isalnum() and len(p.parent.name) == 2 else p.parent.name
            for p in entries} == {"facts-v2", "index-v2", "snapshot-v1"}
    assert outcome(root, jobs=1) == expected
    for entry in entries:  # every one was rewritten whole, the facts, the stat index and the snapshot
        blob = entry.read_bytes()
        assert blob.startswith((b"envmatrix-facts\n\x80", b"envmatrix-snapshot-1\n")) and len(blob) > 40, entry


def test_cache_never_writes_inside_the_scanned_tree(tmp_path, monkeypatch) -> None:
    tree = tmp_path / "tree"
    (tree / "src").mkdir(parents=True)
    (tree / "src" / "db.ts").write_text('export const url = process.env.DATABASE_URL ?? "postgres://localhost/app";\n')
    monkeypatch.setenv("ENVMATRIX_CACHE_DIR", str(tree / ".envmatrix-cache"))
    scan(tree, Config(jobs=1))
    assert not (tree / ".envmatrix-cache").exists()


def test_cache_key_depends_on_content_path_and_options() -> None:
    key = FactsCache.key
    ts = ExtractOptions("typescript")
    base = key("a.ts", b"x", ts)
    assert base == key("a.ts", b"x", ExtractOptions("typescript", frozenset(), frozenset()))
    assert key("a.ts", b"x", ExtractOptions("typescript", frozenset({"b", "a", "c"}))) == \
        key("a.ts", b"x", ExtractOptions("typescript", frozenset({"c", "a", "b"})))
    assert len({base, key("b.ts", b"x", ts), key("a.ts", b"y", ts), key("a.ts", b"x", ExtractOptions("tsx")),
                key("a.ts", b"x", ExtractOptions("typescript", frozenset({"devbox"}))),
                key("a.ts", b"x", ExtractOptions("typescript", frozenset(), frozenset({"*_PIN"})))}) == 6


def test_prune_keeps_the_cache_bounded(tmp_path, monkeypatch) -> None:
    import scanner.cache as cache_mod
    from scanner.facts import FileFacts

    monkeypatch.setattr(cache_mod, "MAX_ENTRIES", 10)
    cache = FactsCache(tmp_path)
    for i in range(30):
        cache.put(f"{i:064x}", FileFacts(f"f{i}.ts"))
    assert cache.prune(force=True) > 0
    left = [p for p in tmp_path.rglob("*") if p.is_file() and not p.name.startswith(".")]
    assert len(left) <= 8


# ---------------------------------------------------------------------- the pre-filter

TS = ExtractOptions("typescript")


@pytest.mark.parametrize("source", [
    'const url = process.env.API_URL;',
    'const url = import.meta.env.VITE_API;',
    'fetch("http://localhost:3000/api");',
    'const u = "http://127.0.0.1:8080";',
    'if (isCI) { run(); }',
    'if (IS_PREVIEW) run();',
    'if (settings.debugMode) run();',
    'if (x.environment === "production") run();',
    'switch (stage) { case "qa": break; }',
    'const baseImage = "node:latest";',
    'if (req.headers["x-api-key"] === "dev-key") next();',
    'const dbUrl = this.configService.get("DATABASE_URL");',
    'if (require.main === module) main();',
    'if (config.nodeEnv) start();',
    'import env from "./env"; export const db = connect(env.DATABASE_URL);',
])
def test_prefilter_keeps_files_with_triggers(source: str) -> None:
    assert may_have_facts("src/a.ts", source.encode(), TS)
    assert extract_bytes("src/a.ts", source.encode(), TS).facts  # each case is a real trigger


@pytest.mark.parametrize("source", [
    'app.get("/seed-demo", (req, res) => res.json(seed()));',
    'const r = Router(); export default r;',
    'this.server.post("/internal/reset", handler);',
    'import type { Request, Response } from "express"; export const h = (req: Request) => req.body;',
    'export { default as homeRouter } from "./home";',  # a mount chain through an index file
    'export {\n  adminRouter,\n  seedRouter,\n} from \'./routes\';',
    'import type { Context } from "hono"; export const guard = async (c: Context<HonoEnv>) => c;',
])
def test_prefilter_keeps_route_files(source: str) -> None:
    assert may_have_facts("src/a.ts", source.encode(), TS)


def test_prefilter_keeps_a_reexport_that_mounts(tmp_path) -> None:
    """The re-export mark stands for ``Mount`` facts: the file that holds only the re-export gives one."""
    source = b'export { default as homeRouter } from "./home";\n'
    assert may_have_facts("src/routes/index.ts", source, TS)
    assert [type(f).__name__ for f in extract_bytes("src/routes/index.ts", source, TS).facts] == ["Mount"]


@pytest.mark.parametrize("source", [
    'export const cronHint = "Use a cron expression, like 0 9 * * 1";',
    'export enum Zone { GUAM = "Pacific/Guam", HONOLULU = "Pacific/Honolulu" }',
    'const Button = () => null; const buttonVariants = {}; export { Button, buttonVariants };',
    'export { Icon123, IconAbc } from "react-icons/md";',  # a package's module: nothing to mount
    'const processed = items.map(x => x.envelope); // one per environments list',
])
def test_prefilter_skips_route_and_env_look_alikes(source: str) -> None:
    assert not may_have_facts("src/a.ts", source.encode(), TS)
    assert not extract_bytes("src/a.ts", source.encode(), TS).facts  # and a parse would agree


@pytest.mark.parametrize("source", [
    'export function add(a: number, b: number) { return a + b; }',
    'const latest = items.at(-1); if (latest.contest) render(latest);',
    'const keys = Object.keys(map); if (keys.length === 0) return;',
    'import { Button } from "./button"; export const App = () => <Button label="Save" />;',
    # words of environment names inside other names, and look-alikes of route registrations
    'await sendTestEmail(user); const preview = renderPreview(doc);',
    'const v = cache.get(key); seen.delete(key); emitter.on("done", stop);',
    'const router = useRouter(); router.push("/home");',
    'if (token.length === 0) return; const mode = "dark";',
    'const s = { environmentId: "env-1", file: ".env", dir: "deploy/env" };',
])
def test_prefilter_skips_files_without_triggers(source: str) -> None:
    assert not may_have_facts("src/a.ts", source.encode(), TS)


def test_prefilter_extra_local_hosts() -> None:
    source = b'const api = "http://devbox:8080";'
    assert not may_have_facts("src/a.ts", source, TS)
    assert may_have_facts("src/a.ts", source, ExtractOptions("typescript", frozenset({"devbox"})))


def test_second_pass_parses_uses_of_bound_properties(tmp_path) -> None:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "config.ts").write_text(
        'export const config = { dbUrl: process.env.DATABASE_URL ?? "postgres://localhost/app" };\n')
    use = 'import { config } from "./config";\nexport function open() { return connect(config.dbUrl); }\n'
    (tmp_path / "src" / "db.ts").write_text(use)
    assert not may_have_facts("src/db.ts", use.encode(), TS)
    result = scan(tmp_path, Config(use_cache=False, jobs=1))
    (variable,) = [v for v in result.inventory.variables if v.name == "DATABASE_URL"]
    assert [u["path"] for u in variable.uses] == ["src/db.ts"]


_SECOND_PASS_IN_WORKERS = """
import json, sys
from scanner.config import Config
from scanner.engine import scan
from scanner.languages import typescript
result = scan(sys.argv[1], Config(use_cache=False, jobs=2))
(variable,) = [v for v in result.inventory.variables if v.name == "DATABASE_URL"]
print(json.dumps({"uses": sorted(u["path"] for u in variable.uses),
                  "parsers_here": typescript._parser.cache_info().currsize}))
"""


@pytest.mark.skipif(not FORK, reason="the zygote is forked")
def test_second_pass_runs_in_the_zygotes_workers(tmp_path) -> None:
    """After a first pass in workers, the few files of the second pass go to the zygote's
    workers too: this process never builds a parser (it would compile every query for them)."""
    import subprocess

    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "config.ts").write_text(
        'export const config = { dbUrl: process.env.DATABASE_URL ?? "postgres://localhost/app" };\n')
    use = 'import { config } from "./config";\nexport function open() { return connect(config.dbUrl); }\n'
    (tmp_path / "src" / "db.ts").write_text(use)
    filler = "export const rows = [" + ", ".join(str(i) for i in range(20_000)) + "];\n"
    for i in range(8):  # enough bytes that the first pass runs in workers
        (tmp_path / "src" / f"data{i}.ts").write_text(filler)
    proc = subprocess.run([sys.executable, "-c", _SECOND_PASS_IN_WORKERS, str(tmp_path)], capture_output=True,
                          cwd=ROOT, timeout=120)
    assert proc.returncode == 0, proc.stderr.decode()[-2000:]
    assert json.loads(proc.stdout) == {"uses": ["src/db.ts"], "parsers_here": 0}


# ---------------------------------------------------------------------- isolation

def _misbehave(task):
    if task.path.endswith("crash.ts"):
        os.kill(os.getpid(), 9)
    if task.path.endswith("slow.ts"):
        time.sleep(30)
    return real_run_task(task)


real_run_task = pool.run_task


def _tasks(names):
    return [pool.Task(i, name, ExtractOptions("typescript"), b'const u = process.env.URL ?? "http://localhost";\n')
            for i, name in enumerate(names)]


def _no_warm(kinds) -> None:
    return None


@pytest.mark.skipif(not FORK, reason="the workers inherit the patched function by forking")
@pytest.mark.parametrize("warm", [None, _no_warm], ids=["forked-here", "from-a-zygote"])
def test_a_crash_or_a_hang_costs_one_file(monkeypatch, warm) -> None:
    monkeypatch.setattr(pool, "run_task", _misbehave)
    names = [f"src/f{i}.ts" for i in range(40)]
    names[5], names[23] = "src/crash.ts", "src/slow.ts"
    start = time.monotonic()
    results = dict(pool.run(_tasks(names), jobs=2, timeout=1.0, warm=warm))
    assert time.monotonic() - start < 20
    assert sorted(results) == list(range(40))
    assert results[5].diagnostics[0][0] == "worker-crashed"
    assert results[23].diagnostics[0][0] == "timeout"
    assert all(results[i].facts and not results[i].diagnostics for i in range(40) if i not in {5, 23})


# ---------------------------------------------------------------------- the zygote (pool.Zygote)

_STATE = {"value": "at start", "warmed": ()}


def _report_state(task):
    """A worker's view of what the parent and the zygote set (a module-level ``work``)."""
    return (_STATE["value"], _STATE["warmed"], os.getppid())


def _record_warm(kinds) -> None:
    _STATE["warmed"] = tuple(sorted(kinds))


def _burn(task):
    end = time.process_time() + 0.15
    while time.process_time() < end:
        pass
    return task.index


@dataclasses.dataclass(frozen=True)
class _Job:
    index: int
    path: str


@pytest.mark.skipif(not FORK, reason="the zygote is forked")
def test_zygote_workers_share_its_warming_not_what_the_parent_built_later(monkeypatch) -> None:
    monkeypatch.setitem(_STATE, "value", "at start")
    zygote = pool.Zygote.start(_report_state, _record_warm)
    try:
        monkeypatch.setitem(_STATE, "value", "after the fork")  # as the walk's file list is built
        zygote.warm({"typescript", "python"})
        zygote.warm({"python"})  # asked once only
        results = list(pool.run_raw([_Job(i, f"f{i}") for i in range(6)], 2, 10.0, _report_state, zygote=zygote))
    finally:
        zygote.close()
        zygote.close()  # idempotent
    assert {result for _task, result, _lost in results} == {("at start", ("python", "typescript"), zygote.pid)}
    assert _STATE["warmed"] == ()  # this process built nothing


@pytest.mark.skipif(not FORK, reason="the zygote is forked")
def test_zygote_workers_are_reaped_and_their_cpu_time_counted() -> None:
    import resource

    def cpu() -> float:
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        return usage.ru_utime + usage.ru_stime

    before = cpu()
    results = list(pool.run_raw([_Job(i, f"f{i}") for i in range(4)], 2, 10.0, _burn, warm=_no_warm))
    assert sorted(result for _task, result, _lost in results) == [0, 1, 2, 3]
    # 4 x 0.15 s of CPU in grandchildren reaches this process once the zygote is reaped.
    assert cpu() - before >= 0.5
    with pytest.raises(ChildProcessError):
        os.waitpid(-1, os.WNOHANG)  # no zygote or worker left behind


@pytest.fixture
def zygote_starts(monkeypatch) -> list[int]:
    """One entry per zygote a scan forks, on a machine taken to have two CPUs."""
    started: list[int] = []
    real = pool.Zygote.start
    monkeypatch.setattr(pool.Zygote, "start", classmethod(lambda cls, *a: started.append(1) or real(*a)))
    monkeypatch.setattr("scanner.extraction.cpu_count", lambda: 2)
    return started


@pytest.mark.skipif(not FORK, reason="the zygote is forked")
def test_the_zygote_is_forked_once_the_walk_finds_enough_to_read(tmp_path, zygote_starts) -> None:
    started = zygote_starts
    (tmp_path / "a.ts").write_text('export const u = process.env.URL ?? "http://localhost:1";\n')
    scan(tmp_path, Config(use_cache=False))
    assert started == []  # a small tree: in-process, nothing forked
    for i in range(30):
        (tmp_path / f"m{i}.ts").write_text('export const u = process.env.URL ?? "http://localhost:1";\n' * 800)
    result = scan(tmp_path, Config(use_cache=False))
    assert started == [1] and len(result.findings) > 30


@pytest.mark.skipif(not FORK, reason="the zygote is forked")
def test_the_zygote_leaves_libcst_to_a_worker_when_python_is_small(tmp_path, monkeypatch, zygote_starts) -> None:
    """Workers wait for the zygote's warming: libcst (0.27 s) is left to the worker that meets
    the one small Python file beside 1.4 MB of TypeScript, which is still scanned; a small
    JavaScript file's grammar (quick to build, and heavier in a worker) is warmed."""
    asked: list[str] = []
    real = pool.Zygote.warm
    monkeypatch.setattr(pool.Zygote, "warm", lambda self, kinds: (asked.extend(kinds := list(kinds)), real(self, kinds)))
    for i in range(30):
        (tmp_path / f"m{i}.ts").write_text('export const u = process.env.URL ?? "http://localhost:1";\n' * 800)
    (tmp_path / "settings.py").write_text('import os\nDB = os.environ.get("DB", "postgres://localhost/x")\n')
    (tmp_path / "worker.js").write_text('const q = process.env.QUEUE || "redis://localhost:6379";\n')
    result = scan(tmp_path, Config(use_cache=False))
    assert zygote_starts == [1]
    assert set(asked) == {"typescript", "javascript"}
    assert {"settings.py", "worker.js"} <= {f.span.path for f in result.findings}


@pytest.mark.skipif(not FORK, reason="the zygote is forked")
def test_a_rescan_after_an_edit_forks_no_zygote(tmp_path, monkeypatch, zygote_starts) -> None:
    """The stat index answers for every file but the edited one: nothing to build parsers for."""
    started = zygote_starts
    monkeypatch.setenv("ENVMATRIX_CACHE_DIR", str(tmp_path / "cache"))
    root = tmp_path / "repo"
    root.mkdir()
    past = time.time() - 600  # older than the index's racy window
    for i in range(30):
        (root / f"m{i}.ts").write_text('export const u = process.env.URL ?? "http://localhost:1";\n' * 800)
        os.utime(root / f"m{i}.ts", (past, past))
    first = scan(root, Config())
    assert started == [1]
    (root / "m3.ts").write_text('export const u = process.env.URL ?? "http://localhost:2";\n' * 800)
    os.utime(root / "m3.ts", (past + 60, past + 60))
    second = scan(root, Config())
    assert started == [1] and len(second.findings) == len(first.findings)


@pytest.mark.skipif(not FORK, reason="the zygote is forked")
def test_a_scan_leaves_no_process_behind(tmp_path) -> None:
    for i in range(30):
        (tmp_path / f"m{i}.ts").write_text('export const u = process.env.URL ?? "http://localhost:1";\n' * 800)
    result = scan(tmp_path, Config(jobs=2, use_cache=False))
    assert len({f.span.path for f in result.findings}) == 30
    with pytest.raises(ChildProcessError):
        os.waitpid(-1, os.WNOHANG)


@pytest.mark.skipif(not hasattr(__import__("signal"), "setitimer"), reason="needs POSIX alarms")
def test_in_process_time_budget(monkeypatch, tmp_path) -> None:
    import scanner.extraction as extraction

    def slow(task):
        if task.path.endswith("slow.ts"):
            time.sleep(5)
        return real_run_task(task)

    monkeypatch.setattr(extraction, "run_task", slow)
    for name in ("a.ts", "slow.ts", "z.ts"):
        (tmp_path / name).write_text('const u = process.env.URL ?? "http://localhost";\n')
    files = discover(tmp_path, Config()).files
    facts = extract_all(files, Config(jobs=1, use_cache=False, file_timeout=0.3))
    assert [f.path for f in facts] == ["a.ts", "slow.ts", "z.ts"]
    assert facts[1].diagnostics[0][0] == "timeout"
    assert facts[0].facts and facts[2].facts


def test_cli_no_cache_writes_nothing(tmp_path, monkeypatch) -> None:
    from click.testing import CliRunner

    from scanner.cli import cli

    monkeypatch.setenv("ENVMATRIX_CACHE_DIR", str(tmp_path / "cache"))
    root = str(ROOT / "fixtures" / "growqr-backend")
    result = CliRunner().invoke(cli, ["scan", root, "--no-cache", "--jobs", "1", "--format", "json"])
    assert result.exit_code == 1
    assert not (tmp_path / "cache").exists()
    CliRunner().invoke(cli, ["scan", root, "--jobs", "1"])
    assert (tmp_path / "cache").exists()


def test_fact_codec_round_trips_every_fact() -> None:
    from scanner._factcodec import pack, unpack
    from scanner.facts import FileFacts, Span

    roots = TREES
    files = [ff for root in roots for ff in extract_all(discover(root, Config()).files, Config(use_cache=False, jobs=1))]
    kinds = {type(f).__name__ for ff in files for f in ff.facts}
    assert {"EnvRead", "EnvBranch", "Literal", "ImageRef", "ConfigBinding"} <= kinds
    for ff in files:
        assert unpack(pack(ff)) == ff
    odd = FileFacts("x.ts", (Span("x.ts", 1, 1, 1, 2),), (("parse-error", "…"),), (("a", "b"),))
    assert unpack(pack(odd)) == odd


def test_prefilter_dispatch(monkeypatch) -> None:
    import types

    import scanner.languages as languages

    on_bytes = types.SimpleNamespace(may_have_facts=lambda path, data, options: b"hit" in data)
    text_only = types.SimpleNamespace(could_have_facts=lambda text, hosts: False)  # not the protocol: ignored
    monkeypatch.setattr(languages, "frontend_for", {"b": on_bytes, "t": text_only}.get)
    assert may_have_facts("f", b"a hit", ExtractOptions("b")) and not may_have_facts("f", b"miss", ExtractOptions("b"))
    assert may_have_facts("f", b"miss", ExtractOptions("t"))
    assert not may_have_facts("f", b"hit", ExtractOptions("no-frontend"))


# ---------------------------------------------------------------------- the stat index (warm path)

def _age(tree: Path, seconds: float = 3600) -> None:
    """Put every file's mtime in the past, out of the index's racy window."""
    past = time.time() - seconds
    for p in tree.rglob("*"):
        if p.is_file():
            os.utime(p, (past, past))


def _reads(monkeypatch) -> list[str]:
    import scanner.extraction as extraction

    seen: list[str] = []
    real = extraction._read

    def counting(sf, config):
        seen.append(sf.path)
        return real(sf, config)

    monkeypatch.setattr(extraction, "_read", counting)
    return seen


def _tree(tmp_path: Path, bound: str) -> Path:
    tree = tmp_path / "tree"
    (tree / "src").mkdir(parents=True, exist_ok=True)
    (tree / "src" / "config.ts").write_text(f'export const config = {{ {bound}: process.env.DATABASE_URL ?? "x" }};\n')
    (tree / "src" / "db.ts").write_text('import { config } from "./config";\nexport const open = () => connect(config.dbUrl);\n')
    (tree / "src" / "math.ts").write_text("export const add = (a: number, b: number) => a + b;\n")
    return tree


def test_warm_scan_reads_no_unchanged_file(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("ENVMATRIX_CACHE_DIR", str(tmp_path / "cache"))
    tree = _tree(tmp_path, "dbUrl")
    _age(tree)
    cold = outcome(tree, jobs=1)
    reads = _reads(monkeypatch)
    assert outcome(tree, jobs=1) == cold
    assert reads == []
    (tree / "src" / "math.ts").write_text('export const url = "http://localhost:1";\n')
    changed = outcome(tree, jobs=1)
    assert reads == ["src/math.ts"] and changed != cold


def test_warm_scan_rechecks_skipped_files_when_bindings_change(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("ENVMATRIX_CACHE_DIR", str(tmp_path / "cache"))
    tree = _tree(tmp_path, "other")
    _age(tree)
    scan(tree, Config(jobs=1))
    (tree / "src" / "config.ts").write_text('export const config = { dbUrl: process.env.DATABASE_URL ?? "x" };\n')
    result = scan(tree, Config(jobs=1))
    (variable,) = [v for v in result.inventory.variables if v.name == "DATABASE_URL"]
    assert [u["path"] for u in variable.uses] == ["src/db.ts"]
    assert outcome(tree, jobs=1) == outcome(tree, jobs=1, use_cache=False)


def test_files_changed_just_before_the_index_are_read_again(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("ENVMATRIX_CACHE_DIR", str(tmp_path / "cache"))
    tree = _tree(tmp_path, "dbUrl")
    scan(tree, Config(jobs=1))  # mtimes are "now": inside the racy window
    reads = _reads(monkeypatch)
    scan(tree, Config(jobs=1))
    assert sorted(reads) == ["src/config.ts", "src/db.ts", "src/math.ts"]


@pytest.mark.skipif(not FORK, reason="the pool test forks")
def test_pool_reads_in_workers_with_the_cache(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("ENVMATRIX_CACHE_DIR", str(tmp_path / "cache"))
    root = ROOT / "fixtures" / "growqr-backend"
    expected = outcome(root, jobs=1, use_cache=False)
    assert outcome(root, jobs=2) == expected  # cold: workers write the cache
    for index in [*(tmp_path / "cache").glob("index-*/*"), *(tmp_path / "cache").glob("snapshot-*/*")]:
        index.unlink()  # no stat index and no snapshot: workers answer from the content cache
    assert outcome(root, jobs=2) == expected


def _crash_on_manager(task):
    if task.path.endswith("manager.ts"):
        os.kill(os.getpid(), 9)
    return real_process_file(task)


real_process_file = __import__("scanner.extraction", fromlist=["process_file"]).process_file


@pytest.mark.skipif(not FORK, reason="the workers inherit the patched function by forking")
def test_a_worker_crash_in_a_scan_costs_one_file(monkeypatch) -> None:
    import scanner.extraction as extraction

    monkeypatch.setattr(extraction, "process_file", _crash_on_manager)
    result = scan(ROOT / "fixtures" / "growqr-backend", Config(jobs=2, use_cache=False))
    assert [(d.path, d.code) for d in result.diagnostics if d.code == "worker-crashed"] == [("src/docker/manager.ts", "worker-crashed")]
    assert result.findings


def test_an_unusable_cache_directory_costs_nothing_but_speed(tmp_path, monkeypatch) -> None:
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("x")
    monkeypatch.setenv("ENVMATRIX_CACHE_DIR", str(blocker / "cache"))
    root = ROOT / "fixtures" / "growqr-backend"
    assert outcome(root, jobs=1) == outcome(root, jobs=1, use_cache=False)


def _scan_in_daemon(root: str, queue) -> None:
    queue.put(len(scan(root, Config(jobs=2, use_cache=False)).findings))


@pytest.mark.skipif(not FORK, reason="forks a daemonic process")
def test_a_daemonic_process_scans_without_workers() -> None:
    ctx = multiprocessing.get_context("fork")
    queue = ctx.Queue()
    proc = ctx.Process(target=_scan_in_daemon, args=(str(ROOT / "fixtures" / "growqr-backend"), queue), daemon=True)
    proc.start()
    found = queue.get(timeout=60)
    proc.join(timeout=10)
    assert found == len(scan(ROOT / "fixtures" / "growqr-backend", Config(jobs=1, use_cache=False)).findings)


# ---------------------------------------------------------------------- the second pass's test

def _binding(path: str, owner: str, attribute: str):
    from scanner.facts import ConfigBinding, Span

    return ConfigBinding(Span(path, 1, 1, 1, 2), owner, attribute, "DATABASE_URL", None)


@pytest.mark.parametrize("source, kind, expected", [
    # a JS/TS use starts from a name imported from a relative module
    (b'import { config } from "./config";\nconnect(config.db.url);\n', "typescript", True),
    (b'const { config } = require("../config");\nconnect(config?.db?.url);\n', "javascript", True),
    (b'import { getConfig } from "./config";\nconnect(getConfig().db.url);\n', "tsx", True),
    (b'import settings from "./config";\nconnect(settings.db.url);\n', "typescript", True),  # by module
    (b'import { config } from "@nestjs/config";\nconnect(config.db.url);\n', "typescript", False),
    (b'function f(config) { return config.db.url; }\n', "typescript", False),  # nothing imported
    (b'import { a } from "./a";\nconnect(a.db.url);\n', "typescript", False),  # imported from another module
    (b'import { a } from "./a";\nconnect(organization.db.url);\n', "typescript", False),  # other owner, other module
    # Python keeps the looser test: a property and a name it may resolve through
    (b"from app import config\nconnect(config.url)\n", "python", True),
    (b"connect(settings.url)\n", "python", False),
    # no other frontend reports config uses
    (b"config.db.url\n", "text", False),
])
def test_second_pass_reads_files_that_may_use_a_bound_property(source, kind, expected) -> None:
    from scanner.extraction import _property_uses

    bindings = [_binding("src/config.ts", "config", "db.url"), _binding("src/config.ts", "getConfig()", "db.url"),
                _binding("app/config.py", "config", "url")]
    uses = _property_uses({"url"}, bindings)
    assert uses(source, kind) is expected


def _pid(task):
    return os.getpid()


@pytest.mark.skipif(not FORK, reason="the zygote is forked")
def test_the_first_tasks_go_to_one_worker_as_one_chunk() -> None:
    # 20 tasks: more than one chunk (CHUNK_FILES), which would otherwise go to two workers
    assert pool.CHUNK_FILES < 20
    results = list(pool.run_raw([_Job(i, f"f{i}") for i in range(40)], 2, 10.0, _pid, warm=_no_warm, first=20))
    by_task = {task.index: pid for task, pid, _lost in results}
    assert len({by_task[i] for i in range(20)}) == 1
    assert len(set(by_task.values())) == 2  # the rest are shared as usual
    plain = list(pool.run_raw([_Job(i, f"f{i}") for i in range(40)], 2, 10.0, _pid, warm=_no_warm))
    by_task = {task.index: pid for task, pid, _lost in plain}
    assert by_task[0] != by_task[pool.CHUNK_FILES]  # without it, the second chunk goes to the other worker


def test_tasks_of_a_kind_no_worker_has_a_parser_for_go_first() -> None:
    from scanner.extraction import cold_first

    tasks = [_KindJob(i, kind) for i, kind in enumerate(["typescript", "python", "yaml", "python", "typescript"])]
    ordered, first = cold_first(tasks, {"python"})
    assert [t.index for t in ordered] == [1, 3, 0, 2, 4] and first == 2
    assert cold_first(tasks, set()) == (tasks, 0)
    assert cold_first(tasks, {"tsx"}) == (tasks, 0)


@dataclasses.dataclass(frozen=True)
class _KindJob:
    index: int
    kind: str

    @property
    def options(self):
        return ExtractOptions(self.kind)
