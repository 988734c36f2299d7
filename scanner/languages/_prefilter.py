"""Byte-level tests the frontends' literal pre-filters share: whole identifiers, not substrings.

A pre-filter decides, before any parse, whether a file can hold a fact. Substring tests are cheap
but blunt: ``test`` is in ``latest`` and in every spec file, ``mock_`` in every ``mock_post``,
``env`` in ``Denver``. Here a cheap literal search finds the candidates and the identifier around
each is judged by the same ``lexicon`` functions the frontends use after parsing, so the filter
lets a file through for ``isTest`` or ``DEBUG`` (flags) and not for ``sendTestEmail``.

Alternations of many words are compiled with RE2 (``google-re2``, already pathspec's backend):
its automaton scans bytes once whatever the number of words, where ``re`` tries each word at
each position (about ten times slower here on novu's TypeScript).
"""

from __future__ import annotations

import re

import re2

from .. import lexicon

#: Bytes of an identifier in JavaScript and Python (``$`` is JavaScript's; harmless in Python).
_IDENT = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_$")

#: Environment and debug words in any case a name spells them: ``isTest``, ``IS_TEST``, ``test``.
ENV_WORDS = re2.compile("|".join(
    f"{w.capitalize()}|{w.upper()}|{w}"
    for w in sorted(lexicon.ENVIRONMENT_NAMES | {"debug", "mock", "debugging"}, key=len, reverse=True)).encode())

#: Words a credential's name ends with, in any case (``lexicon.is_secret_name`` judges the name).
SECRET_WORDS = re2.compile(rb"(?i:pass|pwd|secret|token|key|credential|jwt|salt|pepper|value)")

def any_of(words, patterns=()):
    """One RE2 pattern that finds any of ``words`` (all ``str`` or all ``bytes``), or a match of
    one of ``patterns`` (regular expressions of the same type, for a trigger a literal would
    over-match), where a loop of substring tests would scan the text once per word."""
    words = tuple(words)
    alternatives = [re.escape(w) for w in words] + list(patterns)
    joiner = b"|" if alternatives and isinstance(alternatives[0], bytes) else "|"
    return re2.compile(joiner.join(alternatives))


#: ``lexicon.LOCAL_TRIGGERS`` (``localhost``, ``127.``, ``host.docker.internal``, …): seven
#: substring tests each scanned the whole file.
_LOCAL_TRIGGER = any_of(t.encode() for t in lexicon.LOCAL_TRIGGERS)


def has_local_trigger(data: bytes) -> bool:
    """True when one of ``lexicon.LOCAL_TRIGGERS`` occurs in ``data`` (case as written)."""
    return _LOCAL_TRIGGER.search(data) is not None


def local_triggers(data: bytes):
    """The occurrences (match objects) of ``lexicon.LOCAL_TRIGGERS`` in ``data``."""
    return _LOCAL_TRIGGER.finditer(data)


#: Comparison operators (``===`` and ``!==`` contain these).
_COMPARE = re.compile(rb"[=!]=")
_QUOTES = frozenset(b"'\"`")
_SPACE = frozenset(b" \t\r\n")


def identifier_at(data: bytes, start: int, end: int) -> str:
    """The whole identifier around ``data[start:end]`` (ASCII; a non-ASCII byte ends it)."""
    while start > 0 and data[start - 1] in _IDENT:
        start -= 1
    while end < len(data) and data[end] in _IDENT:
        end += 1
    return data[start:end].decode("ascii", errors="replace")


def any_identifier(pattern, data: bytes, judge) -> bool:
    """True when ``judge`` accepts the whole identifier around some match of ``pattern``
    (each identifier judged once)."""
    seen: set[str] = set()
    for m in pattern.finditer(data):
        name = identifier_at(data, m.start(), m.end())
        if name not in seen:
            seen.add(name)
            if judge(name):
                return True
    return False


def has_flag_name(data: bytes) -> bool:
    """True when some identifier names an environment flag or subject (``isProd``, ``DEBUG``,
    ``USE_MOCK``, ``nodeEnv``): what ``lexicon.is_environment_subject`` accepts."""
    return any_identifier(ENV_WORDS, data, lexicon.is_environment_subject)


