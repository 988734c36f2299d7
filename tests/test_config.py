"""Configuration: every key of [tool.envmatrix] / .envmatrix.toml, precedence, and bad files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from scanner.cli import cli
from scanner.config import KEYS, Config, find_config_file, load_config, merge
from scanner.engine import scan
from scanner.errors import ConfigError
from scanner.findings import Level
from scanner.lexicon import is_secret_name

CONFIG_TS = """\
export const config = {
  database: process.env.DATABASE_URL ?? "postgres://localhost:5432/app",
  internal: process.env.INTERNAL_URL ?? "http://db.internal:5432",
  cardPin: process.env.CARD_PIN ?? "s3cr3t-pin-value",
  token: process.env.API_TOKEN ?? "dev-api-token-123",
  stripe: process.env.STRIPE_WEBHOOK_URL ?? "https://hooks.example.com",
};
"""


def tree(tmp_path: Path, toml: str | None = None, name: str = ".envmatrix.toml") -> Path:
    root = tmp_path / "repo"
    (root / "src").mkdir(parents=True)
    (root / "src" / "config.ts").write_text(CONFIG_TS)
    (root / "scripts").mkdir()
    (root / "scripts" / "seed.ts").write_text('const u = process.env.SEED_URL ?? "http://localhost:9";\n')
    if toml is not None:
        (root / name).write_text(toml)
    return root


def codes(root: Path, config: Config | None = None) -> set[tuple[str, str]]:
    result = scan(root, config or load_config(root))
    return {(f.span.path, f.rule) for f in result.findings}


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


# --------------------------------------------------------------------------- each key

def test_no_file_gives_defaults(tmp_path: Path) -> None:
    root = tree(tmp_path)
    assert load_config(root) == Config()


def test_select(tmp_path: Path) -> None:
    found = codes(tree(tmp_path, 'select = ["SEC"]\n'))
    assert found and all(rule.startswith("SEC") for _, rule in found)


def test_ignore(tmp_path: Path) -> None:
    found = codes(tree(tmp_path, 'ignore = ["URL001"]\n'))
    assert ("src/config.ts", "SEC001") in found
    assert not any(rule == "URL001" for _, rule in found)


def test_extend_select_adds_to_select(tmp_path: Path) -> None:
    found = codes(tree(tmp_path, 'select = ["SEC001"]\nextend-select = ["URL001"]\n'))
    assert {rule for _, rule in found} == {"SEC001", "URL001"}


def test_per_file_ignores(tmp_path: Path) -> None:
    root = tree(tmp_path, '[per-file-ignores]\n"scripts/" = ["URL"]\n"*.ts" = ["SEC001"]\n')
    found = codes(root)
    assert ("scripts/seed.ts", "URL001") not in found
    assert ("src/config.ts", "URL001") in found
    assert not any(rule == "SEC001" for _, rule in found)
    assert scan(root, load_config(root)).suppressed >= 2


def test_extend_exclude_keeps_builtin_excludes(tmp_path: Path) -> None:
    root = tree(tmp_path, 'extend-exclude = ["scripts/"]\n')
    (root / "node_modules" / "x").mkdir(parents=True)
    (root / "node_modules" / "x" / "i.ts").write_text('const u = process.env.X_URL ?? "http://localhost";\n')
    paths = {p for p, _ in codes(root)}
    assert paths == {"src/config.ts"}


def test_exclude_replaces_builtin_excludes(tmp_path: Path) -> None:
    root = tree(tmp_path, 'exclude = ["scripts/"]\n')
    (root / "node_modules" / "x").mkdir(parents=True)
    (root / "node_modules" / "x" / "i.ts").write_text('const u = process.env.X_URL ?? "http://localhost";\n')
    paths = {p for p, _ in codes(root)}
    assert paths == {"src/config.ts", "node_modules/x/i.ts"}
    config = load_config(root)
    assert config.exclude == ("scripts/",) and config.default_excludes is False


def test_exclude_and_extend_exclude_combine(tmp_path: Path) -> None:
    config = load_config(tree(tmp_path, 'exclude = ["a/"]\nextend-exclude = ["b/"]\n'))
    assert config.exclude == ("a/", "b/") and not config.default_excludes


def test_fail_level(tmp_path: Path) -> None:
    root = tree(tmp_path, 'fail-level = "error"\nselect = ["URL"]\n')
    assert run("scan", str(root)).exit_code == 0
    root2 = tree(tmp_path / "b", 'fail-level = "warning"\nselect = ["URL"]\n')
    assert run("scan", str(root2)).exit_code == 1


def test_min_level(tmp_path: Path) -> None:
    root = tree(tmp_path, 'min-level = "error"\n')
    result = scan(root, load_config(root))
    assert result.findings and all(f.level == Level.ERROR for f in result.findings)
    assert result.below_min_level > 0


def test_max_file_size(tmp_path: Path) -> None:
    root = tree(tmp_path, "max-file-size = 100\n")
    result = scan(root, load_config(root))
    assert any(d.code == "too-large" and d.path == "src/config.ts" for d in result.diagnostics)


def test_extra_local_hosts(tmp_path: Path) -> None:
    root = tree(tmp_path, 'extra-local-hosts = ["db.internal"]\nselect = ["URL"]\n')
    assert ("src/config.ts", "URL001") in codes(root)
    messages = [f.message for f in scan(root, load_config(root)).findings]
    assert any("`INTERNAL_URL`" in m and "db.internal" in m for m in messages)
    assert not any("`INTERNAL_URL`" in f.message for f in scan(tree(tmp_path / "b"), Config()).findings)


def test_secret_name_patterns(tmp_path: Path) -> None:
    plain = [f.message for f in scan(tree(tmp_path / "a"), Config()).findings]
    assert not any("CARD_PIN" in m for m in plain)
    root = tree(tmp_path / "b", 'secret-name-patterns = ["pin", "*_WEBHOOK_*"]\n')
    config = load_config(root)
    assert config.secret_name_patterns == frozenset({"pin", "*_WEBHOOK_*"})
    messages = [f.message for f in scan(root, config).findings if f.rule == "SEC001"]
    assert any("`CARD_PIN`" in m for m in messages)
    assert "s3cr3t-pin-value" not in " ".join(messages)


def test_secret_name_patterns_in_lexicon() -> None:
    extra = frozenset({"pin", "*_SEED", "signing material"})
    assert is_secret_name("CARD_PIN", extra) and is_secret_name("adminPin", extra)
    assert not is_secret_name("PIN_LENGTH", extra)
    assert is_secret_name("wallet_seed", extra) and is_secret_name("JWT_SIGNING_MATERIAL", extra)
    assert not is_secret_name("CARD_PIN") and not is_secret_name("CLERK_PUBLISHABLE_PIN", extra)


def test_secret_name_patterns_mask_inventory(tmp_path: Path) -> None:
    root = tree(tmp_path, 'secret-name-patterns = ["pin"]\n')
    out = run("scan", str(root), "--format", "json").stdout
    assert "s3cr3t-pin-value" not in out
    card = next(v for v in json.loads(out)["inventory"]["variables"] if v["name"] == "CARD_PIN")
    assert card["secret"] is True


def test_areas(tmp_path: Path) -> None:
    root = tree(tmp_path, '[areas]\n"STRIPE_*" = "Payments"\n"CARD_*" = "Payments"\n')
    doc = json.loads(run("scan", str(root), "--format", "json").stdout)
    areas = {v["name"]: v["area"] for v in doc["inventory"]["variables"]}
    assert areas["STRIPE_WEBHOOK_URL"] == "Payments" and areas["CARD_PIN"] == "Payments"
    assert areas["DATABASE_URL"] == "Database"


def test_stored_keys(tmp_path: Path) -> None:
    root = tree(tmp_path, """\
