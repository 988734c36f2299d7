"""The rule registry: an explicit tuple, sorted by code. A code is never reused.

Add a rule by writing ``scanner/rules/<code>_<name>.py`` with a ``RULE`` and listing it here.
"""

from __future__ import annotations

from ..findings import Rule
from . import (
    demo001_unguarded_demo_route,
    demo002_weakly_guarded_demo_route,
    env001_environment_branch,
    env002_auth_relaxed_outside_production,
    env003_protection_relaxed_outside_production,
    env004_dev_environment_default,
    img001_latest_image_tag,
    img002_untagged_image,
    img003_dev_image_tag,
    meta001_unused_suppression,
    sec001_dev_credential_default,
    sec002_literal_credential_compare,
    sec003_connection_string_password,
    sec004_committed_credential,
    url001_local_endpoint_default,
    url002_local_endpoint_constant,
    url003_local_endpoint_assignment,
)

REGISTRY: tuple[Rule, ...] = (
    demo001_unguarded_demo_route.RULE,
    demo002_weakly_guarded_demo_route.RULE,
    env001_environment_branch.RULE,
    env002_auth_relaxed_outside_production.RULE,
    env003_protection_relaxed_outside_production.RULE,
    env004_dev_environment_default.RULE,
    img001_latest_image_tag.RULE,
    img002_untagged_image.RULE,
    img003_dev_image_tag.RULE,
    meta001_unused_suppression.RULE,
    sec001_dev_credential_default.RULE,
    sec002_literal_credential_compare.RULE,
    sec003_connection_string_password.RULE,
    sec004_committed_credential.RULE,
    url001_local_endpoint_default.RULE,
    url002_local_endpoint_constant.RULE,
    url003_local_endpoint_assignment.RULE,
)

BY_CODE: dict[str, Rule] = {rule.code: rule for rule in REGISTRY}


def get(code: str) -> Rule | None:
    return BY_CODE.get(code.upper())
