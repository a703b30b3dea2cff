"""``odyssee backup DEST`` and ``odyssee restore SRC --data-dir NEW``: consistent online backups.

``backup`` runs while the service serves and edits arrive: the database through SQLite's backup API,
then the signing keys, then the blobs the database refers to (only those not already in DEST).
``restore`` verifies the backup first — ``PRAGMA integrity_check``, the foreign keys, every referenced
blob present with its SHA-256, the keys — and writes nothing unless all of it holds; then it fills a
new data directory (0700, files 0600) that ``odyssee serve --data-dir NEW`` serves as it is.
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from content import backup
from content.blobs import S3BlobStore
from content.core.settings import Settings
from content.private_files import private_dir
from packs.references import pack_blobs
from tools.cli import add_common, settings_from

__all__ = ["register", "run_backup", "run_restore"]


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "backup",
        help="take a consistent backup while the service runs",
        description="Copy the database (SQLite online backup), the signing keys and the referenced blobs"
        " into DEST. Safe while the service runs; a repeated backup into DEST copies only new blobs.",
    )
    add_common(parser)
    parser.add_argument("dest", type=Path, help="backup directory (created 0700 if missing)")
    parser.set_defaults(handler=run_backup)
    restore = subparsers.add_parser(
        "restore",
        help="verify a backup and restore it into a new data directory",
        description="Verify SRC (integrity check, every referenced blob and its SHA-256, the keys), then"
        " restore it into --data-dir, which must be new or empty. Nothing is written if SRC fails.",
    )
    restore.add_argument("src", type=Path, nargs="?", help="a directory made by odyssee backup")
    restore.add_argument(
        "--from",
        dest="replica",
        metavar="S3_URL",
        help="restore from the Litestream replica at s3://BUCKET/PATH (odyssee serve --replicate) instead",
    )
    restore.add_argument("--data-dir", required=True, help="the new data directory")
    restore.set_defaults(handler=run_restore)


def _referenced(db_path: Path) -> dict[str, int]:
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        return {**backup.media_blobs(conn), **pack_blobs(conn)}
    finally:
        conn.close()


def run_backup(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    if not settings.db_path.is_file():
        print(f"odyssee: error: no database at {settings.db_path}", file=sys.stderr)
        return 1
    dest: Path = args.dest
    started = time.monotonic()
    private_dir(dest)
    report = backup.BackupReport()
    report.database_bytes = backup.backup_database(settings.db_path, dest / backup.DB_NAME)
    report.keys = backup.copy_keys(settings.keys_dir, dest / "keys")
    missing: list[str] = []
    if settings.storage == "local":
        wanted = _referenced(dest / backup.DB_NAME)
        missing = backup.copy_blobs(settings.blob_dir, dest / "blobs", wanted, report)
    backup.write_manifest(dest, report, storage=settings.storage)
    report.seconds = time.monotonic() - started
    print(
        f"backup in {dest}: database {report.database_bytes} bytes, {report.keys} keys,"
        f" {report.blobs_copied} blobs copied ({report.bytes_copied} bytes),"
        f" {report.blobs_present} already there; {report.seconds:.1f} s"
    )
    if missing:
        print(f"odyssee: error: {len(missing)} referenced blobs are missing from the store:", file=sys.stderr)
        for sha256 in missing[:20]:
            print(f"  {sha256}", file=sys.stderr)
        return 1
    return 0


def _s3_reader(settings: Settings) -> Callable[[str], Iterable[bytes] | None]:
    store = S3BlobStore(settings)

    def read(sha256: str) -> Iterable[bytes] | None:
        try:
            reader = store.open_reader(sha256)
        except Exception:  # missing object or unreachable store: reported as missing
            return None

        def chunks() -> Iterable[bytes]:
            with reader:
                while chunk := reader.read(1024 * 1024):
                    yield chunk

        return chunks()

    return read


def verify(src: Path, settings: Settings) -> backup.VerifyReport:
    report = backup.VerifyReport()
    db_path = src / backup.DB_NAME
    report.problems += backup.verify_database(db_path)
    if report.problems:
        return report
    if not (src / "keys").is_dir() or not any((src / "keys").iterdir()):
        report.problems.append("keys/ is missing or empty: packs could not be signed with the same keys")
    wanted = _referenced(db_path)
    read = backup.read_local_blob(src / "blobs") if settings.storage == "local" else _s3_reader(settings)
    backup.verify_blobs(wanted, read, report)
    return report


def run_restore(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    target = settings.data_dir
    if target.exists() and any(target.iterdir()):
        print(f"odyssee: error: {target} is not empty; restore into a new data directory", file=sys.stderr)
        return 2
    if args.replica:
        return _restore_replica(settings, args.replica)
    if args.src is None:
        print("odyssee: error: give a backup directory or --from s3://BUCKET/PATH", file=sys.stderr)
        return 2
    src: Path = args.src
    started = time.monotonic()
    report = verify(src, settings)
    if not report.ok:
        print(f"odyssee: error: the backup in {src} does not verify:", file=sys.stderr)
        for problem in report.problems[:50]:
            print(f"  {problem}", file=sys.stderr)
        return 1
    private_dir(target)
    copied = backup.BackupReport()
    backup.backup_database(src / backup.DB_NAME, settings.db_path)
    backup.copy_keys(src / "keys", settings.keys_dir)
    if settings.storage == "local":
        backup.copy_blobs(src / "blobs", settings.blob_dir, _referenced(settings.db_path), copied)
    print(
        f"restored {src} into {target}: integrity ok, {report.blobs_checked} blobs verified,"
        f" {copied.blobs_copied} copied; {time.monotonic() - started:.1f} s"
    )
    return 0


def _restore_replica(settings: Settings, url: str) -> int:
    from tools.replication import restore_replica

    started = time.monotonic()
    private_dir(settings.data_dir)
    try:
        restore_replica(settings, url, settings.db_path)
    except ValueError as exc:
        print(f"odyssee: error: {exc}", file=sys.stderr)
        return 1
    report = backup.VerifyReport()
    report.problems += backup.verify_database(settings.db_path)
    if not report.problems and settings.storage == "s3":
        backup.verify_blobs(_referenced(settings.db_path), _s3_reader(settings), report)
    if not report.ok:
        print(
            f"odyssee: error: the replica restored into {settings.data_dir} does not verify:", file=sys.stderr
        )
        for problem in report.problems[:50]:
            print(f"  {problem}", file=sys.stderr)
        return 1
    print(
        f"restored {url} into {settings.data_dir}: integrity ok, {report.blobs_checked} blobs verified;"
        f" {time.monotonic() - started:.1f} s"
    )
    return 0
