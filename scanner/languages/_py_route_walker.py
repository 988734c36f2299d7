"""The libcst walk behind ``_py_routes``: FastAPI, Flask, Django (and DRF) routes as Route/Mount/GuardDef facts.

``_py_routes.extract_routes`` hands over the parsed libcst module and its positions. One walk
over the statements keeps a stack of the tests that enclose each statement (``if settings.DEBUG:``,
an early ``return`` on the environment), so that a route, an ``include_router``, a
``register_blueprint`` or a ``urlpatterns +=`` carries the conditions it is registered under.
Guards come from FastAPI dependencies (decorator, router, ``include_router`` and signature
``Depends``/``Security``/``Annotated``), Flask and Django decorators, DRF ``permission_classes``
and checks at the top of a handler. ``if __name__ == "__main__":`` gives a ``Script`` fact.
Nothing here knows about rules; ``routing.py`` joins mounts and judges guards.
"""

from __future__ import annotations

import re
from typing import Iterable

import libcst as cst

from .. import guards as vocab
from .. import lexicon
from ..facts import Condition, GuardDef, Mount, Route, Script, Span
from ._atom import Atom

HTTP = {"get": "GET", "post": "POST", "put": "PUT", "patch": "PATCH", "delete": "DELETE", "head": "HEAD",
        "options": "OPTIONS", "route": "ANY", "api_route": "ANY", "websocket": "WS", "trace": "TRACE"}
ROUTER_FACTORIES = {"FastAPI": "fastapi", "APIRouter": "fastapi", "Flask": "flask", "Blueprint": "flask",
                    "Quart": "flask", "Starlette": "fastapi", "Sanic": "flask", "DefaultRouter": "drf",
                    "SimpleRouter": "drf", "NinjaAPI": "django-ninja", "Router": "django-ninja"}
ROUTER_NAMES = frozenset({"app", "router", "api", "bp", "blueprint", "api_router", "application"})
DJANGO_PATHS = frozenset({"path", "re_path", "url", "django.urls.path", "django.urls.re_path"})
GETENV = frozenset({"os.getenv", "os.environ.get", "getenv", "environ.get"})
EXIT_CALLS = frozenset({"abort", "flask.abort", "raise_404", "forbidden", "not_found"})
INLINE = "in handler: "
_MAX_INLINE_STATEMENTS = 8
#: Words of imported ``Annotated`` aliases that inject the caller (``CurrentUser``), not a request body.
DEPENDENCY_ALIAS_WORDS = frozenset({"current", "superuser", "admin", "staff", "auth", "authenticated", "principal"})


def module_of(path: str) -> str:
    """``app/api/main.py`` gives ``app.api.main``; ``app/api/__init__.py`` gives ``app.api``."""
    stem = path.rsplit(".", 1)[0]
    if stem.endswith("/__init__"):
        stem = stem[: -len("/__init__")]
    return stem.replace("/", ".")


def extract_routes(module: cst.Module, path: str, positions) -> list:
    """Route, Mount, GuardDef and Script facts of one parsed module (``positions`` from PositionProvider)."""
    walker = _Walker(module, path, positions)
    walker.prepare(module.body)
    walker.block(module.body, ())
    return walker.out


