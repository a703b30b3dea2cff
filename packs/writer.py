"""``write_pack``: a whole signed pack, written atomically from entry sources and a header."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from packs.container import EntrySource, WrittenFile, write_container
from packs.manifest import Manifest, PackHeader, SignedManifest, build_manifest, encode_manifest
from packs.paths import MANIFEST_NAME, SIGNATURE_NAME, check_unique_paths
from packs.signing import KeyRing, encode_signature

__all__ = ["MANIFEST_TYPE", "SIGNATURE_TYPE", "WrittenPack", "sign_manifest", "write_pack"]

MANIFEST_TYPE = "application/json"
SIGNATURE_TYPE = "text/plain"


@dataclass(frozen=True)
class WrittenPack:
    """What the builder records of a written pack: the file's digest and the signed manifest."""

    file: WrittenFile
    signed: SignedManifest

    @property
    def manifest(self) -> Manifest:
        return self.signed.manifest


def sign_manifest(manifest: Manifest, keyring: KeyRing) -> SignedManifest:
    """Encode ``manifest`` canonically and sign it with the key it names."""
    manifest_bytes = encode_manifest(manifest)
    signature = encode_signature(keyring.key(manifest.key_id).sign(manifest_bytes))
    return SignedManifest(manifest_bytes, signature)


def write_pack(
    out_path: Path, entries: Iterable[EntrySource], header: PackHeader, keyring: KeyRing
) -> WrittenPack:
    """Write the pack of ``entries`` to ``out_path``, signed with the ring's active key.

    The manifest is computed first from the declared SHA-256 and sizes, then every entry is streamed
    once into the ZIP and checked against them. Nothing appears under ``out_path`` unless the whole pack
    was written. Blocking: run it in a worker thread.
    """
    sources = list(entries)
    check_unique_paths(source.path for source in sources)  # a bad or duplicate path fails before any work
    manifest = build_manifest(header, (source.manifest_entry() for source in sources), keyring.active().kid)
    signed = sign_manifest(manifest, keyring)
    written = write_container(
        out_path,
        [
            *sources,
            EntrySource.from_bytes(MANIFEST_NAME, MANIFEST_TYPE, signed.manifest_bytes),
            EntrySource.from_bytes(SIGNATURE_NAME, SIGNATURE_TYPE, signed.signature),
        ],
    )
    return WrittenPack(written, signed)
