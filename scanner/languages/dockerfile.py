"""Dockerfile frontend: base images, build arguments and environment, with exact positions.

A parser of our own (docs/decisions/002-dockerfile-parser.md) that follows BuildKit's grammar:
parser directives (``# escape=```), line continuations (comment and blank lines inside them are
dropped), heredocs (``RUN <<EOF`` bodies are skipped, never read as instructions), shell-style
words with quotes and the escape character. Global ``ARG`` defaults are substituted into ``FROM``
before the image is judged; a ``FROM`` naming an earlier stage, and ``scratch``, are not images.

Facts: ``ImageRef`` for ``FROM`` and ``COPY --from=<image>``; ``EnvAssignment`` for ``ENV`` and
for ``ARG`` defaults (``environment="build"``: an argument exists while the image is built). An
``ARG`` default, and an ``ENV`` value that substitutes a reference, are
marked ``interpolated``: ``--build-arg`` overrides them. An ``ENV`` in a stage that the final
stage is not built ``FROM`` (directly or through other stages) has ``environment="build"``: it
exists while the image is built, not when it runs. Local endpoints in values are judged from
the assignments (URL001 for defaults, URL003 for literals), so no ``Literal`` is emitted.
"""

from __future__ import annotations

import bisect
import dataclasses
import re
from dataclasses import dataclass

from .. import lexicon
from ..facts import EnvAssignment, FileFacts, ImageRef, Span
from . import _interpolate
from ._scope import path_scope

_DIRECTIVE = re.compile(r"^#\s*([A-Za-z][A-Za-z0-9_-]*)\s*=\s*(.*?)\s*$")
_KNOWN_DIRECTIVES = frozenset({"syntax", "escape", "check"})
_HEREDOC = re.compile(r"<<(-?)\s*([\"']?)([A-Za-z_][A-Za-z0-9_.-]*)\2")
_HEREDOC_INSTRUCTIONS = frozenset({"RUN", "COPY", "ADD"})


@dataclass(slots=True)
class Instruction:
    """One logical instruction: continuation lines joined, with a map back to positions."""

    keyword: str
    text: str  # the joined logical line, keyword included
    starts: list[int]  # offset in ``text`` where each physical segment begins
    lines: list[int]  # 1-based line of each segment

    def position(self, offset: int) -> tuple[int, int]:
        """(line, column), 1-based, of an offset into ``text``."""
        k = bisect.bisect_right(self.starts, offset) - 1
        return self.lines[k], offset - self.starts[k] + 1


def parse(text: str) -> tuple[list[Instruction], str, list[tuple[str, str]]]:
    """Instructions, the escape character, and diagnostics."""
    lines = text.split("\n")
    lines = [ln[:-1] if ln.endswith("\r") else ln for ln in lines]
    escape = "\\"
    diagnostics: list[tuple[str, str]] = []
    i, n = 0, len(lines)
    # Parser directives: only at the very top, before any comment, blank line or instruction.
    while i < n:
        m = _DIRECTIVE.match(lines[i])
        if not m or m.group(1).lower() not in _KNOWN_DIRECTIVES:
            break
        if m.group(1).lower() == "escape":
            if m.group(2) in {"\\", "`"}:
                escape = m.group(2)
            else:
                diagnostics.append(("parse-error", f"invalid escape directive `{m.group(2)}` on line {i + 1}"))
        i += 1
    continuation = re.compile(re.escape(escape) + r"[ \t]*$")
    out: list[Instruction] = []
    while i < n:
        stripped = lines[i].lstrip()
        if not stripped or stripped.startswith("#"):
            i += 1
            continue
        pieces: list[str] = []
        starts: list[int] = []
        seg_lines: list[int] = []
        offset = 0
        while True:
            line = lines[i]
            m = continuation.search(line)
            body = line[:m.start()] if m else line
            starts.append(offset)
            seg_lines.append(i + 1)
            pieces.append(body)
            offset += len(body)
            i += 1
            if not m:
                break
            while i < n and (not lines[i].strip() or lines[i].lstrip().startswith("#")):
                i += 1
            if i >= n:
                break
        joined = "".join(pieces)
        word = joined.split(None, 1)[0] if joined.strip() else ""
        inst = Instruction(word.upper(), joined, starts, seg_lines)
        out.append(inst)
        if inst.keyword in _HEREDOC_INSTRUCTIONS and "<<" in joined:
            for hm in _HEREDOC.finditer(joined, len(word)):
                strip_tabs, marker = hm.group(1) == "-", hm.group(3)
                while i < n:
                    body = lines[i].lstrip("\t") if strip_tabs else lines[i]
                    i += 1
                    if body == marker:
                        break
                else:
                    line, _ = inst.position(hm.start())
                    diagnostics.append(("parse-error", f"heredoc `{marker}` opened on line {line} is never closed"))
    return out, escape, diagnostics


