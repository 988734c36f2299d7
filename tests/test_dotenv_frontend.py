"""dotenv frontend: one source, the facts it gives."""

from scanner.facts import EnvAssignment, ImageRef, Span

from ._frontend import facts, run


def sets(src, path=".env"):
    return [f[2:] for f in facts("dotenv", src, path, EnvAssignment)]


def test_plain_assignments_with_scope():
    assert sets("A=1\nB=http://localhost:3000\n", ".env.production") == [
        ("A", "1", "production", False), ("B", "http://localhost:3000", "production", False)]


def test_scope_names():
    assert sets("A=1\n", ".env.example") == [("A", "1", "example", False)]
    assert sets("A=1\n", ".env.development") == [("A", "1", "development", False)]
    assert sets("A=1\n", ".env") == [("A", "1", None, False)]


def test_export_and_spaces():
    assert sets("export A=1\n  B = two  \n") == [("A", "1", None, False), ("B", "two", None, False)]


def test_comments_full_line_and_inline():
    assert sets("# A=1\nB=2 # note\nC=a#b\nD= # only a comment\n") == [
        ("B", "2", None, False), ("C", "a#b", None, False), ("D", "", None, False)]


def test_single_quotes_are_literal():
    assert sets("A=1\nB='${A} \\n'\n") == [("A", "1", None, False), ("B", "${A} \\n", None, False)]


def test_double_quotes_escape_and_interpolate():
    assert sets('A=1\nB="x${A}\\n\\"q\\" \\$A"\n') == [("A", "1", None, False), ("B", 'x1\n"q" $A', None, False)]


def test_multiline_double_quoted_value():
    src = 'KEY="-----BEGIN KEY-----\nabc\n-----END KEY-----"\nNEXT=1\n'
    assert sets(src) == [("KEY", "-----BEGIN KEY-----\nabc\n-----END KEY-----", None, False), ("NEXT", "1", None, False)]


def test_interpolation_default_is_marked():
    assert sets("URL=${RIVET_ENDPOINT:-http://127.0.0.1:6420}\nREF=${UNSET}\n") == [
        ("URL", "http://127.0.0.1:6420", None, True), ("REF", None, None, False)]


def test_key_without_value():
    assert sets("ONLY_KEY\n") == [("ONLY_KEY", None, None, False)]


def test_unterminated_quote_is_a_diagnostic_and_parsing_continues():
    result = run("dotenv", 'A="never closed\nB=2\nC="x"\n', ".env")
    assert [(f.name, f.value) for f in result.facts] == [("B", "2"), ("C", "x")]
    assert [code for code, _ in result.diagnostics] == ["parse-error"]


def test_bad_line_is_a_diagnostic():
    result = run("dotenv", "not an assignment\nA=1\n", ".env")
    assert [(f.name, f.value) for f in result.facts] == [("A", "1")]
    assert len(result.diagnostics) == 1


def test_exact_span():
    (fact,) = run("dotenv", "# top\n\n  DATABASE_URL=postgres://localhost/db\n", ".env").facts
    assert fact.span == Span(".env", 3, 3, 3, 39)


def test_image_named_variable():
    assert facts("dotenv", "OPENCODE_IMAGE=growqr/opencode:dev\n", ".env.example", ImageRef) == [
        ("image", 1, "growqr/opencode:dev", "dev", None, "dotenv")]


def test_garbage_never_crashes():
    for src in ['"', "=", "A='", 'A="\\', "A=${", "export", "export =", "\r\n\r\n", "A=\"x\" \"y\""]:
        assert not [c for c, _ in run("dotenv", src, ".env").diagnostics if c == "frontend-error"]


def test_untagged_image_variable_is_not_an_image():
    assert facts("dotenv", "OPENCODE_IMAGE=growqr/opencode\nOPENCODE_IMAGE_VERSION=dev\n", ".env", ImageRef) == []


def test_a_patch_is_not_an_env_file():
    src = "--- .env\t2025-02-04\n+++ .env.external\t2025-05-15\n@@ -22,3 +22,4 @@\n+KAFKA=kafka:9092\n"
    result = run("dotenv", src, ".env.patch")
    assert result.facts == () and result.diagnostics == ()


def test_many_bad_lines_give_one_summary():
    result = run("dotenv", "bad line\n" * 20 + "A=1\n", ".env")
    assert [f.name for f in result.facts] == ["A"]
    assert len(result.diagnostics) == 6 and result.diagnostics[-1][1] == "15 more lines could not be read"


def test_pasted_credential_on_its_own_line_is_not_a_name():
    src = "A=1\nsk_live_51HxQ8vRawPastedKey\nAbCdEfGh12IjKlMnOpQr9\nNODE_ENV\nB=2\n"
    ff = run("dotenv", src, ".env")
    names = [f.name for f in ff.facts if isinstance(f, EnvAssignment)]
    assert names == ["A", "NODE_ENV", "B"]
    assert ff.diagnostics == (("parse-error", "line 2: a bare value where `KEY=value` was expected"),
                              ("parse-error", "line 3: a bare value where `KEY=value` was expected"))


def test_long_names_are_still_names():
    src = "NEXT_PUBLIC_firebaseAppId2024=x\nnpm_config_cache_folder\nVITE_FIREBASE_MEASUREMENT_ID=G-1\n"
    assert [s[0] for s in sets(src)] == ["NEXT_PUBLIC_firebaseAppId2024", "npm_config_cache_folder",
                                         "VITE_FIREBASE_MEASUREMENT_ID"]
