"""The vocabulary of routes: which guards say admin or sign-in, which routes look like demo or seed routes.

Judgements about names and path strings, never about syntax: the frontends use them to tag
route effects, ``routing.py`` to give each route a verdict. Like ``lexicon``, the tables here are
the one place to extend the vocabulary; the word lists match whole words (``lexicon.words``), so
``seedDemoHome``, ``seed-demo`` and ``SEED_DEMO`` read alike.
"""

from __future__ import annotations

import re
from functools import lru_cache

from .lexicon import words

#: Words in a guard's name or arguments that restrict a route to some users, not to any signed-in one.
ADMIN_WORDS = frozenset({
    "admin", "admins", "administrator", "administrators", "role", "roles", "staff", "superuser",
    "superusers", "superadmin", "sudo", "ops", "operator", "operators", "rbac", "acl", "permission",
    "permissions", "privileged", "internal", "maintainer", "maintainers",
})
#: Words that say a guard checks that the caller is signed in (or a known service).
AUTH_WORDS = frozenset({
    "auth", "authenticate", "authenticated", "authentication", "authorize", "authorized", "authorization",
    "login", "logged", "session", "jwt", "token", "passport", "clerk", "protect", "protected", "verify",
    "verified", "user", "guard", "signed", "signin", "bearer", "oauth", "firebase", "supabase", "cognito",
    "credentials", "apikey", "key", "keys", "secured", "secure", "principal", "identity", "member",
    "account", "kinde", "lucia", "nextauth", "authjs",
})
#: Words that turn a guard-looking name into its opposite (``@Public()``, ``optionalAuth``, ``SkipAuth``).
NOT_GUARD_WORDS = frozenset({"public", "anonymous", "optional", "skip", "bypass", "no", "without", "allow",
                             "rate", "limit", "limiter", "throttle", "cors", "csrf", "validate", "validation",
                             "log", "logger", "cache", "parse", "body", "json"})

#: Path or handler words that by themselves mark a demo, seed or debug route.
DEMO_WORDS = frozenset({"demo", "demos", "seed", "seeds", "seeding", "seeder", "debug", "mock", "mocks", "e2e",
                        "cypress", "playwright", "backdoor", "fixture", "fixtures", "faker", "populate"})
#: Words next to ``demo``/``mock`` that mean a product feature: a "request a demo" form, a mock interview.
PRODUCT_WORDS = frozenset({"request", "requests", "book", "booking", "bookings", "schedule", "scheduled",
                           "interview", "interviews", "exam", "exams", "quiz", "quizzes", "call", "calls",
                           "video", "videos", "phrase", "mnemonic", "wallet", "sentry", "server", "servers"})
#: ``fixture`` alone is a sports word; it marks a demo route only next to one of these.
FIXTURE_COMPANIONS = frozenset({"load", "loaddata", "seed", "reset", "test", "tests", "testing", "install",
                                "apply", "dev", "demo", "data", "db", "database"})
#: ``populate`` alone is an ORM verb; it marks a demo route only next to one of these.
POPULATE_COMPANIONS = frozenset({"db", "database", "data", "demo", "test", "dummy", "sample", "fake"})
#: ``reset`` alone is a password reset; it marks a demo route next to one of these.
RESET_COMPANIONS = frozenset({"db", "database", "data", "all", "state", "everything", "test", "tests", "testing",
                              "dev", "demo", "seed", "fixtures", "sandbox", "e2e", "cypress", "playwright", "env",
                              "environment", "tables", "schema"})
RESET_WORDS = frozenset({"reset", "wipe", "truncate", "purge", "nuke", "drop", "clear", "clean", "cleanup", "flush"})
#: Whole path segments that hold test-only or dev-only routes: ``/testing/session``, ``/api/dev/…``.
DEV_SEGMENTS = frozenset({"testing", "__test__", "_test", "__testing__", "test-utils", "test-only", "test-helpers",
                          "dev", "__dev__", "_dev", "dev-tools", "devtools", "dev-only", "e2e"})
#: Words of a password-reset flow: they keep ``reset`` a product route.
PASSWORD_WORDS = frozenset({"password", "passwd", "pwd", "pass", "pin", "otp", "mfa", "email", "token",
                            "credentials", "link", "code", "request", "verify", "confirm", "forgot"})
