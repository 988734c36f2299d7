"""What the ENV rules share: resolved branches and the effect groups they judge."""

from __future__ import annotations

from ..facts import EFFECTS
from ..project import Project, ResolvedBranch

AUTH_EFFECTS = frozenset({"auth-bypass", "credential-fallback", "unauthenticated-route"})
PROTECTION_EFFECTS = frozenset({"cors-open", "insecure-cookie", "stack-trace", "tls-off", "debug-mode"})


def describe(project: Project, rb: ResolvedBranch) -> str:
    b = rb.branch
    subject = project.subject_of(rb)
    if b.op in {"==", "!="} and b.value is not None:
        text = f"`{subject}` {b.op} \"{b.value}\""
    elif b.op == "falsy":
        text = f"`{subject}` is not set" if b.presence else f"not `{subject}`"
    else:
        text = f"`{subject}` is set" if b.presence else f"`{subject}`"
    if rb.resolved_from and rb.resolved_from != subject:
        text += f" via `{rb.resolved_from}`"
    return text


def effect_words(effects: set[str]) -> str:
    return "; ".join(EFFECTS[e] for e in sorted(effects) if e in EFFECTS)
