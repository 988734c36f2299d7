"""Route registrations in TypeScript/JavaScript: Express, Fastify, Hono, Koa router, NestJS, Next.js.

``typescript.py`` calls ``extract_routes`` with its ``_File`` once the main pass has filled the
file's imports, constants and environment locals. Queries in ``_ts_routes.scm`` find candidates;
the code here decides which objects are routers, which argument is the handler and which are
guards, and which enclosing tests a registration sits under. Out come ``Route`` facts (path as
far as this file knows it), ``Mount`` facts (``app.use("/home", homeRouter)``, ``register(plugin,
{ prefix })``, ``router.use(requireAdmin)``) and ``GuardDef`` facts; ``routing.py`` joins them.
"""

from __future__ import annotations

import re

import re2
from functools import lru_cache
from pathlib import Path

from .. import guards as vocab
from .. import lexicon
from ..facts import Condition, GuardDef, Mount, Route
from . import _js_effects as effects
from . import _ts_depth
from ._prefilter import any_of

#: Bytes that make a file worth the route pass whatever else it holds: NestJS decorators and
#: prefixes, server frameworks (their imports mark middleware files), middleware and guard
#: definitions (GuardDef), judged by their bodies.
ROUTE_MARKS = (b"@Controller", b"@Module", b"setGlobalPrefix", b"fastify", b"Fastify", b"next()", b"next();",
               b"isAdmin")
#: Marks a literal would over-match: ``express`` and ``Hono`` where no lower-case letter goes on
#: (``'express'``, ``HonoEnv``; not "cron expression", ``Pacific/Honolulu``), and a re-export from a
#: relative module (mount chains through index files: ``Mount`` facts need the module resolved,
#: ``_Routes.reexports``), not a component file's closing ``export { Button, buttonVariants }``.
#: On novu these three let 53 files through that gave nothing, among them two 0.3-0.5 MB icon registries.
_MARK_PATTERNS = (rb"express(?:[^a-z]|\z)", rb"Hono(?:[^a-z]|\z)", rb"export \{[^}]*\}\s*from\s*[\"']\.")
#: Method calls that register routes or mount routers: ``app.get(``, ``router.use(``, ``fastify.register(``.
REGISTRATIONS = (b"get", b"post", b"put", b"patch", b"delete", b"all", b"route", b"use", b"register", b"on")

HTTP_METHODS = frozenset({"get", "post", "put", "patch", "delete", "del", "head", "options", "all"})
NEST_METHODS = {"Get": "GET", "Post": "POST", "Put": "PUT", "Patch": "PATCH", "Delete": "DELETE", "All": "ANY",
                "Head": "HEAD", "Options": "OPTIONS"}
NEXT_METHODS = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"})
#: Fastify/Elysia route options whose values are guard hooks.
HOOK_KEYS = frozenset({"preHandler", "onRequest", "preValidation", "preParsing", "beforeHandle", "preSerialization"})
#: Constructors of routers, by the text of the callee: framework.
ROUTER_FACTORIES = {"express": "express", "Router": "express", "express.Router": "express", "Fastify": "fastify",
                    "fastify": "fastify", "Hono": "hono", "OpenAPIHono": "hono", "KoaRouter": "koa",
                    "polka": "express", "Elysia": "elysia", "createRouter": "express", "AutoRouter": "express"}
#: Parameter type names that say the parameter is a router.
ROUTER_TYPES = ("Router", "Express", "Application", "FastifyInstance", "Hono", "KoaRouter", "Elysia", "IRouter")
ROUTER_PARAM_NAMES = frozenset({"app", "router", "fastify", "server", "instance"})
#: Names that look like routers without a declaration in sight.
ROUTER_NAMES = frozenset({"app", "router", "server", "fastify", "routes", "api", "hono"})
#: Objects whose get/post are HTTP clients or test agents, never routers.
CLIENT_NAMES = frozenset({"axios", "http", "https", "request", "superagent", "got", "ky", "fetch", "client",
                          "httpClient", "this.http", "this.httpClient", "this.client", "$http", "agent", "cy",
                          "supertest", "api", "instance", "$", "jQuery", "redis", "cache", "map", "params",
                          "searchParams", "headers", "formData", "localStorage", "store", "db", "prisma"})
_MAX_DEPTH = 64
INLINE = "in handler: "  # marks a test made inside the handler or a guard function (routing.INLINE)
_MAX_INLINE_STATEMENTS = 8


@lru_cache(maxsize=2)
def _query(tsx: bool):
    from tree_sitter import Query

    from .typescript import _language

    source = Path(__file__).with_name("_ts_routes.scm").read_text(encoding="utf-8")
    return Query(_language(tsx), source)


_MARK_RE = any_of(ROUTE_MARKS, _MARK_PATTERNS)
_REGISTRATION_RE = re2.compile(rb"\.(?:" + b"|".join(REGISTRATIONS) + rb")\(")
#: Bytes a function body must contain to be worth judging as a guard (environment, role, middleware).
_GUARD_BODY = re.compile(rb"env|Env|ENV|isProd|isDev|config|Config|settings|admin|Admin|role|Role|next|Staff|staff")


def wanted(path: str, src: bytes) -> bool:
    """Whether a file may register routes (checked before parsing).

    The bytes test stands for what ``router_of`` accepts after the parse: a file that names a
    router factory or type as a word (``Router``, ``Hono``, ``FastifyInstance``), or that calls a
    registration method on a receiver named like a router (``app``, ``apiRouter``, ``this.server``).
    A ``map.get(``, ``axios.post(`` or Vue's ``router.push(`` alone is no route.
    """
    if next_route(path) is not None or _MARK_RE.search(src) is not None or _ROUTER_WORDS_RE.search(src) is not None:
        return True
    return any(_router_receiver(_receiver_before(src, m.start())) for m in _REGISTRATION_RE.finditer(src))


#: Router factories and router types (``ROUTER_FACTORIES``, ``ROUTER_TYPES``) as whole words.
_ROUTER_WORDS_RE = re2.compile(rb"(?:\A|[^A-Za-z0-9_$])(?:" + b"|".join(sorted(
    {re.escape(n.rsplit(".", 1)[-1].encode()) for n in ROUTER_FACTORIES} | {re.escape(t.encode()) for t in ROUTER_TYPES},
    key=len, reverse=True)) + rb")(?:[^A-Za-z0-9_$]|\z)")


def _receiver_before(src: bytes, dot: int) -> str:
    """The identifier just before the ``.`` at ``dot`` (whitespace and line breaks skipped)."""
    end = dot
    while end > 0 and src[end - 1] in b" \t\r\n":
        end -= 1
    start = end
    while start > 0 and (src[start - 1] in _IDENT_BYTES):
        start -= 1
    return src[start:end].decode("ascii", errors="replace")


_IDENT_BYTES = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_$")


def _router_receiver(name: str) -> bool:
    return bool(name) and name not in CLIENT_NAMES and (
        name in ROUTER_NAMES or name in ROUTER_PARAM_NAMES or _router_name(name))


def next_route(path: str) -> tuple[str, str] | None:
    """("pages", "/api/seed") or ("app", "/api/seed") for Next.js API files; None otherwise."""
    parts = path.split("/")
    stem, _, ext = parts[-1].rpartition(".")
    if ext not in {"ts", "tsx", "js", "jsx", "mjs"}:
        return None
    if "pages" in parts[:-1]:
        i = parts.index("pages")
        if i + 1 < len(parts) - 1 and parts[i + 1] == "api":
            segments = parts[i + 1:-1] + ([] if stem == "index" else [stem])
            return "pages", "/" + "/".join(segments)
    if stem == "route" and "app" in parts[:-1]:
        i = parts.index("app")
        segments = [p for p in parts[i + 1:-1] if not (p.startswith("(") and p.endswith(")")) and not p.startswith("@")]
        return "app", "/" + "/".join(segments)
    return None