#: What ``test``/``dummy``/``fake`` data a route creates: ``create_test_users``, ``/dummy-data``.
TEST_DATA_WORDS = frozenset({"data", "user", "users", "account", "accounts", "records", "documents", "fixtures"})
LOGIN_WORDS = frozenset({"login", "signin", "auth", "session", "token", "impersonate", "sudo"})
TEST_LOGIN_WORDS = frozenset({"testing", "dev", "fake", "backdoor", "e2e", "dummy", "as"})  # not "magic": magic links
#: With plain ``test`` in the same segment these read as a test login: ``/test-login``, not ``/login/test-token``
#: (which tests a token) or ``/auth/test`` (which tests a session).
TEST_LOGIN_STRICT = frozenset({"login", "signin", "impersonate"})
#: Path words that say nothing about what a route does: the handler name then speaks for it.
GENERIC_PATH_WORDS = frozenset({"api", "v", "internal", "run", "do", "exec", "execute", "action", "actions", "admin",
                                "ops", "task", "tasks", "job", "jobs", "trigger", "start", "rpc", "call", "invoke"})

#: Flag names that gate demo data or dev-only routes when true.
DEMO_FLAG_WORDS = frozenset({"demo", "demos", "seed", "seeding", "mock", "mocks", "fixtures", "debug", "dev",
                             "testing", "e2e", "sandbox", "fake", "sample"})

_PARAM = re.compile(r"^(?::.*|\{.*\}|\[.*\]|<.*>|\*.*|\(.*\)|\$.*)$")


#: Callees that only wrap the guard they are given: ``Depends(get_current_user)``, ``UseGuards(RolesGuard)``.
WRAPPERS = frozenset({"Depends", "Security", "UseGuards", "fastapi.Depends", "fastapi.Security"})
#: Callee verbs that restrict a route by their arguments: ``restrictTo("admin")``, ``only("ops")``.
RESTRICT_WORDS = frozenset({"restrict", "only", "permit", "can", "check", "require", "requires", "ensure", "has",
                            "access", "must", "allowed", "policy", "policies", "scope", "scopes", "acl", "gate"})


@lru_cache(maxsize=8192)
def classify_guard(text: str, extra_admin: frozenset[str] = frozenset()) -> str | None:
    """``"admin"``, ``"auth"`` or None for one guard as written: a name, a call, a decorator.

    The callee's name decides whether it is a guard at all; its arguments can then make it an
    admin guard: ``requireRole("admin")``, ``auth("admin")``, ``restrictTo("ops")``.
    ``requireAuth`` and ``Depends(get_current_user)`` are auth; ``rateLimit``, ``@Public()``
    and ``@SerializeOptions({ groups: ["admin"] })`` are neither. ``extra_admin`` holds
    user-declared admin guard names, matched exactly or by last name.
    """
    stripped = text.strip().lstrip("@").strip()
    head, _, rest = stripped.partition("(")
    head = head.strip()
    if head in {"require", "import", "await import"}:  # a module, not a guard
        return None
    if head in WRAPPERS and rest:
        return classify_guard(rest.rsplit(")", 1)[0], extra_admin)
    if extra_admin and (head in extra_admin or head.rsplit(".", 1)[-1] in extra_admin):
        return "admin"
    head_ws = set(_words(head.split(" ", 1)[0] if " " in head and not rest else head))
    if " " in head and not rest:  # "check user.role !== 'admin'": a verb, then what it checks
        verb, _, rest = head.partition(" ")
        head_ws = set(_words(verb))
    if head_ws & NOT_GUARD_WORDS and not head_ws & ADMIN_WORDS:
        return None
    if head_ws & ADMIN_WORDS:
        return "admin"
    if not head_ws & (AUTH_WORDS | RESTRICT_WORDS) and not ("required" in head_ws or "permission" in head_ws):
        return None
    if set(_words(rest)) & ADMIN_WORDS:
        return "admin"
    if not head_ws & AUTH_WORDS and "required" not in head_ws:
        return None  # ensure_not_demo, checkQuota: a restriction, but not on who the caller is
    return "auth"


def _words(name: str) -> tuple[str, ...]:
    """``lexicon.words`` that keeps ``e2e`` whole."""
    if "2" not in name:
        return words(name)
    out: list[str] = []
    for part in re.split(r"(?i)(?<![a-z])(e2e)(?![a-z])", name):
        out.extend(["e2e"] if part.lower() == "e2e" else words(part))
    return tuple(out)


def path_words(path: str) -> list[str]:
    """The words of a route path, parameters left out: ``/home/:id/seed-demo`` -> home, seed, demo."""
    out: list[str] = []
    for segment in re.split(r"[/.]", path):
        segment = segment.strip("^$?")
        if not segment or _PARAM.match(segment):
            continue
        out.extend(_words(segment))
    return out


