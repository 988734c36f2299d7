"""The hostile tree: every kind of bad input a checkout can hold, built at test time.

``build(base)`` writes ``base/repo`` (the root to scan) and ``base/outside`` (a directory the
root's symlinks point into) and returns what a scan of the root must show: the findings healthy
lines keep next to bad bytes, the diagnostic each skipped or partly-read file gets, the planted
credentials no output may contain, and markers that only exist outside the root. Nothing binary
is committed: every file is generated here.

Expectations for a kind whose frontend has not landed yet (``languages.FRONTENDS``) are left
out, so the same tree grows stricter as frontends arrive.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from scanner.languages import FRONTENDS

#: Credentials planted in the tree; no output may contain any of them in full.
SECRETS = {
    "ts-default": "planted-jwt-Zq7xW2v9kLm",
    "ts-compare": "planted-key-Hn4rT8eLwPq",
    "compose": "planted-pg-Kx81mQzR3t",
    "dotenv": "planted-stripe-Vb3nP0sWe",
    "python": "planted-django-Tf6yU1oAx",
    "yaml-broken": "planted-broken-Jc5vB7nMq",
    "dotenv-broken": "planted-unterminated-Gh2kD9",
    "url-password": "planted-pw-Wq4eR6tY",
    "compose-default": "planted-default-Lp0oI9uY",
    "docker-env": "planted-docker-Mn3bV5cX",
    "k8s-env": "planted-k8s-Zx7cV2bN",
    "dotenv-pasted": "sk_live_51HxPlantedPasteQ9",  # a key pasted on a line of its own
}
#: Appears only in files outside the root; seeing it in any output means the scan left the root.
OUTSIDE_MARKER = "OUTSIDE_ONLY_URL"
FIVE_MB = 5 * 1024 * 1024
TS_DEPTH = 20_000
PY_DEPTH = 5_000
YAML_KEYS = 100_000
DOCKER_CONTINUATIONS = 10_000


@dataclass
class HostileTree:
    root: Path
    outside: Path
    #: (path, line, column, rule) every format must report.
    findings: set[tuple[str, int, int, str]] = field(default_factory=set)
    #: path -> acceptable diagnostic codes; each path must get at least one of them.
    diagnostics: dict[str, set[str]] = field(default_factory=dict)
    #: path -> (codes, (line, rule)): a file that must give either a diagnostic or that finding.
    finding_or_diagnostic: dict[str, tuple[set[str], tuple[int, str]]] = field(default_factory=dict)
    #: root-relative paths of files whose names need sanitizing before a terminal.
    odd_names: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what this machine could not exercise

    def write(self, rel: str, data: bytes | str) -> Path:
        path = self.root / Path(*rel.split("/"))
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        return path

    def expect(self, rel: str, line: int, column: int, rule: str) -> None:
        self.findings.add((rel, line, column, rule))

    def expect_diagnostic(self, rel: str, *codes: str) -> None:
        self.diagnostics.setdefault(rel, set()).update(codes)


def has_frontend(kind: str) -> bool:
    return kind in FRONTENDS


def url_line(var: str, prefix: str = "export const ") -> tuple[str, int]:
    """A TS line whose env read falls back to localhost (URL001), and the read's column."""
    head = f"{prefix}{var.lower()} = "
    return f'{head}process.env.{var} ?? "postgres://localhost:5432/app";', len(head) + 1


def build(base: Path) -> HostileTree:
    root, outside = base / "repo", base / "outside"
    root.mkdir(parents=True)
    outside.mkdir(parents=True)
    tree = HostileTree(root.resolve(), outside.resolve())
    _outside(tree)
    _healthy(tree)
    _line_endings(tree)
    _encodings(tree)
    _sizes_and_depth(tree)
    _structured(tree)
    _symlinks(tree)
    _names(tree)
    _permissions(tree)
    return tree


def _outside(tree: HostileTree) -> None:
    (tree.outside / "secret.ts").write_text(
        f'export const o = process.env.{OUTSIDE_MARKER} ?? "http://localhost:9999";\n', encoding="utf-8")
    (tree.outside / "exclude").write_text("*.ts\n*.py\n", encoding="utf-8")
    (tree.outside / "ignore-all").write_text("*\n", encoding="utf-8")
    sub = tree.outside / "dir"
    sub.mkdir()
    (sub / "config.ts").write_text(
        f'export const p = process.env.{OUTSIDE_MARKER}_DIR ?? "http://127.0.0.1:1";\n', encoding="utf-8")


