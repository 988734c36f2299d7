"""Dockerfile frontend: one source, the facts it gives."""

import time

from scanner.facts import EnvAssignment, ImageRef, Span

from ._frontend import facts, run


def images(src, path="Dockerfile"):
    return [(f[2], f[3]) for f in facts("dockerfile", src, path, ImageRef)]


def sets(src, path="Dockerfile"):
    return [f[2:] for f in facts("dockerfile", src, path, EnvAssignment)]


def test_from_with_tag():
    assert images("FROM node:20-alpine\n") == [("node:20-alpine", "20-alpine")]


def test_from_latest_and_untagged():
    assert images("FROM node:latest\nFROM python\n") == [("node:latest", "latest"), ("python", None)]


def test_platform_flag_and_stage_name():
    assert images("FROM --platform=$BUILDPLATFORM node:20 AS build\n") == [("node:20", "20")]


def test_later_from_stage_is_not_an_image():
    assert images("FROM node:20 AS build\nFROM build\nFROM Build AS final\n") == [("node:20", "20")]


def test_scratch_is_not_an_image():
    assert images("FROM scratch\n") == []


def test_global_arg_default_resolved_before_judging():
    assert images("ARG TAG=20-alpine\nFROM node:${TAG}\n") == [("node:20-alpine", "20-alpine")]


def test_arg_brace_default_resolved():
    assert images("ARG TAG\nFROM node:${TAG:-latest}\n") == [("node:latest", "latest")]


def test_unresolvable_tag_is_not_judged():
    assert images("ARG TAG\nFROM node:$TAG\nARG IMAGE\nFROM ${IMAGE}\n") == []


def test_unresolved_registry_keeps_the_tag():
    assert images("ARG REGISTRY\nFROM ${REGISTRY}/app:latest\n") == [("${REGISTRY}/app:latest", "latest")]


def test_digest_pinned():
    digest = "sha256:" + "ab" * 32
    assert facts("dockerfile", f"FROM node@{digest}\n", "Dockerfile", ImageRef) == [
        ("image", 1, f"node@{digest}", None, digest, "dockerfile")]


def test_registry_with_port():
    assert images("FROM localhost:5000/base:dev\n") == [("localhost:5000/base:dev", "dev")]


def test_copy_from_external_image_but_not_stage():
    assert images("FROM node:20 AS build\nCOPY --from=build /a /b\nCOPY --from=nginx:latest /x /y\nCOPY --from=0 /a /b\n") == [
        ("node:20", "20"), ("nginx:latest", "latest")]


def test_exact_span_of_image():
    (ref,) = run("dockerfile", "FROM   ghcr.io/anomalyco/opencode:latest\n", "docker/opencode/Dockerfile").facts
    assert ref.span == Span("docker/opencode/Dockerfile", 1, 8, 1, 41)


def test_continuation_positions():
    src = "FROM \\\n  node:latest \\\n  AS base\n"
    (ref,) = run("dockerfile", src, "Dockerfile").facts
    assert (ref.span.line, ref.span.column, ref.span.end_column) == (2, 3, 14)


def test_comment_and_blank_lines_inside_continuation_are_dropped():
    src = "RUN apt-get update && \\\n# a comment\n\n    apt-get install -y curl\nFROM node:latest\n"
    assert images(src) == [("node:latest", "latest")]


def test_escape_directive_backtick():
    src = "# escape=`\nFROM mcr.microsoft.com/windows/servercore:ltsc2022 `\n  AS base\nENV DIR=C:\\app\\\nFROM base\n"
    assert images(src) == [("mcr.microsoft.com/windows/servercore:ltsc2022", "ltsc2022")]
    assert sets(src) == [("DIR", "C:\\app\\", None, False)]


def test_directive_after_comment_is_a_comment():
    src = "# hello\n# escape=`\nFROM node:20 \\\n  AS x\n"
    assert images(src) == [("node:20", "20")]


def test_heredoc_body_is_not_instructions():
    src = "FROM node:20\nRUN <<EOF\nFROM evil:latest\nENV X=http://localhost\nEOF\nCOPY <<-'CONF' /etc/app.conf\n\tFROM other:latest\n\tCONF\nENV Y=1\n"
    assert images(src) == [("node:20", "20")]
    assert sets(src) == [("Y", "1", None, False)]


