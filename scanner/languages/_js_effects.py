"""JavaScript/TypeScript semantics the frontend needs beyond syntax lookup.

* ``analyse_test``: what an expression tests (``config.nodeEnv !== "production"``, ``isProd``,
  ``process.env.X`` being set), as an ``Atom``;
* ``effects_of``: what a branch arm does that matters for security (``EFFECTS`` tags);
* ``literal_context``: how a string literal is used (bound, compared, logged, or data).

Everything works on tree-sitter nodes through the owning ``_File`` (its ``text``/``evaluate``).
"""

from __future__ import annotations


from .. import lexicon
from ._atom import Atom
from ..guards import classify_guard

_MAX_DEPTH = 48
_ENV_LEAF_WORDS = frozenset({"env", "environment", "stage", "mode", "tier", "deployment"})
_MAX_ARM_NODES = 4000

_EQ = {"===": "==", "==": "==", "!==": "!=", "!=": "!="}
_TRANSPARENT = frozenset({"parenthesized_expression", "as_expression", "non_null_expression",
                          "satisfies_expression", "type_assertion"})

#: ``key: <env test>`` pairs: (effect when the test is true?, effect tag).
PAIR_EFFECTS: dict[str, tuple[bool, str]] = {
    "secure": (False, "insecure-cookie"),
    "httpOnly": (False, "insecure-cookie"),
    "rejectUnauthorized": (False, "tls-off"),
    "strictSSL": (False, "tls-off"),
    "introspection": (True, "debug-mode"),
    "playground": (True, "debug-mode"),
    "graphiql": (True, "debug-mode"),
    "showStack": (True, "stack-trace"),
    "exposeStack": (True, "stack-trace"),
    "includeStack": (True, "stack-trace"),
}

_AUTH_FUNCTION_WORDS = frozenset({"auth", "authenticate", "authorize", "authorized", "verify", "session",
                                  "guard", "can", "allowed", "permission", "permissions", "login", "token"})
_ROUTE_METHODS = frozenset({"get", "post", "put", "patch", "delete", "all", "use", "route", "head", "options"})
_ROUTER_NAMES = frozenset({"app", "router", "server", "fastify", "api", "routes", "r", "hono", "instance"})
_LOG_CALLEES = frozenset({"console", "logger", "log", "debug", "info", "warn", "error", "trace", "fatal",
                          "print", "Error", "TypeError", "RangeError", "assert", "describe", "it", "test"})
_BIND_CALLEES = frozenset({"listen", "bind", "createServer", "serve", "startServer"})
_BIND_KEYS = frozenset({"host", "hostname", "bind", "listen", "address", "listenAddress", "bindAddress"})
_COMPARE_METHODS = frozenset({"startsWith", "endsWith", "includes", "indexOf", "match", "test", "localeCompare"})


def _strip(node):
    while node is not None and node.type in _TRANSPARENT and node.named_children:
        # comments are named children too: `if ( // why` must still reach the condition
        node = next((c for c in node.named_children if c.type != "comment"), None)
    return node


def _member_text(f, node) -> str | None:
    """``config.nodeEnv`` / ``this.config.isProd`` as plain dotted text; None for other shapes."""
    parts = []
    current = node
    for _ in range(_MAX_DEPTH):
        current = _strip(current)
        if current is None:
            return None
        if current.type == "member_expression":
            prop = current.child_by_field_name("property")
            parts.append(f.text(prop))
            current = current.child_by_field_name("object")
            continue
        if current.type == "call_expression":  # getConfig().nodeEnv
            fn = current.child_by_field_name("function")
            args = current.child_by_field_name("arguments")
            if args is not None and args.named_children:
                return None
            parts.append("()")
            current = fn
            continue
        if current.type in {"identifier", "this"}:
            parts.append(f.text(current))
            break
        return None
    else:
        return None
    text = ""
    for part in reversed(parts):
        text = text + part if part == "()" else (text + "." + part if text else part)
    return text


