"""SARIF 2.1.0 for GitHub code scanning (``--format sarif``): one run, every rule, every finding.

GitHub reads a subset of SARIF ("SARIF support for code scanning" in its docs) and rejects files
over its limits; this module writes that subset, plus what the OASIS schema asks for when URIs are
relative (``originalUriBaseIds``). Decisions, with reasons, in ``docs/decisions/005-sarif-for-github.md``:

* ``rules[]`` lists every rule in ``REGISTRY`` (not only the selected ones), so ``ruleIndex`` is
  stable between runs with different ``--select``.
* Paths are relative POSIX URIs under ``%SRCROOT%``; ``uri_prefix`` (the scanned root's path
  inside its git repository, found by the CLI) makes them relative to the repository root, which
  is what GitHub resolves them against.
* ``partialFingerprints`` carries the line-independent identity under ``envmatrix/v1``. GitHub's
  own ``primaryLocationLineHash`` is left to ``upload-sarif``, which computes it from the line.
* Snippets come from the scanned files, with every secret the findings of that file name, every
  value the inventory masks, and passwords in URLs masked.
* Messages end with a period, so GitHub's "first sentence" is the whole message.
* At most ``MAX_RESULTS`` results (GitHub rejects a run with more); errors are kept first and a
  warning notification says how many were left out.

The output is a pure function of the result and the scanned files: same tree, same bytes.
"""

from __future__ import annotations

import inspect
import json as _json
import posixpath
import re
from urllib.parse import quote

from .. import __version__, lexicon
from ..engine import ScanResult
from ..findings import Finding, Level, Rule
from ._sanitize import clean, escape_json, redact

SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
INFORMATION_URI = "https://github.com/envmatrix/envmatrix"
HELP_URI = INFORMATION_URI + "#rules"
FINGERPRINT_KEY = "envmatrix/v1"
SRCROOT = "%SRCROOT%"

#: GitHub code scanning limits (docs: "SARIF results exceed limit").
MAX_RESULTS = 25_000
MAX_TAGS = 20
MAX_DESCRIPTION = 1024
#: Snippets longer than this are left out (minified lines, huge literals).
MAX_SNIPPET = 4096

#: ``properties.security-severity`` per level: inside GitHub's bands (critical > 9.0, high
#: 7.0-8.9, medium 4.0-6.9, low 0.1-3.9), away from their edges.
SECURITY_SEVERITY = {Level.ERROR: "8.0", Level.WARNING: "5.5", Level.NOTE: "2.0"}

#: Tags every rule of a category carries, besides ``security`` and the rule's own tags.
CATEGORY_TAGS: dict[str, tuple[str, ...]] = {
    "LOCALHOST_URL": ("configuration", "localhost"),
    "IMAGE_TAG": ("supply-chain", "container"),
    "DEV_CREDENTIAL": ("secrets", "external/cwe/cwe-798"),
    "ENV_BRANCH": ("configuration", "environment"),
    "DEMO_ROUTE": ("routes", "environment"),
    "META": (),
}


def render(result: ScanResult, category: str | None = None, uri_prefix: str = "") -> str:
    """The SARIF log as JSON text. ``category`` becomes ``automationDetails.id``."""
    document = _json.dumps(to_dict(result, category, uri_prefix), indent=2, sort_keys=True, ensure_ascii=False)
    return escape_json(document) + "\n"


def to_dict(result: ScanResult, category: str | None = None, uri_prefix: str = "") -> dict:
    from ..rules import REGISTRY

    rules = list(REGISTRY)
    for rule in result.rules:  # a rule outside the registry (tests, plugins) still gets a descriptor
        if rule not in rules:
            rules.append(rule)
    index = {rule.code: i for i, rule in enumerate(rules)}
    kept, dropped = _cap(result.findings)
    sources = _Sources(result)
    notifications = [_notification(d, uri_prefix) for d in result.diagnostics]
    if dropped:
        notifications.append({
            "level": "warning",
            "descriptor": {"id": "results-capped"},
            "message": {"text": f"Only {len(kept)} of {len(kept) + dropped} results are included: GitHub code "
                                f"scanning rejects more than {MAX_RESULTS} per run. Errors were kept first; narrow "
                                "the scan with --select, --min-level or exclude to see the rest."},
        })
    run: dict = {
        "tool": {"driver": {
            "name": "envmatrix",
            "version": __version__,
            "semanticVersion": __version__,
            "informationUri": INFORMATION_URI,
            "rules": [descriptor(rule) for rule in rules],
        }},
        "invocations": [{
            "executionSuccessful": not result.internal_error,
            "toolExecutionNotifications": notifications,
        }],
        "originalUriBaseIds": {SRCROOT: {"description": {"text": "The root of the repository (or of the scanned "
                                                                  "directory when it is not in a git repository)."}}},
        "results": [_result(f, index[f.rule], sources, uri_prefix) for f in kept],
        "columnKind": "unicodeCodePoints",
    }
    if category:
        run["automationDetails"] = {"id": automation_id(category)}
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}