class _Walker:
    def __init__(self, module: cst.Module, path: str, positions) -> None:
        self.module = module
        self.path = path
        self.positions = positions
        self.package = module_of(path) if path.endswith("__init__.py") else module_of(path).rpartition(".")[0]
        self.out: list = []
        self.imports: dict[str, tuple[str, str | None]] = {}  # local -> (module, attribute or None)
        self.routers: dict[str, tuple[str, str, tuple[str, ...]]] = {}  # name -> (framework, prefix, guards)
        self.env_locals: dict[str, str] = {}  # ENVIRONMENT = os.getenv("ENVIRONMENT", "local")
        self.flag_locals: dict[str, Atom] = {}  # IS_PROD = os.getenv("ENV") == "production"
        self.aliases: dict[str, str] = {}  # CurrentUser = Annotated[User, Depends(get_current_user)]
        self.functions: dict[str, cst.FunctionDef] = {}
        self.class_guards: dict[str, tuple[str, ...]] = {}  # class -> guard-like bases (BaseAdminController)
        self.scopes: list[tuple[str, set[str]]] = []  # enclosing functions and their parameter names

    # ------------------------------------------------------------------ helpers

    def text(self, node: cst.CSTNode) -> str:
        return " ".join(self.module.code_for_node(node).split())

    def span(self, node: cst.CSTNode) -> Span:
        where = self.positions[node]
        return Span(self.path, where.start.line, where.start.column + 1, where.end.line, where.end.column + 1)

    def resolve(self, module: str, level: int) -> str:
        if not level:
            return module
        base = self.package.split(".") if self.package else []
        base = base[: max(0, len(base) - (level - 1))]
        return ".".join([*base, module] if module else base)

    # ------------------------------------------------------------------ pass 1: module tables

    def prepare(self, body: Iterable[cst.CSTNode]) -> None:
        for stmt in _flat(body):
            if isinstance(stmt, cst.FunctionDef):
                self.functions.setdefault(stmt.name.value, stmt)
            elif isinstance(stmt, cst.ClassDef):
                for inner in _flat(_block(stmt.body)):
                    if isinstance(inner, cst.FunctionDef):
                        self.functions.setdefault(f"{stmt.name.value}.{inner.name.value}", inner)
            for small in _smalls(stmt):
                if isinstance(small, cst.ImportFrom):
                    self._import_from(small)
                elif isinstance(small, cst.Import):
                    for alias in small.names:
                        full = _dotted(alias.name)
                        if full is None:
                            continue
                        local = alias.asname.name.value if alias.asname is not None and isinstance(
                            alias.asname.name, cst.Name) else full.split(".", 1)[0]
                        self.imports[local] = (full if alias.asname is not None else local, None)
                elif isinstance(small, (cst.Assign, cst.AnnAssign)) and small.value is not None:
                    targets = [t.target for t in small.targets] if isinstance(small, cst.Assign) else [small.target]
                    for target in targets:
                        if isinstance(target, cst.Name):
                            self._assign(target.value, small.value)

    def _import_from(self, node: cst.ImportFrom) -> None:
        module = _dotted(node.module) if node.module is not None else ""
        if module is None or isinstance(node.names, cst.ImportStar):
            return
        module = self.resolve(module, len(node.relative))
        for alias in node.names:
            name = _dotted(alias.name)
            if name is None:
                continue
            local = alias.asname.name.value if alias.asname is not None and isinstance(alias.asname.name, cst.Name) \
                else name
            self.imports[local] = (module, name)

    def _assign(self, name: str, value: cst.BaseExpression) -> None:
        router = self._router_value(value)
        if router is not None:
            self.routers[name] = router
            return
        read = self.env_read(value)
        if read is not None:
            self.env_locals[name] = read
            return
        if isinstance(value, cst.Comparison):
            atom = self._comparison(value)
            if atom is not None and atom.subject:
                self.flag_locals[name] = atom
                return
        if isinstance(value, cst.Subscript) and _dotted(value.value) in {"Annotated", "typing.Annotated"}:
            for el in value.slice[1:]:
                inner = el.slice.value if isinstance(el.slice, cst.Index) else None
                if isinstance(inner, cst.Call) and _leaf(inner.func) in {"Depends", "Security"}:
                    self.aliases[name] = self.text(inner)

    def _router_value(self, value: cst.BaseExpression) -> tuple[str, str, tuple[str, ...]] | None:
        if not isinstance(value, cst.Call):
            return None
        callee = _leaf(value.func)
        fw = ROUTER_FACTORIES.get(callee or "")
        if fw is None:
            return None
        prefix = ""
        for key in ("prefix", "url_prefix"):
            node = _keyword(value, key)
            if node is not None:
                prefix = _string(node) or ""
        guards = tuple(self._dependency_texts(_keyword(value, "dependencies")))
        return fw, prefix, guards

    def _dependency_texts(self, node) -> list[str]:
        if not isinstance(node, (cst.List, cst.Tuple)):
            return []
        return [_short(self.text(el.value)) for el in node.elements]

    # ------------------------------------------------------------------ values

    def env_read(self, node) -> str | None:
        """``os.getenv("X")``, ``os.environ.get("X", d)``, ``os.environ["X"]`` -> X."""
        node = _strip_methods(node)
        if isinstance(node, cst.Call):
            callee = self.qualified(node.func)
            if callee in GETENV or (callee or "").endswith(("environ.get", ".getenv")) and node.args:
                return _string(node.args[0].value) if node.args else None
            if len(node.args) == 1 and node.args[0].keyword is None and _leaf(node.func) in {"bool", "int", "str"}:
                return self.env_read(node.args[0].value)
        if isinstance(node, cst.Subscript) and (self.qualified(node.value) or "").endswith("environ"):
            el = node.slice[0].slice if node.slice else None
            return _string(el.value) if isinstance(el, cst.Index) else None
        if isinstance(node, cst.BooleanOperation) and isinstance(node.operator, cst.Or):
            return self.env_read(node.left)
        return None

    def qualified(self, node) -> str | None:
        text = _dotted(node)
        if text is None:
            return None
        head, _, rest = text.partition(".")
        if head in self.imports:
            module, attr = self.imports[head]
            full = f"{module}.{attr}" if attr else module
            return f"{full}.{rest}" if rest else full
        return text

    # ------------------------------------------------------------------ conditions

    def atom(self, node, depth: int = 0) -> Atom | None:
        node = _strip_methods(node)
        if depth > 6 or node is None:
            return None
        if isinstance(node, cst.UnaryOperation) and isinstance(node.operator, cst.Not):
            inner = self.atom(node.expression, depth + 1)
            return inner.negated() if inner is not None else None
        if isinstance(node, cst.Comparison):
            return self._comparison(node)
        read = self.env_read(node)
        if read is not None:
            return Atom(read, None, "truthy", None, not (lexicon.is_env_name_variable(read)
                                                           or lexicon.is_debug_variable(read)))
        if isinstance(node, cst.Name):
            name = node.value
            if name in self.flag_locals:
                return self.flag_locals[name]
            if name in self.env_locals:
                var = self.env_locals[name]
                return Atom(var, None, "truthy", None, not (lexicon.is_env_name_variable(var)
                                                             or lexicon.is_debug_variable(var)))
            if _flaggy(name):
                return Atom("", name, "truthy", None)
            return None
        ref = _dotted(node if not isinstance(node, cst.Call) or node.args else node.func)
        if isinstance(node, cst.Subscript):  # app.config["DEBUG"], current_app.config["DEMO_MODE"]
            key = _string(node.slice[0].slice.value) if node.slice and isinstance(node.slice[0].slice, cst.Index) \
                else None
            owner = _dotted(node.value)
            ref = f"{owner}.{key}" if owner and key else None
        if ref:
            if isinstance(node, cst.Call):
                ref += "()"
            leaf = ref.replace("()", "").rsplit(".", 1)[-1]
            owner = ref.rsplit(".", 1)[0].lower() if "." in ref else ""
            configish = any(w in owner for w in ("settings", "config", "conf", "env", "flags", "features"))
            if _flaggy(leaf) or configish and (vocab.is_demo_flag(leaf) or lexicon.is_environment_subject(leaf)):
                return Atom("", ref, "truthy", None)
        return None

    def _comparison(self, node: cst.Comparison) -> Atom | None:
        if len(node.comparisons) != 1:
            return None
        target = node.comparisons[0]
        op_node = target.operator
        left, right = node.left, target.comparator
        if isinstance(op_node, (cst.Is, cst.IsNot)) and isinstance(right, cst.Name) and right.value == "None":
            inner = self.atom(left)
            if inner is None or not inner.subject:
                return None
            return Atom(inner.subject, None, "falsy" if isinstance(op_node, cst.Is) else "truthy", None, True)
        if isinstance(op_node, (cst.Equal, cst.NotEqual, cst.Is, cst.IsNot)):
            positive = isinstance(op_node, (cst.Equal, cst.Is))
        elif isinstance(op_node, (cst.In, cst.NotIn)):
            positive = isinstance(op_node, cst.In)
        else:
            return None
        values = _strings(right)
        subject_node = left
        if not values:
            values, subject_node = _strings(left), right
            if isinstance(op_node, (cst.In, cst.NotIn)):
                return None  # "X" in os.environ and friends: presence, left to the frontend
        if not values:
            return None
        subject = self._subject(subject_node)
        if subject is None:
            return None
        var, ref = subject
        prod = [v for v in values if lexicon.environment_of(v) == "production"]
        value = prod[0] if prod else values[0]
        name = var or (ref or "")
        leaf = name.rsplit(".", 1)[-1]
        if not (lexicon.environment_of(value) or lexicon.is_env_name_variable(leaf)
                or lexicon.is_environment_subject(leaf) or vocab.is_demo_flag(leaf)):
            return None
        return Atom(var, ref, "==" if positive else "!=", value)

    def _subject(self, node) -> tuple[str, str | None] | None:
        node = _strip_methods(node)
        read = self.env_read(node)
        if read is not None:
            return read, None
        if isinstance(node, cst.Name) and node.value in self.env_locals:
            return self.env_locals[node.value], None
        if isinstance(node, cst.Subscript):
            key = _string(node.slice[0].slice.value) if node.slice and isinstance(node.slice[0].slice, cst.Index) \
                else None
            owner = _dotted(node.value)
            return ("", f"{owner}.{key}") if owner and key else None
        ref = _dotted(node)
        return ("", ref) if ref else None

    def tests(self, cond, negate: bool, prefix: str = "") -> tuple[Condition, ...]:
        out = []
        for leaf, neg in _conjuncts(cond, negate):
            atom = self.atom(leaf)
            if atom is None:
                continue
            if neg:
                atom = atom.negated()
            text = self.text(leaf)
            shown = text if not neg else (f"not {text}" if re.fullmatch(r"[\w.()\[\]\"']+", text) else
                                          f"not ({text})")
            out.append(Condition(self.span(leaf), prefix + shown, atom.subject, atom.ref, atom.op, atom.value,
                                 atom.presence))
        return tuple(out)

    # ------------------------------------------------------------------ pass 2: statements

    def block(self, body: Iterable[cst.CSTNode], conds: tuple[Condition, ...], owner: str | None = None) -> None:
        """Walk statements; ``owner`` is the class whose body this is (methods), else None."""
        extra: tuple[Condition, ...] = ()
        enter = getattr(self.positions, "enter", None)  # where spans are wanted next (python._LazyPositions)
        for stmt in body:
            if enter is not None:
                enter(stmt)
            here = conds + extra
            if isinstance(stmt, cst.If):
                if _is_main_check(stmt.test):
                    self.out.append(Script(self.span(stmt.test), 'runs as a standalone script (`if __name__ == "__main__"`)'))
                self.block(_block(stmt.body), here + self.tests(stmt.test, False), owner)
                orelse = stmt.orelse
                negated = here + self.tests(stmt.test, True)
                if isinstance(orelse, cst.If):
                    self.block([orelse], negated, owner)
                elif isinstance(orelse, cst.Else):
                    self.block(_block(orelse.body), negated, owner)
                elif _exits(stmt.body):
                    extra = extra + self.tests(stmt.test, True)
            elif isinstance(stmt, cst.FunctionDef):
                self.function(stmt, here, owner)
                params = {p.name.value for p in (*stmt.params.posonly_params, *stmt.params.params,
                                                 *stmt.params.kwonly_params)}
                self.scopes.append((stmt.name.value, params))
                self.block(_block(stmt.body), here)
                self.scopes.pop()
            elif isinstance(stmt, cst.ClassDef):
                self.klass(stmt)
                self.class_guards[stmt.name.value] = tuple(
                    self.text(b.value) for b in stmt.bases if vocab.classify_guard(self.text(b.value)))
                self.block(_block(stmt.body), here, stmt.name.value)
            elif isinstance(stmt, (cst.With, cst.For, cst.While)):
                self.block(_block(stmt.body), here)
            elif isinstance(stmt, (cst.Try, cst.TryStar)):
                self.block(_block(stmt.body), here)
                for handler in stmt.handlers:
                    self.block(_block(handler.body), here)
            for small in _smalls(stmt):
                self.small(small, here)

    def small(self, small, conds: tuple[Condition, ...]) -> None:
        if isinstance(small, cst.Expr) and isinstance(small.value, cst.Call):
            self.call(small.value, conds)
        elif isinstance(small, (cst.Assign, cst.AnnAssign)) and small.value is not None:
            targets = [t.target for t in small.targets] if isinstance(small, cst.Assign) else [small.target]
            names = [_dotted(t) for t in targets]
            if isinstance(small.value, cst.Call):
                if any(isinstance(t, cst.Name) for t in targets):
                    for t in targets:
                        if isinstance(t, cst.Name):
                            self._assign(t.value, small.value)
                self.call(small.value, conds)
            if "urlpatterns" in names:
                self.urlpatterns(small.value, conds)
        elif isinstance(small, cst.AugAssign) and _dotted(small.target) == "urlpatterns":
            self.urlpatterns(small.value, conds)

    # ------------------------------------------------------------------ FastAPI / Flask

    def function(self, fn: cst.FunctionDef, conds: tuple[Condition, ...], owner: str | None = None) -> None:
        routes = []
        others = []
        for dec in fn.decorators:
            expr = dec.decorator
            call = expr if isinstance(expr, cst.Call) else None
            func = call.func if call is not None else expr
            if isinstance(func, cst.Attribute):
                router = _dotted(func.value)
                method = func.attr.value
                if router is not None and method == "before_request":
                    self.out.append(Mount(self.span(dec), "", "", None, (fn.name.value,), parent=router,
                                          conditions=tuple(c.text for c in conds), tests=conds))
                    continue
                if router is not None and method in HTTP and self._is_router(router) and call is not None:
                    routes.append((dec, router, method, call))
                    continue
            others.append(expr)
        if owner is None:  # methods are judged with their class (klass)
            self._guard_def(fn, others, None)
        for dec, router, method, call in routes:
            self._route(fn, dec, router, method, call, others, conds, owner)

    def _is_router(self, name: str) -> bool:
        leaf = name.rsplit(".", 1)[-1]
        return name in self.routers or leaf in ROUTER_NAMES or leaf.endswith(("_router", "_bp", "_blueprint",
                                                                               "_app", "_api"))

    def _route(self, fn, dec, router: str, method: str, call: cst.Call, others, conds, owner: str | None) -> None:
        fw, own_prefix, router_guards = self.routers.get(router, ("", "", ()))
        path_node = call.args[0].value if call.args and call.args[0].keyword is None else _keyword(call, "path") \
            or _keyword(call, "rule")
        path = _string(path_node) if path_node is not None else None
        if path is None:
            if path_node is None:
                return
            path = "{" + _short(self.text(path_node), 60) + "}"
        verbs = [HTTP[method]]
        methods = _keyword(call, "methods")
        if methods is not None and method in {"route", "api_route"}:
            verbs = [v.upper() for v in _strings(methods)] or verbs
        if not fw:
            fw = "flask" if method == "route" else "fastapi"
        guards = list(router_guards) + list(self.class_guards.get(owner or "", ()))
        guards += self._dependency_texts(_keyword(call, "dependencies"))
        guards += self._signature_guards(fn) + [self.text(o) for o in others if vocab.classify_guard(self.text(o))]
        inline_guards, inline_tests = self.inline_checks(fn)
        tests = conds + inline_tests
        full = _join(own_prefix, path) if own_prefix else path
        mount = self.mount_name(router)
        for verb in verbs:
            self.out.append(Route(self.span(dec), verb, full, fn.name.value, tuple(_short(g) for g in guards)
                                  + tuple(inline_guards), tuple(c.text for c in tests), fw, mount, tests))

    def mount_name(self, router: str) -> str:
        """A router that is a parameter (``def register_debug_routes(app)``) is reached by its function's name."""
        for fn_name, params in reversed(self.scopes):
            if router in params:
                return fn_name
        return router

    def _signature_guards(self, fn: cst.FunctionDef) -> list[str]:
        out = []
        params = [*fn.params.posonly_params, *fn.params.params, *fn.params.kwonly_params]
        for p in params:
            default = p.default
            if isinstance(default, cst.Call) and _leaf(default.func) in {"Depends", "Security"}:
                if vocab.classify_guard(self.text(default)):  # Depends(get_db) is no guard
                    out.append(self.text(default))
                continue
            ann = p.annotation.annotation if p.annotation is not None else None
            if isinstance(ann, cst.Subscript) and _leaf(ann.value) == "Annotated":
                for el in ann.slice[1:]:
                    inner = el.slice.value if isinstance(el.slice, cst.Index) else None
                    if isinstance(inner, cst.Call) and _leaf(inner.func) in {"Depends", "Security"} and \
                            vocab.classify_guard(self.text(inner)):
                        out.append(self.text(inner))
            elif isinstance(ann, cst.Name):
                if ann.value in self.aliases and vocab.classify_guard(self.aliases[ann.value]):
                    out.append(self.aliases[ann.value])
                elif ann.value in self.imports and set(lexicon.words(ann.value)) & DEPENDENCY_ALIAS_WORDS:
                    out.append(ann.value)  # CurrentUser, CurrentSuperuser imported from deps
        return out

    def inline_checks(self, fn) -> tuple[list[str], tuple[Condition, ...]]:
        """Guards and environment tests at the top of a function: ``if not settings.DEBUG: raise Http404``."""
        guards: list[str] = []
        tests: tuple[Condition, ...] = ()
        statements = [s for s in _block(fn.body)][:_MAX_INLINE_STATEMENTS]
        for s in statements:
            if isinstance(s, cst.If) and s.orelse is None and _exits(s.body):
                found = self.tests(s.test, True, INLINE)
                if found:
                    tests = tests + found
                    continue
                text = _short(self.text(s.test))
                leaves = _leaves(s.test)
                kinds = {vocab.classify_check(self.text(leaf)) for leaf, _refuses in leaves}
                if kinds == {"auth"} or kinds == {"admin"} and all(refuses for _leaf, refuses in leaves):
                    guards.append(f"check {text}")
                continue
            for small in _smalls(s):
                call = small.value if isinstance(small, (cst.Expr, cst.Assign)) else None
                if isinstance(call, cst.Await):
                    call = call.expression
                if isinstance(call, cst.Call):
                    callee = _dotted(call.func) or ""
                    ws = lexicon.words(callee.rsplit(".", 1)[-1])
                    if ws and ws[0] in {"require", "assert", "ensure", "check", "verify", "authorize", "protect",
                                        "must", "only", "restrict"} and vocab.classify_guard(callee):
                        guards.append(_short(self.text(call)))
        return guards, tests

    def _guard_def(self, fn: cst.FunctionDef, decorators, owner: str | None) -> None:
        """GuardDefs for functions (Django/DRF views, ``before_request`` hooks, dependencies)."""
        name = f"{owner}.{fn.name.value}" if owner else fn.name.value
        kinds = {vocab.classify_guard(self.text(d)) for d in decorators}
        checks = self.inline_checks(fn)[0]
        if "admin" in kinds or any(vocab.classify_check(g) == "admin" for g in checks):
            self.out.append(GuardDef(self.span(fn.name), name, "admin"))
        elif "auth" in kinds:
            self.out.append(GuardDef(self.span(fn.name), name, "auth"))
        _guards, tests = self.inline_checks(fn)
        if tests:
            self.out.append(GuardDef(self.span(fn.name), name, "environment", tests))

    def klass(self, cls: cst.ClassDef) -> None:
        """Django class-based views and DRF viewsets: admin by permission classes, mixins or decorators."""
        admin = False
        for base in cls.bases:
            if vocab.classify_guard(self.text(base.value)) == "admin":
                admin = True
        for dec in cls.decorators:
            if vocab.classify_guard(self.text(dec.decorator)) == "admin":
                admin = True
        for stmt in _flat(_block(cls.body)):
            for small in _smalls(stmt):
                if isinstance(small, cst.Assign) and any(_dotted(t.target) == "permission_classes" for t in small.targets):
                    if any(vocab.classify_guard(self.text(el)) == "admin" for el in _elements(small.value)):
                        admin = True
            if isinstance(stmt, cst.FunctionDef):
                self._guard_def(stmt, [d.decorator for d in stmt.decorators], cls.name.value)
                if stmt.name.value in {"test_func", "has_permission", "dispatch"} and _has_role_test(self, stmt.body):
                    admin = True
        if admin:
            self.out.append(GuardDef(self.span(cls.name), cls.name.value, "admin"))
        elif any(vocab.classify_guard(self.text(b.value)) == "auth" for b in cls.bases):  # LoginRequiredMixin
            self.out.append(GuardDef(self.span(cls.name), cls.name.value, "auth"))

    def call(self, call: cst.Call, conds: tuple[Condition, ...]) -> None:
        func = call.func
        if isinstance(func, cst.Name):  # register_debug_routes(app): its routes hang below app
            name = func.value
            if name in self.functions or name in self.imports:
                for arg in call.args:
                    target = _dotted(arg.value)
                    if target is not None and "." not in target and self._is_router(target):
                        module = self.imports.get(name)
                        ref = (module[1] or name, _path(module[0])) if module is not None else (name, None)
                        self.out.append(Mount(self.span(call), "", ref[0], ref[1], (), tuple(c.text for c in conds),
                                              self.mount_name(target), conds))
                        break
            return
        if not isinstance(func, cst.Attribute):
            return
        owner = _dotted(func.value)
        method = func.attr.value
        texts = tuple(c.text for c in conds)
        # a router's own prefix and dependencies reach what is included into it, as they reach its routes
        _fw, own_prefix, own_guards = self.routers.get(owner or "", ("", "", ()))
        if method == "include_router" and call.args and owner:
            ref = self.router_ref(call.args[0].value)
            prefix = _join(own_prefix, self._prefix(_keyword(call, "prefix"))) if own_prefix else \
                self._prefix(_keyword(call, "prefix"))
            if ref is not None:
                guards = own_guards + tuple(self._dependency_texts(_keyword(call, "dependencies")))
                self.out.append(Mount(self.span(call), prefix, ref[0], ref[1], guards, texts, owner, conds))
        elif method == "register_blueprint" and call.args and owner:
            ref = self.router_ref(call.args[0].value)
            prefix = self._prefix(_keyword(call, "url_prefix"))
            if ref is not None:
                self.out.append(Mount(self.span(call), prefix, ref[0], ref[1], own_guards, texts, owner, conds))
        elif method == "mount" and len(call.args) >= 2 and owner:
            prefix = _string(call.args[0].value)
            ref = self.router_ref(call.args[1].value)
            if prefix is not None and ref is not None:
                self.out.append(Mount(self.span(call), prefix, ref[0], ref[1], (), texts, owner, conds))
        elif method == "add_url_rule" and call.args and owner and self._is_router(owner):
            path = _string(call.args[0].value)
            view = _keyword(call, "view_func") or (call.args[2].value if len(call.args) > 2 else None)
            if path is not None and view is not None:
                verbs = [v.upper() for v in _strings(_keyword(call, "methods"))] or ["ANY"]
                for verb in verbs:
                    self._view_route(call, verb, path, view, owner, conds, "flask")
        elif method == "register" and owner in self.routers and self.routers[owner][0] == "drf" and call.args:
            prefix = _string(call.args[0].value)
            if prefix is not None and len(call.args) > 1:
                self._view_route(call, "ANY", prefix, call.args[1].value, owner, conds, "drf")
        elif method == "add_api_route" and call.args and owner:
            path = _string(call.args[0].value)
            view = call.args[1].value if len(call.args) > 1 else _keyword(call, "endpoint")
            if path is not None and view is not None:
                self._view_route(call, "ANY", path, view, owner, conds, "fastapi")

    def _prefix(self, node) -> str:
        """A mount prefix: the literal, ``{settings.API_V1_STR}`` when it is not one, "" when absent."""
        if node is None:
            return ""
        value = _string(node)
        return value if value is not None else "{" + _short(self.text(node), 60) + "}"

    def _view_route(self, where, verb: str, path: str, view, mount: str, conds, framework: str) -> None:
        handler = _view_name(view)
        fn = self.functions.get(handler)
        inline_guards, inline_tests = self.inline_checks(fn) if fn is not None else ([], ())
        tests = conds + inline_tests
        self.out.append(Route(self.span(where), verb, path, handler, tuple(inline_guards),
                              tuple(c.text for c in tests), framework, mount, tests))

    def router_ref(self, node) -> tuple[str, str | None] | None:
        """(router name, module path or None) for ``users.router``, ``users_router``, ``"app.urls"``."""
        dotted = _dotted(node)
        if dotted is None:
            return None
        head, _, rest = dotted.partition(".")
        if head in self.imports:
            module, attr = self.imports[head]
            if rest:  # users.router: users is a module (from app.api.routes import users)
                full = f"{module}.{attr}" if attr else module
                return rest.rsplit(".", 1)[-1], _path(full)
            return (attr or head), _path(module)
        if not rest:
            return dotted, None
        return None

    # ------------------------------------------------------------------ Django

    def urlpatterns(self, value, conds: tuple[Condition, ...]) -> None:
        for el in _elements(value):
            if not isinstance(el, cst.Call) or _dotted(el.func) not in DJANGO_PATHS and _leaf(el.func) not in {
                    "path", "re_path", "url"}:
                continue
            if len(el.args) < 2:
                continue
            route = _string(el.args[0].value)
            if route is None:
                continue
            view = el.args[1].value
            here = conds
            texts = tuple(c.text for c in here)
            if isinstance(view, cst.Call) and _leaf(view.func) == "include":
                target = view.args[0].value if view.args else None
                if isinstance(target, cst.Tuple) and target.elements:
                    target = target.elements[0].value
                module = _string(target) if target is not None else None
                if module is not None:
                    self.out.append(Mount(self.span(el), route, "urlpatterns", _path(module), (), texts,
                                          "urlpatterns", here))
                else:
                    dotted = _dotted(target) or ""
                    if dotted.endswith(".urls") and dotted.split(".", 1)[0] in self.routers:  # include(router.urls)
                        self.out.append(Mount(self.span(el), route, dotted.split(".", 1)[0], None, (), texts,
                                              "urlpatterns", here))
                    elif dotted and dotted.split(".", 1)[0] in self.imports:
                        module_ref, attr = self.imports[dotted.split(".", 1)[0]]
                        full = f"{module_ref}.{attr}" if attr else module_ref
                        self.out.append(Mount(self.span(el), route, "urlpatterns", _path(full), (), texts,
                                              "urlpatterns", here))
                continue
            if _dotted(view) in {"admin.site.urls"}:
                continue
            self._view_route(el, "ANY", route, view, "urlpatterns", here, "django")


