"""Roles from path conventions: where a file sits decides how its findings count."""

import pytest

from scanner.discover import classify_kind, classify_role


@pytest.mark.parametrize("path, role", [
    ("src/config.ts", "source"),
    ("src/__tests__/config.test.ts", "test"),
    ("src/config.spec.ts", "test"),
    ("app/tests/test_views.py", "test"),
    ("app/test_views.py", "test"),
    ("vitest.config.ts", "test"),
    ("docs/guide.md", "docs"),
    ("examples/app.ts", "docs"),
    ("src/config.dev.ts", "dev"),
    (".env.development", "dev"),
    (".env.production", "infra"),
    ("docker-compose.override.yml", "dev"),
    ("k8s/deploy.yaml", "infra"),
    ("scripts/seed.ts", "script"),
    # test doubles and helpers by their directory or their name
    ("packages/integration-tests/src/constants.ts", "test"),
    ("packages/core/src/test-utils/mock-libraries.ts", "test"),
    ("packages/connectors/connector-qq/src/mock.ts", "test"),
    ("src/mocks.py", "test"),
    ("src/mocker.ts", "source"),
    # Python settings modules of non-production environments
    ("settings/local_dev.py", "dev"),
    ("settings/ci.py", "dev"),
    ("config/settings/local.py", "dev"),
    ("config/settings/test.py", "dev"),
    ("app/local_settings.py", "dev"),
    ("app/settings_dev.py", "dev"),
    ("config/settings/production.py", "source"),
    ("config/settings/base.py", "source"),
    ("app/local.py", "source"),
    ("app/services/local_storage.py", "source"),
])
def test_role(path: str, role: str) -> None:
    assert classify_role(path, classify_kind(path)) == role
