"""The baseline file: the identities of accepted findings, so a scan reports only what is new.

A finding's identity is its fingerprint (``engine.fingerprint``: rule, path, normalised matched
text, occurrence index), never its line, so inserting lines, reformatting or moving code within a
file does not resurface it, while a changed value (a new secret on the same line) does. The file
is JSON with sorted keys and entries and no timestamps, so the same findings give the same bytes
and a refreshed baseline diffs cleanly; it holds no messages or values, only rule, path and
fingerprint. Entries that no finding matches any more are *stale*: counted, never an error.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from typing import Iterable

from ._io import read_source, write_atomic
from .errors import ConfigError
from .findings import Finding

MAX_BASELINE_BYTES = 256 * 1024 * 1024
VERSION = 1
DEFAULT_PATH = ".envmatrix-baseline.json"


@dataclass(frozen=True, slots=True)
class Baseline:
    """The fingerprints of a baseline file, each with the rule that made it."""

    entries: frozenset[tuple[str, str, str]]  # (path, rule, fingerprint)

    @property
    def fingerprints(self) -> frozenset[str]:
        return frozenset(e[2] for e in self.entries)


def dumps(findings: Iterable[Finding]) -> str:
    """The baseline document for ``findings``: sorted, stable, one entry per fingerprint."""
    entries = sorted({(f.span.path, f.rule, f.fingerprint) for f in findings})
    rows = [json.dumps({"path": p, "rule": r, "fingerprint": fp}, sort_keys=True, ensure_ascii=False)
            for p, r, fp in entries]
    body = ",\n".join(f"    {row}" for row in rows)
    # One entry per line, keys sorted: valid JSON that diffs line by line.
    return (f'{{\n  "findings": [\n{body}\n  ],\n  "tool": "envmatrix",\n  "version": {VERSION}\n}}\n' if rows
            else f'{{\n  "findings": [],\n  "tool": "envmatrix",\n  "version": {VERSION}\n}}\n')


def write(path: str | os.PathLike[str], findings: Iterable[Finding]) -> int:
    """Write the baseline atomically; returns the number of entries."""
    text = dumps(findings)
    write_atomic(os.fspath(path), text)
    return text.count('"fingerprint":')


def load(path: str | os.PathLike[str]) -> Baseline:
    """Read a baseline file; a missing or malformed one is a ``ConfigError`` naming it."""
    shown = os.fspath(path)
    try:
        data = read_source(shown, MAX_BASELINE_BYTES, follow_symlinks=True)  # never a FIFO or /dev/zero
        if len(data) > MAX_BASELINE_BYTES:
            raise ConfigError(f"{shown}: over {MAX_BASELINE_BYTES} bytes, not read")
        doc = json.loads(data.decode("utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{shown}: no such baseline file (write one with `envmatrix baseline`)") from None
    except OSError as exc:
        raise ConfigError(f"{shown}: cannot read baseline ({exc.strerror})") from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{shown}: not an envmatrix baseline (invalid JSON: {exc})") from None
    if not isinstance(doc, dict) or doc.get("tool") != "envmatrix" or not isinstance(doc.get("findings"), list):
        raise ConfigError(f"{shown}: not an envmatrix baseline (expected `tool` and `findings`)")
    if doc.get("version") != VERSION:
        raise ConfigError(f"{shown}: baseline version `{doc.get('version')}` is not supported (expected {VERSION})")
    entries = set()
    for i, entry in enumerate(doc["findings"]):
        if not isinstance(entry, dict) or not all(isinstance(entry.get(k), str) for k in ("path", "rule", "fingerprint")):
            raise ConfigError(f"{shown}: baseline entry {i + 1} lacks a string `path`, `rule` or `fingerprint`")
        entries.add((entry["path"], entry["rule"], entry["fingerprint"]))
    return Baseline(frozenset(entries))


@dataclass(frozen=True, slots=True)
class Outcome:
    new: list[Finding]
    baselined: int  # findings dropped because the baseline lists them
    stale: int  # baseline entries of rules that ran which no finding matched


def apply(findings: list[Finding], baseline: Baseline, rule_codes: Iterable[str]) -> Outcome:
    """Drop baselined findings; count stale entries among the rules that ran."""
    known = baseline.fingerprints
    new = [f for f in findings if f.fingerprint not in known]
    seen = {f.fingerprint for f in findings}
    ran = set(rule_codes)
    stale = sum(1 for _, rule, fp in baseline.entries if rule in ran and fp not in seen)
    return Outcome(new, len(findings) - len(new), stale)
