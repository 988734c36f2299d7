"""URL003 local-endpoint-assignment: committed config sets a variable to a developer's machine.

## What it finds
A literal value that is a local endpoint (`localhost`, `127.0.0.0/8`, `[::1]`,
`host.docker.internal`, any scheme) assigned to a variable in committed config: compose
`environment:`, `.env*` files, Dockerfile `ENV`, Kubernetes `env:`. The level follows the file's
environment: an error in `.env.production`, `docker-compose.prod.yml` or a `production/`
overlay; a note in `.env.example` (a default that deployments must override); a warning where
the file does not say.

## Why it matters
Unlike a fallback (URL001), this value is *set*: every process started from this config talks
to that address. Inside a container `localhost` is the container itself; in a deployed
environment it is nothing at all, and the service fails late, far from the config that caused it.

## Example
    # .env.production
    INTERVIEW_SERVICE_URL=http://localhost:8001

## Fix
Point the variable at the environment's real address, or leave it out of committed config and
require it at boot:

    INTERVIEW_SERVICE_URL=https://interview.internal.example.com

## Not flagged
`.env.development`, `.env.test`, `.env.local` and other development-scoped files (local
endpoints are what they are for), Dockerfile `ENV` in a build stage the final image does not
inherit from (it never runs), interpolation defaults (URL001), bind addresses (`HOST`,
`BIND_ADDRESS`, `LISTEN_ADDR`, a bare `0.0.0.0`), remote hosts, ports in `ports:`, healthchecks.
"""

from __future__ import annotations

import ipaddress
from typing import Iterator

from .. import lexicon
from ..facts import EnvAssignment
from ..findings import Hit, Level, Rule
from ..project import Project
from ._scopes import BUILD, EXAMPLE, LOCAL, level_for, where
from ._shared import extra_hosts

_BIND_WORDS = frozenset({"bind", "listen", "listener", "interface", "iface"})


def _is_bind(name: str, value: str, host: str) -> bool:
    """``HOST=0.0.0.0``, ``BIND_ADDRESS=127.0.0.1``: where a server listens, not what it dials."""
    ws = lexicon.words(name)
    if ws in {("host",), ("hostname",), ("server", "host"), ("app", "host"), ("addr",), ("address",)}:
        return True
    if _BIND_WORDS & set(ws):
        return True
    try:
        unspecified = ipaddress.ip_address(host.strip("[]")).is_unspecified
    except ValueError:
        unspecified = False
    return unspecified and "://" not in value


def check(project: Project) -> Iterator[Hit]:
    hosts = extra_hosts(project)
    for assign in project.facts(EnvAssignment):
        if assign.interpolated or not assign.value or assign.environment in LOCAL or assign.environment == BUILD:
            continue
        host = lexicon.local_endpoint(assign.value, hosts)
        if host is None or _is_bind(assign.name, assign.value, host):
            continue
        if assign.environment == EXAMPLE:
            message = f"`{assign.name}` is set to local endpoint `{host}` in an example file: a default deployments must override"
        else:
            message = f"`{assign.name}` is set to local endpoint `{host}`{where(assign.environment)}"
        pw = lexicon.url_password(assign.value)
        yield Hit(assign.span, message, evidence=f"{assign.name}={assign.value}", secrets=(pw,) if pw else (),
                  level=level_for(assign.environment))


RULE = Rule(code="URL003", name="local-endpoint-assignment", level=Level.WARNING, category="LOCALHOST_URL",
            doc=__doc__, check=check, tags=("configuration", "portability"))
