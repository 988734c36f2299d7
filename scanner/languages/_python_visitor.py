"""The libcst visitor of the Python frontend: one pass over a parsed module, facts out.

``collect`` first reads the module's top-level statements in order (imports, constants, config
objects, pydantic-settings classes and their accessors, module-level bindings), then visits the
whole tree for env reads, environment branches, local-endpoint and credential-compare literals,
and image references. Facts are returned with the node they came from; ``python.py`` turns nodes
into spans only when there is something to report.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from typing import Any, Iterator

import libcst as cst

from .. import lexicon
from ..facts import ConfigBinding, ConfigUse, EnvBranch, EnvRead, ImageRef, Literal
from ._python_walk import Walker
from ._python_effects import Arm, accepts_credential, describe_arm, describe_arms, exits, is_log_call
from ._python_eval import (BASE_SETTINGS, DECOUPLE_FACTORIES, DJANGO_ENV_FACTORIES, ENVIRON,
                           FALSE_WORDS, TRANSPARENT_METHODS, TRUE_WORDS, Binding, Model,
                           SettingsClass, argument, comparison_op, dotted, is_string, keyword,
                           last_name, pick_value, positional, string_value, strings_of)

#: A pending fact: the node that gives its span, the fact type, and its other fields.
Pending = tuple[cst.CSTNode, type, dict[str, Any]]

BIND_KEYWORDS = frozenset({"host", "bind", "listen", "address", "addr", "bind_address",
                           "listen_address", "interface", "server_host"})
RUN_FUNCTIONS = frozenset({"run", "serve", "run_app", "run_simple", "listen", "create_server",
                           "start_server", "Config", "bind", "runserver", "run_server", "start"})
BIND_FLAGS = frozenset({"--host", "--bind", "-b", "--listen", "--address", "runserver", "--ip"})
FIELD_FUNCTIONS = frozenset({"Field", "pydantic.Field", "pydantic.fields.Field"})
PICTURE_SUFFIXES = frozenset({"png", "jpg", "jpeg", "gif", "svg", "webp", "ico", "bmp", "tif", "tiff",
                              "pdf", "avif", "heic"})
DOC_KEYWORDS = frozenset({"example", "examples", "description", "help", "title", "summary", "placeholder",
                          "help_text", "doc", "openapi_examples", "json_schema_extra"})
CONFIG_MODULES = frozenset({"config", "settings", "conf", "configuration", "env", "environment"})
SERVER_CALLS = frozenset({"make_server", "start_server", "create_server", "run_simple", "serve"})


@dataclass(frozen=True, slots=True)
class Cond:
    """One environment test inside a condition."""

    node: cst.CSTNode
    subject: str
    ref: str | None
    op: str
    value: str | None
    presence: bool = False

    def negated(self) -> "Cond":
        flip = {"==": "!=", "!=": "==", "truthy": "falsy", "falsy": "truthy"}
        return Cond(self.node, self.subject, self.ref, flip[self.op], self.value, self.presence)


def module_path(path: str) -> str:
    """``app/api/deps.py`` gives ``app.api.deps`` (``__init__`` kept, for relative imports)."""
    stem = path.rsplit(".", 1)[0] if path.endswith((".py", ".pyi")) else path
    return stem.replace("/", ".")


def module_owners(path: str) -> tuple[str, ...]:
    """Names other files reach this module's globals by: its own name, and ``settings`` for Django."""
    parts = path.split("/")
    stem = parts[-1].rsplit(".", 1)[0]
    if stem == "__init__" and len(parts) > 1:
        stem = parts[-2]
    owners = [stem]
    if stem != "settings" and (stem.startswith("settings") or "settings" in parts[:-1]):
        owners.append("settings")
    return tuple(owners)


def _settings_mixins(module: cst.Module) -> set[str]:
    """Top-level classes that a ``BaseSettings`` class of the module inherits from, however far up:
    ``class Settings(EditableSettings, BaseSettings)`` makes the fields of ``EditableSettings``
    and of its own bases settings fields (each read from the environment), though they are
    declared on ``BaseModel`` mixins. Judged by name (``…BaseSettings``) before imports are read."""
    classes = {stmt.name.value: stmt for stmt in module.body if isinstance(stmt, cst.ClassDef)}
    todo = [c for c in classes.values()
            if any((dotted(arg.value) or "").rsplit(".", 1)[-1] == "BaseSettings" for arg in c.bases)]
    mixins: set[str] = set()
    while todo:
        cls = todo.pop()
        for arg in cls.bases:
            name = dotted(arg.value) or ""
            if name in classes and name not in mixins:
                mixins.add(name)
                todo.append(classes[name])
    return mixins


def _is_env_subject(name: str) -> bool:
    return lexicon.is_env_name_variable(name) or lexicon.is_environment_subject(name) \
        or lexicon.is_debug_variable(name)


def _is_flag(name: str) -> bool:
    return lexicon.is_debug_variable(name) or lexicon.flag_meaning(name) is not None


def _bare_host(value: str) -> bool:
    """``localhost``, ``127.0.0.1``, ``[::1]``: a host with no scheme and no port."""
    if "://" in value:
        return False
    if ":" not in value:
        return True
    try:
        ipaddress.ip_address(value.strip("[]"))
    except ValueError:
        return False
    return True


def _credential_compare(target: str, value: str) -> bool:
    """``token == "dev-token"``, not ``value_key == "reference"`` (a dict key, not a credential)
    nor ``token == "No token found"`` (a message)."""
    if target.lower() in {"key", "pass"} or not lexicon.is_secret_name(target) or any(c.isspace() for c in value):
        return False
    words = lexicon.words(target)
    return not (words[-1] == "key" and value.replace("_", "").isalpha() and value.islower())


def _looks_like_image(value: str, alone: bool) -> bool:
    """An image reference rather than a picture file or a word: ``redis:7``, ``ghcr.io/o/app``.

    A bare word (``redis``) counts only when it is the whole value of an image-named target,
    never inside a list or dict.
    """
    if not value or len(value) > 255 or lexicon.parse_image(value) is None:
        return False
    if value.rsplit(".", 1)[-1].lower() in PICTURE_SUFFIXES:
        return False
    if any(c in value for c in ":/@"):
        return True
    return alone and "_" not in value  # `NOT_PRODUCTS_IMAGE = "not_products_image"` is an enum


def _is_config_owner(owner: str) -> bool:
    """``settings``, ``config``, ``get_settings()``, ``app_config``: objects that hold env values."""
    parts = owner.split(".")
    if len(parts) > 2 or len(parts) == 2 and parts[0] not in {"self", "cls", "app", "current_app"}:
        return False  # `site.settings` is a model, `self.settings` / `app.config` are config
    last = parts[-1].removesuffix("()").lower()
    return last in {"settings", "config", "conf", "cfg", "get_settings", "get_config", "app_config",
                    "app_settings"} or last.endswith("settings")


