"""The command line: options in, one library call, a rendered report out, an exit code.

No scanning logic lives here. Exit codes: 0 nothing at or above ``--fail-level``, 1 findings,
2 usage, configuration or internal error (one line on stderr; a traceback with ``--debug``),
130 interrupted (SIGINT), 143 terminated (SIGTERM). An interrupted run writes nothing: reports
are written atomically once the scan is done, so an earlier ``--output`` file stays intact.
"""

from __future__ import annotations

import enum
import os
import signal
import sys
import time
import traceback

import click

from . import __version__
from .errors import EnvmatrixError, OutputError, UsageError


class ExitCode(enum.IntEnum):
    OK = 0
    FINDINGS = 1
    ERROR = 2


LEVELS = click.Choice(["note", "warning", "error"], case_sensitive=False)


def _codes(value: str | None) -> frozenset[str]:
    if not value:
        return frozenset()
    return frozenset(c.strip().upper() for c in value.split(",") if c.strip())


def _check_codes(codes: frozenset[str], option: str) -> None:
    from .rules import REGISTRY

    known = {r.code for r in REGISTRY}
    for code in codes:
        if not any(k.startswith(code) for k in known):
            raise UsageError(f"{option}: unknown rule code or prefix `{code}`")


class _Progress:
    """A one-line progress counter on stderr, shown only once a scan has taken about a second."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled and sys.stderr.isatty()
        self.start = time.monotonic()
        self.shown = False

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled or time.monotonic() - self.start < 1.0:
            return
        self.shown = True
        sys.stderr.write(f"\rscanning {done}/{total} files")
        sys.stderr.flush()

    def close(self) -> None:
        if self.shown:
            sys.stderr.write("\r\x1b[K")


class _Terminated(BaseException):
    """SIGTERM, raised in the main thread so it unwinds (and cleans up) like Ctrl-C does."""


def _on_sigterm(signum, frame) -> None:
    raise _Terminated()


def _run(debug: bool, fn) -> None:
    previous = signal.signal(signal.SIGTERM, _on_sigterm) if _main_thread() else None
    try:
        code = fn()
    except (KeyboardInterrupt, _Terminated) as exc:
        _exit_signalled(exc)
    except BrokenPipeError:
        _silence_stdout()  # the reader went away (`| head`); nothing more to say
        sys.exit(ExitCode.ERROR)
    except EnvmatrixError as exc:
        if debug:
            traceback.print_exc()
        click.echo(f"envmatrix: error: {exc}", err=True)
        sys.exit(ExitCode.ERROR)
    except Exception as exc:  # noqa: BLE001 - internal errors are exit 2 with one line
        signalled = _signal_in(exc)
        if signalled is not None:
            _exit_signalled(signalled)
        if debug:
            traceback.print_exc()
        click.echo(f"envmatrix: error: internal error: {type(exc).__name__}: {exc} (rerun with --debug)", err=True)
        sys.exit(ExitCode.ERROR)
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
    sys.exit(code)


def _exit_signalled(signalled: BaseException) -> None:
    """Exit as a signal ends a command: 143 for SIGTERM, 130 for Ctrl-C."""
    if isinstance(signalled, _Terminated):
        click.echo("envmatrix: terminated", err=True)
        sys.exit(143)
    click.echo("envmatrix: interrupted", err=True)
    sys.exit(130)


def _signal_in(exc: BaseException) -> BaseException | None:
    """The Ctrl-C or SIGTERM that ``exc`` was raised over, or None. CPython 3.11 wraps one that
    lands while a class is being created (a lazy import defining a dataclass) in ``RuntimeError:
    Error calling __set_name__``; an error raised while unwinding from one carries it as context."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, (KeyboardInterrupt, _Terminated)):
            return current
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return None


def _main_thread() -> bool:
    import threading

    return threading.current_thread() is threading.main_thread()


def _silence_stdout() -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="envmatrix")
def cli() -> None:
    """Find where a backend quietly depends on a developer's laptop."""


@cli.command()
@click.argument("path", default=".", type=click.Path(exists=True, file_okay=False))
@click.option("--format", "fmt", type=click.Choice(["text", "json", "sarif"]), default="text", show_default=True)
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="Write the report here (default: stdout).")
@click.option("--sarif-category", metavar="CATEGORY",
              help="SARIF automationDetails.id: tells GitHub apart several envmatrix uploads for one commit.")
