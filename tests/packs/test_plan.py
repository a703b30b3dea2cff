from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest

from packs.manifest import Manifest, ManifestEntry, PackHeader, build_manifest
from packs.plan import plan_header
from tests.packs.conftest import BUILT_AT, header

VALID_FOR = timedelta(days=180)
PNG = ManifestEntry(path="media/" + "a" * 64 + ".png", sha256="a" * 64, size=10, type="image/png")
JSON = ManifestEntry(path="content/pack.json", sha256="b" * 64, size=20, type="application/json")


def plan(
    previous: Manifest | None,
    entries: list[ManifestEntry],
    *,
    pack_id: str = "route:le-cheval-blanc",
    languages: tuple[str, ...] = ("fr", "en"),
    bbox: tuple[float, ...] = (0.76, 48.29, 0.88, 48.35),
    key_id: str = "2026-a",
    now: datetime = BUILT_AT + timedelta(days=10),
) -> PackHeader | None:
    return plan_header(
        previous,
        entries,
        pack_id=pack_id,
        languages=languages,
        bbox=bbox,
        key_id=key_id,
        now=now,
        valid_for=VALID_FOR,
    )


def current() -> Manifest:
    return build_manifest(header(version=4), [JSON, PNG], "2026-a")


def test_the_first_build_is_version_1() -> None:
    planned = plan(None, [JSON])
    assert planned == header(
        version=1, built_at=BUILT_AT + timedelta(days=10), expires=BUILT_AT + timedelta(days=190)
    )


def test_unchanged_content_keeps_the_version_and_bytes() -> None:
    assert plan(current(), [PNG, JSON]) is None


@pytest.mark.parametrize(
    "changes",
    [
        {"entries": [JSON]},
        {
            "entries": [
                JSON,
                PNG,
                ManifestEntry(path="media/x.webp", sha256="c" * 64, size=1, type="image/webp"),
            ]
        },
        {"entries": [JSON, ManifestEntry(path=PNG.path, sha256="d" * 64, size=10, type="image/png")]},
        {"languages": ("fr",)},
        {"bbox": (0.7, 48.29, 0.88, 48.35)},
        {"key_id": "2026-b"},  # a rotation moves every pack to the new key
        {"now": BUILT_AT + timedelta(days=91)},  # less than half the validity left: refresh the expiry
    ],
)
def test_a_change_makes_the_next_version(changes: dict[str, Any]) -> None:
    planned = plan(current(), **({"entries": [JSON, PNG]} | changes))
    assert planned is not None
    assert planned.version == 5
    now = changes.get("now", BUILT_AT + timedelta(days=10))
    assert (planned.built_at, planned.expires) == (now, now + VALID_FOR)


def test_a_rebuild_before_the_refresh_point_keeps_the_version() -> None:
    assert plan(current(), [JSON, PNG], now=BUILT_AT + timedelta(days=89)) is None


def test_another_packs_manifest_is_a_mistake() -> None:
    with pytest.raises(ValueError, match="route:autre"):
        plan(current(), [JSON], pack_id="route:autre")
