"""IMG003 dev-image-tag: an image is tagged for development (`dev`, `local`, `nightly`, …).

## What it finds
Image references whose tag names a development or pre-release channel: `dev`, `develop`,
`local`, `edge`, `nightly`, `test`, `snapshot`, `canary`, `beta`, `main`, or a `-dev` /
`-snapshot` suffix.

## Why it matters
A dev tag is rebuilt from whatever a developer pushed. Shipping it means staging and production
run unreviewed builds, and nobody can say which code is live.

## Example
    const image = process.env.OPENCODE_IMAGE ?? "growqr/opencode:dev";

## Fix
Build and push a release tag per environment (`growqr/opencode:2024.06.1`) and require it:

    const image = required("OPENCODE_IMAGE");

## Not flagged
Versioned tags (`1.2.3`, `20-alpine`), digests, tags that merely contain "dev" inside a version
(`1.0.0-devel` is flagged only when it ends in `-dev`).
"""

from __future__ import annotations

from typing import Iterator

from ..findings import Hit, Level, Rule
from ..project import Project
from ._images import image_hits


def check(project: Project) -> Iterator[Hit]:
    yield from image_hits(project, {"dev"}, "Image `{image}` uses the development tag `{tag}`")


RULE = Rule(code="IMG003", name="dev-image-tag", level=Level.WARNING, category="IMAGE_TAG",
            doc=__doc__, check=check, tags=("supply-chain", "reproducibility"))
