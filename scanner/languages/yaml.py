"""YAML frontend: Kubernetes manifests, Helm values, CI workflows and other YAML.

Each document is read as a bounded node graph (``_yamltree``) and judged by its shape:

* Kubernetes (``apiVersion`` + ``kind``): ``image`` of every container, init and ephemeral
  container (``ImageRef(source="kubernetes")``), and ``env: [{name, value}]``
  (``EnvAssignment(source="kubernetes")``; ``valueFrom`` gives a value of None);
* GitHub Actions (``jobs:``): ``container`` and ``services`` images and ``docker://`` steps
  (``source="workflow"``); ``runs-on: ubuntu-latest`` names a runner, not an image;
* Helm values (``values*.yaml`` or ``image: {repository, tag}``): the image a chart deploys
  (``source="helm"``); an empty tag means the chart's appVersion and is not judged;
* compose-shaped files with another name (``services:`` of images) go to the compose frontend;
* anything else (GitLab CI, Ansible, stack files): an ``image:`` whose value has a tag or digest.

Templated YAML that does not parse is skipped: silently in a Helm chart's ``templates/``, with
a diagnostic elsewhere.
"""

from __future__ import annotations

from pathlib import PurePosixPath

from .. import lexicon
from ..facts import EnvAssignment, FileFacts, ImageRef, Span
from . import _yamltree
from ._scope import path_scope
from ._yamltree import Node, get, mapping_items

_CONTAINER_LISTS = ("containers", "initContainers", "ephemeralContainers")
_FILE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".ico", ".bmp", ".tiff")