def _env_read_name(f, node) -> str | None:
    """``process.env.X``, ``process.env["X"]``, ``import.meta.env.X``, ``env.X`` (alias) -> X."""
    node = _strip(node)
    if node is None or node.type not in {"member_expression", "subscript_expression"}:
        return None
    obj = node.child_by_field_name("object")
    obj_text = f.text(obj)
    if obj_text in {"process.env", "import.meta.env", "Bun.env"} or obj_text in f.env_aliases:
        if node.type == "member_expression":
            return f.text(node.child_by_field_name("property"))
        return f.evaluate(node.child_by_field_name("index"))
    return None


def subject_of(f, node, depth: int = 0) -> tuple[str, str | None] | None:
    """(variable, None) when an expression reads a variable; ("", ref) for an unresolved reference."""
    node = _strip(node)
    if node is None or depth > _MAX_DEPTH:
        return None
    name = _env_read_name(f, node)
    if name:
        return name, None
    if node.type == "identifier":
        text = f.text(node)
        if text in f.env_locals:
            return f.env_locals[text], None
        if text in f.imports:
            return "", text
        return ("", text) if lexicon.is_environment_subject(text) else None
    if node.type == "binary_expression" and node.child_by_field_name("operator").type in {"||", "??"}:
        return subject_of(f, node.child_by_field_name("left"), depth + 1)
    if node.type == "call_expression":
        fn = node.child_by_field_name("function")
        if fn is not None and fn.type == "member_expression":
            method = f.text(fn.child_by_field_name("property"))
            if method in {"toLowerCase", "toUpperCase", "trim", "toString"}:
                return subject_of(f, fn.child_by_field_name("object"), depth + 1)
        if fn is not None and f.text(fn) in {"String", "Boolean"}:
            args = node.child_by_field_name("arguments").named_children
            return subject_of(f, args[0], depth + 1) if args else None
    text = _member_text(f, node)
    if text and "." in text:
        return "", text
    return None


def _configish(ref: str, f) -> bool:
    root = ref.split(".", 1)[0].replace("()", "")
    if root == "this":
        return True
    low = root.lower()
    return root in f.imports or any(word in low for word in ("config", "settings", "env", "cfg", "conf"))


def accept(atom: Atom, text: str | None = None) -> bool:
    """Keep atoms that are about environments: env-name values, env-like subjects, or presence."""
    if atom.op in {"==", "!="}:
        if lexicon.environment_of(atom.value or ""):
            if atom.subject:
                return True
            leaf = (atom.ref or "").rsplit(".", 1)[-1]
            return lexicon.is_environment_subject(leaf) or bool(set(lexicon.words(leaf)) & _ENV_LEAF_WORDS)
        leaf = (atom.subject or (atom.ref or "")).rsplit(".", 1)[-1]
        # ``config.env === "eu-west"`` may be a custom environment; a bare local or parameter named
        # env compared with a value that names no environment (``env === "envA"``) is not one
        # and a value in mixed case names a kind, not an environment (``sourceEnv !== "RequestVariable"``)
        value = atom.value or ""
        return bool(atom.subject) and lexicon.is_env_name_variable(atom.subject) or \
            (not atom.subject and "." in (atom.ref or "") and lexicon.is_environment_subject(leaf)
             and leaf.lower().endswith("env") and value in {value.lower(), value.upper()})
    return True