def test_unclosed_heredoc_is_a_diagnostic():
    result = run("dockerfile", "FROM node:20\nRUN <<EOF\necho hi\n", "Dockerfile")
    assert [code for code, _ in result.diagnostics] == ["parse-error"]


def test_env_pairs_and_legacy_form():
    src = 'ENV NODE_ENV=development PORT=4000 \\\n    API_URL="http://localhost:3000"\nENV GREETING hello there\n'
    assert sets(src) == [
        ("NODE_ENV", "development", None, False), ("PORT", "4000", None, False),
        ("API_URL", "http://localhost:3000", None, False), ("GREETING", "hello there", None, False)]


def test_arg_default_is_an_interpolated_assignment():
    assert sets("ARG NPM_TOKEN=abc123\nARG ONLY_DECLARED\n") == [("NPM_TOKEN", "abc123", "build", True)]


def test_env_from_arg_default_is_interpolated():
    src = "FROM node:20\nARG API=http://localhost:8080\nENV API_URL=${API}/v1 PATH=/app/bin:$PATH\n"
    assert sets(src) == [("API", "http://localhost:8080", "build", True),
                         ("API_URL", "http://localhost:8080/v1", None, True),
                         ("PATH", "/app/bin:$PATH", None, True)]


def test_env_passing_a_build_argument_on_is_a_reference():
    src = 'FROM node:20\nARG KEY="CAFEBABE"\nENV KEY="$KEY" OTHER=${KEY:-x}\n'
    assert sets(src) == [("KEY", "CAFEBABE", "build", True), ("KEY", None, None, True), ("OTHER", "CAFEBABE", None, True)]


def test_local_endpoint_value_is_an_assignment_not_a_literal():
    src = "ENV REDIS_URL=redis://127.0.0.1:6379\n"
    assert facts("dockerfile", src, "Dockerfile") == [("set", 1, "REDIS_URL", "redis://127.0.0.1:6379", None, False)]


def test_scope_from_file_name():
    assert sets("ENV A=1\n", path="Dockerfile.prod") == [("A", "1", "production", False)]
    assert sets("ENV A=1\n", path="dev.Dockerfile") == [("A", "1", "development", False)]


def test_quoted_and_escaped_values():
    src = "ENV A='single $X' B=\"double \\\"q\\\"\" C=esc\\ aped\n"
    assert sets(src) == [("A", "single $X", None, False), ("B", 'double "q"', None, False),
                         ("C", "esc aped", None, False)]


def test_lowercase_instructions_and_crlf():
    assert images("from node:latest as a\r\nfrom a\r\n") == [("node:latest", "latest")]


def test_ten_thousand_continuation_lines_are_fast():
    src = "RUN echo \\\n" + "  a \\\n" * 10_000 + "  done\nFROM node:latest\n"
    start = time.perf_counter()
    result = run("dockerfile", src, "Dockerfile")
    assert time.perf_counter() - start < 1.0
    assert [f.span.line for f in result.facts] == [10_003]


def test_ten_thousand_env_pairs_are_fast():
    src = "ENV \\\n" + "  A=http://localhost \\\n" * 10_000 + "  B=1\n"
    start = time.perf_counter()
    result = run("dockerfile", src, "Dockerfile")
    assert time.perf_counter() - start < 3.0
    assert len(result.facts) == 10_001


def test_garbage_never_crashes():
    for src in ["\\", "FROM", "ENV", "ENV =", "ARG ${", "FROM ${A:-${B:-${C", "RUN <<", "\x00\x01", "FROM \"unterminated"]:
        assert not [c for c, _ in run("dockerfile", src, "Dockerfile").diagnostics if c == "frontend-error"]


def test_env_in_a_stage_the_final_image_does_not_inherit_is_build_scoped():
    src = ("FROM node:20 AS base\nENV A=1\nFROM base AS builder\nENV B=2\n"
           "FROM node:20 AS other\nENV C=3\nFROM base\nENV D=4\n")
    assert sets(src) == [("A", "1", None, False), ("B", "2", "build", False),
                         ("C", "3", "build", False), ("D", "4", None, False)]
