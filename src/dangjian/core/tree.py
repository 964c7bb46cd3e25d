"""Materialized-path queries: an organization's subtree is a prefix of `path` ("1/5/23/").

On PostgreSQL `startswith` becomes `LIKE 'p%'`, served by the varchar_pattern_ops index Django adds to an
indexed CharField. SQLite's LIKE is case-insensitive and skips a plain index, so there we ask for the
equivalent range `p <= path < p'` (p with its final "/" raised to "0"), which the ordinary index serves.
"""

from django.db import connection
from django.db.models import Q

SEPARATOR = "/"


def child_path(parent_path: str, pk: int) -> str:
    return f"{parent_path}{pk}{SEPARATOR}"


def within(path: str, field: str = "path") -> Q:
    """Rows whose `field` lies in the subtree rooted at `path` (the root itself included)."""
    if connection.vendor == "postgresql":
        return Q(**{f"{field}__startswith": path})
    upper = path[:-1] + chr(ord(SEPARATOR) + 1)
    return Q(**{f"{field}__gte": path, f"{field}__lt": upper})


def is_within(path: str, ancestor_path: str) -> bool:
    return path.startswith(ancestor_path)


def ancestor_ids(path: str) -> list[int]:
    return [int(part) for part in path.strip(SEPARATOR).split(SEPARATOR) if part]


def depth(path: str) -> int:
    return path.count(SEPARATOR) - 1
