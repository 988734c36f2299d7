"""The shared vocabulary: which names are environment flags, and which of those are ambiguous."""

import pytest

from scanner.lexicon import ambiguous_flag, flag_meaning


@pytest.mark.parametrize("name, meaning", [
    ("isProduction", "production"), ("IS_PROD", "production"), ("isDev", "nonproduction"),
    ("DEBUG", "nonproduction"), ("devMode", "nonproduction"), ("isLocalEnv", "nonproduction"),
    ("isPreview", "nonproduction"), ("is_local", "nonproduction"),
    ("isLocalSynced", None), ("useTestEmailService", None), ("preview", None), ("latest", None),
])
def test_flag_meaning(name: str, meaning: str | None) -> None:
    assert flag_meaning(name) == meaning


@pytest.mark.parametrize("name, ambiguous", [
    # an environment word that also names an ordinary thing, by itself
    ("isPreview", True), ("is_local", True), ("isDemo", True), ("is_testing", True), ("mockServer", True),
    # the name says environment, or is spelled as an env switch, or the word is only an environment
    ("isLocalEnv", False), ("demoMode", False), ("IS_PREVIEW", False), ("isProduction", False),
    ("isStaging", False), ("DEBUG", False), ("isCi", False),
    # not a flag at all
    ("preview", False), ("userId", False),
])
def test_ambiguous_flag(name: str, ambiguous: bool) -> None:
    assert ambiguous_flag(name) is ambiguous
