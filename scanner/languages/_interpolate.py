"""Shell-style variable references in config values: ``$X``, ``${X}``, ``${X:-d}``, ``${X:?err}``.

Compose files, ``.env`` files and Dockerfiles share this grammar (POSIX parameter expansion, cut
down). ``scan`` splits a string into literal text and ``Ref``s with their offsets; ``resolve``
substitutes what a lookup knows and the defaults the references carry. Nested defaults
(``${A:-${B:-x}}``) are followed to a fixed depth; anything deeper stays unresolved.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

_NAME_START = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_")
_NAME_CHARS = _NAME_START | frozenset("0123456789")
#: Operators after the name, longest first: default, required, alternative, assign.
_OPS = (":-", ":?", ":+", ":=", "-", "?", "+", "=")
MAX_NESTING = 16


@dataclass(frozen=True, slots=True)
class Ref:
    """One reference. ``start``/``end`` are offsets in the scanned string (end exclusive)."""

    name: str
    op: str  # "" for $X / ${X}; otherwise one of _OPS
    arg: str | None  # the text after the operator (a default, an error message); None when op is ""
    start: int
    end: int
    raw: str  # the reference as written

    @property
    def default(self) -> str | None:
        """The fallback written in the reference (``:-``/``-``/``:=``/``=``), unresolved; None otherwise."""
        return self.arg if self.op in {":-", "-", ":=", "="} else None

    @property
    def required(self) -> bool:
        return self.op in {":?", "?"}


Part = str | Ref


def _match_brace(text: str, i: int, end: int) -> int:
    """Index of the ``}`` closing the ``${`` whose ``{`` is at ``i - 1``; -1 when unclosed."""
    depth = 1
    while i < end:
        c = text[i]
        if c == "$" and i + 1 < end and text[i + 1] == "{":
            depth += 1
            i += 2
            continue
        if c == "}":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return -1


def scan(text: str, start: int = 0, end: int | None = None, *, dollar_escape: bool = True) -> list[Part]:
    """Literal runs and references, in order. ``$$`` is a literal ``$`` when ``dollar_escape``."""
    end = len(text) if end is None else end
    parts: list[Part] = []
    buf: list[str] = []
    i = start
    while i < end:
        c = text[i]
        if c != "$" or i + 1 >= end:
            j = text.find("$", i, end)
            if j < 0 or j + 1 >= end:
                buf.append(text[i:end])
                break
            buf.append(text[i:j])
            i = j
            continue
        nxt = text[i + 1]
        if nxt == "$" and dollar_escape:
            buf.append("$")
            i += 2
            continue
        if nxt == "{":
            close = _match_brace(text, i + 2, end)
            ref = _parse_braced(text, i, close) if close >= 0 else None
            if ref is None:
                buf.append("$")
                i += 1
                continue
            if buf:
                parts.append("".join(buf))
                buf = []
            parts.append(ref)
            i = close + 1
            continue
        if nxt in _NAME_START:
            j = i + 1
            while j < end and text[j] in _NAME_CHARS:
                j += 1
            if buf:
                parts.append("".join(buf))
                buf = []
            parts.append(Ref(text[i + 1:j], "", None, i, j, text[i:j]))
            i = j
            continue
        buf.append("$")
        i += 1
    if buf:
        parts.append("".join(buf))
    return parts


def _parse_braced(text: str, i: int, close: int) -> Ref | None:
    j = i + 2
    if j >= close or text[j] not in _NAME_START:
        return None
    k = j
    while k < close and text[k] in _NAME_CHARS:
        k += 1
    name = text[j:k]
    if k == close:
        return Ref(name, "", None, i, close + 1, text[i:close + 1])
    for op in _OPS:
        if text.startswith(op, k):
            return Ref(name, op, text[k + len(op):close], i, close + 1, text[i:close + 1])
    return None  # ${X#pattern} and friends: not a reference we can judge


@dataclass(frozen=True, slots=True)
class Resolved:
    """A value after substitution.

    ``text`` keeps unresolved references as written; it is None when the whole value was one
    unresolved reference. ``complete`` is False when any reference stayed unresolved;
    ``used_default`` is True when a fallback written in a reference supplied text.
    """

    text: str | None
    complete: bool
    used_default: bool


Lookup = Callable[[str], "str | None"]


def _none(_: str) -> None:
    return None


def resolve(parts: list[Part], lookup: Lookup = _none, *, dollar_escape: bool = True, _depth: int = 0) -> Resolved:
    """Substitute references: known names through ``lookup``, unknown ones by their defaults."""
    out: list[str] = []
    complete = True
    used_default = False
    for part in parts:
        if isinstance(part, str):
            out.append(part)
            continue
        known = lookup(part.name)
        text: str | None
        if part.op in {"", ":?", "?"}:
            text = known
        elif part.op in {":-", ":="}:
            text = known if known else None
            if text is None:
                text, ok, _ = _resolve_arg(part.arg or "", lookup, dollar_escape, _depth)
                used_default = True
                complete &= ok
        elif part.op in {"-", "="}:
            text = known
            if text is None:
                text, ok, _ = _resolve_arg(part.arg or "", lookup, dollar_escape, _depth)
                used_default = True
                complete &= ok
        else:  # ":+" / "+": the alternative only when the variable is set
            text = None
            if known is not None and (known or part.op == "+"):
                text, ok, _ = _resolve_arg(part.arg or "", lookup, dollar_escape, _depth)
                complete &= ok
        if text is None:
            complete = False
            out.append(part.raw)
        else:
            out.append(text)
    if not complete and len(parts) == 1 and isinstance(parts[0], Ref):
        return Resolved(None, False, used_default)
    return Resolved("".join(out), complete, used_default)


def _resolve_arg(arg: str, lookup: Lookup, dollar_escape: bool, depth: int) -> tuple[str, bool, bool]:
    if "$" not in arg:
        return arg, True, False
    if depth >= MAX_NESTING:
        return arg, False, False
    inner = resolve(scan(arg, dollar_escape=dollar_escape), lookup, dollar_escape=dollar_escape, _depth=depth + 1)
    return (inner.text if inner.text is not None else arg), inner.complete, inner.used_default


def refs(parts: list[Part]) -> list[Ref]:
    return [p for p in parts if isinstance(p, Ref)]
