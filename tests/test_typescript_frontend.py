"""TypeScript/JavaScript frontend: this source gives these facts."""

from __future__ import annotations

from scanner.facts import ConfigBinding, EnvBranch, EnvRead, EnvSource, ImageRef, Literal, Script
from scanner.languages import ExtractOptions, extract_bytes


def facts(source: str, path: str = "src/a.ts", kind: str = "typescript"):
    return extract_bytes(path, source.encode(), ExtractOptions(kind)).facts


def reads(source: str, **kw) -> list[tuple[str, str | None, str]]:
    return [(f.name, f.default, f.via) for f in facts(source, **kw) if isinstance(f, EnvRead)]


def test_member_and_subscript_reads() -> None:
    assert reads('const a = process.env.A; const b = process.env["B"];') == [
        ("A", None, "process.env"), ("B", None, "process.env")]


def test_fallbacks_or_nullish_ternary_and_wrappers() -> None:
    assert reads('x = process.env.A || "a"') == [("A", "a", "process.env")]
    assert reads('x = process.env.A ?? `b`') == [("A", "b", "process.env")]
    assert reads('x = process.env.A ? process.env.A : "c"')[0] == ("A", "c", "process.env")
    assert reads('x = Number(process.env.PORT) || 4000') == [("PORT", "4000", "process.env")]
    assert reads('x = parseInt(process.env.N ?? "10", 10)') == [("N", "10", "process.env")]
    assert reads('x = (process.env.A || "").trim()') == [("A", "", "process.env")]


def test_defaults_resolve_named_constants_and_templates() -> None:
    src = 'const HOST = "127.0.0.1"; const PORT = 80; x = process.env.U ?? `http://${HOST}:${PORT}`;'
    assert reads(src) == [("U", "http://127.0.0.1:80", "process.env")]


def test_destructuring_aliases_and_other_runtimes() -> None:
    assert reads('const { PORT = "4000", HOST } = process.env;') == [
        ("PORT", "4000", "process.env"), ("HOST", None, "process.env")]
    assert reads('const env = process.env; x = env.A ?? "z";') == [("A", "z", "process.env")]
    assert reads('x = import.meta.env.VITE_A') == [("VITE_A", None, "import.meta.env")]
    assert reads('x = Bun.env.B') == [("B", None, "Bun.env")]
    assert reads('x = Deno.env.get("D")') == [("D", None, "Deno.env")]


def test_env_helper_functions_and_config_libraries() -> None:
    src = 'function opt(name, d) { return process.env[name] ?? d } const u = opt("URL", "http://x");'
    assert ("URL", "http://x", "opt") in reads(src)
    src = 'const e = cleanEnv(process.env, { PORT: port({ default: 3000 }), KEY: str() });'
    assert reads(src) == [("PORT", "3000", "envalid"), ("KEY", None, "envalid")]
    src = 'const s = z.object({ A: z.string().default("x"), B: z.string() }); s.parse(process.env);'
    assert reads(src) == [("A", "x", "zod"), ("B", None, "zod")]
    assert reads('this.configService.get("DB_URL", "sqlite://x")') == [("DB_URL", "sqlite://x", "ConfigService")]


def test_config_object_bindings_and_derived_flags() -> None:
    src = 'export const config = { nodeEnv: process.env.NODE_ENV ?? "development", ' \
          'db: { url: process.env.DATABASE_URL }, isProduction: process.env.NODE_ENV === "production" };'
    bindings = {(b.owner, b.attribute, b.name, b.op, b.value) for b in facts(src) if isinstance(b, ConfigBinding)}
    assert ("config", "nodeEnv", "NODE_ENV", None, None) in bindings
    assert ("config", "db.url", "DATABASE_URL", None, None) in bindings
    assert ("config", "isProduction", "NODE_ENV", "==", "production") in bindings


def test_branch_on_local_flag_with_effects() -> None:
    src = '''const isProd = process.env.NODE_ENV === "production";
function auth(req, res, next) { if (!isProd) return next(); return res.status(401).end(); }'''
    (branch,) = [f for f in facts(src) if isinstance(f, EnvBranch)]
    assert (branch.subject, branch.op, branch.value) == ("NODE_ENV", "!=", "production")
    assert branch.then_effects == ("auth-bypass",)
    assert branch.span.line == 2


def test_presence_check_and_unresolved_ref() -> None:
    src = 'import { config } from "./config";\nif (process.env.RIVET) a(); if (config.isDev) b();'
    branches = [f for f in facts(src) if isinstance(f, EnvBranch)]
    assert [(b.subject, b.ref, b.op, b.presence) for b in branches] == [
        ("RIVET", None, "truthy", True), ("", "config.isDev", "truthy", False)]


def test_literal_contexts() -> None:
    src = '''app.listen(1, "0.0.0.0");
if (o === "http://localhost:3") {}
const u = "http://localhost:4";
console.log("http://localhost:5");'''
    lits = [(f.context, f.span.line) for f in facts(src) if isinstance(f, Literal)]
    assert lits == [("bind", 1), ("compare", 2), ("value", 3), ("log", 4)]


