"""The fixture backend's JSON inventory carries the seed's config inventory (what its TypeScript reads)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from scanner.cli import cli

GROWQR = Path(__file__).resolve().parent.parent / "fixtures" / "growqr-backend"

#: The seed's "Current Config Inventory": variable -> the default the seed gives (None: no literal).
SEED_DEFAULTS: dict[str, str | None] = {
    "PORT": "4000", "LOG_LEVEL": "info", "NODE_ENV": "development",
    "CLERK_SECRET_KEY": "", "CLERK_PUBLISHABLE_KEY": "",
    "SERVICE_TOKEN": "", "A2A_ALLOWED_KEY": "de*****",  # dev-a2a-key, masked in every output
    "GROW_EVENTS_REDIS_URL": None, "REDIS_URL": None,
    "LLM_PROVIDER": "opencode", "LLM_BASE_URL": "https://opencode.ai/zen/v1", "GROW_AGENT_MODEL": "kimi-k2.6",
    "LLM_API_KEY": None, "OPENCODE_API_KEY": None, "LLM_MODEL": "kimi-k2.6",
    "GITEA_ADMIN_USER": "growqr-admin", "GITEA_ADMIN_PASSWORD": "gr*****",  # growqr-admin-dev, masked
    "GITEA_ADMIN_TOKEN": "", "ADMIN_USER_IDS": "", "MAX_AGENT_TOKENS": "4096",
    "PROJECTION_AGENT_MODEL": None, "CONVERSATION_ACTOR_MODEL": None,
}
#: Variables whose seed default is "localhost/127.0.0.1" or "localhost ports": the default is local.
SEED_LOCAL = (
    "DATABASE_URL", "RIVET_ENDPOINT", "RIVET_CLIENT_ENDPOINT", "INTERVIEW_SERVICE_URL", "ROLEPLAY_SERVICE_URL",
    "QSCORE_SERVICE_URL", "RESUME_SERVICE_URL", "USER_SERVICE_URL", "MATCHMAKING_SERVICE_URL",
    "SOCIAL_BRANDING_SERVICE_URL", "INTERVIEW_PUBLIC_URL", "ROLEPLAY_PUBLIC_URL", "RESUME_PUBLIC_URL",
    "WORKFLOWS_DASHBOARD_URL", "FRONTEND_ORIGIN", "GITEA_PUBLIC_URL", "GITEA_INTERNAL_URL", "USER_CONTAINER_HOST",
)
#: Seed variables with other defaults: legacy Redis falls back to event Redis; OpenCode has dev values.
SEED_FALLBACKS = {"INTERVIEW_REDIS_URL": "GROW_EVENTS_REDIS_URL", "ROLEPLAY_REDIS_URL": "GROW_EVENTS_REDIS_URL",
                  "RESUME_REDIS_URL": "GROW_EVENTS_REDIS_URL", "LLM_API_KEY": "OPENCODE_API_KEY",
                  "GROW_AGENT_MODEL": "LLM_MODEL"}
SEED_OTHER = ("GITEA_ORG_NAME", "OPENCODE_IMAGE", "OPENCODE_IMAGE_VERSION", "MIGRATION_VERSION", "PROMPT_VERSION",
              "USER_DATA_ROOT", "USER_PORT_RANGE_START", "USER_PORT_RANGE_END", "GROW_EVENTS_STREAM",
              "GROW_EVENTS_GROUP", "GROW_EVENTS_CONSUMER")


@pytest.fixture(scope="module")
def variables() -> dict[str, dict]:
    result = CliRunner().invoke(cli, ["scan", str(GROWQR), "--format", "json"])
    assert result.exit_code == 1, result.output
    return {v["name"]: v for v in json.loads(result.stdout)["inventory"]["variables"]}


def _code_reads(v: dict) -> list[dict]:
    return [r for r in v["reads"] if r["path"].startswith("src/")]


@pytest.mark.parametrize("name", sorted(SEED_DEFAULTS))
def test_seed_default(variables, name) -> None:
    reads = _code_reads(variables[name])
    assert reads, f"{name} is not read in src/"
    assert reads[0]["default"] == SEED_DEFAULTS[name]


@pytest.mark.parametrize("name", SEED_LOCAL)
def test_seed_local_default(variables, name) -> None:
    from scanner.lexicon import local_endpoint

    defaults = [r["default"] for r in _code_reads(variables[name])]
    assert any(d and local_endpoint(d) for d in defaults), (name, defaults)


@pytest.mark.parametrize("name,fallback", sorted(SEED_FALLBACKS.items()))
def test_seed_fallback(variables, name, fallback) -> None:
    assert _code_reads(variables[name])[0]["fallback"] == fallback


def test_opencode_image_is_dev(variables) -> None:
    assert _code_reads(variables["OPENCODE_IMAGE"])[0]["default"] == "growqr/opencode:dev"
    assert _code_reads(variables["OPENCODE_IMAGE_VERSION"])[0]["default"] == "dev"
    for name in SEED_OTHER:
        assert _code_reads(variables[name]), name


def test_config_uses_are_resolved_across_files(variables) -> None:
    uses = {u["path"] for u in variables["GITEA_INTERNAL_URL"]["uses"]}
    assert "src/docker/manager.ts" in uses
