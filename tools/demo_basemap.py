"""The demo's basemap: a synthetic raster map of the Perche (``tools.demo.basemaps``), so that the demo
packs carry maps. Set only when the operator has no basemap of their own (or has the demo one)."""

from __future__ import annotations

import asyncio
import json
import tempfile
from importlib import resources
from pathlib import Path

from content.core.settings import Settings
from packs.tiles.basemap import read_record
from tools.commands.basemap import set_basemap
from tools.demo.basemaps import RASTER_NAME, demo_plan, write_raster_basemap

__all__ = ["ensure_demo_basemap"]


def _demo_lines() -> list[list[list[float]]]:
    territory = json.loads(resources.files("tools").joinpath("demo", "territory.json").read_bytes())
    return [route["geometry"]["coordinates"] for route in territory.get("routes", [])]


async def ensure_demo_basemap(settings: Settings) -> str:
    """Make and store the demo basemap unless another one is in use; a line saying what happened."""
    if settings.basemap:
        return "basemap: ODYSSEE_BASEMAP is set, the demo basemap is not used"
    record = read_record(settings)
    if record is not None and record.name != RASTER_NAME:
        return f"basemap: keeping the operator's basemap {record.name!r}"
    with tempfile.TemporaryDirectory(dir=settings.data_dir) as tmp:
        path = Path(tmp) / "perche.pmtiles"
        await asyncio.to_thread(write_raster_basemap, path, demo_plan(_demo_lines()))
        stored, _ = await set_basemap(settings, path, None)
    if record is not None and record.sha256 == stored.sha256:
        return "basemap: the demo basemap is already in use"
    return f"basemap: demo raster basemap of the Perche stored ({stored.size} bytes)"
