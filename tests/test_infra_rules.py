"""URL003 and SEC004: the level follows the environment the file is for; secrets stay masked."""

from pathlib import Path

import pytest

from scanner.engine import scan

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "rules"


@pytest.fixture(scope="module")
def url003():
    return {(f.span.path, f.span.line): f for f in scan(FIXTURES / "URL003").findings}


@pytest.fixture(scope="module")
def sec004():
    return {(f.span.path, f.span.line): f for f in scan(FIXTURES / "SEC004").findings}


@pytest.mark.parametrize(("path", "line", "level"), [
    (".env.production", 5, "error"),
    ("k8s/overlays/production/deployment.yaml", 13, "error"),
    ("docker-compose.prod.yml", 5, "error"),
    (".env.example", 3, "note"),
    ("docker-compose.yml", 11, "warning"),
    ("Dockerfile", 15, "warning"),
])
def test_url003_level_by_scope(url003, path, line, level):
    assert str(url003[(path, line)].level) == level


def test_url003_example_message_says_override(url003):
    assert url003[(".env.example", 3)].message.endswith("a default deployments must override")


def test_url003_development_files_are_silent(url003):
    assert not [key for key in url003 if key[0] in {".env.development", "k8s/overlays/dev/deployment.yaml"}]


@pytest.mark.parametrize(("path", "line", "level"), [
    (".env.production", 4, "error"),
    (".env.example", 3, "note"),
    (".env.development", 3, "note"),
    ("docker-compose.yml", 7, "warning"),
])
def test_sec004_level_by_scope(sec004, path, line, level):
    assert str(sec004[(path, line)].level) == level


@pytest.mark.parametrize(("path", "line", "secret"), [
    (".env.production", 4, "9f3b2c7e1d4a8b6f0e5d"),
    (".env.production", 6, "Pr0d-Passw0rd"),
    ("docker-compose.yml", 16, "growqr-admin-dev"),
])
def test_sec004_masks_the_secret(sec004, path, line, secret):
    finding = sec004[(path, line)]
    assert secret not in finding.message and secret in finding.secrets


def test_sec004_build_stage_is_a_note(sec004):
    finding = sec004[("builder.Dockerfile", 5)]
    assert str(finding.level) == "note" and finding.message.endswith("in a Dockerfile build stage")