def split_words(text: str, start: int, escape: str) -> list[tuple[int, int]]:
    """Raw word boundaries from ``start``: whitespace separates, quotes and escapes group."""
    words: list[tuple[int, int]] = []
    i, n = start, len(text)
    while i < n:
        while i < n and text[i] in " \t":
            i += 1
        if i >= n:
            break
        j = i
        quote = ""
        while j < n:
            c = text[j]
            if quote:
                if c == escape and quote == '"' and j + 1 < n:
                    j += 2
                    continue
                if c == quote:
                    quote = ""
            elif c == escape and j + 1 < n:
                j += 2
                continue
            elif c in "\"'":
                quote = c
            elif c in " \t":
                break
            j += 1
        words.append((i, j))
        i = j
    return words


def word_parts(text: str, start: int, end: int, escape: str) -> list[_interpolate.Part]:
    """A raw word as literal text and references: quotes removed, escapes applied, ``$`` kept."""
    parts: list[_interpolate.Part] = []
    buf: list[str] = []
    i = start
    quote = ""
    while i < end:
        c = text[i]
        if quote == "'":
            if c == "'":
                quote = ""
            else:
                buf.append(c)
            i += 1
            continue
        if c == escape and i + 1 < end:
            nxt = text[i + 1]
            if quote == '"' and nxt not in {'"', "$", escape}:
                buf.append(c)
            buf.append(nxt)
            i += 2
            continue
        if c in "\"'" and not quote:
            quote = c
            i += 1
            continue
        if c == '"' and quote == '"':
            quote = ""
            i += 1
            continue
        if c == "$":
            # Scan just this reference; the rest of the word is handled here (quotes, escapes).
            sub = _interpolate.scan(text, i, _ref_end(text, i, end), dollar_escape=False)
            if sub and isinstance(sub[0], _interpolate.Ref):
                ref = sub[0]
                if buf:
                    parts.append("".join(buf))
                    buf = []
                parts.append(ref)
                i = ref.end
                continue
        buf.append(c)
        i += 1
    if buf:
        parts.append("".join(buf))
    return parts


def _ref_end(text: str, i: int, end: int) -> int:
    """A bound for the reference starting at ``i``: its closing brace, or the end of the name."""
    if i + 1 < end and text[i + 1] == "{":
        depth = 0
        for j in range(i + 1, end):
            if text[j] == "{":
                depth += 1
            elif text[j] == "}":
                depth -= 1
                if depth == 0:
                    return j + 1
        return end
    j = i + 1
    while j < end and (text[j].isalnum() or text[j] == "_"):
        j += 1
    return j


