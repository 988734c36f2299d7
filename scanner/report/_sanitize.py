"""One sanitizer for text that came from scanned files before it reaches a terminal or a report."""

from __future__ import annotations

import re

#: C0 and C1 controls (ESC, BEL, CR, LF, TAB, …), DEL, line/paragraph separators, and the
#: bidirectional marks and overrides that can make a terminal line read differently than it is.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def clean(text: str) -> str:
    """Replace control characters (ANSI escapes, bidi overrides, newlines in names) with `?`."""
    return _CONTROL.sub("?", text)


#: What ``json.dumps(ensure_ascii=False)`` leaves raw but a terminal may act on: C1 controls
#: (U+009B is CSI), bidi marks, and the line separators JavaScript reads as newlines.
_JSON_UNSAFE = re.compile(r"[\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def escape_json(document: str) -> str:
    """Escape those characters as ``\\uXXXX`` in serialized JSON (same data, safe to print).

    They can only occur inside JSON strings, where ``\\uXXXX`` means the same character.
    """
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", document)


def redact(text: str, secrets: tuple[str, ...]) -> str:
    """Mask every listed secret inside ``text`` (used for snippets and source lines)."""
    from ..lexicon import mask

    for secret in sorted(secrets, key=len, reverse=True):
        if secret and len(secret) >= 3:
            text = text.replace(secret, mask(secret))
    return text