def _unwrap(node: cst.CSTNode) -> cst.CSTNode:
    """``x.lower().strip()`` gives ``x``."""
    while isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute) \
            and node.func.attr.value in TRANSPARENT_METHODS and not node.args:
        node = node.func.value
    return node


def _statement_body(node: cst.CSTNode) -> list[cst.CSTNode]:
    """Top-level statements, with module-level ``if``/``try``/``with`` blocks flattened."""
    return _flatten(list(getattr(node, "body", [])))


def _flatten(statements: list[cst.CSTNode]) -> list[cst.CSTNode]:
    """Statements with the blocks of ``if``/``try``/``with`` among them flattened in order."""
    out: list[cst.CSTNode] = []
    stack = list(reversed(statements))
    while stack:
        stmt = stack.pop()
        out.append(stmt)
        blocks = []
        if isinstance(stmt, (cst.If, cst.Try, cst.With, cst.TryStar)):
            blocks.append(stmt.body)
            orelse = getattr(stmt, "orelse", None)
            if orelse is not None:
                blocks.append(orelse.body if isinstance(orelse, cst.Else) else orelse)
            for handler in getattr(stmt, "handlers", ()):
                blocks.append(handler.body)
        for block in reversed(blocks):
            if isinstance(block, cst.If):
                stack.append(block)
            else:
                stack.extend(reversed(getattr(block, "body", [])))
    return out


def _small(stmt: cst.CSTNode) -> Iterator[cst.BaseSmallStatement]:
    if isinstance(stmt, cst.SimpleStatementLine):
        yield from stmt.body


class _ReadFinder(Walker):
    """The env reads inside a function whose variable name is not a literal (a helper's parameter)."""

    def __init__(self, model: Model) -> None:
        self.model = model
        self.reads: list[cst.CSTNode] = []

    def visit_Call(self, node: cst.Call) -> None:
        if self.model.read_shape(node) is not None:
            self.reads.append(node)

    def visit_Subscript(self, node: cst.Subscript) -> None:
        if self.model.read_shape(node) is not None:
            self.reads.append(node)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        return False


