"""Generic text frontend: local endpoints and images become hotspots."""

import pytest

from scanner.languages import ExtractOptions
from scanner.languages import text as text_frontend

from ._frontend import facts


def hot(src, path="README.md"):
    return [f[2:] for f in facts("text", src, path)]


def test_local_urls():
    assert hot("Open http://localhost:4000/health or http://127.0.0.1:3001.\n") == [
        ("http://localhost:4000/health", "url"), ("http://127.0.0.1:3001", "url")]


def test_bare_host_needs_a_port():
    assert hot("Rivet listens on localhost:6420; listening on localhost is fine.\n") == [("localhost:6420", "url")]


def test_remote_urls_are_not_hotspots():
    assert hot("See https://example.com/docs and http://rivet:6420.\n") == []


def test_connection_string():
    assert hot("psql postgres://postgres:postgres@localhost:5432/growqr\n", "Makefile") == [
        ("postgres://postgres:postgres@localhost:5432/growqr", "url")]


def test_images_in_context():
    src = "docker run --rm -p 8080:80 nginx:latest\ndocker pull ghcr.io/anomalyco/opencode:latest\nFROM node:20-alpine\n"
    assert hot(src, "scripts/build.sh") == [
        ("nginx:latest", "image"), ("ghcr.io/anomalyco/opencode:latest", "image"), ("node:20-alpine", "image")]


def test_registry_image_in_prose():
    assert hot("The image growqr/opencode:dev is used in dev.\n") == [("growqr/opencode:dev", "image")]


def test_file_line_references_are_not_images():
    assert hot("See src/config.ts:42 and docs/guide.md:10, key:value, 12:30.\n") == []


def test_json_values():
    assert hot('{"proxy": "http://localhost:4000", "image": "node:20"}\n', "package.json") == [
        ("http://localhost:4000", "url")]


def test_prose_and_python_from_are_not_images():
    assert hot("From here, make one cluster per region.\nfrom math import sqrt\n") == []


def test_flag_values_are_not_images():
    assert hot("kubectl --token=foo/system:masters create -f roles.yaml\n", "README.md") == []


# The scheme alternative as it was before it was made linear: the reference for what it finds.
_PLAIN_URL = __import__("re").compile(r"""[A-Za-z][A-Za-z0-9+.\-]*://[^\s"'`<>()\[\]{},;|\\]+""")


def _scheme_urls(pattern, line):
    out = []
    for m in pattern.finditer(line):
        lead = m.groupdict().get("lead") or ""
        out.append((m.start() + len(lead), m.end()))
    return out


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="ab1.+-:/ (@", max_size=40))
def test_linear_url_regex_finds_what_the_plain_one_did(line):
    from scanner.languages.text import _URL

    linear = [span for span in _scheme_urls(_URL, line) if "://" in line[span[0]:span[1]]]
    assert linear == _scheme_urls(_PLAIN_URL, line)


@pytest.mark.parametrize("text, expected", [
    ("Run the API on http://localhost:8000 first.\n", True),
    ("FROM node:20-alpine\n", True),
    ("docker run --rm redis\n", True),
    ("push ghcr.io/org/app:nightly\n", True),
    ("Serve the docs with `make html`; see https://example.com/guide.\n", False),
    ("key: value\nsrc/config.ts line 42\n", False),
])
def test_prefilter_needs_a_host_or_an_image_shape(text: str, expected: bool) -> None:
    options = ExtractOptions("text")
    assert text_frontend.may_have_facts("docs/a.md", text.encode(), options) is expected
    if not expected:  # sound: what the pre-filter rejects gives no hotspot when read
        assert text_frontend.extract("docs/a.md", text, options).facts == ()


def test_a_report_envmatrix_wrote_gives_no_hotspots_and_a_quote_of_its_note_does():
    # (test_cli checks that a real report is known by these lines)
    report = "# Environment matrix: app\n\n" + text_frontend.OWN_REPORT_NOTE + " from the code's facts. -->\n\n" \
        "| `DATABASE_URL` | postgres://localhost:5432/app |\n"
    assert hot(report, "docs/environment-matrix.md") == []
    assert not text_frontend.may_have_facts("docs/environment-matrix.md", report.encode(), ExtractOptions("text"))
    # the same lines without the title that opens a report: a document about envmatrix, read as usual
    quoted = "# Notes\n\n" + report.split("\n", 2)[2]
    assert hot(quoted, "docs/notes.md") == [("postgres://localhost:5432/app", "url")]