def join_path(prefix: str, path: str) -> str:
    """``/home`` + ``/seed-demo`` -> ``/home/seed-demo``; ``admin`` + ``seed`` -> ``/admin/seed``."""
    parts = [p.strip("/") for p in (prefix, path) if p and p.strip("/")]
    return "/" + "/".join(parts)


def extract_routes(f, tree, tsx: bool) -> None:
    """Append Route, Mount and GuardDef facts for one parsed file to ``f.facts``."""
    captures: dict[str, list] = {}
    functions: dict[str, object] = {}
    routers: list[tuple[object, object]] = []
    exports: list = []
    deep = f.deep  # subtrees too deep to judge (_ts_depth)
    for _, match in _ts_depth.cursor(_query(tsx)).matches(tree.root_node):
        if deep is not None and any(deep.touches(n) for nodes in match.values() for n in nodes):
            continue
        if "function_name" in match:
            functions.setdefault(f.text(match["function_name"][0]), match["function"][0])
        elif "router_name" in match:
            routers.append((match["router_name"][0], match["router_value"][0]))
        elif "assignment" in match:
            exported = _cjs_export(f, match["assignment"][0])
            if exported is not None:
                exports.append(exported)
        else:
            for name, nodes in match.items():
                if not name.startswith("_"):
                    captures.setdefault(name, []).extend(nodes)
    calls = [call for call in f.method_calls if _method_call(call)]  # judged by the main query's cursor, ``deep`` included
    if calls:
        captures["call"] = calls
    r = _Routes(f, functions)
    r.default_exports(captures.get("export", ()), exports)
    r.reexports(captures.get("export", ()))
    r.declare_routers(routers)
    for call in sorted(captures.get("call", ()), key=lambda n: n.start_byte):
        r.call(call)
    for call in f.plain_calls:
        arguments = call.child_by_field_name("arguments")
        if arguments is not None and arguments.type == "arguments":  # not a tagged template
            r.plain_call(call)
    for cls in captures.get("class", ()):
        r.controller(cls)
    for array in captures.get("nest_controllers", ()):
        r.controller_list(array)
    r.next_routes(captures.get("export", ()))
    r.guard_defs()
    f.facts.extend(r.out)


def _cjs_export(f, assignment):
    """What ``module.exports = value`` exports (``value``), or None for another assignment."""
    left = assignment.child_by_field_name("left")
    if left is None or left.type != "member_expression":
        return None
    owner, prop = left.child_by_field_name("object"), left.child_by_field_name("property")
    if owner is None or owner.type != "identifier" or f.text(owner) != "module" \
            or prop is None or prop.type != "property_identifier" or f.text(prop) != "exports":
        return None
    return assignment.child_by_field_name("right")


def _method_call(call) -> bool:
    """``obj.method(args)``: a named method, called with parentheses (not a tagged template)."""
    prop = call.child_by_field_name("function").child_by_field_name("property")
    args = call.child_by_field_name("arguments")
    return prop is not None and prop.type == "property_identifier" and args is not None and args.type == "arguments"


