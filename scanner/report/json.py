"""The JSON document (``--format json``): findings, inventory and diagnostics, keys sorted.

The shape is a public contract (README, "JSON output"); fields are added, never renamed.
"""

from __future__ import annotations

import json as _json

from .. import __version__
from ..engine import ScanResult
from ._sanitize import escape_json

SCHEMA_VERSION = 1


def to_dict(result: ScanResult) -> dict:
    inv = result.inventory
    return {
        "version": SCHEMA_VERSION,
        "tool": {"name": "envmatrix", "version": __version__},
        "root": result.root,
        "summary": {
            "files": result.files_scanned, "findings": len(result.findings), **result.counts(),
            "hidden": result.hidden, "below_min_level": result.below_min_level,
            "excluded": result.excluded, "ignored": result.ignored,
            "suppressed": result.suppressed, "baselined": result.baselined,
            "stale_baseline": result.stale_baseline,
        },
        "findings": [
            {
                "rule": f.rule, "name": f.name, "category": f.category, "level": str(f.level),
                "path": f.span.path, "line": f.span.line, "column": f.span.column,
                "end_line": f.span.end_line, "end_column": f.span.end_column,
                "message": f.message, "fingerprint": f.fingerprint, "role": f.role,
            }
            for f in result.findings
        ],
        "inventory": {
            "variables": [
                {"name": v.name, "area": v.area, "secret": v.secret, "required": v.required,
                 "defaults": v.defaults, "reads": v.reads, "sets": v.sets, "uses": v.uses}
                for v in inv.variables
            ],
            "code_paths": inv.code_paths,
            "images": inv.images,
            "routes": inv.routes,
            "hotspots": inv.hotspots,
            "scripts": inv.scripts,
        },
        "diagnostics": [
            {"path": d.path, "code": d.code, "message": d.message, "level": d.level}
            for d in result.diagnostics
        ],
    }


def render(result: ScanResult) -> str:
    return escape_json(_json.dumps(to_dict(result), indent=2, sort_keys=True, ensure_ascii=False)) + "\n"
