"""URL001 local-endpoint-default: an environment variable falls back to a developer's machine.

## What it finds
A read of an environment variable whose literal default is a local endpoint: `localhost`,
`127.0.0.0/8`, `0.0.0.0`, `[::1]`, `host.docker.internal`, `*.localhost`, in any scheme
(http, ws, postgres, redis, amqp, mongodb, …). Compose interpolation defaults
(`${API_URL:-http://localhost:3000}`) count too.

## Why it matters
When the variable is unset in staging or production the service does not fail at boot: it
quietly dials an address that only exists on a laptop, and the failure shows up later, far
from its cause (timeouts, empty queues, a demo that talks to nobody).

## Example
    const db = process.env.DATABASE_URL ?? "postgres://localhost:5432/app";
    REDIS_URL = os.getenv("REDIS_URL", "redis://localhost:6379/0")

## Fix
Require the variable outside development, and keep local defaults in `.env.development`:

    const db = required("DATABASE_URL"); // throws at boot when unset

## Not flagged
Bind addresses (`listen(port, "0.0.0.0")`, `os.getenv("HOST", "0.0.0.0")`), comparisons, `new URL(path, "http://localhost")`
bases, code that only runs outside production (`if (isDev) { … }`), comments, tests and docs
(counted, not reported), non-local hosts, and a variable that holds an environment's name
(`process.env.NODE_ENV || "localhost"` names an environment, not an address).
"""

from __future__ import annotations

from typing import Iterator

from .. import lexicon
from ..facts import EnvRead
from ..findings import Hit, Level, Rule
from ..project import Project
from ._shared import defaulted_assignments, extra_hosts


def check(project: Project) -> Iterator[Hit]:
    hosts = extra_hosts(project)
    for read in project.facts(EnvRead):
        if read.default is not None and (host := lexicon.local_endpoint(read.default, hosts)) \
                and not _bind_address(read.default) and not project.in_nonproduction_arm(read.span) \
                and not _environment_name(read.name, read.default):
            yield Hit(read.span, f"`{read.name}` falls back to local endpoint `{host}`",
                      evidence=f"{read.name}={read.default}", secrets=_secrets(read.default))
    for assign in defaulted_assignments(project):
        if assign.value and (host := lexicon.local_endpoint(assign.value, hosts)):
            yield Hit(assign.span, f"`{assign.name}` defaults to local endpoint `{host}`",
                      evidence=f"{assign.name}={assign.value}", secrets=_secrets(assign.value))


def _bind_address(value: str) -> bool:
    """``HOST=0.0.0.0``, ``[::]:8080``: where a server listens (all interfaces), not what it dials."""
    v = value.strip()
    if "://" in v:
        return False
    host = v.rsplit(":", 1)[0] if v.count(":") == 1 else v
    return host.strip("[]") in {"0.0.0.0", "::"}


def _environment_name(name: str, value: str) -> bool:
    """``VERCEL_ENV || NODE_ENV || "localhost"``: the name of an environment, not an address."""
    return lexicon.is_env_name_variable(name) and "://" not in value and ":" not in value.strip("[]")


def _secrets(value: str) -> tuple[str, ...]:
    pw = lexicon.url_password(value)
    return (pw,) if pw else ()


RULE = Rule(code="URL001", name="local-endpoint-default", level=Level.WARNING, category="LOCALHOST_URL",
            doc=__doc__, check=check, tags=("configuration", "portability"))