class _Routes:
    """Per-file state: known routers, the default export, functions by name."""

    def __init__(self, f, functions: dict[str, object]) -> None:
        self.f = f
        self.functions = functions
        self.routers: dict[str, tuple[str, str]] = {}  # name -> (framework, own prefix)
        self.default_names: set[str] = set()
        self.out: list = []
        self.pushes: dict[str, list[list]] = {}  # array name -> argument lists of its .push() calls

    # ------------------------------------------------------------------ names

    def default_exports(self, exports, cjs) -> None:
        f = self.f
        for node in exports:
            value = node.child_by_field_name("value")
            decl = node.child_by_field_name("declaration")
            if value is not None and value.type == "identifier" and b"default" in f.src[node.start_byte:value.start_byte]:
                self.default_names.add(f.text(value))
            elif decl is not None and b"default" in f.src[node.start_byte:decl.start_byte]:
                name = decl.child_by_field_name("name")
                if name is not None:
                    self.default_names.add(f.text(name))
            for clause in node.named_children:
                if clause.type == "export_clause":
                    for spec in clause.named_children:
                        alias = spec.child_by_field_name("alias")
                        if alias is not None and f.text(alias) == "default":
                            self.default_names.add(f.text(spec.child_by_field_name("name")))
        for value in cjs:
            if value.type == "identifier":
                self.default_names.add(f.text(value))

    def reexports(self, exports) -> None:
        """``export { default } from "./developer"``: the name here is the name there, for mounts."""
        f = self.f
        for node in exports:
            source = node.child_by_field_name("source")
            module = f._resolve_module(f.evaluate(source) or "") if source is not None else None
            if module is None:
                continue
            for clause in node.named_children:
                if clause.type != "export_clause":
                    continue
                for spec in clause.named_children:
                    name = spec.child_by_field_name("name")
                    alias = spec.child_by_field_name("alias") or name
                    if name is not None:
                        self.out.append(Mount(f.span(spec), "", f.text(name), module, parent=f.text(alias)))

    def canonical(self, name: str) -> str:
        return "default" if name in self.default_names else name

    def declare_routers(self, pairs) -> None:
        f = self.f
        for name_node, value in pairs:
            name = f.text(name_node)
            value = _unwrap(value)
            found = self._router_value(value)
            if found is not None:
                self.routers[name] = found
                continue
            # const api = app.basePath("/api"): a router mounted on another
            if value.type == "call_expression":
                fn = value.child_by_field_name("function")
                if fn is not None and fn.type == "member_expression" and f.text(fn.child_by_field_name("property")) == "basePath":
                    owner = self.router_of(fn.child_by_field_name("object"))
                    prefix = self._first_string(value)
                    if owner is not None and prefix is not None:
                        self.routers[name] = (owner[1], "")
                        self.out.append(Mount(f.span(value), prefix, self.canonical(name), None,
                                              parent=owner[0], **self._conds(value)))

    def _router_value(self, value) -> tuple[str, str] | None:
        """(framework, own prefix) when ``value`` constructs a router."""
        f = self.f
        prefix = ""
        node = value
        for _ in range(8):  # new Hono().basePath("/api")
            if node.type == "call_expression":
                fn = node.child_by_field_name("function")
                if fn is not None and fn.type == "member_expression" and \
                        f.text(fn.child_by_field_name("property")) == "basePath":
                    prefix = join_path(self._first_string(node) or "", prefix) if prefix else (self._first_string(node) or "")
                    node = fn.child_by_field_name("object")
                    continue
                callee = f.text(fn) if fn is not None else ""
            elif node.type == "new_expression":
                callee = f.text(node.child_by_field_name("constructor"))
            else:
                return None
            fw = ROUTER_FACTORIES.get(callee)
            if fw is None and callee.rsplit(".", 1)[-1] == "Router" and callee.count(".") <= 1:
                fw = "express" if node.type == "call_expression" else "koa"
            if fw is None:
                return None
            if node.type == "new_expression" and callee in {"Router", "KoaRouter"}:
                fw = "koa"
            opts = _object_arg(node)
            if opts is not None:
                own = self._pair_value(opts, "prefix")
                if own is not None:
                    prefix = join_path(own, prefix)
            return fw, prefix
        return None

    def _param_owner(self, node, name: str):
        """The function whose parameter ``name`` is, and the parameter node; (None, None) when none."""
        current = node.parent
        while current is not None:
            if current.type in {"function_declaration", "arrow_function", "function_expression", "function",
                                "method_definition", "generator_function_declaration"}:
                params = current.child_by_field_name("parameters") or current.child_by_field_name("parameter")
                for p in _params(params):
                    pattern = p.child_by_field_name("pattern") if p.type in {"required_parameter", "optional_parameter"} else p
                    if pattern is not None and pattern.type == "identifier" and self.f.text(pattern) == name:
                        return current, p
            current = current.parent
        return None, None

    def function_name(self, fn) -> str:
        """How other code reaches a function: its name, ``default``, or ``<fn@line:col>`` for inline ones."""
        f = self.f
        name = fn.child_by_field_name("name") if fn.type != "arrow_function" else None
        parent = fn.parent
        if name is None and parent is not None and parent.type == "variable_declarator":
            name = parent.child_by_field_name("name")
        if name is not None:
            return self.canonical(f.text(name))
        if parent is not None and parent.type == "export_statement":
            return "default"
        if parent is not None and parent.type == "assignment_expression" and \
                f.text(parent.child_by_field_name("left")) in {"module.exports", "exports.default"}:
            return "default"
        if fn.type == "method_definition":
            return f.text(fn.child_by_field_name("name"))
        return f"<fn@{fn.start_point[0] + 1}:{fn.start_point[1] + 1}>"

    def router_of(self, obj) -> tuple[str, str, str, str] | None:
        """(mount name, framework, own prefix, evidence) for a router expression; None for non-routers.

        Evidence is ``declared`` (constructed here, or a typed/router-named parameter) or
        ``named`` (only its name says so: ``app``, ``adminRouter``).
        """
        f = self.f
        obj = _unwrap(obj)
        if obj is None:
            return None
        if obj.type == "identifier":
            name = f.text(obj)
            if name in self.routers:
                fw, prefix = self.routers[name]
                return self.canonical(name), fw, prefix, "declared"
            fn, param = self._param_owner(obj, name)
            if fn is not None:
                ptype = param.child_by_field_name("type") if param is not None and param.type != "identifier" else None
                typed = ptype is not None and any(t in f.text(ptype) for t in ROUTER_TYPES)
                if typed or name in ROUTER_PARAM_NAMES or _router_name(name):
                    tname = f.text(ptype) if ptype is not None else ""
                    fw = "fastify" if "Fastify" in tname or name == "fastify" or _registered_plugin(f, fn) else \
                        "express" if any(t in tname for t in ("Express", "Application", "Router")) else \
                        "hono" if "Hono" in tname else ""
                    return self.function_name(fn), fw, "", "declared"
                return None
            if name in CLIENT_NAMES:
                return None
            if name in ROUTER_NAMES or _router_name(name):
                return name, "", "", "named"
            return None
        if obj.type == "member_expression":
            text = f.text(obj)
            if text in CLIENT_NAMES:
                return None
            leaf = text.rsplit(".", 1)[-1]
            if text.startswith("this.") and (leaf in ROUTER_NAMES or _router_name(leaf)) and leaf not in CLIENT_NAMES:
                return text, "", "", "named"
        return None

    # ------------------------------------------------------------------ calls

    def call(self, call) -> None:
        f = self.f
        fn = call.child_by_field_name("function")
        method = f.text(fn.child_by_field_name("property"))
        obj = fn.child_by_field_name("object")
        args = [a for a in call.child_by_field_name("arguments").named_children if a.type != "comment"]
        if method in HTTP_METHODS:
            self._route_call(call, method, obj, args)
        elif method == "use":
            self._use(call, obj, args)
        elif method == "register":
            self._register(call, obj, args)
        elif method == "route":
            if len(args) == 1 and args[0].type == "object":
                self._fastify_route(call, obj, args[0])
            elif len(args) == 2 and self.f.evaluate(args[0]) is not None:
                self._hono_mount(call, obj, args)
        elif method == "on" and len(args) >= 3:
            self._hono_on(call, obj, args)
        elif method == "addHook" and len(args) >= 2 and (f.evaluate(args[0]) or "") in HOOK_KEYS:
            owner = self.router_of(obj)
            if owner is not None:
                self._middleware(call, owner[0], "", args[1:])
        elif method == "push" and _unwrap(obj).type == "identifier":
            self.pushes.setdefault(f.text(_unwrap(obj)), []).append(args)
        elif method == "setGlobalPrefix" and args:
            prefix = f.evaluate(args[0])
            if prefix is None:
                prefix = _placeholder(f, args[0])
            if prefix is not None:
                self.out.append(Mount(f.span(call), prefix, "@nest", None, **self._conds(call)))
        elif method == "useGlobalGuards" and args:
            self._middleware(call, "@nest", "", args)
        elif method == "prefix" and len(args) == 1:
            owner = self.router_of(obj)
            prefix = f.evaluate(args[0])
            if owner is not None and prefix is not None and _unwrap(obj).type == "identifier":
                name = f.text(_unwrap(obj))
                fw, own = self.routers.get(name, ("koa", ""))
                self.routers[name] = (fw, join_path(own, prefix))

    def plain_call(self, call) -> None:
        """``registerDevRoutes(app)``: the routes that function registers on its parameter hang below
        ``app``, under the conditions of this call."""
        f = self.f
        name = f.text(call.child_by_field_name("function"))
        if name in {"require", "import"} or (name not in self.functions and name not in f.imports):
            return
        for arg in call.child_by_field_name("arguments").named_children:
            owner = self.router_of(arg)
            if owner is not None:
                module = f.imports.get(name)
                self.out.append(Mount(f.span(call), owner[2], self.canonical(name) if module is None else name,
                                      module, parent=owner[0], **self._conds(call)))
                return

    def _route_call(self, call, method: str, obj, args) -> None:
        f = self.f
        path_node = None
        base = _unwrap(obj)
        # router.route("/x").get(h).post(h), and Hono chains app.get("/a", h).post("/b", h)
        while base is not None and base.type == "call_expression":
            bfn = base.child_by_field_name("function")
            if bfn is None or bfn.type != "member_expression":
                return
            bmethod = f.text(bfn.child_by_field_name("property"))
            bargs = base.child_by_field_name("arguments").named_children
            if bmethod == "route" and len(bargs) == 1 and path_node is None:
                path_node = bargs[0]
            elif bmethod not in HTTP_METHODS:
                return
            base = _unwrap(bfn.child_by_field_name("object"))
        owner = self.router_of(base)
        if owner is None:
            return
        if path_node is None:
            if len(args) < 2:
                return
            path_node, rest = args[0], args[1:]
        else:
            rest = args
            if not rest:
                return
        paths = self._paths(path_node)
        if not paths:
            return
        handler = rest[-1]
        if owner[3] == "named" and not _is_handler(handler, strict=owner[0] in {"api", "routes", "server"}):
            return
        if owner[3] == "named" and not all(p.startswith(("/", "*")) or p.startswith("{") for p in paths):
            return
        guard_nodes: list = []
        for g in rest[:-1]:
            if g.type == "object":
                guard_nodes.extend(self._hook_values(g))
            else:
                guard_nodes.extend(_flatten(g))
        fw = owner[1] or ("fastify" if owner[0] == "fastify" else "")
        verb = "ANY" if method == "all" else ("DELETE" if method == "del" else method.upper())
        for p in paths:
            self._emit_route(call, path_node, verb, join_path(owner[2], p) if owner[2] else p, handler, guard_nodes, fw,
                             owner[0])

    def _emit_route(self, call, where, method: str, path: str, handler, guard_nodes, framework: str,
                    mount: str | None) -> None:
        """One route; ``where`` (the path argument) is where findings point."""
        f = self.f
        guards = [_guard_text(f, g) for g in guard_nodes]
        conds = self._conds(call)
        inline_guards, inline_tests = self._inline_checks(handler)
        self.out.append(Route(
            f.span(where), method, path or "/", self._handler_name(handler), tuple(guards + inline_guards),
            conds["conditions"] + tuple(t.text for t in inline_tests), framework, mount,
            conds["tests"] + tuple(inline_tests),
        ))

    def _paths(self, node) -> list[str]:
        f = self.f
        node = _unwrap(node)
        if node is None:
            return []
        if node.type == "array":
            out = []
            for el in node.named_children:
                out.extend(self._paths(el))
            return out
        value = f.evaluate(node)
        if value is not None:
            return [value]
        if node.type == "template_string":
            return [_template_path(f, node)]
        if node.type == "regex":
            return [f.text(node)]
        if node.type in {"identifier", "member_expression", "template_string"}:
            return ["{" + _short(f.text(node), 60) + "}"]
        return []

    def _hook_values(self, obj) -> list:
        out = []
        for pair in obj.named_children:
            if pair.type == "pair" and self.f._key(pair) in HOOK_KEYS:
                out.extend(_flatten(pair.child_by_field_name("value")))
        return out

    def _fastify_route(self, call, obj, opts) -> None:
        owner = self.router_of(obj)
        if owner is None:
            return
        f = self.f
        methods = self._pair_node(opts, "method")
        url = self._pair_value(opts, "url") or self._pair_value(opts, "path")
        handler = self._pair_node(opts, "handler")
        if methods is None or url is None or handler is None:
            return
        verbs = [f.evaluate(m) for m in _flatten(methods)] if methods.type == "array" else [f.evaluate(methods)]
        guard_nodes = self._hook_values(opts)
        for verb in verbs:
            if verb:
                self._emit_route(call, self._pair_node(opts, "url") or self._pair_node(opts, "path"), verb.upper(),
                                 join_path(owner[2], url) if owner[2] else url, handler, guard_nodes,
                                 owner[1] or "fastify", owner[0])

    def _hono_on(self, call, obj, args) -> None:
        owner = self.router_of(obj)
        if owner is None:
            return
        verbs = [self.f.evaluate(v) for v in _flatten(args[0])]
        for p in self._paths(args[1]):
            for verb in verbs:
                if verb:
                    self._emit_route(call, args[1], verb.upper(), join_path(owner[2], p) if owner[2] else p, args[-1],
                                     args[2:-1], owner[1] or "hono", owner[0])

    def _hono_mount(self, call, obj, args) -> None:
        owner = self.router_of(obj)
        prefix = self.f.evaluate(args[0])
        target = self._router_ref(args[1])
        if owner is None or prefix is None or target is None:
            return
        name, module = target
        self.out.append(Mount(self.f.span(call), join_path(owner[2], prefix) if owner[2] else prefix, name, module,
                              parent=owner[0], **self._conds(call)))

    def _use(self, call, obj, args) -> None:
        f = self.f
        if not args:
            return
        prefix = f.evaluate(args[0])
        if prefix is None and len(args) > 1 and _prefix_like(f, args[0]):  # app.use(config.apiPrefix, router)
            prefix = _placeholder(f, args[0])
        if prefix is not None or (args[0].type == "array" and all(f.evaluate(a) for a in args[0].named_children)):
            prefixes = [prefix] if prefix is not None else [f.evaluate(a) for a in args[0].named_children]
            rest = args[1:]
        else:
            prefixes, rest = [""], args
        owner = self.router_of(obj)
        if owner is None:
            if prefix is None:
                return
            base = _unwrap(obj)
            if base is None or base.type != "identifier" or f.text(base) in CLIENT_NAMES:
                return
            owner = (f.text(base), "", "", "named")
        guards: list = []
        mounted = False
        for arg in rest:
            for item in _flatten(arg):
                ref = self._router_ref(item)
                is_guard = vocab.classify_guard(f.text(item)) is not None and not _router_name(f.text(item))
                if ref is not None and not is_guard:
                    for p in prefixes:
                        p = join_path(owner[2], p) if owner[2] else p
                        self.out.append(Mount(f.span(call), p, ref[0], ref[1], tuple(_short(f.text(g)) for g in guards),
                                              parent=owner[0], **self._conds(call)))
                    mounted = True
                elif is_guard:
                    guards.append(item)
        if not mounted and guards:
            for p in prefixes:
                self._middleware(call, owner[0], join_path(owner[2], p) if owner[2] else p, guards)

    def _middleware(self, call, parent: str, prefix: str, nodes) -> None:
        f = self.f
        texts = tuple(_guard_text(f, g) for n in nodes for g in _flatten(n))
        if texts:
            self.out.append(Mount(f.span(call), prefix.rstrip("*").rstrip("/") if prefix not in {"/", ""} else "",
                                  "", None, texts, parent=parent, **self._conds(call)))

    def _register(self, call, obj, args) -> None:
        f = self.f
        if not args:
            return
        owner = self.router_of(obj)
        if owner is None:
            return
        target = _unwrap(args[0])
        prefix = ""
        if len(args) > 1 and args[1].type == "object":
            prefix = self._pair_value(args[1], "prefix") or ""
        if target.type in {"arrow_function", "function_expression", "function"}:
            ref = (self.function_name(target), None)
        else:
            ref = self._router_ref(target)
        if ref is None:
            return
        self.out.append(Mount(f.span(call), join_path(owner[2], prefix) if owner[2] and prefix else prefix,
                              ref[0], ref[1], parent=owner[0], **self._conds(call)))

    def _router_ref(self, node) -> tuple[str, str | None] | None:
        """(router name, module or None) for a mounted thing: ``homeRouter``, ``require("./x")``, ``r.routes()``."""
        f = self.f
        node = _unwrap(node)
        if node is None:
            return None
        if node.type == "identifier":
            name = f.text(node)
            if name in self.routers or name in self.functions:
                return self.canonical(name), None
            if name in f.imports:
                return name, f.imports[name]
            return None
        if node.type == "call_expression":
            fn = node.child_by_field_name("function")
            args = node.child_by_field_name("arguments").named_children
            fn_text = f.text(fn) if fn is not None else ""
            if fn_text in {"require", "import"} and args:
                module = f._resolve_module(f.evaluate(args[0]) or "")
                return ("default", module) if module is not None else None
            if fn is not None and fn.type == "member_expression" and f.text(fn.child_by_field_name("property")) == "routes":
                return self._router_ref(fn.child_by_field_name("object"))
            return None
        if node.type == "member_expression":
            # Koa router.routes (without call), require("./x").router
            obj = node.child_by_field_name("object")
            prop = f.text(node.child_by_field_name("property"))
            inner = self._router_ref(obj)
            if inner is not None and inner[0] == "default" and inner[1] is not None:
                return prop, inner[1]
            if f.text(obj) in f.imports:
                return prop, f.imports[f.text(obj)]
        return None

    # ------------------------------------------------------------------ NestJS

    def controller(self, cls) -> None:
        f = self.f
        decorators = [c for c in cls.children if c.type == "decorator"]
        if cls.parent is not None and cls.parent.type == "export_statement":
            decorators += [c for c in cls.parent.children if c.type == "decorator"]
        name_node = cls.child_by_field_name("name")
        cls_name = f.text(name_node) if name_node is not None else "<class>"
        module = next((d for d in decorators if _decorator_name(f, d) == "Module"), None)
        if module is not None:
            self._nest_module(cls_name, module)
        ctrl = next((d for d in decorators if _decorator_name(f, d) == "Controller"), None)
        if ctrl is None:
            return
        base = self._decorator_path(ctrl)
        class_guards = self._decorator_guards(decorators)
        body = cls.child_by_field_name("body")
        pending: list = []
        for member in body.named_children if body is not None else ():
            if member.type == "comment":
                continue
            if member.type == "decorator":
                pending.append(member)
                continue
            if member.type != "method_definition":
                pending = []
                continue
            decorators, pending = pending + [c for c in member.children if c.type == "decorator"], []
            for d in decorators:
                verb = NEST_METHODS.get(_decorator_name(f, d) or "")
                if verb is None:
                    continue
                path = join_path(base, self._decorator_path(d))
                handler = f"{cls_name}.{f.text(member.child_by_field_name('name'))}"
                guards = class_guards + self._decorator_guards(decorators)
                conds = self._conds(cls)
                inline_guards, inline_tests = self._inline_checks(member)
                self.out.append(Route(f.span(d), verb, path, handler, tuple(guards + inline_guards),
                                      conds["conditions"] + tuple(t.text for t in inline_tests), "nestjs",
                                      self.canonical(cls_name), conds["tests"] + tuple(inline_tests)))

    def controller_list(self, array) -> None:
        """``controllers: [...]`` in a dynamic module config (a function returning module metadata)."""
        f = self.f
        current = array
        while current is not None and current.type not in {"decorator", "function_declaration", "arrow_function",
                                                           "function_expression", "method_definition"}:
            current = current.parent
        if current is None or current.type == "decorator":
            return  # top-level objects and @Module({...}) are handled elsewhere
        owner = self.function_name(current)
        for node, name, extra in self._module_items(array, 0):
            conds = self._conds(node)
            self.out.append(Mount(f.span(node), "", name, f.imports.get(name), parent=owner,
                                  conditions=conds["conditions"] + tuple(c.text for c in extra),
                                  tests=conds["tests"] + tuple(extra)))

    def _nest_module(self, cls_name: str, decorator) -> None:
        """``@Module({ controllers, imports })``: each controller and imported module hangs below this one,
        under the conditions of its element (``...(isDev ? [DevModule] : [])``, ``if (…) modules.push(M)``)."""
        f = self.f
        call = decorator.named_children[0] if decorator.named_children else None
        opts = _object_arg(call) if call is not None and call.type == "call_expression" else None
        if opts is None:
            return
        for key in ("controllers", "imports"):
            value = self._pair_node(opts, key)
            for node, name, extra in self._module_items(value, 0):
                conds = self._conds(node)
                self.out.append(Mount(f.span(node), "", name, f.imports.get(name), parent=self.canonical(cls_name),
                                      conditions=conds["conditions"] + tuple(c.text for c in extra),
                                      tests=conds["tests"] + tuple(extra)))

    def _module_items(self, node, depth: int) -> list[tuple[object, str, tuple[Condition, ...]]]:
        """(node, class name, extra tests) for the classes an array of Nest modules or controllers lists."""
        f = self.f
        node = _unwrap(node)
        if node is None or depth > 6:
            return []
        t = node.type
        if t == "array":
            return [item for el in node.named_children for item in self._module_items(el, depth + 1)]
        if t == "spread_element":
            return [item for c in node.named_children for item in self._module_items(c, depth + 1)]
        if t == "ternary_expression":
            return self._module_items(node.child_by_field_name("consequence"), depth + 1) + \
                self._module_items(node.child_by_field_name("alternative"), depth + 1)
        if t == "binary_expression" and node.child_by_field_name("operator").type == "&&":
            return self._module_items(node.child_by_field_name("right"), depth + 1)
        if t == "identifier":
            name = f.text(node)
            if name[:1].isupper():
                return [(node, name, ())]
            out = self._module_items(f.const_nodes.get(name), depth + 1)
            for args in self.pushes.get(name, ()):
                out.extend(item for a in args for item in self._module_items(a, depth + 1))
            return out
        if t == "call_expression":
            fn = node.child_by_field_name("function")
            args = node.child_by_field_name("arguments").named_children
            if fn is not None and fn.type == "identifier" and f.text(fn) in self.functions:  # [...getControllers()]
                body = self.functions[f.text(fn)].child_by_field_name("body")
                returns = [r for r in _descendants(body, "return_statement")] if body is not None else []
                if body is not None and body.type != "statement_block":
                    returns = [body]
                return [item for r in returns for c in (r.named_children if r.type == "return_statement" else [r])
                        for item in self._module_items(c, depth + 1)]
            if fn is not None and fn.type == "member_expression":
                owner = f.text(fn.child_by_field_name("object"))
                method = f.text(fn.child_by_field_name("property"))
                if owner == "ConditionalModule" and method == "registerWhen" and args:
                    flag = f.evaluate(args[1]) if len(args) > 1 else None
                    extra = (Condition(f.span(args[1]), flag, flag, None, "truthy", None),) if flag else ()
                    return [(n, name, e + extra) for n, name, e in self._module_items(args[0], depth + 1)]
                if owner[:1].isupper() and "." not in owner:  # DevModule.forRoot(...)
                    return [(node, owner, ())]
        return []

    def _decorator_path(self, decorator) -> str:
        call = decorator.named_children[0] if decorator.named_children else None
        if call is None or call.type != "call_expression":
            return ""
        args = call.child_by_field_name("arguments").named_children
        if not args:
            return ""
        if args[0].type == "object":
            return self._pair_value(args[0], "path") or ""
        if args[0].type == "array":
            first = args[0].named_children
            return (self.f.evaluate(first[0]) or "") if first else ""
        return self.f.evaluate(args[0]) or ""

    def _decorator_guards(self, decorators) -> list[str]:
        f = self.f
        out = []
        for d in decorators:
            name = _decorator_name(f, d) or ""
            if name in NEST_METHODS or name == "Controller" or name.startswith("Api"):  # Swagger, not guards
                continue
            call = d.named_children[0] if d.named_children else None
            if name == "UseGuards" and call is not None and call.type == "call_expression":
                out.extend(_guard_text(f, a) for a in call.child_by_field_name("arguments").named_children)
            elif vocab.classify_guard(f.text(d)) is not None:
                out.append(_short(f.text(d)))
        return out

    # ------------------------------------------------------------------ Next.js

    def next_routes(self, exports) -> None:
        f = self.f
        where = next_route(f.path)
        if where is None:
            return
        style, path = where
        for node in exports:
            decl = node.child_by_field_name("declaration")
            value = node.child_by_field_name("value")
            if style == "pages":
                if f.src[node.start_byte:node.end_byte].startswith(b"export default"):
                    self._emit_next(node, "ANY", path, decl if decl is not None else value)
                continue
            for name, handler in self._named_exports(node, decl):
                if name in NEXT_METHODS:
                    self._emit_next(node, name, path, handler)

    def _named_exports(self, node, decl):
        f = self.f
        if decl is not None and decl.type == "function_declaration":
            yield f.text(decl.child_by_field_name("name")), decl
        elif decl is not None and decl.type in {"lexical_declaration", "variable_declaration"}:
            for d in decl.named_children:
                if d.type == "variable_declarator":
                    yield f.text(d.child_by_field_name("name")), d.child_by_field_name("value")
        for clause in node.named_children:
            if clause.type == "export_clause":
                for spec in clause.named_children:
                    local = spec.child_by_field_name("name")
                    alias = spec.child_by_field_name("alias") or local
                    if local is not None:
                        yield f.text(alias), self.functions.get(f.text(local), local)

    def _emit_next(self, node, method: str, path: str, handler) -> None:
        f = self.f
        wrappers = []
        handler = _unwrap(handler)
        while handler is not None and handler.type == "call_expression":  # export default withAuth(handler)
            args = handler.child_by_field_name("arguments").named_children
            callee = f.text(handler.child_by_field_name("function"))
            if vocab.classify_guard(callee) is not None:
                wrappers.append(_short(callee))
            handler = _unwrap(args[0]) if args else None
        if handler is not None and handler.type == "identifier":
            handler = self.functions.get(f.text(handler), handler)
        inline_guards, inline_tests = self._inline_checks(handler)
        conds = self._conds(node)
        self.out.append(Route(f.span(node), method, path, self._handler_name(handler), tuple(wrappers + inline_guards),
                              conds["conditions"] + tuple(t.text for t in inline_tests), "nextjs", None,
                              conds["tests"] + tuple(inline_tests)))

    # ------------------------------------------------------------------ handlers and guards

    def _handler_name(self, node) -> str:
        f = self.f
        node = _unwrap(node)
        if node is None:
            return "<anonymous>"
        if node.type in {"identifier", "member_expression"}:
            return _short(f.text(node), 60)
        if node.type in {"function_declaration", "function_expression", "method_definition"}:
            name = node.child_by_field_name("name")
            if name is not None:
                return f.text(name)
        if node.type in {"arrow_function", "function_expression", "function"} and node.parent is not None \
                and node.parent.type == "variable_declarator":
            return f.text(node.parent.child_by_field_name("name"))
        if node.type == "call_expression":  # asyncHandler(seedDemo), catchAsync(ctrl.seed)
            args = node.child_by_field_name("arguments").named_children
            for a in args:
                inner = self._handler_name(a)
                if inner != "<anonymous>":
                    return inner
        return "<anonymous>"

    def _handler_function(self, node):
        node = _unwrap(node)
        if node is None:
            return None
        if node.type == "identifier":
            return self.functions.get(self.f.text(node))
        if node.type == "call_expression":
            args = node.child_by_field_name("arguments").named_children
            return self._handler_function(args[-1]) if args else None
        if node.type in {"arrow_function", "function_expression", "function", "function_declaration",
                         "method_definition"}:
            return node
        return None

    def _inline_checks(self, handler) -> tuple[list[str], list[Condition]]:
        """Guards and environment tests at the top of a handler: ``if (!user.isAdmin) return 403``."""
        f = self.f
        fn = self._handler_function(handler)
        body = fn.child_by_field_name("body") if fn is not None else None
        if body is None or body.type != "statement_block":
            return [], []
        guards: list[str] = []
        tests: list[Condition] = []
        statements = [s for s in body.named_children if s.type != "comment"][:_MAX_INLINE_STATEMENTS]
        for s in statements:
            if s.type == "if_statement" and s.child_by_field_name("alternative") is None and \
                    _exits(s.child_by_field_name("consequence")) and not _calls_next(s.child_by_field_name("consequence")):
                cond = s.child_by_field_name("condition")
                found = self._tests(cond, negate=True, prefix=INLINE)
                if found:
                    tests.extend(found)
                    continue
                text = _short(_strip_parens(f.text(cond)))
                leaves = _leaves(cond)
                kinds = {vocab.classify_check(f.text(leaf)) for leaf, _refuses in leaves}
                if kinds == {"auth"} or kinds == {"admin"} and all(refuses for _leaf, refuses in leaves):
                    guards.append(f"check {text}")
            else:
                call = _statement_call(s)
                if call is not None:
                    callee = f.text(call.child_by_field_name("function"))
                    leaf = lexicon.words(callee.rsplit(".", 1)[-1])
                    if leaf and leaf[0] in {"require", "assert", "ensure", "check", "verify", "authorize", "protect",
                                            "guard", "must", "only", "restrict"} and vocab.classify_guard(callee):
                        guards.append(_short(f.text(call)))
        return guards, tests

    def guard_defs(self) -> None:
        """Functions that guard by their body: a role test (admin) or an environment gate."""
        f = self.f
        for name, fn in self.functions.items():
            body = fn.child_by_field_name("body")
            if body is None or not _GUARD_BODY.search(f.src, body.start_byte, body.end_byte):
                continue
            middleware = _has_next_param(f, fn) or bool(_returned_functions(fn))
            if vocab.classify_guard(name) != "admin" and (middleware and _has_role_test(f, body) or any(
                    g.startswith("check ") and vocab.classify_check(g) == "admin" for g in self._inline_checks(fn)[0])):
                self.out.append(GuardDef(f.span(fn), name, "admin"))
            _guards, tests = self._inline_checks(fn)
            tests = tests + self._next_gate(body)
            for inner in _returned_functions(fn):  # a guard factory: dev() returns the middleware
                tests = tests + self._inline_checks(inner)[1] + self._next_gate(inner.child_by_field_name("body"))
            if tests:
                self.out.append(GuardDef(f.span(fn), name, "environment", tuple(tests)))

    def _next_gate(self, body) -> list[Condition]:
        """Middleware that calls ``next()`` in one arm of an environment test: the test that lets requests on."""
        if body.type != "statement_block":
            return []
        statements = [s for s in body.named_children if s.type != "comment"]
        for s in statements[:_MAX_INLINE_STATEMENTS]:
            if s.type != "if_statement":
                continue
            if any(_calls_next(other) for other in statements if other is not s):
                continue  # requireAuth: a bypass in one arm, next() again after a token check
            then, alt = s.child_by_field_name("consequence"), s.child_by_field_name("alternative")
            cond = s.child_by_field_name("condition")
            if _calls_next(then) and not _calls_next(alt):
                return self._tests(cond, negate=False, prefix=INLINE)
            if alt is not None and _calls_next(alt) and not _calls_next(then):
                return self._tests(cond, negate=True, prefix=INLINE)
        return []

    # ------------------------------------------------------------------ conditions

    def _conds(self, node) -> dict:
        """``conditions`` (text) and ``tests`` (structured) for the tests enclosing ``node``."""
        texts: list[str] = []
        tests: list[Condition] = []
        current = node
        for _ in range(200):
            parent = current.parent
            if parent is None:
                break
            t = parent.type
            found: list[Condition] = []
            if t == "if_statement":
                cond = parent.child_by_field_name("condition")
                if current == parent.child_by_field_name("consequence"):
                    found = self._tests(cond, negate=False)
                elif current == parent.child_by_field_name("alternative"):
                    found = self._tests(cond, negate=True)
            elif t == "ternary_expression":
                cond = parent.child_by_field_name("condition")
                if current == parent.child_by_field_name("consequence"):
                    found = self._tests(cond, negate=False)
                elif current == parent.child_by_field_name("alternative"):
                    found = self._tests(cond, negate=True)
            elif t == "binary_expression" and current == parent.child_by_field_name("right"):
                op = parent.child_by_field_name("operator").type
                if op in {"&&", "||"}:
                    found = self._tests(parent.child_by_field_name("left"), negate=op == "||")
            elif t == "switch_case":
                found = self._switch_test(parent)
            if t in {"statement_block", "program", "switch_case", "class_body"}:
                sibling = current.prev_named_sibling
                while sibling is not None:
                    if sibling.type == "if_statement" and sibling.child_by_field_name("alternative") is None and \
                            _exits(sibling.child_by_field_name("consequence")):
                        found = found + self._tests(sibling.child_by_field_name("condition"), negate=True)
                    sibling = sibling.prev_named_sibling
            for c in found:
                if c.text not in texts:
                    texts.append(c.text)
                tests.append(c)
            current = parent
        return {"conditions": tuple(texts), "tests": tuple(tests)}

    def _switch_test(self, case) -> list[Condition]:
        f = self.f
        switch = case.parent.parent if case.parent is not None else None
        value = case.child_by_field_name("value")
        if switch is None or switch.type != "switch_statement" or value is None:
            return []
        subject_node = switch.child_by_field_name("value")
        inner = subject_node.named_children[0] if subject_node is not None and subject_node.named_children else None
        subject = effects.subject_of(f, inner) if inner is not None else None
        case_value = f.evaluate(value)
        if subject is None or case_value is None:
            return []
        subject_text = f.text(inner) if " " not in f.text(inner) else f"({f.text(inner)})"
        text = f"{subject_text} === {f.text(value)}"
        return [Condition(f.span(value), text, subject[0], subject[1], "==", case_value)]

    def _tests(self, cond, negate: bool, prefix: str = "") -> list[Condition]:
        """The environment and flag tests in a condition, stated so that they hold in the chosen arm."""
        f = self.f
        out = []
        for leaf, neg in _conjuncts(cond, negate):
            atom = self._atom(leaf)
            if atom is None:
                continue
            if neg:
                atom = atom.negated()
            shown = _negated_text(f, leaf) if neg else _strip_parens(f.text(leaf))
            out.append(Condition(f.span(leaf), prefix + shown, atom.subject, atom.ref, atom.op, atom.value,
                                 atom.presence))
        return out

    def _atom(self, node, depth: int = 0):
        f = self.f
        node = _unwrap(node)
        if node is None or depth > 4:
            return None
        atom = effects.analyse_test(f, node)
        if atom is not None:
            return atom if _relevant(atom) else None
        t = node.type
        if t == "unary_expression" and f.text(node).startswith("!"):
            inner = self._atom(node.child_by_field_name("argument"), depth + 1)
            return inner.negated() if inner is not None else None
        if t == "binary_expression" and node.child_by_field_name("operator").type in {"===", "==", "!==", "!="}:
            op = "==" if node.child_by_field_name("operator").type in {"===", "=="} else "!="
            left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
            for lit, other in ((right, left), (left, right)):
                value = f.evaluate(lit)
                if value is None:
                    continue
                subject = effects.subject_of(f, other)
                name = f.text(other)
                if subject is None and vocab.is_demo_flag(name.rsplit(".", 1)[-1]):
                    subject = ("", name)
                if subject is not None and vocab.is_demo_flag((subject[0] or subject[1] or "").rsplit(".", 1)[-1]):
                    return effects.Atom(subject[0], subject[1], op, value, False)
                return None
            return None
        if t == "identifier":
            name = f.text(node)
            if name in f.const_nodes and name not in f.consts:
                return self._atom(f.const_nodes[name], depth + 1)
            flag = vocab.is_demo_flag(name) and vocab.flag_shaped(name)
            return effects.Atom("", name, "truthy", None, False) if flag else None
        if t in {"member_expression", "call_expression"}:
            text = _short(f.text(node), 80)
            leaf = re.split(r"[.(]", text)[-2 if text.endswith(")") else -1] if text else ""
            root = text.split(".", 1)[0].split("(", 1)[0]
            configish = root in f.imports or any(w in root.lower() for w in ("config", "setting", "env", "flag",
                                                                              "feature"))
            if vocab.is_demo_flag(leaf) and (vocab.flag_shaped(leaf) or configish) or \
                    t == "call_expression" and configish and vocab.is_demo_flag(text):
                return effects.Atom("", text, "truthy", None, False)
        return None

    # ------------------------------------------------------------------ small readers

    def _first_string(self, call) -> str | None:
        args = call.child_by_field_name("arguments")
        return self.f.evaluate(args.named_children[0]) if args is not None and args.named_children else None

    def _pair_node(self, obj, key: str):
        for pair in obj.named_children:
            if pair.type == "pair" and self.f._key(pair) == key:
                return pair.child_by_field_name("value")
        return None

    def _pair_value(self, obj, key: str) -> str | None:
        node = self._pair_node(obj, key)
        return self.f.evaluate(node) if node is not None else None


