"""Content for other systems: routes as GPX 1.1 and KML, routes and POIs as schema.org JSON-LD."""

from __future__ import annotations

from content.exports.gpx import GPX_MEDIA_TYPE, route_gpx
from content.exports.jsonld import JSONLD_MEDIA_TYPE, catalogue_jsonld, poi_jsonld, route_jsonld
from content.exports.kml import KML_MEDIA_TYPE, route_kml

__all__ = [
    "GPX_MEDIA_TYPE",
    "JSONLD_MEDIA_TYPE",
    "KML_MEDIA_TYPE",
    "catalogue_jsonld",
    "poi_jsonld",
    "route_gpx",
    "route_jsonld",
    "route_kml",
]