def analyse_test(f, node, depth: int = 0) -> Atom | None:
    """What a condition tests, as an ``Atom``; None when it is not about the environment."""
    node = _strip(node)
    if node is None or depth > _MAX_DEPTH:
        return None
    t = node.type
    if t == "unary_expression" and f.text(node).startswith("!"):
        inner = analyse_test(f, node.child_by_field_name("argument"), depth + 1)
        return inner.negated() if inner else None
    if t == "binary_expression":
        op = node.child_by_field_name("operator").type
        left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
        if op in {"&&", "||"}:
            return analyse_test(f, left, depth + 1) or analyse_test(f, right, depth + 1)
        if op in _EQ:
            return _comparison(f, _EQ[op], left, right)
        return None
    if t == "call_expression":
        return _call_test(f, node, depth)
    if t == "identifier":
        text = f.text(node)
        if text in f.flag_locals:
            subject, op, value = f.flag_locals[text]
            return Atom(subject, None, op, value, False)
        if text in f.env_locals:
            return _truthy(f.env_locals[text], None)
        if text in f.imports:
            return Atom("", text, "truthy", None, False)
        if lexicon.flag_meaning(text) and (not lexicon.ambiguous_flag(text) or text in f.config_locals):
            # by its name; ``isPreview`` (a link preview?) needs its value from the env or a config
            return Atom("", text, "truthy", None, False)
        return None
    name = _env_read_name(f, node)
    if name:
        return _truthy(name, None)
    if t in {"member_expression", "subscript_expression"}:
        ref = _member_text(f, node)
        if ref and _configish(ref, f):
            return Atom("", ref, "truthy", None, False)
    return None


def _truthy(name: str, ref: str | None) -> Atom:
    presence = not (lexicon.is_env_name_variable(name) or lexicon.is_debug_variable(name))
    return Atom(name, ref, "truthy", None, presence)


def _comparison(f, op: str, left, right) -> Atom | None:
    for lit, other in ((right, left), (left, right)):
        lit_s = _strip(lit)
        if lit_s is not None and lit_s.type in {"undefined", "null"}:
            subj = subject_of(f, other)
            if subj and subj[0]:
                return Atom(subj[0], subj[1], "falsy" if op == "==" else "truthy", None, True)
            return None
        value = f.evaluate(lit)
        if value is None:
            continue
        subj = subject_of(f, other)
        if subj is None:
            return None
        atom = Atom(subj[0], subj[1], op, value, False)
        return atom if accept(atom) else None
    return None


def literal_comparison(f, node) -> Atom | None:
    """``process.env.DEMO_DATA_ENABLED === "true"``: any comparison of a variable with a literal,
    about environments or not (``analyse_test`` keeps only the former)."""
    node = _strip(node)
    if node is None or node.type != "binary_expression" or node.child_by_field_name("operator").type not in _EQ:
        return None
    op = _EQ[node.child_by_field_name("operator").type]
    left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
    for lit, other in ((right, left), (left, right)):
        value = f.evaluate(lit)
        subj = subject_of(f, other) if value is not None else None
        if subj is not None and subj[0]:
            return Atom(subj[0], subj[1], op, value, False)
    return None


def _call_test(f, node, depth: int) -> Atom | None:
    fn = node.child_by_field_name("function")
    args = node.child_by_field_name("arguments").named_children
    if fn is None:
        return None
    if f.text(fn) == "Boolean" and args:
        return analyse_test(f, args[0], depth + 1)
    if fn.type == "member_expression" and f.text(fn.child_by_field_name("property")) == "includes" and args:
        array = _strip(fn.child_by_field_name("object"))
        if array is not None and array.type == "array":
            values = [f.evaluate(e) for e in array.named_children]
            values = [v for v in values if v is not None]
            subj = subject_of(f, args[0])
            if subj is None or not values:
                return None
            prod = [v for v in values if lexicon.environment_of(v) == "production"]
            atom = Atom(subj[0], subj[1], "==", prod[0] if prod else values[0], False)
            return atom if accept(atom) else None
    return None


# ---------------------------------------------------------------------- arms and effects

def following_if_exits(if_node) -> list:
    """``if (prod) return; …rest``: the statements after an if whose body always leaves."""
    body = if_node.child_by_field_name("consequence")
    last = body
    if body is not None and body.type == "statement_block":
        named = [c for c in body.named_children if c.type != "comment"]
        last = named[-1] if named else None
    if last is None or last.type not in {"return_statement", "throw_statement"}:
        return []
    out = []
    sibling = if_node.next_named_sibling
    while sibling is not None:
        out.append(sibling)
        sibling = sibling.next_named_sibling
    return out


