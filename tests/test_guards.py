"""The route vocabulary: guard kinds, demo-looking paths, how a test reads when its variable is unset."""

from __future__ import annotations

import pytest

from scanner.guards import classify_guard, demo_match, holds


@pytest.mark.parametrize("text, kind", [
    ("requireAdmin", "admin"),
    ('requireRole("admin")', "admin"),
    ("@Roles(Role.Admin)", "admin"),
    ("RolesGuard", "admin"),
    ("IsAdminUser", "admin"),
    ("staff_member_required", "admin"),
    ("Depends(get_current_superuser)", "admin"),
    ("requireAuth", "auth"),
    ("passport.authenticate('jwt', { session: false })", "auth"),
    ("AuthGuard('jwt')", "auth"),
    ("Depends(get_current_user)", "auth"),
    ("login_required", "auth"),
    ("fastify.authenticate", "auth"),
    ("rateLimit({ max: 5 })", None),
    ("validate(schema)", None),
    ("@Public()", None),
    ("optionalAuth", None),
    ("express.json()", None),
    ("@SerializeOptions({ groups: ['admin'] })", None),
    ("validate(adminValidation.create)", None),
    ("auth('manageUsers')", "auth"),
    ('restrictTo("admin")', "admin"),
    ("check session?.user?.role !== 'admin'", "admin"),
    ('require("./routes/admin")', None),
    ("Depends(ensure_not_demo)", None),
    ('restrictTo("user")', None),
])
def test_classify_guard(text: str, kind: str | None) -> None:
    assert classify_guard(text) == kind


def test_declared_admin_guard_names() -> None:
    assert classify_guard("gatekeeper", frozenset({"gatekeeper"})) == "admin"
    assert classify_guard("gatekeeper") is None


@pytest.mark.parametrize("path, handler, word", [
    ("/home/seed-demo", "<anonymous>", "seed"),
    ("/api/dev/seed", "", "seed"),
    ("/debug/headers", "", "debug"),
    ("/test-login", "", "test-login"),
    ("/auth/dev-login", "", "test-login"),
    ("/e2e/reset", "", "e2e"),
    ("/api/testing/reset-db", "", "reset"),
    ("/fixtures/load", "", "fixtures"),
    ("/internal/run", "seedDatabase", "seed"),
    ("/users/:seedId", "getUser", None),
    ("/reset-password", "", None),
    ("/password/reset", "resetPassword", None),
    ("/login/test-token", "test_token", None),
    ("/households/events/notifications/{item_id}/test", "test_notification", None),
    ("/bulk-actions/export/purge", "purge_export_data", None),
    ("/groups/seeders/foods", "seed_foods", None),
    ("/auth/reset", "", None),
    ("/request-demo", "", None),
    ("/mock-interviews/:id", "", None),
    ("/fixtures", "listFixtures", None),
    ("/wallet/seed-phrase", "", None),
    ("/health", "", None),
    ("/testing/clear-db", "", "reset"),
    ("/testing/session", "", "test-login"),
    ("/testing/idempotency", "", "testing"),
    ("/api/dev/tools", "", "dev"),
    ("/cart/clear", "", None),
    ("developer.create_test_users", "", "test-data"),
    ("/tests/:id/users", "", None),
    ("/developers/keys", "", None),
    ("/ab-testing/results", "", None),
    ("/auth/magic-sign-in", "", None),  # a magic-link sign-in: passwordless, not a backdoor
    ("/auth/spaces/magic-generate", "", None),
])
def test_demo_match(path: str, handler: str, word: str | None) -> None:
    assert demo_match(path, handler) == word


@pytest.mark.parametrize("op, value, actual, expected", [
    ("!=", "production", None, True),
    ("==", "development", None, False),
    ("==", "development", "development", True),
    ("==", "true", None, False),
    ("!=", "false", None, True),
    ("truthy", None, None, False),
    ("truthy", None, "false", False),
    ("truthy", None, "1", True),
    ("falsy", None, None, True),
])
def test_holds_when_unset(op: str, value: str | None, actual: str | None, expected: bool) -> None:
    assert holds(op, value, actual) is expected
