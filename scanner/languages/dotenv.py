"""dotenv frontend: ``.env``, ``.env.example``, ``.env.production`` … as assignments with positions.

A parser of our own (docs/decisions/003-dotenv-parser.md) for the dialect that docker compose and
python-dotenv agree on: ``KEY=value``, optional ``export``, full-line and inline comments
(`` #`` after whitespace), single quotes (literal), double quotes (``\\n``-style escapes,
``${VAR}`` interpolation, values over several lines), unquoted values (interpolated, trimmed).
``${VAR}`` is resolved from assignments earlier in the file; ``${VAR:-d}`` falls back to ``d``.
A line that cannot be read (an unterminated quote, a bad key) becomes a diagnostic and parsing
goes on with the next line (past five, one summary line). A unified diff (``.env.patch``) is not
an env file and gives nothing.

Facts: ``EnvAssignment(source="dotenv")`` whose ``environment`` is the scope the file name
implies (``.env.production`` → production), and ``ImageRef`` for image-named variables.
"""

from __future__ import annotations

import bisect
import re
from pathlib import PurePosixPath

from .. import lexicon
from ..discover import env_file_scope
from ..facts import EnvAssignment, FileFacts, ImageRef, Span
from . import _interpolate

_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_.\-]*")
_EXPORT = re.compile(r"export[ \t]+")
_DQ_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "$": "$", "'": "'"}