admin-guards = ["requireStaff", "isOperator"]
env-guards = ["onlyInDev"]
demo-route-patterns = ["/playground/*", "*/fixtures"]
environments = ["development", "staging", "demo", "production"]
""")
    config = load_config(root)
    assert config.admin_guards == ("requireStaff", "isOperator")
    assert config.env_guards == ("onlyInDev",)
    assert config.demo_route_patterns == ("/playground/*", "*/fixtures")
    assert config.environments == ("development", "staging", "demo", "production")


def test_every_key_is_documented_in_readme() -> None:
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    for key in KEYS:
        assert f"\n{key} = " in section or f"# {key} = " in section or f".{key}]" in section, key


# --------------------------------------------------------------------------- finding the file, precedence

def test_pyproject_table(tmp_path: Path) -> None:
    root = tree(tmp_path, '[project]\nname = "x"\n\n[tool.envmatrix]\nselect = ["SEC"]\n', name="pyproject.toml")
    assert load_config(root).select == frozenset({"SEC"})


def test_envmatrix_toml_wins_over_pyproject_in_same_directory(tmp_path: Path) -> None:
    root = tree(tmp_path, 'select = ["URL"]\n')
    (root / "pyproject.toml").write_text('[tool.envmatrix]\nselect = ["SEC"]\n')
    assert find_config_file(root) == (root / ".envmatrix.toml").resolve()
    assert load_config(root).select == frozenset({"URL"})


def test_found_from_root_upwards_nearest_wins(tmp_path: Path) -> None:
    root = tree(tmp_path, 'select = ["URL"]\n')
    (tmp_path / ".envmatrix.toml").write_text('select = ["SEC"]\n')
    assert load_config(root).select == frozenset({"URL"})
    sub = root / "src"
    assert load_config(sub).select == frozenset({"URL"})
    (root / ".envmatrix.toml").unlink()
    assert load_config(root).select == frozenset({"SEC"})


def test_pyproject_without_table_is_passed_over(tmp_path: Path) -> None:
    root = tree(tmp_path, '[project]\nname = "x"\n', name="pyproject.toml")
    (tmp_path / ".envmatrix.toml").write_text('select = ["SEC"]\n')
    assert load_config(root).select == frozenset({"SEC"})


def test_explicit_config_file(tmp_path: Path) -> None:
    root = tree(tmp_path, 'select = ["URL"]\n')
    other = tmp_path / "strict.toml"
    other.write_text('select = ["SEC"]\n')
    assert load_config(root, other).select == frozenset({"SEC"})
    result = run("scan", str(root), "--config", str(other), "--format", "json")
    assert {f["rule"] for f in json.loads(result.stdout)["findings"]} == {"SEC001"}


def test_cli_overrides_file(tmp_path: Path) -> None:
    root = tree(tmp_path, 'select = ["SEC"]\nmin-level = "error"\nfail-level = "error"\n')
    doc = json.loads(run("scan", str(root), "--format", "json").stdout)
    assert {f["rule"] for f in doc["findings"]} == {"SEC001"}
    result = run("scan", str(root), "--format", "json", "--select", "URL", "--min-level", "note",
                 "--fail-level", "warning")
    assert {f["rule"] for f in json.loads(result.stdout)["findings"]} == {"URL001"}
    assert result.exit_code == 1


def test_merge_ignores_unset_options() -> None:
    base = Config(select=frozenset({"SEC"}))
    assert merge(base, select=None, min_level=Level.ERROR) == Config(select=frozenset({"SEC"}), min_level=Level.ERROR)


# --------------------------------------------------------------------------- bad configuration

@pytest.mark.parametrize("toml, words", [
    ('selct = ["URL"]\n', ["unknown key `selct`", "did you mean `select`"]),
    ('min-level = "loud"\n', ["`min-level`", "unknown level `loud`"]),
    ('fail-level = 2\n', ["`fail-level`", "an integer"]),
    ('max-file-size = "big"\n', ["`max-file-size`", "a string"]),
    ("max-file-size = true\n", ["`max-file-size`", "a boolean"]),
    ("max-file-size = 0\n", ["`max-file-size`", "positive"]),
    ('select = "URL"\n', ["`select`", "list of strings"]),
    ('select = ["NOPE9"]\n', ["`select`", "`NOPE9`"]),
    ('[per-file-ignores]\n"tests/" = ["XYZ001"]\n', ["`per-file-ignores`", "`tests/`", "`XYZ001`"]),
    ('areas = ["Payments"]\n', ["`areas`", "table"]),
    ('extra-local-hosts = ["http://db:5432"]\n', ["`extra-local-hosts`", "host names"]),
    ('secret-name-patterns = ["__"]\n', ["`secret-name-patterns`", "`__`"]),
    ("environments = [1, 2]\n", ["`environments`", "list of strings"]),
    ("select = [\n", ["invalid TOML"]),
])
def test_bad_config_is_exit_2_naming_key_and_file(tmp_path: Path, toml: str, words: list[str]) -> None:
    root = tree(tmp_path, toml)
    result = run("scan", str(root))
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("envmatrix: error: ")
    assert ".envmatrix.toml" in lines[0]
    for word in words:
        assert word in lines[0], (word, lines[0])


def test_bad_pyproject_names_table(tmp_path: Path) -> None:
    root = tree(tmp_path, '[tool.envmatrix]\nignore = ["URL001"]\nverbose = true\n', name="pyproject.toml")
    with pytest.raises(ConfigError, match=r"pyproject.toml \[tool.envmatrix\]: unknown key `verbose`"):
        load_config(root)


def test_missing_explicit_config(tmp_path: Path) -> None:
    root = tree(tmp_path)
    result = run("scan", str(root), "--config", str(tmp_path / "nope.toml"))
    assert result.exit_code == 2 and "nope.toml: no such configuration file" in result.stderr


def test_explicit_pyproject_without_table(tmp_path: Path) -> None:
    root = tree(tmp_path)
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n')
    with pytest.raises(ConfigError, match=r"no \[tool.envmatrix\] table"):
        load_config(root, tmp_path / "pyproject.toml")


def test_report_reads_the_config_file(tmp_path: Path) -> None:
    root = tree(tmp_path, 'secret-name-patterns = ["pin"]\n[areas]\n"STRIPE_*" = "Payments"\n')
    result = run("report", str(root))
    assert result.exit_code == 0, result.output
    assert "Payments" in result.stdout and "s3cr3t-pin-value" not in result.stdout