def _walk(nodes, limit: int = _MAX_ARM_NODES, deep=None):
    """Nodes of ``nodes``' subtrees, depth first, at most ``limit``; none inside ``deep`` (``_ts_depth``)."""
    stack = list(reversed(nodes))
    seen = 0
    while stack and seen < limit:
        node = stack.pop()
        if deep is not None and deep.inside(node):
            continue
        seen += 1
        yield node
        stack.extend(reversed(node.children))


def leaf_name(f, node) -> str | None:
    """The last name of an expression: ``config.a2aAllowedKey`` -> a2aAllowedKey,
    ``req.headers["x-api-key"]`` -> x-api-key, ``getToken()`` -> getToken."""
    node = _strip(node)
    if node is None:
        return None
    if node.type == "identifier" or node.type == "property_identifier":
        return f.text(node)
    if node.type == "member_expression":
        return f.text(node.child_by_field_name("property"))
    if node.type == "subscript_expression":
        return f.evaluate(node.child_by_field_name("index"))
    if node.type == "call_expression":
        fn = node.child_by_field_name("function")
        if fn is not None and fn.type == "member_expression" and \
                f.text(fn.child_by_field_name("property")) in {"get", "header"}:
            args = node.child_by_field_name("arguments").named_children
            return f.evaluate(args[0]) if args else None
    return None


def _is_secret_expr(f, node) -> bool:
    leaf = leaf_name(f, node)
    return bool(leaf) and lexicon.is_secret_name(leaf, f.options.secret_name_patterns)


def has_secret_compare(f, cond) -> bool:
    """The condition compares a credential with something (``key === config.a2aAllowedKey``)."""
    for node in _walk([cond], 400, f.deep):
        if node.type == "binary_expression" and node.child_by_field_name("operator").type in _EQ:
            left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
            if (_is_secret_expr(f, left) or _is_secret_expr(f, right)) and \
                    _strip(left).type not in {"undefined", "null"} and _strip(right).type not in {"undefined", "null"}:
                return True
    return False


def _enclosing_function(node):
    while node is not None:
        if node.type in {"function_declaration", "arrow_function", "function_expression", "function",
                         "method_definition"}:
            return node
        node = node.parent
    return None


def _function_name(f, fn) -> str:
    name = fn.child_by_field_name("name")
    if name is None and fn.parent is not None and fn.parent.type == "variable_declarator":
        name = fn.parent.child_by_field_name("name")
    return f.text(name) if name is not None else ""


def _is_auth_function(f, node) -> bool:
    fn = _enclosing_function(node)
    return fn is not None and bool(set(lexicon.words(_function_name(f, fn))) & _AUTH_FUNCTION_WORDS)


_DENIAL_NUMBERS = frozenset({"401", "403"})
_DENIAL_WORDS = frozenset({"unauthorized", "unauthorised", "forbidden", "unauthenticated"})


def _in_auth_middleware(f, node) -> bool:
    """``next()`` skips authentication only inside auth middleware: a function named for auth, or
    one that elsewhere denies with 401/403 (``res.status(401)``, ``UnauthorizedException``)."""
    fn = _enclosing_function(node)
    if fn is None:
        return False
    if set(lexicon.words(_function_name(f, fn))) & _AUTH_FUNCTION_WORDS:
        return True
    for n in _walk([fn], 3000, f.deep):
        if n.type == "number" and f.text(n) in _DENIAL_NUMBERS:
            return True
        if n.type in {"identifier", "property_identifier", "string_fragment"} and \
                set(lexicon.words(f.text(n))) & _DENIAL_WORDS:
            return True
    return False


def _pair_context_key(f, node) -> str | None:
    """The key of the object pair a (ternary-arm) value sits in: ``origin: cond ? a : "*"``."""
    current = node
    for _ in range(6):
        parent = current.parent
        if parent is None:
            return None
        if parent.type == "pair":
            return f.text(parent.child_by_field_name("key")).strip("\"'")
        if parent.type not in {"ternary_expression", "parenthesized_expression", "binary_expression"}:
            return None
        current = parent
    return None


