#!/usr/bin/env python3
"""How many files each frontend's literal pre-filter lets through to a parse.

    python bench/prefilter.py PATH [PATH …] [--kinds typescript,tsx,javascript,python] [--code CHECKOUT]

Walks each tree as a scan does (``.gitignore`` and the default excludes honoured) and asks
``languages.may_have_facts`` about every file of the given kinds: the same test the first pass
makes before reading a file's syntax. It prints, per tree and kind, the files let through out of
those found. A count that falls while the scan's report stays byte-identical is parse work
saved; ``--code`` names another checkout whose scanner to ask (one that predates this script
included), to compare two.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def count(root: Path, kinds: set[str]) -> tuple[Counter, Counter]:
    """(files found, files let through), by kind."""
    from scanner._io import read_source
    from scanner.config import Config
    from scanner.discover import discover
    from scanner.extraction import options_for
    from scanner.languages import may_have_facts

    config = Config(use_cache=False)
    found, passed = Counter(), Counter()
    for sf in discover(root, config).files:
        if sf.kind not in kinds:
            continue
        try:
            data = read_source(sf.abspath, config.max_file_size)
        except OSError:
            continue
        found[sf.kind] += 1
        if may_have_facts(sf.path, data, options_for(sf.kind, config)):
            passed[sf.kind] += 1
    return found, passed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="+")
    parser.add_argument("--kinds", default="typescript,tsx,javascript,python")
    parser.add_argument("--code", default=str(REPO), help="the checkout whose scanner to ask (default: this one)")
    args = parser.parse_args()
    sys.path.insert(0, str(Path(args.code).resolve()))
    for path in args.paths:
        found, passed = count(Path(path), set(args.kinds.split(",")))
        shown = ", ".join(f"{kind} {passed[kind]:,}/{found[kind]:,}" for kind in sorted(found))
        print(f"{Path(path).resolve().name}: {shown or 'no files of those kinds'}")


if __name__ == "__main__":
    main()
