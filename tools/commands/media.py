"""``odyssee media import FILE``: ingest an image or narration and print its media ref as JSON."""

from __future__ import annotations

import argparse
import asyncio
import sys

import msgspec

from content.blobs import open_blob_store
from content.core.db import Database
from content.core.errors import OdysseeError
from content.core.model import MediaRef
from content.core.settings import Settings
from content.media import ingest
from tools.cli import add_common, input_file, settings_from

__all__ = ["register"]


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("media", help="manage media", description="Manage images and narrations.")
    commands = parser.add_subparsers(dest="media_command", metavar="ACTION", required=True)
    importer = commands.add_parser(
        "import",
        help="import an image or narration",
        description="Store an image or narration with its phone variants and print its media ref as JSON."
        " Importing the same file again prints the same ref without re-encoding.",
    )
    add_common(importer)
    importer.add_argument(
        "file", type=input_file, metavar="FILE", help="JPEG/PNG/WebP/GIF/AVIF image or audio file"
    )
    importer.add_argument("--credit", help="who made it, as shown to visitors")
    importer.add_argument("--licence", help="licence, e.g. CC-BY-4.0")
    importer.add_argument("--alt", help="alternative text (images) or caption (audio)")
    importer.add_argument("--user", dest="user_id", help="user id recorded as the importer")
    importer.set_defaults(handler=run_import)


def run_import(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    try:
        ref = asyncio.run(_import(settings, args))
    except OdysseeError as exc:
        print(f"odyssee: cannot import {args.file}: {exc.detail}", file=sys.stderr)
        return 1
    sys.stdout.write(msgspec.json.format(msgspec.json.encode(ref)).decode() + "\n")
    return 0


async def _import(settings: Settings, args: argparse.Namespace) -> MediaRef:
    store = open_blob_store(settings)
    try:
        async with Database(settings.db_path, readers=1) as db:
            return await ingest(
                db,
                store,
                settings,
                args.file,
                credit=args.credit,
                licence=args.licence,
                alt=args.alt,
                user_id=args.user_id,
            )
    finally:
        await store.close()
