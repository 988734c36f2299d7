"""TypeScript/JavaScript frontend: tree-sitter parse, queries from ``typescript.scm``, facts out.

The queries find candidates (every ``process.env``, condition, string, comparison); the code
here judges each by walking up its parents: which variable a read names and which literal it
falls back to, which config-object property holds it, which arm of a branch runs outside
production and what that arm does. Nothing here knows about rules.
"""

from __future__ import annotations

import posixpath
import re2
from functools import lru_cache
from pathlib import Path

from .. import lexicon
from ..facts import (
    ConfigBinding,
    ConfigUse,
    EnvBranch,
    EnvSource,
    EnvRead,
    FileFacts,
    ImageRef,
    Literal,
    Script,
    Span,
)
from . import ExtractOptions
from . import _js_effects as effects
from . import _prefilter, _ts_depth, _ts_routes

#: A constant whose name ends in image, given a string: ``const baseImage = "node:latest"``.
_IMAGE_CONST = re2.compile(rb"im(?:age|g)(?:\s*:\s*string)?\s*=\s*['\"`]")
#: Last words of identifiers that hold an environment's name (``environment``, ``APP_STAGE``,
#: ``mode``): they matter only beside an environment name to compare them with.
_SUBJECT_WORDS = re2.compile(rb"(?:environment|stage|mode)(?:[^a-z0-9_]|\z)")
#: ``process.env``, ``import.meta.env``, ``Bun.env``, ``Deno.env`` (optional chaining and line
#: breaks allowed): the commonest reason to parse, tested first. Only a fast path: each is an
#: identifier ending in env, which ``has_env_object`` accepts further on.
_ENV_ACCESS = re2.compile(rb"(?:process|meta|Bun|Deno)\s*\??\.\s*env")


def may_have_facts(path: str, data: bytes, options: ExtractOptions) -> bool:
    """False only when no parse of ``data`` could give a fact that reaches a rule or the inventory.

    A literal pre-filter, cheapest and most telling tests first. What each test stands for:
    env access (``process.env``, ``import.meta.env``, ``Bun.env``, ``Deno.env``); local hosts in
    strings; ``configService.get("X")``; ``require.main === module``; identifiers whose last word
    is env (an env object); a string given to a constant named like an image; identifiers whose last word is environment/stage/mode, beside
    an environment name to compare them with; a credential's name in a file that compares with a
    quoted literal; a flag's name (``isProd``, ``DEBUG``, ``USE_MOCK``: ``_prefilter`` judges whole
    identifiers with ``lexicon``, so ``sendTestEmail`` and ``latest`` do not count). Route
    registrations: whatever ``_ts_routes.wanted`` accepts (the same test decides whether routes
    are extracted). Config-object properties used in other files (``config.dbUrl``) and branches
    on imported flags are the engine's second pass: they only matter when another file binds
    them. Not seen: a value spelled with escapes or concatenation (``"pro" + "duction"``).
    """
    if _ENV_ACCESS.search(data) is not None:
        return True
    if _prefilter.has_local_trigger(data) or any(h.encode() in data for h in options.extra_local_hosts):
        return True
    low = data.lower()
    if _prefilter.calls_config_get(data):
        return True
    if b"require" in data and b"main" in data and b"module" in data:
        return True
    if _IMAGE_CONST.search(low) or _prefilter.has_env_object(data):
        return True
    if _SUBJECT_WORDS.search(low) and _prefilter.names_environment(data):
        return True
    if _prefilter.compares_with_literal(data) and (
            options.secret_name_patterns or _prefilter.has_secret_name(data)):
        return True
    if _prefilter.has_flag_name(data):
        return True
    return _ts_routes.wanted(path, data)


_WRAPPER_FUNCTIONS = frozenset({"Number", "parseInt", "parseFloat", "String", "Boolean", "BigInt", "JSON.parse",
                                "decodeURIComponent", "Buffer.from"})
_WRAPPER_METHODS = frozenset({"trim", "toLowerCase", "toUpperCase", "toString", "trimEnd", "trimStart", "valueOf"})
_TRANSPARENT = frozenset({"parenthesized_expression", "as_expression", "non_null_expression",
                          "satisfies_expression", "type_assertion", "await_expression"})
_LITERAL_TYPES = frozenset({"string", "template_string"})
_EQUALITY = frozenset({"===", "==", "!==", "!="})
_CONFIGISH_ROOTS = ("config", "settings", "env", "cfg", "conf", "options", "opts")
_MAX_DEPTH = 64


@lru_cache(maxsize=2)
def _language(tsx: bool):
    import tree_sitter_typescript as tst
    from tree_sitter import Language

    return Language(tst.language_tsx() if tsx else tst.language_typescript())


@lru_cache(maxsize=1)
def _query_sources() -> dict[str, str]:
    """``typescript.scm`` cut at its ``;;; query: NAME`` lines."""
    text = (Path(__file__).with_name("typescript.scm")).read_text(encoding="utf-8")
    keys = " ".join(f'"{k}"' for k in sorted(effects.PAIR_EFFECTS))
    sources: dict[str, str] = {}
    for block in text.split("\n;;; query: ")[1:]:  # at a line's start: the header mentions the marker too
        name, _, body = block.partition("\n")
        sources[name.strip()] = body.replace("PAIR_EFFECT_KEYS", keys)
    return sources


@lru_cache(maxsize=10)
def _query(tsx: bool, name: str):
    from tree_sitter import Query

    return Query(_language(tsx), _query_sources()[name])


def _collect(tsx: bool, name: str, root, deep: _ts_depth.Deep | None = None
             ) -> tuple[dict[str, list], dict[tuple[str, ...], list]]:
    """Run one query: every named capture's nodes, in match order, and the multi-capture matches
    as aligned tuples keyed by their sorted capture names. (``matches`` order, not ``captures``:
    the latter is not in document order.) A match with a node that touches ``deep`` is dropped."""
    captures: dict[str, list] = {}
    pairs: dict[tuple[str, ...], list] = {}
    keys: dict[int, tuple[str, ...]] = {}
    for index, match in _ts_depth.cursor(_query(tsx, name)).matches(root):
        if deep is not None and any(deep.touches(n) for nodes in match.values() for n in nodes):
            continue
        key = keys.get(index)
        if key is None:
            key = keys[index] = tuple(sorted(k for k in match if not k.startswith("_")))
        for capture in key:
            nodes = captures.get(capture)
            if nodes is None:
                captures[capture] = list(match[capture])
            else:
                nodes.extend(match[capture])
        if len(key) >= 2:
            pairs.setdefault(key, []).append(tuple(match[n][0] for n in key))
    return captures, pairs


