"""Checking a pack as a phone does: the signature, the version, then every entry, and nothing else.

The ZIP is read with the standard library's ``zipfile``, as a phone reads it with its platform's own.
"""

from __future__ import annotations

import hashlib
import struct
import zipfile
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import BinaryIO

import msgspec
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from packs import _zipformat as fmt
from packs.container import sha256_of
from packs.errors import (
    EntryCorrupt,
    EntryMissing,
    EntryUnexpected,
    InvalidEntryPath,
    PackInvalid,
    PackMalformed,
    SignatureInvalid,
    UnknownKey,
    VersionDowngrade,
)
from packs.manifest import FORMAT_VERSION, Manifest, ManifestEntry, SignedManifest, decode_manifest
from packs.mediatypes import Compression
from packs.paths import MANIFEST_NAME, SIGNATURE_NAME, validate_entry_path
from packs.signing import decode_signature
from packs.zipwriter import CHUNK_SIZE

__all__ = [
    "MAX_MANIFEST_BYTES",
    "PackReader",
    "PublicKeys",
    "VerifiedPack",
    "check_file",
    "verify_manifest",
    "verify_pack",
]

PublicKeys = Mapping[str, Ed25519PublicKey]
"""The pinned keys, by kid (``signing.verification_keys_from`` builds it from the keys listing)."""

MAX_MANIFEST_BYTES = 64 * 1024 * 1024
_MAX_SIGNATURE_BYTES = 1024


class _KeyIdOnly(msgspec.Struct):
    key_id: str


def verify_manifest(
    signed: SignedManifest,
    public_keys: PublicKeys,
    *,
    installed_version: int | None = None,
    pack_id: str | None = None,
) -> Manifest:
    """Steps 1 and 2 of PACK_FORMAT.md: the signature over the exact bytes, then the version.

    Only ``key_id`` is read before the signature is checked, to pick the pinned key; the manifest is
    decoded in full once its bytes are known to be the server's. ``pack_id`` guards against a validly
    signed manifest of another pack being substituted.
    """
    try:
        kid = msgspec.json.decode(signed.manifest_bytes, type=_KeyIdOnly).key_id
    except (msgspec.DecodeError, msgspec.ValidationError) as exc:
        raise PackMalformed(str(exc), MANIFEST_NAME) from None
    public_key = public_keys.get(kid)
    if public_key is None:
        raise UnknownKey(f"signed with key {kid!r}, which is not pinned", SIGNATURE_NAME)
    try:
        public_key.verify(decode_signature(signed.signature), signed.manifest_bytes)
    except InvalidSignature:
        raise SignatureInvalid(f"does not verify manifest.json with key {kid!r}", SIGNATURE_NAME) from None
    manifest = decode_manifest(signed.manifest_bytes)
    if manifest.format != FORMAT_VERSION:
        raise PackMalformed(f"format {manifest.format} is not supported", MANIFEST_NAME)
    if pack_id is not None and manifest.pack_id != pack_id:
        raise PackMalformed(f"pack {manifest.pack_id!r}, expected {pack_id!r}", MANIFEST_NAME)
    if installed_version is not None and manifest.version < installed_version:
        raise VersionDowngrade(f"version {manifest.version} is older than the installed {installed_version}")
    return manifest


