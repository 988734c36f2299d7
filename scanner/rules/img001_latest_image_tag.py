"""IMG001 latest-image-tag: an image is pulled by a moving tag such as `latest`.

## What it finds
Container image references tagged `latest` (or another moving tag: `stable`, `current`, `lts`)
in Dockerfile `FROM`, compose and Kubernetes `image:`, Helm values, workflow containers, and
image strings in code (`OPENCODE_IMAGE ?? "ghcr.io/org/opencode:latest"`).

## Why it matters
`latest` is whatever was pushed last. Staging and production pull different bits on each deploy,
a rollback cannot return to the old image, and a breaking upstream release ships unreviewed.

## Example
    FROM ghcr.io/anomalyco/opencode:latest

## Fix
Pin a version, ideally with its digest:

    FROM ghcr.io/anomalyco/opencode:1.4.2@sha256:…

## Not flagged
Digest-pinned references, versioned tags, `scratch`, build stages (`FROM build`), GitHub Actions
`runs-on: ubuntu-latest`, SQL (`FROM users`).
"""

from __future__ import annotations

from typing import Iterator

from ..findings import Hit, Level, Rule
from ..project import Project
from ._images import image_hits


def check(project: Project) -> Iterator[Hit]:
    yield from image_hits(project, {"latest", "mutable"}, "Image `{image}` uses the moving tag `{tag}`")


RULE = Rule(code="IMG001", name="latest-image-tag", level=Level.WARNING, category="IMAGE_TAG",
            doc=__doc__, check=check, tags=("supply-chain", "reproducibility"))
