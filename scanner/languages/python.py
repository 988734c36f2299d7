"""The Python frontend: ``.py`` source to facts, with libcst.

libcst is thorough and slow (about 0.1 MB/s to parse, visit and place), so ``extract`` spends
cheap work to give it less to read:

1. A literal pre-filter on the text: a file with none of ``TRIGGERS`` cannot hold a fact and
   costs a few substring tests.
2. ``ast`` from the standard library (C, tens of MB/s) parses the file. It measures nesting
   (libcst's native parser overflows the C stack on a few thousand nested brackets and is
   quadratic on long operator chains), and it cuts the file into top-level statements and class
   members: those without a trigger (or a name that a triggered statement defines) are blanked
   out, lines kept, so that spans stay exact. Imports and simple assignments always stay. A file
   whose only trigger is a settings object stops here when its tree shows nothing can come of it
   (``_settings_matter``: a test that only sets pytest-django's ``settings`` fixture).
3. libcst, imported lazily, parses what is left; positions are computed only when a fact came out.

Files that may register routes (``_py_routes.wanted_whole``) are parsed whole, and ``_py_routes``
adds their Route, Mount, GuardDef and Script facts from the same parse.

What the visitor sees is in ``_python_visitor.py``; expression evaluation in ``_python_eval.py``;
what a branch arm does in ``_python_effects.py``.
"""

from __future__ import annotations

import ast
import io
import re
import sys
import tokenize
import warnings
from contextlib import contextmanager
from functools import lru_cache
from typing import Iterator

import re2

from .. import lexicon
from ..facts import FileFacts, Span
from . import ExtractOptions, _prefilter, _py_routes

#: Lower-case substrings a statement must contain for a fact to be possible in it: env APIs and
#: config libraries, quoted environment names (compared values), image names, local endpoints.
TRIGGERS = (
    "environ", "getenv", "dotenv", "decouple", "database_url",
    *(f"{q}{name}{q}" for name in sorted(lexicon.ENVIRONMENT_NAMES) for q in "\"'"),
    *lexicon.LOCAL_TRIGGERS,
)
#: An image reference needs a target named like one (``lexicon.is_image_name``: ``IMAGE``,
#: ``base_image``, ``"docker-image"``): a name or key ending in image or img, not
#: ``product.images``, ``image_url``, ``self.image.url`` or ``"image/png"`` (lower-cased text).
IMAGE_NAME = r"im(?:age|g)(?:[^a-z0-9_./]|\z)"
#: Secret words, which need a comparison with a literal beside them (a literal credential compare).
SECRET_TRIGGERS = ("token", "secret", "passw", "credential", "api_key", "apikey", "_key", "-key")


