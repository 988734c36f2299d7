"""Read `expect: CODE` / `ok: CODE` / `todo-expect:` / `todo-ok:` annotations out of fixture files.

An annotation sits in a comment. When the comment is alone on its line, it applies to the next
line that is not itself an annotation-only comment (Dockerfiles and YAML need that); otherwise it
applies to its own line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

COMMENT = r"(?://|#|/\*|<!--|--|;)"
ANNOTATION = re.compile(r"\b(todo-expect|todo-ok|expect|ok):\s*([A-Z]+[0-9]{3}(?:\s*,\s*[A-Z]+[0-9]{3})*)")
ALONE = re.compile(rf"^\s*{COMMENT}")


@dataclass(frozen=True)
class Annotation:
    path: str
    line: int
    kind: str  # expect, ok, todo-expect, todo-ok
    code: str


def read_annotations(root: Path) -> list[Annotation]:
    out: list[Annotation] = []
    for file in sorted(p for p in root.rglob("*") if p.is_file()):
        rel = file.relative_to(root).as_posix()
        try:
            lines = file.read_text(encoding="utf-8").splitlines()
        except UnicodeDecodeError:
            continue
        pending: list[tuple[str, str]] = []
        for number, line in enumerate(lines, start=1):
            found = []
            marker = re.search(COMMENT, line)
            if marker:
                for m in ANNOTATION.finditer(line, marker.start()):
                    for code in m.group(2).split(","):
                        found.append((m.group(1), code.strip()))
            alone = bool(found) and bool(ALONE.match(line))
            if alone:
                pending.extend(found)
                continue
            for kind, code in pending + found:
                out.append(Annotation(rel, number, kind, code))
            pending = []
    return out
