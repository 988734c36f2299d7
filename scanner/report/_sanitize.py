"""One sanitizer for text that came from scanned files before it reaches a terminal or a report."""

from __future__ import annotations

import re

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def clean(text: str) -> str:
    """Replace control characters (ANSI escapes, bidi overrides, newlines in names) with `?`."""
    return _CONTROL.sub("?", text)


def redact(text: str, secrets: tuple[str, ...]) -> str:
    """Mask every listed secret inside ``text`` (used for snippets and source lines)."""
    from ..lexicon import mask

    for secret in sorted(secrets, key=len, reverse=True):
        if secret and len(secret) >= 3:
            text = text.replace(secret, mask(secret))
    return text
