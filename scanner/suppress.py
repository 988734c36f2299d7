"""Suppressions, applied once after every rule: ``per-file-ignores``, then inline comments.

An inline suppression is a comment holding ``envmatrix: ignore[CODE, …]`` (optionally followed by
``-- reason`` or ``: reason``). A comment that shares its line with code covers that line; a
comment alone on its line covers the next line that is not itself a comment. In a Dockerfile
(where ``#`` after an instruction is an argument, not a comment) it covers the whole instruction
with its continuation lines; in YAML a comment above a key, or after it, covers the key's
multi-line scalar (a ``run: |`` block). ``envmatrix: ignore-file[CODE]`` anywhere in a comment
covers the whole file. A finding is covered when the line where its span starts or ends is.

Comments are found by each format's own syntax, never by searching the text, so ``envmatrix:``
inside a string is not a directive: TypeScript/JavaScript by tree-sitter ``comment`` nodes,
Python by ``tokenize``, YAML by PyYAML's token stream (PyYAML drops comments, so a ``#`` that
starts a line or follows whitespace and lies outside every scalar token is one; after a YAML
syntax error a quote-aware line scan takes over), Dockerfiles by their line grammar (``#`` first
on a line, outside heredoc bodies), ``.env`` files by the dotenv rules (``#`` first, or after
whitespace behind the value, outside its quotes), other text by the comment markers of its
suffix with line-local quote tracking. Only files whose bytes contain ``envmatrix:`` are read
again and parsed, so a tree without suppressions costs one substring test per file.

Suppressions that suppress nothing become META001 hits (``rules/meta001_unused_suppression``).
"""

from __future__ import annotations

import io
import re
import tokenize
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import PurePosixPath
from typing import Callable, Iterable

from ._io import read_source
from .config import Config
from .discover import SourceFile
from .facts import Span
from .findings import Finding, Hit

MARKER = "envmatrix:"
_DIRECTIVE = re.compile(r"(?<![\w-])envmatrix:[ \t]*(?P<verb>ignore(?:-[A-Za-z]+)?)\b(?P<rest>[^\n]*)")
_CODES = re.compile(r"^[ \t]*\[(?P<codes>[^\]\n]*)\](?P<after>[^\n]*)")
_REASON = re.compile(r"^[ \t]*(?:--|:)[ \t]*(?P<reason>.*?)[ \t]*(?:\*/|-->|#\})?[ \t]*$")
_CODE = re.compile(r"^[A-Z]+[0-9]{3}$")


@dataclass(frozen=True, slots=True)
class Suppression:
    """One ``envmatrix: ignore…`` directive and the lines it covers.

    ``first``/``last`` are the covered lines (inclusive, 1-based); both are 0 for ``ignore-file``.
    ``problem`` says why a malformed directive suppresses nothing; None when it is well formed.
    """

    span: Span  # the directive, from ``envmatrix:`` to the end of its codes
    codes: tuple[str, ...]  # upper-cased, in written order
    reason: str | None  # the text after ``--`` or ``:``; None when there is none
    file_wide: bool
    first: int
    last: int
    problem: str | None = None

    @property
    def verb(self) -> str:
        return "ignore-file" if self.file_wide else "ignore"

    def covers(self, span: Span) -> bool:
        if self.file_wide:
            return True
        return self.first <= span.line <= self.last or self.first <= span.end_line <= self.last


@dataclass(frozen=True, slots=True)
class Comment:
    """A comment's text and where it lies (1-based lines, code-point columns, end exclusive)."""

    line: int
    column: int
    end_line: int
    end_column: int
    text: str


#: A comment finder: text -> (comments, extent), where extent(line) is the last line a
#: suppression aimed at ``line`` covers (a Dockerfile instruction, a YAML block scalar).
Finder = Callable[[str, str], tuple[list[Comment], Callable[[int], int]]]


def _same_line(line: int) -> int:
    return line


# --------------------------------------------------------------------------- parsing directives

