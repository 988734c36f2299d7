"""The environment matrix (`envmatrix report`): the seed's facts, the golden file, `--check`, escaping.

The seed is the hand-written `environment-matrix.md` the tool must be able to regenerate. Its facts
are copied here by hand (the seed itself is not in this repository). Facts that need Route facts, or
facts no frontend emits yet, are strict xfails: when they start to pass, the test fails until the
marker is removed.

Regenerate the golden file on purpose, then review the diff:

    ENVMATRIX_UPDATE_GOLDEN=1 python -m pytest -q tests/test_markdown_report.py
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from scanner.cli import cli
from scanner.engine import ScanResult, scan
from scanner.inventory import Inventory, Variable
from scanner.report import markdown

ROOT = Path(__file__).resolve().parent.parent
GROWQR = ROOT / "fixtures" / "growqr-backend"
GOLDEN = Path(__file__).resolve().parent / "golden" / "growqr-backend.environment-matrix.md"
UPDATE = os.environ.get("ENVMATRIX_UPDATE_GOLDEN") == "1"

# --------------------------------------------------------------------------- the seed's facts, by hand

#: Every variable of the seed's "Current Config Inventory" ("USER_PORT_RANGE_*" and "stream/group/
#: consumer names" spelled out).
SEED_VARIABLES = (
    "PORT", "LOG_LEVEL", "NODE_ENV", "DATABASE_URL", "CLERK_SECRET_KEY", "CLERK_PUBLISHABLE_KEY",
    "SERVICE_TOKEN", "A2A_ALLOWED_KEY", "GROW_EVENTS_REDIS_URL", "REDIS_URL", "GROW_EVENTS_STREAM",
    "GROW_EVENTS_GROUP", "GROW_EVENTS_CONSUMER", "INTERVIEW_REDIS_URL", "ROLEPLAY_REDIS_URL",
    "RESUME_REDIS_URL", "LLM_PROVIDER", "LLM_API_KEY", "OPENCODE_API_KEY", "LLM_BASE_URL",
    "GROW_AGENT_MODEL", "LLM_MODEL", "RIVET_ENDPOINT", "RIVET_CLIENT_ENDPOINT", "INTERVIEW_SERVICE_URL",
    "ROLEPLAY_SERVICE_URL", "QSCORE_SERVICE_URL", "RESUME_SERVICE_URL", "USER_SERVICE_URL",
    "MATCHMAKING_SERVICE_URL", "SOCIAL_BRANDING_SERVICE_URL", "INTERVIEW_PUBLIC_URL", "ROLEPLAY_PUBLIC_URL",
    "RESUME_PUBLIC_URL", "WORKFLOWS_DASHBOARD_URL", "FRONTEND_ORIGIN", "GITEA_PUBLIC_URL",
    "GITEA_INTERNAL_URL", "GITEA_ADMIN_USER", "GITEA_ADMIN_PASSWORD", "GITEA_ADMIN_TOKEN", "GITEA_ORG_NAME",
    "OPENCODE_IMAGE", "OPENCODE_IMAGE_VERSION", "MIGRATION_VERSION", "PROMPT_VERSION", "USER_CONTAINER_HOST",
    "USER_DATA_ROOT", "USER_PORT_RANGE_START", "USER_PORT_RANGE_END", "ADMIN_USER_IDS", "MAX_AGENT_TOKENS",
    "PROJECTION_AGENT_MODEL", "CONVERSATION_ACTOR_MODEL",
)

#: The seed's "Current default" column, as the report shows each default (secrets masked).
SEED_DEFAULTS = [
    ("PORT", "`4000`"), ("LOG_LEVEL", "`info`"), ("NODE_ENV", "`development`"),
    ("DATABASE_URL", "`postgres://growqr:gr*****@localhost:5432/growqr`"),  # "hardcoded fallback DSN"
    ("CLERK_SECRET_KEY", "empty"), ("CLERK_PUBLISHABLE_KEY", "empty"),
    ("SERVICE_TOKEN", "empty"), ("A2A_ALLOWED_KEY", "`de*****`"),  # dev-a2a-key, masked
    ("INTERVIEW_REDIS_URL", "falls back to `GROW_EVENTS_REDIS_URL`"),  # "fallback to event Redis"
    ("ROLEPLAY_REDIS_URL", "falls back to `GROW_EVENTS_REDIS_URL`"),
    ("RESUME_REDIS_URL", "falls back to `GROW_EVENTS_REDIS_URL`"),
    ("LLM_PROVIDER", "`opencode`"), ("LLM_BASE_URL", "`https://opencode.ai/zen/v1`"),
    ("GROW_AGENT_MODEL", "`kimi-k2.6`"),
    ("RIVET_ENDPOINT", "`http://localhost:6420`"), ("RIVET_CLIENT_ENDPOINT", "`http://127.0.0.1:6420`"),
    *[(f"{s}_SERVICE_URL", "`http://localhost:800") for s in
      ("INTERVIEW", "ROLEPLAY", "QSCORE", "RESUME", "USER", "MATCHMAKING", "SOCIAL_BRANDING")],
    ("INTERVIEW_PUBLIC_URL", "`http://localhost:"), ("ROLEPLAY_PUBLIC_URL", "`http://localhost:"),
    ("RESUME_PUBLIC_URL", "`http://localhost:"), ("WORKFLOWS_DASHBOARD_URL", "`http://localhost:"),
    ("FRONTEND_ORIGIN", "`http://localhost:3000`"),
    ("GITEA_PUBLIC_URL", "`http://localhost:3300`"), ("GITEA_INTERNAL_URL", "`http://127.0.0.1:3300`"),
    ("GITEA_ADMIN_USER", "`growqr-admin`"), ("GITEA_ADMIN_PASSWORD", "`gr*****`"),  # growqr-admin-dev, masked
    ("GITEA_ADMIN_TOKEN", "empty"),
    ("OPENCODE_IMAGE", "`growqr/opencode:dev`"), ("OPENCODE_IMAGE_VERSION", "`dev`"),  # "dev image/version"
    ("USER_CONTAINER_HOST", "`http://127.0.0.1`"), ("USER_DATA_ROOT", "`./data/users`"),  # "local paths/ports"
    ("USER_PORT_RANGE_START", "`42000`"), ("USER_PORT_RANGE_END", "`42999`"),
    ("MAX_AGENT_TOKENS", "`4096`"),
    ("ADMIN_USER_IDS", "empty"),
    ("PROJECTION_AGENT_MODEL", "`GROW_AGENT_MODEL`"),  # "agent model"
]

#: The seed's "Production concern" column, where a fact carries it.
SEED_CONCERNS = [
    ("INTERVIEW_REDIS_URL", "disabled unless set"),  # legacy observers enabled by legacy Redis URLs
    ("CLERK_SECRET_KEY", "disabled unless set"),  # "secret key absence changes auth behavior"
    ("A2A_ALLOWED_KEY", "literal credential"),  # "dev token fallback must not be accepted in production"
    ("GITEA_ADMIN_PASSWORD", "literal credential"),  # "admin password fallback is dev-only"
    ("NODE_ENV", "relaxing security outside production"),  # "NODE_ENV is too broad"
    ("QSCORE_SERVICE_URL", "falls back to a local endpoint"),  # "production should require service URLs"
    ("OPENCODE_IMAGE", "development image tag"),  # "needs staging/prod image tags"
    ("GROW_EVENTS_REDIS_URL", "disabled unless set"),
]

#: Every file of the seed's "Environment-Dependent Code Paths" table.
SEED_CODE_PATH_FILES = [
    "src/config.ts", "src/auth/clerk.ts", "src/index.ts", "src/events/redis-consumer.ts",
    "src/events/projectors/projection-agent.ts", "src/actors/conversation/agent.ts", "src/routes/events.ts",
    "src/routes/home.ts",  # "exposes demo seeding route"
    "src/home/seed-demo-home.ts", "src/services/service-agents.ts", "src/docker/manager.ts",
    "scripts/rivet-actors.ts",
    "docker-compose.yml",
    "docker/opencode/",  # "docker/opencode/*"
]

#: What the seed's code-path rows say, where the facts can say it: (file, words in its behaviour).
SEED_BEHAVIOURS = [
    ("src/auth/clerk.ts", "Outside production"),  # A2A key accepted as an auth fallback
    ("src/auth/clerk.ts", "only when `CLERK_SECRET_KEY` is set"),  # Clerk client only with a secret key
    ("src/index.ts", "only when `RIVET_ENDPOINT` is set"),  # proxies /api/rivet only when set
    ("src/index.ts", "`FRONTEND_ORIGIN`"),  # CORS uses FRONTEND_ORIGIN
    ("src/events/redis-consumer.ts", "only when `INTERVIEW_REDIS_URL` is set"),  # legacy observers
    ("src/events/projectors/projection-agent.ts", "only when `LLM_API_KEY` is set"),  # falls back without key
    ("src/events/projectors/projection-agent.ts", "`PROJECTION_AGENT_MODEL`"),  # model override
    ("src/actors/conversation/agent.ts", "`CONVERSATION_ACTOR_MODEL`"),
    ("src/routes/events.ts", "lets requests through without authentication"),  # no service token outside prod
    ("src/home/seed-demo-home.ts", "standalone script"),  # executable direct script behaviour
    ("src/services/service-agents.ts", "only when `QSCORE_SERVICE_URL` is set"),  # synthetic fallbacks
    ("src/docker/manager.ts", "`GITEA_*`"),  # uses Gitea/OpenCode config
    ("src/docker/manager.ts", "`OPENCODE_IMAGE"),
    ("scripts/rivet-actors.ts", "development value"),  # dev Rivet namespace/token defaults
    ("scripts/rivet-actors.ts", "literal credential"),
    ("src/routes/home.ts", "seed-demo"),
]

#: Every item of the seed's "Hardcoded URL and Default Hotspots" list: (what, words on one bullet).
SEED_HOTSPOTS = [
    ("localhost in config", ("`http://localhost:*`", "`src/config.ts`")),
    ("localhost in .env.example", ("`http://localhost:*`", "`.env.example`")),
    ("localhost in README", ("`http://localhost:*`", "`README.md`")),
    ("localhost in compose", ("`http://localhost:*`", "`docker-compose.yml`")),
    ("127.0.0.1 for the Rivet client", ("`http://127.0.0.1", "`RIVET_CLIENT_ENDPOINT`")),
    ("127.0.0.1 for Gitea", ("`http://127.0.0.1", "`GITEA_INTERNAL_URL`")),
    ("127.0.0.1 for the user container host", ("`http://127.0.0.1", "`USER_CONTAINER_HOST`")),
    ("host.docker.internal in compose", ("`http://host.docker.internal:*`", "`docker-compose.yml`")),
    ("OpenCode base image", ("`ghcr.io/anomalyco/opencode:latest`", "`docker/opencode/Dockerfile")),
    ("dev image tag", ("`growqr/opencode:dev`", "development tag")),
    ("Gitea admin user", ("`GITEA_ADMIN_USER`", "`growqr-admin`")),
    ("Gitea admin password", ("`GITEA_ADMIN_PASSWORD`", "`gr*****`")),
    ("A2A fallback", ("`A2A_ALLOWED_KEY`", "`de*****`")),
]

#: Credentials written in the fixture; none may appear in full.
SECRETS = ("dev-a2a-key", "growqr-admin-dev", "dev-rivet-token", "growqr:growqr@")


def _seed_file() -> Path | None:
    for parent in ROOT.parents:
        candidate = parent / "shared" / "seed" / "environment-matrix.md"
        if candidate.is_file():
            return candidate
    return None


def test_hand_written_seed_facts_match_the_seed_when_it_is_present() -> None:
    """The lists above are copied from the seed; when the seed sits beside the checkout, hold them to it."""
    seed = _seed_file()
    if seed is None:
        pytest.skip("the seed (shared/seed/environment-matrix.md) is not beside this checkout")
    text = seed.read_text(encoding="utf-8")
    inventory = text.split("Current Config Inventory", 1)[1].split("Environment-Dependent Code Paths", 1)[0]
    tokens = set(re.findall(r"\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*_?\*?", inventory))
    seed_vars = {t for t in tokens if "_" in t or t == "PORT"}
    expanded = {v.replace("_*", "_START") for v in seed_vars} | {v.replace("_*", "_END") for v in seed_vars}
    assert {v for v in expanded if "*" not in v} <= set(SEED_VARIABLES)
    paths = text.split("Environment-Dependent Code Paths", 1)[1].split("Hardcoded URL", 1)[0]
    seed_files = {p.rstrip("*") for p in re.findall(r"^(\S+\.(?:ts|yml)|docker/\S+)\s*\|?$", paths, flags=re.M)}
    listed = {p.values[0] if hasattr(p, "values") else p for p in SEED_CODE_PATH_FILES}
    assert seed_files and seed_files <= listed


# --------------------------------------------------------------------------- the generated document


@pytest.fixture(scope="module")
def report() -> str:
    return markdown.render(scan(GROWQR), root_name="growqr-backend")


def sections(text: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for chunk in re.split(r"^## ", text, flags=re.M)[1:]:
        title, _, body = chunk.partition("\n")
        out[title.strip()] = body
    return out


def table(body: str) -> list[list[str]]:
    """Rows of the first table in a section, cells split on unescaped pipes."""
    rows = []
    for line in body.splitlines():
        if line.startswith("|") and not line.startswith("|---"):
            rows.append([c.strip().replace("\\|", "|") for c in re.split(r"(?<!\\)\|", line)[1:-1]])
    return rows[1:]


def inventory_rows(report: str) -> dict[str, dict[str, str]]:
    """Per variable, the cells of its area's row."""
    names = ("area", "variables", "defaults", "read_at", "set_in", "concern")
    out: dict[str, dict[str, str]] = {}
    for cells in table(sections(report)["Current Config Inventory"]):
        row = dict(zip(names, cells, strict=True))
        for name in re.findall(r"`([A-Z0-9_]+)`", row["variables"]):
            out[name] = row
    return out


