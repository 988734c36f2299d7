"""The vocabulary frontends and rules share: local hosts, secret names, environment names, images.

These are judgements about *values* (a string, an identifier), never about syntax: frontends
use them to decide which literals are worth a fact, rules to decide which facts are hazards.
Everything here is pure and cheap; the tables are the single place to extend the vocabulary.
"""

from __future__ import annotations

import ipaddress
import re
from fnmatch import fnmatchcase
from functools import lru_cache
from urllib.parse import urlsplit

# --------------------------------------------------------------------------- local endpoints

LOCAL_HOST_NAMES = frozenset({"localhost", "host.docker.internal", "gateway.docker.internal",
                              "host.containers.internal", "kubernetes.docker.internal"})

#: Substrings that any string holding a local endpoint contains (the literal pre-filter).
LOCAL_TRIGGERS = ("localhost", "127.", "0.0.0.0", "::1", "host.docker.internal",
                  "docker.internal", "containers.internal")

URL_SCHEMES = frozenset({
    "http", "https", "ws", "wss", "postgres", "postgresql", "mysql", "mariadb", "mongodb",
    "mongodb+srv", "redis", "rediss", "amqp", "amqps", "nats", "kafka", "grpc", "grpcs", "tcp",
    "udp", "mqtt", "mqtts", "ftp", "sftp", "ldap", "ldaps", "smtp", "smtps", "memcached",
    "clickhouse", "cockroachdb", "mssql", "sqlserver", "jdbc", "elasticsearch", "s3", "unix",
    "postgresql+asyncpg", "postgresql+psycopg", "postgresql+psycopg2", "mysql+pymysql",
    "mysql+aiomysql", "sqlite",
})

_HOST_PORT = re.compile(r"^\[?([A-Za-z0-9._:-]+?)\]?(?::(\d{1,5}))?(/[^\s]*)?$")


def _is_local_host(host: str, extra: frozenset[str] = frozenset()) -> bool:
    host = host.strip("[]").lower().rstrip(".")
    if not host:
        return False
    if host in LOCAL_HOST_NAMES or host in extra or host.endswith(".localhost"):
        return True
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return False
    return ip.is_loopback or ip.is_unspecified


@lru_cache(maxsize=4096)
def local_endpoint(text: str, extra: frozenset[str] = frozenset()) -> str | None:
    """The local host a string points at, or None.

    The string must *be* an endpoint: a URL of a known scheme (``postgres://u:p@localhost/db``), a
    bare ``host[:port][/path]`` (``localhost:6379``, ``127.0.0.1``), or a jdbc URL. Prose that
    merely mentions localhost (``"listening on localhost"``) is not an endpoint.
    """
    s = text.strip()
    if not s or len(s) > 2048 or not any(t in s for t in LOCAL_TRIGGERS) and not extra:
        return None
    if s.startswith("jdbc:"):
        s = s[5:]
    if "://" in s:
        scheme = s.split("://", 1)[0].lower()
        if scheme not in URL_SCHEMES or any(c.isspace() for c in s):
            return None
        try:
            parts = urlsplit(s)
            host = parts.hostname or ""
        except ValueError:
            return None
        # Multi-host DSNs (mongodb://a:1,b:2/) are split by hand.
        if not host and "@" not in s:
            host = s.split("://", 1)[1].split("/", 1)[0].split(",", 1)[0].rsplit(":", 1)[0]
        return host if _is_local_host(host, extra) else None
    if any(c.isspace() for c in s):
        return None
    m = _HOST_PORT.match(s)
    if not m:
        return None
    host = m.group(1)
    if host.count(":") >= 2:  # a bare IPv6 address like ::1
        return host if _is_local_host(host, extra) else None
    return host if _is_local_host(host, extra) else None


# --------------------------------------------------------------------------- names as words

_WORD_SPLIT = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+")


@lru_cache(maxsize=8192)
def words(name: str) -> tuple[str, ...]:
    """``GITEA_ADMIN_PASSWORD`` and ``giteaAdminPassword`` both give ``(gitea, admin, password)``."""
    return tuple(w.lower() for w in _WORD_SPLIT.findall(name))