#: Candidates for an environment subject in any case: the ``ENV_WORDS`` and env/environment/stage.
_SUBJECT_WORDS = re2.compile(rb"(?i:env|stage|mode|debug|mock|" + b"|".join(
    w.encode() for w in sorted(lexicon.ENVIRONMENT_NAMES, key=len, reverse=True)) + rb")")


def has_environment_subject(data: bytes) -> bool:
    """True when some identifier holds an environment name, a flag or a debug switch (``APP_ENV``,
    ``MODE``, ``stage``, ``DEBUG``, ``app.debug``, ``is_prod``): what the Python visitor takes
    for a branch's subject. For snake_case code, where a lone ``env`` or ``stage`` is as telling
    as ``nodeEnv`` is in TypeScript."""
    return any_identifier(_SUBJECT_WORDS, data, _is_python_subject)


def _is_python_subject(name: str) -> bool:
    return lexicon.is_environment_subject(name) or lexicon.is_debug_variable(name) \
        or lexicon.is_env_name_variable(name)


#: ``env`` in any case, not followed by a dash (``env-1``, ``env-file``).
_ENV_END = re2.compile(rb"(?i:env)(?:[^A-Za-z0-9_$-]|\z)")


def has_env_object(data: bytes) -> bool:
    """True when an identifier ends in the word env (``env.X`` on an env object, ``nodeEnv``,
    ``APP_ENV``), not in a file name or an id (``'.env'``, ``dev-env``, ``path/env``)."""
    n = len(data)
    for m in _ENV_END.finditer(data):
        s, e = m.start(), m.start() + 3
        while s > 0 and data[s - 1] in _IDENT:
            s -= 1
        before = data[s - 1] if s > 0 else 0
        if before in b"-/" or (before == 0x2E and s > 1 and data[s - 2] in _QUOTES):
            continue
        words = lexicon.words(data[s:e].decode("ascii", errors="replace"))
        if words and words[-1] == "env" and (e >= n or data[e] not in _IDENT):
            return True
    return False


def names_environment(data: bytes) -> bool:
    """True when an environment name stands alone as a quoted value or a property, the forms a
    branch compares or tests: ``"production"``, ``'dev'``, ``Environment.PRODUCTION``,
    ``environment.production``. Not ``"test email"``, ``testEmail`` or ``latest``."""
    n = len(data)
    for m in ENV_WORDS.finditer(data):
        s, e = m.start(), m.end()
        if (s > 0 and data[s - 1] in _IDENT) or (e < n and data[e] in _IDENT):
            continue  # part of a longer identifier or word
        before = data[s - 1] if s > 0 else 0
        if before == 0x2E or (before in _QUOTES and e < n and data[e] == before):  # .name or "name"
            return True
    return False


def has_secret_name(data: bytes, extra: frozenset[str] = frozenset()) -> bool:
    """True when some identifier is a credential's name (``lexicon.is_secret_name``)."""
    return any_identifier(SECRET_WORDS, data, lambda name: lexicon.is_secret_name(name, extra))


def compares_with_literal(data: bytes) -> bool:
    """True when a comparison (``==``, ``!=``, ``===``, ``!==``) has a quoted literal on one side."""
    n = len(data)
    for m in _COMPARE.finditer(data):
        after = m.end()
        while after < n and data[after] in b"=":
            after += 1
        while after < n and data[after] in _SPACE:
            after += 1
        if after < n and data[after] in _QUOTES:
            return True
        before = m.start() - 1
        while before >= 0 and data[before] in b"=!":
            before -= 1
        while before >= 0 and data[before] in _SPACE:
            before -= 1
        if before >= 0 and data[before] in _QUOTES:
            return True
    return False


#: ``.get("X")``, ``.get<string>("X")``, ``.getOrThrow("X")``: a NestJS ConfigService read when the receiver says config.
_CONFIG_GET = re.compile(rb"\.get(?:OrThrow)?(?:<[^>()]*>)?\(\s*['\"`]")


def calls_config_get(data: bytes) -> bool:
    """True when a ``.get("…")`` call's receiver, just before it, mentions config."""
    return any(b"config" in data[max(0, m.start() - 40):m.start()].lower() for m in _CONFIG_GET.finditer(data))