@pytest.mark.parametrize("name", SEED_VARIABLES)
def test_seed_variable_is_in_the_inventory(report: str, name: str) -> None:
    assert name in inventory_rows(report)


@pytest.mark.parametrize(("name", "shown"), SEED_DEFAULTS)
def test_seed_default_is_in_the_inventory(report: str, name: str, shown: str) -> None:
    defaults = inventory_rows(report)[name]["defaults"]
    mine = [part for part in defaults.split("<br>") if part.startswith(f"`{name}`: ")]
    assert mine and shown in mine[0], f"{name}: {defaults}"


@pytest.mark.parametrize(("name", "words"), SEED_CONCERNS)
def test_seed_concern_is_in_the_inventory(report: str, name: str, words: str) -> None:
    concern = inventory_rows(report)[name]["concern"]
    mine = [part for part in concern.split("<br>") if part.startswith(f"`{name}`: ")]
    assert mine and words in mine[0], f"{name}: {concern}"


def test_seed_compose_overrides_rivet_endpoint(report: str) -> None:
    assert "`docker-compose.yml`" in inventory_rows(report)["RIVET_ENDPOINT"]["set_in"]


def _code_path_rows(report: str) -> dict[str, str]:
    return {cells[0].strip("`"): cells[1] for cells in table(sections(report)["Environment-Dependent Code Paths"])}


