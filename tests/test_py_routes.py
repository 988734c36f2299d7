"""Python route facts (FastAPI, Flask, Django) from source, and their verdicts across files.

The Python frontend hands ``_py_routes.extract_routes`` its parsed module; these tests parse with
libcst directly, so they hold whether or not the frontend is wired in.
"""

from __future__ import annotations

import textwrap

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from scanner.facts import FileFacts, GuardDef, Mount, Route, Script
from scanner.languages._py_route_walker import _Walker, extract_routes
from scanner.project import Project


def file_facts(path: str, source: str) -> FileFacts:
    module = cst.parse_module(textwrap.dedent(source))
    positions = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    walker = _Walker(module, path, positions)
    walker.prepare(module.body)
    imports = tuple((k, f"{m}.{a}" if a else m) for k, (m, a) in walker.imports.items())
    return FileFacts(path, tuple(extract_routes(module, path, positions)), imports=imports)


def only(ff: FileFacts, kind):
    return [f for f in ff.facts if isinstance(f, kind)]


def routes(files: dict[str, str]):
    project = Project([file_facts(p, t) for p, t in files.items()])
    return {(rr.method, rr.path): rr for rr in project.routes()}


def test_fastapi_route_with_dependencies() -> None:
    (r,) = only(file_facts("app/api.py", '''
        router = APIRouter(prefix="/dev", dependencies=[Depends(verify_token)])

        @router.post("/seed", dependencies=[Depends(get_current_active_superuser)])
        def seed(user: User = Depends(get_current_user)): ...
    '''), Route)
    assert (r.method, r.path, r.handler, r.framework, r.mount) == ("POST", "/dev/seed", "seed", "fastapi", "router")
    assert r.guards == ("Depends(verify_token)", "Depends(get_current_active_superuser)", "Depends(get_current_user)")


def test_include_router_in_environment_branch() -> None:
    (m,) = only(file_facts("app/main.py", '''
        from app.routes import private
        if settings.ENVIRONMENT == "local":
            api_router.include_router(private.router, prefix="/private")
    '''), Mount)
    assert (m.prefix, m.router, m.module, m.parent, m.conditions) == \
        ("/private", "router", "app/routes/private", "api_router", ('settings.ENVIRONMENT == "local"',))


def test_flask_blueprint_across_files() -> None:
    found = routes({
        "app/__init__.py": 'from .dev import dev_bp\napp = Flask(__name__)\napp.register_blueprint(dev_bp, url_prefix="/dev")\n',
        "app/dev.py": 'dev_bp = Blueprint("dev", __name__)\n@dev_bp.route("/reset-db", methods=["POST"])\ndef reset_db(): ...\n',
    })
    assert found[("POST", "/dev/reset-db")].verdict == "unguarded"


def test_django_include_and_debug_patterns() -> None:
    found = routes({
        "config/urls.py": '''
from django.conf import settings
urlpatterns = [path("shop/", include("shop.urls"))]
if settings.DEBUG:
    urlpatterns += [path("seed/", views.seed)]
''',
        "shop/urls.py": 'from . import views\nurlpatterns = [path("demo/reset/", views.reset_demo)]\n',
        "shop/views.py": '@staff_member_required\ndef reset_demo(request): ...\n',
    })
    assert found[("ANY", "/shop/demo/reset")].verdict == "guarded"
    seed = found[("ANY", "/seed")]
    assert (seed.verdict, seed.conditions) == ("guarded", ("settings.DEBUG",))


def test_early_exit_in_handler_is_a_weak_guard() -> None:
    found = routes({"app/r.py": '''
router = APIRouter()
@router.post("/debug/reset")
def reset():
    if os.getenv("ENVIRONMENT") == "production":
        raise HTTPException(404)
'''})
    rr = found[("POST", "/debug/reset")]
    assert rr.verdict == "weak" and "unset" in rr.reason


def test_role_check_in_class_view_is_admin() -> None:
    defs = only(file_facts("shop/views.py", '''
class SeedView(UserPassesTestMixin, View):
    def test_func(self):
        return self.request.user.is_superuser
'''), GuardDef)
    assert ("SeedView", "admin") in {(d.name, d.kind) for d in defs}


def test_main_guard_is_a_script() -> None:
    (s,) = only(file_facts("scripts/seed.py", 'if __name__ == "__main__":\n    main()\n'), Script)
    assert s.span.line == 1


def test_routes_registered_by_a_function_take_its_call_conditions() -> None:
    found = routes({
        "app/main.py": 'from app.debug import register_debug_routes\napp = FastAPI()\n'
                       'if os.getenv("ENABLE_DEBUG_ROUTES") == "1":\n    register_debug_routes(app)\n',
        "app/debug.py": 'def register_debug_routes(app):\n    @app.get("/debug/vars")\n    def debug_vars(): ...\n',
    })
    rr = found[("GET", "/debug/vars")]
    assert (rr.verdict, rr.route.mount) == ("guarded", "register_debug_routes")
