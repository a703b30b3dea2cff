"""``odyssee basemap set FILE [--style DIR]`` and ``odyssee basemap info``: the offline basemap."""

from __future__ import annotations

import argparse
import asyncio
import json
from pathlib import Path

from content.blobs import BlobNotFound, BlobStore, open_blob_store
from content.core.settings import Settings
from packs.builder import build_all
from packs.tiles.basemap import (
    BasemapRecord,
    BasemapRef,
    BasemapSummary,
    check_archive,
    load_style_json,
    open_basemap,
    read_record,
    resolve_basemap,
    write_record,
)
from packs.tiles.format import FormatError
from packs.tiles.reader import Archive, FileSource
from packs.tiles.style import style_fonts
from tools.cli import add_common, settings_from
from tools.commands._store import fail

__all__ = ["check_basemap_file", "check_style_dir", "register", "set_basemap"]


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    basemap = subparsers.add_parser(
        "basemap",
        help="the offline basemap packs carry",
        description="Set or describe the basemap (a PMTiles v3 file) cut into every pack.",
    )
    actions = basemap.add_subparsers(dest="basemap_command", metavar="ACTION", required=True)
    setter = actions.add_parser(
        "set",
        help="check and store a PMTiles basemap",
        description="Check FILE (header, tile type, compressions, bounds, zooms, every directory), store it"
        " in the blob store with the style directory of a vector basemap, then rebuild the packs"
        " (unless --no-build). Nothing is stored if a check fails.",
    )
    add_common(setter)
    setter.add_argument("file", type=Path, metavar="FILE", help="a PMTiles v3 archive (raster or MVT)")
    setter.add_argument(
        "--style",
        type=Path,
        metavar="DIR",
        help="vector basemaps: a directory holding style.json, its sprites and fonts/<stack>/<range>.pbf",
    )
    setter.add_argument("--no-build", dest="build", action="store_false", help="do not rebuild the packs")
    setter.set_defaults(handler=run_set)
    info = actions.add_parser("info", help="describe the basemap in use", description="Describe the basemap.")
    add_common(info)
    info.add_argument("--json", action="store_true", help="one JSON object")
    info.set_defaults(handler=run_info)


def check_basemap_file(path: Path) -> BasemapSummary:
    """Open and check a basemap file by range; ``FormatError``/``OSError`` say what is wrong."""
    with FileSource(path) as source:
        return check_archive(Archive(source))


def _style_files(directory: Path) -> dict[str, Path]:
    return {
        path.relative_to(directory).as_posix(): path
        for path in sorted(directory.rglob("*"))
        if path.is_file() and not path.name.startswith(".")
    }


def check_style_dir(directory: Path) -> dict[str, Path]:
    """The style directory's files, once ``style.json`` is a MapLibre style whose sprite and fonts are
    there; raises ``FormatError`` naming what is missing."""
    if not directory.is_dir():
        raise FormatError(f"{directory} is not a directory")
    files = _style_files(directory)
    if "style.json" not in files:
        raise FormatError(f"{directory} has no style.json")
    style = load_style_json(files["style.json"].read_bytes())
    sprite = style.get("sprite")
    if isinstance(sprite, str) and sprite:
        base = sprite.rstrip("/").rsplit("/", 1)[-1]
        for name in (f"{base}.json", f"{base}.png"):
            if name not in files:
                raise FormatError(f"the style's sprite needs {name} in {directory}")
    for stack in style_fonts(style):
        fonts = stack.split(",")
        if not any(name.startswith(f"fonts/{font}/") for font in fonts for name in files):
            raise FormatError(f"the style uses the font stack {stack!r}: add fonts/{fonts[0]}/0-255.pbf …")
    return files


async def set_basemap(
    settings: Settings, path: Path, style_dir: Path | None
) -> tuple[BasemapRecord, BasemapSummary]:
    """Check, then store the basemap and its style and record them. Raises before storing anything."""
    summary = await asyncio.to_thread(check_basemap_file, path)
    style_files: dict[str, Path] = {}
    if style_dir is not None:
        if not summary.tile_type.is_vector:
            raise FormatError("--style is for vector basemaps; this one has raster tiles")
        style_files = await asyncio.to_thread(check_style_dir, style_dir)
    elif summary.tile_type.is_vector:
        raise FormatError("a vector basemap needs its style: add --style DIR (style.json, sprites, fonts)")
    blobs = open_blob_store(settings)
    try:
        stored = await blobs.put_file(path, content_type="application/vnd.pmtiles")
        style = {}
        for name, file in style_files.items():
            style[name] = (await blobs.put_file(file)).sha256
    finally:
        await blobs.close()
    record = BasemapRecord(
        sha256=stored.sha256, size=stored.size, name=str(summary.metadata.get("name", path.name)), style=style
    )
    await asyncio.to_thread(write_record, settings, record)
    return record, summary


def _describe(summary: BasemapSummary) -> dict[str, object]:
    return {
        "tile_type": summary.tile_type.label,
        "tile_compression": summary.tile_compression.name.lower(),
        "minzoom": summary.min_zoom,
        "maxzoom": summary.max_zoom,
        "bounds": list(summary.bounds),
        "center": list(summary.center),
        "tiles": summary.addressed_tiles,
        "tile_entries": summary.tile_entries,
        "tile_contents": summary.tile_contents,
        "name": summary.metadata.get("name"),
        "attribution": summary.metadata.get("attribution"),
    }


def _print(described: dict[str, object]) -> None:
    width = max(len(key) for key in described)
    for key, value in described.items():
        print(f"{key:<{width}}  {value}")


def run_set(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    if settings.basemap:
        print("note: ODYSSEE_BASEMAP is set and takes precedence over the stored basemap")
    try:
        record, summary = asyncio.run(set_basemap(settings, args.file, args.style))
    except (FormatError, OSError) as exc:
        return fail(f"basemap {args.file}: {exc}")
    print(f"basemap stored as {record.sha256} ({record.size} bytes, {len(record.style)} style files)")
    _print(_describe(summary))
    if args.build:
        built = asyncio.run(build_all(settings))
        print(f"offline packs: {sum(result.changed for result in built)} built or updated")
    return 0


def run_info(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    try:
        ref = resolve_basemap(settings)
    except OSError as exc:
        return fail(f"basemap {settings.basemap}: {exc}")
    if ref is None:
        message = "no basemap: packs are built without maps (odyssee basemap set FILE)"
        print(json.dumps({"basemap": None}) if args.json else message)
        return 0

    async def summarise() -> tuple[BasemapSummary, int]:
        blobs = open_blob_store(settings)
        try:
            size = ref.size if ref.size >= 0 or ref.blob is None else await blobs.size(ref.blob)
            return await asyncio.to_thread(_check, ref, blobs), size
        finally:
            await blobs.close()

    try:
        summary, size = asyncio.run(summarise())
    except (FormatError, OSError, BlobNotFound) as exc:
        return fail(f"basemap {ref.identity}: {exc}")
    record = read_record(settings) if not settings.basemap else None
    described = {
        "source": str(ref.path) if ref.path is not None else f"blob {ref.blob}",
        "size": size,
        **_describe(summary),
        "style_files": len(ref.style_files) if record else None,
    }
    if args.json:
        print(json.dumps(described, ensure_ascii=False))
    else:
        _print(described)
    return 0


def _check(ref: BasemapRef, blobs: BlobStore) -> BasemapSummary:
    with open_basemap(ref, blobs) as archive:
        return check_archive(archive)
