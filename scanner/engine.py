"""One scan, end to end: discover, extract, resolve, check, suppress (the ``Analysis``, which a
re-scan of an unchanged tree takes from its snapshot), then baseline and filter. Returns a ``ScanResult``.

This is the library call every front door uses (the CLI, tests, ``scanner.scan``). Per-file
extraction is a pure function of bytes and options (``languages.extract_bytes``), so it can run
in worker processes and be cached; everything after it is whole-project and in-process.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from . import inventory as inventory_mod
from .config import Config
from .discover import Discovery, SourceFile, discover
from .errors import describe
from .facts import FileFacts
from .findings import Diagnostic, Finding, Hit, Level, Rule
from .project import Project

if TYPE_CHECKING:
    from .baseline import Baseline  # loaded only by a scan given one


@dataclass
class ScanResult:
    """Everything a report needs. Findings are filtered and sorted; diagnostics sorted."""

    root: str
    findings: list[Finding]
    inventory: inventory_mod.Inventory
    diagnostics: list[Diagnostic]
    rules: tuple[Rule, ...]
    files_scanned: int = 0
    excluded: int = 0
    ignored: int = 0
    hidden: dict[str, int] = field(default_factory=dict)  # role -> findings not reported
    below_min_level: int = 0
    internal_error: bool = False
    files: list[SourceFile] = field(default_factory=list)
    suppressed: int = 0  # dropped by inline suppressions and per-file-ignores
    baselined: int = 0  # dropped because the baseline lists them
    stale_baseline: int = 0  # baseline entries (of rules that ran) that matched no finding
    snapshot_token: str | None = None  # the analysis' snapshot token (``snapshot.py``); None when not kept

    def counts(self) -> dict[str, int]:
        c = Counter(str(f.level) for f in self.findings)
        return {level: c.get(level, 0) for level in ("error", "warning", "note")}


ProgressFn = Callable[[int, int], None]


@dataclass
class Analysis:
    """What a tree and the settings give before the baseline and the level filters: every finding
    at every level in every role. A pure function of the files and settings, so ``snapshot.py``
    can keep it."""

    findings: list[Finding]
    inventory: inventory_mod.Inventory
    diagnostics: list[Diagnostic]
    rule_codes: tuple[str, ...]
    files: list[SourceFile]
    excluded: int
    ignored: int
    suppressed: int
    internal_error: bool
    token: str | None = None  # names this analysis in its snapshot; None when it was not kept


def scan(root: str | os.PathLike[str], config: Config | None = None, progress: ProgressFn | None = None,
         baseline: Baseline | None = None) -> ScanResult:
    """Scan the tree at ``root`` with ``config`` (defaults when None); with ``baseline``, only new findings."""
    from .rules import REGISTRY

    config = config or Config()
    analysis = analyse(root, config, progress)
    by_code = {r.code: r for r in REGISTRY}
    rules = tuple(by_code[code] for code in analysis.rule_codes)
    findings = analysis.findings
    baselined = stale = 0
    if baseline is not None:
        from . import baseline as baseline_mod
        outcome = baseline_mod.apply(findings, baseline, set(analysis.rule_codes))
        findings, baselined, stale = outcome.new, outcome.baselined, outcome.stale
    roles = {f.path: f.role for f in analysis.files}
    reported, hidden, below = filter_findings(findings, roles, config)
    return ScanResult(
        root=".", findings=reported, inventory=analysis.inventory, diagnostics=analysis.diagnostics,
        rules=rules, files_scanned=len(analysis.files), excluded=analysis.excluded, ignored=analysis.ignored,
        hidden=hidden, below_min_level=below, internal_error=analysis.internal_error, files=analysis.files,
        suppressed=analysis.suppressed, baselined=baselined, stale_baseline=stale,
        snapshot_token=analysis.token,
    )


def analyse(root: str | os.PathLike[str], config: Config, progress: ProgressFn | None = None) -> Analysis:
    """The ``Analysis`` of ``root``: from the snapshot of the last scan when nothing it depends on
    changed (``snapshot.py``), else discover, extract, resolve, check and suppress."""
    started_ns = time.time_ns()
    snapshot = None
    if config.use_cache:  # no snapshot without the cache: ``--no-cache`` need not import the module
        from .snapshot import open_snapshot

        snapshot = open_snapshot(root, config)
    if snapshot is not None and (kept := snapshot.load()) is not None:
        return kept
    from .extraction import WarmAhead

    ahead = WarmAhead.for_config(config, root)  # forks the workers' zygote once the walk has found enough to read
    try:
        found = discover(Path(root), config, on_file=ahead)
        analysis = _analyse(found, Path(root), config, progress, ahead)
    finally:
        if ahead is not None:
            ahead.close()
    if snapshot is not None:
        analysis.token = snapshot.save(analysis, found, started_ns)
    return analysis


def _analyse(found: Discovery, root: Path, config: Config, progress: ProgressFn | None, ahead=None) -> Analysis:
    from . import suppress
    from .rules import REGISTRY

    diagnostics = list(found.diagnostics)
    file_facts = extract_all(found.files, config, progress, root, ahead)
    for ff in file_facts:
        for code, message in ff.diagnostics:
            diagnostics.append(Diagnostic(ff.path, code, message))
    roles = {f.path: f.role for f in found.files}
    project = Project(file_facts, roles, config.extra_local_hosts, config.secret_name_patterns,
                      admin_guards=frozenset(config.admin_guards))

    rules = tuple(r for r in REGISTRY if config.selects(r.code))
    findings, internal_error = run_rules(project, rules, diagnostics)
    codes = {r.code for r in rules}
    suppression = suppress.apply(findings, found.files, config, codes)
    findings = suppression.kept
    for rule in rules:
        if rule.code == "META001":
            findings += stamp(rule, suppression.unused, project)
    return Analysis(
        findings=findings, inventory=inventory_mod.build(project, config.areas),
        diagnostics=sorted(set(diagnostics), key=Diagnostic.sort_key), rule_codes=tuple(r.code for r in rules),
        files=found.files, excluded=found.excluded, ignored=found.ignored,
        suppressed=suppression.suppressed, internal_error=internal_error,
    )


def extract_all(files: list[SourceFile], config: Config, progress: ProgressFn | None = None,
                root: str | os.PathLike[str] | None = None, ahead=None) -> list[FileFacts]:
    """Facts for every file, in input order (``extraction.py``: pre-filter, cache, pool);
    ``ahead`` is the walk's ``extraction.WarmAhead``, with the zygote and stat index it opened."""
    from .extraction import extract_all as run

    if ahead is None:
        return run(files, config, progress, root)
    return run(files, config, progress, root, ahead.zygote, ahead.index)


