"""DEMO001 unguarded-demo-route: a demo, seed, reset or debug route that any caller (or any signed-in user) can reach.

## What it finds
An HTTP route whose path, mount prefix or handler name says demo, seed, reset (of a database
or test state), debug, test login, fixture or mock, registered without an admin/role guard and
outside any environment check or demo flag. Plain authentication (`requireAuth`,
`Depends(get_current_user)`, `@UseGuards(AuthGuard("jwt"))`) does not count: every signed-in
user passes it. Full paths are assembled across files (`app.use("/home", homeRouter)`).

## Why it matters
Seed and reset endpoints write to whatever database the service is pointed at. Registered
unconditionally, they ship to production with the rest of the router, and anyone with an
account (or anyone at all) can fill production tables with demo rows, wipe state, or sign in
as a test user.

## Example
    homeRouter.post("/seed-demo", requireAuth, async (req, res) => {
      res.json({ created: await seedDemoHome(req.auth.userId) });
    });

## Fix
Register the route only where it belongs, behind a flag that is off unless set, and restrict it
to admins:

    if (config.features.demoDataEnabled) {            // DEMO_DATA_ENABLED === "true"
      homeRouter.post("/seed-demo", requireAuth, requireAdmin, seedDemo);
    }

## Not flagged
Routes guarded by an admin/role guard (`requireAdmin`, `@Roles("admin")`, `IsAdminUser`,
`staff_member_required`), routes registered only outside production or behind an opt-in demo
flag (checks that pass by default are DEMO002), password-reset pages, "request a demo" forms,
mock interviews, routes in tests and docs. Hiding a route from the API docs
(`include_in_schema=False`) is not a guard.
"""

from __future__ import annotations

from typing import Iterator

from ..findings import Hit, Level, Rule
from ..project import Project


def check(project: Project) -> Iterator[Hit]:
    for rr in project.routes():
        if rr.demo and rr.registered and rr.verdict == "unguarded":
            yield Hit(rr.span, f"Demo route `{rr.method} {rr.path}` has no admin or environment guard ({rr.reason})",
                      evidence=f"{rr.method} {rr.path}")


RULE = Rule(code="DEMO001", name="unguarded-demo-route", level=Level.ERROR, category="DEMO_ROUTE",
            doc=__doc__, check=check, tags=("security", "demo"))
