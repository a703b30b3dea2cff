"""Pack test material: a key ring with a fixed clock, and entries read from the shared fixtures."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import msgspec
import pytest

from packs.container import EntrySource
from packs.manifest import PackHeader
from packs.mediatypes import type_for_path
from packs.signing import KeyRing

BUILT_AT = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock(BUILT_AT)


@pytest.fixture
def keyring(tmp_path: Path, clock: Clock) -> KeyRing:
    return KeyRing(tmp_path / "keys", clock=clock)


def header(version: int = 1, **changes: object) -> PackHeader:
    base = PackHeader(
        pack_id="route:le-cheval-blanc",
        version=version,
        built_at=BUILT_AT,
        expires=BUILT_AT + timedelta(days=180),
        languages=("fr", "en"),
        bbox=(0.76, 48.29, 0.88, 48.35),
    )
    return msgspec.structs.replace(base, **changes)


def media(file: Path) -> EntrySource:
    """A media entry named by the SHA-256 of the fixture's bytes, as the builder names blob variants."""
    extension = file.suffix.lstrip(".")
    probe = EntrySource.from_file("media/probe", type_for_path(file.name), file)
    return dataclasses.replace(probe, path=f"media/{probe.sha256}.{extension}")


def json_entry(path: str, value: object) -> EntrySource:
    data = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()
    return EntrySource.from_bytes(path, type_for_path(path), data)


def pois(count: int, title: str = "Manoir") -> EntrySource:
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [round(0.76 + i * 1e-5, 6), 48.3]},
            "properties": {"id": f"poi-{i}", "name": {"fr": f"{title} {i}", "en": f"{title} {i}"}},
        }
        for i in range(count)
    ]
    return json_entry("content/pois.geojson", {"type": "FeatureCollection", "features": features})


@pytest.fixture
def entries(fixtures_dir: Path) -> list[EntrySource]:
    """A small route pack: JSON content, images and narrations in three formats."""
    return [
        json_entry("content/pack.json", {"title": {"fr": "Le Cheval blanc", "en": "The White Horse"}}),
        pois(40),
        media(fixtures_dir / "images" / "coffee.png"),
        media(fixtures_dir / "images" / "cmyk.jpg"),
        media(fixtures_dir / "audio" / "narration-fr.mp3"),
        media(fixtures_dir / "audio" / "narration-fr.m4a"),
        media(fixtures_dir / "audio" / "narration-en.ogg"),
    ]