def parse(path: str, kind: str, text: str) -> list[Suppression]:
    """Every directive in the comments of one file, with the lines each covers."""
    if MARKER not in text:
        return []
    finder = _finder(kind, path)
    if finder is None:
        return []
    comments, extent = finder(path, text)
    lines = text.split("\n")
    comment_only: set[int] = set()
    alone: list[bool] = []
    for c in comments:
        before = lines[c.line - 1][: c.column - 1] if c.line <= len(lines) else ""
        after = lines[c.end_line - 1][c.end_column - 1:] if c.end_line <= len(lines) else ""
        is_alone = not before.strip() and not after.strip()
        alone.append(is_alone)
        if is_alone:
            comment_only.update(range(c.line, c.end_line + 1))
    out: list[Suppression] = []
    for c, is_alone in zip(comments, alone):
        if MARKER not in c.text:
            continue
        for m in _DIRECTIVE.finditer(c.text):
            if is_alone:
                target = c.end_line + 1
                while target in comment_only:
                    target += 1
                first, last = target, max(target, extent(target))
            else:
                first, last = c.line, max(c.end_line, extent(c.line))
            out.append(_directive(path, c, m, first, last))
    return out


def _directive(path: str, c: Comment, m: re.Match, first: int, last: int) -> Suppression:
    verb, rest = m.group("verb").lower(), m.group("rest")
    codes_match = _CODES.match(rest)
    end = m.end("verb") + (codes_match.end("codes") + 1 if codes_match else 0)
    span = _span_in(path, c, m.start(), end)
    file_wide = verb == "ignore-file"
    if file_wide:
        first = last = 0
    if verb not in {"ignore", "ignore-file"}:
        return Suppression(span, (), None, file_wide, first, last,
                           f"unknown directive `{verb}` (expected `ignore[CODE]` or `ignore-file[CODE]`)")
    codes = tuple(c.strip().upper() for c in codes_match.group("codes").split(",") if c.strip()) if codes_match else ()
    if not codes:
        return Suppression(span, (), None, file_wide, first, last,
                           f"names no rule code (write `envmatrix: {verb}[CODE]`)")
    reason_match = _REASON.match(codes_match.group("after"))
    reason = reason_match.group("reason") or None if reason_match else None
    return Suppression(span, codes, reason, file_wide, first, last)


def _span_in(path: str, c: Comment, start: int, end: int) -> Span:
    """The span of ``c.text[start:end]`` in the file (directives never cross a line)."""
    head = c.text[:start]
    newlines = head.count("\n")
    line = c.line + newlines
    column = (start - head.rfind("\n")) if newlines else c.column + start
    return Span(path, line, column, line, column + (end - start))


# --------------------------------------------------------------------------- comment finders

def _finder(kind: str, path: str) -> Finder | None:
    if kind in {"typescript", "tsx", "javascript"}:
        return lambda p, t: (_tree_sitter_comments(kind, p, t), _same_line)
    if kind == "python":
        return lambda p, t: (_python_comments(t), _same_line)
    if kind in {"yaml", "compose"}:
        return lambda p, t: _yaml_comments(t)
    if kind == "dockerfile":
        return lambda p, t: _dockerfile_comments(t)
    if kind == "dotenv":
        return lambda p, t: (_dotenv_comments(t), _same_line)
    if kind == "text":
        syntax = _text_syntax(path)
        if syntax is None:
            return None
        return lambda p, t: (_marker_comments(t, *syntax), _same_line)
    return None


@lru_cache(maxsize=2)
def _ts_parser_and_query(tsx: bool):
    import tree_sitter_typescript as tst
    from tree_sitter import Language, Parser, Query

    language = Language(tst.language_tsx() if tsx else tst.language_typescript())
    return Parser(language), Query(language, "(comment) @comment")


