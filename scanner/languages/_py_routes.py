"""Route registrations in Python (FastAPI, Flask, Django, DRF): the entry point ``python.py`` calls.

``wanted`` is a cheap text test made before parsing (one RE2 pass over the text, and one over
class headers whose bases ``guards.classify_guard`` judges), so importing this module costs next
to nothing; ``extract_routes`` loads the libcst walk (``_py_route_walker``) only for files that pass it.
Route files are read whole: a decorator or a ``urlpatterns`` list holds none of the triggers
the Python frontend trims its input by.
"""

from __future__ import annotations

import re2

from ._prefilter import any_of

#: Substrings (lower case) a file registering routes or running as a script contains.
TRIGGERS = ("route", "router", "fastapi", "flask", "blueprint", "urlpatterns", "__main__", "api_view", "@app.",
            # views guarded by permission classes, role tests or a refusal (GuardDef facts)
            "permission_classes", "user_passes_test", "is_superuser", "is_staff", "http404", "permissiondenied")
#: Guard forms a word alone over-matches, as patterns over the lowered text: a decorator ending
#: in ``_required`` (``@login_required``, ``method_decorator(staff_member_required)``), not
#: ``is_shipping_required``; a function view, whose first parameter is the request, not
#: ``super().__init__(request.POST)``. (Guard base classes: ``_guard_class``.)
GUARD_FORMS = (r"@[\w.]*_required", r"method_decorator\s*\([^)]*_required", r"def\s+\w+\s*\(\s*request\b")


#: ``TRIGGERS`` and ``GUARD_FORMS`` as one RE2 pass over the lowered text, not a substring scan
#: per trigger. (Lowered by Python, not matched case-blind by RE2, whose case folding differs on
#: a few letters.)
_TRIGGER = any_of(TRIGGERS, GUARD_FORMS)
_WHOLE_TRIGGER = any_of((t for t in TRIGGERS if t != "__main__"), GUARD_FORMS)
#: A class statement's bases (``class V(LoginRequiredMixin, View):``, over lines too).
_CLASS_BASES = re2.compile(r"(?m)^[ \t]*class\s+\w+\s*\(([^)]*)\)")


def _guard_class(text: str) -> bool:
    """Whether some class has a base that reads as a guard, as the route walk judges bases
    (``guards.classify_guard``): ``LoginRequiredMixin``, ``PermissionRequired``,
    ``BasePermission``; not a test's ``DirectoriesMixin, APITestCase``."""
    if "class" not in text:
        return False
    from ..guards import classify_guard

    for m in _CLASS_BASES.finditer(text):
        for base in m.group(1).split(","):
            base = " ".join(base.split())
            if base and "=" not in base and classify_guard(base) is not None:
                return True
    return False


def wanted(text: str) -> bool:
    """Whether a file may register routes or run as a script (checked before parsing)."""
    return _TRIGGER.search(text.lower()) is not None or _guard_class(text)


def wanted_whole(text: str) -> bool:
    """Whether the route walk needs the whole file: anything but a ``__main__`` check, which is
    one statement the reduced source keeps (``python.reduce_source``)."""
    return _WHOLE_TRIGGER.search(text.lower()) is not None or _guard_class(text)


def extract_routes(module, path: str, positions) -> list:
    """Route, Mount, GuardDef and Script facts of one parsed libcst module (``positions``: PositionProvider)."""
    from ._py_route_walker import extract_routes as walk

    return walk(module, path, positions)
