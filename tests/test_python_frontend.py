"""The Python frontend, one form per test: this source gives these facts."""

from __future__ import annotations

import ast

import textwrap

import pytest

from scanner.facts import ConfigBinding, ConfigUse, EnvBranch, EnvRead, FileFacts, GuardDef, ImageRef, Literal
from scanner.languages import ExtractOptions, extract_text
from scanner.languages import _py_routes
from scanner.languages import python as frontend

OPTIONS = ExtractOptions("python")


def scan(src: str, path: str = "app/main.py", options: ExtractOptions = OPTIONS) -> FileFacts:
    return extract_text(path, textwrap.dedent(src), options)


def reads(src: str, path: str = "app/main.py") -> list[tuple]:
    return [(f.name, f.default, f.via, f.required) for f in scan(src, path).facts if isinstance(f, EnvRead)]


def bindings(src: str, path: str = "app/main.py") -> set[tuple]:
    return {(f.owner, f.attribute, f.name, f.default, f.op, f.value)
            for f in scan(src, path).facts if isinstance(f, ConfigBinding)}


def branches(src: str, path: str = "app/main.py") -> list[tuple]:
    return [(f.subject, f.ref, f.op, f.value, f.presence)
            for f in scan(src, path).facts if isinstance(f, EnvBranch)]


def branch(src: str) -> EnvBranch:
    found = [f for f in scan(src).facts if isinstance(f, EnvBranch)]
    assert len(found) == 1, found
    return found[0]


def literals(src: str, path: str = "app/main.py") -> list[tuple]:
    return [(f.value, f.context, f.target) for f in scan(src, path).facts if isinstance(f, Literal)]


def images(src: str) -> list[tuple]:
    return [(f.image, f.name, f.tag, f.source) for f in scan(src).facts if isinstance(f, ImageRef)]


# --------------------------------------------------------------------------- os.environ / os.getenv

def test_environ_subscript():
    assert reads('import os\nDB = os.environ["DATABASE_URL"]\n') == [("DATABASE_URL", None, "os.environ", True)]


def test_environ_get_with_default():
    assert reads('import os\nX = os.environ.get("REDIS_URL", "redis://cache:6379")\n') == [
        ("REDIS_URL", "redis://cache:6379", "os.environ", False)]


def test_getenv_with_default():
    assert reads('import os\nX = os.getenv("LOG_LEVEL", "info")\n') == [("LOG_LEVEL", "info", "os.getenv", False)]


def test_getenv_keyword_default():
    assert reads('import os\nX = os.getenv("LOG_LEVEL", default="info")\n') == [("LOG_LEVEL", "info", "os.getenv", False)]


def test_getenv_without_default():
    assert reads('import os\nX = os.getenv("SENTRY_DSN")\n') == [("SENTRY_DSN", None, "os.getenv", False)]


def test_from_os_import_aliases():
    assert reads('from os import environ as env, getenv as ge\nA = env["A"]\nB = ge("B", "b")\nC = env.get("C")\n') == [
        ("A", None, "os.environ", True), ("B", "b", "os.getenv", False), ("C", None, "os.environ", False)]


def test_import_os_as_alias():
    assert reads('import os as o\nA = o.getenv("A", "1")\n') == [("A", "1", "os.getenv", False)]


def test_unrelated_getenv_is_not_a_read():
    assert reads('def getenv(x, d=None):\n    return d\nA = getenv("A", "1")\n') == []


def test_wrapper_keeps_default():
    assert reads('import os\nPORT = int(os.getenv("PORT", "8000"))\n') == [("PORT", "8000", "os.getenv", False)]


def test_number_default_is_its_source_text():
    assert reads('import os\nPORT = int(os.getenv("PORT", 8000))\n') == [("PORT", "8000", "os.getenv", False)]


def test_bool_default_is_its_source_text():
    assert reads('import os\nX = os.environ.get("DEBUG", True)\n') == [("DEBUG", "True", "os.environ", False)]


def test_or_default():
    assert reads('import os\nX = os.getenv("API_URL") or "https://api.example.com"\n') == [
        ("API_URL", "https://api.example.com", "os.getenv", False)]


def test_or_default_after_empty_default_and_method():
    assert reads('import os\nX = os.getenv("MODE", "").strip() or "fast"\n') == [("MODE", "fast", "os.getenv", False)]


def test_or_default_on_subscript_is_not_required():
    assert reads('import os\nX = os.environ["A"] or "a"\n') == [("A", "a", "os.environ", False)]


def fallbacks(src: str) -> list[tuple]:
    return [(f.name, f.default, f.fallback) for f in scan(src).facts if isinstance(f, EnvRead)]


def test_or_chain_falls_back_to_the_next_variable():
    assert fallbacks('import os\nU = os.getenv("INTERVIEW_REDIS_URL") or os.getenv("REDIS_URL") or "redis://r:6379"\n') == [
        ("INTERVIEW_REDIS_URL", "redis://r:6379", "REDIS_URL"), ("REDIS_URL", "redis://r:6379", None)]


def test_nested_default_falls_back_to_the_inner_variable():
    assert fallbacks('import os\nU = os.getenv("A", os.getenv("B", "b"))\n') == [("A", "b", "B"), ("B", "b", None)]


def test_or_chain_without_literal():
    assert fallbacks('import os\nU = os.getenv("A") or os.environ["B"]\n') == [("A", None, "B"), ("B", None, None)]


def test_module_constant_default():
    assert reads('import os\nDEFAULT = "x"\nA = os.getenv("A", DEFAULT)\n') == [("A", "x", "os.getenv", False)]


def test_module_constant_name():
    assert reads('import os\nKEY = "API_URL"\nA = os.getenv(KEY)\n') == [("API_URL", None, "os.getenv", False)]


def test_constant_defined_after_use_in_function():
    src = 'import os\ndef f():\n    return os.getenv("A", DEFAULT)\nDEFAULT = "late"\n'
    assert reads(src) == [("A", "late", "os.getenv", False)]


def test_fstring_with_literal_parts_only():
    assert reads('import os\nA = os.getenv(f"A_URL", f"http://x{{1}}")\n') == [("A_URL", "http://x{1}", "os.getenv", False)]


def test_fstring_with_fields_is_not_literal():
    assert reads('import os\nA = os.getenv("A", f"http://{host}")\n') == [("A", None, "os.getenv", False)]


def test_dynamic_name_is_skipped():
    assert reads('import os\nA = os.getenv(name, "x")\n') == []


def test_presence_test_is_a_read():
    assert reads('import os\nif "SENTRY_DSN" in os.environ:\n    pass\n') == [("SENTRY_DSN", None, "os.environ", False)]


def test_setdefault_reads_with_default():
    assert reads('import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "app.settings")\n') == [
        ("DJANGO_SETTINGS_MODULE", "app.settings", "os.environ", False)]


def test_read_inside_function_and_class():
    src = 'import os\nclass A:\n    def f(self):\n        return os.environ["TOKEN"]\n'
    assert reads(src) == [("TOKEN", None, "os.environ", True)]


# --------------------------------------------------------------------------- django-environ, decouple

def test_django_environ_call_and_scheme_default():
    src = 'import environ\nenv = environ.Env(DEBUG=(bool, False))\nDEBUG = env("DEBUG")\nKEY = env("SECRET_KEY")\n'
    assert reads(src) == [("DEBUG", "False", "django-environ", False), ("SECRET_KEY", None, "django-environ", True)]


def test_django_environ_typed_methods():
    src = ('import environ\nenv = environ.Env()\nA = env.bool("DEBUG", default=True)\n'
           'B = env.str("ALLOWED", "localhost")\nC = env.int("PORT", default=8000)\nD = env.db()\n'
           'E = env.url("SENTRY_URL")\n')
    assert reads(src) == [("DEBUG", "True", "django-environ", False), ("ALLOWED", "localhost", "django-environ", False),
                          ("PORT", "8000", "django-environ", False), ("DATABASE_URL", None, "django-environ", True),
                          ("SENTRY_URL", None, "django-environ", True)]


