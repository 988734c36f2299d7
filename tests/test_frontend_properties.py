"""Property tests for every frontend in ``languages.FRONTENDS``: no input raises, every span fits.

Two strategies per kind: arbitrary bytes, and text stitched from the kind's own syntax (quotes,
brackets, env reads, line endings) so that the parser gets past the first token. A kind that
lands later is picked up from ``FRONTENDS``; give it tokens in ``TOKENS`` to test it well.
"""

from __future__ import annotations

import os
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scanner.languages import FRONTENDS, ExtractOptions, decode, extract_bytes

KINDS = sorted(FRONTENDS)

PATHS = {
    "typescript": "src/config.ts", "tsx": "src/App.tsx", "javascript": "src/server.js",
    "python": "app/settings.py", "dockerfile": "Dockerfile", "compose": "docker-compose.yml",
    "dotenv": ".env.production", "yaml": "deploy/app.yaml", "text": "README.md",
}

_COMMON = ["\n", "\r\n", "\r", " ", "\t", '"', "'", "`", "\\", "#", "//", "/*", "*/", "{", "}", "[", "]",
           "(", ")", ":", "=", ",", ";", "$", "${", "localhost", "http://127.0.0.1:8080", "postgres://u:p@localhost/db",
           "NODE_ENV", "DATABASE_URL", "production", "development", "nginx:latest", "\x00", "\ufeff", "é", "😀",
           "\u2028", "\x1b[31m"]
TOKENS = {
    "typescript": ["process.env.", "process.env[", "import.meta.env.", "??", "||", "===", "!==", "if (", ") {",
                   "const ", "export ", "=>", "?.", "const { ", " } = process.env;", "app.get(", "router.post(",
                   "`${", "new URL(", "as const", "<T>", "</div>", "<App />"],
    "python": ["os.environ", "os.getenv(", "os.environ.get(", "os.environ[", "import os\n", "def f():\n    ",
               "if ", " == ", ":\n    ", "class Settings(BaseSettings):\n    ", 'f"{', "lambda: ", "@app.get(",
               "    ", "\"\"\"", "elif ", "else:\n    "],
    "dockerfile": ["FROM ", " AS ", "ARG ", "ENV ", "RUN ", "\\\n", "${", ":-", "}", "COPY ", "# syntax=",
                   "node:20", "@sha256:", "=", "<<EOF\n", "\nEOF\n", "ENTRYPOINT [\"", "\"]"],
    "compose": ["services:\n", "  web:\n", "    image: ", "    environment:\n", "      - ", "      KEY: ",
                "${VAR:-", "}", "&a ", "*a", "<<: *a", "---\n", "...\n", "? ", "!!binary ", "|\n", ">-\n"],
    "dotenv": ["export ", "=", "KEY", "_URL", "'", '"', "\\n", "${", "}", "#", "\n", "API_TOKEN=", "=\"multi\nline\""],
    "yaml": ["apiVersion: v1\n", "kind: Deployment\n", "metadata:\n", "  name: x\n", "spec:\n", "  containers:\n",
             "    - image: ", "      env:\n", "        - name: ", "          value: ", "&a ", "*a", "<<: *a",
             "---\n", "...\n", "{{ .Values.image }}", "!!python/object ", "? ", "|\n", "%YAML 1.2\n"],
    "text": ["export ", "=", "curl http://localhost:3000", "docker run nginx:latest", "```\n", "# ", "KEY="],
}
#: Whole statements that give facts, so that spans after odd bytes get checked often.
STATEMENTS = {
    "typescript": ['const db = process.env.DATABASE_URL ?? "postgres://localhost:5432/app";',
                   'if (process.env.NODE_ENV !== "production") { app.use(cors()); }',
                   'const { API_URL = "http://127.0.0.1:8080" } = process.env;',
                   'app.get("/debug/seed", (req, res) => res.send(seed()));'],
    "python": ['DB = os.environ.get("DATABASE_URL", "postgres://localhost/app")',
               'if os.getenv("APP_ENV") == "development":\n    DEBUG = True'],
    "dockerfile": ["FROM node:latest AS build", "ENV API_URL=http://localhost:8080", "FROM ${BASE:-redis:dev}"],
    "compose": ["services:\n  db:\n    image: postgres:latest\n    environment:\n      DATABASE_URL: postgres://localhost/app"],
    "dotenv": ["DATABASE_URL=postgres://localhost:5432/app", 'API_URL="http://127.0.0.1:8080"'],
    "yaml": ["kind: Pod\nspec:\n  containers:\n    - name: a\n      image: nginx:latest"],
    "text": ["DATABASE_URL=postgres://localhost:5432/app", "docker run redis:latest"],
}
TOKENS["tsx"] = TOKENS["javascript"] = TOKENS["typescript"]
STATEMENTS["tsx"] = STATEMENTS["javascript"] = STATEMENTS["typescript"]


def _options(kind: str) -> ExtractOptions:
    return ExtractOptions(kind)


def _source(kind: str):
    pieces = (st.sampled_from(_COMMON + TOKENS.get(kind, [])) | st.text(max_size=4)
              | st.sampled_from(STATEMENTS.get(kind, ["x"])))
    return st.lists(pieces, max_size=60).map("".join)


def assert_spans_fit(kind: str, data: bytes) -> None:
    """``extract_bytes`` returns, and every fact's span lies inside the decoded file."""
    facts = extract_bytes(PATHS.get(kind, "x"), data, _options(kind))
    text, _ = decode(data)
    lines = re.split(r"\r\n|\r|\n", text)  # CR, LF and CRLF each end a line (SARIF, editors)
    for fact in facts.facts:
        s = fact.span
        assert 1 <= s.line <= len(lines), (fact, len(lines))
        assert 1 <= s.column <= len(lines[s.line - 1]) + 1, (fact, lines[s.line - 1])
        assert (s.line, s.column) <= (s.end_line, s.end_column), fact
        assert s.end_line <= len(lines), (fact, len(lines))
        assert 1 <= s.end_column <= len(lines[s.end_line - 1]) + 1, (fact, lines[s.end_line - 1])
    for code, message in facts.diagnostics:
        assert code and message and "\n" not in code


#: ``ENVMATRIX_EXAMPLES=3000`` for a longer hunt (CI runs the default).
PROPERTY = settings(max_examples=int(os.environ.get("ENVMATRIX_EXAMPLES", "150")), deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


@pytest.mark.parametrize("kind", KINDS)
@PROPERTY
@given(data=st.binary(max_size=400))
def test_arbitrary_bytes_never_raise(kind: str, data: bytes) -> None:
    assert_spans_fit(kind, data)


@pytest.mark.parametrize("kind", KINDS)
@PROPERTY
@given(text=st.data())
def test_syntax_shaped_text_never_raises(kind: str, text) -> None:
    source = text.draw(_source(kind))
    encoding = text.draw(st.sampled_from(["utf-8", "utf-16", "latin-1"]))
    assert_spans_fit(kind, source.encode(encoding, "replace"))


@pytest.mark.parametrize("kind", KINDS)
@PROPERTY
@given(text=st.data())
def test_line_endings_do_not_move_spans(kind: str, text) -> None:
    """The same source with LF, CRLF or CR endings gives the same facts at the same places."""
    source = text.draw(_source(kind)).replace("\r", "")
    base = extract_bytes(PATHS.get(kind, "x"), source.encode("utf-8"), _options(kind))
    for eol in ("\r\n", "\r"):
        other = extract_bytes(PATHS.get(kind, "x"), source.replace("\n", eol).encode("utf-8"), _options(kind))
        assert other.facts == base.facts