class Collector(Walker):
    """Visits a module and accumulates pending facts."""

    def __init__(self, path: str, extra_hosts: frozenset[str], text: str = "") -> None:
        super().__init__()
        self.path = path
        low = text.lower()
        self.may_image = "image" in low or "img" in low
        self.reads_env = "environ" in low or "getenv" in low or "decouple" in low
        self.extra_hosts = extra_hosts
        self.model = Model(module_path(path))
        self.pending: list[Pending] = []
        self.imports: list[tuple[str, str]] = []
        self.stack: list[cst.CSTNode] = []
        self.functions: list[str] = []
        self.classes: list[str] = []
        self.defaults: dict[int, str] = {}  # id of a fallback expression -> the variable it is for
        #: id of an env read -> (literal `or` fallback node, variable read next in the chain)
        self.or_defaults: dict[int, tuple[cst.BaseExpression | None, str | None]] = {}
        self.chains: set[int] = set()  # ids of inner `or` operations of a chain
        self.constant_values: dict[str, cst.CSTNode] = {}  # module constant -> its value node
        self.default_constants: set[str] = set()  # constants that serve as env fallbacks
        self.tests: set[int] = set()  # ids of boolean operations already read as conditions
        self.top_index = -1  # index in the module body of the statement being read
        self.hints: dict[int, int] = {}  # id of a pending fact's node -> its top-level statement
        #: id of a pending fact's node -> indices down the bodies of the classes and functions
        #: around it (``_anchor_path``), when it sits in one: positions are computed from there.
        self.anchors: dict[int, tuple[int, ...]] = {}
        self.places: dict[int, dict[int, int]] = {}  # id of a class or function body -> id of a statement -> index
        self.settings_mixins: set[str] = set()  # classes a settings class of this module inherits from

    # ================================================================== pass 1: module tables

    def prepare(self, module: cst.Module) -> None:
        owners = module_owners(self.path)
        self.settings_mixins = _settings_mixins(module)
        for self.top_index, top in enumerate(module.body):
            self._prepare_statements(_flatten([top]), owners)
        self.top_index = -1

    def _prepare_statements(self, statements: list[cst.CSTNode], owners: tuple[str, ...]) -> None:
        m = self.model
        for stmt in statements:
            if isinstance(stmt, cst.ClassDef):
                self._enum_class(stmt)
                self._settings_class(stmt)
                continue
            if isinstance(stmt, cst.FunctionDef):
                self._accessor(stmt)
                continue
            for small in _small(stmt):
                if isinstance(small, (cst.Import, cst.ImportFrom)):
                    self.imports.extend(m.add_import(small))
                elif isinstance(small, (cst.Assign, cst.AnnAssign)) and small.value is not None:
                    targets = [t.target for t in small.targets] if isinstance(small, cst.Assign) \
                        else [small.target]
                    for target in targets:
                        if isinstance(target, cst.Name):
                            self._module_assign(target, small.value, owners)

    def _module_assign(self, target: cst.Name, value: cst.BaseExpression, owners: tuple[str, ...]) -> None:
        m, name = self.model, target.value
        if m.is_literal(value) and name not in m.constants:
            m.constants[name] = m.literal(value)
            self.constant_values[name] = value
            if is_string(value) or isinstance(value, (cst.Name, cst.BinaryOperation)) \
                    and m.literal(value) is not None and not isinstance(value, cst.Name) \
                    or isinstance(value, cst.Name) and value.value in m.string_constants:
                m.string_constants.add(name)
            return
        if isinstance(value, cst.Call):
            func = m.qualify(value.func)
            if func in DJANGO_ENV_FACTORIES:
                m.django_envs[name] = m.django_scheme(value)
                for arg in value.args:  # Env(CACHE_URL=(str, "redis://…")): fallbacks, not constants
                    if arg.keyword is not None and isinstance(arg.value, cst.Tuple) and len(arg.value.elements) >= 2:
                        self.defaults[id(arg.value.elements[1].value)] = arg.keyword.value
                return
            if func in DECOUPLE_FACTORIES:
                m.decouple.add(name)
                return
            callee = dotted(value.func)
            cls = m.classes.get(callee or "") if callee else None
            if cls is None and callee and not value.args:
                cls = m.instances.get(callee + "()")
            if cls is not None:
                m.instances[name] = cls
                self._bind_all(target, name, cls)
                return
        binding = m.binding(value)
        if binding is not None and name not in m.bindings:
            m.bindings[name] = binding
            for owner in owners:
                self._add((target, ConfigBinding, dict(
                    owner=owner, attribute=name, name=binding.var, default=binding.default,
                    op=binding.op, value=binding.value)))

    def _bind_all(self, node: cst.CSTNode | None, owner: str, cls: SettingsClass) -> None:
        """ConfigBindings for every attribute, at ``node`` (an accessor) or at each declaration."""
        for attribute, b in cls.attributes.items():
            self._add((node or cls.nodes.get(attribute, cls.nodes[""]), ConfigBinding, dict(
                owner=owner, attribute=attribute, name=b.var, default=b.default, op=b.op, value=b.value)))

    def _enum_class(self, node: cst.ClassDef) -> None:
        """``class Environment(StrEnum): development = "development"``: members as literals."""
        if not any((last_name(b.value) or "").endswith("Enum") for b in node.bases):
            return
        members: dict[str, str] = {}
        for stmt in node.body.body:
            for small in _small(stmt):
                if isinstance(small, cst.Assign) and isinstance(small.targets[0].target, cst.Name):
                    value = string_value(small.value)
                    if value is not None:
                        members[small.targets[0].target.value] = value
        if members:
            self.model.enums[node.name.value] = members

    def _accessor(self, node: cst.FunctionDef) -> None:
        """``def get_settings(): return Settings()`` (lru_cache or not) makes ``get_settings()`` an owner;
        ``def env_bool(name, default): … os.getenv(name) …`` makes ``env_bool`` an env reader."""
        m = self.model
        if self.reads_env and (node.params.params or node.params.posonly_params):
            finder = _ReadFinder(m)
            finder.walk(node.body)
            if finder.reads:
                m.add_helper(node, finder.reads)
        for stmt in _statement_body(node.body):
            for small in _small(stmt):
                if not isinstance(small, cst.Return) or small.value is None:
                    continue
                value = small.value
                cls = None
                if isinstance(value, cst.Call):
                    cls = m.classes.get(dotted(value.func) or "")
                elif isinstance(value, cst.Name):
                    cls = m.instances.get(value.value)
                if cls is not None:
                    owner = node.name.value + "()"
                    m.instances[owner] = cls
                    self._bind_all(node.name, owner, cls)
                    return

    # ------------------------------------------------------------------ pydantic-settings

    def _is_settings_base(self, base: cst.BaseExpression) -> SettingsClass | None | bool:
        m = self.model
        if m.qualify(base) in BASE_SETTINGS:
            return True
        return m.classes.get(dotted(base) or "")

    def _settings_class(self, node: cst.ClassDef) -> None:
        m = self.model
        parents: list[SettingsClass] = []
        is_settings = False
        for arg in node.bases:
            found = self._is_settings_base(arg.value)
            if found is True:
                is_settings = True
            elif isinstance(found, SettingsClass):
                is_settings = True
                parents.append(found)
        if not is_settings and node.name.value in self.settings_mixins:
            is_settings = True  # a BaseModel that a BaseSettings class below inherits fields from
            parents = [found for arg in node.bases if isinstance(found := self._is_settings_base(arg.value),
                                                                  SettingsClass)]
        if not is_settings:
            return
        prefix = parents[-1].prefix if parents else ""
        case_sensitive = parents[-1].case_sensitive if parents else False
        aliases: dict[str, list[str]] = {}
        options = {kw.keyword.value: kw.value for kw in node.keywords if kw.keyword is not None}
        body = node.body.body
        for stmt in body:
            if isinstance(stmt, cst.ClassDef) and stmt.name.value == "Config":
                for inner in stmt.body.body:
                    for small in _small(inner):
                        if isinstance(small, cst.Assign) and isinstance(small.targets[0].target, cst.Name):
                            key = small.targets[0].target.value
                            options[key] = small.value
            for small in _small(stmt):
                target = small.targets[0].target if isinstance(small, cst.Assign) else (
                    small.target if isinstance(small, cst.AnnAssign) else None)
                if isinstance(target, cst.Name) and target.value == "model_config" and small.value is not None:
                    config = small.value
                    if isinstance(config, cst.Call):
                        for arg in config.args:
                            if arg.keyword is not None:
                                options[arg.keyword.value] = arg.value
                    elif isinstance(config, cst.Dict):
                        for el in config.elements:
                            if isinstance(el, cst.DictElement) and string_value(el.key):
                                options[string_value(el.key)] = el.value  # type: ignore[index]
        if "env_prefix" in options:
            prefix = m.literal(options["env_prefix"]) or ""
        if "case_sensitive" in options:
            case_sensitive = m.literal(options["case_sensitive"]) == "True"
        fields_option = options.get("fields")
        if isinstance(fields_option, cst.Dict):  # pydantic v1: fields = {"x": {"env": "X"}}
            for el in fields_option.elements:
                if isinstance(el, cst.DictElement) and isinstance(el.value, cst.Dict):
                    for inner in el.value.elements:
                        if isinstance(inner, cst.DictElement) and string_value(inner.key) == "env":
                            aliases[string_value(el.key) or ""] = strings_of(inner.value)

        cls = SettingsClass(node.name.value, prefix, case_sensitive)
        for parent in parents:  # inherited fields take this class's prefix
            cls.fields |= parent.fields
            cls.aliases.update(parent.aliases)
            for attribute, b in parent.attributes.items():
                if attribute in parent.fields:
                    name = self._var_name(attribute, parent.aliases.get(attribute), prefix, case_sensitive)[0]
                    b = Binding(name, b.default, raw=b.raw)
                cls.attributes[attribute] = b
        for stmt in body:
            for small in _small(stmt):
                self._settings_field(cls, small, prefix, case_sensitive, aliases)
        for stmt in body:
            if isinstance(stmt, cst.FunctionDef):
                self._settings_property(cls, stmt)
        m.classes[cls.name] = cls
        cls.nodes[""] = node.name
        self._bind_all(None, cls.name, cls)

    def _var_name(self, attribute: str, alias: list[str] | None, prefix: str,
                  case_sensitive: bool) -> list[str]:
        names = alias or [prefix + attribute]
        return names if case_sensitive else [n.upper() for n in names]

    def _settings_field(self, cls: SettingsClass, small: cst.BaseSmallStatement, prefix: str,
                        case_sensitive: bool, aliases: dict[str, list[str]]) -> None:
        m = self.model
        if isinstance(small, cst.AnnAssign):
            target, value = small.target, small.value
            annotation = dotted(small.annotation.annotation) or ""
            if isinstance(small.annotation.annotation, cst.Subscript):
                annotation = dotted(small.annotation.annotation.value) or ""
            if annotation.rsplit(".", 1)[-1] == "ClassVar":
                return
        elif isinstance(small, cst.Assign) and len(small.targets) == 1:
            target, value = small.targets[0].target, small.value
        else:
            return
        if not isinstance(target, cst.Name):
            return
        attribute = target.value
        if attribute.startswith("_") or attribute in {"model_config", "Config"}:
            return
        alias = aliases.get(attribute)
        default_node: cst.BaseExpression | None = value
        required = value is None
        if isinstance(value, cst.Call) and (m.qualify(value.func) in FIELD_FUNCTIONS
                                            or dotted(value.func) == "Field"):
            default_node = argument(value, 0, "default")
            required = default_node is None and keyword(value, "default_factory") is None \
                or isinstance(default_node, cst.Ellipsis)
            if isinstance(default_node, cst.Ellipsis):
                default_node = None
            for key in ("validation_alias", "alias", "env"):
                given = keyword(value, key)
                if given is None:
                    continue
                names = strings_of(given)
                if not names and isinstance(given, cst.Call) and last_name(given.func) == "AliasChoices":
                    names = [s for a in given.args if (s := string_value(a.value))]
                if names:
                    alias = names
                    break
        default = m.literal(default_node) if default_node is not None else None
        if default is None and isinstance(default_node, (cst.List, cst.Tuple)):
            # list[str] = ["http://127.0.0.1:5000", …]: the elements, as the inventory shows a list
            items = [m.literal(el.value) for el in default_node.elements if isinstance(el, cst.Element)]
            if items and all(isinstance(item, str) for item in items):
                default = ",".join(items)  # type: ignore[arg-type]
        names = self._var_name(attribute, alias, prefix, case_sensitive)
        optional = default is None and not required and (
            default_node is None or isinstance(default_node, cst.Name) and default_node.value == "None")
        cls.attributes[attribute] = Binding(names[0], default, raw=optional)
        cls.fields.add(attribute)
        cls.nodes[attribute] = target
        if alias:
            cls.aliases[attribute] = alias
        if default_node is not None:
            self.defaults[id(default_node)] = names[0]
        for name in names:
            self._add((target, EnvRead, dict(name=name, default=default,
                                                       via="pydantic-settings", required=required)))

    def _settings_property(self, cls: SettingsClass, node: cst.FunctionDef) -> None:
        """``@property def is_production(self): return self.ENVIRONMENT == "production"``, or the
        same as a method without arguments (``settings.is_production()``)."""
        decorators = {last_name(d.decorator) for d in node.decorators}
        params = node.params
        if not decorators & {"property", "computed_field", "cached_property"} and (
                len(params.params) != 1 or params.kwonly_params or params.posonly_params
                or isinstance(params.star_arg, cst.Param) or params.star_kwarg is not None):
            return
        body = node.body.body
        returns = [s for stmt in body for s in _small(stmt) if isinstance(s, cst.Return)]
        if len(returns) != 1 or returns[0].value is None:
            return
        binding = self._self_binding(cls, returns[0].value)
        if binding is not None and binding.op is not None:
            cls.attributes[node.name.value] = binding
            cls.nodes[node.name.value] = node.name

    def _self_binding(self, cls: SettingsClass, node: cst.BaseExpression) -> Binding | None:
        if isinstance(node, cst.UnaryOperation) and isinstance(node.operator, cst.Not):
            inner = self._self_binding(cls, node.expression)
            return inner.negated() if inner is not None else None
        if isinstance(node, cst.Attribute) and dotted(node.value) == "self":
            return cls.attributes.get(node.attr.value)
        if not isinstance(node, cst.Comparison) or len(node.comparisons) != 1:
            return None
        op = comparison_op(node.comparisons[0].operator)
        subject, other = _unwrap(node.left), node.comparisons[0].comparator
        if not (isinstance(subject, cst.Attribute) and dotted(subject.value) == "self"):
            subject, other = _unwrap(other), node.left
        if op is None or not (isinstance(subject, cst.Attribute) and dotted(subject.value) == "self"):
            return None
        base = cls.attributes.get(subject.attr.value)
        values = self.model.compared_values(other)
        if base is None or base.op is not None or not values:
            return None
        return Binding(base.var, base.default, op, pick_value(values), raw=False)

    def finish(self) -> list[Pending]:
        """The pending facts, less literals of constants that only serve as env fallbacks (the
        read carries them, as in ``DEFAULT = "redis://…"; os.getenv("REDIS_URL", DEFAULT)``)."""
        hidden = {id(self.constant_values[n]) for n in self.default_constants if n in self.constant_values}
        if not hidden:
            return self.pending
        return [p for p in self.pending if not (p[1] is Literal and id(p[0]) in hidden)]

    # ================================================================== pass 2: the tree

    def _add(self, pending: Pending) -> None:
        self.pending.append(pending)
        self.hints[id(pending[0])] = self.top_index
        path = self._anchor_path()
        if path:
            self.anchors[id(pending[0])] = path

    def _anchor_path(self) -> tuple[int, ...]:
        """Where the node being read sits below its top-level statement: the index of each
        statement down the bodies of enclosing classes and functions (``class A`` → ``def f`` →
        ``if …``: the method's index in the class, then the ``if``'s in the method)."""
        stack = self.stack
        path: list[int] = []
        i = 1  # stack[0] is the module, stack[1] the top-level statement
        while i + 2 < len(stack) and isinstance(stack[i], (cst.ClassDef, cst.FunctionDef)):
            block, child = stack[i + 1], stack[i + 2]
            if block is not stack[i].body or not isinstance(block, cst.IndentedBlock):
                break
            places = self.places.get(id(block))
            if places is None:  # each body is indexed once, not searched per fact
                places = self.places[id(block)] = {id(stmt): n for n, stmt in enumerate(block.body)}
            index = places.get(id(child))
            if index is None:
                break
            path.append(index)
            i += 2
        return tuple(path)

    def enter(self, node: cst.CSTNode) -> None:
        if len(self.stack) == 1:
            self.top_index += 1  # a statement of the module body
        self.stack.append(node)

    def exit(self, node: cst.CSTNode) -> None:
        self.stack.pop()

    def _emit(self, node: cst.CSTNode, kind: type, **fields: Any) -> None:
        self._add((node, kind, fields))

    @property
    def function(self) -> str | None:
        return self.functions[-1] if self.functions else None

    # ------------------------------------------------------------------ scopes

    def visit_Import(self, node: cst.Import) -> bool:
        if self.functions:
            self.imports.extend(self.model.add_import(node))
        return False

    def visit_ImportFrom(self, node: cst.ImportFrom) -> bool:
        if self.functions:
            self.imports.extend(self.model.add_import(node))
        return False

    # ------------------------------------------------------------------ config uses

    def _config_root(self, name: str) -> bool:
        """An imported name whose attributes are config values: ``settings``, ``config``, a module
        ``app.config``, ``get_settings``."""
        full = self.model.imports.get(name)
        if full is None or self.model._shadowed(name):
            return False
        parts = full.split(".")
        return _is_config_owner(name) or _is_config_owner(parts[-1]) or (
            len(parts) > 1 and parts[-2] in CONFIG_MODULES)

    def _use_default(self, node: cst.CSTNode) -> tuple[str | None, cst.CSTNode | None]:
        parent = self.stack[-2] if len(self.stack) > 1 else None
        if isinstance(parent, cst.BooleanOperation) and isinstance(parent.operator, cst.Or) \
                and parent.left is node and self.model.literal(parent.right) is not None:
            return self.model.literal(parent.right), parent.right
        return None, None

    def _is_store(self, node: cst.CSTNode) -> bool:
        parent = self.stack[-2] if len(self.stack) > 1 else None
        return isinstance(parent, cst.AssignTarget) or isinstance(parent, (cst.AugAssign, cst.AnnAssign)) \
            and parent.target is node

    def visit_Attribute(self, node: cst.Attribute) -> None:
        parent = self.stack[-2] if len(self.stack) > 1 else None
        if isinstance(parent, cst.Attribute) and parent.value is node or \
                isinstance(parent, cst.Call) and parent.func is node or self._is_store(node):
            return
        root = node.value
        while isinstance(root, cst.Attribute):
            root = root.value
        if isinstance(root, cst.Call) and not root.args and isinstance(root.func, cst.Name):
            root = root.func
        if not isinstance(root, cst.Name) or not self._config_root(root.value) \
                or self.model.settings_attribute(node) is not None:
            return
        ref = self.model.ref(node)
        if ref:
            default, at = self._use_default(node)
            self._emit(node, ConfigUse, ref=ref, default=default, default_span=at)

    def visit_Name(self, node: cst.Name) -> None:
        """``from app.config import REDIS_URL`` then ``REDIS_URL``: a use of ``config.REDIS_URL``."""
        if not node.value.isupper() or node.value not in self.model.imports:
            return
        parent = self.stack[-2] if len(self.stack) > 1 else None
        if isinstance(parent, cst.Attribute) or self._is_store(node) or isinstance(parent, (cst.Param, cst.Arg)) \
                and getattr(parent, "keyword", None) is node:
            return
        parts = self.model.imports[node.value].split(".")
        if len(parts) > 1 and (parts[-2] in CONFIG_MODULES or _is_config_owner(parts[-2])) \
                and self.model.name_binding(node.value) is None and not self.model._shadowed(node.value):
            ref = self.model.ref(node)
            if ref:
                default, at = self._use_default(node)
                self._emit(node, ConfigUse, ref=ref, default=default, default_span=at)

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self.classes.append(node.name.value)

    def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
        self.classes.pop()

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        m = self.model
        self.functions.append(node.name.value)
        scope: dict[str, Binding | None] = {}
        aliases: dict[str, str] = {}
        if self.classes and self.classes[-1] in m.classes:
            aliases["self"] = self.classes[-1]  # a settings class's own fields
        params = node.params
        for param in [*params.posonly_params, *params.params, *params.kwonly_params]:
            name = param.name.value
            scope[name] = None
            if param.annotation is not None:
                annotation = last_name(param.annotation.annotation) or ""
                if any(w in annotation for w in ("Settings", "Config", "Conf")):
                    aliases[name] = annotation
        m.scopes.append(scope)
        m.others.append(set())
        m.aliases.append(aliases)

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self.functions.pop()
        self.model.scopes.pop()
        self.model.others.pop()
        self.model.aliases.pop()

    def visit_Lambda(self, node: cst.Lambda) -> None:
        self.model.scopes.append({p.name.value: None for p in node.params.params})
        self.model.others.append(set())

    def leave_Lambda(self, original_node: cst.Lambda) -> None:
        self.model.scopes.pop()
        self.model.others.pop()

    def _local_assign(self, target: cst.BaseExpression, value: cst.BaseExpression) -> None:
        m = self.model
        if not m.scopes or not isinstance(target, cst.Name):
            return
        binding = m.binding(value)
        m.scopes[-1][target.value] = binding
        if binding is None:
            cls = None
            if isinstance(value, cst.Call):
                callee = dotted(value.func) or ""
                cls = m.classes.get(callee) or m.instances.get(callee + "()")
            if cls is not None:
                m.aliases[-1][target.value] = cls.name
            else:
                m.others[-1].add(target.value)

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            self._local_assign(target.target, node.value)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if node.value is not None:
            self._local_assign(node.target, node.value)

    def visit_Annotation(self, node: cst.Annotation) -> bool:
        return False

    def visit_Expr(self, node: cst.Expr) -> bool:
        return not is_string(node.value)  # docstrings and bare strings are never facts

    # ------------------------------------------------------------------ env reads

    def visit_Call(self, node: cst.Call) -> None:
        self._read(node)
        if isinstance(node.func, cst.Name) and node.func.value == "getattr" and len(node.args) >= 2:
            owner, key = positional(node, 0), string_value(positional(node, 1))
            if isinstance(owner, cst.Name) and key and self._config_root(owner.value):
                fallback = positional(node, 2)
                self._emit(node, ConfigUse, ref=self.model.ref_text(f"{owner.value}.{key}"),
                           default=self.model.literal(fallback), default_span=fallback)

    def visit_Subscript(self, node: cst.Subscript) -> None:
        self._read(node)

    def _read(self, node: cst.Call | cst.Subscript) -> None:
        read = self.model.env_read(node)
        if read is None:
            return
        default, fallback = read.default, read.fallback
        chain = self.or_defaults.get(id(node))
        if chain is not None:
            literal, following = chain
            if default in (None, "") and literal is not None:
                default = self.model.literal(literal)
            fallback = fallback or following
        for given in (read.default_node, chain[0] if chain else None):
            if given is not None:
                self.defaults[id(given)] = read.name
                if isinstance(given, cst.Name) and given.value in self.model.constants:
                    self.default_constants.add(given.value)
        self._emit(node, EnvRead, name=read.name, default=default, via=read.via,
                   required=read.required and chain is None, fallback=fallback)

    def visit_Comparison(self, node: cst.Comparison) -> None:
        if len(node.comparisons) == 1 and isinstance(node.comparisons[0].operator, (cst.In, cst.NotIn)) \
                and self.model.qualify(node.comparisons[0].comparator) in ENVIRON:
            name = self.model.literal(node.left)
            if name:
                self._emit(node, EnvRead, name=name, default=None, via="os.environ")

    # ------------------------------------------------------------------ branches

    def visit_BooleanOperation(self, node: cst.BooleanOperation) -> None:
        m = self.model
        if isinstance(node.operator, cst.Or) and id(node) in self.chains:
            return  # part of an `or` chain read from its top
        if isinstance(node.operator, cst.Or):
            operands = self._or_operands(node)
            reads = [(op, m.env_read(op)) for op in operands]
            if reads[0][1] is not None:
                literal = next((op for op, r in reads if r is None and m.literal(op) is not None), None)
                for i, (op, read) in enumerate(reads):
                    if read is None:
                        break
                    following = reads[i + 1][1] if i + 1 < len(reads) else None
                    self.or_defaults[id(op)] = (literal, following.name if following is not None else None)
                if literal is not None:
                    self.defaults[id(literal)] = reads[0][1].name  # type: ignore[union-attr]
                return
            if m.binding(node.left) is not None and m.binding(node.left).op is None \
                    and m.literal(node.right) is not None:
                return  # `URL = SETTINGS_URL or "…"`: a fallback, not a branch
        if id(node) in self.tests:
            return
        conds = [c for c in self._conditions(node.left) if not c.presence]
        if not conds:
            return
        if isinstance(node.operator, cst.And):
            then, other = describe_arm(node.right, self.function), Arm()
        else:
            then, other = Arm(), describe_arm(node.right, self.function)
        for cond in conds:
            self._branch(cond, then, other)

    def _or_operands(self, node: cst.BooleanOperation) -> list[cst.BaseExpression]:
        """``a or b or c`` (nested left to right by the parser) as ``[a, b, c]``, wrappers removed."""
        out: list[cst.BaseExpression] = []
        stack: list[cst.BaseExpression] = [node]
        while stack:
            current = stack.pop()
            if isinstance(current, cst.BooleanOperation) and isinstance(current.operator, cst.Or) \
                    and not current.lpar:
                self.chains.add(id(current))
                stack.append(current.right)
                stack.append(current.left)
            else:
                out.append(_unwrap(current))
        self.chains.discard(id(node))
        return out

    def visit_If(self, node: cst.If) -> None:
        conds = self._conditions(node.test)
        if not conds:
            return
        other: cst.CSTNode | list[cst.CSTNode] | None = node.orelse
        if other is None and exits(node.body):
            other = self._following(node)  # `if not prod: return MOCK_USER` then the real check
        then, arm = describe_arms(node.body, other, self.function, not other)
        if isinstance(node.test, cst.BooleanOperation) and accepts_credential(node.test):
            then.effects.add("credential-fallback")  # `if not prod and key == settings.a2a_key:`
        for cond in conds:
            self._branch(cond, then, arm)

    def _following(self, node: cst.CSTNode) -> list[cst.CSTNode]:
        """The statements after ``node`` in its block."""
        parent = self.stack[-2] if len(self.stack) > 1 else None
        body = getattr(parent, "body", None)
        if not isinstance(body, (list, tuple)):
            return []
        for i, stmt in enumerate(body):
            if stmt is node:
                return list(body[i + 1:])
        return []

    def visit_IfExp(self, node: cst.IfExp) -> None:
        conds = self._conditions(node.test)
        if not conds:
            return
        then, other = describe_arms(node.body, node.orelse, self.function, False)
        for cond in conds:
            self._branch(cond, then, other)

    def visit_Match(self, node: cst.Match) -> None:
        subject = self._subject(node.subject)
        if subject is None:
            return
        binding, ref, _direct = subject
        arms = [describe_arm(case.body, self.function) for case in node.cases]
        for i, case in enumerate(node.cases):
            values = self._case_values(case.pattern)
            value = pick_value(values)
            if value is None:
                continue
            name = binding.var if binding is not None else ""
            if binding is None and not _is_env_subject((ref or "").rsplit(".", 1)[-1]):
                continue
            if binding is not None and not (_is_env_subject(name) or lexicon.environment_of(value)):
                continue
            others = [a for j, a in enumerate(arms) if j != i]
            other = Arm(set().union(*(a.effects for a in others)) if others else set(),
                        summary="other cases" if others else "", empty=not others)
            arms[i].region = case.body
            cond = Cond(case.pattern, name, None if binding is not None else ref, "==", value)
            self._branch(cond, arms[i], other)

    def _case_values(self, pattern: cst.MatchPattern) -> list[str]:
        if isinstance(pattern, cst.MatchValue):
            value = string_value(pattern.value)
            return [value] if value is not None else []
        if isinstance(pattern, cst.MatchOr):
            return [v for el in pattern.patterns for v in self._case_values(el.pattern)]
        if isinstance(pattern, cst.MatchAs) and pattern.pattern is not None:
            return self._case_values(pattern.pattern)
        return []

    def _branch(self, cond: Cond, then: Arm, other: Arm) -> None:
        self._emit(cond.node, EnvBranch, subject=cond.subject, ref=cond.ref, op=cond.op, value=cond.value,
                   then_effects=tuple(sorted(then.effects)), else_effects=tuple(sorted(other.effects)),
                   then_summary=then.summary, else_summary=other.summary, presence=cond.presence,
                   then_span=then.region, else_span=other.region)

    def _subject(self, node: cst.CSTNode) -> tuple[Binding | None, str | None, bool] | None:
        """What a tested expression holds: (binding, ref, direct env read) or None when unknown."""
        m = self.model
        node = _unwrap(node)
        direct = False
        probe: cst.CSTNode = node
        for _ in range(6):
            if m.env_read(probe) is not None:
                direct = True
                break
            if isinstance(probe, cst.Call) and len(probe.args) == 1 and probe.args[0].keyword is None:
                probe = _unwrap(probe.args[0].value)
            elif isinstance(probe, cst.BooleanOperation) and isinstance(probe.operator, cst.Or):
                probe = _unwrap(probe.left)
            else:
                break
        binding = m.binding(node)
        if binding is not None:
            return binding, None, direct
        if isinstance(node, cst.Name) and any(node.value in s for s in m.others):
            return None
        if isinstance(node, cst.Name) and m.scopes and node.value in m.scopes[-1] \
                and not any(node.value in a for a in m.aliases):
            # a parameter: only its name speaks for it
            return None, node.value, False
        ref = m.ref(node)
        if ref is None or "(" in ref.removesuffix("()") and not ref.split(".", 1)[0].endswith("()"):
            return None
        return None, ref, False

    def _conditions(self, node: cst.CSTNode) -> list[Cond]:
        """The environment tests in a condition (``and``/``or``/``not`` looked through)."""
        if isinstance(node, cst.BooleanOperation):
            self.tests.add(id(node))
            return self._conditions(node.left) + self._conditions(node.right)
        if isinstance(node, cst.UnaryOperation) and isinstance(node.operator, cst.Not):
            return [c.negated() for c in self._conditions(node.expression)]
        if isinstance(node, cst.Comparison):
            return self._comparison(node)
        if isinstance(node, (cst.Name, cst.Attribute, cst.Call, cst.Subscript)):
            return self._truthy(node)
        return []

    def _truthy(self, node: cst.CSTNode) -> list[Cond]:
        found = self._subject(node)
        if found is None:
            return []
        binding, ref, direct = found
        if binding is not None:
            if binding.op is not None:
                return [Cond(node, binding.var, None, binding.op, binding.value)]
            presence = direct or binding.raw and binding.default in (None, "")
            if presence or _is_flag(binding.var):
                return [Cond(node, binding.var, None, "truthy", None, presence=presence)]
            return []
        if not ref:
            return []
        owner, _, last = ref.rpartition(".")
        if last.endswith("()"):  # settings.is_development(): a flag method on a config object
            last = last[:-2]
            if not (owner and _is_config_owner(owner) and _is_flag(last)):
                return []
        if not owner and lexicon.ambiguous_flag(last) and last not in self.model.imports:
            return []  # is_local = isinstance(storage, FileSystemStorage): a local file, not an environment
        if _is_flag(last) and (not owner or _is_config_owner(owner) or lexicon.is_debug_variable(last)
                               or lexicon.flag_meaning(last) == "production"):
            return [Cond(node, "", ref, "truthy", None)]
        if owner and _is_config_owner(owner):
            return [Cond(node, "", ref, "truthy", None)]  # presence is the resolver's call
        return []

    def _comparison(self, node: cst.Comparison) -> list[Cond]:
        m = self.model
        if len(node.comparisons) != 1:
            return []
        target = node.comparisons[0]
        op = comparison_op(target.operator)
        if op is None:
            return []
        left, right = node.left, target.comparator
        if isinstance(target.operator, (cst.In, cst.NotIn)) and m.qualify(right) in ENVIRON:
            name = m.literal(left)
            return [Cond(node, name, None, "truthy" if op == "==" else "falsy", None, True)] if name else []
        if isinstance(target.operator, (cst.Is, cst.IsNot)) and isinstance(right, cst.Name) \
                and right.value == "None":
            found = self._subject(left)
            if found and found[0] is not None and found[2]:
                return [Cond(node, found[0].var, None, "falsy" if op == "==" else "truthy", None, True)]
            return []
        values = m.compared_values(right)
        subject = left
        if not values:
            values, subject = m.compared_values(left), right
        if not values:
            literal = m.literal(right)
            if literal is None or isinstance(right, cst.Name) and right.value in {"True", "False"}:
                if isinstance(right, cst.Name) and right.value in {"True", "False"}:
                    values = [right.value]
                else:
                    return []
            else:
                values = [literal]
        found = self._subject(subject)
        if found is None:
            return []
        binding, ref, _direct = found
        value = pick_value(values)
        if binding is not None:
            if binding.op is not None:
                return []
            name = binding.var
            if not (_is_env_subject(name) or lexicon.environment_of(value or "")):
                return []
        else:
            owner, _, name = (ref or "").rpartition(".")
            if not ref or not _is_env_subject(name):
                return []
            if not (owner and _is_config_owner(owner)) and lexicon.environment_of(value or "") is None:
                return []  # `image.mode != "RGB"`, a `mode` parameter: a mode, not an environment
        lowered = {v.lower() for v in values}
        if _is_flag(name) and lexicon.environment_of(value or "") is None \
                and (lowered <= TRUE_WORDS or lowered <= FALSE_WORDS):
            truthy = (lowered <= TRUE_WORDS) == (op == "==")
            return [Cond(node, binding.var if binding else "", None if binding else ref,
                         "truthy" if truthy else "falsy", None)]
        return [Cond(node, binding.var if binding else "", None if binding else ref, op, value)]

    # ------------------------------------------------------------------ literals

    def visit_SimpleString(self, node: cst.SimpleString) -> None:
        self._string(node, string_value(node))

    def visit_ConcatenatedString(self, node: cst.ConcatenatedString) -> bool:
        value = string_value(node)
        if value is not None:
            self._string(node, value)
            return False
        return True

    def visit_FormattedString(self, node: cst.FormattedString) -> bool:
        value = string_value(node)
        if value is not None:
            self._string(node, value)
            return False
        # f"http://localhost:{port}/x": the literal parts decide, the fields are kept as written
        text, probe = [], []
        for part in node.parts:
            if isinstance(part, cst.FormattedStringText):
                text.append(part.value)
                probe.append(part.value)
            else:
                code = cst.Module([]).code_for_node(part.expression)
                text.append("{" + code + "}")
                probe.append("0")
        rendered = "".join(text)
        if lexicon.local_endpoint("".join(probe), self.extra_hosts) is not None:
            self._string(node, rendered, probe="".join(probe))
        return True

    def _string(self, node: cst.CSTNode, value: str | None, probe: str | None = None) -> None:
        if value is None:
            return
        endpoint = lexicon.local_endpoint(probe if probe is not None else value, self.extra_hosts)
        if endpoint is None and not self._near_compare() and not (
                self.may_image and len(value) < 256 and not any(c.isspace() for c in value)):
            return  # the common case, decided without looking at the context
        default_for = self._default_for()
        context, target = self._context(endpoint is not None)
        if context is None:
            return
        if context == "value" and value.strip() in {"0.0.0.0", "::", "[::]"}:
            context = "bind"  # an unspecified address is where a server listens, never what it dials
        if default_for is not None:
            target = default_for
        if endpoint is not None and default_for is None:
            self._emit(node, Literal, value=value, context=context, target=target)
        elif context == "compare" and target and value.strip() and _credential_compare(target, value) \
                and not self._prefix_test() and not self._rejected_value():
            self._emit(node, Literal, value=value, context="compare", target=target)
        if target and context == "value" and lexicon.is_image_name(target) and probe is None \
                and _looks_like_image(value, alone=not self._in_container()):
            name, tag, digest = lexicon.parse_image(value)  # type: ignore[misc]
            self._emit(node, ImageRef, image=value, name=name, tag=tag, digest=digest, source="code")

    def _in_container(self) -> bool:
        parent = self.stack[-2] if len(self.stack) > 1 else None
        return isinstance(parent, (cst.Element, cst.DictElement))

    def _near_compare(self) -> bool:
        """The string is one side of a comparison or of ``compare_digest`` (possibly in a tuple)."""
        for anc in reversed(self.stack[:-1]):
            if isinstance(anc, cst.Comparison):
                return True
            if isinstance(anc, cst.Call):
                return (last_name(anc.func) or "").endswith(("compare_digest", "startswith", "endswith"))
            if not isinstance(anc, (cst.ComparisonTarget, cst.Element, cst.Tuple, cst.List, cst.Set, cst.Arg)):
                return False
        return False

    def _rejected_value(self) -> bool:
        """``if SECRET_KEY == "change-me": raise …``: the literal is refused, not accepted."""
        stack = self.stack
        comparison = None
        for i in range(len(stack) - 2, -1, -1):
            anc = stack[i]
            if comparison is None and isinstance(anc, cst.Comparison):
                comparison = anc
                if not all(isinstance(c.operator, (cst.Equal, cst.In, cst.Is)) for c in anc.comparisons):
                    return False
                continue
            if comparison is not None and isinstance(anc, cst.If):
                body = anc.body.body if isinstance(anc.body, cst.IndentedBlock) else anc.body.body
                first = body[0] if body else None
                smalls = first.body if isinstance(first, cst.SimpleStatementLine) else []
                return any(isinstance(x, cst.Raise) for x in smalls)
            if isinstance(anc, (cst.BaseSmallStatement, cst.BaseCompoundStatement)):
                return False
        return False

    def _prefix_test(self) -> bool:
        """``token.startswith("Bearer ")``: a format check, not a credential compare."""
        for anc in reversed(self.stack[:-1]):
            if isinstance(anc, cst.Call):
                return last_name(anc.func) in {"startswith", "endswith", "removeprefix", "removesuffix"}
            if not isinstance(anc, (cst.Arg, cst.Tuple, cst.Element, cst.List)):
                return False
        return False

    def _default_for(self) -> str | None:
        """The variable a string is the fallback of, when it is inside an env read's default."""
        for anc in reversed(self.stack):
            found = self.defaults.get(id(anc))
            if found is not None:
                return found
            if isinstance(anc, (cst.BaseSmallStatement, cst.BaseCompoundStatement)):
                return None
        return None

    def _context(self, endpoint: bool = True) -> tuple[str | None, str | None]:
        """How the string on top of the stack is used, and the name it is assigned or compared to;
        (None, None) for a local host that is only a word in a list."""
        stack = self.stack
        child = stack[-1]
        target: str | None = None
        for i in range(len(stack) - 2, -1, -1):
            parent = stack[i]
            if isinstance(parent, (cst.List, cst.Tuple, cst.Set)) and isinstance(child, cst.Element) and endpoint:
                previous = None
                for el in parent.elements:  # ["uvicorn", "main:app", "--host", "0.0.0.0"]
                    if el is child:
                        break
                    previous = el
                if isinstance(previous, cst.Element) and string_value(previous.value) in BIND_FLAGS:
                    return "bind", None
                if _bare_host(string_value(stack[-1]) or ":") and all(
                        isinstance(el, cst.Element) and is_string(el.value) for el in parent.elements):
                    return None, None  # ["www", "localhost", "[::1]"]: a word list, not an endpoint
            if isinstance(parent, cst.DictElement):
                if child is parent.key:
                    return "key", None
                if string_value(parent.key) in {"default", "example", "examples"} and self._schema(stack, i):
                    return "log", None  # {"type": "string", "default": "127.0.0.1"}: a form's schema
                if target is None:
                    target = string_value(parent.key) or last_name(parent.key)
            elif isinstance(parent, cst.Index):
                return "key", None
            elif isinstance(parent, cst.Arg):
                call = stack[i - 1] if i > 0 else None
                if isinstance(call, cst.Call):
                    return self._argument_context(call, parent, target)
                return "value", target
            elif isinstance(parent, cst.Comparison):
                sides = [parent.left, *(c.comparator for c in parent.comparisons)]
                others = [s for s in sides if s is not child and not (
                    isinstance(child, cst.ComparisonTarget) and s is child.comparator)]
                other = next((s for s in others if string_value(s) is None), None)
                return "compare", last_name(_unwrap(other)) if other is not None else None
            elif isinstance(parent, (cst.Assign, cst.AnnAssign, cst.AugAssign)):
                dest = parent.targets[0].target if isinstance(parent, cst.Assign) else parent.target
                name = last_name(dest)
                if target is None:
                    target = name
                return ("bind" if self._bind_name(name) else "value"), target
            elif isinstance(parent, cst.Param):
                return "value", target or parent.name.value
            elif isinstance(parent, cst.Raise):
                return "log", None
            elif isinstance(parent, (cst.Return, cst.BaseSmallStatement, cst.BaseCompoundStatement,
                                     cst.Decorator)):
                return "value", target
            child = parent
        return "value", target

    @staticmethod
    def _schema(stack: list[cst.CSTNode], i: int) -> bool:
        """The dict element at ``stack[i]`` sits in a JSON-schema-like dict (it has a ``type`` key)."""
        parent = stack[i - 1] if i > 0 else None
        return isinstance(parent, cst.Dict) and any(
            isinstance(el, cst.DictElement) and string_value(el.key) == "type" for el in parent.elements)

    def _bind_name(self, name: str | None) -> bool:
        if not name:
            return False
        ws = set(lexicon.words(name))
        if ws & {"bind", "listen"}:
            return True
        value = string_value(self.stack[-1]) or ""
        host = lexicon.local_endpoint(value, self.extra_hosts)
        return bool(ws & {"host", "addr", "address", "interface"}) and host in {"0.0.0.0", "::"}

    def _argument_context(self, call: cst.Call, arg: cst.Arg, target: str | None) -> tuple[str, str | None]:
        func = self.model.qualify(call.func) or dotted(call.func) or last_name(call.func) or ""
        last = func.rsplit(".", 1)[-1]
        kw = arg.keyword.value if arg.keyword is not None else None
        if is_log_call(func) or last.endswith(("Error", "Exception", "Warning")) or kw in DOC_KEYWORDS:
            return "log", None  # messages, and documentation: Field(examples=["localhost:3000"])
        value = string_value(self.stack[-1]) or ""
        host = lexicon.local_endpoint(value, self.extra_hosts)
        if kw in BIND_KEYWORDS and (last in RUN_FUNCTIONS or host in {"0.0.0.0", "::"}):
            return "bind", kw
        if last == "bind" or last.endswith("Server") or last in SERVER_CALLS:
            return "bind", kw
        if kw is None and last in {"get", "pop", "setdefault"} and positional(call, 1) is arg.value:
            key_name = string_value(positional(call, 0))  # conf.get("HOST", "localhost")
            if key_name:
                return "value", key_name
        if kw is None and last == "getattr" and positional(call, 2) is arg.value:
            key_name = string_value(positional(call, 1))  # getattr(conf, "HOST", "localhost")
            if key_name:
                return "value", key_name
        if last in {"urlparse", "urlsplit"}:
            return "url-base", None
        if last in {"startswith", "endswith"} and isinstance(call.func, cst.Attribute):
            return "compare", last_name(_unwrap(call.func.value))
        if last.endswith("compare_digest"):
            other = next((a.value for a in call.args if a is not arg), None)
            return "compare", last_name(other) if other is not None else None
        if kw is None:
            for earlier in call.args:
                if earlier is arg:
                    break
                if string_value(earlier.value) in BIND_FLAGS:
                    return "bind", None
        return "value", target or kw or last or None


def collect(module: cst.Module, path: str, extra_hosts: frozenset[str], text: str) \
        -> tuple[list[Pending], list[tuple[str, str]], dict[int, int], dict[int, tuple[int, ...]]]:
    """Pending facts (node, type, fields), imports (local name, module file), and for each pending
    node the index of the top-level statement it sits in and, inside classes and functions, the
    path down to the innermost statement there (positions are computed from that statement)."""
    collector = Collector(path, extra_hosts, text)
    collector.prepare(module)
    collector.walk(module)
    return collector.finish(), collector.imports, collector.hints, collector.anchors