def test_django_environ_call_positional_default_is_third():
    src = 'from environ import Env\nenv = Env()\nA = env("A", str, "x")\n'
    assert reads(src) == [("A", "x", "django-environ", False)]


def test_decouple_config():
    src = 'from decouple import config, Csv\nA = config("DEBUG", default=False, cast=bool)\nB = config("SECRET_KEY")\nC = config("HOSTS", cast=Csv())\n'
    assert reads(src) == [("DEBUG", "False", "decouple", False), ("SECRET_KEY", None, "decouple", True),
                          ("HOSTS", None, "decouple", True)]


def test_decouple_module_and_autoconfig():
    src = 'import decouple\nfrom decouple import AutoConfig\ncfg = AutoConfig(search_path=".")\nA = decouple.config("A", "1")\nB = cfg("B", default="b")\n'
    assert reads(src) == [("A", "1", "decouple", False), ("B", "b", "decouple", False)]


def test_config_not_from_decouple_is_not_a_read():
    assert reads('from app import config\nA = config("A", default="x")\n') == []


# --------------------------------------------------------------------------- pydantic-settings

SETTINGS = '''
from functools import lru_cache
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="APP_", env_file=".env")

    debug: bool = False
    environment: str = "development"
    redis_url: str = Field("redis://cache:6379/0", alias="REDIS_URL")
    secret_key: str
    sentry_dsn: str | None = None

    @property
    def is_production(self) -> bool:
        return self.environment == "production"

settings = Settings()

@lru_cache
def get_settings() -> Settings:
    return Settings()
'''


def test_settings_fields_are_reads():
    assert reads(SETTINGS, "app/config.py") == [
        ("APP_DEBUG", "False", "pydantic-settings", False),
        ("APP_ENVIRONMENT", "development", "pydantic-settings", False),
        ("REDIS_URL", "redis://cache:6379/0", "pydantic-settings", False),
        ("APP_SECRET_KEY", None, "pydantic-settings", True),
        ("APP_SENTRY_DSN", None, "pydantic-settings", False)]


def test_settings_bindings_for_class_instance_and_accessor():
    found = bindings(SETTINGS, "app/config.py")
    for owner in ("Settings", "settings", "get_settings()"):
        assert (owner, "debug", "APP_DEBUG", "False", None, None) in found
        assert (owner, "redis_url", "REDIS_URL", "redis://cache:6379/0", None, None) in found
        assert (owner, "is_production", "APP_ENVIRONMENT", "development", "==", "production") in found


def test_settings_binding_span_is_the_field():
    facts = scan(SETTINGS, "app/config.py").facts
    debug = next(f for f in facts if isinstance(f, ConfigBinding) and f.owner == "Settings" and f.attribute == "debug")
    assert (debug.span.line, debug.span.column) == (9, 5)


def test_settings_case_sensitive_and_validation_alias():
    src = ('from pydantic_settings import BaseSettings, SettingsConfigDict\nfrom pydantic import Field, AliasChoices\n'
           'class S(BaseSettings):\n    model_config = SettingsConfigDict(case_sensitive=True)\n'
           '    apiUrl: str = "x"\n    token: str = Field(validation_alias=AliasChoices("SERVICE_TOKEN", "TOKEN"))\n')
    assert reads(src) == [("apiUrl", "x", "pydantic-settings", False),
                          ("SERVICE_TOKEN", None, "pydantic-settings", True), ("TOKEN", None, "pydantic-settings", True)]


def test_settings_old_config_class_and_v1_env():
    src = ('from pydantic import BaseSettings, Field\nclass S(BaseSettings):\n    db_url: str = Field("x", env="DATABASE_URL")\n'
           '    port: int = 8000\n    class Config:\n        env_prefix = "SVC_"\n')
    assert reads(src) == [("DATABASE_URL", "x", "pydantic-settings", False), ("SVC_PORT", "8000", "pydantic-settings", False)]


def test_settings_class_keyword_prefix_and_default_factory():
    src = ('from pydantic_settings import BaseSettings\nfrom pydantic import Field\n'
           'class S(BaseSettings, env_prefix="X_"):\n    hosts: list[str] = Field(default_factory=list)\n'
           '    name: str = Field(...)\n    _private: int = 1\n')
    assert reads(src) == [("X_HOSTS", None, "pydantic-settings", False), ("X_NAME", None, "pydantic-settings", True)]


def test_settings_subclass_in_file_inherits_fields():
    src = ('from pydantic_settings import BaseSettings\nclass Base(BaseSettings):\n    debug: bool = False\n'
           'class Prod(Base):\n    workers: int = 4\nsettings = Prod()\n')
    found = bindings(src)
    assert ("settings", "debug", "DEBUG", "False", None, None) in found
    assert ("settings", "workers", "WORKERS", "4", None, None) in found


def test_plain_basemodel_is_not_settings():
    assert reads('from pydantic import BaseModel\nclass User(BaseModel):\n    name: str = "x"\n') == []


def test_classvar_is_not_a_field():
    src = 'from typing import ClassVar\nfrom pydantic_settings import BaseSettings\nclass S(BaseSettings):\n    X: ClassVar[int] = 1\n'
    assert reads(src) == []


def test_settings_self_reference_in_validator_resolves():
    src = SETTINGS.replace("    @property", "    def check(self):\n        if self.environment == \"local\":\n"
                                            "            pass\n\n    @property")
    assert ("APP_ENVIRONMENT", None, "==", "local", False) in branches(src)


# --------------------------------------------------------------------------- module-level bindings

def test_django_settings_module_binds_settings_owner():
    src = 'import environ\nenv = environ.Env()\nDEBUG = env.bool("DEBUG", default=True)\n'
    assert bindings(src, "mysite/settings.py") == {("settings", "DEBUG", "DEBUG", "True", None, None)}


def test_settings_package_binds_settings_and_module_name():
    src = 'import os\nDEBUG = os.getenv("DJANGO_DEBUG", "0") == "1"\n'
    assert bindings(src, "mysite/settings/base.py") == {
        ("base", "DEBUG", "DJANGO_DEBUG", "0", None, None), ("settings", "DEBUG", "DJANGO_DEBUG", "0", None, None)}


def test_module_binding_owner_is_module_name():
    assert bindings('import os\nREDIS_URL = os.getenv("REDIS_URL")\n', "app/config.py") == {
        ("config", "REDIS_URL", "REDIS_URL", None, None, None)}


def test_package_init_owner_is_package_name():
    assert bindings('import os\nX = os.getenv("X")\n', "app/conf/__init__.py") == {("conf", "X", "X", None, None, None)}


def test_derived_flag_binding():
    src = 'import os\nIS_PROD = os.getenv("ENVIRONMENT", "development") == "production"\n'
    assert bindings(src, "app/config.py") == {("config", "IS_PROD", "ENVIRONMENT", "development", "==", "production")}


def test_derived_flag_not_and_in():
    src = 'import os\nENV = os.getenv("APP_ENV", "dev")\nIS_DEV = ENV in ("dev", "local")\nIS_LIVE = not IS_DEV\n'
    found = bindings(src, "app/config.py")
    assert ("config", "IS_DEV", "APP_ENV", "dev", "==", "dev") in found
    assert ("config", "IS_LIVE", "APP_ENV", "dev", "!=", "dev") in found


def test_truthy_word_compare_is_a_plain_flag():
    src = 'import os\nDEBUG = os.getenv("DEBUG", "false").lower() in ("1", "true", "yes")\n'
    assert bindings(src, "app/config.py") == {("config", "DEBUG", "DEBUG", "false", None, None)}


# --------------------------------------------------------------------------- branches