@pytest.mark.parametrize("path", SEED_CODE_PATH_FILES)
def test_seed_code_path_file_is_listed(report: str, path: str) -> None:
    rows = _code_path_rows(report)
    assert any(p == path or (path.endswith("/") and p.startswith(path)) for p in rows), sorted(rows)


@pytest.mark.parametrize(("path", "words"), SEED_BEHAVIOURS)
def test_seed_behaviour_is_described(report: str, path: str, words: str) -> None:
    behaviour = _code_path_rows(report).get(path, "")
    assert words.lower() in behaviour.lower(), behaviour


@pytest.mark.parametrize(("what", "words"), SEED_HOTSPOTS, ids=lambda v: v if isinstance(v, str) else None)
def test_seed_hotspot_is_listed(report: str, what: str, words: tuple[str, ...]) -> None:
    bullets = [line for line in sections(report)["Hardcoded URL and Default Hotspots"].splitlines()
               if line.startswith("- ")]
    assert any(all(w in b for w in words) for b in bullets), f"{what}: no bullet has {words}"


def test_seed_demo_route_has_a_verdict(report: str) -> None:
    routes = sections(report)["Demo, Seed and Admin Routes"]
    assert "`POST /home/seed-demo`" in routes and "no admin or environment guard" in routes


def test_secrets_never_appear_in_full(report: str) -> None:
    for secret in SECRETS:
        assert secret not in report