@click.option("--select", help="Comma-separated rule codes or prefixes to run (default: all).")
@click.option("--ignore", help="Comma-separated rule codes or prefixes to skip.")
@click.option("--min-level", type=LEVELS, help="Report findings at or above this level.  [default: note]")
@click.option("--fail-level", type=LEVELS, help="Exit 1 when a finding is at or above this level.  [default: warning]")
@click.option("--jobs", "-j", type=click.IntRange(min=0), default=0, help="Worker processes (0: automatic).")
@click.option("--no-cache", is_flag=True, help="Neither read nor write the facts cache.")
@click.option("--include-hidden", is_flag=True, help="Also report findings in tests and docs.")
@click.option("--no-progress", is_flag=True, help="Never show the progress line.")
@click.option("--color/--no-color", default=None, help="Colour text output (default: when stdout is a terminal).")
@click.option("--config", "config_file", type=click.Path(dir_okay=False),
              help="Read settings from this file (default: the nearest .envmatrix.toml or pyproject.toml).")
@click.option("--baseline", type=click.Path(dir_okay=False),
              help="Report only findings that are not in this baseline file.")
@click.option("--extend-select", help="Comma-separated rule codes or prefixes to run in addition to --select.")
@click.option("--no-suppress", is_flag=True, help="Ignore `envmatrix: ignore[…]` comments.")
@click.option("--debug", is_flag=True, help="Show tracebacks for errors.")
def scan(path, fmt, output, sarif_category, select, ignore, min_level, fail_level, jobs, no_cache, include_hidden,
         no_progress, color, config_file, baseline, extend_select, no_suppress, debug):
    """Scan PATH (default: the current directory) and report findings."""

    def run() -> int:
        config = _config(path, config_file, select=select, ignore=ignore, extend_select=extend_select,
                         min_level=min_level, fail_level=fail_level, jobs=jobs,
                         include_hidden=include_hidden, no_suppress=no_suppress, no_cache=no_cache, output=output)
        options = {}
        if fmt == "text":
            options["color"] = color if color is not None else (output is None and sys.stdout.isatty())
        if fmt == "sarif":
            options.update(_sarif_options(path, sarif_category))
        kept = _kept_report(path, config, fmt, options, baseline)
        if kept is not None:  # the tree has not changed since a scan with these settings
            text, code, messages = kept
            for line in messages:
                click.echo(line, err=True)
            _emit(text, output)
            return code

        from .engine import exit_code
        from .engine import scan as run_scan
        from .report import renderer

        known = None
        if baseline:
            from . import baseline as baseline_mod
            known = baseline_mod.load(baseline)
        progress = _Progress(not no_progress)
        result = run_scan(path, config, progress, baseline=known)
        progress.close()
        messages = _scan_messages(result)
        for line in messages:
            click.echo(line, err=True)
        text = renderer(fmt)(result, **options)
        code = exit_code(result, config.fail_level)
        _keep_report(path, config, fmt, options, baseline, result, (text, code, messages))
        _emit(text, output)
        return code

    _run(debug, run)


def _config(path, config_file, *, select=None, ignore=None, extend_select=None, min_level=None,
            fail_level=None, jobs=0, include_hidden=False, no_suppress=False, no_cache=False, output=None):
    """The file's settings (``--config`` or the nearest one) with command-line options on top.
    ``output``, the file this run writes, is not scanned when it lies in the tree: a report
    regenerated into the tree it describes must not describe itself."""
    from .config import load_config, merge
    from .levels import Level

    overrides = {}
    for option, value, key in (("--select", select, "select"), ("--ignore", ignore, "ignore"),
                               ("--extend-select", extend_select, "extend_select")):
        if value is not None:
            overrides[key] = _codes(value)
            _check_codes(overrides[key], option)
    if min_level:
        overrides["min_level"] = Level.parse(min_level)
    if fail_level:
        overrides["fail_level"] = Level.parse(fail_level)
    if jobs:
        overrides["jobs"] = jobs
    if include_hidden:
        overrides["hidden_roles"] = frozenset()
    if no_suppress:
        overrides["inline_suppressions"] = False
    if no_cache:
        overrides["use_cache"] = False
    written = _path_in_tree(path, output) if output else None
    if written is not None:
        overrides["output_paths"] = frozenset({written})
    return merge(load_config(path, config_file), **overrides)


def _path_in_tree(root: str, output: str) -> str | None:
    """``output`` relative to ``root`` (POSIX) when it lies inside it, else None. The output's
    own name is not resolved: a symlink there is replaced, not written through."""
    parent = os.path.realpath(os.path.dirname(os.path.abspath(output)))
    rel = os.path.relpath(os.path.join(parent, os.path.basename(output)), os.path.realpath(root))
    if rel == os.curdir or rel == os.pardir or rel.startswith(os.pardir + os.sep) or os.path.isabs(rel):
        return None
    return rel.replace(os.sep, "/")


def _sarif_options(path: str, category: str | None) -> dict:
    """SARIF paths are relative to the repository root, as GitHub resolves them."""
    from ._git import repo_prefix

    if category is not None and not category.strip():
        raise UsageError("--sarif-category: empty category")
    return {"category": category, "uri_prefix": repo_prefix(path)}