def _relevant(atom) -> bool:
    """An atom from ``analyse_test`` worth recording: about an environment, a debug or demo flag."""
    name = atom.subject or (atom.ref or "")
    leaf = name.rsplit(".", 1)[-1].replace("()", "")
    return bool(atom.subject) or lexicon.is_environment_subject(leaf) or vocab.is_demo_flag(leaf) or \
        lexicon.is_debug_variable(leaf) or "." in name


def _leaves(node, negated: bool = False) -> list:
    """(test, refuses) for each test a boolean expression combines: ``refuses`` is True when the test
    reads "is not": ``!user.isAdmin``, ``role !== "admin"``. An exit on it lets admins through."""
    node = _unwrap(node)
    if node is None:
        return []
    if node.type == "unary_expression" and node.children and node.children[0].type == "!":
        return _leaves(node.child_by_field_name("argument"), not negated)
    if node.type == "binary_expression" and node.child_by_field_name("operator").type in {"&&", "||"}:
        return _leaves(node.child_by_field_name("left"), negated) + \
            _leaves(node.child_by_field_name("right"), negated)
    negative = node.type == "binary_expression" and node.child_by_field_name("operator").type in {"!==", "!="}
    return [(node, negative != negated)]


def _conjuncts(node, negate: bool):
    node = _unwrap(node)
    if node is None:
        return []
    if node.type == "unary_expression" and node.children and node.children[0].type == "!":
        return _conjuncts(node.child_by_field_name("argument"), not negate)
    if node.type == "binary_expression":
        op = node.child_by_field_name("operator").type
        if (op == "&&" and not negate) or (op == "||" and negate):
            return _conjuncts(node.child_by_field_name("left"), negate) + \
                _conjuncts(node.child_by_field_name("right"), negate)
    return [(node, negate)]


