"""Test data shared by the read API, content and tools tests: the bundled demo territory, loaded for real."""

from __future__ import annotations

from importlib import resources

from content.db import Database
from content.territory import LoadReport, load_territory, parse_territory

__all__ = ["LOADED_AT", "demo_bytes", "load_demo"]

LOADED_AT = "2025-06-01T08:00:00Z"


def demo_bytes() -> bytes:
    return resources.files("tools").joinpath("demo", "territory.json").read_bytes()


async def load_demo(db: Database) -> LoadReport:
    return await load_territory(db, parse_territory(demo_bytes()), updated_at=LOADED_AT, user_id="loader")
