"""Renderers: pure functions from a ``ScanResult`` to text. ``FORMATTERS`` dispatches by name."""

from __future__ import annotations

import importlib
from typing import Callable

#: format name -> module under ``scanner.report`` with ``render(result, **options) -> str``.
FORMATTERS: dict[str, str] = {
    "text": "text",
    "json": "json",
    "sarif": "sarif",
    "markdown": "markdown",
}


def renderer(name: str) -> Callable[..., str]:
    return importlib.import_module(f"{__name__}.{FORMATTERS[name]}").render