# --------------------------------------------------------------------------- secrets

SECRET_WORDS = frozenset({
    "password", "passwd", "pwd", "pass", "secret", "token", "apikey", "key", "credential",
    "credentials", "passphrase", "dsn", "privatekey", "jwt", "salt", "pepper", "cookie",
    "signature", "auth",
})
#: Words before ``key`` that make a camelCase name a credential (``apiKey``, ``a2aAllowedKey``).
KEY_QUALIFIERS = frozenset({
    "api", "secret", "private", "access", "signing", "encryption", "auth", "allowed", "service", "master",
    "client", "app", "shared", "hmac", "webhook", "license", "admin", "session", "jwt", "internal",
    "partner", "integration", "subscription", "crypto", "cipher", "aes", "rsa", "ssh", "deploy",
})
#: Words that, anywhere in a name, say the value is not a secret (``CLERK_PUBLISHABLE_KEY``).
NOT_SECRET_WORDS = frozenset({"public", "publishable", "pub"})
#: Last words that turn a secret-ish name into metadata (``TOKEN_TTL``, ``KEY_ID``, ``SECRET_NAME``).
METADATA_WORDS = frozenset({
    "id", "ids", "url", "uri", "urls", "endpoint", "host", "hosts", "path", "file", "dir", "name",
    "names", "ttl", "expiry", "expires", "expiration", "length", "len", "max", "min", "count",
    "limit", "prefix", "header", "type", "version", "model", "tokens", "size", "timeout", "age",
    "enabled", "required", "field", "param", "env", "store", "location", "region", "algorithm",
    "alg", "issuer", "audience", "format", "mode", "source", "provider", "placeholder", "label",
})


@lru_cache(maxsize=8192)
def is_secret_name(name: str, extra: frozenset[str] = frozenset()) -> bool:
    """True for names that hold credentials: ``SERVICE_TOKEN``, ``a2aAllowedKey``, ``DB_PASSWORD``.

    Judged on the last word, so ``MAX_AGENT_TOKENS``, ``TOKEN_TTL`` and ``KEY_ID`` are not secrets,
    and ``DSN``-style URLs only when their last word says so. ``pass`` only counts as the last
    word of a multi-word name (``DB_PASS``), ``auth``/``cookie``/``dsn`` never alone.
    ``extra`` holds the user's ``secret-name-patterns``: a glob (``*_SEED``) matches the whole
    name, case-insensitively; anything else is words the name must end with (``pin`` makes
    ``CARD_PIN`` and ``adminPin`` secret, not ``PIN_LENGTH``).
    """
    ws = words(name)
    if not ws or any(w in NOT_SECRET_WORDS for w in ws):
        return False
    if extra and _extra_secret(name, ws, extra):
        return True
    last = ws[-1]
    if last in METADATA_WORDS:
        return False
    if last in {"auth", "cookie", "dsn", "signature"}:
        return False
    if last == "pass":
        return len(ws) > 1
    if last == "key":
        # ``groupKey``, ``sortKey``, ``key``: keys of maps and keyboards, not credentials. An
        # env-style name (``A2A_ALLOWED_KEY``) or a qualifier (``apiKey``, ``a2aAllowedKey``) is.
        return len(ws) > 1 and (name.isupper() or ws[-2] in KEY_QUALIFIERS)
    if last in SECRET_WORDS:
        return True
    if len(ws) >= 2 and ws[-2] in {"private", "api", "access", "secret", "signing", "encryption"} \
            and last in {"key", "value"}:
        return True
    return False


def _extra_secret(name: str, ws: tuple[str, ...], extra: frozenset[str]) -> bool:
    for pattern in extra:
        if any(c in pattern for c in "*?["):
            if fnmatchcase(name.upper(), pattern.upper()):
                return True
        else:
            tail = words(pattern)
            if tail and ws[-len(tail):] == tail:
                return True
    return False


