"""A read-only walk over libcst trees, several times faster than ``CSTNode.visit``.

``CSTNode.visit`` rebuilds every node it passes (``_visit_and_replace_children``) and looks up
``visit_<Type>_<attribute>`` hooks for every field, which is most of libcst's cost for a reader.
``Walker`` follows the same protocol (``visit_<Type>`` returning False skips the children,
``leave_<Type>`` is always called) over the dataclass fields that hold syntax, in field order,
skipping whitespace, brackets and punctuation. Its subclasses never modify the tree.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Callable

import libcst as cst

#: Fields that hold only layout or punctuation.
_TRIVIA = frozenset({
    "whitespace", "whitespace_before", "whitespace_after", "whitespace_before_colon",
    "whitespace_after_colon", "whitespace_before_params", "whitespace_after_def",
    "whitespace_after_class", "whitespace_before_as", "whitespace_after_as",
    "whitespace_after_arg", "whitespace_after_star", "whitespace_after_star_star",
    "whitespace_after_equal", "whitespace_before_equal", "whitespace_after_in",
    "whitespace_before_in", "whitespace_after_for", "whitespace_before_for",
    "whitespace_after_if", "whitespace_before_if", "whitespace_after_await",
    "whitespace_after_lambda", "whitespace_after_return", "whitespace_after_import",
    "whitespace_after_from", "whitespace_before_import", "whitespace_after_del",
    "whitespace_after_assert", "whitespace_after_raise", "whitespace_after_global",
    "whitespace_after_nonlocal", "whitespace_after_match", "whitespace_after_case",
    "whitespace_after_indicator", "whitespace_after_type", "whitespace_after_at",
    "whitespace_after_walrus", "whitespace_before_walrus", "whitespace_after_with",
    "whitespace_before_from", "whitespace_after_cls", "whitespace_before_cls",
    "whitespace_after_print", "whitespace_after_exec",
    "leading_lines", "lines_after_decorators", "header", "footer", "trailing_whitespace",
    "lpar", "rpar", "lbracket", "rbracket", "lbrace", "rbrace", "comma", "semicolon", "colon",
    "equal", "dot", "separator", "newline", "asynchronous", "operator", "star_tok", "indent",
    "whitespace_after_else", "whitespace_before_else",
})
_CHILD_FIELDS: dict[type, tuple[str, ...]] = {}
_HOOKS: dict[tuple[type, type, str], Callable[..., Any] | None] = {}


def _fields(kind: type) -> tuple[str, ...]:
    found = _CHILD_FIELDS.get(kind)
    if found is None:
        found = tuple(f.name for f in dataclasses.fields(kind)
                      if f.name not in _TRIVIA and not f.name.startswith("whitespace"))
        _CHILD_FIELDS[kind] = found
    return found


#: What a field value's type is: 1 a node, 2 a sequence, 0 anything else (``_shape``).
_SHAPES: dict[type, int] = {}


def _shape(kind: type) -> int:
    """1 for a libcst node type, 2 for a list or tuple, else 0. ``CSTNode`` is an abstract base
    class, and ``isinstance`` against one runs ``ABCMeta.__instancecheck__`` in Python: asked per
    field of every node, that was a tenth of the Python frontend's time. libcst registers no
    virtual subclasses, so the class itself decides, once per type."""
    shape = 1 if issubclass(kind, cst.CSTNode) else 2 if issubclass(kind, (list, tuple)) else 0
    _SHAPES[kind] = shape
    return shape


def children(node: cst.CSTNode) -> list[cst.CSTNode]:
    """The syntax children of a node, in field order."""
    out: list[cst.CSTNode] = []
    shapes = _SHAPES
    for name in _fields(type(node)):
        value = getattr(node, name)
        shape = shapes.get(type(value))
        if shape is None:
            shape = _shape(type(value))
        if shape == 1:
            out.append(value)
        elif shape == 2:
            for item in value:
                kind = shapes.get(type(item))
                if kind == 1 or (kind is None and _shape(type(item)) == 1):
                    out.append(item)
    return out


def _hook(walker: type, kind: type, prefix: str) -> Callable[..., Any] | None:
    key = (walker, kind, prefix)
    try:
        return _HOOKS[key]
    except KeyError:
        fn = getattr(walker, prefix + kind.__name__, None)
        _HOOKS[key] = fn
        return fn


class Walker:
    """Subclass and define ``visit_<Type>`` / ``leave_<Type>``; call ``walk(node)``."""

    def walk(self, node: cst.CSTNode) -> None:
        kind = type(node)
        cls = type(self)
        visit = _hook(cls, kind, "visit_")
        self.enter(node)
        if visit is None or visit(self, node) is not False:
            for child in children(node):
                self.walk(child)
        leave = _hook(cls, kind, "leave_")
        if leave is not None:
            leave(self, node)
        self.exit(node)

    def enter(self, node: cst.CSTNode) -> None:
        """Called before ``visit_<Type>`` for every node (the collector keeps its stack here)."""

    def exit(self, node: cst.CSTNode) -> None:
        """Called after ``leave_<Type>`` for every node."""