def run_rules(project: Project, rules: tuple[Rule, ...], diagnostics: list[Diagnostic]) -> tuple[list[Finding], bool]:
    """Stamp each rule's identity onto its hits. A rule that raises is reported, not fatal."""
    findings: list[Finding] = []
    internal_error = False
    for rule in rules:
        try:
            hits = list(rule.check(project))
        except Exception as exc:  # noqa: BLE001 - reported as a diagnostic, exit 2
            diagnostics.append(Diagnostic(None, "rule-error", f"{rule.code} failed: {describe(exc)}", "error"))
            internal_error = True
            continue
        findings += stamp(rule, hits, project)
    return findings, internal_error


def stamp(rule: Rule, hits: list[Hit], project: Project) -> list[Finding]:
    """Findings from one rule's hits: code, level and a fingerprint (occurrence index in span order)."""
    findings: list[Finding] = []
    occurrences: Counter[tuple[str, str]] = Counter()
    for hit in sorted(hits, key=lambda h: (h.span, h.message)):
        key = (hit.span.path, hit.evidence)
        index = occurrences[key]
        occurrences[key] += 1
        role = project.role(hit.span.path)
        level = hit.level or rule.level
        if role == "dev":
            level = level.lower()
        findings.append(Finding(
            rule=rule.code, name=rule.name, category=rule.category, level=level, span=hit.span,
            message=hit.message, fingerprint=fingerprint(rule.code, hit.span.path, hit.evidence, index),
            role=role, secrets=hit.secrets,
        ))
    return findings


def fingerprint(code: str, path: str, evidence: str, index: int) -> str:
    """Line-independent identity: rule, path, normalised matched text, occurrence index."""
    normal = " ".join(evidence.split())
    digest = hashlib.sha256(f"{code}\0{path}\0{normal}\0{index}".encode("utf-8", "surrogatepass"))
    return digest.hexdigest()[:32]


def filter_findings(findings: list[Finding], roles: dict[str, str], config: Config) -> tuple[list[Finding], dict[str, int], int]:
    reported: list[Finding] = []
    hidden: Counter[str] = Counter()
    below = 0
    for f in findings:
        if f.role in config.hidden_roles:
            hidden[f.role] += 1
        elif f.level < config.min_level:
            below += 1
        else:
            reported.append(f)
    reported.sort(key=Finding.sort_key)
    return reported, dict(sorted(hidden.items())), below


def exit_code(result: ScanResult, fail_level: Level) -> int:
    if result.internal_error:
        return 2
    return 1 if any(f.level >= fail_level for f in result.findings) else 0