def test_if_on_env_read_compare():
    assert branches('import os\nif os.getenv("APP_ENV") == "production":\n    pass\n') == [
        ("APP_ENV", None, "==", "production", False)]


def test_if_on_derived_flag_resolves():
    src = 'import os\nIS_PROD = os.getenv("ENVIRONMENT") == "production"\nif not IS_PROD:\n    pass\n'
    assert branches(src) == [("ENVIRONMENT", None, "!=", "production", False)]


def test_if_on_local_binding_in_function():
    src = 'import os\ndef create():\n    env = os.environ.get("FLASK_ENV", "production")\n    if env == "development":\n        pass\n'
    assert branches(src) == [("FLASK_ENV", None, "==", "development", False)]


def test_presence_check():
    assert branches('import os\nif os.getenv("SENTRY_DSN"):\n    pass\n') == [("SENTRY_DSN", None, "truthy", None, True)]


def test_presence_check_through_name():
    src = 'import os\nREDIS_URL = os.getenv("REDIS_URL")\nif not REDIS_URL:\n    pass\n'
    assert branches(src) == [("REDIS_URL", None, "falsy", None, True)]


def test_presence_in_environ():
    assert branches('import os\nif "X" not in os.environ:\n    pass\n') == [("X", None, "falsy", None, True)]


def test_debug_flag_truthy_is_not_presence():
    src = 'import environ\nenv = environ.Env()\nDEBUG = env.bool("DEBUG", default=False)\nif DEBUG:\n    pass\n'
    assert branches(src) == [("DEBUG", None, "truthy", None, False)]


def test_debug_compare_to_true_word_is_truthy():
    assert branches('import os\nif os.getenv("DEBUG", "0") == "1":\n    pass\n') == [("DEBUG", None, "truthy", None, False)]


def test_unresolved_settings_ref():
    assert branches('from django.conf import settings\nif settings.DEBUG:\n    pass\n') == [
        ("", "settings.DEBUG", "truthy", None, False)]


def test_ref_through_from_import_of_a_name():
    assert branches('from app.config import ENVIRONMENT\nif ENVIRONMENT == "local":\n    pass\n') == [
        ("", "config.ENVIRONMENT", "==", "local", False)]


def test_ref_through_import_alias():
    assert branches('from app.core.config import settings as cfg\nif cfg.ENVIRONMENT != "production":\n    pass\n') == [
        ("", "settings.ENVIRONMENT", "!=", "production", False)]


def test_ref_through_accessor_call():
    assert branches('from app.config import get_settings\nif get_settings().environment == "dev":\n    pass\n') == [
        ("", "get_settings().environment", "==", "dev", False)]


def test_ref_through_parameter_annotation():
    src = 'from app.config import Settings\ndef f(s: Settings):\n    if s.is_production:\n        pass\n'
    assert branches(src) == [("", "Settings.is_production", "truthy", None, False)]


def test_in_file_settings_instance_resolves():
    src = SETTINGS + 'if settings.environment in ("dev", "local"):\n    pass\nif get_settings().is_production:\n    pass\n'
    assert branches(src) == [("APP_ENVIRONMENT", None, "==", "dev", False), ("APP_ENVIRONMENT", None, "==", "production", False)]


def test_config_object_truthy_value_is_left_to_resolver():
    assert branches('from app.config import settings\nif settings.REDIS_URL:\n    pass\n') == [
        ("", "settings.REDIS_URL", "truthy", None, False)]


def test_non_environment_compare_is_not_a_branch():
    assert branches('def f(status):\n    if status == "live":\n        pass\n') == []
    assert branches('def f(mode):\n    mode = compute()\n    if mode == "test":\n        pass\n') == []


def test_non_env_attribute_truthy_is_not_a_branch():
    assert branches('if user.is_active:\n    pass\n') == []


def test_and_or_conditions_give_one_branch_each():
    src = 'import os\nfrom django.conf import settings\nif settings.DEBUG and os.getenv("APP_ENV") != "production":\n    pass\n'
    assert branches(src) == [("", "settings.DEBUG", "truthy", None, False), ("APP_ENV", None, "!=", "production", False)]


def test_conditional_expression():
    src = 'from app.config import settings\norigins = ["*"] if settings.DEBUG else ["https://app.example.com"]\n'
    b = branch(src)
    assert (b.ref, b.op, b.then_effects, b.else_effects) == ("settings.DEBUG", "truthy", (), ())
    assert b.then_summary == "uses a list allowing any origin"


def test_and_as_statement():
    src = 'from app.config import settings\nsettings.DEBUG and app.add_middleware(DebugToolbarMiddleware)\n'
    b = branch(src)
    assert (b.ref, b.op, b.then_summary) == ("settings.DEBUG", "truthy", "adds DebugToolbar middleware")


def test_or_fallback_on_binding_is_not_a_branch():
    src = 'import os\nURL = os.getenv("URL")\nTARGET = URL or "https://example.com"\n'
    assert branches(src) == []


def test_match_statement():
    src = ('import os\nmatch os.getenv("APP_ENV", "dev"):\n    case "production":\n        verify = True\n'
           '    case "dev" | "local":\n        verify = False\n    case _:\n        pass\n')
    found = [f for f in scan(src).facts if isinstance(f, EnvBranch)]
    assert [(f.subject, f.op, f.value) for f in found] == [("APP_ENV", "==", "production"), ("APP_ENV", "==", "dev")]
    assert found[1].then_effects == ("tls-off",) and found[0].else_effects == ("tls-off",)


def test_elif_chain_is_the_else_arm():
    src = ('import os\nENV = os.getenv("ENVIRONMENT")\nif ENV == "production":\n    x = 1\n'
           'elif ENV == "staging":\n    x = 2\nelse:\n    app.add_middleware(CORSMiddleware, allow_origins=["*"])\n')
    found = [f for f in scan(src).facts if isinstance(f, EnvBranch)]
    assert [(f.value, f.then_effects, f.else_effects) for f in found] == [
        ("production", (), ("cors-open",)), ("staging", (), ("cors-open",))]


# --------------------------------------------------------------------------- effects

def effects(body: str, function: str | None = None, orelse: str | None = None) -> EnvBranch:
    lines = ["from app.config import settings"]
    indent = "    "
    if function:
        lines.append(f"def {function}(token=None, request=None):")
        lines.append(indent + "if settings.ENVIRONMENT != \"production\":")
        pad = indent * 2
    else:
        lines.append("if settings.ENVIRONMENT != \"production\":")
        pad = indent
    lines += [pad + line for line in textwrap.dedent(body).strip().splitlines()]
    if orelse:
        lines.append(pad[:-4] + "else:")
        lines += [pad + line for line in textwrap.dedent(orelse).strip().splitlines()]
    return branch("\n".join(lines) + "\n")


@pytest.mark.parametrize("body, tag", [
    ("app.add_middleware(CORSMiddleware, allow_origins=['*'])", "cors-open"),
    ("CORS_ALLOW_ALL_ORIGINS = True", "cors-open"),
    ("CORS(app)", "cors-open"),
    ("r = httpx.get(url, verify=False)", "tls-off"),
    ("ctx.verify_mode = ssl.CERT_NONE", "tls-off"),
    ("conn = await asyncpg.connect(dsn, ssl=False)", "tls-off"),
    ("ctx = ssl._create_unverified_context()", "tls-off"),
    ("app = FastAPI(debug=True)", "debug-mode"),
    ("DEBUG = True", "debug-mode"),
    ("app.debug = True", "debug-mode"),
    ("raise HTTPException(status_code=500, detail=str(exc))", "stack-trace"),
    ("return JSONResponse({'error': traceback.format_exc()})", "stack-trace"),
    ("response.set_cookie('session', value, secure=False)", "insecure-cookie"),
    ("SESSION_COOKIE_SECURE = False", "insecure-cookie"),
    ("app.include_router(debug_router)", None),
])
def test_arm_effect(body, tag):
    b = effects(body)
    assert b.then_effects == ((tag,) if tag else ())


