"""The producer network as data for other systems: the DFC JSON-LD catalogue, and expiring offers."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import aiosqlite
import msgspec

from content.producers.dfc import export_dfc
from content.producers.queries import offers_of, producers_in_bbox

__all__ = ["dfc_catalogue"]


async def dfc_catalogue(conn: aiosqlite.Connection, *, base_url: str, now: datetime) -> dict[str, Any]:
    """Every published producer with its active offers still valid at ``now``, as one DFC document."""
    producers = await producers_in_bbox(conn, None)
    offers = await offers_of(conn, (producer.id for producer in producers), valid_after=now)
    items = [
        {**msgspec.to_builtins(producer), "offers": [msgspec.to_builtins(o) for o in offers[producer.id]]}
        for producer in producers
    ]
    return export_dfc(items, base_url=base_url)
