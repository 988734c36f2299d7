"""DEMO002 weakly-guarded-demo-route: a demo or seed route whose environment check passes when the variable is unset.

## What it finds
A demo, seed, reset or debug route (see DEMO001) that has no admin guard and is registered
only under an environment check or flag that is *true by default*: `NODE_ENV !== "production"`
(true wherever `NODE_ENV` is missing), `!config.isProduction`, a flag whose default is on, a
comparison with `"development"` when the variable falls back to `"development"`.

## Why it matters
The check fails open. A production container started without the variable, or with a typo in
its name, registers the route as if it were a laptop: the guard only works where someone
remembered to set it.

## Example
    if (process.env.NODE_ENV !== "production") {
      app.post("/debug/reset-db", resetDatabase);
    }

## Fix
Test for the environment that may have the route, not for the one that may not, and make the
flag opt-in:

    if (process.env.DEMO_DATA_ENABLED === "true") app.post("/debug/reset-db", requireAdmin, resetDatabase);

## Not flagged
Checks that are false when the variable is unset (`NODE_ENV === "development"` without a
development default, `DEMO_DATA_ENABLED === "true"`), routes with an admin guard, tests and docs.
"""

from __future__ import annotations

from typing import Iterator

from ..findings import Hit, Level, Rule
from ..project import Project


def check(project: Project) -> Iterator[Hit]:
    for rr in project.routes():
        if rr.demo and rr.registered and rr.verdict == "weak":
            yield Hit(rr.span, f"Demo route `{rr.method} {rr.path}` is guarded only by a check that passes by default: "
                               f"{rr.reason}", evidence=f"{rr.method} {rr.path}")


RULE = Rule(code="DEMO002", name="weakly-guarded-demo-route", level=Level.WARNING, category="DEMO_ROUTE",
            doc=__doc__, check=check, tags=("security", "demo"))