@lru_cache(maxsize=8192)
def _demo_word(ws: tuple[str, ...]) -> str | None:
    have = set(ws)
    for w in ws:
        if w not in DEMO_WORDS:
            continue
        if w in {"demo", "demos", "mock", "mocks"} and have & PRODUCT_WORDS:
            continue
        if w in {"seed", "seeds"} and have & {"phrase", "mnemonic", "wallet", "random"}:
            continue
        if w in {"fixture", "fixtures"} and not have & FIXTURE_COMPANIONS:
            continue
        if w == "populate" and not have & POPULATE_COMPANIONS:
            continue
        if w == "debug" and "sentry" in have:
            return "debug"
        return w
    if have & RESET_WORDS and have & RESET_COMPANIONS and not have & PASSWORD_WORDS:
        return "reset"
    if have & {"test", "dummy", "fake", "sample"} and have & TEST_DATA_WORDS and not have & PASSWORD_WORDS:
        return "test-data"
    if not have & {"password", "passwd", "pwd", "forgot"} and have & LOGIN_WORDS and have & TEST_LOGIN_WORDS:
        if "as" in have and not have & {"login", "impersonate", "sudo"}:
            return None
        return "test-login"
    return None


def demo_match(path: str, handler: str = "") -> str | None:
    """Why a route looks like a demo/seed/debug route (the word that says so), or None.

    The path decides; the handler name speaks only when the path says nothing (``/internal/run``
    answered by ``seedDatabase``), and then only with the plain demo words, so a
    ``purge_export_data`` handler does not make ``/export/purge`` a reset route.
    """
    name = handler.rsplit(".", 1)[-1] if handler and not handler.startswith("<") else ""
    ws = tuple(path_words(path))
    found = _demo_word(ws)
    if found in {"demo", "demos", "mock", "mocks"} and set(_words(handler)) & PRODUCT_WORDS:
        return None  # /mock/*path answered by MockServerController.handleMockRequest: a product feature
    if found:
        return found
    for segment in path.lower().split("/"):
        if segment in DEV_SEGMENTS:
            return segment.strip("_")
        seg_words = set(_words(segment))
        if "test" in seg_words and seg_words & TEST_LOGIN_STRICT:  # /test-login, not /login/test-token
            return "test-login"
    if name and set(ws) <= GENERIC_PATH_WORDS | {str(n) for n in range(10)}:
        hw = _words(name)
        word = next((w for w in hw if w in DEMO_WORDS), None)
        return _demo_word(hw) if word else None
    return None


#: Words that make a test at the top of a handler a sign-in check (``if (!session) return 401``).
CHECK_AUTH_WORDS = frozenset({"auth", "authenticated", "session", "token", "login", "logged", "signed",
                              "principal", "jwt", "bearer"})


def classify_check(condition: str) -> str | None:
    """What a test at the top of a handler guards: ``not user.is_superuser`` is admin, ``!session`` auth.

    ``not user.is_superuser and item.owner_id != user.id`` lets owners through too: callers pass
    each leaf of a conjunction and count it admin only when every leaf is.
    """
    ws = set(_words(condition))
    if ws & ADMIN_WORDS:
        return "admin"
    if ws & CHECK_AUTH_WORDS:
        return "auth"
    return None


def is_demo_flag(name: str) -> bool:
    """A flag that turns demo or dev-only behaviour on: ``DEMO_DATA_ENABLED``, ``features.seedData``."""
    return bool(set(words(name)) & DEMO_FLAG_WORDS)


FLAG_HEADS = frozenset({"is", "enable", "enabled", "allow", "allows", "use", "with", "has", "should", "can", "show"})
FLAG_TAILS = frozenset({"enabled", "enable", "mode", "flag", "on", "allowed", "active"})


def flag_shaped(name: str) -> bool:
    """A name that reads as a boolean switch: ``isDemo``, ``DEMO_DATA_ENABLED``, ``seedMode``, ``ENABLE_SEED``."""
    ws = words(name)
    return bool(ws) and (ws[0] in FLAG_HEADS or ws[-1] in FLAG_TAILS or name.isupper() or len(ws) == 1)


_FALSY = frozenset({"", "false", "0", "no", "off", "n", "none", "null", "undefined"})


def truthy(value: str | None) -> bool:
    """How a config value reads as a boolean: unset, empty, ``false``, ``0``, ``no``, ``off`` are false."""
    return value is not None and value.strip().lower() not in _FALSY


def holds(op: str, value: str | None, actual: str | None) -> bool:
    """Whether a test ``<variable> op value`` holds when the variable is ``actual`` (None: unset)."""
    if op == "==":
        return actual is not None and actual.strip().lower() == (value or "").strip().lower()
    if op == "!=":
        return actual is None or actual.strip().lower() != (value or "").strip().lower()
    if op == "truthy":
        return truthy(actual)
    if op == "falsy":
        return not truthy(actual)
    return False
