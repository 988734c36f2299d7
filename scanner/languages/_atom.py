"""``Atom``: one environment test inside a condition, as the frontends' condition analysers see it.

``subject`` is the variable when known, ``ref`` the unresolved dotted reference otherwise; ``op`` is
``==``, ``!=``, ``truthy`` or ``falsy``; ``presence`` marks a test of whether a variable is set at all.
Shared by the TypeScript frontend (``_js_effects``) and the Python route walker.
"""

from __future__ import annotations

from dataclasses import dataclass

NEGATE = {"==": "!=", "!=": "==", "truthy": "falsy", "falsy": "truthy"}


@dataclass(frozen=True, slots=True)
class Atom:
    subject: str
    ref: str | None
    op: str
    value: str | None
    presence: bool = False

    def negated(self) -> "Atom":
        return Atom(self.subject, self.ref, NEGATE[self.op], self.value, self.presence)
