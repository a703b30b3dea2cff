"""Every blob the pack tables refer to: current ZIPs, kept versions with each manifest entry, deltas."""

from __future__ import annotations

import sqlite3

from packs.manifest import decode_manifest

__all__ = ["pack_blobs"]


def pack_blobs(conn: sqlite3.Connection) -> dict[str, int]:
    """SHA-256 → size of every blob a pack, pack version (ZIP and entries) or delta uses (blocking)."""
    found: dict[str, int] = {}
    for table in ("packs", "pack_versions", "pack_deltas"):
        for sha256, size in conn.execute(f"SELECT sha256, size FROM {table}"):  # noqa: S608  # fixed names
            found[sha256] = size
    for (manifest,) in conn.execute("SELECT manifest FROM pack_versions"):
        for entry in decode_manifest(bytes(manifest)).entries:
            found[entry.sha256] = entry.size
    return found
