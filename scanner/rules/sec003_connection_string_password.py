"""SEC003 connection-string-password: a default connection string embeds a password.

## What it finds
An env default (or compose interpolation default) that is a connection string with a password:
`postgres://postgres:postgres@localhost:5432/app`, `redis://:devpass@cache:6379`.

## Why it matters
The password becomes part of the code's behaviour: the service connects with it whenever the
variable is missing, and any database left with that password is open to whoever read the repo.

## Example
    const url = process.env.DATABASE_URL || "postgres://growqr:growqr@localhost:5432/growqr";
    DATABASES = {"default": dj_database_url.config(default="postgres://orders:s3cret@db:5432/orders")}

## Fix
Require the variable outside development; keep credentials in a secret store or `.env` files
that are not committed.

## Not flagged
Connection strings without a password, placeholders (`postgres://user:<password>@host/db`,
`${DB_PASSWORD}`), tests and docs.
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
        if read.default and (pw := lexicon.url_password(read.default)):
            yield Hit(read.span, f"The default of `{read.name}` embeds a password `{lexicon.mask(pw)}`",
                      evidence=f"{read.name}={read.default}", secrets=(pw,))
    for assign in defaulted_assignments(project):
        if assign.value and (pw := lexicon.url_password(assign.value)):
            yield Hit(assign.span, f"The default of `{assign.name}` embeds a password `{lexicon.mask(pw)}`",
                      evidence=f"{assign.name}={assign.value}", secrets=(pw,))


RULE = Rule(code="SEC003", name="connection-string-password", level=Level.WARNING, category="DEV_CREDENTIAL",
            doc=__doc__, check=check, tags=("security", "credentials"))