def warm(kind: str) -> None:
    """Build the parser and every compiled query for ``kind`` now: before worker processes fork,
    so that they share them instead of each compiling its own (about 0.04 s of CPU apiece)."""
    tsx = kind != "typescript"
    _parser(tsx)
    for name in _query_sources():
        _query(tsx, name)
    _ts_routes._query(tsx)


@lru_cache(maxsize=2)
def _parser(tsx: bool):
    from tree_sitter import Parser

    return Parser(_language(tsx))


def extract(path: str, text: str, options: ExtractOptions) -> FileFacts:
    src = text.encode("utf-8", errors="surrogatepass")
    routes = _ts_routes.wanted(path, src)
    tsx = options.kind != "typescript" or path.endswith(".tsx")
    tree = _parser(tsx).parse(src)
    root = tree.root_node
    deep = _ts_depth.deep_regions(root)  # judged nowhere: see _ts_depth
    captures, pairs = _collect(tsx, "main", root, deep)
    _derived(src, captures, pairs)
    captures.update(_local_strings(src, root, deep, options.extra_local_hosts))
    f = _File(path, src, options, root, deep)
    f.method_calls = captures.get("config_get", ())  # every ``obj.method(…)``: route registrations too
    f.plain_calls = captures.get("plain_call", ())
    f.run(captures, pairs)
    if routes:
        _ts_routes.extract_routes(f, tree, tsx)
    diagnostics = []
    if tree.root_node.has_error:
        line = _first_error_line(tree.root_node)
        diagnostics.append(("parse-error", f"syntax error near line {line}; facts from the readable parts were kept"))
    if deep is not None:
        diagnostics.append(("js-too-deep", deep.message()))
    return FileFacts(path, tuple(f.facts), tuple(diagnostics), tuple(sorted(f.imports.items())))


def _derived(src: bytes, captures: dict[str, list], pairs: dict[tuple[str, ...], list]) -> None:
    """Captures that patterns of their own used to make, picked out of generic ones: method
    calls (``config_get``) and calls of a name (``plain_call``: env helpers, route mounts) from
    every call; ``import.meta.env`` (``env_object``) from the members of ``import.meta`` among
    the ``use`` pairs; ``x = require("m")`` (``require_name``, ``require_source``) from every
    declarator given a call; ``Deno.env.get("X")`` calls (``deno_read``) from every method call;
    ``require.main === module`` (``script_check``) from every binary expression; ``cond &&
    effect();`` (``and_condition``, ``and_body``) from every binary expression statement.

    tree-sitter analyses each pattern that constrains the children of a call or member
    expression at about 27 million instructions (callgrind), as much as a whole small query;
    a pattern without such constraints costs next to nothing, and alternatives inside one
    pattern share the cost; each query also costs about 25 million to compile however small
    (tree-sitter scans the grammar's parse table). Those patterns, and the ``helpers`` query and
    the routes query's plain calls, were over half of the compile time paid by every process
    that parses a TypeScript file (decision 016). The tests here skip a file without the words they look for,
    and cost about 20 ms of CPU over novu's 850 parsed files; sorting every call by its callee
    costs about as much as the matches it adds (novu: 69,522 matches against 58,690). Same nodes:
    ``env_object`` is sorted where it is used, the others come in match order. ``process.env``
    keeps its own pattern: picking it out of every member of a name cost more CPU over a large
    tree than its compile saves.
    """
    def text(node) -> bytes:
        return src[node.start_byte:node.end_byte]

    def named(node, kind: str, value: bytes) -> bool:
        return node is not None and node.type == kind and text(node) == value

    methods, plain = [], []
    for call in captures.pop("call", ()):
        callee = call.child_by_field_name("function")
        kind = callee.type if callee is not None else None
        if kind == "member_expression":
            methods.append(call)
        elif kind == "identifier":
            plain.append(call)
    if methods:
        captures["config_get"] = methods
    if plain:
        captures["plain_call"] = plain
    env_objects = captures.get("env_object", [])
    if b"import.meta" in src:
        env_objects += [node for node, root in pairs.get(("use", "use_root"), ()) if root.type == "meta_property"
                        and named(node.child_by_field_name("property"), "property_identifier", b"env")]
    requires = []
    declared = pairs.pop(("require_call", "require_name"), ())
    for call, name in declared if b"require" in src else ():
        arguments = call.child_by_field_name("arguments")
        if arguments is None or arguments.type != "arguments" or not arguments.named_child_count:
            continue
        first = arguments.named_children[0]
        if first.type == "string" and named(call.child_by_field_name("function"), "identifier", b"require"):
            requires.append((name, first))
    if requires:
        pairs[("require_name", "require_source")] = requires
    deno = []
    for call in captures.get("config_get", ()) if b"Deno" in src else ():
        fn = call.child_by_field_name("function")
        env = fn.child_by_field_name("object")
        arguments = call.child_by_field_name("arguments")
        first = arguments.named_children[0] if arguments is not None and arguments.named_child_count else None
        if env is not None and env.type == "member_expression" and first is not None and first.type == "string" \
                and named(fn.child_by_field_name("property"), "property_identifier", b"get") \
                and named(env.child_by_field_name("object"), "identifier", b"Deno") \
                and named(env.child_by_field_name("property"), "property_identifier", b"env"):
            deno.append(call)
    scripts = []
    for node in captures.get("comparison", ()) if b"require" in src else ():
        left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
        if left is not None and left.type == "member_expression" and named(right, "identifier", b"module") \
                and named(left.child_by_field_name("object"), "identifier", b"require") \
                and named(left.child_by_field_name("property"), "property_identifier", b"main"):
            scripts.append(node)
    ands = []
    for node in captures.pop("and_statement", ()):
        operator = node.child_by_field_name("operator")
        left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
        if operator is not None and operator.type == "&&" and left is not None and right is not None:
            ands.append((right, left))
    for name, found in (("env_object", env_objects), ("deno_read", deno), ("script_check", scripts)):
        if found:
            captures[name] = found
    if ands:
        pairs[("and_body", "and_condition")] = ands


