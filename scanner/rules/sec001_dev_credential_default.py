"""SEC001 dev-credential-default: a secret falls back to a literal when its variable is unset.

## What it finds
A read of a secret-named variable (`*_TOKEN`, `*_SECRET`, `*_PASSWORD`, `*_KEY`, `*_CREDENTIALS`,
…) whose default is a literal value: `process.env.A2A_ALLOWED_KEY || "dev-a2a-key"`,
`os.getenv("ADMIN_PASSWORD", "admin")`, `${GITEA_ADMIN_PASSWORD:-growqr-admin-dev}`.

## Why it matters
The fallback is a credential everyone with the source knows. When a deployment forgets the
variable, production accepts or uses the dev secret, and nothing fails to tell you.

## Example
    const a2aKey = process.env.A2A_ALLOWED_KEY || "dev-a2a-key";

## Fix
Fail at boot when a secret is missing outside development:

    const a2aKey = process.env.A2A_ALLOWED_KEY;
    if (!a2aKey && config.isProduction) throw new Error("A2A_ALLOWED_KEY is required");

## Not flagged
Empty defaults and obvious placeholders (`<your-token>`, `xxx`, `${TOKEN}`; `changeme` *is*
flagged, being a usable password), numbers, names that only mention a secret (`TOKEN_TTL`,
`MAX_AGENT_TOKENS`, `CLERK_PUBLISHABLE_KEY`), tests and docs.
"""

from __future__ import annotations

from typing import Iterator

from .. import lexicon
from ..facts import EnvRead
from ..findings import Hit, Level, Rule
from ..project import Project
from ._shared import defaulted_assignments


def check(project: Project) -> Iterator[Hit]:
    for read in project.facts(EnvRead):
        if _is_credential(project, read.name, read.default):
            yield Hit(read.span, f"`{read.name}` falls back to a literal credential `{lexicon.mask(read.default)}`",
                      evidence=f"{read.name}={read.default}", secrets=(read.default,))
    for assign in defaulted_assignments(project):
        if _is_credential(project, assign.name, assign.value):
            yield Hit(assign.span, f"`{assign.name}` defaults to a literal credential `{lexicon.mask(assign.value)}`",
                      evidence=f"{assign.name}={assign.value}", secrets=(assign.value,))


def _is_credential(project: Project, name: str, value: str | None) -> bool:
    return (value is not None and project.is_secret_name(name) and not lexicon.is_placeholder(value)
            and not value.lstrip("-").isdigit())


RULE = Rule(code="SEC001", name="dev-credential-default", level=Level.ERROR, category="DEV_CREDENTIAL",
            doc=__doc__, check=check, tags=("security", "credentials"))
