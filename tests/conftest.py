"""Test-wide settings: the facts cache goes to a temporary directory, never the user's."""

from __future__ import annotations

import os
import tempfile

import pytest


@pytest.fixture(autouse=True, scope="session")
def _private_cache_dir():
    with tempfile.TemporaryDirectory(prefix="envmatrix-test-cache-") as directory:
        previous = os.environ.get("ENVMATRIX_CACHE_DIR")
        os.environ["ENVMATRIX_CACHE_DIR"] = directory
        yield directory
        if previous is None:
            os.environ.pop("ENVMATRIX_CACHE_DIR", None)
        else:
            os.environ["ENVMATRIX_CACHE_DIR"] = previous