def _local_strings(src: bytes, root, deep: _ts_depth.Deep | None, extra_hosts) -> dict[str, list]:
    """The ``string`` and ``template_string`` nodes whose text holds a local trigger or an extra
    host (``_literals`` reads no others), as ``string`` and ``template`` lists in document order.

    Found from the bytes, not by a query over every string: each occurrence's smallest enclosing
    node and that node's ancestors. A trigger holds no quote or backtick, so an occurrence inside
    a string never straddles its ends, and every string whose text holds a trigger is the
    ancestor of one occurrence. An occurrence in a deep subtree (``_ts_depth``) is passed over
    before any climb: ``Node.parent`` costs the node's depth. A query of its own cost about 25
    million instructions to compile (tree-sitter scans the grammar's parse table for each query,
    however small), in every process that met a local host, and captured every string of the
    file (decision 016).
    """
    spans = [(m.start(), m.end()) for m in _prefilter.local_triggers(src)]
    for host in extra_hosts:
        needle = host.encode()
        at = src.find(needle) if needle else -1
        while at >= 0:
            spans.append((at, at + len(needle)))
            at = src.find(needle, at + 1)
    found: dict[str, dict[int, object]] = {"string": {}, "template": {}}
    walked: set[tuple[int, int, str]] = set()
    for start, end in spans:
        if deep is not None and deep.touches_span(start, end):
            continue  # every string around it lies in a deep subtree or holds one: not judged
        node = root.descendant_for_byte_range(start, end)
        while node is not None:
            key = (node.start_byte, node.end_byte, node.type)
            if key in walked:
                break  # this node's ancestors were walked from an earlier occurrence
            walked.add(key)
            if node.type in _LITERAL_TYPES and node.is_named and not (deep is not None and deep.touches(node)):
                found["string" if node.type == "string" else "template"][node.start_byte] = node
            node = node.parent
    return {name: [nodes[k] for k in sorted(nodes)] for name, nodes in found.items() if nodes}


def _first_argument_is_string(call) -> bool:
    """``optional("X", …)``: the call's first argument (comments count, as in a query's anchored
    first child) is a plain string."""
    arguments = call.child_by_field_name("arguments")
    return arguments is not None and arguments.type == "arguments" and arguments.named_child_count > 0 \
        and arguments.named_children[0].type == "string"


def _first_error_line(root) -> int:
    stack = [root]
    while stack:
        node = stack.pop()
        if node.is_error or node.is_missing:
            return node.start_point[0] + 1
        if node.has_error:
            stack.extend(reversed(node.children))
    return 1


