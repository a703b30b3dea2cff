"""Entry path rules: relative, ``/``-separated, only ``[a-z0-9._/-]``; no dot-only or empty segments."""

from __future__ import annotations

import re
from collections.abc import Iterable
from itertools import pairwise

from packs.errors import InvalidEntryPath

__all__ = [
    "DELTA_NAME",
    "MANIFEST_NAME",
    "MAX_PATH_LENGTH",
    "RESERVED_NAMES",
    "SIGNATURE_NAME",
    "check_unique_paths",
    "validate_entry_path",
]

MANIFEST_NAME = "manifest.json"
SIGNATURE_NAME = "manifest.sig"
DELTA_NAME = "delta.json"
# Files the container itself defines; a manifest entry may never take one of these names.
RESERVED_NAMES = frozenset({MANIFEST_NAME, SIGNATURE_NAME, DELTA_NAME})
# Well under every phone file system's limit, and under the ZIP name field's 65535.
MAX_PATH_LENGTH = 255

_SEGMENT = re.compile(r"[a-z0-9._-]+")


def validate_entry_path(path: str) -> str:
    """Return ``path`` if it is a safe entry name, else raise ``InvalidEntryPath`` saying why."""
    if not path:
        raise InvalidEntryPath(path, "empty")
    if len(path) > MAX_PATH_LENGTH:
        raise InvalidEntryPath(path, f"longer than {MAX_PATH_LENGTH} characters")
    if path.startswith("/"):
        raise InvalidEntryPath(path, "absolute (leading '/')")
    for segment in path.split("/"):
        if not segment:
            raise InvalidEntryPath(path, "empty segment")
        if not segment.strip("."):
            # '.' and '..' are traversal; longer runs of dots are refused too, as some systems fold them.
            raise InvalidEntryPath(path, f"'{segment}' segment")
        if not _SEGMENT.fullmatch(segment):
            raise InvalidEntryPath(path, "only a-z, 0-9, '.', '_', '-' and '/' are allowed")
    return path


def check_unique_paths(paths: Iterable[str]) -> list[str]:
    """Validate every path and return them sorted (byte order); a duplicate raises ``InvalidEntryPath``."""
    ordered = sorted(validate_entry_path(p) for p in paths)
    for previous, current in pairwise(ordered):
        if previous == current:
            raise InvalidEntryPath(current, "duplicate")
    return ordered
