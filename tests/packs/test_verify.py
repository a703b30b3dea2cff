from __future__ import annotations

import io
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from packs.container import EntrySource
from packs.errors import (
    EntryCorrupt,
    EntryMissing,
    EntryUnexpected,
    PackMalformed,
    SignatureInvalid,
    UnknownKey,
    VersionDowngrade,
)
from packs.mediatypes import Compression
from packs.signing import KeyRing, encode_signature, verification_keys_from
from packs.verify import verify_pack
from packs.writer import WrittenPack, write_pack
from packs.zipwriter import ZipWriter
from tests.packs.conftest import BUILT_AT, header


@pytest.fixture
def pack(tmp_path: Path, entries: list[EntrySource], keyring: KeyRing) -> WrittenPack:
    return write_pack(tmp_path / "route.zip", entries, header(version=3), keyring)


def rewrite(
    source: Path,
    target: Path,
    replace: dict[str, bytes] | None = None,
    drop: tuple[str, ...] = (),
    add: dict[str, bytes] | None = None,
) -> Path:
    """Copy a pack with zipfile, changing members: an attacker's or a broken server's pack."""
    replace = replace or {}
    with zipfile.ZipFile(source) as reader, zipfile.ZipFile(target, "w") as writer:
        for info in reader.infolist():
            if info.filename not in drop:
                writer.writestr(info, replace.get(info.filename, reader.read(info)))
        for name, data in (add or {}).items():
            writer.writestr(name, data)
    return target


def test_a_good_pack_verifies(pack: WrittenPack, keyring: KeyRing) -> None:
    pinned = verification_keys_from(keyring.public_keys())
    verified = verify_pack(
        pack.file.path, pinned, installed_version=3, pack_id="route:le-cheval-blanc", now=BUILT_AT
    )
    assert verified.manifest == pack.manifest
    assert verified.signed == pack.signed
    assert not verified.expired
    later = verify_pack(pack.file.path, pinned, now=BUILT_AT + timedelta(days=181))
    assert later.expired  # usable, but due for an update


def test_one_flipped_byte_in_a_media_entry_is_detected(pack: WrittenPack, keyring: KeyRing) -> None:
    with zipfile.ZipFile(pack.file.path) as reader:
        info = next(i for i in reader.infolist() if i.filename.endswith(".mp3"))
    data = bytearray(pack.file.path.read_bytes())
    data[info.header_offset + 30 + len(info.filename) + 5000] ^= 0x01  # inside the stored MP3 bytes
    pack.file.path.write_bytes(bytes(data))
    with pytest.raises(EntryCorrupt) as raised:
        verify_pack(pack.file.path, keyring.verification_keys())
    assert raised.value.path == info.filename


def test_an_entry_swapped_with_a_consistent_crc_is_caught_by_its_sha256(
    pack: WrittenPack, keyring: KeyRing, tmp_path: Path
) -> None:
    target = next(e for e in pack.manifest.entries if e.type == "image/png")
    with zipfile.ZipFile(pack.file.path) as reader:
        altered = bytearray(reader.read(target.path))
    altered[-20] ^= 0xFF
    forged = rewrite(pack.file.path, tmp_path / "forged.zip", replace={target.path: bytes(altered)})
    with pytest.raises(EntryCorrupt, match="SHA-256") as raised:
        verify_pack(forged, keyring.verification_keys())
    assert raised.value.path == target.path


def test_an_edited_manifest_fails_its_signature(pack: WrittenPack, keyring: KeyRing, tmp_path: Path) -> None:
    edited = pack.signed.manifest_bytes.replace(b'"version":3', b'"version":9')
    forged = rewrite(pack.file.path, tmp_path / "forged.zip", replace={"manifest.json": edited})
    with pytest.raises(SignatureInvalid) as raised:
        verify_pack(forged, keyring.verification_keys())
    assert raised.value.path == "manifest.sig"


def test_a_signature_by_another_key_under_the_same_kid_fails(
    pack: WrittenPack, keyring: KeyRing, tmp_path: Path
) -> None:
    impostor = encode_signature(Ed25519PrivateKey.generate().sign(pack.signed.manifest_bytes))
    forged = rewrite(pack.file.path, tmp_path / "forged.zip", replace={"manifest.sig": impostor})
    with pytest.raises(SignatureInvalid):
        verify_pack(forged, keyring.verification_keys())


def test_a_key_that_is_not_pinned_is_refused(pack: WrittenPack, keyring: KeyRing) -> None:
    keyring.rotate()
    pinned = keyring.verification_keys()
    del pinned["2026-a"]
    with pytest.raises(UnknownKey, match="2026-a"):
        verify_pack(pack.file.path, pinned)


def test_a_pack_signed_before_a_rotation_still_verifies_with_its_kid(
    pack: WrittenPack, keyring: KeyRing, tmp_path: Path, entries: list[EntrySource]
) -> None:
    keyring.rotate()
    newer = write_pack(tmp_path / "newer.zip", entries, header(version=4), keyring)
    pinned = verification_keys_from(keyring.public_keys())
    assert verify_pack(pack.file.path, pinned).manifest.key_id == "2026-a"
    assert verify_pack(newer.file.path, pinned).manifest.key_id == "2026-b"


