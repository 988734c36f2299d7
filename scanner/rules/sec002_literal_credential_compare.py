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
environment names, tests and docs. A bare `token` (or `valueToken`, `nextToken`) may be a
parser's token: compared with a plain word or a type name (`token === "bytes"`,
`valueToken !== "serde_json::Value"`) it is not flagged; with a credential-shaped value
(`token === "dev-service-token"`, a digit, `secret`, `key`, `dev`, `local`…) it is.
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
        if _parser_token(lit.target) and not _credential_shaped(value):
            continue  # token === "bytes", valueToken !== "serde_json::Value": a lexer's tokens
        yield Hit(lit.span, f"`{lit.target}` is compared with a literal credential `{lexicon.mask(value)}`",
                  evidence=f"{lit.target}=={value}", secrets=(value,))


#: Words before ``token`` that make it a credential: ``accessToken``, ``CSRF_TOKEN``, ``x-service-token``.
_TOKEN_QUALIFIERS = lexicon.KEY_QUALIFIERS | {"refresh", "bearer", "csrf", "xsrf", "id", "bot", "reset", "verify",
                                              "verification", "invite", "personal", "deploy", "registration"}
#: Words a literal credential tends to carry (``dev-service-token``, ``letmein-local``, ``admin123``).
_CREDENTIAL_HINTS = ("secret", "token", "key", "pass", "pwd", "admin", "root", "dev", "test", "local", "demo",
                     "internal", "service", "letmein", "changeme", "master", "default", "guest", "dummy", "fake",
                     "mock", "sample", "example", "sandbox", "staging", "auth", "api")


def _parser_token(name: str) -> bool:
    """``token``, ``valueToken``, ``nextToken``: a name that may hold a parser's token as well as a
    credential (``accessToken``, ``SERVICE_TOKEN`` and ``x-api-token`` say which they are)."""
    words = lexicon.words(name)
    if not words or words[-1] != "token" or name.isupper() or "-" in name:
        return False
    return len(words) == 1 or words[-2] not in _TOKEN_QUALIFIERS


def _credential_shaped(value: str) -> bool:
    """A digit, or a word credentials are made of: ``dev-service-token`` yes, ``bytes``,
    ``Value``, ``serde_json::Value`` and ``all-drafts`` no."""
    low = value.lower()
    return any(c.isdigit() for c in value) or any(h in low for h in _CREDENTIAL_HINTS)


RULE = Rule(code="SEC002", name="literal-credential-compare", level=Level.ERROR, category="DEV_CREDENTIAL",
            doc=__doc__, check=check, tags=("security", "credentials", "authentication"))
