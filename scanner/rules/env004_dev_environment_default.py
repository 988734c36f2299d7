"""ENV004 dev-environment-default: the environment name defaults to a development value.

## What it finds
A read of an environment-name variable (`NODE_ENV`, `APP_ENV`, `ENVIRONMENT`, `*_ENV`) whose
default is a non-production name (`development`, `local`, `dev`), a debug switch (`DEBUG`)
that defaults to on, and a Dockerfile that bakes `ENV NODE_ENV=development` into an image.

## Why it matters
Every `!== "production"` branch in the code is then *on* wherever the variable is missing: a
production container started without `NODE_ENV` runs the development code paths, dev
credentials and relaxed auth included.

## Example
    nodeEnv: process.env.NODE_ENV ?? "development",
    environment: str = Field("development", alias="ENVIRONMENT")  # pydantic-settings

## Fix
Default to the safest value, or refuse to start:

    nodeEnv: process.env.NODE_ENV ?? "production",

## Not flagged
Defaults of `production`, variables that only contain `env` in another sense (`ENV_FILE`),
`.env.development` files, tests and docs.
"""

from __future__ import annotations

from typing import Iterator

from .. import lexicon
from ..facts import EnvAssignment, EnvRead
from ..findings import Hit, Level, Rule
from ..project import Project
from ._shared import ReadSpans

_TRUE = frozenset({"true", "1", "yes", "on"})


def _dev_default(name: str, value: str | None) -> bool:
    if value is None:
        return False
    if lexicon.is_env_name_variable(name):
        return lexicon.environment_of(value) == "nonproduction"
    if lexicon.is_debug_variable(name):
        return value.strip().lower() in _TRUE
    return False


def check(project: Project) -> Iterator[Hit]:
    for read in project.facts(EnvRead):
        if _dev_default(read.name, read.default):
            yield Hit(read.span, f"`{read.name}` defaults to `{read.default}` when unset",
                      evidence=f"{read.name}={read.default}")
    reads = ReadSpans(project)
    for assign in project.facts(EnvAssignment):
        if assign.interpolated and reads.covers(assign):
            continue  # the read inside it is reported
        if (assign.interpolated or assign.source == "dockerfile") and _dev_default(assign.name, assign.value):
            verb = "defaults to" if assign.interpolated else "is baked in as"
            yield Hit(assign.span, f"`{assign.name}` {verb} `{assign.value}`", evidence=f"{assign.name}={assign.value}")


RULE = Rule(code="ENV004", name="dev-environment-default", level=Level.WARNING, category="ENV_BRANCH",
            doc=__doc__, check=check, tags=("configuration", "security"))
