"""``odyssee storage init|check``: prepare the blob store (the S3 bucket) and prove it works end to end."""

from __future__ import annotations

import argparse
import asyncio
import sys

from botocore.exceptions import BotoCoreError, ClientError

from content.blobs import BlobStore, BucketNotFound, S3BlobStore, open_blob_store
from content.core.settings import Settings
from tools.cli import CommandError, add_common, settings_from

__all__ = ["register"]

# A fixed probe: content-addressed, so every check writes the same key and never piles up objects.
_PROBE = b"odyssee storage check\n" + bytes(range(256)) * 16
_FAILURES = (BotoCoreError, ClientError, BucketNotFound, OSError)


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "storage",
        help="prepare and check the blob store",
        description="Prepare and check the blob store: the local folder, or the S3 bucket when"
        " ODYSSEE_STORAGE=s3 (credentials from AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or a profile).",
    )
    commands = parser.add_subparsers(dest="storage_command", metavar="ACTION", required=True)
    init = commands.add_parser(
        "init",
        help="create the bucket (or folder) if missing",
        description="Create the S3 bucket named by ODYSSEE_S3_BUCKET if it is missing (or the local blob"
        " folder). Safe to run again.",
    )
    add_common(init, store="none")
    init.add_argument(
        "--public-read",
        action="store_true",
        help="also set a bucket policy letting anyone GET objects under ODYSSEE_S3_PREFIX, so the store"
        " or a CDN serves media and packs directly",
    )
    init.set_defaults(handler=run_init)
    check = commands.add_parser(
        "check",
        help="write, read back and remove a probe blob",
        description="Write a small probe blob, read a range of it back and remove it: proves the settings,"
        " credentials and permissions work.",
    )
    add_common(check, store="none")
    check.set_defaults(handler=run_check)


def run_init(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    if settings.storage != "s3":
        settings.blob_dir.mkdir(parents=True, exist_ok=True)
        print(f"local blob folder {settings.blob_dir} ready")
        return 0
    try:
        created = asyncio.run(_init(settings, args.public_read))
    except _FAILURES as exc:
        print(f"odyssee: storage init failed: {exc}", file=sys.stderr)
        return 1
    where = f"s3://{settings.s3_bucket}/{settings.s3_prefix}"
    print(f"bucket {settings.s3_bucket} {'created' if created else 'already exists'}")
    if args.public_read:
        print(f"anyone may now GET objects under {where}")
    return 0


def run_check(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    if settings.storage == "local" and not settings.blob_dir.is_dir():
        # A typo in --data-dir must not leave a new folder behind.
        raise CommandError(f"no local blob folder {settings.blob_dir}: run `odyssee storage init` first")
    try:
        report = asyncio.run(_check(open_blob_store(settings)))
    except _FAILURES as exc:
        print(f"odyssee: storage check failed: {exc}", file=sys.stderr)
        return 1
    print(report)
    return 0


async def _init(settings: Settings, public_read: bool) -> bool:
    store = S3BlobStore(settings)
    try:
        return await store.ensure_bucket(public_read=public_read)
    finally:
        await store.close()


async def _check(store: BlobStore) -> str:
    try:
        stored = await store.put_bytes(_PROBE, content_type="application/octet-stream")
        back = b"".join([chunk async for chunk in store.read_range(stored.sha256, 100, 1000)])
        if back != _PROBE[100:1100] or await store.size(stored.sha256) != len(_PROBE):
            raise OSError(f"blob {stored.sha256} read back different bytes")
        if stored.created:
            await store.delete(stored.sha256)
        url = store.public_url(stored.sha256)
    finally:
        await store.close()
    return f"{type(store).__name__}: write, ranged read and delete OK" + (
        f"; public URLs like {url}" if url else ""
    )
