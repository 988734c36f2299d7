"""How often the cyclic garbage collector runs in envmatrix's own processes.

A scan builds and drops millions of small objects: syntax-tree nodes (libcst builds a Python
object per node), query captures, facts. Reference counting frees them; they hold no cycles.
Python's cyclic collector still runs its youngest generation every 700 allocations of container
objects (the default threshold), and each run walks every young object: about 2% of the
instructions of a scan (healthchecks in one process: 14.81 billion against 14.48 billion at
10,000) and more of its time, since the walk chases pointers through memory. mypy raises the same
threshold for the same reason. Peak memory did not move (healthchecks, two workers: 57.2-58.0 MiB
either way). Only the processes envmatrix owns are tuned: the CLI, which its forked workers
inherit, and every worker; ``engine.scan`` called from another program leaves that program's own
collector alone.
"""

from __future__ import annotations

import gc

#: Allocations between two runs of the youngest generation (Python's default: 700).
YOUNG_THRESHOLD = 10_000


def collect_less_often() -> None:
    """Raise the youngest generation's threshold; the older generations keep theirs."""
    _young, *older = gc.get_threshold()
    gc.set_threshold(YOUNG_THRESHOLD, *older)