class _File:
    """Per-file state while judging captures."""

    def __init__(self, path: str, src: bytes, options: ExtractOptions, root=None,
                 deep: _ts_depth.Deep | None = None) -> None:
        self.path = path
        self.src = src
        self.options = options
        self.root = root  # the tree's root node (None: found by climbing)
        self.deep = deep  # subtrees too deep to judge: no walk enters them
        self.facts: list = []
        self.imports: dict[str, str] = {}
        self.consts: dict[str, str] = {}  # const NAME = "literal"
        self.const_nodes: dict[str, object] = {}  # const NAME = <node>
        self.env_aliases: set[str] = set()  # const env = process.env
        self.env_locals: dict[str, str] = {}  # const nodeEnv = process.env.NODE_ENV ?? "development"
        self.flag_locals: dict[str, tuple[str, str, str | None]] = {}  # const isProd = NODE_ENV == production
        self.config_locals: set[str] = set()  # names whose value comes from the environment or a config object
        self.helpers: dict[str, tuple[int, int | None]] = {}  # optional(name, fallback)
        self.consumed: set[int] = set()  # start bytes of literals already used as defaults
        self.fallback_var: str | None = None  # set by _climb: the variable a read falls back to
        self.default_node = None  # set by _consume: the literal node a default came from
        self.consuming = True  # False while judging config uses (their literals stay Literal facts)
        self.method_calls: list | tuple = ()  # the main query's method calls, for ``_ts_routes``
        self.plain_calls: list | tuple = ()  # its calls of a name: env helpers, and for ``_ts_routes``
        self._lines = src.split(b"\n")

    # ------------------------------------------------------------------ helpers

    def text(self, node) -> str:
        return self.src[node.start_byte:node.end_byte].decode("utf-8", errors="replace")

    def _col(self, row: int, byte_col: int) -> int:
        line = self._lines[row] if row < len(self._lines) else b""
        return len(line[:byte_col].decode("utf-8", errors="replace")) + 1

    def span(self, node) -> Span:
        (r1, c1), (r2, c2) = node.start_point, node.end_point
        return Span(self.path, r1 + 1, self._col(r1, c1), r2 + 1, self._col(r2, c2))

    # ------------------------------------------------------------------ driver

    def run(self, captures: dict[str, list], pairs: dict[tuple[str, ...], list]) -> None:
        """``captures``: every node by capture name; ``pairs``: multi-capture matches, aligned."""
        for node in captures.get("import", ()):
            self._import(node)
        for name, src in pairs.get(("require_name", "require_source"), ()):
            self._require(name, src)
        consts = sorted(pairs.get(("const_name", "const_value"), ()), key=lambda p: p[0].start_byte)
        for name_node, value_node in consts:
            self.const_nodes[self.text(name_node)] = value_node
            if _from_configuration(self.text(value_node)):
                self.config_locals.add(self.text(name_node))
        for pattern, value_node in pairs.get(("destructure_pattern", "destructure_value"), ()):
            if _from_configuration(self.text(value_node)):
                self.config_locals.update(_pattern_names(self, pattern))
            else:  # const { EnvSet: { values: { isIntegrationTest } } } = await import("./env-set")
                self.config_locals.update(_names_under_config_keys(self, pattern))
        for _ in range(2):  # constants defined from constants
            for name_node, value_node in consts:
                value = self.evaluate(value_node)
                if value is not None:
                    self.consts[self.text(name_node)] = value
        reads = []
        for node in sorted(captures.get("env_object", ()), key=lambda n: n.start_byte):
            reads.extend(self._env_object(node))
        for node in captures.get("deno_read", ()):
            arg = node.child_by_field_name("arguments").named_children[0]
            reads.append((node, self.evaluate(arg), "Deno.env"))
        for call in self.plain_calls if self.helpers else ():
            name = self.text(call.child_by_field_name("function"))
            if name in self.helpers and _first_argument_is_string(call):
                reads.extend(self._helper_call(call, name))
        for call in captures.get("config_get", ()):
            reads.extend(self._config_get(call))
        for node, name, via in sorted(reads, key=lambda r: r[0].start_byte):
            if name:
                self._read(node, name, via)
        for _name, node in pairs.get(("const_name", "const_value"), ()):
            self._flag_local(node)
        self._local_bindings(pairs.get(("binding_key", "binding_value"), ()))
        self._branches(captures, pairs)
        self._config_uses(pairs.get(("use", "use_root"), ()) if self.imports else ())
        self._literals(captures)
        for node in captures.get("script_check", ()):
            self.facts.append(Script(self.span(node), "runs as a standalone script (`require.main === module`)"))

    def _config_uses(self, matches) -> None:
        """``config.gitea.url`` where ``config`` is imported: the longest member chain, once."""
        seen: set[int] = set()
        for node, root in matches:
            if self.text(root) not in self.imports:
                continue
            while node.parent is not None and node.parent.type == "member_expression" \
                    and node.parent.child_by_field_name("object") == node:
                node = node.parent
            if node.start_byte in seen:
                continue
            seen.add(node.start_byte)
            self.fallback_var = None
            self.default_node = None
            self.consuming = False  # a config use's fallback stays a literal unless the project says env
            default = self._climb(node)[0]
            self.consuming = True
            at = self.span(self.default_node) if default is not None and self.default_node is not None else None
            self.fallback_var = None
            self.facts.append(ConfigUse(self.span(node), self.text(node).replace("?.", "."), default, at))

    # ------------------------------------------------------------------ module structure

    def _resolve_module(self, spec: str) -> str | None:
        if not spec.startswith("."):
            return None
        base = posixpath.dirname(self.path)
        joined = posixpath.normpath(posixpath.join(base, spec))
        for ext in (".js", ".mjs", ".cjs", ".ts", ".jsx", ".tsx"):
            if joined.endswith(ext):
                joined = joined[: -len(ext)]
                break
        return joined

    def _import(self, node) -> None:
        source = node.child_by_field_name("source")
        module = self._resolve_module(self.evaluate(source) or "")
        if module is None:
            return
        for clause in node.named_children:
            if clause.type != "import_clause":
                continue
            for child in clause.named_children:
                if child.type == "identifier":
                    self.imports[self.text(child)] = module
                elif child.type == "namespace_import":
                    for ident in child.named_children:
                        self.imports[self.text(ident)] = module
                elif child.type == "named_imports":
                    for spec in child.named_children:
                        if spec.type != "import_specifier":
                            continue
                        alias = spec.child_by_field_name("alias") or spec.child_by_field_name("name")
                        self.imports[self.text(alias)] = module

    def _require(self, name_node, source) -> None:
        module = self._resolve_module(self.evaluate(source) or "")
        if module is None:
            return
        if name_node.type == "identifier":
            self.imports[self.text(name_node)] = module
        elif name_node.type == "object_pattern":
            for name in _pattern_names(self, name_node):
                self.imports[name] = module

    # ------------------------------------------------------------------ values

    def evaluate(self, node, depth: int = 0) -> str | None:
        """The literal value of an expression, when it has one: strings, numbers, constants."""
        if node is None or depth > _MAX_DEPTH:
            return None
        t = node.type
        if t == "string":
            return "".join(self.text(c) if c.type == "string_fragment" else _unescape(self.text(c))
                           for c in node.named_children)
        if t == "template_string":
            parts = []
            for c in node.named_children:
                if c.type == "string_fragment":
                    parts.append(self.text(c))
                elif c.type == "escape_sequence":
                    parts.append(_unescape(self.text(c)))
                elif c.type == "template_substitution":
                    inner = c.named_children[0] if c.named_children else None
                    value = self.evaluate(inner, depth + 1)
                    if value is None:
                        return None
                    parts.append(value)
            return "".join(parts)
        if t in {"number", "true", "false"}:
            return self.text(node)
        if t == "unary_expression" and self.text(node).startswith("-"):
            inner = self.evaluate(node.child_by_field_name("argument"), depth + 1)
            return f"-{inner}" if inner is not None else None
        if t == "identifier":
            return self.consts.get(self.text(node))
        if t in _TRANSPARENT:
            inner = node.named_children[0] if node.named_children else None
            return self.evaluate(inner, depth + 1)
        if t == "binary_expression" and node.child_by_field_name("operator").type == "+":
            left = self.evaluate(node.child_by_field_name("left"), depth + 1)
            right = self.evaluate(node.child_by_field_name("right"), depth + 1)
            return left + right if left is not None and right is not None else None
        return None

    def _consume(self, node) -> None:
        self.default_node = node
        if not self.consuming or node is None or node.start_byte in self.consumed:
            return
        self.consumed.add(node.start_byte)
        self._consume_consts(node)

    def _consume_consts(self, node) -> None:
        """A constant used as a default is judged there, not again where it is declared."""
        stack = [node]
        while stack:
            n = stack.pop()
            if n.type == "identifier" and self.text(n) in self.const_nodes:
                self._consume(self.const_nodes[self.text(n)])
            elif n.named_child_count and n.type in {"template_string", "template_substitution", "binary_expression",
                                                    "parenthesized_expression"}:
                stack.extend(n.named_children)

    def _fallback(self, node, depth: int = 0) -> tuple[str | None, object | None]:
        """The literal a fallback expression ends in: ``a || b || "x"`` gives "x"."""
        if node is None or depth > _MAX_DEPTH:
            return None, None
        value = self.evaluate(node)
        if value is not None:
            return value, node
        if node.type == "binary_expression" and node.child_by_field_name("operator").type in {"||", "??"}:
            return self._fallback(node.child_by_field_name("right"), depth + 1)
        if node.type in _TRANSPARENT and node.named_children:
            return self._fallback(node.named_children[0], depth + 1)
        return None, None

    # ------------------------------------------------------------------ env reads

    def _env_object(self, node):
        """Classify one ``process.env`` (or ``import.meta.env``, ``Bun.env``) occurrence."""
        via = "import.meta.env" if node.named_children and node.named_children[0].type == "meta_property" \
            else ("Bun.env" if self.text(node).startswith("Bun") else "process.env")
        parent = node.parent
        if parent is None:
            return
        if parent.type == "member_expression" and parent.child_by_field_name("object") == node:
            prop = parent.child_by_field_name("property")
            if prop is not None and prop.type == "property_identifier":
                yield parent, self.text(prop), via
        elif parent.type == "subscript_expression" and parent.child_by_field_name("object") == node:
            index = parent.child_by_field_name("index")
            name = self.evaluate(index)
            if name is not None:
                yield parent, name, via
            elif index is not None and index.type == "identifier":
                self._helper_definition(parent, self.text(index))
        elif parent.type == "variable_declarator" and parent.child_by_field_name("value") == node:
            target = parent.child_by_field_name("name")
            if target.type == "identifier":
                self.env_aliases.add(self.text(target))
                if _is_top_level_export(parent):
                    self.facts.append(EnvSource(self.span(node), self.text(target)))
                yield from self._alias_reads(self.text(target), node, via)
            elif target.type == "object_pattern":
                self._destructured(target, via)
        elif parent.type == "arguments":
            self._schema_reads(parent.parent)
            self._env_source(node)
        else:
            self._env_source(node)

    def _env_source(self, node) -> None:
        """``export default withSecrets(process.env)``: the module's export is the environment."""
        current = node
        for _ in range(_MAX_DEPTH):
            parent = current.parent
            if parent is None or parent.type in {"statement_block", "function_declaration", "arrow_function",
                                                 "method_definition", "class_body"}:
                return
            if parent.type == "export_statement":
                self.facts.append(EnvSource(self.span(node), "default"))
                return
            if parent.type == "variable_declarator" and _is_top_level_export(parent):
                self.facts.append(EnvSource(self.span(node), self.text(parent.child_by_field_name("name"))))
                return
            current = parent

    def _alias_reads(self, alias: str, env_node, via: str):
        """``const env = process.env; env.PORT``: reads through an alias, found by a scoped walk."""
        root = self.root
        if root is None:
            root = env_node
            while root.parent is not None:
                root = root.parent
        needle = alias.encode()
        stack = [root]
        while stack:
            node = stack.pop()
            if self.deep is not None and self.deep.inside(node):
                continue
            if node.type == "member_expression":
                obj = node.child_by_field_name("object")
                prop = node.child_by_field_name("property")
                if obj is not None and obj.type == "identifier" and self.text(obj) == alias \
                        and prop is not None and prop.type == "property_identifier":
                    yield node, self.text(prop), via
                    continue
            if node.type == "subscript_expression":
                obj = node.child_by_field_name("object")
                if obj is not None and obj.type == "identifier" and self.text(obj) == alias:
                    name = self.evaluate(node.child_by_field_name("index"))
                    if name:
                        yield node, name, via
                        continue
            if node.end_byte - node.start_byte > 0 and self.src.find(needle, node.start_byte, node.end_byte) >= 0:
                stack.extend(node.children)

    def _destructured(self, pattern, via: str):
        for child in pattern.named_children:
            if child.type == "shorthand_property_identifier_pattern":
                name = self.text(child)
                self.facts.append(EnvRead(self.span(child), name, None, via))
                self.env_locals[name] = name
            elif child.type == "object_assignment_pattern":
                left, right = child.child_by_field_name("left"), child.child_by_field_name("right")
                name = self.text(left)
                default = self.evaluate(right)
                if right is not None and default is not None:
                    self._consume(right)
                self.facts.append(EnvRead(self.span(child), name, default, via))
                self.env_locals[name] = name
                self._image_default(child, name, default)
            elif child.type == "pair_pattern":
                key = child.child_by_field_name("key")
                value = child.child_by_field_name("value")
                name = self.evaluate(key) if key.type == "string" else self.text(key)
                default = None
                local = value
                if value is not None and value.type == "assignment_pattern":
                    local = value.child_by_field_name("left")
                    right = value.child_by_field_name("right")
                    default = self.evaluate(right)
                    if default is not None:
                        self._consume(right)
                self.facts.append(EnvRead(self.span(child), name, default, via))
                if local is not None and local.type == "identifier":
                    self.env_locals[self.text(local)] = name

    def _helper_definition(self, subscript, param: str) -> None:
        """``function optional(name, fallback) { return process.env[name] ?? fallback }``."""
        fn = subscript.parent
        while fn is not None and fn.type not in {"function_declaration", "arrow_function", "function_expression",
                                                 "function", "method_definition"}:
            fn = fn.parent
        if fn is None:
            return
        params = fn.child_by_field_name("parameters")
        names = [self.text(p.child_by_field_name("pattern") or p) for p in (params.named_children if params else ())]
        names = [n.split(":")[0].split("=")[0].strip() for n in names]
        if param not in names:
            return
        default_idx = None
        parent = subscript.parent
        while parent is not None and parent.type in _TRANSPARENT:
            parent = parent.parent
        if parent is not None and parent.type == "binary_expression" and \
                parent.child_by_field_name("operator").type in {"||", "??"}:
            right = parent.child_by_field_name("right")
            if right is not None and right.type == "identifier" and self.text(right) in names:
                default_idx = names.index(self.text(right))
        name_node = fn.child_by_field_name("name")
        if name_node is None and fn.parent is not None and fn.parent.type == "variable_declarator":
            name_node = fn.parent.child_by_field_name("name")
        if name_node is not None:
            self.helpers[self.text(name_node)] = (names.index(param), default_idx)

    def _helper_call(self, call, fn_name: str):
        spec = self.helpers.get(fn_name)
        if spec is None:
            return
        args = call.child_by_field_name("arguments").named_children
        name_idx, default_idx = spec
        if name_idx >= len(args):
            return
        name = self.evaluate(args[name_idx])
        if not name:
            return
        default = None
        if default_idx is not None and default_idx < len(args):
            default = self.evaluate(args[default_idx])
            if default is not None:
                self._consume(args[default_idx])
        self._emit_read(call, name, default, fn_name, required=default_idx is None or default is None)
        return
        yield  # pragma: no cover - makes this a generator like its siblings

    def _config_get(self, call):
        """NestJS ``configService.get("X", default)`` / ``getOrThrow("X")``."""
        fn = call.child_by_field_name("function")
        prop = fn.child_by_field_name("property")
        if prop is None or prop.type != "property_identifier" or self.text(prop) not in {"get", "getOrThrow"}:
            return  # the query captures every method call
        arguments = call.child_by_field_name("arguments")
        args = arguments.named_children if arguments is not None and arguments.type == "arguments" else []
        if not args or args[0].type != "string" or "config" not in self.text(fn.child_by_field_name("object")).lower():
            return
        name = self.evaluate(args[0])
        if not name or not name.isupper() and "_" not in name:
            return
        default = self.evaluate(args[1]) if len(args) > 1 else None
        if default is not None:
            self._consume(args[1])
        self._emit_read(call, name, default, "ConfigService", required=self.text(prop) == "getOrThrow")
        return
        yield  # pragma: no cover

    def _schema_reads(self, call) -> None:
        """envalid ``cleanEnv(process.env, {...})`` and zod ``schema.parse(process.env)``."""
        if call is None or call.type != "call_expression":
            return
        fn = call.child_by_field_name("function")
        fn_text = self.text(fn)
        args = call.child_by_field_name("arguments").named_children
        if fn_text.endswith("cleanEnv") and len(args) >= 2 and args[1].type == "object":
            self._envalid(args[1])
        elif fn_text.endswith((".parse", ".safeParse", ".parseAsync")):
            schema = fn.child_by_field_name("object")
            if schema is not None and schema.type == "identifier":
                schema = self.const_nodes.get(self.text(schema))
            obj = self._zod_object(schema)
            if obj is not None:
                self._zod(obj)

    def _zod_object(self, node, depth: int = 0):
        while node is not None and depth < _MAX_DEPTH:
            depth += 1
            if node.type == "call_expression":
                fn = node.child_by_field_name("function")
                args = node.child_by_field_name("arguments").named_children
                if self.text(fn).endswith("object") and args and args[0].type == "object":
                    return args[0]
                node = fn.child_by_field_name("object") if fn.type == "member_expression" else None
            else:
                return None
        return None

    def _envalid(self, obj) -> None:
        for pair in obj.named_children:
            if pair.type != "pair":
                continue
            name = self._key(pair)
            value = pair.child_by_field_name("value")
            default, required = None, True
            if value is not None and value.type == "call_expression":
                args = value.child_by_field_name("arguments").named_children
                if args and args[0].type == "object":
                    for opt in args[0].named_children:
                        if opt.type == "pair" and self._key(opt) in {"default", "devDefault"}:
                            default = self.evaluate(opt.child_by_field_name("value"))
                            required = False
                            if default is not None:
                                self._consume(opt.child_by_field_name("value"))
            if name:
                self._emit_read(pair, name, default, "envalid", required=required)

    def _zod(self, obj) -> None:
        for pair in obj.named_children:
            if pair.type != "pair":
                continue
            name = self._key(pair)
            default, required = None, True
            node = pair.child_by_field_name("value")
            while node is not None and node.type == "call_expression":
                fn = node.child_by_field_name("function")
                if fn.type != "member_expression":
                    break
                method = self.text(fn.child_by_field_name("property"))
                args = node.child_by_field_name("arguments").named_children
                if method in {"default", "prefault", "catch"} and args:  # prefault: zod 4
                    default = self.evaluate(args[0])
                    if default is not None:
                        self._consume(args[0])
                    required = False
                elif method in {"optional", "nullish"}:
                    required = False
                node = fn.child_by_field_name("object")
            if name:
                self._emit_read(pair, name, default, "zod", required=required)

    def _key(self, pair) -> str | None:
        key = pair.child_by_field_name("key")
        if key is None:
            return None
        if key.type in {"string", "template_string"}:
            return self.evaluate(key)
        return self.text(key)

    def _climb(self, node) -> tuple[str | None, object]:
        """From a read, up through wrappers and fallbacks: (literal default, outermost node)."""
        default = None
        current = node
        for _ in range(_MAX_DEPTH):
            parent = current.parent
            if parent is None:
                break
            t = parent.type
            if t in _TRANSPARENT:
                current = parent
                continue
            if t == "binary_expression":
                op = parent.child_by_field_name("operator").type
                if op in {"||", "??"} and parent.child_by_field_name("left") == current:
                    if default is None:
                        right = parent.child_by_field_name("right")
                        default, lit = self._fallback(right)
                        if lit is not None:
                            self._consume(lit)
                        if self.fallback_var is None:
                            subject = effects.subject_of(self, right)
                            self.fallback_var = (subject[0] or subject[1]) if subject else None
                    current = parent
                    continue
                if op in {"||", "??"}:  # A || B || "x": B falls back to "x" too
                    current = parent
                    continue
                break
            if t == "ternary_expression" and parent.child_by_field_name("condition") == current:
                alt = parent.child_by_field_name("alternative")
                if default is None:
                    default = self.evaluate(alt)
                    if default is not None:
                        self._consume(alt)
                current = parent
                continue
            if t == "arguments":
                call = parent.parent
                fn = call.child_by_field_name("function") if call is not None else None
                if fn is not None and self.text(fn) in _WRAPPER_FUNCTIONS and parent.named_children \
                        and parent.named_children[0] == current:
                    current = call
                    continue
                break
            if t == "member_expression" and parent.child_by_field_name("object") == current:
                prop = parent.child_by_field_name("property")
                call = parent.parent
                if prop is not None and self.text(prop) in _WRAPPER_METHODS and call is not None \
                        and call.type == "call_expression":
                    current = call
                    continue
                break
            break
        return default, current

    def _read(self, node, name: str, via: str) -> None:
        self.fallback_var = None
        default, outer = self._climb(node)
        fallback, self.fallback_var = self.fallback_var, None
        self._emit_read(node, name, default, via, outer=outer, fallback=fallback)

    def _emit_read(self, node, name: str, default: str | None, via: str, required: bool = False, outer=None,
                   fallback: str | None = None) -> None:
        self.facts.append(EnvRead(self.span(node), name, default, via, required, fallback))
        outer = outer if outer is not None else node
        self._image_default(node, name, default)
        parent = outer.parent
        if parent is None:
            return
        if parent.type == "variable_declarator" and parent.child_by_field_name("value") == outer:
            target = parent.child_by_field_name("name")
            if target.type == "identifier":
                self.env_locals.setdefault(self.text(target), name)  # A || B: the local is A first
                if _is_top_level_export(parent):
                    self.facts.append(ConfigBinding(self.span(node), "", self.text(target), name, default))
        owner, attribute = self._binding_path(outer)
        if attribute:
            self.facts.append(ConfigBinding(self.span(node), owner, attribute, name, default))
        # a flag defined in a config object: isProduction: process.env.NODE_ENV === "production"
        if parent.type == "binary_expression":
            atom = self.atom(parent) or effects.literal_comparison(self, parent)
            if atom and atom.subject == name and atom.op in {"==", "!="}:
                owner, attribute = self._binding_path(parent)
                if attribute:
                    self.facts.append(ConfigBinding(self.span(node), owner, attribute, name, default, atom.op, atom.value))

    def _image_default(self, node, name: str, default: str | None) -> None:
        if default and lexicon.is_image_name(name):
            parsed = lexicon.parse_image(default)
            if parsed:
                self.facts.append(ImageRef(self.span(node), default, *parsed, source="env-default"))

    def _binding_path(self, node) -> tuple[str, str | None]:
        """``export const config = { db: { url: <node> } }`` gives ("config", "db.url")."""
        keys: list[str] = []
        current = node
        for _ in range(_MAX_DEPTH):
            parent = current.parent
            if parent is None:
                return "", None
            if parent.type in _TRANSPARENT:
                current = parent
                continue
            if parent.type == "pair" and parent.child_by_field_name("value") == current:
                key = self._key(parent)
                if key is None:
                    return "", None
                keys.append(key)
                obj = parent.parent
                if obj is None or obj.type != "object":
                    return "", None
                current = obj
                continue
            if not keys:
                return "", None
            attribute = ".".join(reversed(keys))
            if parent.type == "variable_declarator":
                return self.text(parent.child_by_field_name("name")), attribute
            if parent.type == "export_statement":
                return "default", attribute
            if parent.type == "assignment_expression":
                left = self.text(parent.child_by_field_name("left"))
                return ("default" if left in {"module.exports", "exports.default"} else left), attribute
            if parent.type == "return_statement":
                return _enclosing_function_name(self, parent) + "()", attribute
            if parent.type in {"arguments", "call_expression"}:
                current = parent  # defineConfig({...}), Object.freeze({...})
                continue
            return "", None
        return "", None

    def _flag_local(self, value_node) -> None:
        """``const isProd = process.env.NODE_ENV === "production"`` (or through a local)."""
        declarator = value_node.parent
        name_node = declarator.child_by_field_name("name") if declarator is not None else None
        if name_node is None or name_node.type != "identifier":
            return
        atom = self.atom(value_node)
        if atom is None or atom.presence:
            return
        name = self.text(name_node)
        if atom.subject and atom.op in {"==", "!="}:
            self.flag_locals[name] = (atom.subject, atom.op, atom.value)
            if _is_top_level_export(declarator):
                self.facts.append(ConfigBinding(self.span(name_node), "", name, atom.subject, None, atom.op, atom.value))

    # ------------------------------------------------------------------ conditions

    def atom(self, node, depth: int = 0):
        return effects.analyse_test(self, node, depth)

    def _branches(self, captures, pairs) -> None:
        seen: set[int] = set()
        for node in captures.get("if", ()):
            cond = node.child_by_field_name("condition")
            atom = self.atom(cond)
            if atom is None:
                continue
            then = [node.child_by_field_name("consequence")]
            alt = node.child_by_field_name("alternative")
            otherwise = [alt] if alt is not None else effects.following_if_exits(node)
            self._emit_branch(cond, atom, then, otherwise, cond, seen)
        for node in captures.get("ternary", ()):
            cond = node.child_by_field_name("condition")
            atom = self.atom(cond)
            if atom is None:
                continue
            self._emit_branch(cond, atom, [node.child_by_field_name("consequence")],
                              [node.child_by_field_name("alternative")], cond, seen)
        for body, cond in pairs.get(("and_body", "and_condition"), ()):
            atom = self.atom(cond)
            if atom is not None:
                self._emit_branch(cond, atom, [body], [], cond, seen)
        for value in captures.get("switch_value", ()):
            self._switch(value, seen)
        for key, value in pairs.get(("guarded_key", "guarded_value"), ()):
            self._guarded_pair(self.text(key), value, seen)

    def _emit_branch(self, where, atom, then_nodes, else_nodes, cond, seen: set[int]) -> None:
        if where.start_byte in seen:
            return
        seen.add(where.start_byte)
        then_fx = effects.effects_of(self, [n for n in then_nodes if n is not None])
        else_fx = effects.effects_of(self, [n for n in else_nodes if n is not None])
        if effects.has_secret_compare(self, cond):
            then_fx = tuple(sorted(set(then_fx) | {"credential-fallback"}))
        self.facts.append(EnvBranch(
            self.span(where), atom.subject, atom.ref, atom.op, atom.value,
            then_fx, else_fx, effects.summarise(self, then_nodes), effects.summarise(self, else_nodes),
            atom.presence, self._region(then_nodes), self._region(else_nodes),
        ))

    def _region(self, nodes) -> Span | None:
        nodes = [n for n in nodes if n is not None]
        if not nodes:
            return None
        first, last = self.span(nodes[0]), self.span(nodes[-1])
        return Span(self.path, first.line, first.column, last.end_line, last.end_column)

    def _switch(self, value, seen: set[int]) -> None:
        inner = value.named_children[0] if value.named_children else None
        subject = effects.subject_of(self, inner) if inner is not None else None
        if subject is None:
            return
        switch = value.parent
        body = switch.child_by_field_name("body")
        for case in body.named_children if body is not None else ():
            if case.type != "switch_case":
                continue
            case_value = self.evaluate(case.child_by_field_name("value"))
            if case_value is None:
                continue
            atom = effects.Atom(subject[0], subject[1], "==", case_value, False)
            if not effects.accept(atom, inner and self.text(inner)):
                continue
            statements = [c for c in case.named_children if c != case.child_by_field_name("value")]
            self._emit_branch(case, atom, statements, [], case, seen)

    def _guarded_pair(self, key: str, value, seen: set[int]) -> None:
        """``secure: config.isProduction``: the falsy arm is the insecure one."""
        effect = effects.PAIR_EFFECTS.get(key)
        if effect is None or value.type == "ternary_expression":
            return
        atom = self.atom(value)
        if atom is None or atom.presence:
            return
        when_true, tag = effect
        then_fx, else_fx = ((tag,), ()) if when_true else ((), (tag,))
        if value.start_byte in seen:
            return
        seen.add(value.start_byte)
        self.facts.append(EnvBranch(self.span(value), atom.subject, atom.ref, atom.op, atom.value,
                                    then_fx, else_fx, f"sets `{key}: true`", f"sets `{key}: false`"))

    # ------------------------------------------------------------------ literals

    def _literals(self, captures) -> None:
        hosts = self.options.extra_local_hosts
        for node in [*captures.get("string", ()), *captures.get("template", ())]:
            if node.start_byte in self.consumed:
                continue
            raw = self.src[node.start_byte:node.end_byte]
            if not _prefilter.has_local_trigger(raw) and not any(h.encode() in raw for h in hosts):
                continue
            value = self.evaluate(node)
            if value is None:
                value = _template_shape(self, node)
            if value is None or lexicon.local_endpoint(value, hosts) is None:
                continue
            context, target = effects.literal_context(self, node, value)
            if context is None:
                continue
            self.facts.append(Literal(self.span(node), value, context, target))
        for node in captures.get("comparison", ()):
            left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
            if left is None or right is None or (left.type not in _LITERAL_TYPES and right.type not in _LITERAL_TYPES):
                continue
            op = node.child_by_field_name("operator")  # every binary expression is captured
            if op is None or op.type not in _EQUALITY:
                continue
            for lit, other in ((left, right), (right, left)):
                if lit.type not in _LITERAL_TYPES:
                    continue
                leaf = effects.leaf_name(self, other)
                value = self.evaluate(lit)
                if leaf and value is not None and lexicon.is_secret_name(leaf, self.options.secret_name_patterns) \
                        and lexicon.local_endpoint(value, hosts) is None:
                    self.facts.append(Literal(self.span(lit), value, "compare", leaf))
        self._images_from_consts()

    def _local_bindings(self, pairs) -> None:
        """``{ redisUrl: eventsRedisUrl }`` where the local holds an env read (or a flag on one)."""
        for _key, value in pairs:
            target = value if value.type == "identifier" else None
            if target is None:
                continue
            local = self.text(target)
            owner, attribute = self._binding_path(value)
            if not attribute:
                continue
            if local in self.env_locals:
                self.facts.append(ConfigBinding(self.span(value), owner, attribute, self.env_locals[local], None))
            elif local in self.flag_locals:
                subject, op, cmp = self.flag_locals[local]
                self.facts.append(ConfigBinding(self.span(value), owner, attribute, subject, None, op, cmp))

    def _images_from_consts(self) -> None:
        for name, node in self.const_nodes.items():
            value = self.evaluate(node)
            if value and node.type != "number" and lexicon.is_image_name(name) \
                    and node.start_byte not in self.consumed:
                parsed = lexicon.parse_image(value)
                if parsed:
                    self.facts.append(ImageRef(self.span(node), value, *parsed, source="code"))