def test_every_section_is_there(report: str) -> None:
    assert report.startswith("# Environment matrix: growqr-backend\n")
    assert list(sections(report)) == [
        "Current Config Inventory", "Environment-Dependent Code Paths", "Hardcoded URL and Default Hotspots",
        "Images and Tags", "Demo, Seed and Admin Routes", "Deployment Checklist", "Target Environment Matrix"]


def test_checklist_covers_every_variable(report: str) -> None:
    rows = {cells[0].strip("`"): cells for cells in table(sections(report)["Deployment Checklist"])}
    assert set(SEED_VARIABLES) <= set(rows)
    assert rows["DATABASE_URL"][2].startswith("yes") and "localhost" in rows["DATABASE_URL"][3]
    assert rows["SERVICE_TOKEN"][4] == "yes" and rows["PORT"][2].startswith("no")


def test_tables_keep_their_shape(report: str) -> None:
    _assert_tables_well_formed(report)


# --------------------------------------------------------------------------- golden file


def test_golden_file(report: str) -> None:
    if UPDATE:
        GOLDEN.parent.mkdir(parents=True, exist_ok=True)
        GOLDEN.write_text(report, encoding="utf-8", newline="\n")
    assert GOLDEN.is_file(), "no golden file yet: run ENVMATRIX_UPDATE_GOLDEN=1 python -m pytest -q"
    expected = GOLDEN.read_text(encoding="utf-8")
    assert report == expected, ("the report changed; if that is intended, regenerate with "
                                "ENVMATRIX_UPDATE_GOLDEN=1 python -m pytest -q and review the diff")


