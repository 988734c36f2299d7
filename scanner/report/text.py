"""Terminal text: ``path:line:col: CODE message`` per finding, then one summary line."""

from __future__ import annotations

from ..engine import ScanResult
from ..findings import Level
from ._sanitize import clean

_COLOURS = {Level.ERROR: "\x1b[31m", Level.WARNING: "\x1b[33m", Level.NOTE: "\x1b[36m"}
_BOLD, _DIM, _RESET = "\x1b[1m", "\x1b[2m", "\x1b[0m"


def render(result: ScanResult, color: bool = False) -> str:
    lines = []
    for f in result.findings:
        loc = f"{clean(f.span.path)}:{f.span.line}:{f.span.column}:"
        code = f.rule
        if color:
            loc = f"{_BOLD}{loc}{_RESET}"
            code = f"{_COLOURS[f.level]}{code}{_RESET}"
        lines.append(f"{loc} {code} {clean(f.message)}")
    lines.append(summary(result, color))
    return "\n".join(lines) + "\n"


def summary(result: ScanResult, color: bool = False) -> str:
    counts = result.counts()
    total = len(result.findings)
    parts = [f"{n} {level}{'s' if n != 1 else ''}" for level, n in counts.items() if n]
    text = f"Found {total} finding{'s' if total != 1 else ''}" + (f" ({', '.join(parts)})" if parts else "")
    text += f" in {result.files_scanned} file{'s' if result.files_scanned != 1 else ''}"
    extras = []
    hidden = sum(result.hidden.values())
    if hidden:
        roles = " and ".join(result.hidden)
        extras.append(f"{hidden} more in {roles} files not shown")
    if result.below_min_level:
        extras.append(f"{result.below_min_level} below --min-level")
    if result.suppressed:
        extras.append(f"{result.suppressed} suppressed")
    if result.baselined:
        extras.append(f"{result.baselined} in the baseline")
    if extras:
        text += "; " + "; ".join(extras)
    text += "."
    return f"{_DIM}{text}{_RESET}" if color else text
