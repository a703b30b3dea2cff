from __future__ import annotations

from contextlib import AbstractContextManager
from pathlib import Path

import pytest

from packs.container import EntrySource, write_container
from packs.errors import InvalidEntryPath
from packs.paths import check_unique_paths, validate_entry_path
from packs.zipwriter import Readable

ZIP_SLIP = [
    "../x",
    "/etc/passwd",
    "a/../../b",
    "A.json",
    "a\\b",
    "..",
    "./a",
    "a/./b",
    "a/.../b",
    "a//b",
    "a/",
    "",
    "C:/windows",
    "é.json",
    "a b.json",
    "a\x00b",
    "media/" + "x" * 250,
]


@pytest.mark.parametrize(
    "path",
    ["content/pack.json", "media/3f0a.webp", "tiles/perche.pmtiles", "a/b_c-d.e", "x", ".hidden", "a/..b"],
)
def test_valid_paths_are_accepted(path: str) -> None:
    assert validate_entry_path(path) == path


@pytest.mark.parametrize("path", ZIP_SLIP)
def test_unsafe_paths_are_refused(path: str) -> None:
    with pytest.raises(InvalidEntryPath) as raised:
        validate_entry_path(path)
    assert raised.value.path == path


def test_paths_are_sorted_bytewise_and_duplicates_refused() -> None:
    assert check_unique_paths(
        ["media/b", "content/x", "manifest.sig", "manifest.json", "media/a-b", "media/a.b"]
    ) == [
        "content/x",
        "manifest.json",
        "manifest.sig",
        "media/a-b",
        "media/a.b",
        "media/b",
    ]
    with pytest.raises(InvalidEntryPath, match="duplicate"):
        check_unique_paths(["a.json", "b.json", "a.json"])


@pytest.mark.parametrize("path", ZIP_SLIP)
def test_a_container_with_an_unsafe_path_is_never_written(tmp_path: Path, path: str) -> None:
    opened: list[str] = []

    def opener_of(name: str, data: bytes) -> EntrySource:
        source = EntrySource.from_bytes(name, "application/json", data)

        def open_and_record() -> AbstractContextManager[Readable]:
            opened.append(name)
            return source.open()

        return EntrySource(source.path, source.type, source.sha256, source.size, open_and_record)

    out = tmp_path / "out" / "pack.zip"
    with pytest.raises(InvalidEntryPath):
        write_container(out, [opener_of("content/a.json", b"{}"), opener_of(path, b"{}")])
    assert opened == []
    assert not out.parent.exists() or list(out.parent.iterdir()) == []