def test_report_is_deterministic(report: str) -> None:
    assert markdown.render(scan(GROWQR), root_name="growqr-backend") == report


# --------------------------------------------------------------------------- the command


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_check_passes_against_the_golden_file_despite_the_commit_line() -> None:
    result = run("report", str(GROWQR), "-o", str(GOLDEN), "--check")
    assert result.exit_code == 0, result.stdout + result.stderr
    assert result.stdout == ""


def test_report_writes_the_file_atomically(tmp_path: Path) -> None:
    out = tmp_path / "environment-matrix.md"
    result = run("report", str(GROWQR), "-o", str(out))
    assert result.exit_code == 0 and result.stdout == ""
    text = out.read_text(encoding="utf-8")
    assert markdown.comparable(text) == markdown.comparable(GOLDEN.read_text(encoding="utf-8"))
    assert [p.name for p in tmp_path.iterdir()] == ["environment-matrix.md"]


def test_check_reports_a_stale_file_with_a_diff(tmp_path: Path) -> None:
    out = tmp_path / "matrix.md"
    out.write_text(GOLDEN.read_text(encoding="utf-8").replace("`PORT`: `4000`", "`PORT`: `8080`"), encoding="utf-8")
    result = run("report", str(GROWQR), "-o", str(out), "--check")
    assert result.exit_code == 1
    assert "-| Runtime |" in result.stdout and "+| Runtime |" in result.stdout
    assert "is stale" in result.stderr
    assert "`PORT`: `8080`" in out.read_text(encoding="utf-8"), "--check never writes"