# ---------------------------------------------------------------------- small readers

def _flat(body) -> list:
    """Statements of a block with ``if``/``try`` blocks flattened (for the module tables)."""
    out = []
    stack = list(reversed(list(body)))
    while stack:
        stmt = stack.pop()
        out.append(stmt)
        if isinstance(stmt, cst.If):
            stack.extend(reversed(_block(stmt.body)))
            if isinstance(stmt.orelse, cst.Else):
                stack.extend(reversed(_block(stmt.orelse.body)))
            elif isinstance(stmt.orelse, cst.If):
                stack.append(stmt.orelse)
        elif isinstance(stmt, (cst.Try, cst.TryStar)):
            stack.extend(reversed(_block(stmt.body)))
    return out


def _block(body) -> list:
    if isinstance(body, cst.IndentedBlock):
        return list(body.body)
    if isinstance(body, cst.SimpleStatementSuite):
        return [cst.SimpleStatementLine(body=body.body)]
    return list(getattr(body, "body", []) or [])


def _smalls(stmt) -> list:
    if isinstance(stmt, cst.SimpleStatementLine):
        return list(stmt.body)
    return []


def _exits(body) -> bool:
    statements = _block(body)
    if not statements:
        return False
    last = statements[-1]
    if isinstance(last, cst.SimpleStatementLine) and last.body:
        small = last.body[-1]
        if isinstance(small, (cst.Raise, cst.Return)):
            return True
        if isinstance(small, cst.Expr) and isinstance(small.value, cst.Call):
            return (_dotted(small.value.func) or "") in EXIT_CALLS or _leaf(small.value.func) in EXIT_CALLS
    return False