_PLACEHOLDER = re.compile(
    r"^(?:|<[^>]*>|\$\{[^}]*\}|\{\{[^}]*\}\}|x+|\*+|\.+|-+|_+|#+|null|none|nil|undefined|false|true|0|"
    r"todo|tbd|fixme|replace[-_ ]?me|change[-_ ]?this|your[-_ ].*|my[-_ ].*|<.*|\[.*\]|"
    r"(?:sk|pk|ghp|xox[bp])[-_](?:x+|\.\.\.|\*+))$",
    re.IGNORECASE,
)


_PLACEHOLDER_WORDS = frozenset({"dummy", "placeholder", "example", "fake", "notset", "unset", "redacted",
                                "replace", "sample"})


def is_placeholder(value: str) -> bool:
    """Values that are obviously not a usable credential: empty, ``<your-token>``, ``xxx``, ``${X}``,
    ``dummyClientSecret``. ``changeme`` is *not* a placeholder: it is a password people deploy."""
    v = value.strip().strip("'\"")
    if bool(_PLACEHOLDER.match(v)) or v.lower().startswith(("your", "insert", "enter ", "put ")):
        return True
    return bool(set(words(v)) & _PLACEHOLDER_WORDS)


def mask(secret: str) -> str:
    """Show at most the first two characters of a secret: ``dev-a2a-key`` gives ``de*****``."""
    if len(secret) <= 4:
        return "*****"
    return secret[:2] + "*****"


_TOKEN_PREFIX = re.compile(r"^(?:[sprw]k_(?:live|test)_|gh[pousr]_|github_pat_|glpat-|xox[abprs]-|AKIA[0-9A-Z]{12})")


def looks_like_token(text: str) -> bool:
    """True for a string shaped like a generated credential rather than a name: a known token
    prefix (``sk_live_``, ``ghp_``, ``xoxb-``, ``AKIA…``) in 20+ characters, or a run of 20+
    letters and digits (no ``_``, ``-`` or ``.`` between words) mixing upper case, lower case
    and digits. Used where a value may have landed in a name's place (a pasted key on its own
    line in a ``.env`` file), so that it is never reported as a name.
    ``NEXT_PUBLIC_firebaseAppId2024`` and ``npm_config_cache_folder`` are names."""
    if _TOKEN_PREFIX.match(text) and len(text) >= 20:
        return True
    return any(len(run) >= 20 and any(c.islower() for c in run) and any(c.isupper() for c in run)
               and sum(c.isdigit() for c in run) >= 2 for run in _WORD_RUNS.split(text))


_WORD_RUNS = re.compile(r"[_.\-]+")


_URL_PASSWORD = re.compile(r"^[a-z][a-z0-9+.-]*://([^:/@\s]*):([^@/\s]+)@", re.IGNORECASE)


def url_password(text: str) -> str | None:
    """The password embedded in a connection string (``postgres://u:p@h/db`` gives ``p``), or None."""
    m = _URL_PASSWORD.match(text.strip())
    if not m:
        return None
    pw = m.group(2)
    return None if is_placeholder(pw) or pw.startswith("$") else pw


# --------------------------------------------------------------------------- environments

PRODUCTION_NAMES = frozenset({"production", "prod", "prd", "live"})
NONPRODUCTION_NAMES = frozenset({
    "development", "dev", "local", "test", "testing", "staging", "stage", "demo", "preview",
    "sandbox", "qa", "ci", "e2e",
})
ENVIRONMENT_NAMES = PRODUCTION_NAMES | NONPRODUCTION_NAMES

#: Variables whose value is an environment name.
ENV_NAME_VARIABLES = frozenset({
    "NODE_ENV", "APP_ENV", "ENV", "ENVIRONMENT", "RAILS_ENV", "RACK_ENV", "FLASK_ENV",
    "DJANGO_ENV", "PYTHON_ENV", "DEPLOY_ENV", "DEPLOYMENT_ENV", "STAGE", "APP_STAGE",
    "VERCEL_ENV", "RUNTIME_ENV", "APP_ENVIRONMENT", "ENVIRONMENT_NAME", "MODE", "APP_MODE",
})
#: Variables that are debug switches.
DEBUG_VARIABLES = frozenset({"DEBUG", "FLASK_DEBUG", "DJANGO_DEBUG", "APP_DEBUG"})


