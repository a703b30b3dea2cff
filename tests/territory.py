"""Test data shared by the read API, content and tools tests: a small territory, loaded for real.

It is kept apart from the full demo (``tools/demo/territory.json``) so that the demo can grow without
moving the tests' expectations.
"""

from __future__ import annotations

from pathlib import Path

from content.core.db import Database
from content.territory import LoadReport, load_territory, parse_territory

__all__ = ["LOADED_AT", "SMALL_TERRITORY", "demo_bytes", "load_demo"]

LOADED_AT = "2025-06-01T08:00:00Z"
SMALL_TERRITORY = Path(__file__).parent / "data" / "territory.json"


def demo_bytes() -> bytes:
    return SMALL_TERRITORY.read_bytes()


async def load_demo(db: Database) -> LoadReport:
    return await load_territory(db, parse_territory(demo_bytes()), updated_at=LOADED_AT)
