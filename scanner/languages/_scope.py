"""The environment a config file's path implies: ``docker-compose.prod.yml`` is production.

``.env`` files have their own convention (``discover.env_file_scope``); this covers compose files,
Dockerfiles and manifests, whose names and folders (``k8s/overlays/staging/``) say the same
thing in more ways. The file name is read first, then folders from the deepest up.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath

_WORDS = {
    "production": "production", "prod": "production", "prd": "production", "live": "production",
    "staging": "staging", "stage": "staging", "stg": "staging", "preprod": "staging",
    "development": "development", "dev": "development", "local": "development",
    "test": "test", "testing": "test", "ci": "test", "e2e": "test",
    "demo": "demo",
    "example": "example", "sample": "example", "template": "example",
}
_SPLIT = re.compile(r"[._\-]+")


def path_scope(path: str, *, override_is_dev: bool = False) -> str | None:
    """``production``, ``staging``, ``development``, ``test``, ``demo``, ``example`` or None."""
    p = PurePosixPath(path)
    for word in _SPLIT.split(p.name.lower()):
        if word in _WORDS:
            return _WORDS[word]
        if override_is_dev and word == "override":
            return "development"
    for part in reversed(p.parts[:-1]):
        scope = _WORDS.get(part.lower())
        if scope is not None:
            return scope
    return None