def _unwrap(node):
    while node is not None and node.type in {"parenthesized_expression", "as_expression", "non_null_expression",
                                             "satisfies_expression", "await_expression"} and node.named_children:
        node = node.named_children[0]
    return node


def _flatten(node) -> list:
    node = _unwrap(node)
    if node is None:
        return []
    if node.type == "array":
        return [n for c in node.named_children for n in _flatten(c)]
    if node.type == "spread_element":
        return []
    return [node]


def _params(params) -> list:
    if params is None:
        return []
    if params.type == "identifier":
        return [params]
    return [p for p in params.named_children if p.type != "comment"]


def _object_arg(call):
    args = call.child_by_field_name("arguments")
    if args is None:
        return None
    first = args.named_children[0] if args.named_children else None
    return first if first is not None and first.type == "object" else None


def _router_name(name: str) -> bool:
    ws = lexicon.words(name)
    return bool(ws) and ws[-1] in {"router", "routes", "app", "api", "controller", "module", "plugin"} and \
        name not in CLIENT_NAMES


def _is_handler(node, strict: bool) -> bool:
    node = _unwrap(node)
    if node is None:
        return False
    if node.type in {"arrow_function", "function_expression", "function"}:
        return True
    if strict:
        return False
    return node.type in {"identifier", "member_expression", "call_expression"}