def effects_of(f, nodes: list) -> tuple[str, ...]:
    """The ``EFFECTS`` tags of what an arm does."""
    found: set[str] = set()
    for arm in nodes:
        key = _pair_context_key(f, arm)
        stripped = _strip(arm)
        if key == "origin" and stripped is not None and (f.evaluate(stripped) == "*" or stripped.type == "true"):
            found.add("cors-open")
        if key in PAIR_EFFECTS and stripped is not None and stripped.type in {"true", "false"}:
            when_true, tag = PAIR_EFFECTS[key]
            if (stripped.type == "true") == when_true:
                found.add(tag)
    for node in _walk(nodes, deep=f.deep):
        t = node.type
        if t == "call_expression":
            _call_effects(f, node, found)
        elif t == "pair":
            key = f.text(node.child_by_field_name("key")).strip("\"'")
            value = _strip(node.child_by_field_name("value"))
            vtype = value.type if value is not None else ""
            if key == "origin" and (vtype == "true" or f.evaluate(value) == "*"):
                found.add("cors-open")
            elif key in PAIR_EFFECTS and vtype in {"true", "false"}:
                when_true, tag = PAIR_EFFECTS[key]
                if (vtype == "true") == when_true:
                    found.add(tag)
            elif key in {"stack", "stackTrace"}:
                found.add("stack-trace")
        elif t == "member_expression":
            if f.text(node.child_by_field_name("property")) == "stack":
                found.add("stack-trace")
        elif t == "assignment_expression":
            left = f.text(node.child_by_field_name("left"))
            if left.endswith("NODE_TLS_REJECT_UNAUTHORIZED"):
                found.add("tls-off")
            elif left in {"req.user", "req.auth", "request.user", "req.userId", "ctx.state.user", "c.user"}:
                found.add("auth-bypass")
        elif t == "return_statement":
            value = _strip(node.named_children[0]) if node.named_children else None
            if value is not None and _is_auth_function(f, node):
                if value.type == "true":
                    found.add("auth-bypass")
                elif value.type == "object" and any(
                        p.type == "pair" and f.text(p.child_by_field_name("key")) in {"userId", "sub", "user", "id", "role"}
                        for p in value.named_children):
                    found.add("auth-bypass")
        elif t == "binary_expression" and node.child_by_field_name("operator").type in _EQ:
            left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
            if _is_secret_expr(f, left) or _is_secret_expr(f, right):
                found.add("credential-fallback")
    return tuple(sorted(found))


def _call_effects(f, node, found: set[str]) -> None:
    fn = node.child_by_field_name("function")
    args_node = node.child_by_field_name("arguments")
    args = args_node.named_children if args_node is not None else []
    if fn is None:
        return
    fn_text = f.text(fn)
    if fn.type == "identifier":
        if fn_text == "next" and not args and _in_auth_middleware(f, node):
            found.add("auth-bypass")
        elif fn_text == "cors" and not args:
            found.add("cors-open")
        return
    if fn.type != "member_expression":
        return
    method = f.text(fn.child_by_field_name("property"))
    obj = _strip(fn.child_by_field_name("object"))
    if method in {"header", "setHeader", "set"} and len(args) >= 2 and \
            (f.evaluate(args[0]) or "").lower() == "access-control-allow-origin" and f.evaluate(args[1]) == "*":
        found.add("cors-open")
    if method in _ROUTE_METHODS and obj is not None and \
            (f.text(obj) in _ROUTER_NAMES or f.text(obj).lower().endswith(("router", "app"))) and args:
        path = f.evaluate(args[0])
        if path is not None and path.startswith("/"):
            found.add("route")
            guards = [a for a in args[1:-1]] if len(args) > 2 else []
            if method != "use" and not any(classify_guard(f.text(g)) for g in guards):
                found.add("unauthenticated-route")