def test_image_defaults_scripts_and_env_sources() -> None:
    src = 'const i = process.env.OPENCODE_IMAGE ?? "growqr/opencode:dev";\nif (require.main === module) main();'
    found = facts(src)
    (img,) = [f for f in found if isinstance(f, ImageRef)]
    assert (img.name, img.tag) == ("growqr/opencode", "dev")
    assert any(isinstance(f, Script) for f in found)
    assert [f.export for f in facts("export default wrap(process.env);") if isinstance(f, EnvSource)] == ["default"]


def test_image_constants_hold_strings_not_numbers() -> None:
    src = 'const BASE_IMAGE = "node:20-alpine";\nconst MAX_ARR_IMG = 2000;\nexport { BASE_IMAGE, MAX_ARR_IMG };'
    assert [f.image for f in facts(src) if isinstance(f, ImageRef)] == ["node:20-alpine"]


def test_columns_count_code_points() -> None:
    (read,) = [f for f in facts('const é = "ü"; x = process.env.A;') if isinstance(f, EnvRead)]
    assert read.span.column == 20


def test_comments_are_not_facts_and_jsx_parses() -> None:
    assert reads('// process.env.A || "x"\n/* process.env.B */') == []
    assert reads('const C = () => <div>{process.env.A}</div>;', path="a.tsx", kind="tsx") == [("A", None, "process.env")]


def test_syntax_error_is_a_diagnostic_and_readable_parts_are_kept() -> None:
    result = extract_bytes("a.ts", b'x = process.env.A ?? "b";\nconst = = ;', ExtractOptions("typescript"))
    assert [d[0] for d in result.diagnostics] == ["parse-error"]
    assert any(isinstance(f, EnvRead) and f.name == "A" for f in result.facts)


def test_query_file_holds_exactly_its_named_queries() -> None:
    # The header comment mentions the `;;; query: NAME` marker; only real blocks are queries.
    from scanner.languages import typescript

    assert sorted(typescript._query_sources()) == ["main"]


def test_config_service_get_needs_a_call_with_a_string_first() -> None:
    assert reads('this.configService.get`DB_URL`') == []  # a tagged template, not a call
    assert reads('this.configService.get(name, "x")') == []
    assert reads('this.configService.getOrThrow("DB_URL")') == [("DB_URL", None, "ConfigService")]


def test_syntax_past_the_depth_limit_is_not_judged_and_the_rest_is() -> None:
    chain = "x = " + " ??\n".join(f"process.env.DEEP_{i}" for i in range(2000)) + ";\n"
    src = chain + 'if (process.env.NODE_ENV === "development") { app.use(cors()); }\ny = process.env.AFTER ?? "z";\n'
    result = extract_bytes("src/a.ts", src.encode(), ExtractOptions("typescript"))
    assert result.diagnostics == (("js-too-deep", "read in part: syntax nested deeper than 500 levels (lines 1-1505) "
                                   "was not judged; facts elsewhere were kept"),)
    got = {(f.name, f.default) for f in result.facts if isinstance(f, EnvRead)}
    assert ("AFTER", "z") in got and ("NODE_ENV", None) in got
    assert ("DEEP_0", None) not in got  # the bottom of the chain, 2,000 levels down
    assert [b.then_effects for b in result.facts if isinstance(b, EnvBranch)] == [("cors-open",)]


def test_syntax_within_the_depth_limit_keeps_every_fact() -> None:
    chain = "x = " + " ??\n".join(f"process.env.DEEP_{i}" for i in range(400)) + ' ?? "last";\n'
    result = extract_bytes("src/a.ts", chain.encode(), ExtractOptions("typescript"))
    assert result.diagnostics == ()
    assert len([f for f in result.facts if isinstance(f, EnvRead)]) == 400


def _depths(root):
    """Every node with its depth below ``root``, by brute force."""
    stack = [(root, 0)]
    while stack:
        node, depth = stack.pop()
        yield node, depth
        stack.extend((c, depth + 1) for c in node.children)


def test_deep_regions_hold_exactly_the_nodes_past_the_limit() -> None:
    from scanner.languages import typescript
    from scanner.languages._ts_depth import deep_regions

    sources = ['const a = [[1, [2, [3]]], {b: {c: f(g(h(1)))}}];', 'x = a ?? b ?? c ?? d ?? e;',
               'if (a) { if (b) { x(); } else if (c) { y(); } }\nconst z = 1;', 'type T = "a" | "b" | "c" | "d";']
    for source in sources:
        root = typescript._parser(False).parse(source.encode()).root_node
        nodes = list(_depths(root))
        for limit in range(1, max(d for _, d in nodes) + 2):
            deep = deep_regions(root, limit)
            too_deep = [n for n, d in nodes if d > limit]
            assert (deep is not None) == bool(too_deep), (source, limit)
            if deep is None:
                continue
            assert all(deep.inside(n) for n in too_deep), (source, limit)
            for node, depth in nodes:  # what is judged holds nothing past the limit
                if not deep.touches(node):
                    assert all(depth + d <= limit for _, d in _depths(node)), (source, limit, node.type)


