"""envmatrix: find where a backend quietly depends on a developer's laptop."""

__version__ = "0.1.0"
