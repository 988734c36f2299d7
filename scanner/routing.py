"""Routes across files: mount prefixes joined, guard chains gathered, conditions resolved, verdicts given.

A frontend sees ``homeRouter.post("/seed-demo", requireAuth, …)`` in one file and
``app.use("/home", homeRouter)`` in another. Here the two meet: every ``Route`` is walked up
through the ``Mount`` facts that attach its router (by router name and module, as the importing
file's ``imports`` resolved it) to a root, collecting prefixes, middleware and the conditions
each mount sits under. Each resolved route then gets a verdict for the DEMO rules and the
inventory. ``Project.routes()`` is the way in; rules never call this module directly.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from . import guards as vocab
from . import lexicon
from .facts import Condition, EnvRead, GuardDef, Mount, Route

if TYPE_CHECKING:
    from .project import Project

_MAX_DEPTH = 16
NEST = "@nest"  # the global node NestJS setGlobalPrefix/useGlobalGuards attach to
INLINE = "in handler: "  # how a frontend marks a test made inside the handler rather than around it
_NEGATE = {"==": "!=", "!=": "==", "truthy": "falsy", "falsy": "truthy"}


@dataclass(frozen=True, slots=True)
class EnvGuard:
    """An environment check or demo flag a route is registered (or answers) under."""

    text: str  # the test as written: "!isProd", "config.features.demoData"
    variable: str  # the variable behind it, or the unresolved reference
    kind: str  # "environment" (off in production), "flag" (an opt-in demo/dev flag), "secret" (needs a key set)
    weak: str | None  # why the test holds where the variable is unset; None when it fails closed


@dataclass(frozen=True, slots=True)
class ResolvedRoute:
    """A route with its full path and everything between the app and its handler."""

    route: Route
    path: str  # full path, mount prefixes joined
    guards: tuple[str, ...]  # route, router-middleware and mount guards, outermost last
    admin_guards: tuple[str, ...]
    auth_guards: tuple[str, ...]
    conditions: tuple[str, ...]
    env_guards: tuple[EnvGuard, ...]
    demo: str | None  # the word that makes it look like a demo/seed/debug route; None otherwise
    verdict: str  # "guarded" (admin or fail-closed environment guard), "weak" or "unguarded"
    reason: str  # one phrase behind the verdict
    registered: bool = True  # False for a NestJS controller no @Module lists (while others are listed)

    @property
    def method(self) -> str:
        return self.route.method

    @property
    def span(self):
        return self.route.span


@dataclass(frozen=True, slots=True)
class _Chain:
    prefix: str
    mounts: tuple[Mount, ...]
    middleware: tuple[tuple[str, Mount], ...]  # (absolute prefix, middleware mount)


def module_key(path: str) -> str:
    from .project import _module_key

    return _module_key(path)


def join(prefix: str, path: str) -> str:
    parts = [p.strip("/") for p in (prefix, path) if p and p.strip("/")]
    return "/" + "/".join(parts)


def under(path: str, prefix: str) -> bool:
    prefix = prefix.rstrip("*").rstrip("/")
    return not prefix or path == prefix or path.startswith(prefix + "/")


class _Resolver:
    def __init__(self, project: "Project", extra_admin: frozenset[str]) -> None:
        self.project = project
        self.extra_admin = extra_admin
        self.names: dict[str, set[str]] = defaultdict(set)  # module key -> router names used there
        for r in project.facts(Route):
            if r.mount and not r.mount.startswith("@"):
                self.names[module_key(r.span.path)].add(r.mount)
        for m in project.facts(Mount):
            if m.parent and not m.parent.startswith("@"):
                self.names[module_key(m.span.path)].add(m.parent)
        self.incoming: dict[tuple[str, str], list[tuple[Mount, tuple[str, str]]]] = defaultdict(list)
        self.middleware: dict[tuple[str, str], list[Mount]] = defaultdict(list)
        for m in project.facts(Mount):
            parent = self.node(m.span.path, m.parent)
            if not m.router:
                self.middleware[parent].append(m)
            elif m.router.startswith("@"):
                self.incoming[("", m.router)].append((m, ("", "")))
            else:
                module = self.module_for(m.module, set(self.names)) if m.module else module_key(m.span.path)
                self.incoming[(module, self.canonical(module, m.router))].append((m, parent))
        self.guard_defs: dict[tuple[str, str], list[GuardDef]] = defaultdict(list)
        for d in project.facts(GuardDef):
            self.guard_defs[(module_key(d.span.path), d.name)].append(d)
        self.def_modules = {k[0] for k in self.guard_defs}
        self.reads: dict[str, list[EnvRead]] = defaultdict(list)
        for read in project.facts(EnvRead):
            self.reads[read.name].append(read)

    def node(self, path: str, name: str | None) -> tuple[str, str]:
        if name and name.startswith("@"):
            return ("", name)
        return (module_key(path), name or "")

    def canonical(self, module: str, name: str) -> str:
        names = self.names.get(module, set())
        if name in names or not names:
            return name
        if "default" in names:
            return "default"
        if len(names) == 1:
            return next(iter(names))
        return name

    def chains(self, node: tuple[str, str], seen: frozenset = frozenset()) -> list[_Chain]:
        ins = self.incoming.get(node)
        if not ins or node in seen or len(seen) > _MAX_DEPTH:
            return [_Chain("", (), ())]
        out = []
        for mount, parent in ins:
            for pc in self.chains(parent, seen | {node}):
                prefix = join(pc.prefix, mount.prefix)
                mws = tuple((join(pc.prefix, mw.prefix), mw) for mw in self.middleware.get(parent, ())
                            if mw.span.path != mount.span.path or mw.span.line < mount.span.line)
                out.append(_Chain(prefix, pc.mounts + (mount,), pc.middleware + mws))
        return out

    def resolve(self, route: Route) -> list[ResolvedRoute]:
        node = self.node(route.span.path, route.mount)
        out = []
        seen_paths = set()
        chains = self.chains(node)
        if route.framework == "nestjs":  # setGlobalPrefix and useGlobalGuards reach every controller
            chains = [_Chain(join(g.prefix, c.prefix), (g,) + c.mounts, c.middleware)
                      for g in _nearest(route.span.path, [m for m, _ in self.incoming.get(("", NEST), ())])
                      for c in chains] or chains
            chains = [_Chain(c.prefix, c.mounts, tuple(("", mw) for mw in self.middleware.get(("", NEST), ()))
                             + c.middleware) for c in chains]
        for chain in chains:
            full = join(chain.prefix, route.path)
            if full in seen_paths:
                continue
            seen_paths.add(full)
            own = tuple((join(chain.prefix, mw.prefix), mw) for mw in self.middleware.get(node, ())
                        if mw.span.path != route.span.path or mw.span.line < route.span.line)
            guards, conditions, tests = [], [], []
            for m in chain.mounts:  # outermost first, as a request meets them
                guards.extend((g, m.span.path) for g in m.guards)
                conditions.extend(c for c in m.conditions if c not in conditions)
                tests.extend((t, m.span.path) for t in m.tests)
            for prefix, mw in chain.middleware + own:
                if under(full, prefix):
                    guards.extend((g, mw.span.path) for g in mw.guards)
            guards.extend((g, route.span.path) for g in route.guards)
            conditions.extend(c for c in route.conditions if c not in conditions)
            tests.extend((t, route.span.path) for t in route.tests)
            out.append(self.judge(route, full, guards, conditions, tests))
        return out

    # ------------------------------------------------------------------ verdicts

    def definitions(self, name: str, path: str) -> list[GuardDef]:
        """What a guard or handler named in ``path`` is defined as, here or in the module it comes from."""
        head = name.lstrip("@").split("(", 1)[0].strip()
        if head.startswith("Depends") or head.startswith("Security"):  # Depends(get_current_superuser)
            head = name.split("(", 2)[1].split(")", 1)[0].split(",", 1)[0].strip()
        first = head.split(".", 1)[0]
        leaf = head.rsplit(".", 1)[-1]
        module = self.project._imports.get(path, {}).get(first)
        keys = {(module_key(path), head), (module_key(path), leaf)}
        if module is not None:  # from . import views -> ("views", "shop"): views.seed lives in shop/views
            candidates = (module, module.rsplit(".", 1)[0] if first == head and "/" not in module else None,
                          f"{module}/{first}" if first != head else None)
            for candidate in candidates:
                if candidate:
                    keys.add((self.module_for(candidate, self.def_modules), leaf))
        return [d for k in sorted(keys) for d in self.guard_defs.get(k, ())]

    def module_for(self, module: str, known: set[str]) -> str:
        """The module key an import names: ``src/routes/home`` as is; ``app.api.routes.users`` (a Python
        dotted name, maybe rooted below the scan root) as the known key that ends with it."""
        key = module_key(module)
        if "/" not in key and "." in key:
            key = key.replace(".", "/")
        if key in known:
            return key
        tails = [k for k in known if k.endswith("/" + key)]
        return min(tails, key=len) if tails else key

    def classify(self, guard: str, path: str) -> str | None:
        kind = vocab.classify_guard(guard, self.extra_admin)
        if kind != "admin" and any(d.kind == "admin" for d in self.definitions(guard, path)):
            return "admin"
        return kind

    def judge(self, route: Route, full: str, guards, conditions, tests) -> ResolvedRoute:
        admin, auth, shown = [], [], []
        for g, path in guards:
            if g in shown:
                continue
            shown.append(g)
            kind = self.classify(g, path)
            if kind == "admin":
                admin.append(g)
            elif kind == "auth":
                auth.append(g)
        for g, path in guards + [(route.handler, route.span.path)]:
            for d in self.definitions(g, path):
                tests.extend((t, d.span.path) for t in d.tests)
        for d in self.definitions(route.handler, route.span.path):  # a view guarded by its decorators or class
            if d.kind not in {"admin", "auth"} or d.span.path == route.span.path and route.framework != "django":
                continue
            label = f"{route.handler} ({'admin-only' if d.kind == 'admin' else 'signed-in'} view)"
            (admin if d.kind == "admin" else auth).append(label)
            if label not in shown:
                shown.append(label)
        env = []
        for test, path in tests:
            guard = self.env_guard(test, path)
            if guard is not None and guard not in env:
                env.append(guard)
        demo = vocab.demo_match(full, route.handler)
        strong = [e for e in env if e.weak is None]
        weak = [e for e in env if e.weak is not None]
        if admin:
            verdict, reason = "guarded", f"admin guard `{admin[0]}`"
        elif strong:
            verdict, reason = "guarded", _only_when(strong[0].text)
        elif weak:
            verdict, reason = "weak", weak[0].weak or ""
        elif auth:
            verdict, reason = "unguarded", f"only `{auth[-1]}`, which any signed-in user passes"
        else:
            verdict, reason = "unguarded", "no authentication, admin or environment guard"
        return ResolvedRoute(route, full, tuple(shown), tuple(admin), tuple(auth), tuple(conditions), tuple(env),
                             demo, verdict, reason)

    def env_guard(self, test: Condition, path: str) -> EnvGuard | None:
        """What a registration test is worth as a guard; None when it does not keep production out."""
        subject, op, value = test.subject, test.op, test.value
        default: str | None = None
        default_known = False
        if not subject and test.ref:
            binding = self.project.binding_for(test.ref, path)
            if binding is not None:
                subject, default, default_known = binding.name, binding.default, True
                if binding.op is not None and op in {"truthy", "falsy"}:
                    op, value = (binding.op if op == "truthy" else _NEGATE[binding.op]), binding.value
        name = subject or (test.ref or "")
        leaf = name.rsplit(".", 1)[-1].replace("()", "")
        if op in {"truthy", "falsy"}:
            flag = subject if subject and (lexicon.flag_meaning(subject) or lexicon.is_debug_variable(subject)) else leaf
        else:
            flag = None
        arm = lexicon.nonproduction_arm(op, value, flag)
        if arm == "then":
            kind = "environment"
        elif op == "truthy" and subject and lexicon.is_secret_name(subject):
            kind = "secret"  # off unless a dedicated secret is configured: if (!process.env.SEED_KEY) return 404
        elif arm is None and vocab.is_demo_flag(leaf) and (op == "truthy" or op == "==" and vocab.truthy(value)):
            kind = "flag"
        else:
            return None
        weak = None
        if not subject and op == "!=" and lexicon.environment_of(value or "") == "production":
            weak = f"`{name}` != \"{value}\" holds for every other value, unset or misspelled included"
        if subject:
            defaults = [default] if default_known else self.defaults(subject, path)
            for d in defaults:
                if vocab.holds(op, value, d):
                    weak = _weak_reason(subject, op, value, d)
                    break
        return EnvGuard(test.text, name, kind, weak)

    def defaults(self, name: str, path: str) -> list[str | None]:
        """The values a variable takes where it is unset: literal defaults seen in this file, else None."""
        here = [r.default for r in self.reads.get(name, ()) if r.span.path == path and r.default is not None]
        return here or [None]


def _nearest(path: str, mounts: list[Mount]) -> list[Mount]:
    """The global mounts of the app a file belongs to. An app's root is the folder above ``src/``
    of the file that calls ``setGlobalPrefix`` (``apps/ws`` for ``apps/ws/src/bootstrap.ts``). With
    one app, its mounts reach every file; in a monorepo, only files below the app's root."""
    def root(m: Mount) -> str:
        p = m.span.path
        return p.split("/src/", 1)[0] if "/src/" in p else ("" if p.startswith("src/") else p.rsplit("/", 1)[0]
                                                            if "/" in p else "")
    roots = {root(m) for m in mounts}
    if len(roots) <= 1:
        return mounts
    return [m for m in mounts if not root(m) or path.startswith(root(m) + "/")]


