"""URL002 local-endpoint-constant: a hardcoded local endpoint reaches runtime code.

## What it finds
A string literal in application code that is a local endpoint (`http://127.0.0.1:6420`,
`redis://localhost:6379`) used as data: assigned to a constant, passed to a client, put in a
config object. Env defaults are URL001's; this rule covers literals with no variable to override.

## Why it matters
A hardcoded endpoint cannot be changed per environment at all: in a container or a deployed
service it points at the container itself or at nothing.

## Example
    const RIVET_CLIENT = "http://127.0.0.1:6420";
    client = Redis.from_url("redis://localhost:6379")

## Fix
Read the endpoint from configuration and require it outside development.

## Not flagged
Bind addresses (`listen(port, "0.0.0.0")`, `uvicorn.run(host="0.0.0.0")`), comparisons
(`origin === "http://localhost:3000"`), URL bases (`new URL(path, "http://localhost")`), log
messages, word lists (`["www", "localhost"]`), code that only runs outside production
(`if (!isProd) csp.push("localhost:3001")`), comments, tests and docs.
"""

from __future__ import annotations

from typing import Iterator

from .. import lexicon
from ..facts import Literal
from ..findings import Hit, Level, Rule
from ..project import Project
from ._shared import extra_hosts


def check(project: Project) -> Iterator[Hit]:
    hosts = extra_hosts(project)
    for lit in project.facts(Literal):
        if lit.context != "value" or lit.span in project.default_spans or project.in_nonproduction_arm(lit.span):
            continue
        host = lexicon.local_endpoint(lit.value, hosts)
        if host and _bare(lit.value) and not _endpoint_target(lit.target):
            continue  # ALLOWED_HOSTS.append("localhost"): a host name in an allow-list, not a dial target
        if host:
            where = f" in `{lit.target}`" if lit.target else ""
            pw = lexicon.url_password(lit.value)
            yield Hit(lit.span, f"Hardcoded local endpoint `{host}`{where}", evidence=lit.value,
                      secrets=(pw,) if pw else ())


_ENDPOINT_WORDS = frozenset({"host", "hostname", "url", "uri", "endpoint", "addr", "address", "server", "dsn",
                             "broker", "origin", "base", "api", "redis", "db", "database"})


def _bare(value: str) -> bool:
    """A host name alone: no scheme, no port, no path."""
    v = value.strip()
    return "://" not in v and "/" not in v and not v.rsplit(":", 1)[-1].isdigit()


def _endpoint_target(target: str | None) -> bool:
    return bool(target) and bool(set(lexicon.words(target)) & _ENDPOINT_WORDS)


RULE = Rule(code="URL002", name="local-endpoint-constant", level=Level.WARNING, category="LOCALHOST_URL",
            doc=__doc__, check=check, precision="high", tags=("configuration", "portability"))