def _dotted(node) -> str | None:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        inner = _dotted(node.value)
        return f"{inner}.{node.attr.value}" if inner else None
    if isinstance(node, cst.Call) and not node.args:
        inner = _dotted(node.func)
        return f"{inner}()" if inner else None
    return None


def _leaf(node) -> str | None:
    text = _dotted(node)
    return text.rsplit(".", 1)[-1] if text else None


def _string(node) -> str | None:
    if isinstance(node, (cst.SimpleString, cst.ConcatenatedString)):
        value = node.evaluated_value
        return value if isinstance(value, str) else None
    return None


def _strings(node) -> list[str]:
    if node is None:
        return []
    value = _string(node)
    if value is not None:
        return [value]
    if isinstance(node, (cst.List, cst.Tuple, cst.Set)):
        return [v for el in node.elements for v in _strings(el.value)]
    if isinstance(node, cst.Name) and node.value in {"True", "False"}:
        return [node.value.lower()]
    return []


def _elements(node) -> list:
    if isinstance(node, (cst.List, cst.Tuple)):
        return [el.value for el in node.elements]
    if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Add):
        return _elements(node.left) + _elements(node.right)
    return []


def _keyword(call: cst.Call, name: str):
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value == name:
            return arg.value
    return None


def _strip_methods(node):
    while isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute) and not node.args \
            and node.func.attr.value in {"lower", "upper", "strip", "casefold"}:
        node = node.func.value
    return node