def _only_when(text: str) -> str:
    if text.startswith(INLINE):
        return f"answers only when `{text[len(INLINE):]}`"
    return f"registered only when `{text}`"


def _weak_reason(subject: str, op: str, value: str | None, default: str | None) -> str:
    test = f"`{subject}` {op} \"{value}\"" if op in {"==", "!="} else f"`{subject}`"
    if default is None:
        return f"{test} is true when `{subject}` is unset"
    return f"{test} is true by default (`{subject}` falls back to \"{default}\")"


def resolve_routes(project: "Project", extra_admin: frozenset[str] = frozenset()) -> list[ResolvedRoute]:
    """Every route in the project, once per full path, in path order.

    NestJS controllers are registered by being listed in a ``@Module``; when the project lists
    some controllers and not another, that one is marked ``registered=False``.
    """
    resolver = _Resolver(project, extra_admin)
    out = []
    for route in project.facts(Route):
        out.extend(resolver.resolve(route))
    def node(rr: ResolvedRoute) -> tuple[str, str]:
        return resolver.node(rr.route.span.path, rr.route.mount)

    listed = {node(rr) for rr in out if rr.route.framework == "nestjs" and resolver.incoming.get(node(rr))}
    if listed:
        out = [rr if rr.route.framework != "nestjs" or node(rr) in listed
               else dataclasses.replace(rr, registered=False) for rr in out]
    return out