def is_env_name_variable(name: str) -> bool:
    """``NODE_ENV``, ``GROWQR_ENV``, ``APP_ENVIRONMENT``: variables that hold an environment name."""
    upper = name.upper()
    return upper in ENV_NAME_VARIABLES or upper.endswith(("_ENV", "_ENVIRONMENT", "_STAGE"))


def is_debug_variable(name: str) -> bool:
    upper = name.upper()
    return upper in DEBUG_VARIABLES or upper.endswith("_DEBUG")


def environment_of(value: str) -> str | None:
    """``"production"`` for production names, ``"nonproduction"`` for the others, None otherwise."""
    v = value.strip().lower()
    if v in PRODUCTION_NAMES:
        return "production"
    if v in NONPRODUCTION_NAMES:
        return "nonproduction"
    return None


_FLAG_PREFIXES = frozenset({"is", "in", "on", "running"})
_FLAG_SUFFIXES = frozenset({"env", "environment", "mode", "build", "stage", "server"})


#: Environment words that also name ordinary things: a link *preview*, a *demo* connector, a *live*
#: stream, a *local* file, a payment *sandbox*, a *test* email. A flag built on one of them
#: (``isPreview``, ``is_local``) is only an environment flag when it comes from the environment
#: or from configuration, not by its name alone (``ambiguous_flag``).
AMBIGUOUS_FLAG_WORDS = frozenset({"preview", "demo", "live", "local", "sandbox", "mock", "test", "testing"})


@lru_cache(maxsize=8192)
def ambiguous_flag(name: str) -> bool:
    """True for a flag whose environment word is also an ordinary word: ``isPreview``,
    ``is_local``, ``isDemo``, ``mockServer``; not ``isProduction``, ``DEBUG``, ``IS_STAGING``,
    ``isLocalEnv`` or ``demoMode`` (the name says environment), and not ``IS_PREVIEW``: a
    constant's name in capitals is how code spells an env switch."""
    if flag_meaning(name) is None or name.strip("_").isupper():
        return False
    ws = list(words(name))
    if ws[-1] in _ENVIRONMENT_SUFFIXES:
        return False  # isLocalEnv, previewMode: the name says environment itself
    while len(ws) > 1 and ws[-1] in _FLAG_SUFFIXES:
        ws.pop()
    return ws[-1] in AMBIGUOUS_FLAG_WORDS


_ENVIRONMENT_SUFFIXES = frozenset({"env", "environment", "mode", "build", "stage"})

#: Words of an object's name that make it configuration: ``config``, ``EnvSet``, ``appSettings``,
#: ``useAppConfig()``, ``featureFlags``.
CONFIG_OBJECT_WORDS = frozenset({"config", "configuration", "settings", "env", "environment", "cfg", "conf",
                                 "flags", "features"})


def is_config_object(name: str) -> bool:
    """``config``, ``EnvSet``, ``useAppConfig``: a name whose words say it holds configuration."""
    return bool(CONFIG_OBJECT_WORDS.intersection(words(name)))


@lru_cache(maxsize=8192)
def flag_meaning(name: str) -> str | None:
    """What a boolean flag's *truth* means: ``isProd`` gives production, ``isDev``/``DEBUG`` not.

    The environment word must be what the flag is about: ``isProduction``, ``isLocalDevelopment``,
    ``IS_PROD``, ``devMode``, ``__DEV__``; not ``isLocalSynced`` or ``useTestEmailService``. A
    single lower-case word (``test``, ``preview``) is a local variable, not a flag.
    """
    ws = list(words(name))
    if not ws:
        return None
    if len(ws) == 1 and not name.strip("_").isupper():
        return None
    while len(ws) > 1 and ws[-1] in _FLAG_SUFFIXES:
        ws.pop()
    if len(ws) > 1 and ws[0] not in _FLAG_PREFIXES and len(words(name)) == len(ws):
        return None
    last = ws[-1]
    if last in PRODUCTION_NAMES:
        return "production"
    if last in NONPRODUCTION_NAMES or last in {"debug", "mock", "debugging"}:
        return "nonproduction"
    return None