def _from_configuration(value: str) -> bool:
    """Whether an initializer reads the environment or a config object: ``yes(process.env.X)``,
    ``EnvSet.values``, ``useAppConfig()``; not ``Boolean(req.query.preview)``."""
    if "process.env" in value or "import.meta.env" in value or "Bun.env" in value or "Deno.env" in value:
        return True
    return lexicon.is_config_object(value.split(".", 1)[0].split("(", 1)[0].strip())


def _pattern_names(f: _File, pattern, depth: int = 0) -> list[str]:
    """Local names an object pattern binds: ``{ a, b: c, d = 1, e: { g } }`` gives a, c, d, g."""
    names = []
    if depth > 8:
        return names
    for child in pattern.named_children:
        if child.type == "shorthand_property_identifier_pattern":
            names.append(f.text(child))
        elif child.type == "pair_pattern":
            value = child.child_by_field_name("value")
            if value is not None and value.type == "identifier":
                names.append(f.text(value))
            elif value is not None and value.type == "object_pattern":
                names.extend(_pattern_names(f, value, depth + 1))
        elif child.type == "object_assignment_pattern":
            left = child.child_by_field_name("left")
            if left is not None and left.type == "shorthand_property_identifier_pattern":
                names.append(f.text(left))
    return names


def _names_under_config_keys(f: _File, pattern, depth: int = 0) -> list[str]:
    """Names an object pattern binds below a key that names configuration (``EnvSet: {…}``)."""
    names = []
    if depth > 8:
        return names
    for child in pattern.named_children:
        if child.type != "pair_pattern":
            continue
        key, value = child.child_by_field_name("key"), child.child_by_field_name("value")
        if key is None or value is None or value.type != "object_pattern":
            continue
        if lexicon.is_config_object(f.text(key)):
            names.extend(_pattern_names(f, value))
        else:
            names.extend(_names_under_config_keys(f, value, depth + 1))
    return names