#: One RE2 pass each: ``_hits`` runs on every file and on every top-level statement and method
#: of those it reads, where 48 substring scans apiece showed up in the Python frontend's profile.
_HAS_TRIGGER = _prefilter.any_of(TRIGGERS, [IMAGE_NAME]).search
_HAS_SECRET = _prefilter.any_of(SECRET_TRIGGERS).search
#: Where a literal may be compared: ``==``, ``!=``, a membership test, ``compare_digest``.
_COMPARE_SITE = re2.compile(r"[=!]=|\bin\b|compare_digest")
#: A string's start: prefix letters, then a quote.
_STRING_START = re.compile(r"[rbuf]{0,2}['\"]")
#: A ``for`` loop's target, between ``for`` and ``in``: ``key, value``, ``(a, b)``, ``self.x``.
_FOR_TARGET = re.compile(r"[\w\s,()\[\]*.]*")
_IN_WORD = re.compile(r"\bin\b")
_SPACE = " \t\r\n\\"
#: Characters ``_compares_with_literal`` may look through, around one comparison and in all.
#: Past either bound it answers yes (the file is parsed): what it reads stays linear in the file
#: however the brackets nest (``x == (x == (…`` 8,000 times took 18 s with no bound).
_LOOK = 256
_LOOK_BUDGET = 64 * 1024
#: Deepest syntax tree (``ast`` levels) handed to libcst. Real code stays under 30.
MAX_DEPTH = 100
#: Deepest bracket nesting accepted when ``ast`` cannot judge a file (newer syntax, Python 2).
MAX_BRACKETS = 60
#: Python frames allowed while visiting a tree of MAX_DEPTH levels.
RECURSION_LIMIT = 12000
#: Line breaks ``str.splitlines`` knows and the Python tokenizer does not: no blanking with these.
_ODD_BREAKS = ("\r", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029")
_COMPOUND = (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef, ast.If, ast.For, ast.AsyncFor,
             ast.While, ast.With, ast.AsyncWith, ast.Try, getattr(ast, "TryStar", ast.Try),
             getattr(ast, "Match", ast.If))


def _hits(text: str, names: frozenset[str] | set[str] = frozenset(),
          extra_hosts: frozenset[str] = frozenset(), settings: bool = True) -> bool:
    """Whether ``text`` (a file or one statement) may hold a fact.

    Substrings for what is spelled one way (``os.environ``, ``getenv``, ``"production"``), and
    whole identifiers judged by ``lexicon`` for names (``_prefilter``): ``DEBUG``, ``IS_PROD``,
    ``app_env`` and ``use_mock`` count; ``mock_post``, ``Denver`` and ``testing_utils`` do not.
    A settings object counts when it is used, not when only ``override_settings`` names it
    (``settings=False``: not at all, for ``_settings_matter`` to judge).
    """
    low = text.lower()
    if _HAS_TRIGGER(low) is not None or any(h in low for h in extra_hosts) or any(n in text for n in names):
        return True
    if settings and _uses_settings(low):
        return True
    if _HAS_SECRET(low) is not None and _compares_with_literal(low):
        return True
    return _prefilter.has_environment_subject(text.encode("utf-8", "surrogatepass"))


#: Words of the names the visitor takes config values from (``_python_visitor._is_config_owner``,
#: ``CONFIG_MODULES``): ``settings``, ``app_config``, ``conf``, ``cfg``, a module ``app.env``.
_CONFIG_WORDS = ("settings", "conf", "cfg", "env")


def _settings_matter(tree: ast.Module, path: str) -> bool:
    """For a file whose only trigger is a settings object: whether the visitor could still take a
    fact from it. It can when the file is a settings or config module (its globals are bindings),
    imports a config name (``settings.X`` and ``REDIS_URL`` are uses only of an imported name),
    defines a settings class or accessor, or tests a config attribute in a condition (``if
    settings.DEBUG:``, a ternary, an ``and``/``or`` operand, a ``match`` subject: a branch even
    on a fixture's ``settings``). Not a test that only sets or passes pytest-django's
    ``settings`` fixture (``settings.FEATURE = True``), which is what most such files are."""
    def config_word(name: str | None) -> bool:
        low = (name or "").lower()
        return any(w in low for w in _CONFIG_WORDS)

    def names_config(node: ast.AST) -> bool:
        return any(isinstance(n, ast.Name) and config_word(n.id) or isinstance(n, ast.Attribute) and config_word(n.attr)
                   for n in ast.walk(node))

    if any(config_word(part) for part in path.split("/")):
        return True
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            if any(config_word(a.name) or config_word(a.asname) for a in node.names):
                return True
        elif isinstance(node, ast.ImportFrom):
            if config_word(node.module) or any(config_word(a.name) or config_word(a.asname) for a in node.names):
                return True
        elif isinstance(node, ast.ClassDef):
            if config_word(node.name) or any(names_config(b) for b in node.bases):
                return True
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            if config_word(node.name):
                return True
        elif isinstance(node, (ast.If, ast.IfExp, ast.While)):
            if names_config(node.test):
                return True
        elif isinstance(node, ast.BoolOp):
            if any(names_config(v) for v in node.values[:-1]):
                return True
        elif isinstance(node, getattr(ast, "Match", ())):
            if names_config(node.subject):
                return True
    return False


def _compares_with_literal(low: str) -> bool:
    """Whether some comparison in ``low`` (lower-cased source) may have a literal on one side.

    The visitor takes a credential compare from a string that is a comparison's operand or an
    element of a tuple, list or set operand (``token == "dev"``, ``key in ("a", "b")``), or an
    argument of ``compare_digest``. So an operator counts when a string follows it, or a bracket
    with a quote before the bracket closes, or a string precedes it; ``in`` counts unless it is a
    ``for`` loop's. Not ``count() == 1``, ``d["key"] == value``, ``x == {k: v}`` or
    ``for name in ["a", "b"]``, which test files are full of. Not seen: a literal compared from
    the left inside brackets (``("dev", "test") == env``).
    """
    n = len(low)
    budget = _LOOK_BUDGET
    for m in _COMPARE_SITE.finditer(low):
        op = m.group()
        if op == "compare_digest":
            return True
        after = m.end()
        while after < n and low[after] in _SPACE:
            after += 1
        if after < n and (_STRING_START.match(low, after) or low[after] in "([{"):
            if low[after] in "([{":
                quoted, used = _quoted_inside(low, after)
                budget -= used
                if budget < 0:
                    return True
            else:
                quoted = True
            if quoted and (op != "in" or not _loop_target(low, m.start())):
                return True
        if op != "in":
            before = m.start() - 1
            while before >= 0 and low[before] in _SPACE:
                before -= 1
            if before >= 0 and low[before] in "'\"":
                return True
    return False


def _quoted_inside(low: str, start: int) -> tuple[bool, int]:
    """(whether a quote comes before the bracket opened at ``start`` closes, characters read).
    Brackets inside strings are counted too: a string's opening quote comes first, so that errs
    towards yes, as does a bracket still open after ``_LOOK`` characters."""
    depth = 0
    end = min(len(low), start + _LOOK)
    for i in range(start, end):
        c = low[i]
        if c in "'\"":
            return True, i - start + 1
        if c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
            if depth == 0:
                return False, i - start + 1
    return True, end - start


def _loop_target(low: str, at: int) -> bool:
    """Whether the ``in`` at ``at`` is a ``for`` loop's or comprehension's (``for k, v in``):
    the last ``for`` on its line, at most ``_LOOK`` characters back, then only a target."""
    start = max(low.rfind("\n", 0, at) + 1, at - _LOOK)
    prefix = low[start:at]
    k = prefix.rfind("for")
    if k < 0 or (k > 0 and (prefix[k - 1].isalnum() or prefix[k - 1] == "_")):
        return False
    target = prefix[k + 3:]
    return bool(target[:1].isspace()) and _FOR_TARGET.fullmatch(target) is not None \
        and _IN_WORD.search(target) is None


def _uses_settings(low: str) -> bool:
    """A settings object is used, not only named by the ``override_settings`` decorator."""
    return low.count("settings") > low.count("override_settings")


def could_have_facts(text: str, extra_hosts: frozenset[str] = frozenset()) -> bool:
    """The literal pre-filter: False when no trigger occurs anywhere in the text."""
    return _hits(text, extra_hosts=frozenset(h.lower() for h in extra_hosts))


def _depth_problem(tree: ast.AST) -> str | None:
    """The tree's depth past MAX_DEPTH, if it gets there.

    A node adds at most two levels per source character, so a one-line subtree shorter than the
    depth it has left is skipped unvisited: the walk costs statements, not expressions. ``ast``
    keeps ``a and b and c`` flat; libcst nests it pairwise, so a BoolOp of n operands counts n - 1
    levels (a 10,000-operand ``and`` chain overflowed libcst's native parser: a segfault).
    """
    stack = [(tree, 1)]
    children = ast.iter_child_nodes
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            line = getattr(node, "lineno", None)
            return f"syntax tree deeper than {MAX_DEPTH} levels" + (f" at line {line}" if line else "")
        end = getattr(node, "end_lineno", None)
        if end is not None and end == node.lineno \
                and depth + 2 * (node.end_col_offset - node.col_offset) + 2 < MAX_DEPTH:
            continue
        step = len(node.values) - 1 if isinstance(node, ast.BoolOp) else 1
        stack.extend((child, depth + step) for child in children(node))
    return None


def _bracket_problem(text: str) -> str | None:
    """For files ``ast`` rejects: bracket depth and operator-chain length from the tokenizer."""
    depth, operators = 0, 0
    try:
        for tok in tokenize.generate_tokens(io.StringIO(text).readline):
            if tok.type == tokenize.OP:
                if tok.string in "([{":
                    depth += 1
                    if depth > MAX_BRACKETS:
                        return f"brackets nested deeper than {MAX_BRACKETS} at line {tok.start[0]}"
                elif tok.string in ")]}":
                    depth = max(0, depth - 1)
                elif tok.string not in {",", ":", "=", ";", "->", "**"}:
                    operators += 1
                    if operators > 4 * MAX_DEPTH:
                        return f"operator chain longer than {4 * MAX_DEPTH} at line {tok.start[0]}"
            elif tok.type == tokenize.NAME and tok.string in {"and", "or"}:
                operators += 1
                if operators > 4 * MAX_DEPTH:
                    return f"operator chain longer than {4 * MAX_DEPTH} at line {tok.start[0]}"
            elif tok.type in {tokenize.NEWLINE, tokenize.NL} and depth == 0:
                operators = 0
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return None
    return None


def nesting_problem(text: str) -> str | None:
    """Why the file is too deep for libcst to parse safely, or None."""
    try:
        return _guard(text)[0]
    except _Python2:
        return None


def _guard(text: str) -> tuple[str | None, ast.Module | None]:
    """(problem, ``ast`` tree); the tree is None when ``ast`` cannot read the file."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            tree = ast.parse(text)
        except (RecursionError, MemoryError):
            return "expression nesting too deep to parse", None
        except SyntaxError as exc:
            message = str(exc.msg)
            if "too many nested" in message or "too complex" in message:
                return f"nesting too deep (line {exc.lineno}): {message}", None
            if message.startswith(_PYTHON2_ERRORS):
                raise _Python2(exc.lineno, message) from None
            return _bracket_problem(text), None
        except ValueError:  # NUL bytes: libcst will say where
            return None, None
    return _depth_problem(tree), tree


#: How ``ast`` words syntax only Python 2 has (print and exec statements, ``0777``, ``10L``): libcst,
#: which reads Python 3 only, would fail on it as well, after a parse that costs a hundred times
#: more. Not ``except A, B:``, which Python 3.14 reads again (PEP 758), and libcst with it.
_PYTHON2_ERRORS = ("Missing parentheses in call to", "leading zeros in decimal integer literals",
                   "invalid decimal literal")


class _Python2(Exception):
    """Raised by ``_guard`` for a file ``ast`` reads as Python 2."""

    def __init__(self, line: int | None, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


def _start(node: ast.stmt) -> int:
    decorators = getattr(node, "decorator_list", None) or ()
    return min([node.lineno, *(d.lineno for d in decorators)])


def _kept_always(node: ast.stmt) -> bool:
    """Imports and assignments of a name to a non-container: the tables the visitor needs."""
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        return True
    if isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None:
        return not isinstance(node.value, (ast.Dict, ast.List, ast.Tuple, ast.Set, ast.ListComp,
                                           ast.DictComp, ast.SetComp, ast.GeneratorExp))
    return False


def reduce_source(text: str, tree: ast.Module, extra_hosts: frozenset[str] = frozenset(),
                  keep: tuple[str, ...] = ()) -> str:
    """The text with statements that cannot hold a fact blanked out (lines and columns kept).
    A top-level statement containing one of ``keep`` stays too."""
    return _reduce(text, tree, extra_hosts, keep)[0]


def _reduce(text: str, tree: ast.Module, extra_hosts: frozenset[str] = frozenset(),
            keep: tuple[str, ...] = ()) -> tuple[str, list[ast.stmt]]:
    """``reduce_source``, and the top-level statements of ``tree`` that the result still holds
    (they place libcst's statements without a second ``ast`` parse)."""
    if any(b in text for b in _ODD_BREAKS):
        return text, tree.body
    lines = text.split("\n")
    body = tree.body

    def segment(node: ast.stmt) -> str:
        return "\n".join(lines[_start(node) - 1:node.end_lineno])

    def shares_line(nodes: list[ast.stmt], i: int) -> bool:
        return (i > 0 and nodes[i - 1].end_lineno == _start(nodes[i])) or (
            i + 1 < len(nodes) and _start(nodes[i + 1]) == nodes[i].end_lineno)

    # Names a triggered statement defines (env-bound globals, settings classes, accessors) make
    # the statements that use them worth reading too, and so do names imported from a settings
    # or config module. In source order, so that ``LIMIT = envint("LIMIT")`` after ``def envint``
    # (which reads os.environ) counts, and so do the statements that use ``LIMIT``.
    names: set[str] = set()
    for node in body:
        if isinstance(node, ast.ImportFrom) and lexicon.is_config_object((node.module or "").rsplit(".", 1)[-1]):
            names.update(alias.asname or alias.name for alias in node.names if len(alias.asname or alias.name) > 2)
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) \
                and _hits(segment(node), names, extra_hosts):
            targets = node.targets if isinstance(node, ast.Assign) else [getattr(node, "target", None)]
            for target in targets:
                if isinstance(target, ast.Name) and len(target.id) > 2:
                    names.add(target.id)
            if isinstance(node, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
                names.add(node.name)
    blank: list[tuple[int, int, int | None]] = []  # (first line, last line, indent for `pass`)
    kept: list[ast.stmt] = []
    for i, node in enumerate(body):
        if shares_line(body, i) or _kept_always(node):
            kept.append(node)
            continue
        if not _hits(segment(node), names, extra_hosts) and not any(k in segment(node) for k in keep):
            blank.append((_start(node), node.end_lineno, None))
            continue
        kept.append(node)
        if isinstance(node, ast.ClassDef):
            # Methods without a trigger go. The class's own name does not make a method worth
            # reading (``super(Query, self)`` and ``isinstance(other, Check)`` fill the methods of
            # a large class). Nested classes stay: pydantic's ``class Config: env_prefix = …``
            # names no trigger and decides every field's variable.
            others = names - {node.name}
            members = node.body
            for j, member in enumerate(members):
                if isinstance(member, (ast.FunctionDef, ast.AsyncFunctionDef)) \
                        and not shares_line(members, j) and _start(member) > node.lineno \
                        and not _hits(segment(member), others, extra_hosts):
                    blank.append((_start(member), member.end_lineno, member.col_offset))
    if not blank:
        return text, body
    for first, last, indent in blank:
        for n in range(first - 1, last):
            lines[n] = ""
        if indent is not None:
            lines[first - 1] = " " * indent + "pass"
    return "\n".join(lines), kept


@contextmanager
def _recursion_room() -> Iterator[None]:
    old = sys.getrecursionlimit()
    if old < RECURSION_LIMIT:
        sys.setrecursionlimit(RECURSION_LIMIT)
    try:
        yield
    finally:
        if old < RECURSION_LIMIT:
            sys.setrecursionlimit(old)


def parse_unvalidated(source: str):
    """``libcst.parse_module`` without libcst's per-node validation.

    Every libcst node checks itself when constructed (``CSTNode.__post_init__`` calls
    ``_validate``: balanced parentheses, required whitespace). That guards trees built by hand; a
    tree the parser builds from source is valid by construction, and libcst's own source notes
    the checks could move out of parsing for that reason. They cost about a tenth of the parse
    (0.50 s against 0.45 s over 150 of healthchecks' files). The check is switched off for the parse call only and put back even
    when the parse raises. The switch is on the class, so it is process-wide: a program that
    builds libcst nodes in another thread during a scan would skip their checks too (envmatrix
    itself extracts in one thread).
    """
    import libcst as cst
    from libcst._nodes.base import CSTNode

    check = CSTNode.__dict__.get("__post_init__")
    if check is None:  # pragma: no cover - a libcst release that moved validation elsewhere
        return cst.parse_module(source)
    CSTNode.__post_init__ = _no_validation
    try:
        return cst.parse_module(source)
    finally:
        CSTNode.__post_init__ = check


def _no_validation(self) -> None:
    return None


def _positions(module):  # -> Mapping[CSTNode, CodeRange]
    """Node positions from one code generation pass.

    ``MetadataWrapper.resolve`` adds a full visit of the tree to the code generation that computes
    positions; the provider alone skips it. Falls back to the public API if the internals move.
    """
    from libcst.metadata import MetadataWrapper, PositionProvider

    try:
        provider = PositionProvider()
        provider._gen_impl(module)  # noqa: SLF001
        return provider._computed  # noqa: SLF001
    except AttributeError:  # pragma: no cover - a libcst release that moved the internals
        return MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)


class _Placed(Exception):
    """Stops a statement's code generation once every wanted node is placed."""


class _LazyPositions:
    """Node positions, computed per top-level statement on demand, and only as far as needed.

    ``PositionProvider`` generates the code of the whole module to place every node, which costs
    more than the parse. Here only the statements that hold a fact are generated, each starting
    at the line ``ast`` gives it (less its leading blank and comment lines, which libcst keeps
    with the statement), and generation stops as soon as the wanted nodes are placed: a route's
    decorator or a guard's name sits at the top of a long function. A node is placed once its
    own generation has finished, so what a stopped run leaves is exact; the enclosing nodes it
    interrupted are dropped. A statement asked for again after ``MAX_PARTIAL`` stopped runs is
    generated whole. A node whose statement is unknown makes the following statements be done
    in order; without ``ast`` line numbers the whole module is done at once.
    """

    MAX_PARTIAL = 2

    def __init__(self, module, source: str, statements: list[ast.stmt] | None = None) -> None:
        self.module = module
        self.source = source
        self.statements = statements  # ``ast`` statements of ``source``, when the caller has them
        self.starts: list[int] | None = None
        self.firsts: list[ast.stmt] = []  # the ``ast`` statement each top-level statement starts with
        self.done: set = set()  # top-level statement indices, and (index, path) anchors, generated whole
        self.partial: dict = {}  # statement index or anchor -> stopped runs so far
        self.provider = None
        self.computed: dict = {}
        self.index_of = {id(stmt): i for i, stmt in enumerate(module.body)}
        self.current: int | None = None  # the top-level statement a walker is in
        self.anchors: dict[tuple[int, tuple[int, ...]], tuple | None] = {}
        self.lines: list[str] | None = None

    def enter(self, stmt) -> None:
        """A walker's note that it is inside ``stmt`` (only top-level statements count)."""
        index = self.index_of.get(id(stmt))
        if index is not None:
            self.current = index

    def _lines(self) -> list[int] | None:
        statements = self.statements
        if statements is None:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                try:
                    statements = ast.parse(self.source).body
                except (SyntaxError, ValueError, RecursionError, MemoryError):
                    return None
        firsts = _pair(self.module.body, statements)
        if firsts is None:
            return None
        self.firsts = firsts
        return [_start(first) - len(stmt.leading_lines) for stmt, first in zip(self.module.body, firsts)]

    def anchor(self, index: int, path: tuple[int, ...]):
        """(libcst statement, first line, indentation) of the statement ``path`` leads to inside
        top-level statement ``index`` (``_python_visitor.Collector._anchor_path``), or None when
        ``ast`` and libcst do not pair up on the way. Generating that statement alone, with its
        indentation as the indent token, places its nodes where generating the module would."""
        import libcst as cst

        key = (index, path)
        if key in self.anchors:
            return self.anchors[key]
        found = None
        if self._prepare() and self.firsts:
            node, first = self.module.body[index], self.firsts[index]
            for step in path:
                if not (isinstance(node, (cst.ClassDef, cst.FunctionDef)) and isinstance(node.body, cst.IndentedBlock)
                        and isinstance(first, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))):
                    node = None
                    break
                firsts = _pair(node.body.body, first.body)
                if firsts is None or step >= len(firsts):
                    node = None
                    break
                node, first = node.body.body[step], firsts[step]
            if node is not None:
                if self.lines is None:
                    self.lines = self.source.split("\n")
                line = self.lines[_start(first) - 1]
                indent = line[:len(line) - len(line.lstrip(" \t\f"))]
                found = (node, _start(first) - len(node.leading_lines), indent)
        self.anchors[key] = found
        return found

    def _prepare(self) -> bool:
        """Line numbers of the statements; False when they are unknown (the module is done whole)."""
        if self.starts is None:
            self.starts = self._lines() or []
            if not self.starts:
                self.computed = _positions(self.module)
                self.done = set(range(len(self.module.body)))
        return bool(self.starts)

    def ensure(self, index: int | None, wanted=None, path: tuple[int, ...] = ()) -> None:
        """Place the nodes of top-level statement ``index``: all of them, or (``wanted``, a set of
        nodes) as far as the last of those, when the statement has not been stopped too often.
        With ``path``, from the statement it leads to inside ``index`` (``anchor``) instead."""
        if not self._prepare() or index is None or index < 0 or index in self.done:
            return
        if wanted is not None:
            wanted = {node for node in wanted if node not in self.computed}
            if not wanted:
                return
        where = self.anchor(index, path) if path else None
        if where is not None:
            self._generate((index, path), where, wanted)
        else:
            self._generate(index, (self.module.body[index], self.starts[index], ""), wanted)

    def _generate(self, key, where: tuple, wanted) -> None:
        """Generate one statement's code from ``where`` (statement, first line, indentation) to
        place its nodes; ``key`` (a top-level index or an anchor) counts its stopped runs."""
        from libcst.metadata import PositionProvider
        from libcst.metadata.position_provider import PositionProvidingCodegenState

        if key in self.done:
            return
        if self.provider is None:
            self.provider = PositionProvider()
            self.provider._computed = self.computed  # noqa: SLF001
        node, line, indent = where
        module = self.module
        if wanted is not None and self.partial.get(key, 0) < self.MAX_PARTIAL:
            self.partial[key] = self.partial.get(key, 0) + 1
            # Positions go to a scratch provider first: a stopped run leaves wrong ones for the
            # nodes it interrupted, and only finished nodes are copied to ``computed``.
            state = _stopping_state()(default_indent=module.default_indent, default_newline=module.default_newline,
                                      provider=PositionProvider())
            state.placed, state.wanted = self.computed, wanted
        else:
            state = PositionProvidingCodegenState(default_indent=module.default_indent,
                                                  default_newline=module.default_newline, provider=self.provider)
        state.line, state.column = line, 0
        state.indent_tokens = [indent] if indent else []
        try:
            node._codegen(state)  # noqa: SLF001
        except Exception:
            # Unwinding from _Placed runs libcst's position bookkeeping for the interrupted
            # nodes, which may raise on the way (a KeyError for a child never placed).
            if getattr(state, "stopped", False):
                return
            raise
        self.done.add(key)

    def __getitem__(self, node):
        found = self.computed.get(node)
        if found is not None:
            return found
        if self.current is not None:
            self.ensure(self.current, {node})
            found = self.computed.get(node)
            if found is not None:
                return found
        self._prepare()
        for index in range(len(self.module.body)):
            if index not in self.done:
                self.ensure(index)
                found = self.computed.get(node)
                if found is not None:
                    return found
        return self.computed[node]


