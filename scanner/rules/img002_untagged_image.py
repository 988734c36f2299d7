"""IMG002 untagged-image: an image reference has no tag, so it means `latest`.

## What it finds
Image references with neither a tag nor a digest (`FROM node`, `image: redis`).

## Why it matters
An untagged reference is `latest` in disguise: every pull may bring a different image.

## Example
    services:
      cache:
        image: redis

## Fix
    image: redis:7.2.5-alpine

## Not flagged
`scratch`, build stages, references that carry a digest, variables whose value is unknown, and
in code, single-word strings (`no_alpha_image = "image-no-alpha"` is a file name as often as an
image): there only namespaced references (`library/redis`, `ghcr.io/org/tool`) count. Paths of
pictures and static files (`OG_IMAGE = "assets/og/dashboard.png"`) are not image references.
"""

from __future__ import annotations

from typing import Iterator

from ..facts import ImageRef
from ..findings import Hit, Level, Rule
from ..project import Project
from ._images import image_hits


def check(project: Project) -> Iterator[Hit]:
    yield from image_hits(project, {"untagged"}, "Image `{image}` has no tag and resolves to `latest`",
                          keep=_namespaced_in_code)


def _namespaced_in_code(img: ImageRef) -> bool:
    """In code, a bare word assigned to an ``*_image`` name is as often a file name
    (``"image-no-alpha"``) as an image: there only namespaced references count."""
    return img.source != "code" or "/" in img.name


RULE = Rule(code="IMG002", name="untagged-image", level=Level.WARNING, category="IMAGE_TAG",
            doc=__doc__, check=check, tags=("supply-chain", "reproducibility"))
