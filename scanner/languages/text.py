"""Generic text frontend: local endpoints and image references in shell, Makefiles, docs, .conf …

There is no grammar for arbitrary text, so words are cut out with a regex and each one is judged
as a value (``lexicon.local_endpoint``, ``lexicon.parse_image``). Everything found becomes a
``Hotspot`` (``kind="url"`` or ``"image"``): it goes into the inventory's hotspot list, never into
an alert. Images are only taken where the text says they are images (``FROM x``, ``docker run
x``, ``image: x``) or where the word has a registry path and a tag (``ghcr.io/org/app:latest``),
so that ``src/config.ts:42`` and ``key:value`` stay out.
"""

from __future__ import annotations

import re

import re2

from .. import lexicon
from ..facts import FileFacts, Hotspot, Span
from . import _prefilter

#: A URL of any scheme, or a bare local host with a port (prose says "localhost" alone), up to a delimiter that ends a word in prose or code.
#: A scheme is tried only where a run of scheme characters starts (``lead`` skips a run's leading
#: digits, ``+``, ``.`` and ``-``, which a scheme cannot start with): retrying every position of a
#: long run made a 40 kB line of letters and one colon take 3.6 s, quadratic in the line.
_URL = re.compile(r"""(?<![A-Za-z0-9+.\-])(?P<lead>[0-9+.\-]*)[A-Za-z][A-Za-z0-9+.\-]*://[^\s"'`<>()\[\]{},;|\\]+"""
                  r"""|(?<![\w./@:-])(?:localhost|127(?:\.\d{1,3}){3}|0\.0\.0\.0|\[::1\]|host\.docker\.internal)"""
                  r"""(?::\d{1,5})(?:/[^\s"'`<>()\[\]{},;|\\]*)?""")
_IMAGE_CONTEXT = re.compile(
    r"""(?:^\s*FROM(?:\s+--\S+)*|\bdocker\s+(?:pull|push|run|create)(?:\s+-{1,2}[\w-]+(?:[= ](?!-)[^\s-]\S*)?)*"""
    r"""|\bimage:)\s+["']?([\w./:@-]+)""",
    re.MULTILINE)  # case matters: prose says "From here", Python "from math import"
_REGISTRY_IMAGE = re.compile(r"""(?<![\w./@:=-])((?:[a-z0-9.-]+(?::\d+)?/)+[a-z0-9._-]+:[\w][\w.-]{0,127})(?![\w/:@-])""")
_TRAILING = ".,:;!?)"


#: What every fact needs somewhere in the file, as one RE2 pass: a local host (URLs), an image
#: context (``FROM``, ``docker``, ``image:``), or the tail of a registry image (``org/app:tag``).
_MAY_HOLD = re2.compile(rb"FROM|docker|image:|[a-z0-9._-]/[a-z0-9._-]+:[A-Za-z0-9_]")


def may_have_facts(path: str, data: bytes, options) -> bool:
    """The engine's pre-filter: False when no line of ``data`` can give a hotspot."""
    extra = getattr(options, "extra_local_hosts", frozenset())
    return _prefilter.has_local_trigger(data) or any(h.encode() in data for h in extra) \
        or _MAY_HOLD.search(data) is not None


def extract(path: str, text: str, options) -> FileFacts:
    extra = getattr(options, "extra_local_hosts", frozenset())
    facts: list[Hotspot] = []
    for lineno, line in enumerate(text.split("\n"), 1):
        if not any(t in line for t in lexicon.LOCAL_TRIGGERS) and ":" not in line and "FROM" not in line.upper():
            continue
        for m in _URL.finditer(line):
            start = m.start() + len(m.group("lead") or "")
            value = line[start:m.end()].rstrip(_TRAILING)
            if lexicon.local_endpoint(value, extra):
                facts.append(Hotspot(Span(path, lineno, start + 1, lineno, start + len(value) + 1), value, "url"))
        seen: set[int] = set()
        for m in _IMAGE_CONTEXT.finditer(line):
            _image(facts, path, lineno, m.group(1), m.start(1), seen, extra)
        for m in _REGISTRY_IMAGE.finditer(line):
            _image(facts, path, lineno, m.group(1), m.start(1), seen, extra, registry=True)
    return FileFacts(path, tuple(dict.fromkeys(facts)))


def _image(facts: list, path: str, lineno: int, word: str, start: int, seen: set[int],
           extra: frozenset[str], *, registry: bool = False) -> None:
    value = word.rstrip(_TRAILING)
    if start in seen or not value or "://" in value or lexicon.local_endpoint(value, extra):
        return
    parsed = lexicon.parse_image(value)
    if parsed is None or value.lower() == "scratch":
        return
    name, tag, _ = parsed
    last = name.rsplit("/", 1)[-1]
    if registry and ("." in last or tag is None or tag.isdigit()):
        return  # src/config.ts:42, docs/guide.md:10
    seen.add(start)
    facts.append(Hotspot(Span(path, lineno, start + 1, lineno, start + len(value) + 1), value, "image"))
