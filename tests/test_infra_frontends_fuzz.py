"""Property tests: the infrastructure frontends never raise, whatever the text."""

import importlib

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scanner.languages import ExtractOptions

KINDS = {"dockerfile": "Dockerfile", "compose": "docker-compose.yml", "dotenv": ".env.production",
         "yaml": "k8s/app.yaml", "text": "README.md"}
# Characters that matter to these grammars, so random text reaches the interesting branches.
ALPHABET = st.sampled_from(list("abcXYZ_09 =:-#$'\"{}[]\\`<>@/.\n\t&*!|>?,%") + ["FROM ", "ENV ", "ARG ", "RUN <<EOF\n",
                                                                             "${A:-", "image: ", "export ", "localhost:80",
                                                                             "services:\n", "  env:\n", "- name: A\n"])


@pytest.mark.parametrize("kind", sorted(KINDS))
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.lists(ALPHABET, max_size=80).map("".join))
def test_frontend_never_raises(kind, text):
    module = importlib.import_module(f"scanner.languages.{kind}")
    result = module.extract(KINDS[kind], text, ExtractOptions(kind))
    for fact in result.facts:
        assert 1 <= fact.span.line <= text.count("\n") + 1
        assert fact.span.column >= 1