def test_logged_exception_is_not_a_stack_trace():
    assert effects("logger.error('failed: %s', str(exc))").then_effects == ()


@pytest.mark.parametrize("function, body, tag, summary", [
    ("verify_token", "return True", "auth-bypass", "returns True"),
    ("verify_token", "return", "auth-bypass", "returns early"),
    ("get_current_user", "return {'id': 'dev-user', 'role': 'admin'}", "auth-bypass", "returns a mock user"),
    ("get_current_user", "return MOCK_USER", "auth-bypass", "returns a mock user"),
    ("get_current_user", "return User(id=1, email='dev@example.com')", "auth-bypass", "returns a mock user"),
    ("get_current_user", "return await decode_user(token)", None, "returns a value"),
    ("list_items", "return True", None, "returns True"),
    ("authenticate", "if token == settings.A2A_ALLOWED_KEY:\n    return principal", "credential-fallback", "checks a nested condition"),
    ("authenticate", "if token == 'dev-token':\n    return principal", "credential-fallback", "checks a nested condition"),
])
def test_auth_arm(function, body, tag, summary):
    b = effects(body, function=function)
    assert (b.then_effects, b.then_summary) == (((tag,) if tag else ()), summary)


def test_auth_dependency_skipped_in_one_arm():
    src = ('from app.config import settings\nfrom fastapi import Depends\n'
           'deps = [] if settings.DEBUG else [Depends(verify_token)]\n')
    b = branch(src)
    assert (b.then_effects, b.else_effects) == (("auth-bypass",), ())


def test_auth_only_in_production_then_arm():
    src = ('from app.config import settings\nif settings.ENVIRONMENT == "production":\n'
           '    app.include_router(api, dependencies=[Depends(require_auth)])\nelse:\n    app.include_router(api)\n')
    b = branch(src)
    assert (b.then_effects, b.else_effects) == ((), ("auth-bypass",))


def test_auth_middleware_only_in_production_without_else():
    src = 'from app.config import settings\nif settings.is_production:\n    app.add_middleware(AuthMiddleware)\n'
    b = branch(src)
    assert (b.then_effects, b.else_effects, b.then_summary) == ((), ("auth-bypass",), "adds Auth middleware")


def test_route_in_arm():
    src = ('from app.config import settings\nif settings.DEBUG:\n    @app.post("/debug/seed")\n'
           '    def seed():\n        return {}\n')
    b = branch(src)
    assert (b.then_effects, b.then_summary) == (("route", "unauthenticated-route"), "registers route `/debug/seed`")


def test_guarded_route_in_arm():
    src = ('from app.config import settings\nif settings.DEBUG:\n    @app.post("/debug/seed", dependencies=[Depends(require_admin)])\n'
           '    def seed():\n        return {}\n')
    assert branch(src).then_effects == ("route",)


def test_summary_of_settings_assignments():
    b = effects("DEBUG = True\nALLOWED_HOSTS = ['*']\nX = 1")
    assert b.then_summary == "sets `DEBUG` to True, sets `ALLOWED_HOSTS` to allow any origin, …"


def test_summary_never_quotes_a_string():
    b = branch('import os\nTOKEN = "s3cr3t-value" if os.getenv("APP_ENV") == "dev" else os.environ["TOKEN"]\n')
    assert "s3cr3t" not in b.then_summary + b.else_summary


# --------------------------------------------------------------------------- literals

def test_local_endpoint_constant():
    assert literals('DB_URL = "postgres://postgres:postgres@localhost:5432/app"\n') == [
        ("postgres://postgres:postgres@localhost:5432/app", "value", "DB_URL")]


def test_env_default_is_not_a_literal_fact():
    assert literals('import os\nA = os.getenv("A", "http://localhost:8000")\nB = os.getenv("B") or "http://127.0.0.1"\n') == []


def test_settings_field_default_is_not_a_literal_fact():
    assert literals('from pydantic_settings import BaseSettings\nclass S(BaseSettings):\n    url: str = "http://localhost"\n') == []


def test_constant_used_as_default_is_the_reads_not_a_literal():
    src = 'import os\nDEFAULT = "redis://localhost:6379"\nA = os.getenv("A", DEFAULT)\n'
    assert literals(src) == []
    assert reads(src) == [("A", "redis://localhost:6379", "os.getenv", False)]


def test_constant_not_used_as_default_is_a_literal():
    assert literals('DEFAULT = "redis://localhost:6379"\n') == [("redis://localhost:6379", "value", "DEFAULT")]


@pytest.mark.parametrize("src, context, target", [
    ('uvicorn.run(app, host="0.0.0.0", port=8000)\n', "bind", "host"),
    ('app.run(host="127.0.0.1", debug=True)\n', "bind", "host"),
    ('sock.bind(("0.0.0.0", 9000))\n', "bind", None),
    ('subprocess.run(["uvicorn", "main:app", "--host", "0.0.0.0"])\n', "bind", None),
    ('bind = "0.0.0.0:8000"\n', "bind", "bind"),
    ('HOST = "0.0.0.0"\n', "bind", "HOST"),
    ('if origin == "http://localhost:3000":\n    pass\n', "compare", "origin"),
    ('if url.startswith("http://localhost"):\n    pass\n', "compare", "url"),
    ('parts = urlsplit("http://localhost" + path)\n', "url-base", None),
    ('logger.info("http://localhost:8000")\n', "log", None),
    ('print("http://localhost:8000")\n', "log", None),
    ('client = Redis(host="localhost", port=6379)\n', "value", "host"),
    ('CONF = {"broker_url": "amqp://localhost:5672"}\n', "value", "broker_url"),
    ('def connect(url="http://localhost:9200"):\n    pass\n', "value", "url"),
    ('CORS_ORIGINS = ["http://localhost:3000", "https://app.example.com"]\n', "value", "CORS_ORIGINS"),
    ('self.base_url = "http://localhost:4000"\n', "value", "base_url"),
    ('MAP = {"http://localhost:3000": 1}\n', "key", None),
])
def test_literal_context(src, context, target):
    found = literals(src)
    assert found and all((c, t) == (context, target) for _, c, t in found), found


def test_fstring_with_local_host_is_a_literal():
    assert literals('URL = f"http://localhost:{PORT}/api"\n') == [("http://localhost:{PORT}/api", "value", "URL")]


@pytest.mark.parametrize("src", [
    'ALLOWED_HOSTS = ["localhost", "127.0.0.1", ".example.com"]\n',
    'RESERVED = {"www", "localhost", "mail"}\n',
    'raise RuntimeError("http://localhost:6420")\n',
])
def test_word_lists_and_errors_are_not_values(src):
    assert [c for _, c, _ in literals(src)] in ([], ["log"])


def test_positional_argument_target_is_the_callee():
    assert literals('client = Redis.from_url("redis://localhost:6379")\n') == [
        ("redis://localhost:6379", "value", "from_url")]


def test_prose_mentioning_localhost_is_not_a_literal():
    assert literals('MSG = "start the server on localhost first"\n') == []


def test_docstrings_and_comments_are_not_facts():
    src = '"""Connect to http://localhost:8000."""\n# DB = "postgres://localhost/db"\ndef f():\n    """Use http://127.0.0.1."""\n'
    assert scan(src).facts == ()


def test_secret_compare_literal():
    assert literals('def check(token):\n    if token == "dev-token":\n        return True\n') == [
        ("dev-token", "compare", "token")]


def test_secret_compare_header_and_in():
    src = 'if request.headers["X-API-Key"] in ("dev-key", "test-key"):\n    pass\n'
    assert literals(src) == [("dev-key", "compare", "X-API-Key"), ("test-key", "compare", "X-API-Key")]


