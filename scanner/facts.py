"""Facts: what a frontend saw in one file, as plain frozen data.

Frontends (``scanner/languages``) turn a file into facts; the resolver (``project.py``) joins them
across files; rules read them. Facts hold no parser nodes, open files or callables, so they cross
a process pool and a cache unchanged. This module imports nothing else from ``scanner``.

Conventions shared by every fact:

* ``Span.path`` is POSIX and relative to the scanned root.
* ``line`` and ``column`` are 1-based; ``column`` counts Unicode code points (SARIF
  ``columnKind: unicodeCodePoints``). ``end_line``/``end_column`` are exclusive, in the same units.
* A field typed ``X | None`` says in its comment what ``None`` means.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True, order=True)
class Span:
    """A region of one file."""

    path: str
    line: int
    column: int
    end_line: int
    end_column: int


@dataclass(frozen=True, slots=True)
class EnvRead:
    """A read of an environment variable, with its literal fallback when it has one."""

    span: Span
    name: str  # "DATABASE_URL"
    default: str | None  # the resolved literal fallback; None when the read has none
    via: str  # "process.env", "import.meta.env", "os.getenv", "pydantic-settings", …
    required: bool = False  # the code refuses to run without it (zod without default, ${X:?}, …)
    fallback: str | None = None  # another variable read when this one is unset; None when none


@dataclass(frozen=True, slots=True)
class ConfigUse:
    """A use of a config-object property in another file: ``config.giteaUrl`` in ``manager.ts``.

    ``project.py`` resolves ``ref`` to the variable behind it through ``ConfigBinding`` facts.
    """

    span: Span
    ref: str  # dotted reference as written, e.g. "config.gitea.adminPassword"
    default: str | None = None  # a literal fallback at the use (``env.X ?? "d"``); None when none
    default_span: Span | None = None  # where that literal is; None when there is none


@dataclass(frozen=True, slots=True)
class EnvSource:
    """A module export that *is* the environment: ``export default process.env``,
    ``export const env = withSecrets(process.env)``. Members of it read variables in any file."""

    span: Span
    export: str  # "default" or the exported name


@dataclass(frozen=True, slots=True)
class ConfigBinding:
    """A property of a config object that holds an environment variable (or a test on one).

    ``export const config = { nodeEnv: process.env.NODE_ENV ?? "development" }`` gives
    ``owner="config", attribute="nodeEnv", name="NODE_ENV"``. A derived flag such as
    ``isProduction: process.env.NODE_ENV === "production"`` also carries ``op``/``value``.
    Python settings classes use the class name and, when known, the accessor (``settings``).
    """

    span: Span
    owner: str  # exported object or settings class: "config", "settings", "Settings"
    attribute: str  # dotted path below the owner: "nodeEnv", "redis.url"
    name: str  # the environment variable
    default: str | None  # literal fallback; None when there is none
    op: str | None = None  # for derived flags: "==" or "!="; None for a plain value
    value: str | None = None  # for derived flags: the compared literal


@dataclass(frozen=True, slots=True)
class EnvBranch:
    """A condition on an environment name, a debug flag, or a variable's presence.

    ``subject`` is the variable when the frontend could tell; otherwise ``ref`` holds the dotted
    reference (``config.nodeEnv``, ``settings.DEBUG``) that ``project.py`` resolves across files.
    ``op`` is ``==``, ``!=``, ``truthy`` or ``falsy``; ``value`` is the compared literal (None for
    truthy/falsy tests). ``then_effects``/``else_effects`` name what each arm does that matters for
    security (see ``EFFECTS``); ``then_summary``/``else_summary`` say in a few words what each arm
    guards, for the inventory.
    """

    span: Span
    subject: str  # variable name; "" when only ``ref`` is known
    ref: str | None  # unresolved dotted reference; None when ``subject`` came straight from env
    op: str
    value: str | None
    then_effects: tuple[str, ...] = ()
    else_effects: tuple[str, ...] = ()
    then_summary: str = ""
    else_summary: str = ""
    presence: bool = False  # a test of whether the variable is set at all, not of its value
    then_span: Span | None = None  # the region the then-arm covers; None when unknown or empty
    else_span: Span | None = None  # likewise for the else-arm (or the statements after an exiting if)


#: Effect tags a frontend may put on a branch arm, with the sentence the reports use.
EFFECTS: dict[str, str] = {
    "auth-bypass": "lets requests through without authentication",
    "credential-fallback": "accepts a fallback credential",
    "cors-open": "opens CORS to any origin",
    "insecure-cookie": "sets cookies without `secure`",
    "stack-trace": "exposes stack traces or error details",
    "tls-off": "turns TLS verification off",
    "debug-mode": "enables debug mode",
    "unauthenticated-route": "registers a route without authentication",
    "route": "registers a route",
}


@dataclass(frozen=True, slots=True)
class Literal:
    """A string literal that matters (a local endpoint, a credential-like compare) and its context.

    ``context`` is how the literal is used: ``value`` (reaches runtime as data), ``bind`` (a
    listen/bind address), ``compare`` (one side of a comparison), ``url-base`` (the base argument of
    ``new URL(path, base)``), ``key`` (an object key or property name), ``log`` (only printed).
    ``target`` names the variable, property, parameter or compared expression the literal is
    assigned to or compared with; None when there is none.
    """

    span: Span
    value: str
    context: str
    target: str | None = None


@dataclass(frozen=True, slots=True)
class ImageRef:
    """A container image reference: Dockerfile ``FROM``, compose/K8s ``image:``, a string in code."""

    span: Span
    image: str  # the reference as written after interpolation: "ghcr.io/org/app:latest"
    name: str  # repository without tag or digest: "ghcr.io/org/app"
    tag: str | None  # None when the reference has no tag
    digest: str | None  # "sha256:…"; None when not pinned by digest
    source: str  # "dockerfile", "compose", "kubernetes", "helm", "code", "env-default", "workflow", "text"


@dataclass(frozen=True, slots=True)
class EnvAssignment:
    """Where a variable is *set*: compose ``environment:``, ``.env*`` files, Dockerfile ``ENV``.

    ``value`` is the literal value, or the default of an interpolation (``${X:-d}`` gives ``d``);
    None when the value is only a reference (``${X}``) or absent (``environment: [X]``).
    ``environment`` is the scope the file implies: ``development``, ``production``, ``example``,
    … ; None when the file does not say.
    """

    span: Span
    name: str
    value: str | None
    source: str  # "compose", "dotenv", "dockerfile", "kubernetes", "shell"
    environment: str | None = None
    interpolated: bool = False  # the value came from ``${VAR:-default}`` rather than a literal


@dataclass(frozen=True, slots=True)
class Condition:
    """A test a route or mount is registered under, stated so that it holds where the registration runs.

    ``if (!isProd) app.get(…)`` gives ``op="!="``, ``value="production"`` for ``NODE_ENV`` when
    ``isProd`` is a local flag; a registration in the ``else`` arm carries the negated test. As in
    ``EnvBranch``, ``subject`` is the variable when the frontend could tell, else ``ref`` holds the
    dotted reference (``config.features.demoData``) that ``project.py`` resolves across files.
    ``op`` is ``==``, ``!=``, ``truthy`` or ``falsy``; ``value`` is None for truthy/falsy.
    """

    span: Span  # the test expression
    text: str  # as written, with a leading "not " when the registration sits in the else arm
    subject: str  # variable name; "" when only ``ref`` is known
    ref: str | None  # unresolved dotted reference or local name; None when ``subject`` came from env
    op: str
    value: str | None
    presence: bool = False  # a test of whether the variable is set at all


@dataclass(frozen=True, slots=True)
class Route:
    """An HTTP route registration, with its guard chain and the conditions it is registered under.

    ``mount`` names the router the route sits on, as other files reach it: a router variable
    (``homeRouter``), the function a router parameter belongs to (a Fastify plugin, a
    ``registerRoutes(app)`` helper), ``"default"`` for a default-exported router or plugin, or a
    global name starting with ``@`` (``@nest``). ``project.py`` joins it with ``Mount`` facts.
    """

    span: Span
    method: str  # "GET", "POST", "ANY", …
    path: str  # full path where the prefix is known, else as written
    handler: str  # handler name or "<anonymous>"
    guards: tuple[str, ...] = ()  # middleware/decorator/dependency names in the chain
    conditions: tuple[str, ...] = ()  # enclosing environment or flag conditions, as text
    framework: str = ""
    mount: str | None = None  # the router variable a prefix must be joined from; None when none
    tests: tuple[Condition, ...] = ()  # ``conditions`` in structured form, for guard verdicts


@dataclass(frozen=True, slots=True)
class Mount:
    """``app.use(prefix, router)``, ``include_router(r, prefix=…)``: a prefix joined onto a router.

    ``router`` is "" for middleware applied to every route of ``parent`` below ``prefix``
    (``router.use(requireAdmin)``, ``app.use("/admin/*", mw)``), registered from this line on.
    A ``router`` starting with ``@`` is global (``@nest`` for NestJS ``setGlobalPrefix``).
    """

    span: Span
    prefix: str
    router: str  # the mounted router's name as imported or defined
    module: str | None  # the module the router comes from, root-relative; None when local
    guards: tuple[str, ...] = ()
    conditions: tuple[str, ...] = ()
    parent: str = ""  # the router it is mounted on, named as ``Route.mount``; "" for the app root
    tests: tuple[Condition, ...] = ()


@dataclass(frozen=True, slots=True)
class Script:
    """A standalone entry point (``require.main === module``, ``if __name__ == "__main__"``)."""

    span: Span
    summary: str


@dataclass(frozen=True, slots=True)
class GuardDef:
    """A function that guards whatever calls it, found by its body rather than its name.

    ``kind="admin"``: the body tests a role (``req.user.role !== "admin"``) or a decorator or
    permission class restricts it (``@staff_member_required``), so a route guard named
    ``checkAccess``, or a Django route to that view, is admin-only; ``kind="auth"`` likewise for
    sign-in only (``@login_required``). ``kind="environment"``: the body lets a request on
    only under ``tests`` (``if (process.env.NODE_ENV === "production") return res.status(404)``,
    ``if (!isProd) return next()``), so a route whose guard or handler it is answers only there.
    ``project.py`` finds definitions through the importing file's ``imports``.
    """

    span: Span
    name: str
    kind: str  # "admin", "auth" (a view that only needs a sign-in) or "environment"
    tests: tuple[Condition, ...] = ()  # for "environment": what holds when the request gets through


@dataclass(frozen=True, slots=True)
class Hotspot:
    """A local endpoint or image seen in docs, scripts or generic text: inventory, not an alert."""

    span: Span
    value: str
    kind: str  # "url" or "image"


Fact = (
    EnvRead
    | ConfigUse
    | EnvSource
    | ConfigBinding
    | EnvBranch
    | Literal
    | ImageRef
    | EnvAssignment
    | Route
    | Mount
    | GuardDef
    | Script
    | Hotspot
)


@dataclass(frozen=True, slots=True)
class FileFacts:
    """Everything one frontend extracted from one file, plus what it could not read."""

    path: str
    facts: tuple[Fact, ...] = ()
    diagnostics: tuple[tuple[str, str], ...] = ()  # (code, message): "parse-error", "…"
    imports: tuple[tuple[str, str], ...] = field(default=())  # (local name, resolved module)