def _tree_sitter_comments(kind: str, path: str, text: str) -> list[Comment]:
    from tree_sitter import QueryCursor

    tsx = kind != "typescript" or path.endswith(".tsx")  # as the TypeScript frontend chooses
    parser, query = _ts_parser_and_query(tsx)
    src = text.encode("utf-8", errors="surrogatepass")
    tree = parser.parse(src)
    byte_lines = src.split(b"\n")

    def column(row: int, byte_col: int) -> int:
        return len(byte_lines[row][:byte_col].decode("utf-8", errors="replace")) + 1

    out = []
    for node in QueryCursor(query).captures(tree.root_node).get("comment", ()):
        (r1, c1), (r2, c2) = node.start_point, node.end_point
        out.append(Comment(r1 + 1, column(r1, c1), r2 + 1, column(r2, c2),
                           src[node.start_byte:node.end_byte].decode("utf-8", errors="replace")))
    out.sort(key=lambda c: (c.line, c.column))
    return out


def _python_comments(text: str) -> list[Comment]:
    out = []
    try:
        for tok in tokenize.generate_tokens(io.StringIO(text).readline):
            if tok.type == tokenize.COMMENT:
                (r, c), (er, ec) = tok.start, tok.end
                out.append(Comment(r, c + 1, er, ec + 1, tok.string))
    except (tokenize.TokenError, SyntaxError):
        pass  # unterminated string or bad indentation: keep the comments before it
    return out


def _yaml_comments(text: str) -> tuple[list[Comment], Callable[[int], int]]:
    """``#`` after whitespace (or first on a line) outside every scalar token is a comment."""
    import yaml

    starts = _line_starts(text)
    scalars: list[tuple[int, int]] = []  # (start index, end index) of scalar tokens
    scalar_end: dict[int, int] = {}  # first line of a scalar -> its last line
    valid_until = len(text)
    last_end = 0  # end of the last token read: tokens queued behind a syntax error are lost
    try:
        for tok in yaml.scan(text, Loader=yaml.SafeLoader):
            last_end = tok.end_mark.index
            if isinstance(tok, yaml.ScalarToken):
                a, b = tok.start_mark.index, tok.end_mark.index
                scalars.append((a, b))
                first, last = _line_of(starts, a), _line_of(starts, max(a, b - 1))
                scalar_end[first] = max(scalar_end.get(first, first), last)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        valid_until = min(mark.index if mark is not None else 0, last_end)
    scalars.sort()
    out: list[Comment] = []
    lines = text.split("\n")
    k = 0
    for number, line in enumerate(lines, start=1):
        base = starts[number - 1]
        if base >= valid_until:
            out.extend(_marker_comments_line(line, number, ("#",), quotes="'\""))
            continue
        i = line.find("#")
        while i != -1:
            index = base + i
            while k < len(scalars) and scalars[k][1] <= index:
                k += 1
            inside = k < len(scalars) and scalars[k][0] <= index < scalars[k][1]
            if not inside and (i == 0 or line[i - 1] in " \t"):
                text_ = line[i:].rstrip("\r")
                out.append(Comment(number, i + 1, number, i + 1 + len(text_), text_))
                break
            i = line.find("#", i + 1)
    return out, lambda line: scalar_end.get(line, line)


def _line_starts(text: str) -> list[int]:
    starts = [0]
    for i, ch in enumerate(text):
        if ch == "\n":
            starts.append(i + 1)
    return starts


def _line_of(starts: list[int], index: int) -> int:
    import bisect

    return bisect.bisect_right(starts, index)


_HEREDOC = re.compile(r"<<(-?)[ \t]*([\"']?)([A-Za-z_][A-Za-z0-9_.-]*)\2")
_ESCAPE_DIRECTIVE = re.compile(r"^#[ \t]*escape[ \t]*=[ \t]*([\\`])[ \t]*$", re.IGNORECASE)