def test_secret_compare_digest():
    assert literals('ok = hmac.compare_digest(api_token, "local-token")\n') == [("local-token", "compare", "api_token")]


@pytest.mark.parametrize("src", [
    'if key == "name":\n    pass\n',
    'if password == "":\n    pass\n',
    'if hashed_password.startswith("$2b$"):\n    pass\n',
    'if token_type == "bearer":\n    pass\n',
])
def test_not_a_secret_compare(src):
    assert literals(src) == []


def test_strings_in_tests_are_facts():
    assert literals('def test_x():\n    assert url == "http://localhost:8000"\n', "tests/test_x.py") == [
        ("http://localhost:8000", "compare", "url")]


def test_extra_local_hosts():
    options = ExtractOptions("python", frozenset({"devbox.internal"}))
    found = [f for f in scan('URL = "http://devbox.internal:8080"\n', options=options).facts if isinstance(f, Literal)]
    assert [(f.value, f.target) for f in found] == [("http://devbox.internal:8080", "URL")]


# --------------------------------------------------------------------------- images

def test_image_constant():
    assert images('OPENCODE_IMAGE = "growqr/opencode:dev"\n') == [("growqr/opencode:dev", "growqr/opencode", "dev", "code")]


def test_image_env_default_and_keyword():
    src = 'import os\nA = os.getenv("WORKER_IMAGE", "ghcr.io/org/worker:latest")\nrun(image="redis")\n'
    assert images(src) == [("ghcr.io/org/worker:latest", "ghcr.io/org/worker", "latest", "code"),
                           ("redis", "redis", None, "code")]


def test_image_settings_field():
    src = 'from pydantic_settings import BaseSettings\nclass S(BaseSettings):\n    sandbox_image: str = "python:3.12-slim"\n'
    assert images(src) == [("python:3.12-slim", "python", "3.12-slim", "code")]


def test_non_image_target_is_not_an_image():
    assert images('NAME = "growqr/opencode:dev"\n') == []


# --------------------------------------------------------------------------- spans and imports

def test_spans_are_one_based_code_points_end_exclusive():
    facts = scan('import os\nx = "é"; A = os.getenv("A")\n').facts
    read = next(f for f in facts if isinstance(f, EnvRead))
    assert (read.span.line, read.span.column, read.span.end_line, read.span.end_column) == (2, 14, 2, 28)


def test_imports_name_the_module_file():
    result = scan('import os\nfrom .config import settings\nfrom ..core import deps as d\n', "app/api/routes.py")
    assert result.imports == (("os", "os"), ("settings", "app/api/config"), ("d", "app/core"))


def test_absolute_imports_find_their_source_root():
    src = 'from app.core.config import settings\nimport app.db as db\nfrom django.conf import settings as s\n'
    assert scan(src, "services/interview/app/api/routes.py").imports == (
        ("settings", "services/interview/app/core/config"), ("db", "services/interview/app/db"),
        ("s", "django/conf"))


# --------------------------------------------------------------------------- config uses

def uses(src: str, path: str = "app/main.py") -> list[tuple]:
    return [(f.ref, f.default, f.default_span.line if f.default_span else None)
            for f in scan(src, path).facts if isinstance(f, ConfigUse)]


def test_config_use_of_imported_settings():
    src = 'from app.config import settings\nredis = Redis.from_url(settings.REDIS_URL)\nsettings.configure()\n'
    assert uses(src) == [("settings.REDIS_URL", None, None)]


def test_config_use_with_or_default_and_getattr():
    src = ('from django.conf import settings\nA = settings.API_URL or "https://api"\n'
           'B = getattr(settings, "TIMEOUT", 30)\n')
    assert uses(src) == [("settings.API_URL", "https://api", 2), ("settings.TIMEOUT", "30", 3)]


def test_config_use_of_accessor_and_module_constant():
    src = ('from app.core.config import get_settings\nfrom app.config import REDIS_URL\n'
           'url = get_settings().redis.url\nclient = connect(REDIS_URL)\n')
    assert uses(src) == [("get_settings().redis.url", None, None), ("config.REDIS_URL", None, None)]


def test_no_config_use_for_other_objects_or_stores():
    src = 'import os\nfrom app import models\nx = models.User\nfrom django.conf import settings\nsettings.DEBUG = True\n'
    assert uses(src) == []


# --------------------------------------------------------------------------- arm regions

def test_arm_spans():
    src = 'import os\nif os.getenv("APP_ENV") == "dev":\n    a = 1\nelse:\n    b = 2\n'
    b = branch(src)
    assert (b.then_span.line, b.then_span.end_line, b.else_span.line) == (3, 3, 4)


def test_statements_after_an_exiting_if_are_the_else_arm():
    src = ('from app.config import settings\ndef get_current_user(token):\n'
           '    if settings.ENVIRONMENT != "production":\n        return {"id": "dev-user"}\n'
           '    user = verify_clerk_token(token)\n    return user\n')
    b = branch(src)
    assert (b.then_effects, b.else_summary, b.else_span.line, b.else_span.end_line) == (
        ("auth-bypass",), "sets `user`, returns `user`", 5, 6)


# --------------------------------------------------------------------------- pre-filter and bad input

def test_prefilter_skips_files_without_triggers():
    assert not frontend.could_have_facts("def add(a, b):\n    return a + b\n")
    assert frontend.could_have_facts("x = 'http://127.0.0.1'\n")


@pytest.mark.parametrize("src", [
    # an environment word inside other names: a mock argument, a time zone, a helper module
    "def test_notify(self, mock_post):\n    mock_post.return_value.status_code = 200\n",
    'ZONES = {"MST7MDT": "America/Denver"}\n',
    "from app.testing_utils import make_user\nuser = make_user(name='Devon')\n",
    # a settings object named only by the test decorator that overrides it
    "@override_settings(SITE_NAME='x')\ndef test_title(self):\n    assert True\n",
])
def test_prefilter_skips_look_alikes(src):
    assert not frontend.could_have_facts(src)


@pytest.mark.parametrize("src", [
    # a credential's name beside comparisons that hold no literal, or loops over lists
    "def test_create(self):\n    r = self.post({'api_key': 'X'})\n    assert Check.objects.count() == 1\n",
    "def test_tokens(self):\n    for name in ['token', 'secret']:\n        self.assertIn(name, r.json())\n",
    "def check(token, expected):\n    return token != None and token == expected\n",
    'def test_meta(data, meta):\n    assert data["token"] == meta\n    assert data == {meta: 1}\n',
    # pictures, not container images: no name or key ends in image or img
    "def thumbs(product):\n    return [i.image_url for i in product.images.all()]\n",
    'def upload(self):\n    self.client.post(url, {"file": f}, content_type="image/png")\n',
])
def test_prefilter_skips_credential_look_alikes(src):
    assert not frontend.could_have_facts(src)


@pytest.mark.parametrize("src", [
    'IMAGE = "redis:7"\n',
    'base_image: str = "ghcr.io/acme/api:dev"\n',
    'SERVICES = {"docker-image": "postgres:latest"}\n',
    'def run(img="node:latest"):\n    pass\n',
])
def test_prefilter_keeps_image_names(src):
    assert frontend.could_have_facts(src)
    assert images(src)


@pytest.mark.parametrize("src", [
    # a test helper mixin, a model flag ending in _required, a form handed the request
    "class TestDocs(DirectoriesMixin, APITestCase):\n    def test_list(self):\n        self.client.get('/api/x/')\n",
    "def test_variant(variant):\n    assert variant.is_shipping_required\n",
    "class DocForm(Form):\n    def __init__(self, request=None):\n        super().__init__(request.POST)\n",
])
def test_route_prefilter_skips_look_alikes(src):
    assert not _py_routes.wanted(src)


