"""How the environment a config file is for changes the weight of what it sets.

Shared by the rules that judge committed assignments (URL003, SEC004): a value in a production
or staging file ships as is; an example file's value is what deployments start from; a
development or test file is expected to point at a laptop; a Dockerfile build stage's value
never reaches the running image.
"""

from __future__ import annotations

from ..findings import Level

SHIPPED = frozenset({"production", "staging", "demo"})
LOCAL = frozenset({"development", "test"})
BUILD = "build"  # a Dockerfile ENV in a stage the final image does not inherit from
EXAMPLE = "example"


def where(environment: str | None) -> str:
    """A few words for messages: "in a production file", "in an example file", ""."""
    if environment is None:
        return ""
    if environment == BUILD:
        return " in a Dockerfile build stage"
    article = "an" if environment[0] in "aeiou" else "a"
    return f" in {article} {environment} file"


def level_for(environment: str | None) -> Level | None:
    """The hit's level override: error when shipped, note for examples, None for the default."""
    if environment in SHIPPED:
        return Level.ERROR
    if environment == EXAMPLE:
        return Level.NOTE
    return None
