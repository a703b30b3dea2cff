"""Pictures of imported objects, fetched from a local HTTP server through the media pipeline: credits
kept, failures reported (404, too big, not an image, too slow) and never fatal, nothing fetched again
on a re-run."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from content.blobs import LocalBlobStore
from content.core.db import Database
from content.core.settings import Settings, load_settings
from content.importers import PictureFetcher, PictureLimits, reader_for
from tests.content.importers.helpers import import_objects, snapshot, state
from tests.content.importers.picture_server import PictureServer, picture_server

FEEDS = Path(__file__).resolve().parents[2] / "data" / "importers"
LIMITS = PictureLimits(max_bytes=1024 * 1024, timeout_s=1.0)


@pytest.fixture
def server(fixtures_dir: Path) -> Iterator[PictureServer]:
    with picture_server(fixtures_dir / "images") as running:
        yield running


@pytest.fixture
def media_settings(tmp_path: Path) -> Settings:
    return load_settings(env={}, data_dir=tmp_path)


def fetcher(store: Database, settings: Settings) -> PictureFetcher:
    return PictureFetcher(store, LocalBlobStore(settings.blob_dir), settings, LIMITS)


async def test_pictures_come_with_their_credit_and_failures_are_reported(
    store: Database, server: PictureServer, media_settings: Settings
) -> None:
    objects = list(reader_for("tourinsoft").parse(server.feed(FEEDS / "tourinsoft-v3.json")))
    report = await import_objects(
        store, objects, format_name="tourinsoft", pictures=fetcher(store, media_settings)
    )
    assert (report.created, report.pictures_fetched, report.pictures_failed) == (3, 2, 1)
    assert [(f.external_id, f.url.rsplit("/", 1)[1], f.reason) for f in report.picture_failures] == [
        ("PNACEN028FS000202", "missing.jpg", "HTTP 404")
    ]
    images = json.loads(
        snapshot(store.path, "SELECT images FROM pois WHERE id = 'chateau-de-nogent-le-rotrou'")[0][0]
    )
    rows = snapshot(store.path, "SELECT id, credit, alt, kind FROM media")
    by_id = {row[0]: row[1:] for row in rows}
    assert [by_id[media_id] for media_id in images] == [
        ("© CDT 28", "Le donjon", "image"),
        ("OT Nogent", "La cour", "image"),
    ]
    assert snapshot(store.path, "SELECT count(*) FROM media_variants") == [(4,)]  # thumb and screen each
    assert snapshot(store.path, "SELECT images FROM pois WHERE id = 'etang-de-la-rainette'") == [("[]",)]

    requests = sum(server.requests.values())
    before = state(store.path)
    again = await import_objects(
        store, objects, format_name="tourinsoft", pictures=fetcher(store, media_settings)
    )
    assert (again.unchanged, again.pictures_fetched, again.pictures_failed) == (3, 0, 0)
    assert sum(server.requests.values()) == requests
    assert state(store.path) == before


async def test_too_big_slow_and_fake_pictures_fail_alone(
    store: Database, server: PictureServer, media_settings: Settings
) -> None:
    document = json.loads(server.feed(FEEDS / "apidae.json"))
    castle = document["objetsTouristiques"][0]
    for name in ("slow/chelsea.png", "fake.jpg"):
        castle["illustrations"].append(
            {"copyright": {"libelleFr": "Z"}, "traductionFichiers": [{"url": f"{server.base_url}/{name}"}]}
        )
    objects = list(reader_for("apidae").parse(json.dumps(document).encode()))
    report = await import_objects(
        store, objects, format_name="apidae", pictures=fetcher(store, media_settings)
    )
    assert report.created == 3
    reasons = {f.url.rsplit("/", 1)[1]: f.reason for f in report.picture_failures}
    assert reasons == {
        "phone-photo.jpg": "3097445 bytes is over the limit of 1048576",
        "chelsea.png": "no answer within 1 s",
        "fake.jpg": "not a JPEG, PNG, WebP, GIF or AVIF image",
    }
    assert report.pictures_fetched == 1  # cmyk.jpg, converted to sRGB by the media pipeline
    images = json.loads(
        snapshot(store.path, "SELECT images FROM pois WHERE id = 'chateau-de-saint-jean'")[0][0]
    )
    assert len(images) == 1
    assert snapshot(store.path, "SELECT credit FROM media") == [("Ville de Nogent",)]