def _dockerfile_comments(text: str) -> tuple[list[Comment], Callable[[int], int]]:
    """Comment lines (``#`` first), outside heredoc bodies; an instruction's continuation extent."""
    lines = [ln[:-1] if ln.endswith("\r") else ln for ln in text.split("\n")]
    escape = "\\"
    for ln in lines:  # parser directives sit at the very top
        m = _ESCAPE_DIRECTIVE.match(ln)
        if m:
            escape = m.group(1)
        elif not ln.startswith("#"):
            break
    comments: list[Comment] = []
    extent: dict[int, int] = {}
    start: int | None = None  # first line of the instruction being read
    keyword = ""
    heredocs: list[tuple[str, bool]] = []  # (terminator, strip tabs) of the current instruction
    pending: list[tuple[str, bool]] = []  # heredoc bodies to skip, in order
    for number, line in enumerate(lines, start=1):
        if pending:
            word, strip = pending[0]
            if (line.lstrip("\t") if strip else line) == word:
                pending.pop(0)
            continue
        stripped = line.lstrip()
        if stripped.startswith("#"):
            col = len(line) - len(stripped) + 1
            comments.append(Comment(number, col, number, len(line) + 1, stripped))
            continue
        if not stripped:
            continue
        if start is None:
            start = number
            keyword = stripped.split(None, 1)[0].upper()
            heredocs = []
        if keyword in {"RUN", "COPY", "ADD"}:
            heredocs.extend((m.group(3), m.group(1) == "-") for m in _HEREDOC.finditer(line))
        extent[start] = number
        if not line.rstrip().endswith(escape):
            pending = heredocs
            heredocs = []
            start = None
    return comments, lambda line: extent.get(line, line)


def _dotenv_comments(text: str) -> list[Comment]:
    """``#`` first on a line, or after whitespace behind an unquoted or closed quoted value.

    A quote that closes on a later line spans those lines only when nothing but a comment follows
    the closing quote; otherwise the opening line is read alone (as ``languages/dotenv.py`` does).
    """
    out: list[Comment] = []
    lines = [ln[:-1] if ln.endswith("\r") else ln for ln in text.split("\n")]
    number = 0
    while number < len(lines):
        line = lines[number]
        stripped = line.lstrip()
        start = _dotenv_value_end(line) if not stripped.startswith("#") else len(line) - len(stripped)
        if start is None:  # a quote left open: does it close on a later line, before a comment?
            closing = _dotenv_multiline_end(lines, number)
            if closing is not None:
                number, start = closing
                line = lines[number]
        if start is not None:
            for j in range(start, len(line)):
                if line[j] == "#" and (j == 0 or line[j - 1] in " \t"):
                    out.append(Comment(number + 1, j + 1, number + 1, len(line) + 1, line[j:]))
                    break
        number += 1
    return out


def _dotenv_value_end(line: str) -> int | None:
    """Where a comment may start on an assignment line; None when its quoted value stays open."""
    eq = line.find("=")
    if eq < 0:
        return len(line)
    i = eq + 1
    while i < len(line) and line[i] in " \t":
        i += 1
    if i < len(line) and line[i] in "'\"`":
        end = _close_quote(line, i + 1, line[i])
        return None if end < 0 else end
    return i


def _dotenv_multiline_end(lines: list[str], number: int) -> tuple[int, int] | None:
    line = lines[number]
    eq = line.find("=")
    quote = line[eq + 1:].lstrip(" \t")[0]
    for later in range(number + 1, len(lines)):
        end = _close_quote(lines[later], 0, quote)
        if end >= 0:
            rest = lines[later][end:].strip()
            return (later, end) if not rest or rest.startswith("#") else None
    return None


def _close_quote(line: str, i: int, quote: str) -> int:
    """The index after the closing ``quote`` from ``i`` (backslash escapes in double quotes), or -1."""
    while i < len(line):
        ch = line[i]
        if ch == "\\" and quote == '"':
            i += 2
            continue
        if ch == quote:
            return i + 1
        i += 1
    return -1