def _scan_messages(result) -> list[str]:
    """Diagnostics and skip counts, for stderr (never stdout)."""
    from .report._sanitize import clean

    lines = [f"envmatrix: {d.level}: {clean(str(d))}" for d in result.diagnostics]
    if result.excluded:
        lines.append(f"envmatrix: skipped {result.excluded} files and directories by default excludes "
                     "(node_modules, dist, build, vendor, minified bundles, …)")
    if result.stale_baseline:
        n = result.stale_baseline
        lines.append(f"envmatrix: baseline: {n} {'entry matches' if n == 1 else 'entries match'} no finding any more "
                     "(fixed, or the code changed); refresh it with `envmatrix baseline`")
    return lines


def _report_key(config, fmt: str, options: dict, baseline: str | None) -> str | None:
    """What a rendered report depends on besides the analysis; None when it cannot be told
    (an unreadable baseline: the scan proper reports that)."""
    import hashlib

    digest = ""
    if baseline:
        from ._io import read_source
        try:
            digest = hashlib.sha256(read_source(baseline, 64 * 1024 * 1024, follow_symlinks=True)).hexdigest()
        except OSError:
            return None
    return repr((fmt, sorted(options.items()), digest, int(config.min_level), int(config.fail_level),
                 sorted(config.hidden_roles), __version__))


def _kept_report(path, config, fmt, options, baseline):
    """(text, exit code, stderr lines) of the last scan with these settings, when neither the tree
    nor anything else it depends on has changed since (``snapshot.py``); else None."""
    if not config.use_cache:
        return None  # no snapshot without the cache: ``--no-cache`` need not import the module
    from .snapshot import open_snapshot

    snapshot = open_snapshot(path, config)
    key = _report_key(config, fmt, options, baseline) if snapshot is not None else None
    if key is None:
        return None
    token = snapshot.check()
    return snapshot.report(key, token) if token is not None else None


def _keep_report(path, config, fmt, options, baseline, result, payload) -> None:
    if result.snapshot_token is None:
        return
    from .snapshot import open_snapshot

    snapshot = open_snapshot(path, config)
    key = _report_key(config, fmt, options, baseline) if snapshot is not None else None
    if key is not None:
        snapshot.keep_report(key, result.snapshot_token, payload)


def _emit(text: str, output: str | None) -> None:
    if output:
        from ._io import write_atomic
        write_atomic(output, text)
    else:
        # Reports are UTF-8 whatever the locale says; a name that cannot be encoded is escaped.
        buffer = getattr(sys.stdout, "buffer", None)
        if buffer is None:
            sys.stdout.write(text)
        else:
            sys.stdout.flush()
            buffer.write(text.encode("utf-8", "backslashreplace"))
            buffer.flush()
        sys.stdout.flush()


@cli.command()
@click.argument("path", default=".", type=click.Path(exists=True, file_okay=False))
@click.option("--output", "-o", type=click.Path(dir_okay=False), default=".envmatrix-baseline.json",
              show_default=True, help="Write the baseline here.")
@click.option("--config", "config_file", type=click.Path(dir_okay=False),
              help="Read settings from this file (default: the nearest .envmatrix.toml or pyproject.toml).")
@click.option("--select", help="Comma-separated rule codes or prefixes to run (default: all).")
@click.option("--ignore", help="Comma-separated rule codes or prefixes to skip.")
@click.option("--jobs", "-j", type=click.IntRange(min=0), default=0, help="Worker processes (0: automatic).")
@click.option("--no-progress", is_flag=True, help="Never show the progress line.")
@click.option("--debug", is_flag=True, help="Show tracebacks for errors.")
def baseline(path, output, config_file, select, ignore, jobs, no_progress, debug):
    """Record the current findings of PATH, so that `scan --baseline` reports only new ones.

    Every finding is recorded, at every level and in every role (tests and docs too), after
    inline suppressions and per-file-ignores.
    """

    def run() -> int:
        from . import baseline as baseline_mod
        from .engine import scan as run_scan
        from .findings import Level

        config = _config(path, config_file, select=select, ignore=ignore, jobs=jobs, output=output)
        from .config import merge
        config = merge(config, hidden_roles=frozenset(), min_level=Level.NOTE)
        progress = _Progress(not no_progress)
        result = run_scan(path, config, progress)
        progress.close()
        for line in _scan_messages(result):
            click.echo(line, err=True)
        if result.internal_error:
            return ExitCode.ERROR
        count = baseline_mod.write(output, result.findings)
        click.echo(f"envmatrix: wrote {count} finding{'s' if count != 1 else ''} to {output}", err=True)
        return ExitCode.OK

    _run(debug, run)