def _leaves(node, negated: bool = False) -> list:
    """(test, refuses) for each test a boolean expression combines: ``refuses`` is True when the test
    reads "is not": ``not user.is_superuser``, ``role != "admin"``. An exit on it lets admins through."""
    if isinstance(node, cst.UnaryOperation) and isinstance(node.operator, cst.Not):
        return _leaves(node.expression, not negated)
    if isinstance(node, cst.BooleanOperation):
        return _leaves(node.left, negated) + _leaves(node.right, negated)
    negative = isinstance(node, cst.Comparison) and len(node.comparisons) == 1 and \
        isinstance(node.comparisons[0].operator, (cst.NotEqual, cst.NotIn, cst.IsNot))
    return [(node, negative != negated)]


def _conjuncts(node, negate: bool) -> list:
    if isinstance(node, cst.UnaryOperation) and isinstance(node.operator, cst.Not):
        return _conjuncts(node.expression, not negate)
    if isinstance(node, cst.BooleanOperation):
        if isinstance(node.operator, cst.And) and not negate or isinstance(node.operator, cst.Or) and negate:
            return _conjuncts(node.left, negate) + _conjuncts(node.right, negate)
    return [(node, negate)]


def _flaggy(name: str) -> bool:
    leaf = name.rsplit(".", 1)[-1]
    return (lexicon.flag_meaning(leaf) is not None or lexicon.is_debug_variable(leaf) or
            vocab.is_demo_flag(leaf) and vocab.flag_shaped(leaf))