def _placeholder(f, node) -> str:
    """A prefix the file cannot evaluate, shown as ``{config.apiPrefix}``; a config getter by its key."""
    node = _unwrap(node)
    if node is not None and node.type == "call_expression":
        args = node.child_by_field_name("arguments").named_children
        key = f.evaluate(args[0]) if args else None
        if key:
            return "{" + key + "}"
    if node is not None and node.type == "template_string":
        return _template_path(f, node)
    return "{" + _short(f.text(node), 40) + "}"


def _template_path(f, node) -> str:
    """```/${postSlug}/seeds``` -> ``/{postSlug}/seeds``: literal parts kept, unknown parts named."""
    parts = []
    for c in node.named_children:
        if c.type == "template_substitution":
            inner = c.named_children[0] if c.named_children else None
            known = f.evaluate(inner) if inner is not None else None
            parts.append(known if known is not None else "{" + _short(f.text(inner) if inner else "", 30) + "}")
        else:
            parts.append(f.text(c))
    return "".join(parts)


def _prefix_like(f, node) -> bool:
    """A non-literal first argument of ``use`` that is a path: ``config.apiPrefix``, ``API_BASE``, a template."""
    node = _unwrap(node)
    if node is None:
        return False
    if node.type == "template_string":
        return True
    if node.type in {"identifier", "member_expression"}:
        leaf = f.text(node).rsplit(".", 1)[-1]
        ws = lexicon.words(leaf)
        return bool(ws) and ws[-1] in {"path", "prefix", "base", "url", "route", "root", "mount", "str"}
    return False


