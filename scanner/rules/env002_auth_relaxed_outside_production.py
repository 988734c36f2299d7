"""ENV002 auth-relaxed-outside-production: authentication is weaker when the environment is not production.

## What it finds
An environment branch whose non-production arm skips authentication (calls `next()`, returns
a mock user, returns `True` from an auth check), accepts a fallback credential
(`!isProd && key === config.a2aAllowedKey`), or registers a route without authentication.

## Why it matters
"Not production" is every environment nobody set `NODE_ENV` in: staging, demo, a forgotten
preview, a production container whose variable was misspelled. The relaxed arm is reachable
there by anyone who can reach the service, usually with data that is not fake.

## Example
    if (!config.serviceToken && config.nodeEnv !== "production") return next();

    async def get_current_user(authorization: str = Header("")):
        if settings.environment != "production":
            return MOCK_USER
        return await verify_clerk_token(authorization)

## Fix
Make the relaxation explicit and fail closed: an opt-in flag that production refuses to boot
with, or a local mock that exists only in development builds.

    if (config.auth.allowAnonymousIngest) return next(); // refused at boot in staging/prod

## Not flagged
Branches that make production *stricter* (the production arm adds checks), logging changes,
tests and docs.
"""

from __future__ import annotations

from typing import Iterator

from ..findings import Hit, Level, Rule
from ..project import Project
from ._branches import AUTH_EFFECTS, describe, effect_words


def check(project: Project) -> Iterator[Hit]:
    for rb in project.branches():
        effects = set(rb.nonprod_effects) & AUTH_EFFECTS
        if effects:
            text = describe(project, rb)
            yield Hit(rb.branch.span, f"Outside production the code {effect_words(effects)} (branch on {text})",
                      evidence=f"{text}:{','.join(sorted(effects))}")


RULE = Rule(code="ENV002", name="auth-relaxed-outside-production", level=Level.ERROR, category="ENV_BRANCH",
            doc=__doc__, check=check, tags=("security", "authentication"))
