from __future__ import annotations

import subprocess
import zipfile
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path

import msgspec
import pytest

from packs.container import EntrySource
from packs.delta_file import build_delta, decode_delta_info, encode_delta_info, plan_delta
from packs.errors import DeltaMismatch, EntryCorrupt, EntryMissing, EntryUnexpected, VersionDowngrade
from packs.install import CURRENT, InstalledPack, apply_delta, install_pack, installed_pack
from packs.manifest import ManifestEntry
from packs.signing import KeyRing
from packs.verify import PublicKeys
from packs.writer import WrittenPack, write_pack
from packs.zipwriter import Readable
from tests.packs.conftest import header, json_entry, media, pois
from tests.packs.zipparse import parse


class Versions:
    """Versions 1 and 2 of a route pack, as the builder would make them, and a store of their entries."""

    def __init__(self, tmp_path: Path, fixtures_dir: Path, keyring: KeyRing) -> None:
        images, audio = fixtures_dir / "images", fixtures_dir / "audio"
        coffee, cmyk, mp3 = (
            media(images / "coffee.png"),
            media(images / "cmyk.jpg"),
            media(audio / "narration-fr.mp3"),
        )
        v1 = [
            json_entry("content/pack.json", {"title": {"fr": "Le Cheval blanc"}}),
            pois(30),
            coffee,
            cmyk,
            mp3,
        ]
        # Version 2: a POI text changed, the JPEG dropped, the narration moved (same bytes, new path), a
        # new image and an Ogg narration added; pack.json and the PNG are unchanged.
        moved = EntrySource(
            mp3.path.replace("media/", "media/audio/"), mp3.type, mp3.sha256, mp3.size, mp3.open
        )
        changed = [
            pois(30, title="Manoir restauré"),
            moved,
            media(images / "chelsea.png"),
            media(audio / "narration-en.ogg"),
        ]
        v2 = [v1[0], coffee, *changed]
        self.changed = {s.path for s in changed}
        self.removed = {cmyk.path, mp3.path}
        self.sources = {(s.path, s.sha256): s for s in v1 + v2}
        self.v1 = write_pack(tmp_path / "v1.zip", v1, header(version=1), keyring)
        self.v2 = write_pack(tmp_path / "v2.zip", v2, header(version=2), keyring)

    def open_entry(self, entry: ManifestEntry) -> AbstractContextManager[Readable]:
        return self.sources[(entry.path, entry.sha256)].open()


@pytest.fixture
def versions(tmp_path: Path, fixtures_dir: Path, keyring: KeyRing) -> Versions:
    return Versions(tmp_path, fixtures_dir, keyring)


@pytest.fixture
def pinned(keyring: KeyRing) -> PublicKeys:
    return keyring.verification_keys()


def test_the_delta_plan_ships_only_new_path_and_sha256_pairs(versions: Versions) -> None:
    old, new = versions.v1.manifest, versions.v2.manifest
    info, shipped = plan_delta(old, new)
    old_pairs = {(e.path, e.sha256) for e in old.entries}
    assert [e.path for e in shipped] == [e.path for e in new.entries if (e.path, e.sha256) not in old_pairs]
    assert {e.path for e in shipped} == versions.changed
    assert (info.from_version, info.to_version) == (1, 2)
    assert set(info.removed) == versions.removed  # the JPEG, and the narration's old path
    assert list(info.removed) == sorted(info.removed)
    with pytest.raises(ValueError, match="no delta"):
        plan_delta(new, old)


def test_the_delta_zip_follows_the_container_rules(versions: Versions, tmp_path: Path) -> None:
    written = build_delta(tmp_path / "d.zip", versions.v1.manifest, versions.v2.signed, versions.open_entry)
    again = build_delta(tmp_path / "d2.zip", versions.v1.manifest, versions.v2.signed, versions.open_entry)
    data = written.path.read_bytes()
    assert data == again.path.read_bytes()
    info, shipped = plan_delta(versions.v1.manifest, versions.v2.manifest)
    with zipfile.ZipFile(written.path) as reader:
        assert reader.testzip() is None
        assert reader.namelist() == sorted(
            {e.path for e in shipped} | {"delta.json", "manifest.json", "manifest.sig"}
        )
        assert reader.read("manifest.json") == versions.v2.signed.manifest_bytes
        assert reader.read("manifest.sig") == versions.v2.signed.signature
        assert decode_delta_info(reader.read("delta.json")) == info
    archive = parse(data)
    assert all(c.flags & 0x08 == 0 and c.extra == b"" and c.date == 0x21 for c in archive.centrals)
    assert (
        subprocess.run(["unzip", "-tq", str(written.path)], capture_output=True, check=False).returncode == 0
    )
    # A delta is much smaller than the new pack: the unchanged PNG does not travel again.
    assert written.size < versions.v2.file.size


def unpacked(pack: WrittenPack) -> dict[str, bytes]:
    with zipfile.ZipFile(pack.file.path) as reader:
        return {name: reader.read(name) for name in reader.namelist()}


def on_disk(installed: InstalledPack) -> dict[str, bytes]:
    return {
        str(p.relative_to(installed.directory)): p.read_bytes()
        for p in installed.directory.rglob("*")
        if p.is_file()
    }


