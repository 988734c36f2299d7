"""Static evaluation of Python expressions for the Python frontend.

Owns the questions asked of one libcst expression: which literal it spells (``Model.literal``),
which dotted name (``dotted``), what it means through the file's imports (``Model.qualify``),
which environment variable it reads and with which fallback (``Model.env_read``), and which
variable (or derived flag) a name or settings attribute holds (``Model.binding``). ``Model``
keeps the file's tables (imports, constants, config objects, settings classes, bindings) that the
visitor fills. Imported only after a file passed the pre-filter, so libcst loads lazily.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field, replace

import libcst as cst

from .. import lexicon

#: Qualified names of the readers of ``os.environ``.
GETENV = frozenset({"os.getenv", "os.environ.get", "os.environ.setdefault", "posix.getenv"})
ENVIRON = frozenset({"os.environ", "posix.environ"})
DECOUPLE_CALLABLES = frozenset({"decouple.config"})
DJ_DATABASE_URL = frozenset({"dj_database_url.config", "dj_database_url.db_url_config"})
DECOUPLE_FACTORIES = frozenset({"decouple.AutoConfig", "decouple.Config"})
DJANGO_ENV_FACTORIES = frozenset({"environ.Env", "environ.FileAwareEnv", "environ.environ.Env"})
BASE_SETTINGS = frozenset({
    "pydantic_settings.BaseSettings", "pydantic_settings.main.BaseSettings",
    "pydantic.BaseSettings", "pydantic.v1.BaseSettings", "pydantic.env_settings.BaseSettings",
})
#: django-environ methods that read a variable: method -> the variable read when none is given.
DJANGO_ENV_METHODS: dict[str, str | None] = {
    "str": None, "bool": None, "int": None, "float": None, "list": None, "tuple": None,
    "dict": None, "json": None, "url": None, "path": None, "bytes": None, "parse_value": None,
    "db": "DATABASE_URL", "db_url": "DATABASE_URL", "cache": "CACHE_URL", "cache_url": "CACHE_URL",
    "email": "EMAIL_URL", "email_url": "EMAIL_URL", "search_url": "SEARCH_URL",
    "channels": "CHANNELS_URL", "channels_url": "CHANNELS_URL", "get_value": None,
}
#: String methods that keep a value's meaning (``os.getenv("ENV", "").lower()``).
TRANSPARENT_METHODS = frozenset({"lower", "upper", "strip", "lstrip", "rstrip", "casefold", "title"})
TRUE_WORDS = frozenset({"1", "true", "yes", "on", "y", "t"})
FALSE_WORDS = frozenset({"0", "false", "no", "off", "n", "f", ""})
EXCEPTION_NAMES = frozenset({"e", "ex", "exc", "err", "error", "exception"})


@dataclass(frozen=True, slots=True)
class Read:
    """One env read as the code spells it: variable, literal fallback, API, whether it is required."""

    name: str
    default: str | None  # literal fallback; None when there is none or it is not a literal
    via: str
    required: bool = False
    default_node: cst.CSTNode | None = None  # the expression giving the fallback, when any
    fallback: str | None = None  # another variable read when this one is unset


def chained(model: "Model", read: Read) -> Read:
    """``os.getenv("A", os.getenv("B", "d"))``: A falls back to B and shares B's default."""
    inner = model.env_read(read.default_node) if read.default_node is not None else None
    if inner is None:
        return read
    return replace(read, default=inner.default, fallback=inner.name)


@dataclass(frozen=True, slots=True)
class Binding:
    """What a name or attribute holds: a variable's value, or a test on it (a derived flag)."""

    var: str
    default: str | None
    op: str | None = None  # "==" / "!=" for derived flags; None for the value itself
    value: str | None = None
    raw: bool = True  # the variable's string as read, not converted (a truthiness test is presence)

    def negated(self) -> "Binding | None":
        if self.op == "==":
            return replace(self, op="!=")
        if self.op == "!=":
            return replace(self, op="==")
        return None


@dataclass
class SettingsClass:
    """A pydantic-settings class: attribute -> binding (fields and derived properties)."""

    name: str
    prefix: str = ""  # env_prefix
    case_sensitive: bool = False
    attributes: dict[str, Binding] = field(default_factory=dict)  # fields and derived properties
    fields: set[str] = field(default_factory=set)  # the attributes that are fields
    aliases: dict[str, list[str]] = field(default_factory=dict)  # field -> variables named for it
    nodes: dict[str, cst.CSTNode] = field(default_factory=dict)  # attribute -> where it is declared


