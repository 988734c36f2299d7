"""Route registrations in Python (FastAPI, Flask, Django, DRF): the entry point ``python.py`` calls.

``wanted`` is a cheap text test made before parsing (one RE2 pass), so importing this module
costs next to nothing; ``extract_routes`` loads the libcst walk (``_py_route_walker``) only for files that pass it.
Route files are read whole: a decorator or a ``urlpatterns`` list holds none of the triggers
the Python frontend trims its input by.
"""

from __future__ import annotations

from ._prefilter import any_of

#: Substrings (lower case) a file registering routes or running as a script contains.
TRIGGERS = ("route", "router", "fastapi", "flask", "blueprint", "urlpatterns", "__main__", "api_view", "@app.",
            # views guarded by decorators, permission classes or mixins (GuardDef facts)
            "_required", "permission_classes", "user_passes_test", "is_superuser", "is_staff", "mixin", "(request",
            "http404")


#: ``TRIGGERS`` as one RE2 pass over the lowered text, not a substring scan per trigger. (Lowered
#: by Python, not matched case-blind by RE2, whose case folding differs on a few letters.)
_TRIGGER = any_of(TRIGGERS)
_WHOLE_TRIGGER = any_of(t for t in TRIGGERS if t != "__main__")


def wanted(text: str) -> bool:
    """Whether a file may register routes or run as a script (checked before parsing)."""
    return _TRIGGER.search(text.lower()) is not None


def wanted_whole(text: str) -> bool:
    """Whether the route walk needs the whole file: anything but a ``__main__`` check, which is
    one statement the reduced source keeps (``python.reduce_source``)."""
    return _WHOLE_TRIGGER.search(text.lower()) is not None


def extract_routes(module, path: str, positions) -> list:
    """Route, Mount, GuardDef and Script facts of one parsed libcst module (``positions``: PositionProvider)."""
    from ._py_route_walker import extract_routes as walk

    return walk(module, path, positions)