@lru_cache(maxsize=1)
def _stopping_state():
    """``PositionProvidingCodegenState`` that copies each finished node's position to ``placed``
    and stops (``_Placed``) once every node of ``wanted`` is there. Made on first use: libcst is
    imported lazily."""
    from libcst.metadata.position_provider import PositionProvidingCodegenState

    class StoppingState(PositionProvidingCodegenState):
        placed: dict
        wanted: set
        stopped = False

        def after_codegen(self, node) -> None:
            super().after_codegen(node)
            self.placed[node] = self.provider._computed[node]  # noqa: SLF001
            wanted = self.wanted
            if node in wanted:
                wanted.discard(node)
                if not wanted:
                    self.stopped = True
                    raise _Placed

    return StoppingState


def extract(path: str, text: str, options: ExtractOptions) -> FileFacts:
    extra_hosts = frozenset(h.lower() for h in options.extra_local_hosts)
    routes = _py_routes.wanted(text)
    settings_only = False  # a settings object is the only trigger: ``_settings_matter`` decides below
    if not routes and not _hits(text, extra_hosts=extra_hosts, settings=False):
        if not _uses_settings(text.lower()):
            return FileFacts(path)
        settings_only = True
    try:
        problem, tree = _guard(text)
    except _Python2 as exc:
        return FileFacts(path, diagnostics=(("parse-error", (
            f"cannot parse as Python 3 (line {exc.line}, Python 2 or invalid syntax): {exc.message}")),))
    if problem is not None:
        return FileFacts(path, diagnostics=(("too-deep", f"skipped: {problem}"),))
    if settings_only and tree is not None and not _settings_matter(tree, path):
        return FileFacts(path)  # nothing can come of the settings object
    # Route files are read whole: decorators and urlpatterns hold none of the triggers.
    # Route files are read whole; a file that is only a script keeps its ``__main__`` check.
    whole = routes and _py_routes.wanted_whole(text)
    statements = tree.body if tree is not None else None
    source = text
    if tree is not None and not whole:
        source, statements = _reduce(text, tree, extra_hosts, keep=("__main__",) if routes else ())

    import libcst as cst  # lazy: about 0.4 s, paid only by trees with Python worth parsing

    from ._python_visitor import collect

    try:
        module = parse_unvalidated(source)
    except cst.ParserSyntaxError as exc:
        detail = str(exc.message).split("\n", 1)[0]
        return FileFacts(path, diagnostics=(("parse-error", (
            f"cannot parse as Python 3 (line {exc.raw_line}, Python 2 or invalid syntax): {detail}")),))
    try:
        with _recursion_room():
            pending, imports, hints, anchors = collect(module, path, options.extra_local_hosts, source)
            if not pending and not routes:
                return FileFacts(path, imports=tuple(imports))
            positions = _LazyPositions(module, source, statements)
            route_facts = _py_routes.extract_routes(module, path, positions) if routes else []
            if not pending and not route_facts:
                return FileFacts(path, imports=tuple(imports))
            facts = _place(path, pending, hints, positions, route_facts, anchors)
    except RecursionError:
        return FileFacts(path, diagnostics=(("too-deep", "skipped: nesting too deep to analyse"),))
    return FileFacts(path, tuple(facts), imports=tuple(imports))