def _healthy(tree: HostileTree) -> None:
    line, col = url_line("HEALTHY_DB_URL")
    jwt = f'export const jwt = process.env.JWT_SECRET || "{SECRETS["ts-default"]}";'
    compare = ('export function allowed(req: { headers: Record<string, string> }) { return '
               f'req.headers["x-api-key"] === "{SECRETS["ts-compare"]}"; }}')
    tree.write("src/healthy.ts", "\n".join([line, jwt, compare]) + "\n")
    tree.expect("src/healthy.ts", 1, col, "URL001")
    tree.expect("src/healthy.ts", 2, jwt.index("process.env") + 1, "SEC001")
    # A .gitignore that is a symlink to an ignore-everything file outside: must not be read.
    os.symlink(tree.outside / "ignore-all", tree.root / "src" / ".gitignore")
    tree.expect_diagnostic("src/.gitignore", "symlink-outside-root")
    # A git exclude file that is a symlink out of the root, ignoring every .ts: must not be read.
    (tree.root / ".git" / "info").mkdir(parents=True)
    os.symlink(tree.outside / "exclude", tree.root / ".git" / "info" / "exclude")
    tree.write("app/settings.py", f'import os\n\nSECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "{SECRETS["python"]}")\n')
    if has_frontend("python"):
        tree.expect("app/settings.py", 3, 14, "SEC001")
    db = f'export const db = process.env.DATABASE_URL ?? "postgres://app:{SECRETS["url-password"]}@localhost:5432/app";'
    tree.write("src/db.ts", db + "\n")
    tree.expect("src/db.ts", 1, 19, "SEC003")
    tree.expect("src/db.ts", 1, 19, "URL001")
    tree.write("deploy/secret-env.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n"
               "  template:\n    spec:\n      containers:\n        - name: api\n          image: api:1.2.3\n"
               f"          env:\n            - name: API_SECRET\n              value: {SECRETS['k8s-env']}\n")
    if has_frontend("yaml"):
        tree.expect("deploy/secret-env.yaml", 12, 21, "SEC004")


def _line_endings(tree: HostileTree) -> None:
    lines = [url_line("CRLF_A_URL"), url_line("CRLF_B_URL", "  const ")]
    body = ["// line endings", lines[0][0], "", "function f() {", lines[1][0], "}"]
    for name, eol in (("crlf", "\r\n"), ("cr", "\r"), ("lf", "\n")):
        rel = f"src/eol-{name}.ts"
        tree.write(rel, eol.join(body).replace("CRLF_", f"{name.upper()}_") + eol)
        tree.expect(rel, 2, lines[0][1], "URL001")
        tree.expect(rel, 5, lines[1][1], "URL001")
    # Mixed endings in one file: each terminator ends exactly one line.
    mixed = "// a\r\n// b\r// c\n" + url_line("MIXED_URL")[0] + "\r\n"
    tree.write("src/eol-mixed.ts", mixed)
    tree.expect("src/eol-mixed.ts", 4, url_line("MIXED_URL")[1], "URL001")


