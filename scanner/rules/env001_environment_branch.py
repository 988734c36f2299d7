"""ENV001 environment-branch: code behaves differently depending on the environment name.

## What it finds
Every `if`, ternary, `&&`/`||`, `switch` or `match` on an environment name or flag:
`process.env.NODE_ENV !== "production"`, `config.isProduction`, `settings.DEBUG`,
`os.getenv("APP_ENV") == "local"`, also through config objects defined in other files.
Branches whose non-production arm weakens security are reported by ENV002/ENV003 instead.

## Why it matters
Each such branch is a place where staging, demo and production can differ from what was
tested. They belong in the environment matrix, reviewed one by one. This is an inventory
note, not a defect.

## Example
    if (config.nodeEnv === "development") app.use(morgan("dev"));
    if settings.ENVIRONMENT == "staging": app.title = "Orders (staging)"

## Fix
Nothing to fix by itself. Prefer explicit feature flags (`config.features.requestLogging`)
over environment names, so each behaviour can be switched per environment on purpose.

## Not flagged
Presence checks of ordinary variables (listed in the inventory's code paths), comparisons of
other values with environment-like words, comments, tests and docs. A flag named after a word
that also names ordinary things (`isPreview` for a link preview, `is_local` for local storage,
`isDemo` for a demo connector) counts only when its value comes from the environment or a config
object (`const { isDemo } = useAppConfig()`) or it is imported; `IS_PREVIEW`, `isLocalEnv` and
`demoMode` say environment by their names.
"""

from __future__ import annotations

from typing import Iterator

from ..findings import Hit, Level, Rule
from ..project import Project
from ._branches import AUTH_EFFECTS, PROTECTION_EFFECTS, describe


def check(project: Project) -> Iterator[Hit]:
    for rb in project.branches():
        if rb.branch.presence:
            continue
        if set(rb.nonprod_effects) & (AUTH_EFFECTS | PROTECTION_EFFECTS):
            continue
        text = describe(project, rb)
        yield Hit(rb.branch.span, f"Behaviour depends on {text}", evidence=f"{text}")


RULE = Rule(code="ENV001", name="environment-branch", level=Level.NOTE, category="ENV_BRANCH",
            doc=__doc__, check=check, precision="very-high", tags=("configuration",))