def test_helper_calls_need_a_plain_string_first_argument() -> None:
    helper = 'function opt(name, d) { return process.env[name] ?? d }\n'
    assert ("URL", "x", "opt") in reads(helper + 'a = opt("URL", "x");')
    # a tagged template, a comment before the name, a name that is no string: no read
    for call in ('a = opt`URL`;', 'a = opt(/* name */ "URL", "x");', 'a = opt(NAME, "x");', 'a = other("URL", "x");'):
        assert [r for r in reads(helper + call) if r[2] == "opt"] == [], call
    # calls of a name and method calls come from one capture: both kinds in one file
    both = helper + 'a = opt("A", "1"); b = this.configService.get("B", "2"); c = Deno.env.get("C");'
    assert [r for r in reads(both) if r[0] in "ABC"] == [("A", "1", "opt"), ("B", "2", "ConfigService"), ("C", None, "Deno.env")]


def _strings_by_walk(src: bytes, hosts=()) -> tuple[list[int], list[int]]:
    """Every string and template whose text holds a local trigger or a host, by a full tree walk."""
    from scanner.languages import _prefilter, typescript

    found: dict[str, list[int]] = {"string": [], "template_string": []}
    stack = [typescript._parser(False).parse(src).root_node]
    while stack:
        node = stack.pop()
        raw = src[node.start_byte:node.end_byte]
        if node.type in found and node.is_named and (
                _prefilter.has_local_trigger(raw) or any(h.encode() in raw for h in hosts)):
            found[node.type].append(node.start_byte)
        stack.extend(node.children)
    return sorted(found["string"]), sorted(found["template_string"])


def test_local_strings_are_exactly_the_strings_that_hold_a_local_host() -> None:
    # Found from the bytes (typescript._local_strings): the same nodes as a walk over every string.
    from scanner.languages import typescript

    sources = [
        b'const a = "http://localhost:3000"; const b = "https://api.example.com"; // localhost in a comment\n',
        b'const u = `http://${host ?? "127.0.0.1"}:${port}/x`; const v = `${"nothing"}`;\n',
        b'const nested = `a ${`b ${"redis://host.docker.internal:6379"}`} c`; const ip = "0.0.0.0";\n',
        b'x = "localhost" + "127.0.0.1" + \'::1\' + `localhost`;\nconst re = /localhost/; y = "db.internal.example";\n',
        b'const s = "naive \\"localhost\\" quote"; const t = "none";\n',
    ]
    for src in sources:
        root = typescript._parser(False).parse(src).root_node
        got = typescript._local_strings(src, root, None, ())
        strings, templates = _strings_by_walk(src)
        assert [n.start_byte for n in got.get("string", ())] == strings, src
        assert [n.start_byte for n in got.get("template", ())] == templates, src
    src = b'a = "db.internal.example"; b = `x ${"db.internal.example"}`; c = "other";\n'
    root = typescript._parser(False).parse(src).root_node
    got = typescript._local_strings(src, root, None, ("db.internal.example",))
    strings, templates = _strings_by_walk(src, ("db.internal.example",))
    assert ([n.start_byte for n in got["string"]], [n.start_byte for n in got["template"]]) == (strings, templates)
    assert len(strings) == 2 and len(templates) == 1


def test_local_strings_give_literal_facts_for_the_template_and_the_string_inside() -> None:
    src = 'const a = "http://localhost:3000";\nconst b = `redis://${"127.0.0.1"}:6379`;\nconst c = "https://example.com";\n'
    found = sorted((f.value, f.span.line, f.span.column) for f in facts(src) if isinstance(f, Literal))
    assert found == [("127.0.0.1", 2, 22), ("http://localhost:3000", 1, 11), ("redis://127.0.0.1:6379", 2, 11)]


def test_local_strings_in_deep_syntax_are_passed_over_without_climbing() -> None:
    # 20,000 chained strings that each hold localhost: the ones past 500 levels lie in a deep
    # subtree and are not judged. Climbing from each to its strings cost 45 s (Node.parent costs
    # the node's depth); passing over them first keeps this well under a second. The statement
    # after the chain keeps its facts, and the shallow end of the chain is judged as before.
    import time

    src = "const x = " + " +\n".join(['"http://localhost:1"'] * 20_000) + ";\n" \
        + 'export const u = process.env.U ?? "http://localhost:2";\n'
    started = time.process_time()
    result = extract_bytes("src/a.ts", src.encode(), ExtractOptions("typescript"))
    assert time.process_time() - started < 10
    assert [d[0] for d in result.diagnostics] == ["js-too-deep"]
    assert ("U", "http://localhost:2", "process.env") in [
        (f.name, f.default, f.via) for f in result.facts if isinstance(f, EnvRead)]
    literals = [f.span.line for f in result.facts if isinstance(f, Literal)]
    assert literals and min(literals) > 19_000  # only the shallow end of the chain