@cli.command()
@click.argument("path", default=".", type=click.Path(exists=True, file_okay=False))
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="Write the document here (default: stdout).")
@click.option("--check", is_flag=True,
              help="Do not write: compare with --output and exit 1 with a diff when it is stale.")
@click.option("--timestamp", is_flag=True, help="Add a Generated: line (UTC; SOURCE_DATE_EPOCH when set).")
@click.option("--config", "config_file", type=click.Path(dir_okay=False),
              help="Read settings from this file (default: the nearest .envmatrix.toml or pyproject.toml).")
@click.option("--no-cache", is_flag=True, help="Neither read nor write the facts cache.")
@click.option("--no-progress", is_flag=True, help="Never show the progress line.")
@click.option("--debug", is_flag=True, help="Show tracebacks for errors.")
def report(path, output, check, timestamp, config_file, no_cache, no_progress, debug):
    """Write the environment matrix of PATH: config inventory, code paths, hotspots, checklist."""

    def run() -> int:
        import os

        from ._git import head_commit
        from .engine import scan as run_scan
        from .report import markdown

        if check and not output:
            raise UsageError("--check needs --output FILE: the document to compare with")
        config = _config(path, config_file, output=output)
        if no_cache:
            import dataclasses
            config = dataclasses.replace(config, use_cache=False)
        progress = _Progress(not no_progress)
        result = run_scan(path, config, progress)
        progress.close()
        for line in _scan_messages(result):
            click.echo(line, err=True)
        text = markdown.render(result, root_name=os.path.basename(os.path.abspath(path)),
                               commit=head_commit(path), timestamp=_timestamp() if timestamp else None)
        if result.internal_error:
            return ExitCode.ERROR
        if not check:
            _emit(text, output)
            return ExitCode.OK
        try:
            with open(output, encoding="utf-8", newline="") as fh:
                on_disk = fh.read()
        except FileNotFoundError:
            on_disk = ""
        except (OSError, UnicodeDecodeError) as exc:
            raise OutputError(f"cannot read `{output}`: {getattr(exc, 'strerror', None) or exc}") from None
        diff = markdown.stale_diff(on_disk, text, output)
        if not diff:
            return ExitCode.OK
        sys.stdout.write(diff)
        click.echo(f"envmatrix: `{output}` is stale; regenerate it with `envmatrix report {path} -o {output}`",
                   err=True)
        return ExitCode.FINDINGS

    _run(debug, run)


def _timestamp() -> str:
    """Now in UTC, or SOURCE_DATE_EPOCH when set (reproducible builds)."""
    import datetime
    import os

    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    try:
        moment = datetime.datetime.fromtimestamp(int(epoch), datetime.timezone.utc) if epoch else None
    except (ValueError, OverflowError, OSError):
        raise UsageError(f"SOURCE_DATE_EPOCH: not a Unix time `{epoch}`") from None
    moment = moment or datetime.datetime.now(datetime.timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


@cli.command()
@click.argument("code", required=False)
@click.option("--format", "fmt", type=click.Choice(["text", "json", "markdown"]), default="text", show_default=True)
def rules(code, fmt):
    """List every rule, or print the documentation of CODE."""

    def run() -> int:
        import json

        from .rules import REGISTRY, get

        if code:
            rule = get(code)
            if rule is None:
                raise UsageError(f"unknown rule `{code}` (see `envmatrix rules`)")
            if fmt == "json":
                click.echo(json.dumps(_rule_json(rule), indent=2, sort_keys=True))
            else:
                click.echo(f"{rule.code} {rule.name} ({rule.level}, {rule.category})\n")
                click.echo(rule.doc.strip())
            return ExitCode.OK
        if fmt == "json":
            click.echo(json.dumps([_rule_json(r) for r in REGISTRY], indent=2, sort_keys=True))
            return ExitCode.OK
        if fmt == "markdown":
            click.echo(rules_table())
            return ExitCode.OK
        width = max(len(r.name) for r in REGISTRY)
        for r in REGISTRY:
            click.echo(f"{r.code}  {r.name.ljust(width)}  {str(r.level).ljust(7)}  {r.summary}")
        return ExitCode.OK

    _run(False, run)


def rules_table() -> str:
    """The README's rule table, generated from the registry."""
    from .rules import REGISTRY

    rows = ["| code | name | level | finds |", "|---|---|---|---|"]
    rows += [f"| `{r.code}` | {r.name} | {r.level} | {r.summary} |" for r in REGISTRY]
    return "\n".join(rows)


def _rule_json(rule) -> dict:
    return {"code": rule.code, "name": rule.name, "level": str(rule.level), "category": rule.category,
            "summary": rule.summary, "doc": rule.doc.strip()}


def main() -> None:
    from ._gc import collect_less_often

    collect_less_often()
    cli(prog_name="envmatrix")
