"""YAML frontend: Kubernetes, Helm, workflows, other YAML; and hostile input."""

import time

from scanner.facts import EnvAssignment, ImageRef

from ._frontend import facts, run

DIGEST = "sha256:" + "ab" * 32


def images(src, path="k8s/deploy.yaml"):
    return [(f[2], f[3], f[5]) for f in facts("yaml", src, path, ImageRef)]


DEPLOYMENT = f"""
apiVersion: apps/v1
kind: Deployment
spec:
  template:
    spec:
      initContainers:
        - name: migrate
          image: ghcr.io/org/migrate:latest
      containers:
        - name: api
          image: ghcr.io/org/api@{DIGEST}
          env:
            - name: DATABASE_URL
              value: postgres://localhost:5432/app
            - name: TOKEN
              valueFrom: {{secretKeyRef: {{name: s, key: k}}}}
        - name: sidecar
          image: busybox
"""


def test_kubernetes_containers_and_init_containers():
    assert sorted(images(DEPLOYMENT)) == [
        ("busybox", None, "kubernetes"), ("ghcr.io/org/api@" + DIGEST, None, "kubernetes"),
        ("ghcr.io/org/migrate:latest", "latest", "kubernetes")]


def test_kubernetes_env():
    assert facts("yaml", DEPLOYMENT, "k8s/overlays/production/deploy.yaml", EnvAssignment) == [
        ("set", 13, "DATABASE_URL", "postgres://localhost:5432/app", "production", False),
        ("set", 15, "TOKEN", None, "production", False)]


def test_cronjob_in_second_document():
    src = "apiVersion: v1\nkind: ConfigMap\n---\napiVersion: batch/v1\nkind: CronJob\nspec:\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          containers:\n            - image: redis:edge\n"
    assert images(src) == [("redis:edge", "edge", "kubernetes")]


def test_workflow_runs_on_is_not_an_image():
    src = """
    on: [push]
    jobs:
      test:
        runs-on: ubuntu-latest
        container: node:20
        services:
          redis: redis:latest
          pg:
            image: postgres:latest
        steps:
          - uses: actions/checkout@v4
          - uses: docker://alpine:3.8
    """
    assert images(src, ".github/workflows/ci.yml") == [
        ("node:20", "20", "workflow"), ("redis:latest", "latest", "workflow"),
        ("postgres:latest", "latest", "workflow"), ("alpine:3.8", "3.8", "workflow")]


def test_helm_values():
    src = """
    image:
      repository: growqr/backend
      tag: latest
    worker:
      image:
        registry: ghcr.io
        repository: org/worker
        tag: "1.4.2"
    appVersionDefault:
      image:
        repository: org/app
        tag: ""
    flat:
      image.repository: nginx
      image.tag: latest
    """
    assert images(src, "charts/app/values.yaml") == [
        ("growqr/backend:latest", "latest", "helm"), ("ghcr.io/org/worker:1.4.2", "1.4.2", "helm"),
        ("nginx:latest", "latest", "helm")]


def test_generic_yaml_needs_a_tag():
    src = "build:\n  image: node:latest\nbanner:\n  image: hero\nlogo:\n  image: assets/logo.png\n"
    assert images(src, ".gitlab-ci.yml") == [("node:latest", "latest", "yaml")]


def test_compose_shaped_file_goes_to_compose():
    src = "services:\n  api:\n    image: app:latest\n    environment:\n      A: '1'\n"
    assert facts("yaml", src, "deploy/stack.yml") == [
        ("image", 3, "app:latest", "latest", None, "compose"), ("set", 5, "A", "1", None, False)]


def test_helm_template_is_skipped_silently():
    result = run("yaml", "spec:\n  image: {{ .Values.image }}\n  {{- if .Values.x }}\n  a: [\n", "charts/a/templates/d.yaml")
    assert result.facts == () and result.diagnostics == ()


def test_templated_yaml_elsewhere_is_a_diagnostic():
    result = run("yaml", "spec:\n  image: {{ image }}\n  {% if x %}\n  a: [\n", "ansible/deploy.yml")
    assert result.facts == () and [c for c, _ in result.diagnostics] == ["template"]


def test_helm_sha_pins_the_image():
    src = f"image:\n  repository: prometheus/busybox\n  tag: latest\n  sha: {DIGEST}\n"
    assert images(src, "charts/x/values.yaml") == [(f"prometheus/busybox:latest@{DIGEST}", "latest", "helm")]


# --------------------------------------------------------------------------- hostile input


def test_billion_laughs_is_cheap():
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 10):
        prev, cur = chr(96 + i), chr(97 + i)
        lines.append(f"{cur}: &{cur} [" + ",".join([f"*{prev}"] * 9) + "]")
    lines.append("image: app:latest")
    start = time.perf_counter()
    result = run("yaml", "\n".join(lines) + "\n", "bomb.yaml")
    assert time.perf_counter() - start < 1.0
    assert [f.image for f in result.facts] == ["app:latest"]


def test_merge_key_chain_is_cheap():
    src = "a0: &a0 {image: x:latest}\n" + "".join(f"a{i + 1}: &a{i + 1} {{<<: [*a{i}, *a{i}]}}\n" for i in range(2000))
    start = time.perf_counter()
    run("yaml", src, "merge.yaml")
    assert time.perf_counter() - start < 2.0


def test_recursive_alias_does_not_loop():
    result = run("yaml", "a: &a [*a, {image: x:latest}]\nb: &b {<<: *b, image: y:latest}\n", "cycle.yaml")
    assert sorted(f.image for f in result.facts) == ["x:latest", "y:latest"]


def test_hundred_thousand_keys():
    src = "".join(f"k{i}: v{i}\n" for i in range(100_000))
    start = time.perf_counter()
    result = run("yaml", src, "big.yaml")
    assert time.perf_counter() - start < 5.0
    assert result.diagnostics == ()


def test_deep_flow_nesting_is_a_diagnostic():
    result = run("yaml", "a: " + "[" * 100_000 + "]" * 100_000 + "\n", "deep.yaml")
    assert [c for c, _ in result.diagnostics] in (["parse-error"], ["yaml-too-deep"])


def test_deep_block_nesting_is_a_diagnostic():
    result = run("yaml", "".join(" " * i + "k:\n" for i in range(5000)), "deep.yaml")
    assert [c for c, _ in result.diagnostics] == ["yaml-too-deep"]


def test_duplicate_keys_last_wins():
    assert images("image: a:1\nimage: b:latest\n", "dup.yaml") == [("b:latest", "latest", "yaml")]


def test_documents_before_a_broken_one_are_kept():
    result = run("yaml", "image: a:latest\n---\nimage: [\n", "multi.yaml")
    assert [f.image for f in result.facts] == ["a:latest"]
    assert [c for c, _ in result.diagnostics] == ["parse-error"]


def test_garbage_never_crashes():
    for src in ["*", "&a", "- *undefined", "? [a]\n: b", "!!python/object:os.system x", "a: !!binary zz", "\t\x00", "%YAML 9.9\n---\n"]:
        assert not [c for c, _ in run("yaml", src, "x.yaml").diagnostics if c == "frontend-error"]
        assert not [c for c, _ in run("compose", src, "docker-compose.yml").diagnostics if c == "frontend-error"]