def test_an_extra_file_makes_the_pack_invalid(pack: WrittenPack, keyring: KeyRing, tmp_path: Path) -> None:
    forged = rewrite(pack.file.path, tmp_path / "forged.zip", add={"media/extra.webp": b"RIFF"})
    with pytest.raises(EntryUnexpected) as raised:
        verify_pack(forged, keyring.verification_keys())
    assert raised.value.path == "media/extra.webp"


@pytest.mark.parametrize("which", ["media", "manifest.sig", "manifest.json"])
def test_a_missing_file_makes_the_pack_invalid(
    pack: WrittenPack, keyring: KeyRing, tmp_path: Path, which: str
) -> None:
    name = pack.manifest.entries[-1].path if which == "media" else which
    forged = rewrite(pack.file.path, tmp_path / "forged.zip", drop=(name,))
    with pytest.raises(EntryMissing) as raised:
        verify_pack(forged, keyring.verification_keys())
    assert raised.value.path == name


def test_an_older_version_than_the_installed_one_is_refused(pack: WrittenPack, keyring: KeyRing) -> None:
    with pytest.raises(VersionDowngrade, match="older"):
        verify_pack(pack.file.path, keyring.verification_keys(), installed_version=4)


def test_another_packs_manifest_is_refused(pack: WrittenPack, keyring: KeyRing) -> None:
    with pytest.raises(PackMalformed, match="expected"):
        verify_pack(pack.file.path, keyring.verification_keys(), pack_id="route:autre")


@pytest.mark.parametrize("name", ["../evil.txt", "/etc/passwd", "media/../../x", "Media/a.png"])
def test_zip_slip_names_in_a_hostile_zip_are_refused(
    pack: WrittenPack, keyring: KeyRing, tmp_path: Path, name: str
) -> None:
    forged = rewrite(pack.file.path, tmp_path / "forged.zip", add={name: b"x"})
    with pytest.raises(PackMalformed) as raised:
        verify_pack(forged, keyring.verification_keys())
    assert raised.value.path == name


def test_duplicate_names_are_refused(pack: WrittenPack, keyring: KeyRing, tmp_path: Path) -> None:
    with pytest.warns(UserWarning, match="Duplicate name"):
        forged = rewrite(pack.file.path, tmp_path / "forged.zip", add={"manifest.json": b"{}"})
    with pytest.raises(PackMalformed, match="duplicate"):
        verify_pack(forged, keyring.verification_keys())


def test_a_data_descriptor_is_refused(pack: WrittenPack, keyring: KeyRing, tmp_path: Path) -> None:
    class Unseekable:
        def __init__(self, path: Path) -> None:
            self.file = path.open("wb")

        def write(self, data: bytes) -> int:
            return self.file.write(data)

        def flush(self) -> None:
            self.file.flush()

    target = tmp_path / "streamed.zip"
    sink = Unseekable(target)
    with zipfile.ZipFile(pack.file.path) as reader, zipfile.ZipFile(sink, "w") as writer:  # type: ignore[call-overload]
        for info in reader.infolist():
            writer.writestr(info, reader.read(info))
    sink.file.close()
    with pytest.raises(PackMalformed, match="data descriptor"):
        verify_pack(target, keyring.verification_keys())


def test_files_that_are_not_packs_are_refused(
    pack: WrittenPack, keyring: KeyRing, tmp_path: Path, fixtures_dir: Path
) -> None:
    with pytest.raises(PackMalformed, match="not a readable ZIP"):
        verify_pack(fixtures_dir / "bad" / "not-an-image.jpg", keyring.verification_keys())
    truncated = tmp_path / "truncated.zip"
    truncated.write_bytes(pack.file.path.read_bytes()[:-30])
    with pytest.raises(PackMalformed):
        verify_pack(truncated, keyring.verification_keys())


def test_bytes_hidden_outside_the_listed_entries_are_refused(
    pack: WrittenPack, keyring: KeyRing, tmp_path: Path
) -> None:
    # A local entry smuggled in front: zipfile skips it (it trusts the central directory), but a streaming
    # reader such as Java's ZipInputStream would read it first.
    smuggled = io.BytesIO()
    with ZipWriter(smuggled) as writer:
        writer.add("media/evil.webp", io.BytesIO(b"RIFF"), size=4, compression=Compression.STORED)
    local_entry = smuggled.getvalue()[: smuggled.getvalue().index(b"PK\x01\x02")]
    forged = tmp_path / "forged.zip"
    forged.write_bytes(local_entry + pack.file.path.read_bytes())
    with zipfile.ZipFile(forged) as reader:
        assert reader.testzip() is None  # the standard library alone does not notice
    with pytest.raises(PackMalformed, match="unlisted bytes"):
        verify_pack(forged, keyring.verification_keys())
