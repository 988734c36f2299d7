"""SEC004 committed-credential: committed config sets a secret to a literal value.

## What it finds
A secret-named variable (`*_PASSWORD`, `*_TOKEN`, `*_SECRET`, `*_API_KEY`, …) set to a literal
value in committed config (compose `environment:`, `.env*` files, Dockerfile `ENV`/`ARG`
values, Kubernetes `env: [{name, value}]`), and any variable set to a connection string that
embeds a password (`postgres://app:s3cret@db/app`). An error in production and staging files,
a warning where the file does not say, a note in example and development files and in
Dockerfile build stages (the value stays in the build's layers and cache, not in the image).

## Why it matters
Everyone who can read the repository has the credential, and it cannot be rotated without a
commit. A Dockerfile `ENV` bakes it into every image layer; a compose or Kubernetes literal
means the service runs with a password nobody chose for it, often the one the image's
documentation uses (`postgres`).

## Example
    services:
      gitea:
        environment:
          GITEA_ADMIN_PASSWORD: growqr-admin-dev

## Fix
Read it from the environment or a secret store, and fail when it is missing:

    GITEA_ADMIN_PASSWORD: ${GITEA_ADMIN_PASSWORD:?set GITEA_ADMIN_PASSWORD}

Kubernetes: `valueFrom: {secretKeyRef: …}`. Docker: build secrets (`RUN --mount=type=secret`).

## Not flagged
Empty values and placeholders (`<your-token>`, `xxx`, `${TOKEN}`), numbers, file paths
(`/run/secrets/db_password`), names that only mention a secret (`TOKEN_TTL`, `JWT_ISSUER`,
`CLERK_PUBLISHABLE_KEY`), interpolation defaults (SEC001, SEC003). In example files a value that
asks to be replaced (`changeme`, `replace-me`, `your-…`) or is just the generic word (`secret`,
`password`) is a placeholder; anywhere else those are usable passwords and are flagged.
"""

from __future__ import annotations

import re
from typing import Iterator

from .. import lexicon
from ..facts import EnvAssignment
from ..findings import Hit, Level, Rule
from ..project import Project
from ._scopes import BUILD, EXAMPLE, LOCAL, level_for, where

#: Values an example file uses to say "put yours here".
_EXAMPLE_PLACEHOLDER = re.compile(
    r"^(?:change[-_ ]?me|change[-_ ]?it|replace[-_ ]?me|replace[-_ ]?this|set[-_ ]?me|fill[-_ ]?me|"
    r"secret[-_ ]?here|.*[-_]here|dummy|example|sample|placeholder|redacted|"
    r"secret|password|passwd|pass|token|key|api[-_]?key|cafebabe|deadbeef)$", re.IGNORECASE)


def _is_literal_secret(project: Project, assign: EnvAssignment, value: str) -> bool:
    v = value.strip()
    if not project.is_secret_name(assign.name) or len(v) < 3 or lexicon.is_placeholder(v):
        return False
    if "${" in v or v.startswith("$") or v.lstrip("-").isdigit() or v.startswith(("/", "./", "../", "~/")):
        return False
    if assign.environment == EXAMPLE and _EXAMPLE_PLACEHOLDER.match(v):
        return False
    return True


def _level(environment: str | None) -> Level | None:
    return Level.NOTE if environment in LOCAL or environment == BUILD else level_for(environment)


def check(project: Project) -> Iterator[Hit]:
    for assign in project.facts(EnvAssignment):
        if assign.interpolated or not assign.value:
            continue
        value = assign.value
        pw = lexicon.url_password(value)
        if pw is not None and not (assign.environment == EXAMPLE and _EXAMPLE_PLACEHOLDER.match(pw)):
            yield Hit(assign.span, f"`{assign.name}` is set to a connection string with password "
                      f"`{lexicon.mask(pw)}`{where(assign.environment)}",
                      evidence=f"{assign.name}={value}", secrets=(pw,), level=_level(assign.environment))
        elif pw is None and _is_literal_secret(project, assign, value):
            yield Hit(assign.span, f"`{assign.name}` is set to a literal credential "
                      f"`{lexicon.mask(value)}`{where(assign.environment)}",
                      evidence=f"{assign.name}={value}", secrets=(value,), level=_level(assign.environment))


RULE = Rule(code="SEC004", name="committed-credential", level=Level.WARNING, category="DEV_CREDENTIAL",
            doc=__doc__, check=check, tags=("security", "credentials"))
