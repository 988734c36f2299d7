"""What an arm of an environment branch does: effect tags (``facts.EFFECTS``) and a short summary.

``describe_arm`` walks the statements (or the expression) of one arm and answers two questions:
which security-relevant things it does (turns TLS off, opens CORS, returns a mock user from an
auth function, …) and, in a few words, what it guards ("adds CORS middleware"). Summaries never
quote a string literal, so no secret reaches a report through them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

import libcst as cst

from .. import lexicon
from ._python_eval import EXCEPTION_NAMES, dotted, is_false, is_true, last_name, string_value
from ._python_walk import Walker

AUTH_WORDS = frozenset({
    "auth", "authenticate", "authenticated", "authentication", "authorize", "authorized",
    "authorization", "verify", "jwt", "login", "permission", "permissions", "principal", "bearer",
    "oauth", "oauth2", "token", "admin", "credentials", "apikey", "security", "guard",
})
#: Words in a function name that make it an auth function (a ``return True`` there lets a request in).
AUTH_FUNCTION_WORDS = frozenset({
    "auth", "authenticate", "authenticated", "authentication", "authorize", "authorized",
    "authorization", "jwt", "login", "permission", "permissions", "principal", "bearer", "oauth",
    "oauth2", "token", "credentials", "credential", "apikey", "admin", "signature", "password",
})
VERIFY_WORDS = frozenset({"verify", "validate", "check", "require", "authenticate", "authorize", "ensure"})
VERIFY_CALL_WORDS = VERIFY_WORDS | {"decode", "login"}
FAKE_WORDS = frozenset({"mock", "fake", "dummy", "dev", "test", "demo", "stub", "anonymous", "local",
                        "default", "debug", "sample", "example", "guest", "placeholder"})
TLS_KEYWORDS = frozenset({"verify", "ssl", "verify_ssl", "ssl_verify", "check_hostname", "tls_verify",
                          "verify_certs", "validate_certs", "verify_tls", "tls"})
COOKIE_KEYWORDS = frozenset({"secure", "https_only", "session_cookie_secure", "cookie_secure"})
ORIGIN_KEYWORDS = frozenset({"allow_origins", "origins", "cors_allowed_origins", "allowed_origins"})
DETAIL_KEYWORDS = frozenset({"detail", "content", "message", "error", "errors", "body", "reason"})
LOG_METHODS = frozenset({"print", "debug", "info", "warning", "warn", "error", "exception", "critical",
                         "log", "echo", "secho", "fatal", "print_exc", "print_exception"})
ROUTE_DECORATORS = frozenset({"get", "post", "put", "patch", "delete", "head", "options", "route",
                              "api_route", "websocket", "api_view", "trace"})
ROUTE_CALLS = frozenset({"add_api_route", "add_url_rule", "include_router", "register_blueprint",
                         "add_route", "add_websocket_route", "mount", "add_api_websocket_route"})
DJANGO_ROUTE_CALLS = frozenset({"path", "re_path", "url"})
REFUSALS = frozenset({"redirect", "abort", "forbidden", "unauthorized", "unauthorised", "deny", "denied",
                      "reject", "error", "login", "challenge", "not", "found"})
RESPONSE_SUFFIXES = ("Response", "HTTPException", "jsonify", "abort", "make_response", "Exception")


def is_auth_name(name: str | None) -> bool:
    if not name:
        return False
    ws = set(lexicon.words(name))
    return bool(ws & AUTH_WORDS) or {"current", "user"} <= ws or "authenticated" in name.lower()


def is_auth_function(name: str | None) -> bool:
    if not name:
        return False
    ws = set(lexicon.words(name))
    return bool(ws & AUTH_FUNCTION_WORDS) or {"current", "user"} <= ws or {"api", "key"} <= ws


def is_log_call(func: str | None) -> bool:
    if not func:
        return False
    last = func.rsplit(".", 1)[-1]
    if last not in LOG_METHODS:
        return False
    head = func.split(".", 1)[0].lower()
    return func == "print" or "log" in func.lower() or head in {"click", "typer", "console", "rich",
                                                                 "warnings", "traceback", "sys"}


def _has_star(node: cst.CSTNode) -> bool:
    if string_value(node) in {"*", ".*", "^.*$"}:
        return True
    if isinstance(node, (cst.List, cst.Tuple, cst.Set)):
        return any(isinstance(el, cst.Element) and string_value(el.value) == "*" for el in node.elements)
    return False


def _is_fake(node: cst.CSTNode) -> bool:
    """A returned value that is a made-up principal: ``MOCK_USER``, ``User(id="dev")``, ``{"sub": "x"}``."""
    scanner = _FakeScanner()
    scanner.walk(node)
    return scanner.fake or (scanner.constructed and not scanner.dynamic)


class _FakeScanner(Walker):
    def __init__(self) -> None:
        super().__init__()
        self.fake = False
        self.constructed = False  # a dict or call built from literals only
        self.dynamic = False  # mentions a non-constant name (a verified token, a request)

    def visit_Name(self, node: cst.Name) -> None:
        if set(lexicon.words(node.value)) & FAKE_WORDS:
            self.fake = True
        elif node.value not in {"True", "False", "None"} and not node.value[:1].isupper():
            self.dynamic = True

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        text = dotted(node) or ""
        if any(set(lexicon.words(p)) & FAKE_WORDS for p in text.split(".")):
            self.fake = True
        elif text and not text.split(".", 1)[0][:1].isupper():
            self.dynamic = True
        return False

    def visit_SimpleString(self, node: cst.SimpleString) -> None:
        value = string_value(node) or ""
        if set(lexicon.words(value)) & FAKE_WORDS:
            self.fake = True

    def visit_Dict(self, node: cst.Dict) -> None:
        self.constructed = True

    def visit_Call(self, node: cst.Call) -> None:
        name = last_name(node.func) or ""
        if name[:1].isupper():
            self.constructed = True
        else:
            self.dynamic = True

    def visit_Arg(self, node: cst.Arg) -> bool:
        # keyword names are not values: `User(id=...)` says nothing about fakeness
        self.walk(node.value)
        return False


@dataclass(frozen=True)
class Region:
    """Statements from ``first`` to ``last``: an arm that is not one node (the code after an
    ``if`` that always returns). ``python.py`` turns it into a ``Span``."""

    first: cst.CSTNode
    last: cst.CSTNode


@dataclass
class Arm:
    """What one arm does, and where it is (a node or a ``Region``; None when there is no arm)."""

    effects: set[str] = field(default_factory=set)
    auth_refs: set[str] = field(default_factory=set)
    summary: str = ""
    empty: bool = True
    region: object = None


class _ArmScanner(Walker):
    def __init__(self, function: str | None) -> None:
        self.functions: list[str | None] = [function]
        self.effects: set[str] = set()
        self.auth_refs: set[str] = set()
        self.log_depth = 0
        self.response_depth = 0
        self.route_auth: list[set[str]] = []

    # ---------------------------------------------------------------- helpers

    def _auth(self, name: str | None) -> None:
        if is_auth_name(name):
            self.auth_refs.add(name)  # type: ignore[arg-type]
            for refs in self.route_auth:
                refs.add(name)  # type: ignore[arg-type]

    def _exception_text(self, node: cst.CSTNode) -> bool:
        if isinstance(node, cst.Call):
            func = dotted(node.func) or ""
            if func in {"str", "repr"} and node.args and isinstance(node.args[0].value, cst.Name):
                return node.args[0].value.value in EXCEPTION_NAMES
            if func.rsplit(".", 1)[-1] in {"format_exc", "format_exception", "format_tb"}:
                return True
        if isinstance(node, cst.FormattedString):
            return any(isinstance(p, cst.FormattedStringExpression) and self._exception_text(p.expression)
                       or isinstance(p, cst.FormattedStringExpression) and isinstance(p.expression, cst.Name)
                       and p.expression.value in EXCEPTION_NAMES for p in node.parts)
        return False

    # ---------------------------------------------------------------- functions and routes

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.functions.append(node.name.value)
        route = None
        for deco in node.decorators:
            expr = deco.decorator
            name = last_name(expr.func if isinstance(expr, cst.Call) else expr)
            self._auth(name)
            if isinstance(expr, cst.Call) and name in ROUTE_DECORATORS:
                route = expr
        if route is not None:
            refs: set[str] = set()
            self.route_auth.append(refs)
            self.walk(route)
            self.walk(node.params)
            self.route_auth.pop()
            self.effects.add("route")
            if not refs:
                self.effects.add("unauthenticated-route")

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self.functions.pop()

    def visit_Lambda(self, node: cst.Lambda) -> bool:
        return False

    # ---------------------------------------------------------------- calls and arguments

    def visit_Call(self, node: cst.Call) -> bool | None:
        func = dotted(node.func)
        last = func.rsplit(".", 1)[-1] if func else last_name(node.func)
        if is_log_call(func):
            self.log_depth += 1
        if last and last.endswith(RESPONSE_SUFFIXES):
            self.response_depth += 1
        if last in {"Depends", "Security", "Depends()"} and node.args:
            self._auth(last_name(node.args[0].value))
        elif last == "add_middleware" and node.args:
            self._auth(last_name(node.args[0].value))
        elif is_auth_name(last) and set(lexicon.words(last or "")) & VERIFY_CALL_WORDS:
            self._auth(last)
        elif last == "_create_unverified_context":
            self.effects.add("tls-off")
        elif last == "CORS" and not any(a.keyword and a.keyword.value in {"origins", "resources"}
                                        for a in node.args):
            self.effects.add("cors-open")
        elif last and last.endswith("compare_digest") and len(node.args) >= 2:
            if any(lexicon.is_secret_name(last_name(a.value) or "") for a in node.args[:2]):
                self.effects.add("credential-fallback")
        if self.log_depth == 0 and self.response_depth and self._exception_text(node):
            self.effects.add("stack-trace")
        if last in ROUTE_CALLS or (last in DJANGO_ROUTE_CALLS and isinstance(node.func, cst.Name)):
            refs: set[str] = set()
            self.route_auth.append(refs)
            for arg in node.args:
                self.walk(arg)
            self.route_auth.pop()
            if last not in {"include_router", "register_blueprint", "mount"}:
                self.effects.add("route")
                if not refs:
                    self.effects.add("unauthenticated-route")
            elif any(a.keyword and a.keyword.value == "dependencies" for a in node.args) and not refs:
                self.effects.add("unauthenticated-route")
            self._leave_call(node)
            return False
        return None

    def _leave_call(self, node: cst.Call) -> None:
        func = dotted(node.func)
        last = func.rsplit(".", 1)[-1] if func else last_name(node.func)
        if is_log_call(func):
            self.log_depth -= 1
        if last and last.endswith(RESPONSE_SUFFIXES):
            self.response_depth -= 1

    def leave_Call(self, original_node: cst.Call) -> None:
        last = last_name(original_node.func)
        if last in ROUTE_CALLS or (last in DJANGO_ROUTE_CALLS and isinstance(original_node.func, cst.Name)):
            return  # already left in visit_Call
        self._leave_call(original_node)

    def visit_Arg(self, node: cst.Arg) -> None:
        if node.keyword is None:
            return
        kw, value = node.keyword.value, node.value
        if kw in TLS_KEYWORDS and is_false(value) or kw == "insecure" and is_true(value):
            self.effects.add("tls-off")
        elif kw in ORIGIN_KEYWORDS and _has_star(value) or kw == "allow_origin_regex" and _has_star(value):
            self.effects.add("cors-open")
        elif kw == "debug" and is_true(value):
            self.effects.add("debug-mode")
        elif kw in COOKIE_KEYWORDS and is_false(value):
            self.effects.add("insecure-cookie")
        elif kw in DETAIL_KEYWORDS and self.log_depth == 0 and self._exception_text(value):
            self.effects.add("stack-trace")

    def visit_Return(self, node: cst.Return) -> None:
        self.response_depth += 1
        function = self.functions[-1]
        if not is_auth_function(function):
            return
        value = node.value
        verify = bool(set(lexicon.words(function or "")) & VERIFY_WORDS)
        if value is None or isinstance(value, cst.Name) and value.value == "None":
            if verify:
                self.effects.add("auth-bypass")
        elif is_true(value) or _is_fake(value):
            self.effects.add("auth-bypass")

    def leave_Return(self, original_node: cst.Return) -> None:
        self.response_depth -= 1

    def visit_Raise(self, node: cst.Raise) -> None:
        self.response_depth += 1

    def leave_Raise(self, original_node: cst.Raise) -> None:
        self.response_depth -= 1

    def visit_Dict(self, node: cst.Dict) -> None:
        if self.response_depth and self.log_depth == 0:
            for el in node.elements:
                if isinstance(el, cst.DictElement) and self._exception_text(el.value):
                    self.effects.add("stack-trace")

    # ---------------------------------------------------------------- names and assignments

    def visit_Attribute(self, node: cst.Attribute) -> None:
        if node.attr.value == "CERT_NONE":
            self.effects.add("tls-off")

    def visit_Name(self, node: cst.Name) -> None:
        if node.value == "CERT_NONE":
            self.effects.add("tls-off")

    def visit_SimpleString(self, node: cst.SimpleString) -> None:
        if string_value(node) == "CERT_NONE":
            self.effects.add("tls-off")

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            self._assigned(target.target, node.value)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if node.value is not None:
            self._assigned(node.target, node.value)

    def _assigned(self, target: cst.BaseExpression, value: cst.BaseExpression) -> None:
        name = last_name(target)
        if not name:
            return
        upper = name.upper()
        ws = set(lexicon.words(name))
        if is_true(value):
            if upper in {"DEBUG", "TEMPLATE_DEBUG"} or lexicon.is_debug_variable(name):
                self.effects.add("debug-mode")
            elif upper in {"CORS_ALLOW_ALL_ORIGINS", "CORS_ORIGIN_ALLOW_ALL", "CORS_ALLOW_ALL"}:
                self.effects.add("cors-open")
            elif upper in {"DEBUG_PROPAGATE_EXCEPTIONS", "PROPAGATE_EXCEPTIONS"}:
                self.effects.add("stack-trace")
        elif is_false(value):
            if upper.endswith("COOKIE_SECURE") or upper in {"SECURE_COOKIES", "COOKIE_SECURE"}:
                self.effects.add("insecure-cookie")
            elif ws & {"verify", "ssl", "tls"} or upper == "CHECK_HOSTNAME":
                self.effects.add("tls-off")
        elif "origin" in name.lower() and _has_star(value):
            self.effects.add("cors-open")

    def visit_Comparison(self, node: cst.Comparison) -> None:
        """A credential checked here: a secret-named value compared with a literal (either way),
        or matched (``==``/``in``) against a request value. ``token != settings.x`` rejects."""
        if len(node.comparisons) != 1:
            return
        sides = [node.left, node.comparisons[0].comparator]
        secret = [s for s in sides if lexicon.is_secret_name(last_name(s) or "") and not _is_literal(s)]
        if not secret:
            return
        other = sides[1] if secret[0] is sides[0] else sides[0]
        if _is_literal(other):
            if string_value(other) or isinstance(other, (cst.Tuple, cst.List, cst.Set)):
                self.effects.add("credential-fallback")
        elif isinstance(node.comparisons[0].operator, (cst.Equal, cst.In)) \
                and not (isinstance(other, cst.Name) and other.value == "None"):
            self.effects.add("credential-fallback")


class _CredentialTest(Walker):
    def __init__(self) -> None:
        self.found = False

    def visit_Comparison(self, node: cst.Comparison) -> None:
        if all(isinstance(c.operator, (cst.Equal, cst.In)) for c in node.comparisons):
            scanner = _ArmScanner(None)
            scanner.visit_Comparison(node)
            self.found = self.found or "credential-fallback" in scanner.effects

    def visit_Call(self, node: cst.Call) -> None:
        if (last_name(node.func) or "").endswith("compare_digest") and len(node.args) >= 2 \
                and any(lexicon.is_secret_name(last_name(a.value) or "") for a in node.args[:2]):
            self.found = True


def accepts_credential(test: cst.CSTNode) -> bool:
    """A condition that lets a request in on a credential match: ``… and key == settings.a2a_key``."""
    finder = _CredentialTest()
    finder.walk(test)
    return finder.found


def _is_literal(node: cst.CSTNode) -> bool:
    return string_value(node) is not None or isinstance(node, (cst.Tuple, cst.List, cst.Set)) and all(
        isinstance(el, cst.Element) and string_value(el.value) is not None for el in node.elements)


# ---------------------------------------------------------------------------- summaries


def _strip_middleware(name: str) -> str:
    return name[: -len("Middleware")] if name.endswith("Middleware") and name != "Middleware" else name


def describe_call(call: cst.Call) -> str:
    func = dotted(call.func) or (last_name(call.func) or "a function")
    last = func.rsplit(".", 1)[-1]
    first = call.args[0].value if call.args else None
    first_name = last_name(first) if first is not None else None
    path = string_value(first) if first is not None else None
    if last == "add_middleware" and first_name:
        return f"adds {_strip_middleware(first_name)} middleware"
    if last == "include_router":
        return f"includes router `{first_name}`" if first_name else "includes a router"
    if last == "register_blueprint":
        return f"registers blueprint `{first_name}`" if first_name else "registers a blueprint"
    if last in ROUTE_CALLS | DJANGO_ROUTE_CALLS:
        return f"registers route `{path}`" if path and path.startswith("/") else "registers a route"
    if is_log_call(func):
        return "logs a message"
    return f"calls `{func}()`"


def describe_expression(node: cst.CSTNode) -> str:
    if isinstance(node, cst.Name):
        return f"uses `{node.value}`"
    if string_value(node) is not None:
        return "uses a literal string"
    if isinstance(node, (cst.Integer, cst.Float)):
        return f"uses {node.value}"
    if isinstance(node, (cst.List, cst.Tuple, cst.Set)):
        return "uses a list allowing any origin" if _has_star(node) else (
            "uses an empty list" if not node.elements else "uses a list")
    if isinstance(node, cst.Dict):
        return "uses a dict"
    if isinstance(node, cst.Call):
        return describe_call(node)
    if isinstance(node, cst.Attribute):
        return f"uses `{dotted(node) or node.attr.value}`"
    return "uses an expression"


def _describe_small(stmt: cst.BaseSmallStatement, function: str | None) -> str:
    if isinstance(stmt, cst.Return):
        value = stmt.value
        if value is None or isinstance(value, cst.Name) and value.value == "None":
            return "returns early"
        if isinstance(value, cst.Name) and value.value in {"True", "False"}:
            return f"returns {value.value}"
        if is_auth_function(function) and _is_fake(value):
            return "returns a mock user"
        if isinstance(value, cst.Call):
            return f"returns `{last_name(value.func)}()`"
        if isinstance(value, cst.Name):
            return f"returns `{value.value}`"
        return "returns a value"
    if isinstance(stmt, cst.Raise):
        exc = stmt.exc
        name = last_name(exc.func if isinstance(exc, cst.Call) else exc) if exc is not None else None
        return f"raises `{name}`" if name else "re-raises"
    if isinstance(stmt, cst.Expr):
        return describe_call(stmt.value) if isinstance(stmt.value, cst.Call) else "evaluates an expression"
    if isinstance(stmt, (cst.Assign, cst.AnnAssign, cst.AugAssign)):
        target = stmt.targets[0].target if isinstance(stmt, cst.Assign) else stmt.target
        name = dotted(target) or last_name(target) or "a value"
        verb = "extends" if isinstance(stmt, cst.AugAssign) else "sets"
        value = stmt.value
        if isinstance(value, cst.Name) and value.value in {"True", "False", "None"} \
                or isinstance(value, (cst.Integer, cst.Float)):
            return f"{verb} `{name}` to {value.value}"
        if value is not None and _has_star(value):
            return f"{verb} `{name}` to allow any origin"
        return f"{verb} `{name}`"
    if isinstance(stmt, (cst.Import, cst.ImportFrom)):
        return "imports a module"
    if isinstance(stmt, cst.Pass):
        return "does nothing"
    if isinstance(stmt, cst.Assert):
        return "asserts a condition"
    if isinstance(stmt, cst.Global | cst.Nonlocal):
        return "declares a global"
    return "runs a statement"


def _describe_statement(stmt: cst.CSTNode, function: str | None) -> str:
    if isinstance(stmt, cst.SimpleStatementLine):
        return ", ".join(_describe_small(s, function) for s in stmt.body[:2])
    if isinstance(stmt, cst.BaseSmallStatement):
        return _describe_small(stmt, function)
    if isinstance(stmt, cst.FunctionDef):
        for deco in stmt.decorators:
            expr = deco.decorator
            if isinstance(expr, cst.Call) and last_name(expr.func) in ROUTE_DECORATORS:
                path = string_value(expr.args[0].value) if expr.args else None
                return f"registers route `{path}`" if path and path.startswith("/") else "registers a route"
        return f"defines `{stmt.name.value}()`"
    if isinstance(stmt, cst.ClassDef):
        return f"defines class `{stmt.name.value}`"
    if isinstance(stmt, cst.If):
        return "checks a nested condition"
    if isinstance(stmt, (cst.For, cst.While)):
        return "loops"
    if isinstance(stmt, (cst.Try, cst.With)):
        body = stmt.body.body
        return _describe_statement(body[0], function) if body else "runs a block"
    return "runs a block"


def _statements(node: cst.CSTNode) -> Sequence[cst.CSTNode]:
    if isinstance(node, (cst.IndentedBlock, cst.SimpleStatementSuite)):
        return node.body
    if isinstance(node, cst.Else):
        return _statements(node.body)
    if isinstance(node, cst.If):  # elif: the whole chain is the arm
        return [node]
    return [node]


def describe_arm(node: cst.CSTNode | Sequence[cst.CSTNode] | None, function: str | None) -> Arm:
    """Effects, auth references and a summary for one arm: a block, an ``else``, an expression,
    or a list of statements (what follows an ``if`` that always exits)."""
    if node is None or isinstance(node, (list, tuple)) and not node:
        return Arm()
    scanner = _ArmScanner(function)
    if isinstance(node, (list, tuple)):
        for stmt in node:
            scanner.walk(stmt)
        stmts: Sequence[cst.CSTNode] = node
        region: object = Region(node[0], node[-1])
    else:
        scanner.walk(node)
        stmts = _statements(node)
        region = node
    if isinstance(node, cst.BaseExpression):
        summary = describe_expression(node)
    else:
        parts = [_describe_statement(s, function) for s in stmts[:2]]
        summary = ", ".join(p for p in parts if p) + (", …" if len(stmts) > 2 else "")
    return Arm(scanner.effects, scanner.auth_refs, summary, empty=False, region=region)


def exits(block: cst.CSTNode) -> bool:
    """True when a block always leaves: its last statement returns, raises, continues or breaks."""
    body = getattr(block, "body", ())
    if not body:
        return False
    last = body[-1]
    if isinstance(last, cst.SimpleStatementLine):
        last = last.body[-1]
    return isinstance(last, (cst.Return, cst.Raise, cst.Continue, cst.Break))


def describe_arms(then: cst.CSTNode | None, other: cst.CSTNode | Sequence[cst.CSTNode] | None,
                  function: str | None, implicit_else: bool) -> tuple[Arm, Arm]:
    """Both arms, plus the one comparison only the pair can make: auth present on one side only."""
    a, b = describe_arm(then, function), describe_arm(other, function)
    # An arm that refuses (raises, redirects, returns an error or nothing) skips the check without
    # letting anyone in: `if not settings.LDAP_LOGIN_ENABLED: return redirect(...)`.
    if a.auth_refs and not b.auth_refs and (not b.empty and not _refuses(other) or implicit_else):
        b.effects.add("auth-bypass")
    if b.auth_refs and not a.auth_refs and not a.empty and not _refuses(then):
        a.effects.add("auth-bypass")
    return a, b


def _refuses(arm: cst.CSTNode | Sequence[cst.CSTNode] | None) -> bool:
    if isinstance(arm, cst.Else):
        arm = arm.body
    body = list(arm) if isinstance(arm, (list, tuple)) else list(getattr(arm, "body", ()))
    if not body or not isinstance(body, list):
        return False
    last = body[-1]
    if isinstance(last, cst.SimpleStatementLine):
        last = last.body[-1]
    if isinstance(last, cst.Raise):
        return True
    if not isinstance(last, cst.Return):
        return False
    value = last.value
    if value is None or isinstance(value, cst.Name) and value.value in {"None", "False"}:
        return True
    name = (last_name(value.func) or "") if isinstance(value, cst.Call) else ""
    return bool(set(lexicon.words(name)) & REFUSALS) or name.endswith(("Response", "Error", "Exception"))
