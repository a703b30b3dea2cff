"""Importing POIs from other information systems (Tourinsoft, Apidae, DATAtourisme, OpenStreetMap,
GeoJSON) over one engine: source tracking, upsert by source date, unpublish-missing, local edits kept."""

from __future__ import annotations

from content.importers.engine import ImportOptions, run_import, tune_for_bulk
from content.importers.errors import NotAFeed
from content.importers.mapping import parse_mapping
from content.importers.model import FORMATS, ImportReport, SourceObject
from content.importers.pictures import PictureFetcher, PictureLimits
from content.importers.sources import area_bbox, load_objects, open_feed, reader_for
from content.importers.tracking import ImportSource, source_of

__all__ = [
    "FORMATS",
    "ImportOptions",
    "ImportReport",
    "ImportSource",
    "NotAFeed",
    "PictureFetcher",
    "PictureLimits",
    "SourceObject",
    "area_bbox",
    "load_objects",
    "open_feed",
    "parse_mapping",
    "reader_for",
    "run_import",
    "source_of",
    "tune_for_bulk",
]
