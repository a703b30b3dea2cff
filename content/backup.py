"""Consistent online backups of a data directory, and their verification (issue 14).

A backup directory holds ``odyssee.sqlite3`` (taken with SQLite's online backup API: one consistent
snapshot while the service keeps writing), ``keys/`` (the pack signing keys), ``blobs/`` (the local
blob store's layout, content-addressed) and ``BACKUP.json``. Order matters: the database first, then
the keys, then the blobs it refers to — every blob is stored before the row naming it commits, so
all the blobs a snapshot needs exist when they are copied. Blobs already in the backup with the right
size are not copied again, so a repeated backup into the same directory copies only new blobs.

With ``storage = "s3"`` the blobs stay in the bucket (the object store keeps them); the backup holds
the database and keys, and verification checks that each referenced object exists with its size.

Everything here blocks (files and ``sqlite3``); the CLI runs it as it is, the service never does.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from content.private_files import FILE_MODE, private_dir

__all__ = [
    "BackupReport",
    "VerifyReport",
    "backup_database",
    "copy_blobs",
    "copy_keys",
    "media_blobs",
    "verify_blobs",
    "verify_database",
]

DB_NAME = "odyssee.sqlite3"
_COPY_BYTES = 1024 * 1024


@dataclass
class BackupReport:
    database_bytes: int = 0
    keys: int = 0
    blobs_copied: int = 0
    blobs_present: int = 0
    bytes_copied: int = 0
    seconds: float = 0.0


@dataclass
class VerifyReport:
    problems: list[str] = field(default_factory=list)
    blobs_checked: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems


def backup_database(source: Path, target: Path) -> int:
    """Copy the live database at ``source`` to ``target`` through SQLite's backup API (one snapshot,
    taken while writers go on); written beside and renamed, so ``target`` is never half-written."""
    private_dir(target.parent)
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        dst = sqlite3.connect(partial)
        try:
            src.backup(dst)  # all pages in one step: a single consistent read transaction
            dst.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
        finally:
            dst.close()
    finally:
        src.close()
    os.chmod(partial, FILE_MODE)
    _fsync(partial)
    os.replace(partial, target)
    return target.stat().st_size


def copy_keys(source: Path, target: Path) -> int:
    """Copy the signing keys (0600 files in a 0700 directory)."""
    if not source.is_dir():
        return 0
    private_dir(target)
    count = 0
    for path in sorted(source.iterdir()):
        if path.is_file() and not path.name.startswith("."):
            _copy_file(path, target / path.name)
            count += 1
    return count


def media_blobs(conn: sqlite3.Connection) -> dict[str, int]:
    """SHA-256 → size of every media original and variant (blocking)."""
    found = {sha256: size for sha256, size in conn.execute("SELECT source_sha256, source_size FROM media")}
    found.update({sha256: size for sha256, size in conn.execute("SELECT sha256, size FROM media_variants")})
    return found


def blob_path(root: Path, sha256: str) -> Path:
    """Where the local blob store keeps ``sha256`` under ``root`` (``content.blobs.local``'s layout)."""
    return root / sha256[:2] / sha256[2:4] / sha256


def copy_blobs(
    source_root: Path, target_root: Path, wanted: dict[str, int], report: BackupReport
) -> list[str]:
    """Copy every wanted blob not already in the backup with its size; returns the ones missing at
    the source. Each copy is hashed on the way and must match its name."""
    missing = []
    for sha256 in sorted(wanted):
        target = blob_path(target_root, sha256)
        if _size(target) == wanted[sha256]:
            report.blobs_present += 1
            continue
        source = blob_path(source_root, sha256)
        if not source.is_file():
            missing.append(sha256)
            continue
        digest = _copy_file(source, target)
        if digest != sha256:
            target.unlink(missing_ok=True)
            missing.append(sha256)
            continue
        report.blobs_copied += 1
        report.bytes_copied += wanted[sha256]
    return missing


def verify_database(path: Path) -> list[str]:
    """``PRAGMA integrity_check`` and the foreign keys: the problems found (none: an empty list)."""
    if not path.is_file():
        return [f"{path.name} is missing"]
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            problems = [row[0] for row in conn.execute("PRAGMA integrity_check") if row[0] != "ok"]
            problems += [f"foreign key: {row}" for row in conn.execute("PRAGMA foreign_key_check")]
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        return [f"{path.name}: {exc}"]
    return problems


def verify_blobs(
    wanted: dict[str, int], read: Callable[[str], Iterable[bytes] | None], report: VerifyReport
) -> None:
    """Every wanted blob present, with its size and SHA-256 (``read`` yields its bytes, or None)."""
    for sha256 in sorted(wanted):
        chunks = read(sha256)
        if chunks is None:
            report.problems.append(f"blob {sha256} is missing")
            continue
        digest = hashlib.sha256()
        size = 0
        for chunk in chunks:
            digest.update(chunk)
            size += len(chunk)
        report.blobs_checked += 1
        if digest.hexdigest() != sha256 or size != wanted[sha256]:
            report.problems.append(f"blob {sha256} is damaged ({size} bytes, expected {wanted[sha256]})")


def read_local_blob(root: Path) -> Callable[[str], Iterable[bytes] | None]:
    def read(sha256: str) -> Iterable[bytes] | None:
        path = blob_path(root, sha256)
        if not path.is_file():
            return None

        def chunks() -> Iterable[bytes]:
            with path.open("rb") as reader:
                while chunk := reader.read(_COPY_BYTES):
                    yield chunk

        return chunks()

    return read


def write_manifest(target: Path, report: BackupReport, *, storage: str) -> None:
    info = {
        "format": 1,
        "created_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "storage": storage,
        "database_bytes": report.database_bytes,
        "keys": report.keys,
        "blobs_copied": report.blobs_copied,
        "blobs_already_there": report.blobs_present,
    }
    partial = target / "BACKUP.json.partial"
    partial.write_text(json.dumps(info, indent=2) + "\n", encoding="utf-8")
    os.chmod(partial, FILE_MODE)
    os.replace(partial, target / "BACKUP.json")


def _copy_file(source: Path, target: Path) -> str:
    private_dir(target.parent)
    partial = target.with_name(f".{target.name}.partial")
    digest = hashlib.sha256()
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
    with source.open("rb") as reader, os.fdopen(fd, "wb") as writer:
        while chunk := reader.read(_COPY_BYTES):
            digest.update(chunk)
            writer.write(chunk)
        writer.flush()
        os.fsync(writer.fileno())
    os.replace(partial, target)
    return digest.hexdigest()


def _size(path: Path) -> int | None:
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return None


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