class _Extractor:
    def __init__(self, path: str, escape: str, options) -> None:
        self.path = path
        self.escape = escape
        self.scope = path_scope(path)
        self.facts: list = []
        self.global_args: dict[str, str | None] = {}
        self.stages: dict[str, dict[str, str | None]] = {}  # stage name -> its ENV at the end
        self.vars: dict[str, str | None] = {}  # ARG/ENV in scope in the current stage
        self.in_stage = False
        self.stage = -1  # index of the current stage; -1 before the first FROM
        self.stage_index: dict[str, int] = {}  # stage name -> index
        self.parents: list[int | None] = []  # per stage: the stage it is built FROM, if any
        self.fact_stage: dict[int, int] = {}  # index in self.facts -> stage of an ENV assignment

    def span(self, inst: Instruction, start: int, end: int) -> Span:
        line, col = inst.position(start)
        end_line, end_col = inst.position(max(start, end - 1))
        return Span(self.path, line, col, end_line, end_col + 1)

    def run(self, instructions: list[Instruction]) -> None:
        for inst in instructions:
            handler = getattr(self, f"on_{inst.keyword.lower()}", None)
            if handler is not None and inst.keyword.isalpha():
                handler(inst)

    def on_from(self, inst: Instruction) -> None:
        words = split_words(inst.text, len(inst.keyword) + _lead(inst.text), self.escape)
        words = [w for w in words if not inst.text.startswith("--", w[0])]
        if not words:
            return
        start, end = words[0]
        parts = word_parts(inst.text, start, end, self.escape)
        resolved = _interpolate.resolve(parts, self.global_args.get)
        stage_name = None
        if len(words) >= 3 and inst.text[words[1][0]:words[1][1]].lower() == "as":
            stage_name = inst.text[words[2][0]:words[2][1]].lower()
        ref = resolved.text or ""
        base_env: dict[str, str | None] = {}
        parent = None
        if ref.lower() in self.stages:
            base_env = dict(self.stages[ref.lower()])
            parent = self.stage_index[ref.lower()]
        elif ref.lower() != "scratch" and ref:
            self.image(inst, start, end, ref, resolved.complete)
        self.in_stage = True
        self.vars = base_env
        self.stage += 1
        self.parents.append(parent)
        if stage_name:
            self.stages[stage_name] = self.vars
            self.stage_index[stage_name] = self.stage

    def on_copy(self, inst: Instruction) -> None:
        for start, end in split_words(inst.text, len(inst.keyword) + _lead(inst.text), self.escape):
            word = inst.text[start:end]
            if not word.startswith("--"):
                break
            if word.startswith("--from="):
                value = word[len("--from="):]
                if value and not value.isdigit() and value.lower() not in self.stages:
                    resolved = _interpolate.resolve(word_parts(inst.text, start + 7, end, self.escape), self.lookup)
                    if resolved.text and resolved.text.lower() not in self.stages:
                        self.image(inst, start + 7, end, resolved.text, resolved.complete)

    def image(self, inst: Instruction, start: int, end: int, ref: str, complete: bool) -> None:
        parsed = lexicon.parse_image(ref) if complete else _partial_image(ref)
        if parsed is None:
            return
        name, tag, digest = parsed
        self.facts.append(ImageRef(self.span(inst, start, end), ref, name, tag, digest, "dockerfile"))

    def lookup(self, name: str) -> str | None:
        if name in self.vars:
            return self.vars[name]
        return None

    def on_arg(self, inst: Instruction) -> None:
        for start, end in split_words(inst.text, len(inst.keyword) + _lead(inst.text), self.escape):
            raw = inst.text[start:end]
            if raw.startswith("--"):
                continue
            eq = raw.find("=")
            name = _unquote(raw if eq < 0 else raw[:eq])
            if eq < 0:
                value = self.global_args.get(name) if self.in_stage else None
                self.declare(name, value)
                continue
            lookup = self.lookup if self.in_stage else self.global_args.get
            parts = word_parts(inst.text, start + eq + 1, end, self.escape)
            resolved = _interpolate.resolve(parts, lookup)
            self.declare(name, resolved.text if resolved.complete else None)
            self.assign(inst, start, end, name, parts, resolved, default=True)

    def declare(self, name: str, value: str | None) -> None:
        if self.in_stage:
            self.vars[name] = value
        else:
            self.global_args[name] = value

    def on_env(self, inst: Instruction) -> None:
        words = split_words(inst.text, len(inst.keyword) + _lead(inst.text), self.escape)
        if not words:
            return
        first = inst.text[words[0][0]:words[0][1]]
        if "=" not in first:  # legacy form: ENV NAME the rest of the line
            if len(words) < 2:
                return
            name = _unquote(first)
            vstart, vend = words[1][0], words[-1][1]
            parts = word_parts(inst.text, vstart, vend, self.escape)
            resolved = _interpolate.resolve(parts, self.lookup)
            self.vars[name] = resolved.text if resolved.complete else None
            self.assign(inst, words[0][0], vend, name, parts, resolved, default=False)
            return
        for start, end in words:
            raw = inst.text[start:end]
            eq = raw.find("=")
            if eq <= 0:
                continue
            name = _unquote(raw[:eq])
            parts = word_parts(inst.text, start + eq + 1, end, self.escape)
            resolved = _interpolate.resolve(parts, self.lookup)
            # Docker substitutes every pair of one ENV from the values before it, not from the pair.
            self.vars[name] = resolved.text if resolved.complete else None
            self.assign(inst, start, end, name, parts, resolved, default=False)

    def assign(self, inst: Instruction, start: int, end: int, name: str, parts: list[_interpolate.Part],
               resolved: _interpolate.Resolved, *, default: bool) -> None:
        """An ``ARG`` default (build-scoped) or an ``ENV`` value.

        ``ENV X=$X`` only passes a build argument on: its value is the reference (None), and the
        default is reported once, on the ``ARG`` line where it is written.
        """
        refs = _interpolate.refs(parts)
        value = resolved.text
        if len(parts) == 1 and refs and refs[0].op == "":
            value = None
        scope = "build" if default else self.scope
        if not default and self.in_stage:
            self.fact_stage[len(self.facts)] = self.stage
        self.facts.append(EnvAssignment(self.span(inst, start, end), name, value, "dockerfile",
                                        scope, default or bool(refs)))

    def finish(self) -> list:
        """ENV set in a stage the final image does not inherit from exists only during the build."""
        runtime: set[int] = set()
        stage: int | None = len(self.parents) - 1
        while stage is not None and stage >= 0 and stage not in runtime:
            runtime.add(stage)
            stage = self.parents[stage]
        facts = list(self.facts)
        for i, stage in self.fact_stage.items():
            if stage not in runtime:
                facts[i] = dataclasses.replace(facts[i], environment="build")
        return facts