def dotted(node: cst.CSTNode | None) -> str | None:
    """``a.b.c`` for names and attributes, ``f()`` for argument-less calls, ``x.KEY`` for ``x["KEY"]``."""
    parts: list[str] = []
    while True:
        if isinstance(node, cst.Name):
            parts.append(node.value)
            return ".".join(reversed(parts))
        if isinstance(node, cst.Attribute):
            parts.append(node.attr.value)
            node = node.value
        elif isinstance(node, cst.Call) and not node.args:
            inner = dotted(node.func)
            if inner is None:
                return None
            parts.append(inner + "()")
            return ".".join(reversed(parts))
        elif isinstance(node, cst.Subscript) and len(node.slice) == 1 \
                and isinstance(node.slice[0].slice, cst.Index):
            key = string_value(node.slice[0].slice.value)
            if key is None or not key.replace("_", "").replace("-", "").isalnum():
                return None
            parts.append(key)
            node = node.value
        else:
            return None


def last_name(node: cst.CSTNode | None) -> str | None:
    """The last component of a dotted expression: ``request.headers["X-Token"]`` gives ``X-Token``."""
    text = dotted(node)
    if text is None and isinstance(node, cst.Call):
        text = dotted(node.func)
    return text.rsplit(".", 1)[-1].removesuffix("()") if text else None


def string_value(node: cst.CSTNode | None) -> str | None:
    """The value of a string literal (plain, concatenated, or an f-string without fields); else None."""
    if isinstance(node, cst.SimpleString):
        prefix = node.prefix.lower()
        if "b" in prefix:
            return None
        raw = node.value
        quote = 3 if raw[len(prefix):len(prefix) + 3] in ('"""', "'''") else 1
        body = raw[len(prefix) + quote:len(raw) - quote]
        if "\\" not in body or "r" in prefix:
            return body  # no escapes: the text is the value (evaluated_value costs a compile())
        try:
            value = node.evaluated_value
        except Exception:  # noqa: BLE001 - malformed escapes libcst accepted
            return None
        return value if isinstance(value, str) else None
    if isinstance(node, cst.ConcatenatedString):
        left, right = string_value(node.left), string_value(node.right)
        return None if left is None or right is None else left + right
    if isinstance(node, cst.FormattedString):
        if not all(isinstance(p, cst.FormattedStringText) for p in node.parts):
            return None
        text = "".join(p.value for p in node.parts)
        prefix = node.prefix.lower().replace("f", "")
        try:
            value = ast.literal_eval(prefix + node.start[len(node.prefix):] + text + node.end)
        except (SyntaxError, ValueError):
            return None
        return value.replace("{{", "{").replace("}}", "}") if isinstance(value, str) else None
    return None


def is_string(node: cst.CSTNode | None) -> bool:
    return isinstance(node, (cst.SimpleString, cst.ConcatenatedString, cst.FormattedString))


def is_true(node: cst.CSTNode | None) -> bool:
    return isinstance(node, cst.Name) and node.value == "True"


def is_false(node: cst.CSTNode | None) -> bool:
    return isinstance(node, cst.Name) and node.value == "False"


def positional(call: cst.Call, index: int) -> cst.BaseExpression | None:
    """The ``index``-th positional argument of a call, or None (stops at ``*args``)."""
    i = 0
    for arg in call.args:
        if arg.keyword is not None or arg.star:
            if arg.star:
                return None
            continue
        if i == index:
            return arg.value
        i += 1
    return None


def keyword(call: cst.Call, name: str) -> cst.BaseExpression | None:
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value == name:
            return arg.value
    return None


def argument(call: cst.Call, index: int, name: str) -> cst.BaseExpression | None:
    """An argument given by position or by keyword."""
    found = keyword(call, name)
    return found if found is not None else positional(call, index)


def strings_of(node: cst.CSTNode | None) -> list[str]:
    """The string elements of a tuple/list/set literal, or of a single string."""
    if isinstance(node, (cst.Tuple, cst.List, cst.Set)):
        out = []
        for el in node.elements:
            value = string_value(el.value) if isinstance(el, cst.Element) else None
            if value is None:
                return []
            out.append(value)
        return out
    value = string_value(node)
    return [value] if value is not None else []


