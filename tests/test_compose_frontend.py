"""Compose frontend: one source, the facts it gives."""

from scanner.facts import EnvAssignment, EnvRead, ImageRef, Literal, Span

from ._frontend import facts, run

PATH = "docker-compose.yml"


def test_image_tag():
    assert facts("compose", "services:\n  api:\n    image: node:latest\n", PATH, ImageRef) == [
        ("image", 3, "node:latest", "latest", None, "compose")]


def test_image_interpolated_default():
    src = "services:\n  api:\n    image: growqr/backend:${TAG:-latest}\n"
    assert facts("compose", src, PATH, ImageRef) == [("image", 3, "growqr/backend:latest", "latest", None, "compose")]
    assert facts("compose", src, PATH, EnvRead) == [("read", 3, "TAG", "latest", False)]


def test_image_unresolved_tag_is_not_judged():
    assert facts("compose", "services:\n  api:\n    image: app:${TAG}\n", PATH, ImageRef) == []


def test_registry_with_port():
    assert facts("compose", "services:\n  api:\n    image: localhost:5000/x:dev\n", PATH, ImageRef) == [
        ("image", 3, "localhost:5000/x:dev", "dev", None, "compose")]


def test_environment_map_form():
    src = """
    services:
      db:
        environment:
          POSTGRES_PASSWORD: postgres
          PORT: 5432
          FROM_SHELL:
          EMPTY: ""
    """
    assert facts("compose", src, PATH, EnvAssignment) == [
        ("set", 4, "POSTGRES_PASSWORD", "postgres", None, False), ("set", 5, "PORT", "5432", None, False),
        ("set", 6, "FROM_SHELL", None, None, False), ("set", 7, "EMPTY", "", None, False)]


def test_environment_list_form():
    src = """
    services:
      db:
        environment:
          - POSTGRES_USER=postgres
          - PASS_THROUGH
          - "QUOTED=a b"
    """
    assert facts("compose", src, PATH, EnvAssignment) == [
        ("set", 4, "POSTGRES_USER", "postgres", None, False), ("set", 5, "PASS_THROUGH", None, None, False),
        ("set", 6, "QUOTED", "a b", None, False)]


def test_interpolation_forms():
    src = """
    services:
      api:
        environment:
          A: ${A}
          B: ${B:-http://host.docker.internal:8001}
          C: ${C-plain}
          D: ${D:?set D}
          E: "$${NOT_A_REF}"
    """
    assert facts("compose", src, PATH, EnvAssignment) == [
        ("set", 4, "A", None, None, True), ("set", 5, "B", "http://host.docker.internal:8001", None, True),
        ("set", 6, "C", "plain", None, True), ("set", 7, "D", None, None, True),
        ("set", 8, "E", "${NOT_A_REF}", None, False)]
    assert facts("compose", src, PATH, EnvRead) == [
        ("read", 4, "A", None, False), ("read", 5, "B", "http://host.docker.internal:8001", False),
        ("read", 6, "C", "plain", False), ("read", 7, "D", None, True)]


def test_env_read_span_is_the_reference():
    src = "services:\n  api:\n    environment:\n      URL: \"http://${HOST:-localhost}:80\"\n"
    (read,) = [f for f in run("compose", src, PATH).facts if isinstance(f, EnvRead)]
    assert read.span == Span(PATH, 4, 20, 4, 38)


def test_nested_default():
    src = "services:\n  api:\n    environment:\n      - URL=${A:-${B:-http://localhost}}\n"
    assert facts("compose", src, PATH, EnvRead) == [
        ("read", 4, "A", "http://localhost", False), ("read", 4, "B", "http://localhost", False)]


def test_merge_key_anchor_environment():
    src = """
    x-env: &env
      LOG_LEVEL: info
    services:
      a:
        environment:
          <<: *env
          OWN: "1"
      b:
        environment: *env
    """
    assert facts("compose", src, PATH, EnvAssignment) == [
        ("set", 2, "LOG_LEVEL", "info", None, False), ("set", 7, "OWN", "1", None, False)]


def test_env_file_recorded():
    src = "services:\n  api:\n    env_file:\n      - .env\n      - path: ./prod.env\n        required: false\n"
    assert facts("compose", src, PATH, Literal) == [
        ("literal", 4, ".env", "env-file", "api"), ("literal", 5, "./prod.env", "env-file", "api")]


def test_ports_healthchecks_and_comments_give_no_facts():
    src = """
    services:
      api:
        # image: node:latest
        ports:
          - "127.0.0.1:8080:80"
        extra_hosts:
          - host.docker.internal:host-gateway
        healthcheck:
          test: ["CMD", "curl", "-f", "http://localhost:4000/health"]
    """
    assert facts("compose", src, PATH) == []


def test_image_named_environment_variable():
    src = "services:\n  api:\n    environment:\n      OPENCODE_IMAGE: ${OPENCODE_IMAGE:-growqr/opencode:dev}\n"
    assert facts("compose", src, PATH, ImageRef) == [("image", 4, "growqr/opencode:dev", "dev", None, "compose")]


def test_scope_from_file_name():
    src = "services:\n  api:\n    environment:\n      A: '1'\n"
    assert facts("compose", src, "docker-compose.prod.yml", EnvAssignment) == [("set", 4, "A", "1", "production", False)]
    assert facts("compose", src, "compose.override.yaml", EnvAssignment) == [("set", 4, "A", "1", "development", False)]
    assert facts("compose", src, "docker-compose.dev.yml", EnvAssignment) == [("set", 4, "A", "1", "development", False)]


def test_not_yaml_is_a_diagnostic():
    result = run("compose", "services: [\n", PATH)
    assert result.facts == () and [c for c, _ in result.diagnostics] == ["parse-error"]


def test_untagged_image_variable_is_not_an_image():
    src = "services:\n  api:\n    environment:\n      OPENCODE_IMAGE: growqr/opencode\n"
    assert facts("compose", src, PATH, ImageRef) == []


def test_image_beside_build_names_the_build_not_a_pull():
    src = "services:\n  etl:\n    image: etl-kafka\n    build: ./etl\n  app:\n    image: app:latest\n    build: .\n"
    assert facts("compose", src, PATH, ImageRef) == []
