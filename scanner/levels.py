"""Finding levels, in a module of their own: settings and the CLI's fast path need them without
the finding and fact models (``findings.py`` re-exports ``Level``)."""

from __future__ import annotations

import enum


class Level(enum.IntEnum):
    """Severity, ordered: ``Level.NOTE < Level.WARNING < Level.ERROR``."""

    NOTE = 1
    WARNING = 2
    ERROR = 3

    @classmethod
    def parse(cls, text: str) -> "Level":
        try:
            return cls[text.strip().upper()]
        except KeyError:
            raise ValueError(f"unknown level `{text}` (expected note, warning or error)") from None

    def lower(self) -> "Level":
        """One level down, never below note (dev-scoped files)."""
        return Level(max(Level.NOTE, self - 1))

    def __str__(self) -> str:
        return self.name.lower()
