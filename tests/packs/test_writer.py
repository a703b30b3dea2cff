from __future__ import annotations

import dataclasses
import hashlib
import io
import subprocess
import zipfile
from contextlib import AbstractContextManager
from pathlib import Path

import pytest

from packs.container import EntrySource
from packs.errors import EntryMismatch, InvalidEntryPath
from packs.signing import KeyRing, decode_signature
from packs.writer import write_pack
from packs.zipwriter import Readable
from tests.packs.conftest import header
from tests.packs.zipparse import parse


def test_a_pack_holds_its_entries_its_manifest_and_its_signature(
    tmp_path: Path, entries: list[EntrySource], keyring: KeyRing
) -> None:
    out = tmp_path / "packs" / "route.zip"
    written = write_pack(out, entries, header(), keyring)
    data = out.read_bytes()
    assert (written.file.path, written.file.size) == (out, len(data))
    assert written.file.sha256 == hashlib.sha256(data).hexdigest()
    with zipfile.ZipFile(out) as reader:
        assert reader.testzip() is None
        names = reader.namelist()
        assert names == sorted(names)
        assert set(names) == {e.path for e in entries} | {"manifest.json", "manifest.sig"}
        assert reader.read("manifest.json") == written.signed.manifest_bytes
        assert reader.read("manifest.sig") == written.signed.signature
        for source in entries:
            with source.open() as stream:
                assert reader.read(source.path) == stream.read()
    manifest = written.manifest
    assert manifest.key_id == "2026-a"
    assert [(e.path, e.sha256, e.size, e.type) for e in manifest.entries] == sorted(
        (s.path, s.sha256, s.size, s.type) for s in entries
    )
    keyring.verification_keys()["2026-a"].verify(
        decode_signature(written.signed.signature), written.signed.manifest_bytes
    )
    methods = {c.name: c.method for c in parse(data).centrals}
    assert methods["content/pois.geojson"] == methods["manifest.json"] == methods["manifest.sig"] == 8
    assert {methods[s.path] for s in entries if s.path.startswith("media/")} == {0}
    result = subprocess.run(["unzip", "-t", str(out)], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_two_builds_of_the_same_content_are_byte_identical(
    tmp_path: Path, entries: list[EntrySource], keyring: KeyRing
) -> None:
    first = write_pack(tmp_path / "a.zip", entries, header(), keyring)
    second = write_pack(tmp_path / "b.zip", reversed(entries), header(), keyring)
    assert (tmp_path / "a.zip").read_bytes() == (tmp_path / "b.zip").read_bytes()
    assert first.file.sha256 == second.file.sha256
    assert first.signed == second.signed


def failing(source: EntrySource) -> EntrySource:
    """The source of ``source``, which breaks after its first kilobyte (a blob store that goes away)."""

    class Broken(io.BytesIO):
        def read(self, size: int | None = -1, /) -> bytes:
            if self.tell() >= 1024:
                raise OSError("connection reset by the object store")
            return super().read(min(1024, size if size is not None and size >= 0 else 1024))

    def open_broken() -> AbstractContextManager[Readable]:
        with source.open() as stream:
            return Broken(stream.read())

    return dataclasses.replace(source, open=open_broken)


def test_a_failure_midway_leaves_the_previous_file_and_no_partial_one(
    tmp_path: Path, entries: list[EntrySource], keyring: KeyRing
) -> None:
    out = tmp_path / "route.zip"
    write_pack(out, entries, header(), keyring)
    before = out.read_bytes()
    # The last media entry in path order fails, after the others have been written.
    last = max(range(len(entries)), key=lambda i: entries[i].path)
    broken = [failing(s) if i == last else s for i, s in enumerate(entries)]
    with pytest.raises(OSError, match="connection reset"):
        write_pack(out, broken, header(version=2), keyring)
    assert out.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keys", "route.zip"]


def test_a_source_that_differs_from_its_declared_digest_is_refused(
    tmp_path: Path, entries: list[EntrySource], keyring: KeyRing
) -> None:
    with entries[2].open() as stream:
        altered = bytearray(stream.read())
    altered[100] ^= 0x01
    # Same name and size as declared, one other bit: the blob store gave a damaged file.
    liar = dataclasses.replace(entries[2], open=lambda: io.BytesIO(bytes(altered)))
    with pytest.raises(EntryMismatch, match="SHA-256") as raised:
        write_pack(tmp_path / "route.zip", [*entries[:2], liar, *entries[3:]], header(), keyring)
    assert raised.value.path == entries[2].path
    short = dataclasses.replace(entries[3], size=entries[3].size + 1)
    with pytest.raises(EntryMismatch, match="bytes"):
        write_pack(tmp_path / "route.zip", [short], header(), keyring)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keys"]


@pytest.mark.parametrize(
    "path", ["../evil.json", "/etc/passwd", "content/../../x.json", "Pack.json", "a\\b.json"]
)
def test_zip_slip_names_cannot_enter_a_pack(tmp_path: Path, keyring: KeyRing, path: str) -> None:
    with pytest.raises(InvalidEntryPath):
        write_pack(
            tmp_path / "route.zip",
            [EntrySource.from_bytes(path, "application/json", b"{}")],
            header(),
            keyring,
        )
    assert not (tmp_path / "route.zip").exists()


def test_reserved_names_and_unknown_types_are_refused(tmp_path: Path, keyring: KeyRing) -> None:
    with pytest.raises(ValueError, match="reserved"):
        write_pack(
            tmp_path / "p.zip",
            [EntrySource.from_bytes("manifest.json", "application/json", b"{}")],
            header(),
            keyring,
        )
    with pytest.raises(ValueError, match="media type"):
        write_pack(
            tmp_path / "p.zip", [EntrySource.from_bytes("media/a.mp4", "video/mp4", b"x")], header(), keyring
        )
    twice = EntrySource.from_bytes("content/a.json", "application/json", b"{}")
    with pytest.raises(InvalidEntryPath, match="duplicate"):
        write_pack(tmp_path / "p.zip", [twice, twice], header(), keyring)
    assert not (tmp_path / "p.zip").exists()