def automation_id(category: str) -> str:
    """GitHub reads ``id`` as ``category/run-id``: without a slash the category would be empty."""
    category = category.strip()
    return category if category.endswith("/") else category + "/"


# --------------------------------------------------------------------------- rules


def descriptor(rule: Rule) -> dict:
    """A ``reportingDescriptor``: the rule's identity, docs and GitHub properties."""
    doc = inspect.cleandoc(rule.doc)
    summary = rule.summary
    category_tag = rule.category.lower().replace("_", "-")
    tags = _unique(("security", *CATEGORY_TAGS.get(rule.category, ()), *rule.tags, category_tag))
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": _truncate(_sentence(summary), MAX_DESCRIPTION)},
        "fullDescription": {"text": _truncate(_section(doc, "What it finds") or _sentence(summary), MAX_DESCRIPTION)},
        "help": {"text": doc, "markdown": doc},
        "helpUri": HELP_URI,
        "defaultConfiguration": {"level": str(rule.level)},
        "properties": {
            "tags": tags[:MAX_TAGS],
            "precision": rule.precision,
            "security-severity": SECURITY_SEVERITY[rule.level],
        },
    }


def _section(doc: str, title: str) -> str:
    """The text under ``## title`` as one paragraph, code blocks dropped."""
    lines = doc.splitlines()
    try:
        start = lines.index(f"## {title}") + 1
    except ValueError:
        return ""
    words: list[str] = []
    for line in lines[start:]:
        if line.startswith("## "):
            break
        if line.startswith("    "):
            continue
        words.extend(line.split())
    return " ".join(words)


def _unique(items) -> list[str]:
    seen: list[str] = []
    for item in items:
        if item and item not in seen:
            seen.append(item)
    return seen


# --------------------------------------------------------------------------- results


def _cap(findings: list[Finding]) -> tuple[list[Finding], int]:
    if len(findings) <= MAX_RESULTS:
        return findings, 0
    by_level = sorted(findings, key=lambda f: (-f.level, f.sort_key()))
    kept = sorted(by_level[:MAX_RESULTS], key=Finding.sort_key)
    return kept, len(findings) - MAX_RESULTS


def _result(f: Finding, rule_index: int, sources: _Sources, uri_prefix: str) -> dict:
    s = f.span
    end_line = max(s.end_line, s.line)
    end_column = s.end_column if (end_line > s.line or s.end_column >= s.column) else s.column
    region: dict = {"startLine": s.line, "startColumn": s.column, "endLine": end_line, "endColumn": end_column}
    physical: dict = {"artifactLocation": _artifact(s.path, uri_prefix), "region": region}
    lines = sources.lines(s.path)
    if lines is not None and end_line <= len(lines):
        secrets = sources.secrets(s.path)
        text = _region_text(lines, s.line, s.column, end_line, end_column)
        if text is not None and len(text) <= MAX_SNIPPET:
            region["snippet"] = {"text": _mask(text, secrets)}
        context = "\n".join(lines[s.line - 1:end_line])
        if len(context) <= MAX_SNIPPET:
            physical["contextRegion"] = {"startLine": s.line, "endLine": end_line,
                                         "snippet": {"text": _mask(context, secrets)}}
    return {
        "ruleId": f.rule,
        "ruleIndex": rule_index,
        "level": str(f.level),
        "message": {"text": _sentence(_text(clean(redact(f.message, f.secrets))))},
        "locations": [{"physicalLocation": physical}],
        "partialFingerprints": {FINGERPRINT_KEY: f.fingerprint},
    }


