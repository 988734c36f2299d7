"""Commands that parse nothing import no parser: ``--version`` and ``rules`` stay fast.

Checked in a fresh interpreter, since the test process has imported everything already.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PARSERS = ("tree_sitter", "tree_sitter_typescript", "libcst", "yaml")

PROBE = """
import json, sys
from scanner.cli import main
sys.argv = ["envmatrix", *json.loads(sys.argv[1])]
try:
    main()
except SystemExit:
    pass
sys.stdout.write("\\n" + json.dumps(sorted({m.split(".")[0] for m in sys.modules})))
"""


def loaded_after(*args: str) -> set[str]:
    done = subprocess.run([sys.executable, "-c", PROBE, json.dumps(list(args))], cwd=ROOT, capture_output=True,
                          text=True, timeout=60, check=True)
    return set(json.loads(done.stdout.rsplit("\n", 1)[-1]))


@pytest.mark.parametrize("args", [("--version",), ("rules",), ("rules", "URL001"), ("rules", "--format", "json")])
def test_no_parser_for_commands_that_parse_nothing(args) -> None:
    assert not loaded_after(*args) & set(PARSERS)


def test_typescript_scan_does_not_import_libcst() -> None:
    loaded = loaded_after("scan", "fixtures/growqr-backend/src", "--no-cache", "--jobs", "1")
    assert "tree_sitter" in loaded
    assert "libcst" not in loaded


def test_libcst_only_when_a_python_file_needs_parsing(tmp_path) -> None:
    (tmp_path / "util.py").write_text("def add(a, b):\n    return a + b\n")
    assert "libcst" not in loaded_after("scan", str(tmp_path), "--no-cache", "--jobs", "1")
    (tmp_path / "settings.py").write_text('import os\nDEBUG = os.environ.get("DEBUG", "1") == "1"\n')
    assert "libcst" in loaded_after("scan", str(tmp_path), "--no-cache", "--jobs", "1")
