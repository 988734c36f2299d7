"""META001 unused-suppression: an `envmatrix: ignore[…]` comment suppresses nothing.

## What it finds
An inline suppression whose rule code matched no finding on the lines it covers (or, for
`ignore-file[…]`, in its file); a code that is not a rule; a directive with no codes or an
unknown verb. Each unused code in `ignore[A, B]` is reported on its own.

## Why it matters
Suppressions outlive the code they were written for. Once the hazard is fixed or has moved, a
stale `ignore` silently hides the next finding that lands on that line, and a misspelled code
never suppressed anything in the first place.

## Example
    // envmatrix: ignore[SEC001] -- the default was removed last sprint
    const port = Number(process.env.PORT ?? 3000);

## Fix
Delete the comment, or correct its code. A suppression sits on the line of the finding, or alone
on the line before it (in YAML and Dockerfiles, alone on the line before):

    const db = process.env.DATABASE_URL ?? "postgres://localhost/app"; // envmatrix: ignore[URL001] -- local tool

## Not flagged
Suppressions of rules that did not run (`--select`, `ignore`, `per-file-ignores`), and everything
when `--no-suppress` is given. A suppression can silence this rule too: `ignore[URL001, META001]`.

This rule is computed after all others, when suppressions are applied (`scanner/suppress.py`);
its `check` sees the project before that and yields nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterator

from ..findings import Hit, Level, Rule
from ..project import Project

if TYPE_CHECKING:
    from ..suppress import Suppression

CODE = "META001"


def check(project: Project) -> Iterator[Hit]:
    return iter(())


def hit_for(directive: "Suppression", code: str | None, problem: str | None) -> Hit:
    """The hit for one unused code of ``directive`` (``code`` None: the directive is malformed)."""
    where = "in this file" if directive.file_wide else "on the lines it covers"
    if code is None:
        message, evidence = f"Malformed suppression: {problem}", f"{directive.verb}:{problem}"
    elif problem is not None:
        message, evidence = f"Suppression names `{code}`, which {problem}", f"{directive.verb}[{code}]"
    else:
        message, evidence = f"Suppression of `{code}` matches no finding {where}", f"{directive.verb}[{code}]"
    return Hit(directive.span, message, evidence)


RULE = Rule(code=CODE, name="unused-suppression", level=Level.WARNING, category="META",
            doc=__doc__, check=check, tags=("maintainability",))