def _is_main_check(test) -> bool:
    if not isinstance(test, cst.Comparison) or len(test.comparisons) != 1:
        return False
    left, right = test.left, test.comparisons[0].comparator
    names = {_dotted(left), _string(left), _dotted(right), _string(right)}
    return "__name__" in names and "__main__" in names


def _has_role_test(w: _Walker, body) -> bool:
    admin = vocab.ADMIN_WORDS - {"internal", "ops"}
    for node in _walk(body):
        if isinstance(node, cst.Comparison) and set(lexicon.words(w.text(node))) & admin:
            return True
        if isinstance(node, cst.Attribute) and node.attr.value in {"is_superuser", "is_staff", "is_admin", "isAdmin"}:
            return True
        if isinstance(node, cst.Call) and _leaf(node.func) in {"has_perm", "has_role", "has_roles", "has_perms"}:
            return True
    return False


def _walk(node, limit: int = 600):
    stack = [node]
    seen = 0
    while stack and seen < limit:
        n = stack.pop()
        seen += 1
        yield n
        stack.extend(n.children)


def _view_name(view) -> str:
    """``views.seed`` -> ``views.seed``; ``SeedView.as_view()`` -> ``SeedView``."""
    if isinstance(view, cst.Call) and isinstance(view.func, cst.Attribute) and view.func.attr.value == "as_view":
        return _dotted(view.func.value) or "<view>"
    return _dotted(view) or "<view>"


def _path(module: str) -> str:
    return module.replace(".", "/")


def _join(prefix: str, path: str) -> str:
    parts = [p.strip("/") for p in (prefix, path) if p and p.strip("/")]
    return "/" + "/".join(parts)


def _short(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
