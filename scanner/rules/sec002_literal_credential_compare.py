"""SEC002 literal-credential-compare: auth code accepts a credential written in the source.

## What it finds
A string literal compared with a secret-named value: `token === "dev-token"`,
`if api_key == "local-key":`, `req.headers["x-api-key"] === "internal"`.

## Why it matters
Whoever reads the repository can authenticate. Such checks are usually added "for local
testing" and survive into every environment the code ships to.

## Example
    if (req.header("x-service-token") === "dev-service-token") return next();

## Fix
Compare against a configured secret with a constant-time comparison, and require that secret:

    if (timingSafeEqual(token, config.serviceToken)) return next();

## Not flagged
Comparisons with placeholders or empty strings, token *types* (`tokenType === "Bearer"`),
environment names, tests and docs.
"""

from __future__ import annotations

from typing import Iterator

from .. import lexicon
from ..facts import Literal
from ..findings import Hit, Level, Rule
from ..project import Project

_NOT_CREDENTIALS = frozenset({"bearer", "basic", "token", "jwt", "api-key", "apikey", "undefined", "null", "none"})


def check(project: Project) -> Iterator[Hit]:
    for lit in project.facts(Literal):
        if lit.context != "compare" or not lit.target or not project.is_secret_name(lit.target):
            continue
        value = lit.value
        if (lexicon.is_placeholder(value) or value.lower() in _NOT_CREDENTIALS
                or lexicon.environment_of(value) or len(value) < 3):
            continue
        yield Hit(lit.span, f"`{lit.target}` is compared with a literal credential `{lexicon.mask(value)}`",
                  evidence=f"{lit.target}=={value}", secrets=(value,))


RULE = Rule(code="SEC002", name="literal-credential-compare", level=Level.ERROR, category="DEV_CREDENTIAL",
            doc=__doc__, check=check, tags=("security", "credentials", "authentication"))