def _encodings(tree: HostileTree) -> None:
    a, col = url_line("BAD_UTF8_A_URL")
    b, _ = url_line("BAD_UTF8_B_URL")
    tail = 'const bad = "\udcff\udcfe"; '  # two invalid bytes, each read as one replacement character
    c, ccol = url_line("BAD_UTF8_C_URL", tail + "export const ")
    data = a.encode() + b"\n// \xff\xfe\xc3( broken bytes\n" + b.encode() + b"\n" \
        + c.encode("utf-8", "surrogateescape") + b"\n"
    tree.write("src/invalid-utf8.ts", data)
    tree.expect("src/invalid-utf8.ts", 1, col, "URL001")
    tree.expect("src/invalid-utf8.ts", 3, col, "URL001")
    tree.expect("src/invalid-utf8.ts", 4, ccol, "URL001")
    tree.expect_diagnostic("src/invalid-utf8.ts", "decode-error")

    for name, codec, bom in (("le", "utf-16-le", b"\xff\xfe"), ("be", "utf-16-be", b"\xfe\xff")):
        line, col = url_line(f"UTF16_{name.upper()}_URL", 'const s = "日本😀"; export const ')
        rel = f"src/utf16-{name}.ts"
        tree.write(rel, bom + ("// UTF-16 café\n" + line + "\n").encode(codec))
        tree.expect(rel, 2, col, "URL001")

    latin = url_line("LATIN1_URL", 'const s = "café"; export const ')
    tree.write("src/latin1.ts", ("// Société générale\n" + latin[0] + "\n").encode("latin-1"))
    tree.expect("src/latin1.ts", 2, latin[1], "URL001")
    tree.expect_diagnostic("src/latin1.ts", "decode-error")

    bom8 = url_line("BOM8_URL")
    tree.write("src/utf8-bom.ts", b"\xef\xbb\xbf" + bom8[0].encode() + b"\n")
    tree.expect("src/utf8-bom.ts", 1, bom8[1], "URL001")

    # Trojan Source: bidi overrides and a C1 CSI in the line a finding quotes (SARIF snippets).
    trojan, tcol = url_line("TROJAN_URL")
    tree.write("src/trojan.ts", trojan + " // \u202e }\u2066 \x9b31m\n")
    tree.expect("src/trojan.ts", 1, tcol, "URL001")

    # Identifiers are text from the file too: an env name holding an escape sequence and a newline.
    evil = 'export const e = process.env["EVIL\x1b[2J\x1b]0;pwned\x07_URL"] ?? "http://localhost:1";'
    tree.write("src/evil-name.ts", evil + "\n")
    tree.expect("src/evil-name.ts", 1, evil.index("process") + 1, "URL001")

    # A text file with stray NUL bytes: read as text, said so, findings kept.
    nul_a, nul_col = url_line("NUL_A_URL")
    nul_b, _ = url_line("NUL_B_URL")
    tree.write("src/nul.ts", nul_a.encode() + b'\nconst z = "\x00\x00";\n' + nul_b.encode() + b"\n")
    tree.expect("src/nul.ts", 1, nul_col, "URL001")
    tree.expect("src/nul.ts", 3, nul_col, "URL001")
    tree.expect_diagnostic("src/nul.ts", "nul-bytes")
    # Real binary content under a source name (an MPEG transport stream is a `.ts` too).
    packet = bytes([0x47, 0x40, 0x00, 0x10]) + bytes(range(256)) * 3
    tree.write("media/clip.ts", packet * 4)
    tree.expect_diagnostic("media/clip.ts", "binary")


