from __future__ import annotations

from pathlib import Path

import pytest

from content.media.sniff import sniff, sniff_file


@pytest.mark.parametrize(
    ("name", "kind", "fmt", "mime"),
    [
        ("images/phone-photo.jpg", "image", "JPEG", "image/jpeg"),
        ("images/cmyk.jpg", "image", "JPEG", "image/jpeg"),
        ("images/alpha.png", "image", "PNG", "image/png"),
        ("audio/narration-fr.mp3", "audio", "mp3", "audio/mpeg"),
        ("audio/narration-fr.m4a", "audio", "mp4", "audio/mp4"),
        ("audio/narration-en.ogg", "audio", "ogg", "audio/ogg"),
        ("audio/short-fr.wav", "audio", "wav", "audio/wav"),
    ],
)
def test_fixtures_are_identified_by_content(
    fixtures_dir: Path, name: str, kind: str, fmt: str, mime: str
) -> None:
    sniffed = sniff_file(fixtures_dir / name)
    assert sniffed is not None
    assert (sniffed.kind, sniffed.format, sniffed.mime) == (kind, fmt, mime)


def test_names_do_not_matter(fixtures_dir: Path) -> None:
    assert sniff_file(fixtures_dir / "bad" / "not-an-image.jpg") is None
    assert sniff_file(fixtures_dir / "bad" / "empty.m4a") is None


@pytest.mark.parametrize(
    ("head", "fmt"),
    [
        (b"RIFF\x10\x00\x00\x00WEBPVP8 ", "WEBP"),
        (b"GIF89a\x01\x00", "GIF"),
        (b"\x00\x00\x00\x1cftypavif", "AVIF"),
        (b"fLaC\x00\x00\x00\x22", "flac"),
        (b"\xff\xfb\x90\x64", "mp3"),
        (b"\xff\xf1\x50\x80", "aac"),
    ],
)
def test_other_supported_signatures(head: bytes, fmt: str) -> None:
    sniffed = sniff(head)
    assert sniffed is not None
    assert sniffed.format == fmt


@pytest.mark.parametrize(
    "head", [b"", b"%PDF-1.7", b"PK\x03\x04", b"\x00\x00\x00\x18ftypheic", b"<svg xmlns=", b"\xff\x00"]
)
def test_unknown_formats(head: bytes) -> None:
    assert sniff(head) is None