def _pair(statements, nodes: list[ast.stmt]) -> list[ast.stmt] | None:
    """The first ``ast`` statement of each libcst statement of one body (a libcst line
    ``a = 1; b = 2`` is two ``ast`` statements), or None when the two bodies do not match up."""
    import libcst as cst

    body = iter(nodes)
    firsts = []
    try:
        for stmt in statements:
            firsts.append(next(body))
            if isinstance(stmt, cst.SimpleStatementLine):
                for _ in stmt.body[1:]:
                    next(body)
    except StopIteration:
        return None
    return None if next(body, None) is not None else firsts


def _place(path: str, pending, hints: dict[int, int], positions: _LazyPositions, route_facts: list,
           anchors: dict[int, tuple[int, ...]] | None = None) -> list:
    """Facts from pending (node, type, fields): nodes become spans, duplicates go, order is by span."""
    from ._python_effects import Region

    def span(node) -> Span | None:
        if node is None:
            return None
        if isinstance(node, Region):
            first, last = positions[node.first], positions[node.last]
            return Span(path, first.start.line, first.start.column + 1, last.end.line, last.end.column + 1)
        where = positions[node]
        return Span(path, where.start.line, where.start.column + 1, where.end.line, where.end.column + 1)

    # Each statement is generated once, as far as the last node wanted from it; inside classes
    # and functions, from the innermost statement there that holds the fact.
    anchors = anchors or {}
    wanted: dict[tuple[int, tuple[int, ...]], set] = {}
    for node, _kind, fields in pending:
        index = hints.get(id(node))
        if index is None:
            continue
        steps = anchors.get(id(node), ())
        if steps and any(isinstance(fields.get(k), Region) for k in ("then_span", "else_span")):
            steps = steps[:-1]  # an arm may be the statements after an early exit: siblings of the anchor
        nodes = wanted.setdefault((index, steps), set())
        for item in (node, *(fields.get(k) for k in ("then_span", "else_span", "default_span"))):
            if isinstance(item, Region):
                nodes.update((item.first, item.last))
            elif item is not None:
                nodes.add(item)
    for index, steps in sorted(wanted):
        positions.ensure(index, wanted[index, steps], steps)
    positions.current = None
    facts = list(route_facts)
    seen = set(facts)
    for node, kind, fields in pending:
        positions.current = hints.get(id(node))
        for key in ("then_span", "else_span", "default_span"):
            if key in fields:
                fields[key] = span(fields[key])
        fact = kind(span=span(node), **fields)
        if fact not in seen:
            seen.add(fact)
            facts.append(fact)
    facts.sort(key=lambda f: (f.span, type(f).__name__))
    return facts


def may_have_facts(path: str, data: bytes, options: ExtractOptions) -> bool:
    """The engine's pre-filter (``languages.may_have_facts``): exactly the test ``extract`` opens
    with, route files included, so a file it rejects would give no fact."""
    text = data.decode("utf-8", errors="replace")
    extra_hosts = frozenset(h.lower() for h in options.extra_local_hosts)
    return _py_routes.wanted(text) or _hits(text, extra_hosts=extra_hosts)


def warm(kind: str) -> None:
    """Import libcst and the visitor before worker processes fork, so that they share them instead
    of each importing its own (about 0.4 s of CPU apiece)."""
    import libcst  # noqa: F401

    from . import _py_route_walker, _python_visitor  # noqa: F401