def _lead(text: str) -> int:
    return len(text) - len(text.lstrip())


def _unquote(s: str) -> str:
    if len(s) >= 2 and s[0] == s[-1] and s[0] in "\"'":
        return s[1:-1]
    return s


def _partial_image(ref: str) -> tuple[str, str | None, str | None] | None:
    """Name, tag and digest of a reference whose name holds an unresolved ``${…}``.

    ``${REGISTRY}/node:latest`` still has a tag worth judging; a reference whose tag or digest is
    itself unresolved (``node:${VERSION}``, ``${IMAGE}``) gives None.
    """
    last = ref.rsplit("/", 1)[-1]
    digest = None
    if "@" in last:
        last, digest = last.split("@", 1)
        if "$" in digest:
            return None
    if ":" not in last:
        return None if digest is None else (ref.split("@", 1)[0], None, digest)
    tag = last.rsplit(":", 1)[1]
    if "$" in tag or not tag:
        return None
    name = ref[: len(ref) - len(ref.rsplit("/", 1)[-1])] + last.rsplit(":", 1)[0]
    return name, tag, digest


def extract(path: str, text: str, options) -> FileFacts:
    instructions, escape, diagnostics = parse(text)
    ex = _Extractor(path, escape, options)
    ex.run(instructions)
    return FileFacts(path, tuple(dict.fromkeys(ex.finish())), tuple(diagnostics))