def test_check_accepts_crlf_line_endings(tmp_path: Path) -> None:
    out = tmp_path / "matrix.md"
    out.write_bytes(GOLDEN.read_bytes().replace(b"\n", b"\r\n"))
    assert run("report", str(GROWQR), "-o", str(out), "--check").exit_code == 0


def test_check_of_a_missing_file_is_stale(tmp_path: Path) -> None:
    result = run("report", str(GROWQR), "-o", str(tmp_path / "missing.md"), "--check")
    assert result.exit_code == 1 and result.stdout.startswith("---")


def test_check_needs_an_output_file() -> None:
    result = run("report", str(GROWQR), "--check")
    assert result.exit_code == 2 and "envmatrix: error: --check needs --output" in result.stderr


def test_unreadable_check_file_is_an_error(tmp_path: Path) -> None:
    out = tmp_path / "matrix.md"
    out.write_bytes(b"\xff\xfe not utf-8 \xff")
    result = run("report", str(GROWQR), "-o", str(out), "--check")
    assert result.exit_code == 2 and "envmatrix: error: cannot read" in result.stderr


def test_timestamp_only_when_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    assert "- Generated: " not in run("report", str(GROWQR)).stdout
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    out = run("report", str(GROWQR), "--timestamp").stdout
    assert "- Generated: 2023-11-14T22:13:20Z\n" in out
    assert markdown.comparable(out) == markdown.comparable(GOLDEN.read_text(encoding="utf-8"))


def test_report_of_an_empty_tree(tmp_path: Path) -> None:
    result = run("report", str(tmp_path))
    assert result.exit_code == 0
    assert "no environment variables found" in result.stdout
    _assert_tables_well_formed(result.stdout)


# --------------------------------------------------------------------------- hostile values


def test_hostile_values_keep_tables_intact_and_secrets_masked(tmp_path: Path) -> None:
    (tmp_path / "config.ts").write_text(
        'export const a = process.env.WEIRD_VALUE ?? "x|y`z` <b>bold</b>";\n'
        'export const b = process.env.DB_PASSWORD ?? "hunter22hunter";\n'
        'export const c = process.env.DATABASE_URL ?? "postgres://app:pa55word@localhost:5432/app";\n',
        encoding="utf-8")
    text = markdown.render(scan(tmp_path), root_name="x|`y`\nz")
    _assert_tables_well_formed(text)
    assert "hunter22hunter" not in text and "pa55word" not in text
    rows = inventory_rows(text)
    assert "x|y`z` <b>bold</b>" in rows["WEIRD_VALUE"]["defaults"]


def test_synthetic_inventory_with_routes_and_sets() -> None:
    v = Variable("API_URL", "URLs", reads=[{"path": "src/a.ts", "line": 3, "default": None, "via": "process.env",
                                           "required": True, "fallback": None}],
                 sets=[{"path": "docker-compose.yml", "line": 9, "value": "http://host.docker.internal:8000",
                        "source": "compose", "environment": None}])
    inventory = Inventory(variables=[v], code_paths=[], images=[], hotspots=[
        {"path": "docker-compose.yml", "line": 9, "value": "http://host.docker.internal:8000", "kind": "url"}],
        routes=[{"path": "src/r.ts", "line": 4, "method": "POST", "route": "/admin/seed-demo|x", "handler": "seed",
                 "guards": ["requireAuth"], "conditions": [], "framework": "express"},
                {"path": "src/r.ts", "line": 8, "method": "GET", "route": "/health", "handler": "health",
                 "guards": [], "conditions": [], "framework": "express"}],
        scripts=[])
    result = ScanResult(root=".", findings=[], inventory=inventory, diagnostics=[], rules=())
    text = markdown.render(result, root_name="svc", commit="abc123")
    _assert_tables_well_formed(text)
    assert "- Commit: `abc123`" in text
    rows = inventory_rows(text)
    assert "`docker-compose.yml`:9" in rows["API_URL"]["set_in"]
    assert "set to a local endpoint in `docker-compose.yml`" in rows["API_URL"]["concern"]
    checklist = {c[0]: c for c in table(sections(text)["Deployment Checklist"])}
    assert checklist["`API_URL`"][2] == "yes: the code refuses to run without it"
    routes = sections(text)["Demo, Seed and Admin Routes"]
    assert "any authenticated user; no admin or environment guard" in routes
    assert "1 other route not listed." in routes
    assert "`http://host.docker.internal:*` in `docker-compose.yml` for `API_URL`." in text


