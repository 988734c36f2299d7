"""The config inventory: every variable with its reads and sets, code paths, images, hotspots.

Built from facts, not from findings: a variable with no hazard is still listed, because the
inventory is the document a team deploys from. Every list is sorted, so the same tree gives the
same inventory.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from fnmatch import fnmatchcase

from . import lexicon
from .facts import EFFECTS, EnvAssignment, EnvRead, Hotspot, ImageRef, Literal, Script
from .project import Project

#: Built-in areas: the first matching glob names the area of a variable.
AREAS: tuple[tuple[str, str], ...] = (
    ("PORT", "Runtime"), ("HOST", "Runtime"), ("LOG_LEVEL", "Runtime"), ("NODE_ENV", "Runtime"),
    ("APP_ENV", "Runtime"), ("ENVIRONMENT", "Runtime"), ("*_ENV", "Runtime"), ("DEBUG", "Runtime"),
    ("DATABASE_*", "Database"), ("DB_*", "Database"), ("POSTGRES*", "Database"), ("PG*", "Database"),
    ("MYSQL*", "Database"), ("MONGO*", "Database"),
    ("CLERK_*", "Auth"), ("AUTH_*", "Auth"), ("JWT_*", "Auth"), ("JWKS*", "Auth"), ("SESSION_*", "Auth"),
    ("SERVICE_TOKEN", "Service auth"), ("A2A_*", "Service auth"), ("*_SERVICE_TOKEN", "Service auth"),
    ("*_REDIS_URL", "Redis"), ("REDIS*", "Redis"), ("*_STREAM*", "Redis"), ("*_CONSUMER*", "Redis"),
    ("*_EVENTS_*", "Redis"),
    ("LLM_*", "LLM"), ("OPENAI_*", "LLM"), ("ANTHROPIC_*", "LLM"), ("*_MODEL", "LLM"),
    ("OPENCODE_*", "OpenCode"), ("RIVET_*", "Rivet"), ("GITEA_*", "Gitea"),
    ("*_SERVICE_URL", "Product services"), ("*_PUBLIC_URL", "Public URLs"),
    ("FRONTEND_*", "CORS/admin"), ("CORS_*", "CORS/admin"), ("ADMIN_*", "CORS/admin"),
    ("ALLOWED_ORIGINS", "CORS/admin"),
    ("MAX_*", "Limits"), ("*_LIMIT", "Limits"), ("*_TIMEOUT*", "Limits"),
    ("*_URL", "URLs"), ("*_ENDPOINT", "URLs"), ("*_HOST", "URLs"),
    ("*_VERSION", "Versions"), ("*_IMAGE", "Images"),
)


def area_of(name: str, extra: tuple[tuple[str, str], ...] = ()) -> str:
    for pattern, area in extra + AREAS:
        if fnmatchcase(name, pattern):
            return area
    return "Other"


@dataclass
class Variable:
    name: str
    area: str
    reads: list[dict] = field(default_factory=list)
    sets: list[dict] = field(default_factory=list)
    uses: list[dict] = field(default_factory=list)  # config.x in other files that resolves to it
    secret_patterns: frozenset[str] = field(default=frozenset(), repr=False)  # secret-name-patterns

    @property
    def secret(self) -> bool:
        return lexicon.is_secret_name(self.name, self.secret_patterns)

    @property
    def defaults(self) -> list[str]:
        """Distinct literal defaults from code, in first-seen order."""
        seen: list[str] = []
        for read in self.reads:
            d = read["default"]
            if d is not None and d not in seen:
                seen.append(d)
        return seen

    @property
    def required(self) -> bool:
        return any(r.get("required") for r in self.reads) or (
            bool(self.reads) and not self.defaults and not any(r.get("fallback") for r in self.reads))


@dataclass
class Inventory:
    variables: list[Variable]
    code_paths: list[dict]
    images: list[dict]
    routes: list[dict]
    hotspots: list[dict]
    scripts: list[dict]
    #: The raw values this inventory shows masked (secret defaults, URL passwords). Never rendered:
    #: reports use it to mask the same values in source snippets.
    masked: tuple[str, ...] = ()


def build(project: Project, areas: tuple[tuple[str, str], ...] = ()) -> Inventory:
    variables: dict[str, Variable] = {}

    def var(name: str) -> Variable:
        if name not in variables:
            variables[name] = Variable(name, area_of(name, areas), secret_patterns=project.secret_name_patterns)
        return variables[name]

    for read in project.facts(EnvRead):
        default = _shown(read.name, read.default, project.secret_name_patterns)
        fallback = read.fallback
        if fallback and "." in fallback:  # a config property: name the variable behind it
            binding = project.binding_for(fallback, read.span.path)
            fallback = binding.name if binding is not None else fallback
        var(read.name).reads.append({"path": read.span.path, "line": read.span.line, "default": default,
                                     "via": read.via, "required": read.required, "fallback": fallback})
    for use, binding in project.config_uses():
        var(binding.name).uses.append({"path": use.span.path, "line": use.span.line, "via": use.ref})
    for assign in project.facts(EnvAssignment):
        value = _shown(assign.name, assign.value, project.secret_name_patterns)
        var(assign.name).sets.append({"path": assign.span.path, "line": assign.span.line, "value": value,
                                      "source": assign.source, "environment": assign.environment})
    for v in variables.values():
        v.reads.sort(key=lambda r: (r["path"], r["line"], r["via"]))
        v.sets.sort(key=lambda s: (s["path"], s["line"]))
        v.uses.sort(key=lambda u: (u["path"], u["line"], u["via"]))

    code_paths = []
    for rb in project.branches():
        b = rb.branch
        code_paths.append({
            "path": b.span.path, "line": b.span.line, "subject": project.subject_of(rb),
            "via": rb.resolved_from, "op": b.op, "value": b.value, "presence": b.presence,
            "nonproduction_arm": rb.nonprod_arm,
            "effects": sorted(set(rb.nonprod_effects)),
            "behaviour": describe_branch(project, rb),
        })

    images = []
    for img in project.facts(ImageRef):
        images.append({"path": img.span.path, "line": img.span.line, "image": img.image, "name": img.name,
                       "tag": img.tag, "digest": img.digest, "source": img.source,
                       "hazard": lexicon.tag_hazard(img.tag, img.digest)})

    hotspots = []
    for lit in project.facts(Literal):
        if lit.context == "value" and lexicon.local_endpoint(lit.value):
            hotspots.append({"path": lit.span.path, "line": lit.span.line, "value": _mask_url(lit.value), "kind": "url"})
    for read in project.facts(EnvRead):
        if read.default and lexicon.local_endpoint(read.default):
            hotspots.append({"path": read.span.path, "line": read.span.line, "value": _mask_url(read.default), "kind": "url"})
    for assign in project.facts(EnvAssignment):
        if assign.value and lexicon.local_endpoint(assign.value):
            hotspots.append({"path": assign.span.path, "line": assign.span.line, "value": _mask_url(assign.value), "kind": "url"})
    for h in project.facts(Hotspot):
        hotspots.append({"path": h.span.path, "line": h.span.line, "value": _mask_url(h.value), "kind": h.kind})

    routes = [route_entry(rr) for rr in project.routes() if rr.demo or rr.admin_guards or rr.env_guards]
    scripts = [{"path": s.span.path, "line": s.span.line, "summary": s.summary} for s in project.facts(Script)]

    def key(d: dict) -> tuple:
        return (d["path"], d["line"], str(d.get("value", d.get("image", d.get("subject", "")))))

    return Inventory(
        variables=sorted(variables.values(), key=lambda v: v.name),
        code_paths=sorted(code_paths, key=key),
        images=sorted(images, key=key),
        routes=sorted(routes, key=lambda r: (r["path"], r["line"], r["route"])),
        hotspots=sorted({(h["path"], h["line"], h["value"], h["kind"]): h for h in hotspots}.values(), key=key),
        scripts=sorted(scripts, key=lambda s: (s["path"], s["line"])),
        masked=_masked_values(project),
    )


def route_entry(rr) -> dict:
    """One ``inventory.routes`` row: a demo-like, admin-only or environment-dependent route.

    ``verdict`` is ``unguarded`` / ``weak`` / ``guarded``; for demo-like routes (``demo`` names the
    word that says so) DEMO001/DEMO002 report the first two.
    """
    r = rr.route
    return {"path": r.span.path, "line": r.span.line, "method": r.method, "route": rr.path,
            "handler": r.handler, "guards": list(rr.guards), "admin_guards": list(rr.admin_guards),
            "conditions": list(rr.conditions), "framework": r.framework, "demo": rr.demo,
            "verdict": rr.verdict, "reason": rr.reason, "registered": rr.registered,
            "weak_guards": [g.weak for g in rr.env_guards if g.weak]}


def _masked_values(project: Project) -> tuple[str, ...]:
    """Every raw value ``_shown``/``_mask_url`` hide, so snippets can hide them too."""
    out: set[str] = set()
    named = [(r.name, r.default) for r in project.facts(EnvRead)]
    named += [(a.name, a.value) for a in project.facts(EnvAssignment)]
    for name, value in named:
        if value is not None and lexicon.is_secret_name(name, project.secret_name_patterns) and not lexicon.is_placeholder(value):
            out.add(value)
    values = [v for _, v in named if v] + [lit.value for lit in project.facts(Literal)]
    values += [h.value for h in project.facts(Hotspot)]
    for value in values:
        pw = lexicon.url_password(value)
        if pw:
            out.add(pw)
    return tuple(sorted(out))


def _shown(name: str, value: str | None, secret_patterns: frozenset[str] = frozenset()) -> str | None:
    """A value as every output may show it: secrets masked, URL passwords masked."""
    if value is None:
        return None
    if lexicon.is_secret_name(name, secret_patterns) and not lexicon.is_placeholder(value):
        return lexicon.mask(value)
    return _mask_url(value)


def _mask_url(value: str) -> str:
    pw = lexicon.url_password(value)
    return value.replace(":" + pw + "@", ":" + lexicon.mask(pw) + "@", 1) if pw else value


def describe_branch(project: Project, rb) -> str:
    """One sentence: what a branch gates, from its facts (for the inventory's code paths)."""
    b = rb.branch
    subject = project.subject_of(rb)
    if b.presence:
        summary = b.then_summary if b.op == "truthy" else b.else_summary
        gate = f"only when `{subject}` is set"
        return f"{summary[:1].upper() + summary[1:]} {gate}" if summary else f"Behaviour changes when `{subject}` is set"
    if rb.nonprod_arm:
        effects = [EFFECTS[e] for e in sorted(set(rb.nonprod_effects)) if e in EFFECTS]
        what = "; ".join(effects) or rb.nonprod_summary or "runs different code"
        if b.op in {"==", "!="}:
            truth = "true" if rb.nonprod_arm == "then" else "false"
            return f"Outside production (`{subject}`{_cmp(b)} is {truth}), {what}"
        return f"Outside production (`{subject}` {'set' if rb.nonprod_arm == 'then' else 'unset'}), {what}"
    return f"Branches on `{subject}`{_cmp(b)}"


def _cmp(b) -> str:
    if b.op in {"==", "!="} and b.value is not None:
        return f" {b.op} \"{b.value}\""
    return ""


def variables_by_area(inventory: Inventory) -> dict[str, list[Variable]]:
    grouped: dict[str, list[Variable]] = defaultdict(list)
    for v in inventory.variables:
        grouped[v.area].append(v)
    return dict(sorted(grouped.items()))