# Comment syntax of "text" files by suffix: (line markers, block pairs, quote characters).
_HASH = (("#",), (), "'\"")
_SLASH = (("//",), (("/*", "*/"),), "'\"")
_SLASH_HASH = (("//", "#"), (("/*", "*/"),), "'\"")
_SQL = (("--",), (("/*", "*/"),), "'\"")
_MARKUP = ((), (("<!--", "-->"),), "")
_TEXT_SYNTAX = {
    **dict.fromkeys((".sh", ".bash", ".zsh", ".fish", ".ps1", ".conf", ".cfg", ".ini", ".toml", ".properties",
                     ".nginx", ".service", ".rb", ".txt", ".tpl", ".j2", ".jinja"), _HASH),
    **dict.fromkeys((".go", ".java", ".kt", ".rs", ".cs", ".jsonc", ".json5", ".prisma"), _SLASH),
    **dict.fromkeys((".tf", ".hcl", ".php", ".http"), _SLASH_HASH),
    ".sql": _SQL,
    **dict.fromkeys((".md", ".mdx", ".html", ".xml"), _MARKUP),
}
_TEXT_NAMES = {"Makefile": _HASH, "Procfile": _HASH, "Justfile": _HASH, "Caddyfile": _HASH,
               "Tiltfile": _HASH, "Jenkinsfile": _SLASH}


def _text_syntax(path: str):
    p = PurePosixPath(path)
    return _TEXT_NAMES.get(p.name) or _TEXT_SYNTAX.get(p.suffix.lower())


def _marker_comments(text: str, markers: tuple[str, ...], blocks: tuple[tuple[str, str], ...],
                     quotes: str) -> list[Comment]:
    """Line and block comments outside quotes; quotes never span lines (prose has apostrophes)."""
    out: list[Comment] = []
    lines = [ln[:-1] if ln.endswith("\r") else ln for ln in text.split("\n")]
    number = 0
    while number < len(lines):
        line = lines[number]
        i, quote = 0, None
        while i < len(line):
            ch = line[i]
            if quote:
                if ch == "\\" and quote == '"':
                    i += 1
                elif ch == quote:
                    quote = None
                i += 1
                continue
            if ch in quotes:
                quote = ch
                i += 1
                continue
            block = next((b for b in blocks if line.startswith(b[0], i)), None)
            if block is not None:
                comment, number, line, i = _block(lines, number, i, block)
                out.append(comment)
                continue
            marker = next((m for m in markers if line.startswith(m, i) and _marker_ok(line, i, m)), None)
            if marker is not None:
                out.append(Comment(number + 1, i + 1, number + 1, len(line) + 1, line[i:]))
                break
            i += 1
        number += 1
    return out


def _marker_comments_line(line: str, number: int, markers: tuple[str, ...], quotes: str) -> list[Comment]:
    line = line[:-1] if line.endswith("\r") else line
    return [Comment(c.line + number - 1, c.column, c.end_line + number - 1, c.end_column, c.text)
            for c in _marker_comments(line, markers, (), quotes)]


def _marker_ok(line: str, i: int, marker: str) -> bool:
    """``#`` needs whitespace (or nothing) before it (``$#``, ``a#b``); ``//`` must not end a ``scheme:``."""
    if i == 0:
        return True
    if marker == "#":
        return line[i - 1] in " \t"
    if marker == "//":
        return line[i - 1] != ":"
    return True


def _block(lines: list[str], number: int, i: int, pair: tuple[str, str]):
    """Read a block comment from ``lines[number][i:]``: (comment, end line index, its text, index after)."""
    opener, closer = pair
    start_line, start_col = number, i
    parts = []
    j = lines[number].find(closer, i + len(opener))
    while j < 0 and number + 1 < len(lines):
        parts.append(lines[number][i:])
        number, i = number + 1, 0
        j = lines[number].find(closer)
    line = lines[number]
    end = j + len(closer) if j >= 0 else len(line)
    parts.append(line[i:end])
    comment = Comment(start_line + 1, start_col + 1, number + 1, end + 1, "\n".join(parts))
    return comment, number, line, end


# --------------------------------------------------------------------------- applying them