@pytest.mark.parametrize(("src", "kind"), [
    ("@login_required\ndef index(request):\n    return render(request)\n", "auth"),
    ("class Panel(LoginRequiredMixin, View):\n    pass\n", "auth"),
    # a guard base without Mixin in its name, beside a mixin that is no guard (pretalx)
    ("class EventWizard(PermissionRequired, SensibleBackWizardMixin, SessionWizardView):\n"
     "    permission_required = 'event.create_event'\n", "admin"),
    ("class Panel(HelperMixin, View):\n    def get(self, request):\n        if request.user.role != 'admin':\n"
     "            raise PermissionDenied\n        return render(request)\n", "admin"),
    ("@staff_member_required\ndef panel(request):\n    return None\n", "admin"),
    ("def debug_view(request):\n    if not settings.DEBUG:\n        raise Http404\n    return HttpResponse('ok')\n",
     "environment"),
])
def test_route_prefilter_keeps_guards(src, kind):
    assert _py_routes.wanted(src)
    assert kind in [f.kind for f in scan(src, "app/views.py").facts if isinstance(f, GuardDef)]


def test_route_prefilter_reads_decorators_over_lines():
    assert _py_routes.wanted("@method_decorator(\n    login_required,\n    name='dispatch',\n)\nclass Panel(View):\n    pass\n")


def test_a_settings_fixture_alone_is_not_parsed(monkeypatch):
    """pytest-django's ``settings`` fixture, set and passed but never tested: the file passes the
    literal filter (a settings object is a trigger), and ``extract`` stops before libcst."""
    src = "def test_flag(settings, client):\n    settings.FEATURE_X = True\n    assert client.get('/').status_code == 200\n"
    assert frontend.could_have_facts(src)

    def no_parse(source):
        raise AssertionError("parsed")

    monkeypatch.setattr(frontend, "parse_unvalidated", no_parse)
    assert scan(src, "app/tests/test_flags.py").facts == ()


@pytest.mark.parametrize(("src", "path", "kind"), [
    ("def test_x(settings):\n    if settings.DEBUG:\n        run()\n", "app/tests/test_a.py", EnvBranch),
    ("def pick(settings):\n    return fast() if settings.DEBUG else slow()\n", "app/tests/test_a.py", EnvBranch),
    ("def boot(settings):\n    settings.DEBUG and seed()\n", "app/tests/test_a.py", EnvBranch),
    ("from django.conf import settings\nurl = settings.SITE_URL\n", "app/tests/test_a.py", ConfigUse),
])
def test_settings_that_can_give_a_fact_are_parsed(src, path, kind):
    assert frontend._settings_matter(ast.parse(src), path)
    assert any(isinstance(f, kind) for f in scan(src, path).facts)


def test_credential_compare_filter_reads_a_bounded_window():
    """Past its window the filter says yes (the file is parsed): a literal far into a long tuple,
    and brackets nested past the window, which it once rescanned from every operator."""
    assert frontend._compares_with_literal("token == (" + "a, " * 200 + "'dev')")
    assert frontend._compares_with_literal("x == (" * 8000)
    assert not frontend._compares_with_literal("x == (a) " * 20000)


@pytest.mark.parametrize(("src", "value"), [
    ('def ok(token):\n    return token == "dev-token"\n', "dev-token"),
    ('def ok(api_key):\n    return "local-key" == api_key\n', "local-key"),
    ('def ok(secret):\n    return secret in ("s3cr3t", "letmein")\n', "s3cr3t"),
    ('def ok(password):\n    return (\n        password\n        == r"hunter2"\n    )\n', "hunter2"),
    ('def ok(token):\n    return [t for t in TOKENS if token in ["dev-token"]]\n', "dev-token"),
])
def test_prefilter_keeps_literal_credential_compares(src, value):
    assert frontend.could_have_facts(src)
    assert value in [lit[0] for lit in literals(src)]  # and the parse finds the compare


@pytest.mark.parametrize("src", [
    "if DEBUG:\n    run()\n",
    "if app.debug:\n    run()\n",
    "if IS_PROD:\n    run()\n",
    "if settings.SITE_ROOT:\n    run()\n",
    'if env == "qa":\n    run()\n',
    "MODE = load()\n",
])
def test_prefilter_keeps_subjects(src):
    assert frontend.could_have_facts(src)


def test_names_defined_from_the_environment_keep_their_uses():
    # ``envint`` reads os.environ, LIMIT comes from it, and the branch on LIMIT is kept.
    src = ('import os\ndef envint(name, default):\n    return int(os.getenv(name, default))\n'
           'LIMIT = envint("LIMIT", "10")\nif LIMIT and LIMIT > 5:\n    MAX = LIMIT\n')
    assert frontend.reduce_source(src, ast.parse(src)) == src


def test_names_imported_from_settings_keep_their_uses():
    src = ("from app.settings import SYNC_TIMEOUT\nfrom app.helpers import build\n"
           "def call():\n    return build(timeout=SYNC_TIMEOUT)\ndef other():\n    return 1\n")
    reduced = frontend.reduce_source(src, ast.parse(src))
    assert "timeout=SYNC_TIMEOUT" in reduced and "return 1" not in reduced


def test_methods_that_only_name_their_own_class_are_dropped():
    src = ("import os\nclass Query:\n    url = os.environ.get('LOOKUP_URL')\n"
           "    def again(self):\n        return super(Query, self).again()\n"
           "    def local(self):\n        return self.url or 'http://localhost:53'\n")
    reduced = frontend.reduce_source(src, ast.parse(src))
    assert "super(Query" not in reduced and "LOOKUP_URL" in reduced and "localhost:53" in reduced


def test_nested_settings_config_class_is_read_whatever_the_class_is_called():
    # Nothing in ``class Config`` is a trigger, and the outer name occurs nowhere in it.
    src = ('from pydantic import BaseSettings, Field\nclass AppSettings(BaseSettings):\n'
           '    db_url: str = Field("x", env="DATABASE_URL")\n    port: int = 8000\n'
           '    def describe(self):\n        return "settings"\n    class Config:\n        env_prefix = "SVC_"\n')
    assert reads(src) == [("DATABASE_URL", "x", "pydantic-settings", False), ("SVC_PORT", "8000", "pydantic-settings", False)]


def test_prefilter_skips_parse(monkeypatch):
    monkeypatch.setattr(frontend, "nesting_problem", lambda text: pytest.fail("parsed"))
    assert scan("def add(a, b):\n    return a + b\n") == FileFacts("app/main.py")


def test_python2_is_a_parse_error():
    result = scan('import os\nprint "DATABASE_URL", os.environ["DATABASE_URL"]\n')
    assert result.facts == ()
    (code, message), = result.diagnostics
    assert code == "parse-error" and "line 2" in message


def test_syntax_error_is_a_parse_error():
    (code, message), = scan('import os\nX = os.getenv("A"\n\ndef f(:\n    pass\n').diagnostics
    assert code == "parse-error" and "line" in message


def test_a_script_is_reduced_and_keeps_its_main_check(monkeypatch):
    src = ('import os\n\ndef helper(x):\n    return [i * 2 for i in x]\n\n'
           'def main():\n    print(helper([1]))\n\nDB = os.getenv("DB", "sqlite://")\n\n'
           'if __name__ == "__main__":\n    main()\n')
    parsed = []
    import libcst
    real = libcst.parse_module
    monkeypatch.setattr(libcst, "parse_module", lambda source: parsed.append(source) or real(source))
    facts = scan(src).facts
    assert {type(f).__name__ for f in facts} == {"ConfigBinding", "EnvRead", "Script"}
    assert "helper" not in parsed[0] and 'if __name__ == "__main__":' in parsed[0]


def test_python_314_except_without_parentheses_still_parses():
    # ``except A, B:`` is Python 2 to ``ast`` before 3.14, and valid again in 3.14 (PEP 758).
    src = 'import os\ntry:\n    pass\nexcept ValueError, TypeError:\n    pass\nA = os.getenv("A", "1")\n'
    assert reads(src) == [("A", "1", "os.getenv", False)]


