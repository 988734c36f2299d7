"""Helpers more than one rule uses."""

from __future__ import annotations

from ..project import Project


def extra_hosts(project: Project) -> frozenset[str]:
    """Internal host names the user declared local (``extra-local-hosts``)."""
    return project.extra_local_hosts
