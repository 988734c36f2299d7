"""Route facts from source, and routes resolved across files: "this source gives these routes"."""

from __future__ import annotations

from scanner.facts import Mount, Route
from scanner.languages import ExtractOptions, extract_text
from scanner.project import Project


def facts(path: str, text: str, kind: str = "typescript"):
    return extract_text(path, text, ExtractOptions(kind))


def routes(files: dict[str, str]) -> dict[tuple[str, str], object]:
    kinds = {".ts": "typescript", ".js": "javascript", ".py": "python"}
    project = Project([facts(p, t, kinds[p[p.rindex("."):]]) for p, t in files.items()])
    return {(rr.method, rr.path): rr for rr in project.routes()}


def only(ff, kind):
    return [f for f in ff.facts if isinstance(f, kind)]


def test_express_route_with_guards() -> None:
    (r,) = only(facts("src/r.ts", 'const router = Router();\nrouter.post("/seed", requireAuth, seed);'), Route)
    assert (r.method, r.path, r.handler, r.guards, r.mount, r.framework) == \
        ("POST", "/seed", "seed", ("requireAuth",), "router", "express")


def test_http_client_calls_are_not_routes() -> None:
    src = 'axios.post("/seed", data);\nrequest(app).post("/seed").send({});\napi.get("/demo", { params });'
    assert only(facts("src/c.ts", src), Route) == []


def test_mount_of_imported_router() -> None:
    (m,) = only(facts("src/index.ts", 'import { homeRouter } from "./routes/home";\nconst app = express();\n'
                                      'app.use("/home", requireAuth, homeRouter);'), Mount)
    assert (m.prefix, m.router, m.module, m.guards, m.parent) == \
        ("/home", "homeRouter", "src/routes/home", ("requireAuth",), "app")


def test_prefixes_join_across_three_files() -> None:
    found = routes({
        "src/index.ts": 'import api from "./api";\nconst app = express();\napp.use("/api", api);',
        "src/api/index.ts": 'import { devRouter } from "./dev";\nconst router = Router();\n'
                            'router.use("/dev", devRouter);\nexport default router;',
        "src/api/dev.ts": 'export const devRouter = Router();\ndevRouter.post("/seed", seed);',
    })
    rr = found[("POST", "/api/dev/seed")]
    assert (rr.demo, rr.verdict) == ("seed", "unguarded")


def test_router_middleware_applies_to_later_routes_only() -> None:
    found = routes({"src/a.ts": 'const r = Router();\nr.post("/seed-early", h);\nr.use(requireAdmin);\n'
                                'r.post("/seed-late", h);'})
    assert found[("POST", "/seed-early")].verdict == "unguarded"
    assert found[("POST", "/seed-late")].verdict == "guarded"


def test_condition_through_config_default() -> None:
    found = routes({
        "src/config.ts": 'export const config = { nodeEnv: process.env.NODE_ENV ?? "development" };',
        "src/app.ts": 'import { config } from "./config";\nconst app = express();\n'
                      'if (config.nodeEnv === "development") app.post("/seed", h);',
    })
    rr = found[("POST", "/seed")]
    assert rr.verdict == "weak" and "falls back to \"development\"" in rr.reason


def test_nest_controller_with_global_prefix() -> None:
    found = routes({
        "src/main.ts": 'const app = await NestFactory.create(AppModule);\napp.setGlobalPrefix("api");',
        "src/demo.controller.ts": '@Controller("demo")\nexport class DemoController {\n'
                                  '  @Post("seed")\n  @Roles("admin")\n  seed() {}\n}',
    })
    rr = found[("POST", "/api/demo/seed")]
    assert (rr.verdict, rr.admin_guards) == ("guarded", ('@Roles("admin")',))


def test_next_route_path_from_file() -> None:
    (r,) = only(facts("apps/web/app/(dev)/api/seed/route.ts", "export async function POST() {}"), Route)
    assert (r.method, r.path, r.framework) == ("POST", "/api/seed", "nextjs")


def test_declared_admin_guard_names_reach_the_verdict() -> None:
    ff = [facts("src/a.ts", 'const r = Router();\nr.post("/seed", gatekeeper, h);')]
    assert Project(ff).routes()[0].verdict == "unguarded"
    assert Project(ff, admin_guards=frozenset({"gatekeeper"})).routes()[0].verdict == "guarded"


def test_routes_registered_by_a_function_take_its_call_conditions() -> None:
    found = routes({
        "src/boot.ts": 'import { registerDevRoutes } from "./dev";\nconst app = express();\n'
                       'if (process.env.NODE_ENV !== "production") registerDevRoutes(app);',
        "src/dev.ts": 'export function registerDevRoutes(app: Express) {\n  app.post("/dev/seed", h);\n}',
    })
    rr = found[("POST", "/dev/seed")]
    assert rr.verdict == "weak" and rr.route.framework == "express"