def _registered_plugin(f, fn) -> bool:
    """``fastify.register(async (instance) => …)``: the function is an inline Fastify plugin."""
    args = fn.parent
    call = args.parent if args is not None and args.type == "arguments" else None
    callee = call.child_by_field_name("function") if call is not None and call.type == "call_expression" else None
    return callee is not None and callee.type == "member_expression" and \
        f.text(callee.child_by_field_name("property")) == "register"


def _decorator_name(f, decorator) -> str | None:
    inner = decorator.named_children[0] if decorator.named_children else None
    if inner is None:
        return None
    if inner.type == "call_expression":
        inner = inner.child_by_field_name("function")
    return f.text(inner).rsplit(".", 1)[-1] if inner is not None else None


def _has_next_param(f, fn) -> bool:
    """Express/Koa middleware: a parameter named ``next`` (or ``done``)."""
    params = fn.child_by_field_name("parameters") or fn.child_by_field_name("parameter")
    for p in _params(params):
        pattern = p.child_by_field_name("pattern") if p.type in {"required_parameter", "optional_parameter"} else p
        if pattern is not None and f.text(pattern) in {"next", "done"}:
            return True
    return False


def _returned_functions(fn) -> list:
    """Functions a function returns: ``function dev() { return async (ctx, next) => {…} }``."""
    body = fn.child_by_field_name("body")
    if body is None:
        return []
    if body.type in {"arrow_function", "function_expression", "function"}:
        return [body]
    out = []
    for r in _descendants(body, "return_statement"):
        value = _unwrap(r.named_children[0]) if r.named_children else None
        if value is not None and value.type in {"arrow_function", "function_expression", "function"}:
            out.append(value)
    return out