class _Extractor:
    def __init__(self, path: str) -> None:
        self.path = path
        self.scope = path_scope(path)
        self.facts: list = []

    def span(self, node: Node, end: Node | None = None) -> Span:
        last = end or node
        end_line, end_col = (last.end_line, last.end_column) if last.end_line else (last.line, last.column)
        return Span(self.path, node.line, node.column, end_line, end_col)

    def image(self, node: Node | None, source: str, *, require_tag: bool = False) -> None:
        if node is None:
            return
        text = node.text()
        if not text or "{{" in text or "$" in text:
            return
        text = text.strip()
        if text.lower().endswith(_FILE_SUFFIXES) or text.startswith(("/", ".", "http:", "https:")):
            return
        parsed = lexicon.parse_image(text)
        if parsed is None:
            return
        name, tag, digest = parsed
        if require_tag and tag is None and digest is None:
            return
        self.facts.append(ImageRef(self.span(node), text, name, tag, digest, source))

    # ------------------------------------------------------------------ shapes

    def document(self, root: Node, tree: _yamltree.Tree, text: str) -> None:
        if root.kind != "map":
            return
        keys = {k for k, _, _ in mapping_items(root)}
        if {"apiVersion", "kind"} <= keys:
            self.kubernetes(root)
        elif "jobs" in keys and (".github/workflows/" in f"/{self.path}" or "on" in keys or "true" in keys):
            self.workflow(root)
        elif self.is_helm_values(root, keys):
            self.helm(root)
        else:
            self.generic(root)

    def kubernetes(self, root: Node) -> None:
        for node in _yamltree.walk(root):
            if node.kind != "map":
                continue
            for key in _CONTAINER_LISTS:
                containers = get(node, key)
                if containers is None or containers.kind != "seq":
                    continue
                for container in containers.items:
                    self.image(get(container, "image"), "kubernetes")
                    self.env(get(container, "env"))
        self.generic(root, source="kubernetes")

    def env(self, env: Node | None) -> None:
        if env is None or env.kind != "seq":
            return
        for item in env.items:
            name = get(item, "name")
            if name is None or not name.text():
                continue
            value = get(item, "value")
            text = value.text() if value is not None and value.kind == "scalar" else None
            if value is not None and value.kind == "scalar" and value.style and text is None:
                text = value.value  # value: "" is an empty string, not a null
            span = self.span(name, value or name)
            self.facts.append(EnvAssignment(span, name.value, text, "kubernetes", self.scope))

    def workflow(self, root: Node) -> None:
        for _, _, job in mapping_items(get(root, "jobs")):
            container = get(job, "container")
            if container is not None:
                self.image(container if container.kind == "scalar" else get(container, "image"), "workflow")
            for _, _, service in mapping_items(get(job, "services")):
                self.image(service if service.kind == "scalar" else get(service, "image"), "workflow")
            steps = get(job, "steps")
            for step in steps.items if steps is not None and steps.kind == "seq" else ():
                uses = get(step, "uses")
                if uses is not None and (uses.text() or "").startswith("docker://"):
                    self.docker_uses(uses)

    def docker_uses(self, node: Node) -> None:
        ref = node.value[len("docker://"):]
        parsed = lexicon.parse_image(ref)
        if parsed is not None:
            self.facts.append(ImageRef(self.span(node), ref, *parsed, "workflow"))

    def is_helm_values(self, root: Node, keys: set[str]) -> bool:
        name = PurePosixPath(self.path).name.lower()
        if name.startswith("values") and name.endswith((".yaml", ".yml")):
            return True
        image = get(root, "image")
        return image is not None and image.kind == "map" and get(image, "repository") is not None

    def helm(self, root: Node) -> None:
        for node in _yamltree.walk(root):
            if node.kind != "map":
                continue
            items = {k: (kn, v) for k, kn, v in mapping_items(node)}
            if "image" in items:
                value = items["image"][1]
                if value.kind == "map":
                    self.helm_image(get(value, "registry"), get(value, "repository"),
                                    get(value, "tag"), get(value, "digest") or get(value, "sha"))
                else:
                    self.image(value, "helm", require_tag=True)
            if "image.repository" in items or "image.tag" in items:
                self.helm_image(items.get("image.registry", (None, None))[1],
                                items.get("image.repository", (None, None))[1],
                                items.get("image.tag", (None, None))[1], None)

    def helm_image(self, registry: Node | None, repository: Node | None, tag: Node | None,
                   digest: Node | None) -> None:
        repo = repository.text() if repository is not None else None
        tag_text = (tag.text() or "").strip() if tag is not None else ""
        digest_text = (digest.text() or "").strip() if digest is not None else ""
        if not repo or "{{" in repo or (not tag_text and not digest_text):
            return  # no tag: the chart deploys its appVersion
        reg = registry.text() if registry is not None else None
        name = f"{reg.rstrip('/')}/{repo}" if reg else repo
        ref = name + (f":{tag_text}" if tag_text else "") + (f"@{digest_text}" if digest_text else "")
        parsed = lexicon.parse_image(ref)
        if parsed is None:
            return
        at = tag if tag is not None and tag_text else (digest or repository)
        self.facts.append(ImageRef(self.span(at), ref, *parsed, "helm"))

    def generic(self, root: Node, source: str = "yaml") -> None:
        for node in _yamltree.walk(root):
            if node.kind != "map":
                continue
            value = get(node, "image")
            if value is not None and value.kind == "scalar":
                self.image(value, source, require_tag=source == "yaml")


def _is_compose_shaped(root: Node) -> bool:
    services = get(root, "services")
    if services is None or services.kind != "map" or get(root, "jobs") is not None:
        return False
    bodies = [v for _, _, v in mapping_items(services)]
    return bool(bodies) and any(v.kind == "map" and (get(v, "image") is not None or get(v, "build") is not None)
                                for v in bodies)


def extract(path: str, text: str, options) -> FileFacts:
    tree = _yamltree.load(text)
    diagnostics = list(tree.diagnostics)
    if diagnostics and diagnostics[0][0] == "parse-error" and "{{" in text:
        if "templates" in PurePosixPath(path).parts[:-1]:
            return FileFacts(path)  # a Helm chart's templates/: never YAML until rendered
        return FileFacts(path, (), (("template", "skipped: templated YAML (Helm/Jinja) is not parsed"),))
    ex = _Extractor(path)
    facts: list = []
    for doc in tree.documents:
        if _is_compose_shaped(doc):
            from .compose import facts_from_tree

            facts.extend(facts_from_tree(path, text, _yamltree.Tree([doc])))
        else:
            ex.document(doc, tree, text)
    facts.extend(ex.facts)
    return FileFacts(path, tuple(dict.fromkeys(facts)), tuple(diagnostics))
