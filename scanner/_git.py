"""What git knows about a scanned directory: the commit it is at, and where it sits in its repository.

Only the CLI calls this (reports take the answers as plain arguments). Every failure (no git, not a
repository, a repository git refuses to read) is an answer of None, never an error: a report
without a commit is still a report.
"""

from __future__ import annotations

import os
import subprocess

TIMEOUT = 10  # seconds


def _git(path: str, *args: str) -> str | None:
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "GIT_OPTIONAL_LOCKS": "0", "LC_ALL": "C"}
    try:
        done = subprocess.run(["git", "-C", path, *args], capture_output=True, text=True, timeout=TIMEOUT,
                              env=env, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def head_commit(path: str) -> str | None:
    """The full hash of HEAD in the repository containing ``path``; None when there is none."""
    out = _git(path, "rev-parse", "--verify", "--quiet", "HEAD")
    return out if out and all(c in "0123456789abcdef" for c in out) else None


def repo_prefix(path: str) -> str:
    """``path`` relative to its repository root, POSIX, no trailing slash; "" at the root or outside git."""
    out = _git(path, "rev-parse", "--show-prefix")
    return out.strip("/") if out else ""
