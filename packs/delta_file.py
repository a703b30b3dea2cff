"""The delta file between two versions of a pack: ``delta.json``, which entries to ship, and the delta ZIP.

Serving deltas (built once, kept as blobs) is :mod:`packs.delta_builder`'s; this module is its format.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from functools import partial
from pathlib import Path

import msgspec

from packs.container import EntrySource, WrittenFile, write_container
from packs.errors import PackMalformed
from packs.manifest import Manifest, ManifestEntry, SignedManifest
from packs.paths import DELTA_NAME, MANIFEST_NAME, SIGNATURE_NAME
from packs.writer import MANIFEST_TYPE, SIGNATURE_TYPE
from packs.zipwriter import Readable

__all__ = ["DeltaInfo", "EntryOpener", "build_delta", "decode_delta_info", "encode_delta_info", "plan_delta"]

EntryOpener = Callable[[ManifestEntry], AbstractContextManager[Readable]]
"""Opens the bytes of an entry of the new version (the builder maps ``sha256`` to the blob store)."""


class DeltaInfo(msgspec.Struct, frozen=True):
    """``delta.json``: ``{"from": N, "to": M, "removed": [paths of N absent from M]}``."""

    from_version: int = msgspec.field(name="from")
    to_version: int = msgspec.field(name="to")
    removed: tuple[str, ...] = ()


_encoder = msgspec.json.Encoder()
_decoder = msgspec.json.Decoder(DeltaInfo)


def encode_delta_info(info: DeltaInfo) -> bytes:
    return _encoder.encode(info)


def decode_delta_info(data: bytes) -> DeltaInfo:
    try:
        return _decoder.decode(data)
    except (msgspec.DecodeError, msgspec.ValidationError) as exc:
        raise PackMalformed(str(exc), DELTA_NAME) from None


def plan_delta(old: Manifest, new: Manifest) -> tuple[DeltaInfo, list[ManifestEntry]]:
    """``delta.json`` and the entries to ship: those of ``new`` whose (path, sha256) is not in ``old``."""
    if old.pack_id != new.pack_id:
        raise ValueError(f"a delta joins versions of one pack, not {old.pack_id!r} and {new.pack_id!r}")
    if old.version >= new.version:
        raise ValueError(f"no delta from version {old.version} to version {new.version}")
    kept = {(entry.path, entry.sha256) for entry in old.entries}
    shipped = [entry for entry in new.entries if (entry.path, entry.sha256) not in kept]
    new_paths = {entry.path for entry in new.entries}
    removed = tuple(entry.path for entry in old.entries if entry.path not in new_paths)
    return DeltaInfo(from_version=old.version, to_version=new.version, removed=removed), shipped


def build_delta(out_path: Path, old: Manifest, new: SignedManifest, open_entry: EntryOpener) -> WrittenFile:
    """Write the delta ZIP from ``old`` to ``new`` at ``out_path``, atomically (same rules as a pack).

    It holds ``new``'s manifest and signature byte for byte, ``delta.json`` and the shipped entries,
    each checked against the new manifest while it streams. Blocking: run it in a worker thread.
    """
    info, shipped = plan_delta(old, new.manifest)
    sources = [
        EntrySource(entry.path, entry.type, entry.sha256, entry.size, partial(open_entry, entry))
        for entry in shipped
    ]
    sources += [
        EntrySource.from_bytes(MANIFEST_NAME, MANIFEST_TYPE, new.manifest_bytes),
        EntrySource.from_bytes(SIGNATURE_NAME, SIGNATURE_TYPE, new.signature),
        EntrySource.from_bytes(DELTA_NAME, MANIFEST_TYPE, encode_delta_info(info)),
    ]
    return write_container(out_path, sources)