def _sizes_and_depth(tree: HostileTree) -> None:
    piece = 'var a=process.env.BUNDLE_URL||"http://localhost:1";'
    bundle = piece * (FIVE_MB // len(piece) + 1)
    tree.write("public/app.js", bundle)  # not *.min.js: only its size gives it away
    tree.expect_diagnostic("public/app.js", "too-large")
    tree.write("public/widget.js", piece * 4000)  # ~200 kB on one line
    tree.expect_diagnostic("public/widget.js", "minified")

    ok, col = url_line("AFTER_DEEP_URL")
    deep = "export const nested = " + "[\n" * TS_DEPTH + "]\n" * TS_DEPTH + ";\n"
    tree.write("src/deep.ts", deep + ok + "\n")
    tree.expect("src/deep.ts", 2 * TS_DEPTH + 2, col, "URL001")
    tree.write("src/deep-oneline.ts", "export const n = " + "[" * TS_DEPTH + "]" * TS_DEPTH + ";\n" + ok + "\n")
    tree.expect_diagnostic("src/deep-oneline.ts", "minified", "too-deep")
    tree.write("src/deep-unclosed.ts", "export const u = " + "{a:\n" * TS_DEPTH + ok + "\n")
    tree.expect_diagnostic("src/deep-unclosed.ts", "parse-error", "too-deep")

    py_ok = 'API_URL = os.environ.get("DEEP_PY_URL", "http://localhost:8000")'
    tree.write("app/deep.py", "import os\nx = " + "(" * PY_DEPTH + "1" + ")" * PY_DEPTH + "\n" + py_ok + "\n")
    # Flat in Python's ast, nested pairwise by libcst: 20,000 operands overflowed its native parser.
    tree.write("app/chain.py", "import os\nok = " + " and ".join(["a"] * 20_000) + "\n" + py_ok + "\n")
    if has_frontend("python"):
        tree.finding_or_diagnostic["app/deep.py"] = ({"too-deep", "parse-error"}, (3, "URL001"))
        tree.finding_or_diagnostic["app/chain.py"] = ({"too-deep", "parse-error"}, (3, "URL001"))


def _structured(tree: HostileTree) -> None:
    laughs = ["apiVersion: v1", "kind: ConfigMap", "metadata:", "  name: lol", "data:",
              '  a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 10):
        laughs.append(f"  a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 9) + "]")
    tree.write("deploy/billion-laughs.yaml", "\n".join(laughs) + "\n")
    digits = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
    keys = (digits[i // 3844] + digits[i // 62 % 62] + digits[i % 62] for i in range(YAML_KEYS))
    tree.write("deploy/wide.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: wide}\ndata:\n"
               + "".join(f"  {k}:\n" for k in keys))  # 100k keys in under 1 MB
    tree.write("deploy/duplicate-keys.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: dup\n"
               "spec:\n  template:\n    spec:\n      containers:\n        - name: web\n"
               "          image: nginx:1.25\n          image: nginx:latest\n")
    multi = ("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: one\nspec:\n  template:\n    spec:\n"
             "      containers:\n        - name: web\n          image: nginx:latest\n---\n"
             "# a comment-only document\n---\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: two\n"
             "spec:\n  containers:\n    - name: cache\n      image: redis:dev\n...\n")
    tree.write("deploy/multi.yaml", multi)
    if has_frontend("yaml"):
        tree.expect("deploy/multi.yaml", 10, 18, "IMG001")
        tree.expect("deploy/multi.yaml", 22, 14, "IMG003")
    tree.write("deploy/broken.yaml", "apiVersion: v1\nkind: Secret\nstringData:\n"
               f"  password: {SECRETS['yaml-broken']}\n\tbad: [unclosed\n")
    if has_frontend("yaml"):
        tree.expect_diagnostic("deploy/broken.yaml", "parse-error")

    tree.write("deploy/deep-flow.yaml", "kind: ConfigMap\ndata:\n  x: " + "[" * 5000 + "]" * 5000 + "\n")
    tree.write("deploy/deep-block.yaml", "kind: ConfigMap\ndata:\n"
               + "".join(" " * (i + 1) + f"k{i}:\n" for i in range(400)))
    tree.write("deploy/aliases.yaml", "kind: ConfigMap\ndata:\n  a: &a x\n  b: [" + "*a," * 20000 + "*a]\n")
    if has_frontend("yaml"):
        tree.expect_diagnostic("deploy/deep-flow.yaml", "parse-error", "yaml-too-deep")
        tree.expect_diagnostic("deploy/deep-block.yaml", "yaml-too-deep")
        tree.expect_diagnostic("deploy/aliases.yaml", "yaml-too-many-aliases")
    # Merge keys nested eleven deep, nine wide: 9**11 keys to anything that expands them.
    bomb = ["x-a0: &a0 {A: 1}"]
    bomb += [f"x-a{i}: &a{i}\n  <<: [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 12)]
    tree.write("compose.bomb.yaml", "\n".join(bomb) + "\nservices:\n  web:\n    <<: *a11\n    image: nginx:latest\n")
    if has_frontend("compose"):
        tree.expect("compose.bomb.yaml", 27, 12, "IMG001")

    tree.write("docker-compose.yml", "services:\n  db:\n    image: postgres:latest\n    environment:\n"
               f"      POSTGRES_PASSWORD: {SECRETS['compose']}\n      POSTGRES_USER: app\n"
               f"      API_TOKEN: ${{API_TOKEN:-{SECRETS['compose-default']}}}\n")
    if has_frontend("compose"):
        tree.expect("docker-compose.yml", 3, 12, "IMG001")
        tree.expect("docker-compose.yml", 5, 7, "SEC004")
        tree.expect("docker-compose.yml", 7, 18, "SEC001")

    cont = "".join(f"    step-{i} \\\n" for i in range(DOCKER_CONTINUATIONS))
    tree.write("Dockerfile", "FROM node:latest AS build\nRUN echo start \\\n" + cont + "    done\n"
               "FROM redis:dev\n"
               f"ENV SERVICE_TOKEN={SECRETS['docker-env']}\n")
    if has_frontend("dockerfile"):
        tree.expect("Dockerfile", 1, 6, "IMG001")
        tree.expect("Dockerfile", DOCKER_CONTINUATIONS + 4, 6, "IMG003")
        tree.expect("Dockerfile", DOCKER_CONTINUATIONS + 5, 5, "SEC004")

    tree.write(".env", "DATABASE_URL=postgres://localhost:5432/app\n"
               f"STRIPE_API_KEY={SECRETS['dotenv']}\n"
               f'BROKEN_TOKEN="{SECRETS["dotenv-broken"]}\n{SECRETS["dotenv-pasted"]}\nAFTER=1\n')
    if has_frontend("dotenv"):
        tree.expect_diagnostic(".env", "parse-error")
        tree.expect(".env", 2, 1, "SEC004")


def _symlinks(tree: HostileTree) -> None:
    links = tree.root / "links"
    links.mkdir()
    os.symlink("loop-b", links / "loop-a")
    os.symlink("loop-a", links / "loop-b")
    os.symlink(".", links / "here")  # a directory loop, if anything followed it
    os.symlink("/etc", links / "etc")
    os.symlink(tree.outside / "dir", links / "outside-dir")
    os.symlink(os.path.relpath(tree.outside / "secret.ts", links), links / "outside-file.ts")
    os.symlink("missing.ts", links / "dangling.ts")
    os.symlink("../src/healthy.ts", links / "inside.ts")
    for name in ("loop-a", "loop-b"):
        tree.expect_diagnostic(f"links/{name}", "symlink-loop")
    tree.expect_diagnostic("links/here", "symlink")
    for name in ("etc", "outside-dir", "outside-file.ts"):
        tree.expect_diagnostic(f"links/{name}", "symlink-outside-root")
    tree.expect_diagnostic("links/dangling.ts", "dangling-symlink")
    tree.expect_diagnostic("links/inside.ts", "symlink")
    if hasattr(os, "mkfifo"):
        os.mkfifo(tree.root / "src" / "pipe.ts")  # reading it would block forever
        tree.expect_diagnostic("src/pipe.ts", "special-file")


#: File names a terminal must not interpret; each file holds one finding.
ODD_NAMES = ("with space.ts", "new\nline.ts", "naïve-日本.ts", "-rf.ts", "\x1b[31mred\x1b[0m.ts",
             "tab\there.ts", "\u202egnp.ts", "\x07bell.ts", "\x9b31mcsi.ts", "line\u2028sep.ts",
             "back`tick.ts", "pipe|name.ts", "[link](evil) <b>.ts")


def _names(tree: HostileTree) -> None:
    for i, name in enumerate(ODD_NAMES):
        line, col = url_line(f"ODD_{i}_URL")
        rel = f"names/{name}"
        tree.write(rel, line + "\n")
        tree.expect(rel, 1, col, "URL001")
        tree.odd_names.append(rel)
    # A name that is not valid UTF-8: reported with the bad byte escaped, the file still read.
    line, col = url_line("LATIN1_NAME_URL")
    (tree.root / "names").joinpath(os.fsdecode(b"caf\xe9.ts")).write_text(line + "\n", encoding="utf-8")
    tree.expect("names/caf\\xe9.ts", 1, col, "URL001")


def _permissions(tree: HostileTree) -> None:
    line, _ = url_line("UNREADABLE_URL")
    path = tree.write("src/unreadable.ts", line + "\n")
    path.chmod(0)
    locked = tree.root / "locked"
    locked.mkdir()
    (locked / "inner.ts").write_text(url_line("LOCKED_URL")[0] + "\n", encoding="utf-8")
    locked.chmod(0)
    if os.geteuid() == 0:
        tree.notes.append("running as root: chmod 000 does not block reads, unreadable files are not exercised here")
    else:
        tree.expect_diagnostic("src/unreadable.ts", "unreadable")
        tree.expect_diagnostic("locked", "unreadable")


def restore_permissions(tree: HostileTree) -> None:
    """Give back the modes ``build`` took away, so pytest can delete the tree."""
    for rel in ("src/unreadable.ts", "locked"):
        path = tree.root / rel
        if path.exists() or path.is_symlink():
            path.chmod(stat.S_IRWXU)


def snapshot(root: Path) -> dict[str, tuple[int, int]]:
    """Every entry below ``root`` (symlinks not followed) with its mode and mtime in ns."""
    out: dict[str, tuple[int, int]] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            p = os.path.join(dirpath, name)
            st = os.lstat(p)
            out[os.path.relpath(p, root)] = (st.st_mode, st.st_mtime_ns)
    return out