def test_newer_syntax_still_parses():
    src = 'import os\ntype Url = str\ndef f[T](x: T) -> T:\n    return x\nA = os.getenv("A", "1")\n'
    assert reads(src) == [("A", "1", "os.getenv", False)]


@pytest.mark.parametrize("src", [
    "import os  # getenv\nx = " + "(" * 5000 + "1" + ")" * 5000 + "\n",
    "import os  # getenv\nx = " + "[" * 3000 + "]" * 3000 + "\n",
    "import os  # getenv\nx = " + " + ".join(["1"] * 20000) + "\n",
    "import os  # getenv\nx = a" + ".b" * 5000 + "\n",
    "import os  # getenv\nx = " + "not " * 5000 + "y\n",
    "import os  # getenv\nx = f" + "()" * 5000 + "\n",
    "print 'env'\nx = " + "(" * 5000 + "1" + ")" * 5000 + "\n",
    "type X = int  # getenv\nx = " + " + ".join(["1"] * 20000) + "\n",
    # Flat in ast, nested pairwise in libcst (20,000 operands crashed its native parser).
    "import os  # getenv\nx = " + " and ".join(["a"] * 300) + "\n",
    "import os  # getenv\nx = (" + " or ".join(["a"] * 300) + ")\n",
    "type X = int  # getenv\nx = " + " and ".join(["a"] * 1000) + "\n",
])
def test_deep_nesting_is_a_diagnostic(src):
    result = scan(src)
    assert result.facts == ()
    assert [code for code, _ in result.diagnostics] == ["too-deep"]


def test_moderate_nesting_still_parses():
    src = "import os\nA = os.getenv('A', 'x')\nx = " + "(" * 90 + "1" + ")" * 90 + "\ny = " + " + ".join(["'a'"] * 90) + "\n"
    assert reads(src) == [("A", "x", "os.getenv", False)]


def test_recursion_limit_is_restored():
    import sys
    before = sys.getrecursionlimit()
    scan('import os\nA = os.getenv("A")\n')
    assert sys.getrecursionlimit() == before


def test_nul_bytes_do_not_crash():
    result = scan('import os\nA = os.getenv("A")\x00\n')
    assert all(code in {"parse-error", "too-deep"} for code, _ in result.diagnostics)


def test_registered_for_python_kind():
    from scanner.languages import FRONTENDS
    assert FRONTENDS["python"] == "python"


@pytest.mark.parametrize("src, context, target", [
    ('HOST = CONF.get("HOST", "localhost")\n', "value", "HOST"),
    ('IPS = getattr(configuration, "INTERNAL_IPS", "127.0.0.1:8000")\n', "value", "INTERNAL_IPS"),
    ('httpd = HTTPServer(("localhost", port), Handler)\n', "bind", None),
    ('server = make_server("127.0.0.1", 8000, app)\n', "bind", None),
])
def test_literal_context_of_lookups_and_servers(src, context, target):
    found = literals(src)
    assert found and all((c, t) == (context, target) for _, c, t in found), found


@pytest.mark.parametrize("src", [
    'FRONT_IMAGE = "front.png"\n',
    'ALLOWED = {"img": {"alt", "src", "title"}}\n',
    'image = "image-attachments/site_1.jpg"\n',
])
def test_not_an_image(src):
    assert images(src) == []


@pytest.mark.parametrize("src", [
    'if backend_class.is_local:\n    pass\n',
    'if _is_parallel_test_run():\n    pass\n',
    'if app_config.path:\n    pass\n',
])
def test_not_a_branch(src):
    assert branches(src) == []


def test_check_function_is_not_an_auth_function():
    src = ('from django.conf import settings\ndef check_for_new_releases(self):\n    if settings.ISOLATED_DEPLOYMENT:\n'
           '        return\n')
    assert branch(src).then_effects == ()


def test_in_file_env_helper_reads_for_its_callers():
    src = ('import os\ndef get_bool_from_env(name, default_value):\n    value = os.environ.get(name)\n'
           '    return default_value if value is None else value.lower() == "true"\n'
           'DEBUG = get_bool_from_env("DEBUG", True)\nif DEBUG:\n    pass\n')
    assert reads(src) == [("DEBUG", "True", "os.environ", False)]
    assert branches(src) == [("DEBUG", None, "truthy", None, False)]


def test_env_helper_with_default_parameter():
    src = 'import os\ndef env(key, fallback=None):\n    return os.getenv(key, fallback)\nURL = env("API_URL", "https://x")\n'
    assert reads(src) == [("API_URL", "https://x", "os.getenv", False)]


@pytest.mark.parametrize("src", [
    'if site.settings.enable_account_confirmation:\n    pass\n',
    'if image.mode != "RGB":\n    pass\n',
    'class A:\n    def f(self):\n        if self.is_local_collection_point:\n            pass\n',
])
def test_not_a_branch_on_objects(src):
    assert branches(src) == []


def test_self_settings_and_flask_config_are_config_objects():
    assert branches('class S:\n    def f(self):\n        if self.settings.DEBUG:\n            pass\n') == [
        ("", "self.settings.DEBUG", "truthy", None, False)]
    assert branches('if app.config["ENV"] == "development":\n    pass\n') == [
        ("", "app.config.ENV", "==", "development", False)]


def test_dict_key_compare_is_not_a_credential():
    assert literals('if value_key == "reference":\n    pass\n') == []
    assert literals('if a2a_allowed_key == "dev-a2a-key":\n    pass\n') == [("dev-a2a-key", "compare", "a2a_allowed_key")]


def test_dj_database_url():
    src = ('import dj_database_url\nDATABASES = {"default": dj_database_url.config(default="postgres://u:p@db:5432/app", '
           'conn_max_age=600)}\nB = dj_database_url.config(env="REPLICA_URL")\n')
    assert reads(src) == [("DATABASE_URL", "postgres://u:p@db:5432/app", "dj-database-url", False),
                          ("REPLICA_URL", None, "dj-database-url", False)]
    assert literals(src.replace("db:5432", "localhost:5432")) == []


def test_enum_value_is_not_an_image():
    assert images('NOT_PRODUCTS_IMAGE = "not_products_image"\n') == []


ENUM_SETTINGS = '''
from enum import StrEnum
from pydantic_settings import BaseSettings

class Environment(StrEnum):
    development = "development"
    sandbox = "sandbox"
    production = "production"

class Settings(BaseSettings):
    ENV: Environment = Environment.development

    def is_production(self) -> bool:
        return self.ENV == Environment.production

settings = Settings()
'''


def test_enum_default_and_method_flag():
    assert reads(ENUM_SETTINGS) == [("ENV", "development", "pydantic-settings", False)]
    assert ("settings", "is_production", "ENV", "development", "==", "production") in bindings(ENUM_SETTINGS)
    src = ENUM_SETTINGS + 'if settings.ENV in {Environment.sandbox, Environment.development}:\n    pass\n' \
        'if not settings.is_production():\n    pass\n'
    assert branches(src) == [("ENV", None, "==", "sandbox", False), ("ENV", None, "!=", "production", False)]


def test_enum_compare_and_flag_method_across_files():
    src = ('from polar.config import Environment, settings\nif settings.ENV == Environment.development:\n    pass\n'
           'if settings.is_development():\n    pass\nif settings.configure():\n    pass\n')
    assert branches(src) == [("", "settings.ENV", "==", "development", False),
                             ("", "settings.is_development()", "truthy", None, False)]


def test_mode_parameter_compared_with_a_non_environment_is_not_a_branch():
    assert branches('def f(mode):\n    if mode == "partial":\n        pass\n') == []
    assert branches('def f(env):\n    if env == "local":\n        pass\n') == [("", "env", "==", "local", False)]