def collect(files: Iterable[SourceFile], max_file_size: int) -> dict[str, list[Suppression]]:
    """Directives per path, reading again only the files whose bytes mention ``envmatrix:``."""
    from .languages import decode

    table: dict[str, list[Suppression]] = {}
    needle = MARKER.encode()
    for sf in files:
        try:
            data = read_source(sf.abspath, max_file_size)  # no link, no FIFO: it may have changed
        except OSError:
            continue  # the engine already reported it
        if len(data) > max_file_size or needle not in data or b"\x00" in data[:8192]:
            continue
        text, _ = decode(data)
        try:
            found = parse(sf.path, sf.kind, text)
        except RecursionError:
            continue
        if found:
            table[sf.path] = found
    return table


@dataclass
class Outcome:
    """What suppression left: the findings to keep, how many it dropped, unused directives."""

    kept: list[Finding]
    suppressed: int = 0  # by per-file-ignores and inline comments
    unused: list[Hit] = field(default_factory=list)  # META001 hits, before role and level filters


def apply(findings: list[Finding], files: Iterable[SourceFile], config: Config,
          rule_codes: Iterable[str]) -> Outcome:
    """Drop findings ignored by ``per-file-ignores`` or an inline directive; find unused directives."""
    from .rules import BY_CODE
    from .rules.meta001_unused_suppression import CODE as META, hit_for

    ran = frozenset(rule_codes)
    ignores = _PerFileIgnores(config.per_file_ignores)
    kept = [f for f in findings if not ignores.ignores(f.span.path, f.rule)]
    outcome = Outcome(kept, len(findings) - len(kept))
    if not config.inline_suppressions:
        return outcome
    table = collect(files, config.max_file_size)
    if not table:
        return outcome
    used: set[tuple[Suppression, str]] = set()
    outcome.kept = _filter(kept, table, used)
    outcome.suppressed += len(kept) - len(outcome.kept)

    unused: list[Hit] = []
    for path, directives in sorted(table.items()):
        for d in directives:
            if d.problem is not None:
                unused.append(hit_for(d, None, d.problem))
                continue
            for code in d.codes:
                if code == META or (d, code) in used:
                    continue
                if code not in BY_CODE:
                    why = "is not a rule code" if not _CODE.match(code) else "is not a known rule"
                    unused.append(hit_for(d, code, why))
                elif code in ran and not ignores.ignores(path, code):
                    unused.append(hit_for(d, code, None))
    if META not in ran:
        return outcome
    meta_used: set[tuple[Suppression, str]] = set()
    for hit in unused:
        directives = table.get(hit.span.path, ())
        if not any(META in d.codes and d.problem is None and d.covers(hit.span) and not meta_used.add((d, META))
                   for d in directives):
            outcome.unused.append(hit)
    for path, directives in sorted(table.items()):
        for d in directives:
            if META in d.codes and d.problem is None and (d, META) not in meta_used \
                    and not ignores.ignores(path, META):
                outcome.unused.append(hit_for(d, META, None))
    return outcome


def _filter(findings: list[Finding], table: dict[str, list[Suppression]], used: set[tuple[Suppression, str]]) -> list[Finding]:
    kept = []
    for f in findings:
        hit = False
        for d in table.get(f.span.path, ()):
            if d.problem is None and f.rule in d.codes and d.covers(f.span):
                used.add((d, f.rule))
                hit = True
        if not hit:
            kept.append(f)
    return kept


class _PerFileIgnores:
    """``per-file-ignores``: gitignore-style path patterns, each with codes or prefixes."""

    def __init__(self, entries: tuple[tuple[str, frozenset[str]], ...]) -> None:
        self.entries = []
        if entries:
            import pathspec  # only when the config has entries: it costs a small tree a tenth of its scan

            self.entries = [(pathspec.GitIgnoreSpec.from_lines([pattern]), codes) for pattern, codes in entries]
        self._cache: dict[str, tuple[str, ...]] = {}

    def ignores(self, path: str, code: str) -> bool:
        if not self.entries:
            return False
        prefixes = self._cache.get(path)
        if prefixes is None:
            prefixes = tuple(c for spec, codes in self.entries if spec.match_file(path) for c in codes)
            self._cache[path] = prefixes
        return any(code.startswith(p) for p in prefixes)