def test_a_delta_applied_to_version_1_gives_version_2_file_for_file(
    versions: Versions, tmp_path: Path, pinned: PublicKeys
) -> None:
    phone = tmp_path / "phone" / "route-le-cheval-blanc"
    first = install_pack(phone, versions.v1.file.path, pinned)
    assert on_disk(first) == unpacked(versions.v1)
    delta = build_delta(tmp_path / "d.zip", versions.v1.manifest, versions.v2.signed, versions.open_entry)
    second = apply_delta(phone, delta.path, pinned)
    assert on_disk(second) == unpacked(versions.v2)
    assert installed_pack(phone) == second
    assert (phone / CURRENT).resolve() == second.directory.resolve()
    assert not first.directory.exists()  # the old version is gone once the switch is done
    assert sorted(p.name for p in phone.iterdir()) == sorted([CURRENT, second.directory.name])


def delta_with(versions: Versions, tmp_path: Path, change: dict[str, bytes | None]) -> Path:
    """A delta rebuilt with some members replaced (bytes) or dropped (None)."""
    good = build_delta(tmp_path / "good.zip", versions.v1.manifest, versions.v2.signed, versions.open_entry)
    members: list[EntrySource] = []
    with zipfile.ZipFile(good.path) as reader:
        contents = {name: reader.read(name) for name in reader.namelist()}
    for name, data in {**contents, **change}.items():
        if data is not None:
            members.append(EntrySource.from_bytes(name, "application/json", data))
    bad = tmp_path / "bad.zip"
    with zipfile.ZipFile(bad, "w") as writer:
        for member in sorted(members, key=lambda m: m.path):
            with member.open() as stream:
                writer.writestr(member.path, stream.read())
    return bad


Change = Callable[[Versions, list[ManifestEntry]], dict[str, bytes | None]]


@pytest.mark.parametrize(
    ("make_change", "error"),
    [
        (lambda v, shipped: {shipped[-1].path: b"tampered"}, EntryCorrupt),
        (lambda v, shipped: {shipped[-1].path: None}, EntryMissing),
        (lambda v, shipped: {"content/pack.json": b"{}"}, EntryUnexpected),  # unchanged: must not travel
        (lambda v, shipped: {"delta.json": encode_delta_info_from(v, from_version=2)}, DeltaMismatch),
        (lambda v, shipped: {"delta.json": encode_delta_info_from(v, removed=())}, DeltaMismatch),
        (
            lambda v, shipped: {
                "manifest.json": v.v1.signed.manifest_bytes,
                "manifest.sig": v.v1.signed.signature,
            },
            DeltaMismatch,
        ),
    ],
)
def test_a_bad_delta_leaves_version_1_in_use(
    versions: Versions, tmp_path: Path, pinned: PublicKeys, make_change: Change, error: type[Exception]
) -> None:
    phone = tmp_path / "phone"
    first = install_pack(phone, versions.v1.file.path, pinned)
    before = on_disk(first)
    _, shipped = plan_delta(versions.v1.manifest, versions.v2.manifest)
    bad = delta_with(versions, tmp_path, make_change(versions, shipped))
    with pytest.raises(error):
        apply_delta(phone, bad, pinned)
    assert installed_pack(phone) == first
    assert on_disk(first) == before
    assert sorted(p.name for p in phone.iterdir()) == sorted([CURRENT, first.directory.name])


def encode_delta_info_from(versions: Versions, **changes: object) -> bytes:
    info, _ = plan_delta(versions.v1.manifest, versions.v2.manifest)
    return encode_delta_info(msgspec.structs.replace(info, **changes))


def test_an_older_full_pack_is_not_installed_over_a_newer_one(
    versions: Versions, tmp_path: Path, pinned: PublicKeys
) -> None:
    phone = tmp_path / "phone"
    second = install_pack(phone, versions.v2.file.path, pinned)
    with pytest.raises(VersionDowngrade):
        install_pack(phone, versions.v1.file.path, pinned)
    assert installed_pack(phone) == second


def test_a_corrupt_full_pack_is_not_installed(versions: Versions, tmp_path: Path, pinned: PublicKeys) -> None:
    data = bytearray(versions.v2.file.path.read_bytes())
    data[len(data) // 2] ^= 0x01
    broken = tmp_path / "broken.zip"
    broken.write_bytes(bytes(data))
    phone = tmp_path / "phone"
    with pytest.raises(EntryCorrupt):
        install_pack(phone, broken, pinned)
    assert installed_pack(phone) is None
    assert list(phone.iterdir()) == []


def test_a_delta_needs_an_installed_pack(versions: Versions, tmp_path: Path, pinned: PublicKeys) -> None:
    delta = build_delta(tmp_path / "d.zip", versions.v1.manifest, versions.v2.signed, versions.open_entry)
    with pytest.raises(ValueError, match="no pack installed"):
        apply_delta(tmp_path / "phone", delta.path, pinned)


@pytest.mark.parametrize("damage", ["delete", "corrupt"])
def test_a_damaged_installed_file_stops_the_delta_and_keeps_version_1(
    versions: Versions, tmp_path: Path, pinned: PublicKeys, damage: str
) -> None:
    phone = tmp_path / "phone"
    first = install_pack(phone, versions.v1.file.path, pinned)
    delta = build_delta(tmp_path / "d.zip", versions.v1.manifest, versions.v2.signed, versions.open_entry)
    kept = next(
        e.path
        for e in versions.v2.manifest.entries
        if e.path.endswith(".png") and e.path not in versions.changed
    )
    if damage == "delete":
        first.file(kept).unlink()
    else:
        first.file(kept).write_bytes(b"\x89PNG damaged")
    with pytest.raises(EntryMissing if damage == "delete" else EntryCorrupt) as raised:
        apply_delta(phone, delta.path, pinned)
    assert raised.value.path == kept
    assert installed_pack(phone) == first
