"""The cross-file view: all facts of a scan, with config indirection resolved.

Frontends see one file. Here ``config.nodeEnv`` in ``auth/clerk.ts`` becomes a test of
``NODE_ENV`` because ``config.ts`` exported ``nodeEnv: process.env.NODE_ENV``, and
``config.isProduction`` becomes ``NODE_ENV == "production"``. Rules and the inventory read
facts only through ``Project``.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from dataclasses import dataclass
from typing import Iterable, Iterator, TypeVar

from . import lexicon
from .facts import ConfigBinding, ConfigUse, EnvBranch, EnvRead, EnvSource, FileFacts, Span

F = TypeVar("F")

_NEGATE = {"==": "!=", "!=": "==", "truthy": "falsy", "falsy": "truthy"}


@dataclass(frozen=True, slots=True)
class ResolvedBranch:
    """An ``EnvBranch`` after resolution, with the arm that runs outside production."""

    branch: EnvBranch  # subject/op/value rewritten through bindings when they resolved
    nonprod_arm: str | None  # "then", "else" or None when the branch does not split on production
    resolved_from: str | None = None  # the ref that was resolved, e.g. "config.isProduction"

    @property
    def nonprod_effects(self) -> tuple[str, ...]:
        if self.nonprod_arm == "then":
            return self.branch.then_effects
        if self.nonprod_arm == "else":
            return self.branch.else_effects
        return ()

    @property
    def nonprod_summary(self) -> str:
        if self.nonprod_arm == "then":
            return self.branch.then_summary
        if self.nonprod_arm == "else":
            return self.branch.else_summary
        return ""


class Project:
    """Every file's facts, indexed by type, plus each file's role."""

    def __init__(self, files: Iterable[FileFacts], roles: dict[str, str] | None = None,
                 extra_local_hosts: frozenset[str] = frozenset(),
                 secret_name_patterns: frozenset[str] = frozenset(), admin_guards: frozenset[str] = frozenset()) -> None:
        self.extra_local_hosts = extra_local_hosts
        self.secret_name_patterns = secret_name_patterns
        self.admin_guards = admin_guards  # extra guard names that restrict a route to admins
        self.files: dict[str, FileFacts] = {f.path: f for f in files}
        self.roles: dict[str, str] = dict(roles or {})
        self._by_type: dict[type, list] = defaultdict(list)
        for path in sorted(self.files):
            for fact in self.files[path].facts:
                self._by_type[type(fact)].append(fact)
        self._imports = {path: dict(f.imports) for path, f in self.files.items()}
        self.default_spans: set[Span] = set()  # literals that became env defaults here, not in a frontend
        self._read_through_env_sources()
        self._bindings_by_owner: dict[tuple[str, str], ConfigBinding] = {}
        self._bindings_by_module: dict[tuple[str, str], ConfigBinding] = {}
        for b in self.facts(ConfigBinding):
            self._bindings_by_owner.setdefault((b.owner, b.attribute), b)
            self._bindings_by_module.setdefault((_module_key(b.span.path), b.attribute), b)
        self._branches: list[ResolvedBranch] | None = None
        self._routes: list | None = None
        self._nonprod_regions: dict[str, list[Span]] | None = None

    def _read_through_env_sources(self) -> None:
        """``import env from "./environment"; env.SECRET_KEY``: reads through a module that exports
        ``process.env`` become ``EnvRead`` facts of the importing file."""
        sources = {(_module_key(s.span.path), s.export) for s in self.facts(EnvSource)}
        if not sources:
            return
        extra = []
        for use in self.facts(ConfigUse):
            root, _, rest = use.ref.partition(".")
            module = self._imports.get(use.span.path, {}).get(root)
            if module is None or not rest or "." in rest:
                continue
            key = _module_key(module)
            if (key, "default") in sources or (key, root) in sources:
                extra.append(EnvRead(use.span, rest, use.default, f"{module} (process.env)"))
                if use.default_span is not None:
                    self.default_spans.add(use.default_span)
        if extra:
            reads = self._by_type[EnvRead] + extra
            reads.sort(key=lambda r: r.span)
            self._by_type[EnvRead] = reads

    def facts(self, kind: type[F]) -> list[F]:
        """All facts of one type, in path order then file order."""
        return self._by_type.get(kind, [])

    def role(self, path: str) -> str:
        return self.roles.get(path, "source")

    def is_secret_name(self, name: str) -> bool:
        """``lexicon.is_secret_name`` with the user's ``secret-name-patterns``."""
        return lexicon.is_secret_name(name, self.secret_name_patterns)

    # ------------------------------------------------------------------ config indirection

    def binding_for(self, ref: str, path: str) -> ConfigBinding | None:
        """The binding a dotted reference in ``path`` reads: ``config.nodeEnv`` -> NODE_ENV."""
        parts = [p for p in ref.replace("()", "").split(".") if p and p != "this"]
        if len(parts) < 2:
            return None
        imports = self._imports.get(path, {})
        for start in range(len(parts) - 1):
            owner, attribute = parts[start], ".".join(parts[start + 1:])
            module = imports.get(owner)
            if module is not None:
                hit = self._bindings_by_module.get((_module_key(module), attribute))
                if hit is not None:
                    return hit
            hit = self._bindings_by_owner.get((owner, attribute))
            if hit is None and ref.endswith("()." + attribute):
                hit = self._bindings_by_owner.get((owner + "()", attribute))
            if hit is not None:
                return hit
        return None

    def config_uses(self) -> list[tuple[ConfigUse, ConfigBinding]]:
        """Uses of config properties in other files, with the binding (variable) behind each."""
        out = []
        for use in self.facts(ConfigUse):
            binding = self.binding_for(use.ref, use.span.path)
            if binding is not None:
                out.append((use, binding))
        return out

    def branches(self) -> list[ResolvedBranch]:
        """Every environment branch, resolved through config bindings, in path order."""
        if self._branches is None:
            resolved = (self._resolve(b) for b in self.facts(EnvBranch))
            self._branches = [rb for rb in resolved if rb is not None]
        return self._branches

    def _resolve(self, branch: EnvBranch) -> ResolvedBranch | None:
        """None for a truth test of an unresolved reference that does not name an environment."""
        if branch.subject or branch.ref is None:
            flag = branch.subject if branch.op in {"truthy", "falsy"} else None
            return ResolvedBranch(branch, _arm(branch, flag))
        binding = self.binding_for(branch.ref, branch.span.path)
        if binding is None:
            leaf = lexicon.ref_flag(branch.ref)
            if branch.op in {"truthy", "falsy"} and not lexicon.is_environment_subject(leaf):
                return None
            if branch.op in {"truthy", "falsy"} and "." in branch.ref and lexicon.ambiguous_flag(leaf) \
                    and not _config_root(branch.ref):
                return None  # this.isPreview, props.isDemo: a preview or a demo, not an environment
            return ResolvedBranch(branch, _arm(branch, leaf if branch.op in {"truthy", "falsy"} else None))
        derived_env = binding.op is not None and (
            lexicon.environment_of(binding.value or "") is not None or lexicon.is_env_name_variable(binding.name))
        if derived_env and branch.op in {"truthy", "falsy"}:
            op = binding.op if branch.op == "truthy" else _NEGATE[binding.op]
            resolved = dataclasses.replace(branch, subject=binding.name, op=op, value=binding.value)
        elif branch.op in {"truthy", "falsy"}:
            # config.serviceToken tested for truth: a presence check unless it is an env name or flag
            presence = not (lexicon.is_env_name_variable(binding.name) or lexicon.is_debug_variable(binding.name))
            resolved = dataclasses.replace(branch, subject=binding.name, presence=presence)
        else:
            resolved = dataclasses.replace(branch, subject=binding.name)
        flag = binding.name if resolved.op in {"truthy", "falsy"} else None
        if flag and lexicon.flag_meaning(binding.name) is None and not lexicon.is_debug_variable(binding.name):
            flag = lexicon.ref_flag(branch.ref)
        return ResolvedBranch(resolved, _arm(resolved, flag), resolved_from=branch.ref)

    def routes(self) -> list:
        """Every route with its full path (mounts joined across files), guards and verdict.

        A list of ``routing.ResolvedRoute``; a route mounted twice appears once per full path.
        """
        if self._routes is None:
            from .routing import resolve_routes

            self._routes = resolve_routes(self, self.admin_guards)
        return self._routes

    def in_nonproduction_arm(self, span: Span) -> bool:
        """True when ``span`` lies inside code that only runs outside production (a dev-only arm):
        a local endpoint there is the development configuration, not a leak."""
        if self._nonprod_regions is None:
            regions: dict[str, list[Span]] = defaultdict(list)
            for rb in self.branches():
                b = rb.branch
                region = b.then_span if rb.nonprod_arm == "then" else b.else_span if rb.nonprod_arm == "else" else None
                if region is not None:
                    regions[region.path].append(region)
            self._nonprod_regions = dict(regions)
        return any(_contains(r, span) for r in self._nonprod_regions.get(span.path, ()))

    def subject_of(self, rb: ResolvedBranch) -> str:
        """A display name: the variable, else the unresolved reference."""
        return rb.branch.subject or rb.branch.ref or "?"


def _config_root(ref: str) -> bool:
    """``config.isPreview``, ``env.IS_DEMO``, ``settings.is_local``: a reference into configuration."""
    return lexicon.is_config_object(ref.split(".", 1)[0].replace("()", ""))


def _contains(outer: Span, inner: Span) -> bool:
    return (outer.line, outer.column) <= (inner.line, inner.column) and \
        (inner.end_line, inner.end_column) <= (outer.end_line, outer.end_column)


def _arm(branch: EnvBranch, flag: str | None) -> str | None:
    return lexicon.nonproduction_arm(branch.op, branch.value, flag)


def _module_key(path: str) -> str:
    """``src/config.ts`` and ``src/config`` (an import specifier resolved by a frontend) match."""
    for suffix in (".ts", ".tsx", ".mts", ".cts", ".js", ".jsx", ".mjs", ".cjs", ".py"):
        if path.endswith(suffix):
            path = path[: -len(suffix)]
            break
    if path.endswith("/index") or path.endswith("/__init__"):
        path = path.rsplit("/", 1)[0]
    return path


def iter_facts(project: Project, *kinds: type) -> Iterator:
    for kind in kinds:
        yield from project.facts(kind)