@pytest.mark.parametrize("src", [
    'LOCALHOST_HOSTS = {"localhost", "127.0.0.1", "0.0.0.0", "[::1]"}\n',
    'domain: str = Field(examples=["localhost:3000"], description="http://localhost:3000")\n',
    'if token == "No token found":\n    pass\n',
])
def test_more_look_alikes(src):
    assert [c for _, c, _ in literals(src)] in ([], ["log"], ["log", "log"])


def test_json_schema_default_is_not_a_value():
    src = 'SCHEMA = {"properties": {"host": {"type": "string", "default": "127.0.0.1"}}}\n'
    assert [c for _, c, _ in literals(src)] == ["log"]


def test_refusing_guard_clause_is_not_an_auth_bypass():
    src = ('from app.config import settings\ndef login(org_slug=None):\n    if not settings.LDAP_LOGIN_ENABLED:\n'
           '        return redirect(url_for("index"))\n    user = authenticate_ldap_user(request.form)\n    return user\n')
    assert branch(src).then_effects == ()


# --------------------------------------------------------------------------- hostile input

from hypothesis import given, settings, strategies as st  # noqa: E402

FRAGMENTS = ["import os\n", "os.getenv(", "os.environ[", '"X"', '"http://localhost:1"', ", ", ")", "]", "(", "[",
             "if ", "settings.DEBUG", " == ", '"production"', ":\n", "    ", "return True\n", "else:\n", "not ",
             " or ", " and ", "class S(BaseSettings):\n", "x: str = ", "def f(token):\n", "match x:\n",
             "case ", "\n", "\t", "\\", "'", '"""', "#", "f'{", "}'", "é", "\u2028", "lambda: ", "@app.get('/x')\n"]


@settings(max_examples=80, deadline=None)
@given(st.lists(st.sampled_from(FRAGMENTS), max_size=40).map("".join))
def test_any_text_gives_facts_or_a_diagnostic(text: str) -> None:
    result = scan(text)
    for fact in result.facts:
        assert fact.span.line >= 1 and fact.span.column >= 1
        assert (fact.span.end_line, fact.span.end_column) >= (fact.span.line, fact.span.column)
    assert all(code in {"parse-error", "too-deep"} for code, _ in result.diagnostics)


# --------------------------------------------------------------------------- positions

POSITIONS_SRC = '''import os

@app.get("/seed-demo")
@requires_admin
def seed(request, name: str = "x") -> dict:
    if os.getenv("APP_ENV") == "dev":
        return {"a": [1, 2, (3, 4)]}
    return {}


class View(LoginRequiredMixin, TemplateView):
    permission_classes = [IsAdminUser]

    async def get(self, request):
        value = settings.DEBUG and not settings.TESTING
        return value
'''


def test_positions_stopped_early_match_a_full_pass():
    # Nodes asked for one at a time (generation stops at each, and the interrupted ancestors'
    # positions must not be kept) and in groups get exactly the positions libcst's own provider
    # computes for the whole module.
    import libcst as cst
    from libcst.metadata import MetadataWrapper, PositionProvider

    module = cst.parse_module(POSITIONS_SRC)
    expected = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)

    def nodes_of(stmt) -> list:
        found: list = []

        class Collect(cst.CSTVisitor):
            def on_visit(self, node):
                found.append(node)
                return True

        stmt.visit(Collect())
        return [n for n in found if n in expected]

    for order in (list, lambda ns: list(reversed(ns))):
        positions = frontend._LazyPositions(module, POSITIONS_SRC)
        for stmt in module.body:
            positions.enter(stmt)
            for node in order(nodes_of(stmt)):
                assert positions[node] == expected[node]
        assert positions.partial  # some statements were stopped early
    grouped = frontend._LazyPositions(module, POSITIONS_SRC)
    for index, stmt in enumerate(module.body):
        grouped.ensure(index, set(nodes_of(stmt)[1:4]))
    assert all(grouped[n] == expected[n] for stmt in module.body for n in nodes_of(stmt))


def test_positions_of_nodes_a_stopped_run_interrupted_are_not_kept():
    import libcst as cst
    from libcst.metadata import MetadataWrapper, PositionProvider

    module = cst.parse_module(POSITIONS_SRC)
    expected = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    (boolean,) = [n for n in expected if isinstance(n, cst.BooleanOperation)]
    positions = frontend._LazyPositions(module, POSITIONS_SRC)
    positions.enter(module.body[-1])
    assert positions[boolean.left] == expected[boolean.left]  # stops inside `boolean`
    assert positions[boolean] == expected[boolean]


UNVALIDATED_SOURCES = [
    "x = (1)\n",
    "if a:\n    pass\nelif (b):\n    y = [1, 2,]\nelse:\n    z = {'k': f'{v!r:>3}'}\n",
    "@dec(arg)\nasync def f(*, k=1, **kw) -> int:\n    return await g(k) if k else (yield)\n",
    "class C(Base, metaclass=M):\n    x: int = 0\n    def m(self): return lambda q=1: q ** 2\n",
    "with open(p) as f, ctx():\n    print(*args, sep='')\n",
    "match v:\n    case [1, *rest] if rest:\n        pass\n    case {'k': _}:\n        pass\n",
]


@pytest.mark.parametrize("source", UNVALIDATED_SOURCES)
def test_unvalidated_parse_gives_the_validated_tree(source):
    import libcst as cst

    module = frontend.parse_unvalidated(source)
    assert module.code == source
    assert module.deep_equals(cst.parse_module(source))


def test_validation_is_back_after_the_parse_even_when_it_fails():
    import libcst as cst

    with pytest.raises(cst.ParserSyntaxError):
        frontend.parse_unvalidated("def (:\n")
    frontend.parse_unvalidated("x = 1\n")
    # A node built by hand is checked again: a parenthesised name without its closing paren.
    with pytest.raises(cst.CSTValidationError):
        cst.Name("x", lpar=[cst.LeftParen()])


NESTED_SOURCES = [
    # methods of a class, decorated, after comments and blank lines, one of them blanked
    "import os\n\n\nclass Settings:\n    # a comment\n\n    @property\n    def url(self):\n"
    "        return os.environ.get('DB_URL', 'postgres://localhost/db')\n\n"
    "    def plain(self):\n        return 1\n\n    @staticmethod\n    async def env():\n"
    "        if os.getenv('APP_ENV') == 'production':\n            return 'x'\n",
    # a class in a function in a class, tab indentation, two statements on a line
    "import os\nclass Outer:\n\tdef make(self):\n\t\tclass Inner:\n\t\t\tA = os.getenv('A', 'http://127.0.0.1:1'); B = 2\n"
    "\t\treturn Inner\n",
    # a fact in a decorator and in a default argument: not inside the function's body
    "import os\nclass C:\n    @cache(os.getenv('TTL', '5'))\n    def f(self, url=os.getenv('U', 'http://localhost')):\n"
    "        return url\n",
    # an early exit: the branch's other arm is the method's statements after the ``if``
    "import os\nclass V:\n    def get(self):\n        if os.getenv('APP_ENV') != 'production':\n"
    "            return None\n        self.seed()\n        return self.rows()\n",
    # a multi-line statement and a comment at the wrong indentation between members
    "import os\nclass D:\n    def a(self):\n        x = call(\n  1,\n)\n# odd comment\n    def b(self):\n"
    "        return os.environ['DEBUG'] == 'true'\n",
]


@pytest.mark.parametrize("source", NESTED_SOURCES)
def test_positions_from_nested_statements_match_the_whole_statement(source, monkeypatch):
    from scanner.languages import _python_visitor

    anchored = scan(source)
    real = _python_visitor.collect

    def without_anchors(*args):
        pending, imports, hints, _anchors = real(*args)
        return pending, imports, hints, {}

    monkeypatch.setattr(_python_visitor, "collect", without_anchors)
    assert anchored.facts and scan(source) == anchored
