"""What the image rules share: one pass over ``ImageRef`` facts, classified by tag hazard."""

from __future__ import annotations

from typing import Callable, Iterator

from .. import lexicon
from ..facts import ImageRef
from ..findings import Hit
from ..project import Project


def image_hits(project: Project, hazards: set[str], message: str,
               keep: Callable[[ImageRef], bool] = lambda img: True) -> Iterator[Hit]:
    """Hits for images whose tag hazard is in ``hazards`` and that ``keep`` accepts;
    ``message`` gets ``image``/``tag``/``name``."""
    for img in project.facts(ImageRef):
        hazard = lexicon.tag_hazard(img.tag, img.digest)
        if hazard in hazards and keep(img):
            yield Hit(img.span, message.format(image=img.image, tag=img.tag or "", name=img.name),
                      evidence=img.image)