def pick_value(values: list[str]) -> str | None:
    """Of several compared literals, the one that says most about environments (production first)."""
    for v in values:
        if lexicon.environment_of(v) == "production":
            return v
    for v in values:
        if lexicon.environment_of(v) is not None:
            return v
    return values[0] if values else None


def comparison_op(operator: cst.BaseCompOp) -> str | None:
    if isinstance(operator, (cst.Equal, cst.In, cst.Is)):
        return "=="
    if isinstance(operator, (cst.NotEqual, cst.NotIn, cst.IsNot)):
        return "!="
    return None


class Model:
    """The file's tables, filled in statement order by the visitor; answers questions on expressions."""

    def __init__(self, module_path: str) -> None:
        self.module_path = module_path  # dotted module of the file, for relative imports
        self.imports: dict[str, str] = {}  # local name -> qualified name ("os.environ")
        self.constants: dict[str, str | None] = {}  # module constant -> literal (None: the None literal)
        self.string_constants: set[str] = set()  # the constants whose literal is a string
        self.django_envs: dict[str, dict[str, str | None]] = {}  # env object -> scheme defaults
        self.decouple: set[str] = set()  # local callables that are decouple configs
        self.enums: dict[str, dict[str, str]] = {}  # in-file Enum classes: member -> string value
        #: in-file helpers that read the env: name -> (name index, name keyword, default index,
        #: default keyword, API of the read inside)
        self.helpers: dict[str, tuple[int, str, int | None, str | None, str]] = {}
        self.classes: dict[str, SettingsClass] = {}  # settings classes by name
        self.instances: dict[str, SettingsClass] = {}  # module names (and "f()") holding settings
        self.bindings: dict[str, Binding] = {}  # module-level names holding a variable
        self.scopes: list[dict[str, Binding | None]] = []  # function locals (None: not a variable)
        self.others: list[set[str]] = []  # function locals assigned something else than a variable
        self.aliases: list[dict[str, str]] = []  # function-local names -> ref prefix (params)

    # ------------------------------------------------------------------ imports

    def add_import(self, node: cst.Import | cst.ImportFrom) -> list[tuple[str, str]]:
        """Record an import; returns (local name, module file) pairs for ``FileFacts.imports``:
        the root-relative path, without suffix, of the module the name comes from."""
        added: list[tuple[str, str]] = []
        modules: list[str] = []
        if isinstance(node, cst.Import):
            for alias in node.names:
                full = dotted(alias.name)
                if full is None:
                    continue
                if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                    added.append((alias.asname.name.value, full))
                    modules.append(full)
                else:
                    head = full.split(".", 1)[0]
                    added.append((head, head))
                    modules.append(head)
        else:
            module = dotted(node.module) if node.module is not None else ""
            if module is None:
                return added
            if node.relative:
                base = self.module_path.split(".")
                base = base[: max(0, len(base) - len(node.relative))]
                module = ".".join([*base, module] if module else base)
            if isinstance(node.names, cst.ImportStar):
                return added
            for alias in node.names:
                name = dotted(alias.name)
                if name is None:
                    continue
                local = alias.asname.name.value if alias.asname is not None and isinstance(
                    alias.asname.name, cst.Name) else name
                added.append((local, f"{module}.{name}" if module else name))
                modules.append(module or name)
        for local, full in added:
            self.imports[local] = full
        return [(local, self.module_file(module)) for (local, _), module in zip(added, modules)]

    def module_file(self, module: str) -> str:
        """``app.config`` imported from ``services/api/app/main.py`` is ``services/api/app/config``:
        the package is looked for among the importing file's directories (a source root)."""
        parts = module.split(".")
        here = self.module_path.split(".")[:-1]
        if parts[0] in here:
            here = here[: here.index(parts[0])]
            if self.module_path.startswith(".".join(here + parts[:1])):
                return "/".join(here + parts)
        return "/".join(parts)

    def qualify(self, node: cst.CSTNode | None) -> str | None:
        """The dotted name with its first component replaced by what it was imported as."""
        text = dotted(node)
        if text is None:
            return None
        head, _, rest = text.partition(".")
        full = self.imports.get(head)
        if full is None or self._shadowed(head):
            return text
        return f"{full}.{rest}" if rest else full

    def _shadowed(self, name: str) -> bool:
        return any(name in scope for scope in self.scopes)

    # ------------------------------------------------------------------ literals

    def literal(self, node: cst.CSTNode | None) -> str | None:
        """A literal's source-level value: strings by value, numbers and booleans by their text,
        module constants by their literal. None for ``None`` and for anything not literal."""
        text = string_value(node)
        if text is not None:
            return text
        if isinstance(node, (cst.Integer, cst.Float, cst.Imaginary)):
            return node.value
        if isinstance(node, cst.UnaryOperation) and isinstance(node.operator, cst.Minus) \
                and isinstance(node.expression, (cst.Integer, cst.Float)):
            return "-" + node.expression.value
        if isinstance(node, cst.Name):
            if node.value in {"True", "False"}:
                return node.value
            if node.value in self.constants and not self._shadowed(node.value):
                return self.constants[node.value]
        if isinstance(node, cst.Attribute) and isinstance(node.value, cst.Name):
            members = self.enums.get(node.value.value)
            if members is not None and node.attr.value in members:
                return members[node.attr.value]  # Environment.development
        if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Add):
            left, right = self.literal(node.left), self.literal(node.right)
            if left is not None and right is not None and is_string_like(node.left, self) \
                    and is_string_like(node.right, self):
                return left + right
        return None

    def compared_values(self, node: cst.CSTNode | None) -> list[str]:
        """The literals a subject is compared with: ``"prod"``, ``("dev", "local")``, and members of
        an environment enum (``Environment.development``, ``{Env.sandbox, Env.test}``)."""
        values = strings_of(node)
        if values:
            return values
        items = [el.value for el in node.elements if isinstance(el, cst.Element)] \
            if isinstance(node, (cst.Tuple, cst.List, cst.Set)) else [node]
        out = []
        for item in items:
            value = self._enum_value(item)
            if value is None:
                return []
            out.append(value)
        return out

    def _enum_value(self, node: cst.CSTNode | None) -> str | None:
        if not isinstance(node, cst.Attribute):
            return None
        known = self.literal(node)
        if known is not None:
            return known
        owner = last_name(node.value) or ""
        member = node.attr.value
        if set(lexicon.words(owner)) & {"env", "environment", "environments", "stage", "tier"} \
                and lexicon.environment_of(member) is not None:
            return member.lower()
        return None

    def is_literal(self, node: cst.CSTNode | None) -> bool:
        """True when ``node`` is a literal (None included), so a fallback exists but may be None."""
        if isinstance(node, cst.Name) and node.value == "None":
            return True
        return self.literal(node) is not None

    # ------------------------------------------------------------------ env reads

    def read_shape(self, node: cst.CSTNode) -> tuple[cst.BaseExpression | None, str] | None:
        """(name expression, API) of an ``os.environ``/``os.getenv``/decouple read, literal or not."""
        if isinstance(node, cst.Subscript):
            if len(node.slice) == 1 and isinstance(node.slice[0].slice, cst.Index) \
                    and self.qualify(node.value) in ENVIRON:
                return node.slice[0].slice.value, "os.environ"
            return None
        if not isinstance(node, cst.Call):
            return None
        func = self.qualify(node.func)
        if func in GETENV:
            return argument(node, 0, "key"), "os.getenv" if func.endswith("getenv") else "os.environ"
        if func in DECOUPLE_CALLABLES:
            return argument(node, 0, "option"), "decouple"
        return None

    def add_helper(self, node: cst.FunctionDef, reads: list[cst.CSTNode]) -> None:
        """``def env_bool(name, default=False): return os.getenv(name) …`` reads the env for its callers."""
        params = [p.name.value for p in [*node.params.posonly_params, *node.params.params]]
        for read in reads:
            shape = self.read_shape(read)
            if shape is None or not isinstance(shape[0], cst.Name) or shape[0].value not in params:
                continue
            name_index = params.index(shape[0].value)
            default = next((p for p in params if "default" in p.lower()), None)
            if default is None and len(params) == name_index + 2:
                fallback = argument(read, 1, "default") if isinstance(read, cst.Call) else None
                if isinstance(fallback, cst.Name) and fallback.value == params[name_index + 1]:
                    default = fallback.value
            self.helpers[node.name.value] = (name_index, shape[0].value,
                                             params.index(default) if default else None, default, shape[1])
            return

    def env_read(self, node: cst.CSTNode) -> Read | None:
        """The env read ``node`` performs itself (not through wrappers), or None."""
        if isinstance(node, cst.Call) and isinstance(node.func, cst.Name) and node.func.value in self.helpers \
                and not self._shadowed(node.func.value):
            name_index, name_kw, default_index, default_kw, via = self.helpers[node.func.value]
            name = self.literal(argument(node, name_index, name_kw))
            if not name:
                return None
            fallback = argument(node, default_index, default_kw or "") if default_index is not None else None
            return Read(name, self.literal(fallback), via, default_node=fallback)
        if isinstance(node, cst.Subscript):
            if len(node.slice) != 1 or not isinstance(node.slice[0].slice, cst.Index):
                return None
            if self.qualify(node.value) not in ENVIRON:
                return None
            name = self.literal(node.slice[0].slice.value)
            return Read(name, None, "os.environ", required=True) if name else None
        if not isinstance(node, cst.Call):
            return None
        func = self.qualify(node.func)
        if func is None:
            return None
        if func in GETENV:
            name = self.literal(argument(node, 0, "key"))
            if not name:
                return None
            fallback = argument(node, 1, "default")
            via = "os.getenv" if func.endswith("getenv") else "os.environ"
            return chained(self, Read(name, self.literal(fallback), via, default_node=fallback))
        if func in DECOUPLE_CALLABLES or (isinstance(node.func, cst.Name) and node.func.value in self.decouple):
            name = self.literal(argument(node, 0, "option"))
            if not name:
                return None
            fallback = argument(node, 1, "default")
            return Read(name, self.literal(fallback), "decouple", required=fallback is None,
                        default_node=fallback)
        if func in DJ_DATABASE_URL:  # dj_database_url.config(env="DATABASE_URL", default="postgres://…")
            given = keyword(node, "env")
            name = "DATABASE_URL" if given is None or dotted(given) and dotted(given).endswith("DEFAULT_ENV") \
                else self.literal(given)
            if not name:
                return None
            fallback = keyword(node, "default")
            return Read(name, self.literal(fallback), "dj-database-url", default_node=fallback)
        head = node.func
        if isinstance(head, cst.Name) and head.value in self.django_envs:
            return self._django_read(node, self.django_envs[head.value], None, 2)
        if isinstance(head, cst.Attribute) and isinstance(head.value, cst.Name) \
                and head.value.value in self.django_envs and head.attr.value in DJANGO_ENV_METHODS:
            method = head.attr.value
            index = 2 if method == "get_value" else 1
            return self._django_read(node, self.django_envs[head.value.value],
                                     DJANGO_ENV_METHODS[method], index)
        return None

    def _django_read(self, call: cst.Call, scheme: dict[str, str | None], implied: str | None,
                     default_index: int) -> Read | None:
        name = self.literal(argument(call, 0, "var")) or implied
        if not name:
            return None
        fallback = argument(call, default_index, "default")
        if fallback is not None:
            return Read(name, self.literal(fallback), "django-environ", default_node=fallback)
        if name in scheme:
            return Read(name, scheme[name], "django-environ")
        return Read(name, None, "django-environ", required=True)

    def django_scheme(self, call: cst.Call) -> dict[str, str | None]:
        """``environ.Env(DEBUG=(bool, False))`` gives ``{"DEBUG": "False"}``."""
        scheme: dict[str, str | None] = {}
        for arg in call.args:
            if arg.keyword is None:
                continue
            value = arg.value
            if isinstance(value, cst.Tuple) and len(value.elements) >= 2:
                scheme[arg.keyword.value] = self.literal(value.elements[1].value)
        return scheme

    # ------------------------------------------------------------------ bindings

    def binding(self, node: cst.CSTNode | None, depth: int = 0) -> Binding | None:
        """The variable (or test on one) an expression holds, through wrappers, names and settings."""
        if node is None or depth > 12:
            return None
        read = self.env_read(node)
        if read is not None:
            raw = read.via in {"os.getenv", "os.environ", "decouple"} or read.via == "django-environ" \
                and isinstance(getattr(node, "func", None), cst.Name)
            return Binding(read.name, read.default, raw=raw)
        if isinstance(node, cst.BooleanOperation) and isinstance(node.operator, cst.Or):
            left = self.binding(node.left, depth + 1)
            if left is not None and left.op is None and left.default in (None, ""):
                right = self.literal(node.right)
                if right is not None:
                    return replace(left, default=right)
            return left if left is not None and left.op is None else None
        if isinstance(node, cst.Call):
            func = node.func
            if isinstance(func, cst.Attribute) and func.attr.value in TRANSPARENT_METHODS:
                return self.binding(func.value, depth + 1)
            args = [a for a in node.args if a.keyword is None]
            if len(args) == 1 and not args[0].star:
                inner = self.binding(args[0].value, depth + 1)
                if inner is not None:
                    return replace(inner, raw=False)
            ref = self.settings_attribute(node)
            return ref
        if isinstance(node, cst.Comparison) and len(node.comparisons) == 1:
            return self._derived(node, depth)
        if isinstance(node, cst.UnaryOperation) and isinstance(node.operator, cst.Not):
            inner = self.binding(node.expression, depth + 1)
            return inner.negated() if inner is not None else None
        if isinstance(node, cst.Name):
            return self.name_binding(node.value)
        if isinstance(node, cst.Attribute):
            return self.settings_attribute(node)
        return None

    def _derived(self, node: cst.Comparison, depth: int) -> Binding | None:
        target = node.comparisons[0]
        op = comparison_op(target.operator)
        if op is None:
            return None
        subject, other = node.left, target.comparator
        values = self.compared_values(other) or ([v] if (v := self.literal(other)) is not None else [])
        if not values:
            subject, other = target.comparator, node.left
            values = self.compared_values(other)
            if not values:
                return None
        base = self.binding(subject, depth + 1)
        if base is None or base.op is not None:
            return None
        lowered = {v.lower() for v in values}
        if lowered <= TRUE_WORDS - {""}:
            return replace(base, raw=False) if op == "==" else None
        return replace(base, op=op, value=pick_value(values), raw=False)

    def name_binding(self, name: str) -> Binding | None:
        for scope in reversed(self.scopes):
            if name in scope:
                return scope[name]
        return self.bindings.get(name)

    def settings_attribute(self, node: cst.CSTNode) -> Binding | None:
        """``settings.DEBUG``, ``get_settings().debug``, ``Settings().x``, ``settings.is_prod()``
        for settings defined here."""
        if isinstance(node, cst.Call) and not node.args and isinstance(node.func, cst.Attribute):
            node = node.func
        if not isinstance(node, cst.Attribute):
            return None
        owner = node.value
        cls: SettingsClass | None = None
        if isinstance(owner, cst.Name):
            for aliases in reversed(self.aliases):
                if owner.value in aliases:
                    return self._class_attribute(self.classes.get(aliases[owner.value]), node)
            if not self._shadowed(owner.value):
                cls = self.instances.get(owner.value)
        elif isinstance(owner, cst.Call) and not owner.args:
            callee = dotted(owner.func)
            if callee is not None:
                cls = self.instances.get(callee + "()") or self.classes.get(callee)
        return self._class_attribute(cls, node)

    @staticmethod
    def _class_attribute(cls: SettingsClass | None, node: cst.Attribute) -> Binding | None:
        return cls.attributes.get(node.attr.value) if cls is not None else None

    def ref(self, node: cst.CSTNode) -> str | None:
        """The dotted reference a resolver can follow across files, seen through this file's imports.

        ``from django.conf import settings`` keeps ``settings.DEBUG``; ``from app.config import
        ENVIRONMENT`` turns a bare ``ENVIRONMENT`` into ``config.ENVIRONMENT``; a parameter typed
        ``Settings`` turns ``s.debug`` into ``Settings.debug``; ``self.`` is dropped.
        """
        text = dotted(node)
        return self.ref_text(text) if text is not None else None

    def ref_text(self, text: str) -> str:
        """``ref`` for a dotted name given as text."""
        head, _, rest = text.partition(".")
        for aliases in reversed(self.aliases):
            if head in aliases:
                return f"{aliases[head]}.{rest}" if rest else aliases[head]
        full = self.imports.get(head)
        if full is None or self._shadowed(head):
            return text
        parts = full.split(".")
        if rest:
            return f"{parts[-1]}.{rest}"
        return ".".join(parts[-2:])


def is_string_like(node: cst.CSTNode, model: Model) -> bool:
    if is_string(node):
        return True
    if isinstance(node, cst.Name):
        return node.value in model.string_constants
    if isinstance(node, cst.BinaryOperation):
        return is_string_like(node.left, model) and is_string_like(node.right, model)
    return False