def _region_text(lines: list[str], line: int, column: int, end_line: int, end_column: int) -> str | None:
    """The text a region covers (end exclusive), or None when the columns are out of range."""
    if line == end_line:
        text = lines[line - 1]
        return text[column - 1:end_column - 1] if end_column - 1 <= len(text) else None
    parts = [lines[line - 1][column - 1:], *lines[line:end_line - 1], lines[end_line - 1][:end_column - 1]]
    return "\n".join(parts)


def _artifact(path: str, uri_prefix: str) -> dict:
    return {"uri": uri(path, uri_prefix), "uriBaseId": SRCROOT}


def uri(path: str, uri_prefix: str = "") -> str:
    """A relative URI reference for a root-relative POSIX path: percent-encoded, no leading slash."""
    joined = posixpath.normpath(posixpath.join(uri_prefix.strip("/"), path)) if uri_prefix.strip("/") else path
    raw = joined.encode("utf-8", "surrogateescape")
    # ":" is encoded too, so a first segment such as "c:" never reads as a scheme.
    return quote(raw, safe="/-._~!$&'()*+,;=@")


def _notification(d, uri_prefix: str) -> dict:
    note: dict = {"level": d.level, "descriptor": {"id": d.code},
                  "message": {"text": _sentence(_text(clean(d.message)))}}
    if d.path and d.path != ".":
        note["locations"] = [{"physicalLocation": {"artifactLocation": _artifact(d.path, uri_prefix)}}]
    return note


# --------------------------------------------------------------------------- text


def _sentence(text: str) -> str:
    """GitHub shows the first sentence of a message: make the message exactly one sentence."""
    text = text.strip()
    if not text:
        return "."
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."


def _truncate(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0]
    return cut + "…"


def _text(text: str) -> str:
    """Lone surrogates (undecodable file names) become U+FFFD so the JSON stays valid UTF-8."""
    return text.encode("utf-8", "replace").decode("utf-8") if any("\ud800" <= c <= "\udfff" for c in text) else text


#: A scheme is tried only where a run of scheme characters starts (linear in the snippet).
_URL_CREDENTIALS = re.compile(r"(?P<head>(?<![a-zA-Z0-9+.-])[0-9+.-]*[a-zA-Z][a-zA-Z0-9+.-]*://[^\s:/@\"'`]*:)"
                              r"(?P<pw>[^\s@/\"'`]+)(?=@)")


def _mask(text: str, secrets: tuple[str, ...]) -> str:
    """Secrets named by findings, and passwords inside URLs, masked (``de*****``)."""
    text = redact(text, secrets)

    def sub(m: re.Match) -> str:
        pw = m.group("pw")
        if lexicon.is_placeholder(pw) or pw.startswith("$") or "*****" in pw:
            return m.group(0)
        return m.group("head") + lexicon.mask(pw)

    return _text(_URL_CREDENTIALS.sub(sub, text))


class _Sources:
    """Scanned files' lines, read once each, and the secrets every finding in a file names."""

    def __init__(self, result: ScanResult) -> None:
        self._abspath = {f.path: f.abspath for f in result.files}
        self._lines: dict[str, list[str] | None] = {}
        self._masked = set(getattr(result.inventory, "masked", ()))
        self._secrets: dict[str, set[str]] = {}
        for f in result.findings:
            self._secrets.setdefault(f.span.path, set()).update(s for s in f.secrets if s)

    def secrets(self, path: str) -> tuple[str, ...]:
        return tuple(sorted(self._secrets.get(path, set()) | self._masked))

    def lines(self, path: str) -> list[str] | None:
        if path not in self._lines:
            self._lines[path] = self._read(path)
        return self._lines[path]

    def _read(self, path: str) -> list[str] | None:
        """The file's lines as the frontend saw them; read as the engine reads (no symlink, no
        FIFO, no more than the size limit), since the file may have changed since the scan."""
        from .._io import read_source
        from ..config import DEFAULT_MAX_FILE_SIZE
        from ..languages import decode, normalize_newlines

        abspath = self._abspath.get(path)
        if abspath is None:
            return None
        try:
            data = read_source(abspath, DEFAULT_MAX_FILE_SIZE)
        except OSError:
            return None
        if len(data) > DEFAULT_MAX_FILE_SIZE:
            return None
        text, _ = decode(data)
        return normalize_newlines(text).split("\n")