def _template_shape(f: _File, node) -> str | None:
    """A template string with unresolved parts, as a shape: ``http://localhost:${port}`` -> ``…:0``."""
    if node.type != "template_string":
        return None
    parts = []
    for c in node.named_children:
        if c.type == "string_fragment":
            parts.append(f.text(c))
        elif c.type == "template_substitution":
            parts.append("0")
    return "".join(parts)


def _is_top_level_export(declarator) -> bool:
    decl = declarator.parent
    return decl is not None and decl.parent is not None and decl.parent.type == "export_statement"


def _enclosing_function_name(f: _File, node) -> str:
    while node is not None:
        if node.type in {"function_declaration", "method_definition"}:
            name = node.child_by_field_name("name")
            return f.text(name) if name is not None else ""
        if node.type in {"arrow_function", "function_expression", "function"} and node.parent is not None \
                and node.parent.type == "variable_declarator":
            return f.text(node.parent.child_by_field_name("name"))
        node = node.parent
    return ""


def _unescape(seq: str) -> str:
    simple = {"\\n": "\n", "\\t": "\t", "\\r": "\r", "\\\\": "\\", "\\'": "'", '\\"': '"', "\\`": "`", "\\/": "/"}
    return simple.get(seq, seq[1:] if seq.startswith("\\") else seq)