def summarise(f, nodes: list) -> str:
    """A few words on what an arm does: ``calls `app.use("/api/rivet")` ``."""
    for node in _walk([n for n in nodes if n is not None], 600, f.deep):
        if node.type == "call_expression":
            fn = node.child_by_field_name("function")
            if fn is None:
                continue
            name = f.text(fn)
            if len(name) > 40 or "\n" in name:
                continue
            args = node.child_by_field_name("arguments")
            first = f.evaluate(args.named_children[0]) if args is not None and args.named_children else None
            shown = f'{name}("{first}")' if first is not None and len(first) <= 40 else f"{name}()"
            return f"calls `{shown}`"
        if node.type == "new_expression":
            ctor = node.child_by_field_name("constructor")
            if ctor is not None and len(f.text(ctor)) <= 40:
                return f"creates `{f.text(ctor)}`"
        if node.type == "assignment_expression":
            left = f.text(node.child_by_field_name("left"))
            if len(left) <= 40:
                return f"sets `{left}`"
        if node.type == "return_statement":
            return "returns early"
        if node.type == "throw_statement":
            return "throws"
    for node in nodes:
        if node is not None:
            value = f.evaluate(node)
            if value is not None and len(value) <= 40:
                return f'uses "{value}"'
    return ""


# ---------------------------------------------------------------------- literal context

def literal_context(f, node, value: str) -> tuple[str | None, str | None]:
    """How a local-endpoint literal is used: (context, target); context None to drop it."""
    stripped = value.strip()
    if stripped in {"0.0.0.0", "::", "[::]"}:
        return "bind", None
    current = node
    for _ in range(12):
        parent = current.parent
        if parent is None:
            return "value", None
        t = parent.type
        if t == "array" and "://" not in stripped and not any(c.isdigit() for c in stripped.rsplit(":", 1)[-1][:1]):
            # ["www", "localhost", "mail"]: a word list (reserved names, allow-lists), not an endpoint
            if ":" not in stripped:
                return None, None
        if t in _TRANSPARENT or t in {"template_substitution", "array", "spread_element"}:
            current = parent
            continue
        if t == "binary_expression":
            op = parent.child_by_field_name("operator").type
            if op in _EQ:
                other = parent.child_by_field_name("left") if parent.child_by_field_name("right") == current \
                    else parent.child_by_field_name("right")
                return "compare", leaf_name(f, other)
            if op in {"+", "||", "??"}:
                current = parent
                continue
            return "value", None
        if t == "switch_case":
            return "compare", None
        if t == "pair":
            if parent.child_by_field_name("key") == current:
                return None, None
            key = f.text(parent.child_by_field_name("key")).strip("\"'")
            if key in _BIND_KEYS and lexicon.local_endpoint(stripped) in {"0.0.0.0", "127.0.0.1", "localhost", "::"} \
                    and "://" not in stripped:
                return "bind", key
            return "value", key
        if t == "variable_declarator":
            return "value", f.text(parent.child_by_field_name("name"))
        if t == "assignment_expression":
            return "value", f.text(parent.child_by_field_name("left"))
        if t == "arguments":
            call = parent.parent
            fn = call.child_by_field_name("function") if call is not None and call.type == "call_expression" else \
                call.child_by_field_name("constructor") if call is not None else None
            fn_text = f.text(fn) if fn is not None else ""
            last = fn_text.rsplit(".", 1)[-1]
            first = fn_text.split(".", 1)[0]
            if call is not None and call.type == "new_expression" and last == "URL" and \
                    len(parent.named_children) > 1 and parent.named_children[1] == current:
                return "url-base", None
            if last in _BIND_CALLEES:
                return "bind", None
            if first in _LOG_CALLEES or last in _LOG_CALLEES:
                return "log", None
            if last in _COMPARE_METHODS:
                return "compare", None
            return "value", last or None
        if t in {"throw_statement", "comment"}:
            return "log", None
        if t in {"import_statement", "export_statement"} and parent.child_by_field_name("source") == current:
            return None, None
        if t == "jsx_attribute":
            return "value", None
        return "value", None
    return "value", None