def ref_flag(ref: str) -> str:
    """The flag name a dotted reference stands for: ``environment.production`` reads as
    ``is_production`` (Angular's build flag), ``config.isProd`` as ``isProd``."""
    parts = [p for p in ref.replace("()", "").split(".") if p]
    leaf = parts[-1] if parts else ref
    if len(parts) >= 2 and leaf.lower() in ENVIRONMENT_NAMES and \
            set(words(parts[-2])) & {"env", "environment", "environments", "config", "settings"}:
        return f"is_{leaf}"
    return leaf


@lru_cache(maxsize=8192)
def is_environment_subject(name: str) -> bool:
    """Identifiers and properties that hold an environment name or flag: ``nodeEnv``, ``isProd``."""
    ws = words(name)
    if not ws:
        return False
    if ws[-1] in {"env", "environment", "stage"}:
        return True
    return flag_meaning(name) is not None


def nonproduction_arm(op: str, value: str | None, flag: str | None = None) -> str | None:
    """Which arm of a branch runs outside production: ``"then"``, ``"else"`` or None (unknown).

    ``NODE_ENV !== "production"`` runs *then* outside production; ``NODE_ENV === "development"``
    does too; ``isProd`` (truthy) runs *else*; ``DEBUG`` (truthy) runs *then*.
    """
    if op in {"==", "!="}:
        meaning = environment_of(value or "")
        if meaning is None:
            return None
        positive = op == "=="
        prod = meaning == "production"
        return "else" if positive == prod else "then"
    if op in {"truthy", "falsy"} and flag:
        meaning = flag_meaning(flag)
        if meaning is None and is_debug_variable(flag):
            meaning = "nonproduction"
        if meaning is None:
            return None
        positive = op == "truthy"
        prod = meaning == "production"
        return "else" if positive == prod else "then"
    return None


# --------------------------------------------------------------------------- images

MUTABLE_TAGS = frozenset({"latest", "stable", "current", "lts"})
DEV_TAGS = frozenset({
    "dev", "develop", "development", "local", "edge", "nightly", "test", "testing", "snapshot",
    "canary", "unstable", "beta", "alpha", "rc", "main", "master", "experimental", "preview",
})
_DEV_TAG_SUFFIX = re.compile(r"[-_.](?:dev|snapshot|nightly|local|edge)$", re.IGNORECASE)

_IMAGE = re.compile(
    r"^(?P<name>(?:(?:[a-zA-Z0-9.-]+(?::\d+)?)/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*"
    r"(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*)"
    r"(?::(?P<tag>[\w][\w.-]{0,127}))?(?:@(?P<digest>[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}))?$"
)


#: File extensions of pictures and static files: ``IMAGE = "assets/og/dashboard.png"`` names a
#: picture, not a container image.
_PICTURE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".avif", ".ico", ".bmp", ".tif", ".tiff",
                     ".html", ".css", ".js", ".json", ".txt", ".pdf")


def parse_image(ref: str) -> tuple[str, str | None, str | None] | None:
    """Split ``registry/name:tag@digest`` into (name, tag, digest); None when it is not a reference
    (a picture's path such as ``assets/og/dashboard.png`` is not one)."""
    ref = ref.strip()
    if ref.lower().endswith(_PICTURE_SUFFIXES):
        return None
    m = _IMAGE.match(ref)
    if not m:
        return None
    return m.group("name"), m.group("tag"), m.group("digest")


def tag_hazard(tag: str | None, digest: str | None) -> str | None:
    """``"latest"``, ``"untagged"``, ``"mutable"``, ``"dev"`` or None for a pinned or versioned tag."""
    if digest:
        return None
    if tag is None:
        return "untagged"
    low = tag.lower()
    if low == "latest":
        return "latest"
    if low in MUTABLE_TAGS:
        return "mutable"
    if low in DEV_TAGS or _DEV_TAG_SUFFIX.search(low):
        return "dev"
    return None


def is_image_name(name: str) -> bool:
    """A variable or key that holds an image reference: ``OPENCODE_IMAGE``, ``baseImage``."""
    ws = words(name)
    return bool(ws) and ws[-1] in {"image", "img"}
