"""What only the local folder does: its layout on disk, atomic renames, repairs. The behaviour every
backend shares is in ``test_backends.py``.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from content.blobs import LocalBlobStore, open_blob_store, validate_key
from content.core.errors import InvalidParameter
from content.core.settings import Settings


@pytest.fixture
def store(tmp_path: Path) -> LocalBlobStore:
    return LocalBlobStore(tmp_path / "blobs")


def _files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


async def test_put_bytes_names_blob_by_sha256_in_fanout_dirs(store: LocalBlobStore) -> None:
    data = b"narration bytes"
    sha = hashlib.sha256(data).hexdigest()
    stored = await store.put_bytes(data)
    assert (stored.sha256, stored.size, stored.created) == (sha, len(data), True)
    assert store.path_for(sha) == store.root / sha[:2] / sha[2:4] / sha
    assert store.path_for(sha).read_bytes() == data
    again = await store.put_bytes(data)
    assert (again.sha256, again.created) == (sha, False)
    assert _files(store.root) == [store.path_for(sha)]


async def test_put_file_hashes_while_copying_and_leaves_no_temp(
    store: LocalBlobStore, fixtures_dir: Path
) -> None:
    source = fixtures_dir / "images" / "phone-photo.jpg"
    expected = hashlib.sha256(source.read_bytes()).hexdigest()
    stored = await store.put_file(source)
    assert (stored.sha256, stored.size, stored.created) == (expected, source.stat().st_size, True)
    assert store.path_for(expected).read_bytes() == source.read_bytes()
    assert (await store.put_file(source)).created is False
    assert _files(store.root) == [store.path_for(expected)]


async def test_take_file_moves_the_file_into_place_without_copying_it(
    store: LocalBlobStore, tmp_path: Path
) -> None:
    source = tmp_path / "pack.zip"
    source.write_bytes(b"a pack written just now" * 1000)
    data = source.read_bytes()
    inode = source.stat().st_ino
    stored = await store.take_file(source)
    final = store.path_for(hashlib.sha256(data).hexdigest())
    assert (stored.sha256, stored.size, stored.created) == (final.name, len(data), True)
    assert final.read_bytes() == data
    assert final.stat().st_ino == inode  # renamed, not copied
    assert not source.exists()
    source.write_bytes(data)
    assert (await store.take_file(source)).created is False
    assert _files(store.root) == [final]


async def test_failed_put_leaves_neither_final_name_nor_temp(
    store: LocalBlobStore, fixtures_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def failing_fsync(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("content.blobs.local.os.fsync", failing_fsync)
    with pytest.raises(OSError, match="No space"):
        await store.put_file(fixtures_dir / "audio" / "narration-fr.mp3")
    with pytest.raises(OSError, match="No space"):
        await store.put_bytes(b"half")
    assert _files(store.root) == []


async def test_put_replaces_a_damaged_blob(store: LocalBlobStore) -> None:
    data = b"0123456789"
    stored = await store.put_bytes(data)
    store.path_for(stored.sha256).write_bytes(b"01234")
    assert (await store.put_bytes(data)).created is True
    assert store.path_for(stored.sha256).read_bytes() == data


@pytest.mark.parametrize(
    "key",
    ["", "abc", "A" * 64, "g" * 64, "0" * 63, "0" * 65, "../" + "0" * 61, "0" * 63 + "\n", " " + "0" * 63],
)
async def test_every_entry_point_validates_the_key_before_touching_disk(
    store: LocalBlobStore, key: str
) -> None:
    with pytest.raises(InvalidParameter) as caught:
        validate_key(key)
    assert caught.value.errors[0].field == "sha256"
    with pytest.raises(InvalidParameter):
        await store.exists(key)
    with pytest.raises(InvalidParameter):
        await store.size(key)
    with pytest.raises(InvalidParameter):
        await store.delete(key)
    with pytest.raises(InvalidParameter):
        store.open_reader(key)
    with pytest.raises(InvalidParameter):
        [c async for c in store.read_range(key)]
    with pytest.raises(InvalidParameter):
        store.public_url(key)
    assert not store.root.exists()


def test_local_store_has_no_public_url(store: LocalBlobStore) -> None:
    assert store.public_url("a" * 64) is None


def test_factory_opens_local_store_in_blob_dir(settings: Settings) -> None:
    store = open_blob_store(settings)
    assert isinstance(store, LocalBlobStore)
    assert store.root == settings.blob_dir