@pytest.mark.parametrize(("value", "shown"), [
    ("", "empty"), ("plain", "`plain`"), ("a`b", "``a`b``"), ("`x`", "`` `x` ``"),
    ("line\nbreak", "`line\\nbreak`"), ("x" * 100, "`" + "x" * 77 + "…`"),
])
def test_value_code_spans(value: str, shown: str) -> None:
    assert markdown._value(value) == shown


def test_line_ranges() -> None:
    assert markdown._line_list([1, 2, 3, 5, 7, 8]) == "1–3, 5, 7–8"


def test_compress_names() -> None:
    names = ["GITEA_INTERNAL_URL", "GITEA_ADMIN_TOKEN", "OPENCODE_IMAGE", "OPENCODE_IMAGE_VERSION", "PORT",
             "GROW_EVENTS_STREAM", "GROW_EVENTS_GROUP"]
    assert markdown._compress(names) == "`GITEA_*`, `GROW_EVENTS_*`, `OPENCODE_IMAGE*`, `PORT`"


def _assert_tables_well_formed(text: str) -> None:
    """Every row of every table has its header's column count, on one line."""
    columns = None
    for line in text.splitlines():
        if not line.startswith("|"):
            columns = None
            continue
        count = len(re.findall(r"(?<!\\)\|", line))
        if columns is None:
            columns = count
        assert count == columns, f"row breaks its table: {line}"


# --------------------------------------------------------------------------- any text at all



@settings(max_examples=150, deadline=None)
@given(value=st.text(max_size=120), route=st.text(max_size=60), summary=st.text(max_size=60),
       root=st.text(max_size=30))
def test_any_text_keeps_the_document_well_formed(value: str, route: str, summary: str, root: str) -> None:
    v = Variable("ANY_SECRET_TOKEN", "Auth", reads=[{"path": "src/a|b.ts", "line": 1, "default": value,
                                                    "via": "process.env", "required": False, "fallback": None}],
                 sets=[{"path": "compose.yml", "line": 2, "value": value, "source": "compose", "environment": value}])
    inventory = Inventory(
        variables=[v],
        code_paths=[{"path": "src/a.ts", "line": 3, "subject": "ANY_SECRET_TOKEN", "via": None, "op": "truthy",
                     "value": None, "presence": True, "nonproduction_arm": None, "effects": [], "behaviour": summary}],
        images=[{"path": "Dockerfile", "line": 1, "image": value, "name": value, "tag": value or None, "digest": None,
                 "source": "dockerfile", "hazard": "dev"}],
        routes=[{"path": "src/r.ts", "line": 4, "method": "POST", "route": "/demo" + route, "handler": summary,
                 "guards": [summary], "conditions": [route], "framework": "express"}],
        hotspots=[{"path": "README.md", "line": 5, "value": "http://localhost:1/" + value, "kind": "url"}],
        scripts=[{"path": "src/s.ts", "line": 6, "summary": summary}])
    result = ScanResult(root=".", findings=[], inventory=inventory, diagnostics=[], rules=())
    text = markdown.render(result, root_name=root)
    _assert_tables_well_formed(text)
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f\u202a-\u202e\u2066-\u2069]", text)
    assert markdown.stale_diff(text, text, "x.md") == ""