def _descendants(node, kind: str, limit: int = 2000) -> list:
    """Nodes of one type below ``node``, not looking into nested functions."""
    out, stack, seen = [], [node], 0
    while stack and seen < limit:
        n = stack.pop()
        seen += 1
        if n.type == kind:
            out.append(n)
        if n is node or n.type not in {"arrow_function", "function_expression", "function_declaration"}:
            stack.extend(n.named_children)
    return out


def _calls_next(node) -> bool:
    """The arm calls ``next()`` (Express/Koa middleware letting the request on)."""
    if node is None:
        return False
    stack = [node]
    while stack:
        n = stack.pop()
        if n.type == "call_expression":
            fn = n.child_by_field_name("function")
            if fn is not None and fn.type == "identifier" and fn.text in (b"next", b"done"):
                return True
        if n.type not in {"arrow_function", "function_expression", "function_declaration"}:
            stack.extend(n.named_children)
    return False


def _exits(node) -> bool:
    if node is None:
        return False
    if node.type in {"return_statement", "throw_statement"}:
        return True
    if node.type == "statement_block":
        named = [c for c in node.named_children if c.type != "comment"]
        return bool(named) and _exits(named[-1])
    if node.type == "expression_statement" and node.named_children:  # Koa ctx.throw(404), c.notFound()
        call = _unwrap(node.named_children[0])
        fn = call.child_by_field_name("function") if call is not None and call.type == "call_expression" else None
        name = fn.text.decode("utf-8", "replace").rsplit(".", 1)[-1] if fn is not None else ""
        return name in {"throw", "notFound", "abort", "forbidden", "unauthorized"}
    return False


def _statement_call(statement):
    """The call a statement makes: ``await requireAdmin(req)``, ``const u = await requireAdmin()``."""
    node = None
    if statement.type == "expression_statement" and statement.named_children:
        node = statement.named_children[0]
    elif statement.type in {"lexical_declaration", "variable_declaration"}:
        decl = statement.named_children[0] if statement.named_children else None
        node = decl.child_by_field_name("value") if decl is not None else None
    node = _unwrap(node)
    return node if node is not None and node.type == "call_expression" else None


def _has_role_test(f, body) -> bool:
    stack = [body]
    seen = 0
    while stack and seen < 600:
        node = stack.pop()
        seen += 1
        t = node.type
        if t == "binary_expression" and node.child_by_field_name("operator").type in {"===", "==", "!==", "!="}:
            if set(lexicon.words(f.text(node))) & (vocab.ADMIN_WORDS - {"internal", "ops"}):
                return True
        elif t == "member_expression":
            prop = f.text(node.child_by_field_name("property"))
            if set(lexicon.words(prop)) & {"admin", "staff", "superuser", "superadmin"} and \
                    lexicon.words(prop)[0] in {"is", "has", "admin", "staff", "superuser"}:
                return True
        elif t == "call_expression":
            fn = node.child_by_field_name("function")
            if fn is not None and fn.type == "member_expression" and \
                    f.text(fn.child_by_field_name("property")) in {"includes", "has", "some", "indexOf"} and \
                    set(lexicon.words(f.text(node))) & {"role", "roles", "admin", "admins"}:
                return True
        stack.extend(node.named_children)
    return False


def _guard_text(f, node) -> str:
    """A guard as the reports show it: ``new RolesGuard(reflector)`` is ``RolesGuard``."""
    node = _unwrap(node)
    if node is not None and node.type == "new_expression":
        ctor = node.child_by_field_name("constructor")
        if ctor is not None:
            return _short(f.text(ctor))
    return _short(f.text(node)) if node is not None else ""


def _short(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


_FLIP = {"===": "!==", "!==": "===", "==": "!=", "!=": "=="}


def _negated_text(f, node) -> str:
    """``a !== "x"`` negated reads ``a === "x"``; ``isProd`` reads ``!isProd``; others ``!(…)``."""
    node = _unwrap(node)
    text = _strip_parens(f.text(node))
    if node.type == "binary_expression":
        op = node.child_by_field_name("operator")
        if op.type in _FLIP:
            return f.text(node.child_by_field_name("left")) + f" {_FLIP[op.type]} " + \
                f.text(node.child_by_field_name("right"))
    if re.fullmatch(r"[\w$.?]+(\(\))?", text):
        return "!" + text
    return f"!({text})"


def _strip_parens(text: str) -> str:
    text = text.strip()
    while text.startswith("(") and text.endswith(")"):
        text = text[1:-1].strip()
    return text