class _Text:
    """The file's text with offset -> (line, column) conversion."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def position(self, offset: int) -> tuple[int, int]:
        k = bisect.bisect_right(self.line_starts, offset) - 1
        return k + 1, offset - self.line_starts[k] + 1

    def line_end(self, offset: int) -> int:
        j = self.text.find("\n", offset)
        return len(self.text) if j < 0 else j


def _rest_is_blank(text: str, i: int, end: int) -> bool:
    """Only whitespace or a comment between ``i`` and ``end``."""
    rest = text[i:end].strip()
    return not rest or rest.startswith("#")


def parse(text: str) -> tuple[list[tuple[int, int, int, str, list[_interpolate.Part] | None]], list[tuple[str, str]]]:
    """``(start, value_start, end, key, parts)`` per assignment (parts None: no ``=``), diagnostics."""
    t = _Text(text)
    s = text
    out = []
    diags: list[tuple[str, str]] = []
    i, n = 0, len(s)
    while i < n:
        eol = t.line_end(i)
        line = s[i:eol]
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            i = eol + 1
            continue
        j = i + (len(line) - len(line.lstrip()))
        m = _EXPORT.match(s, j, eol)
        if m and _KEY.match(s, m.end(), eol):
            j = m.end()
        km = _KEY.match(s, j, eol)
        if not km:
            diags.append(("parse-error", f"line {t.position(i)[0]}: expected `KEY=value`"))
            i = eol + 1
            continue
        key, start = km.group(), km.start()
        k = km.end()
        while k < eol and s[k] in " \t":
            k += 1
        if lexicon.looks_like_token(key):
            # A pasted credential on a line of its own: never report it as a variable name.
            diags.append(("parse-error", f"line {t.position(i)[0]}: a bare value where `KEY=value` was expected"))
            i = eol + 1
            continue
        if k >= eol or s[k] == "#":
            out.append((start, k, km.end(), key, None))
            i = eol + 1
            continue
        if s[k] != "=":
            diags.append(("parse-error", f"line {t.position(i)[0]}: expected `=` after `{key}`"))
            i = eol + 1
            continue
        k += 1
        while k < eol and s[k] in " \t":
            k += 1
        if k < eol and s[k] in "\"'":
            quote = s[k]
            close = _closing_quote(s, k + 1, quote)
            if close >= 0 and close > eol and not _rest_is_blank(s, close + 1, t.line_end(close + 1)):
                close = -1  # a quote that only closes inside a later line is not this value's
            if close < 0:
                diags.append(("parse-error", f"line {t.position(k)[0]}: unterminated {'double' if quote == chr(34) else 'single'} quote in `{key}`"))
                i = eol + 1
                continue
            after_end = t.line_end(close + 1)
            if not _rest_is_blank(s, close + 1, after_end):
                diags.append(("parse-error", f"line {t.position(close)[0]}: unexpected text after the quoted value of `{key}`"))
            parts = _double_quoted(s, k + 1, close) if quote == '"' else [s[k + 1:close]]
            out.append((start, k, close + 1, key, parts))
            i = after_end + 1
            continue
        end = eol
        c = s.find("#", k, eol)
        while c >= 0:
            if c == k or s[c - 1] in " \t":
                end = c
                break
            c = s.find("#", c + 1, eol)
        raw_end = end
        while raw_end > k and s[raw_end - 1] in " \t\r":
            raw_end -= 1
        out.append((start, k, raw_end if raw_end > k else k, key, _interpolate.scan(s, k, raw_end, dollar_escape=True)))
        i = eol + 1
    return out, diags


def _closing_quote(s: str, i: int, quote: str) -> int:
    """Offset of the unescaped closing quote, or -1."""
    n = len(s)
    while i < n:
        c = s[i]
        if c == "\\" and i + 1 < n:
            i += 2
            continue
        if c == quote:
            return i
        i += 1
    return -1


def _double_quoted(s: str, start: int, end: int) -> list[_interpolate.Part]:
    """Escapes applied, ``${…}`` kept as references (``\\$`` is a literal dollar)."""
    parts: list[_interpolate.Part] = []
    buf: list[str] = []
    i = start
    while i < end:
        c = s[i]
        if c == "\\" and i + 1 < end:
            nxt = s[i + 1]
            buf.append(_DQ_ESCAPES.get(nxt, "\\" + nxt))
            i += 2
            continue
        if c == "$":
            sub = _interpolate.scan(s, i, end, dollar_escape=True)
            first = sub[0] if sub else None
            if isinstance(first, _interpolate.Ref):
                if buf:
                    parts.append("".join(buf))
                    buf = []
                parts.append(first)
                i = first.end
                continue
        buf.append(c)
        i += 1
    if buf:
        parts.append("".join(buf))
    return parts


_DIFF = re.compile(r"\A(?:diff |Index: |--- \S.*\n\+\+\+ )")
MAX_LINE_DIAGNOSTICS = 5


def extract(path: str, text: str, options) -> FileFacts:
    if _DIFF.match(text):
        return FileFacts(path)  # `.env.patch`: a diff of an env file, not one
    entries, diagnostics = parse(text)
    if len(diagnostics) > MAX_LINE_DIAGNOSTICS:
        more = len(diagnostics) - MAX_LINE_DIAGNOSTICS
        diagnostics = diagnostics[:MAX_LINE_DIAGNOSTICS] + [("parse-error", f"{more} more lines could not be read")]
    t = _Text(text)
    scope = env_file_scope(PurePosixPath(path).name)
    known: dict[str, str | None] = {}
    facts: list = []
    for start, vstart, end, key, parts in entries:
        line, col = t.position(start)
        end_line, end_col = t.position(end)
        span = Span(path, line, col, end_line, end_col)
        if parts is None:
            facts.append(EnvAssignment(span, key, None, "dotenv", scope))
            continue
        resolved = _interpolate.resolve(parts, known.get)
        value = resolved.text
        known[key] = value if resolved.complete else None
        facts.append(EnvAssignment(span, key, value, "dotenv", scope, resolved.used_default))
        if value and lexicon.is_image_name(key) and resolved.complete:
            parsed = lexicon.parse_image(value)
            if parsed is not None and (parsed[1] or parsed[2]):  # untagged: the tag may be another variable
                vline, vcol = t.position(vstart)
                facts.append(ImageRef(Span(path, vline, vcol, end_line, end_col), value, *parsed, "dotenv"))
    return FileFacts(path, tuple(facts), tuple(diagnostics))
