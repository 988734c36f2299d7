"""ENV003 protection-relaxed-outside-production: a security control is off outside production.

## What it finds
An environment branch whose non-production arm opens CORS to any origin, sets cookies without
`secure`, exposes stack traces or error details, turns TLS verification off, or enables a
framework's debug mode.

## Why it matters
Staging and demo environments hold real sessions and often real data, and they are reachable
from the internet. A control that only exists when `NODE_ENV` says "production" is off
wherever somebody forgot to say so.

## Example
    app.use(cors({ origin: config.isProduction ? config.frontendOrigin : "*" }));

    if settings.DEBUG:
        return JsonResponse({"error": str(exc), "trace": traceback.format_exc()}, status=500)

## Fix
Keep the control on everywhere and configure it per environment:

    app.use(cors({ origin: config.frontendOrigins }));

## Not flagged
Verbose logging, pretty-printed output, source maps, tests and docs.
"""

from __future__ import annotations

from typing import Iterator

from ..findings import Hit, Level, Rule
from ..project import Project
from ._branches import AUTH_EFFECTS, PROTECTION_EFFECTS, describe, effect_words


def check(project: Project) -> Iterator[Hit]:
    for rb in project.branches():
        effects = set(rb.nonprod_effects)
        if effects & AUTH_EFFECTS:
            continue  # ENV002 reports the branch; one finding per branch
        effects &= PROTECTION_EFFECTS
        if effects:
            text = describe(project, rb)
            yield Hit(rb.branch.span, f"Outside production the code {effect_words(effects)} (branch on {text})",
                      evidence=f"{text}:{','.join(sorted(effects))}")


RULE = Rule(code="ENV003", name="protection-relaxed-outside-production", level=Level.WARNING,
            category="ENV_BRANCH", doc=__doc__, check=check, tags=("security",))
