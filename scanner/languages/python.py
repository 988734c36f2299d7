"""The Python frontend: ``.py`` source to facts, with libcst.

``extract`` runs three cheap gates before the expensive parse: a literal pre-filter on the text
(a file that cannot hold a fact costs a few substring tests), a nesting guard (``ast`` from the
standard library measures the depth; libcst's native parser overflows the C stack on a few
thousand nested brackets, and is quadratic on long operator chains), and only then the lazy
libcst import and parse. Positions are computed only for files that produced a fact. What the
visitor sees is in ``_python_visitor.py``; expression evaluation in ``_python_eval.py``; what a
branch arm does in ``_python_effects.py``.
"""

from __future__ import annotations

import ast
import io
import sys
import tokenize
import warnings
from contextlib import contextmanager
from typing import Iterator

from .. import lexicon
from ..facts import FileFacts, Span
from . import ExtractOptions

#: Lower-case substrings a Python file must contain for any fact to be possible: env APIs and
#: config libraries, environment/debug subjects, image names, credential compares (with ``=``),
#: and every local-endpoint trigger.
TRIGGERS = (
    "environ", "getenv", "decouple", "settings", "env", "debug", "prod", "dev", "stag", "local",
    "test", "demo", "mock", "image", "img", "token", "secret", "passw", "credential", "api_key",
    "apikey", "_key", *lexicon.LOCAL_TRIGGERS,
)
#: Deepest syntax tree (``ast`` levels) handed to libcst. Real code stays under 30.
MAX_DEPTH = 100
#: Deepest bracket nesting accepted when ``ast`` cannot judge a file (newer syntax, Python 2).
MAX_BRACKETS = 60
#: Python frames allowed while visiting a tree of MAX_DEPTH levels.
RECURSION_LIMIT = 12000


def could_have_facts(text: str, extra_hosts: frozenset[str] = frozenset()) -> bool:
    """The literal pre-filter: False when no trigger occurs anywhere in the text."""
    low = text.lower()
    return any(t in low for t in TRIGGERS) or any(h.lower() in low for h in extra_hosts)


def nesting_problem(text: str) -> str | None:
    """Why the file is too deep for libcst to parse safely, or None."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            tree = ast.parse(text)
        except (RecursionError, MemoryError):
            return "expression nesting too deep to parse"
        except SyntaxError as exc:
            message = str(exc.msg)
            if "too many nested" in message or "too complex" in message:
                return f"nesting too deep (line {exc.lineno}): {message}"
            return _bracket_problem(text)
        except ValueError:  # NUL bytes
            return None
    stack = [(tree, 1)]
    children = ast.iter_child_nodes
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            line = getattr(node, "lineno", None)
            return f"syntax tree deeper than {MAX_DEPTH} levels" + (f" at line {line}" if line else "")
        stack.extend((child, depth + 1) for child in children(node))
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
            elif tok.type in {tokenize.NEWLINE, tokenize.NL} and depth == 0:
                operators = 0
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return None
    return None


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


def extract(path: str, text: str, options: ExtractOptions) -> FileFacts:
    if not could_have_facts(text, options.extra_local_hosts):
        return FileFacts(path)
    problem = nesting_problem(text)
    if problem is not None:
        return FileFacts(path, diagnostics=(("too-deep", f"skipped: {problem}"),))

    import libcst as cst  # lazy: about 0.4 s, paid only by trees with Python worth parsing
    from libcst.metadata import MetadataWrapper, PositionProvider

    from ._python_visitor import collect

    try:
        module = cst.parse_module(text)
    except cst.ParserSyntaxError as exc:
        detail = str(exc.message).split("\n", 1)[0]
        return FileFacts(path, diagnostics=(("parse-error", (
            f"cannot parse as Python 3 (line {exc.raw_line}, Python 2 or invalid syntax): {detail}")),))
    try:
        with _recursion_room():
            pending, imports = collect(module, path, options.extra_local_hosts)
            if not pending:
                return FileFacts(path, imports=tuple(imports))
            positions = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    except RecursionError:
        return FileFacts(path, diagnostics=(("too-deep", "skipped: nesting too deep to analyse"),))
    facts = []
    seen = set()
    for node, kind, fields in pending:
        where = positions[node]
        span = Span(path, where.start.line, where.start.column + 1, where.end.line, where.end.column + 1)
        fact = kind(span=span, **fields)
        if fact not in seen:
            seen.add(fact)
            facts.append(fact)
    facts.sort(key=lambda f: (f.span, type(f).__name__))
    return FileFacts(path, tuple(facts), imports=tuple(imports))
