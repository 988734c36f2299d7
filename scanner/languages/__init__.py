"""Frontends: one module per file kind, each turning a file's text into ``FileFacts``.

``extract_bytes`` is the one entry point the engine calls per file: it sniffs and decodes the bytes
(binary files become diagnostics, undecodable bytes are replaced and noted), turns every line
ending into ``\n`` (CRLF and a lone CR each end one line, so spans count lines the way editors
and SARIF do), then hands the text to the frontend named in ``FRONTENDS``. Frontend modules are imported on first use, so a scan of a tree without Python
never imports libcst. A frontend that raises costs its file a diagnostic, never the scan.
"""

from __future__ import annotations

import codecs
import importlib
from dataclasses import dataclass

from ..errors import describe
from ..facts import FileFacts

#: kind -> module under ``scanner.languages`` that defines ``extract(path, text, options)``.
FRONTENDS: dict[str, str] = {
    "typescript": "typescript",
    "tsx": "typescript",
    "javascript": "typescript",
    "python": "python",
    "dockerfile": "dockerfile",
    "compose": "compose",
    "dotenv": "dotenv",
    "yaml": "yaml",
    "text": "text",
}

#: How many bytes are sniffed for NUL (binary) and for minified single lines.
SNIFF_BYTES = 8192
#: NUL bytes tolerated in the sniffed head of otherwise valid UTF-8 before a file counts as
#: binary: a few stray NULs in a source file should not cost its findings.
STRAY_NULS = 16
MINIFIED_LINE = 5000  # a first line this long in a script file marks a minified bundle


@dataclass(frozen=True, slots=True)
class ExtractOptions:
    """What frontends need from the config. Part of the facts cache key."""

    kind: str
    extra_local_hosts: frozenset[str] = frozenset()
    secret_name_patterns: frozenset[str] = frozenset()  # the user's extra secret words and globs


def decode(data: bytes) -> tuple[str, str | None]:
    """Text and, when the bytes were not clean UTF-8, a note on how they were read."""
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), None
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        return data.decode("utf-8", errors="replace"), (
            f"not valid UTF-8 (first bad byte at offset {exc.start}); undecodable bytes were replaced")


def normalize_newlines(text: str) -> str:
    """CRLF and lone CR become LF; positions in the result are the editor's lines and columns."""
    if "\r" not in text:
        return text
    return text.replace("\r\n", "\n").replace("\r", "\n")


def is_binary(head: bytes) -> bool:
    """Git's test (a NUL in the head), except that a few stray NULs in valid UTF-8 are text."""
    if b"\x00" not in head or head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return False
    if head.count(0) > max(STRAY_NULS, len(head) // 100):
        return True
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc.start < len(head) - 3  # a character cut by the sniff window is not evidence
    return False


def frontend_for(kind: str):
    """The frontend module for a kind, imported lazily; None when no frontend reads it."""
    module = FRONTENDS.get(kind)
    if module is None:
        return None
    loaded = _LOADED.get(module)
    if loaded is None:
        loaded = _LOADED[module] = importlib.import_module(f"{__name__}.{module}")
    return loaded


_LOADED: dict[str, object] = {}


def extract_text(path: str, text: str, options: ExtractOptions) -> FileFacts:
    """Run the frontend for ``options.kind`` over already-decoded text."""
    frontend = frontend_for(options.kind)
    if frontend is None:
        return FileFacts(path)
    try:
        return frontend.extract(path, text, options)
    except RecursionError:
        return FileFacts(path, diagnostics=(("too-deep", "skipped: nesting too deep to analyse"),))
    except Exception as exc:  # noqa: BLE001 - a frontend bug must not end the scan
        return FileFacts(path, diagnostics=(("frontend-error", f"{options.kind} frontend failed: {describe(exc)}"),))


def sniff(path: str, data: bytes, kind: str) -> FileFacts | None:
    """The facts of a file not worth reading (binary, minified), or None when it is."""
    head = data[:SNIFF_BYTES]
    if is_binary(head):
        return FileFacts(path, diagnostics=(("binary", "skipped: binary content (NUL bytes)"),))
    if kind in {"typescript", "tsx", "javascript"}:
        first_line = head.split(b"\n", 1)[0]
        if len(first_line) >= MINIFIED_LINE or (len(head) == SNIFF_BYTES and b"\n" not in head):
            return FileFacts(path, diagnostics=(("minified", "skipped: looks minified (one very long line)"),))
    return None


def may_have_facts(path: str, data: bytes, options: ExtractOptions) -> bool:
    """The frontend's literal pre-filter: False when parsing ``data`` could not give a fact that
    reaches a rule or the inventory. A frontend offers it as ``may_have_facts(path, data, options)``;
    one without it is always parsed (its ``extract`` may still return early)."""
    frontend = frontend_for(options.kind)
    if frontend is None:
        return False
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return True  # UTF-16 text hides ASCII triggers
    check = getattr(frontend, "may_have_facts", None)
    return True if check is None else check(path, data, options)


def extract_bytes(path: str, data: bytes, options: ExtractOptions) -> FileFacts:
    """Decode, sniff and extract: the per-file unit of work (pure: bytes in, facts out)."""
    skipped = sniff(path, data, options.kind)
    if skipped is not None:
        return skipped
    text, note = decode(data)
    notes = [("decode-error", note)] if note else []
    if "\x00" in text:
        notes.append(("nul-bytes", f"read as text despite {text.count(chr(0))} NUL bytes"))
    facts = extract_text(path, normalize_newlines(text), options)
    if notes:
        facts = FileFacts(facts.path, facts.facts, tuple(notes) + facts.diagnostics, facts.imports)
    return facts
