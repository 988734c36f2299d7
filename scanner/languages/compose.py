"""Compose frontend: service images, environment and interpolation in ``docker-compose*.yml``.

Reads the YAML node graph (``_yamltree``: positions, bounded, aliases shared not copied) and
emits, per service:

* ``ImageRef(source="compose")`` for ``image:``, after interpolation (``app:${TAG:-latest}`` is
  ``app:latest``); a reference whose tag stays unresolved is not judged, nor one beside
  ``build:``, which only names the image compose builds from local sources;
* ``EnvAssignment(source="compose")`` for each ``environment:`` entry (map and list forms): a
  literal value as written, or the default of an interpolation (``interpolated=True``);
* ``EnvRead(via="compose")`` for every ``${VAR…}`` anywhere in the file: compose reads those from
  the shell or ``.env`` (``required`` for ``${VAR:?err}``);
* ``Literal(context="env-file")`` for ``env_file:`` entries (target: the service);
* ``ImageRef`` for image-named variables (``OPENCODE_IMAGE: growqr/opencode:dev``).

Port publishing (``127.0.0.1:8080:80``), ``extra_hosts`` and healthchecks that call their own
container give no facts. ``environment`` is the scope the file name implies
(``docker-compose.prod.yml``; an override file is development).
"""

from __future__ import annotations

from .. import lexicon
from ..facts import EnvAssignment, EnvRead, FileFacts, ImageRef, Literal, Span
from . import _interpolate, _yamltree
from ._scope import path_scope
from ._yamltree import Node


class _Extractor:
    def __init__(self, path: str, text: str) -> None:
        self.path = path
        self.lines = text.split("\n")
        self.scope = path_scope(path, override_is_dev=True)
        self.facts: list = []

    def node_span(self, node: Node, end: Node | None = None) -> Span:
        last = end or node
        end_line, end_col = (last.end_line, last.end_column) if last.end_line else (last.line, last.column)
        return Span(self.path, node.line, node.column, end_line, end_col)

    def offset_span(self, node: Node, start: int, end: int) -> Span:
        """A span inside a scalar: exact for one-line scalars, else the whole node."""
        base = _yamltree.value_offset(node, self.lines)
        if base is None:
            return self.node_span(node)
        return Span(self.path, node.line, base + start, node.line, base + end)

    # ------------------------------------------------------------------ interpolation reads

    def reads(self, node: Node, text: str, offset: int = 0) -> list[_interpolate.Part]:
        """The parts of ``text`` (a scalar's value from ``offset``), with an EnvRead per reference."""
        parts = _interpolate.scan(text)
        self._emit_reads(node, parts, offset, 0)
        return parts

    def _emit_reads(self, node: Node, parts: list[_interpolate.Part], offset: int, depth: int) -> None:
        for ref in _interpolate.refs(parts):
            default = None
            if ref.default is not None:
                resolved = _interpolate.resolve(_interpolate.scan(ref.default))
                default = resolved.text
            self.facts.append(EnvRead(self.offset_span(node, offset + ref.start, offset + ref.end),
                                      ref.name, default, "compose", ref.required))
            if ref.arg and "$" in ref.arg and depth < _interpolate.MAX_NESTING:
                inner = offset + ref.start + 2 + len(ref.name) + len(ref.op)
                self._emit_reads(node, _interpolate.scan(ref.arg), inner, depth + 1)

    # ------------------------------------------------------------------ services

    def document(self, root: Node) -> None:
        for node in _yamltree.walk(root):
            if node.kind == "scalar" and "$" in node.value:
                self.reads(node, node.value)
        services = _yamltree.get(root, "services")
        for name, _, service in _yamltree.mapping_items(services):
            if service.kind == "map":
                self.service(name, service)

    def service(self, name: str, service: Node) -> None:
        image = _yamltree.get(service, "image")
        if image is not None and image.text() and _yamltree.get(service, "build") is None:
            resolved = _interpolate.resolve(_interpolate.scan(image.value))
            self.image(image, resolved)
        env = _yamltree.get(service, "environment")
        if env is not None and env.kind == "map":
            for key, key_node, value in _yamltree.mapping_items(env):
                self.assign(key, key_node, value, value.text() if value.kind == "scalar" else None, 0)
        elif env is not None and env.kind == "seq":
            for item in env.items:
                text = item.text()
                if text is None:
                    continue
                key, eq, rest = text.partition("=")
                key = key.strip()
                if key:
                    self.assign(key, item, item, rest if eq else None, len(key) + 1)
        env_file = _yamltree.get(service, "env_file")
        entries = env_file.items if env_file is not None and env_file.kind == "seq" else [env_file]
        for entry in entries:
            target = _yamltree.get(entry, "path") if entry is not None and entry.kind == "map" else entry
            if target is not None and target.text():
                self.facts.append(Literal(self.node_span(target), target.value, "env-file", name))

    def assign(self, key: str, key_node: Node, value_node: Node, text: str | None, offset: int) -> None:
        span = self.node_span(key_node, value_node)
        if text is None:
            self.facts.append(EnvAssignment(span, key, None, "compose", self.scope))
            return
        parts = _interpolate.scan(text)
        resolved = _interpolate.resolve(parts)
        has_refs = any(isinstance(p, _interpolate.Ref) for p in parts)
        self.facts.append(EnvAssignment(span, key, resolved.text, "compose", self.scope, has_refs))
        if lexicon.is_image_name(key) and resolved.text and resolved.complete:
            self.image(value_node, resolved, offset, tagged_only=True)

    def image(self, node: Node, resolved: _interpolate.Resolved, offset: int = 0, *, tagged_only: bool = False) -> None:
        """An image reference; ``tagged_only`` for variables, whose tag may live in another one."""
        if not resolved.complete or not resolved.text:
            return
        parsed = lexicon.parse_image(resolved.text)
        if parsed is None or (tagged_only and not parsed[1] and not parsed[2]):
            return
        span = self.node_span(node) if offset == 0 else self.offset_span(node, offset, len(node.value))
        self.facts.append(ImageRef(span, resolved.text, *parsed, "compose"))


def facts_from_tree(path: str, text: str, tree: _yamltree.Tree) -> list:
    """Compose facts for already-loaded documents (the YAML frontend delegates compose-shaped files)."""
    ex = _Extractor(path, text)
    for doc in tree.documents:
        ex.document(doc)
    return list(dict.fromkeys(ex.facts))


def extract(path: str, text: str, options) -> FileFacts:
    tree = _yamltree.load(text)
    return FileFacts(path, tuple(facts_from_tree(path, text, tree)), tuple(tree.diagnostics))