class PackReader:
    """An open pack or delta ZIP whose container has been checked: safe names, no duplicates, no
    encryption, no data descriptor, only STORED and DEFLATE."""

    def __init__(self, path: Path) -> None:
        try:
            self._zip = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError) as exc:
            raise PackMalformed(f"not a readable ZIP: {exc}") from None
        try:
            self.infos = self._check_container(self._zip)
            self._check_layout(path, self._zip, self.infos)
        except PackInvalid:
            self._zip.close()
            raise

    @staticmethod
    def _check_container(archive: zipfile.ZipFile) -> dict[str, zipfile.ZipInfo]:
        infos: dict[str, zipfile.ZipInfo] = {}
        for info in archive.infolist():
            try:
                validate_entry_path(info.filename)
            except InvalidEntryPath as exc:
                raise PackMalformed(exc.reason, info.filename) from None
            if info.filename in infos:
                raise PackMalformed("duplicate entry", info.filename)
            if info.flag_bits & 0x1:
                raise PackMalformed("encrypted", info.filename)
            if info.flag_bits & fmt.FLAG_DATA_DESCRIPTOR:
                raise PackMalformed("has a data descriptor", info.filename)
            if info.compress_type not in (Compression.STORED, Compression.DEFLATED):
                raise PackMalformed(f"compression method {info.compress_type}", info.filename)
            infos[info.filename] = info
        return infos

    @staticmethod
    def _check_layout(path: Path, archive: zipfile.ZipFile, infos: dict[str, zipfile.ZipInfo]) -> None:
        """Entries follow each other from offset 0 up to the central directory, with nothing between.

        A streaming reader (Java's ``ZipInputStream``) walks the local headers rather than the central
        directory; bytes hidden between entries could show it files that this check never saw.
        """
        expected = 0
        with path.open("rb") as file:
            for info in sorted(infos.values(), key=lambda info: info.header_offset):
                if info.header_offset != expected:
                    raise PackMalformed("unlisted bytes before this entry", info.filename)
                file.seek(info.header_offset)
                header = file.read(fmt.LOCAL_HEADER_SIZE)
                if len(header) != fmt.LOCAL_HEADER_SIZE or not header.startswith(b"PK\x03\x04"):
                    raise PackMalformed("no local header where the central directory points", info.filename)
                name_length, extra_length = struct.unpack_from("<HH", header, 26)
                expected = info.header_offset + fmt.LOCAL_HEADER_SIZE + name_length + extra_length
                expected += info.compress_size
        if expected != archive.start_dir:
            raise PackMalformed("unlisted bytes before the central directory")

    def close(self) -> None:
        self._zip.close()

    def __enter__(self) -> PackReader:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def read_small(self, name: str, limit: int) -> bytes:
        """A whole small member (``manifest.json``, ``delta.json``…), refusing one over ``limit`` bytes."""
        info = self.infos.get(name)
        if info is None:
            raise EntryMissing("not in the ZIP", name)
        if info.file_size > limit:
            raise PackMalformed(f"larger than {limit} bytes", name)
        try:
            return self._zip.read(info)
        except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
            raise EntryCorrupt(str(exc), name) from None

    def signed_manifest(self) -> SignedManifest:
        return SignedManifest(
            self.read_small(MANIFEST_NAME, MAX_MANIFEST_BYTES),
            self.read_small(SIGNATURE_NAME, _MAX_SIGNATURE_BYTES),
        )

    def check_names(self, expected: set[str]) -> None:
        """The ZIP holds exactly ``expected``: a missing or an extra file makes it invalid."""
        missing = sorted(expected - self.infos.keys())
        if missing:
            raise EntryMissing(f"listed but not in the ZIP ({len(missing)} missing)", missing[0])
        extra = sorted(self.infos.keys() - expected)
        if extra:
            raise EntryUnexpected(f"in the ZIP but not listed ({len(extra)} extra)", extra[0])

    def copy_entry(self, entry: ManifestEntry, sink: BinaryIO | None = None) -> None:
        """Stream ``entry`` (into ``sink`` if given), checking its size, CRC-32 and SHA-256."""
        info = self.infos.get(entry.path)
        if info is None:
            raise EntryMissing("not in the ZIP", entry.path)
        if info.file_size != entry.size:
            raise EntryCorrupt(f"size {info.file_size}, the manifest says {entry.size}", entry.path)
        digest, size = hashlib.sha256(), 0
        try:
            with self._zip.open(info) as stream:
                while chunk := stream.read(CHUNK_SIZE):
                    digest.update(chunk)
                    size += len(chunk)
                    if sink is not None:
                        sink.write(chunk)
        except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
            raise EntryCorrupt(str(exc), entry.path) from None
        _check_digest(entry, digest.hexdigest(), size)


@dataclass(frozen=True)
class VerifiedPack:
    manifest: Manifest
    signed: SignedManifest
    expired: bool
    """Past ``expires``: still usable, but due for an update."""


def verify_pack(
    pack_path: Path,
    public_keys: PublicKeys,
    *,
    installed_version: int | None = None,
    pack_id: str | None = None,
    now: datetime | None = None,
) -> VerifiedPack:
    """Verify a full pack; raises a ``PackInvalid`` subclass naming the failed check and file."""
    with PackReader(pack_path) as reader:
        signed = reader.signed_manifest()
        manifest = verify_manifest(signed, public_keys, installed_version=installed_version, pack_id=pack_id)
        reader.check_names({entry.path for entry in manifest.entries} | {MANIFEST_NAME, SIGNATURE_NAME})
        for entry in manifest.entries:
            reader.copy_entry(entry)
    moment = now if now is not None else datetime.now(UTC)
    return VerifiedPack(manifest, signed, expired=moment >= manifest.expires)


def check_file(file: Path, entry: ManifestEntry) -> None:
    """Check an unpacked entry on disk against the manifest (step 5 of applying a delta)."""
    try:
        stream = file.open("rb")
    except FileNotFoundError:
        raise EntryMissing("not on disk", entry.path) from None
    with stream:
        sha256, size = sha256_of(stream)
    _check_digest(entry, sha256, size)


def _check_digest(entry: ManifestEntry, sha256: str, size: int) -> None:
    if size != entry.size:
        raise EntryCorrupt(f"{size} bytes, the manifest says {entry.size}", entry.path)
    if sha256 != entry.sha256:
        raise EntryCorrupt(f"SHA-256 {sha256}, the manifest says {entry.sha256}", entry.path)
