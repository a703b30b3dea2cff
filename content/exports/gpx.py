"""A route as GPX 1.1: its metadata, one waypoint per stop (in order), and the line as one track."""

from __future__ import annotations

from xml.etree import ElementTree as ET

from content.routes.features import RouteDetail, RouteFeature, StopFeature

__all__ = ["GPX_MEDIA_TYPE", "route_gpx", "route_parts", "text_of"]

GPX_MEDIA_TYPE = "application/gpx+xml"
_NS = "http://www.topografix.com/GPX/1/1"
_XSI = "http://www.w3.org/2001/XMLSchema-instance"


def text_of(value: str | dict[str, str] | None) -> str:
    """One language's text (a map, from ``lang=*``, gives its first entry)."""
    if isinstance(value, dict):
        return next(iter(value.values()), "")
    return value or ""


def route_parts(detail: RouteDetail) -> tuple[RouteFeature, list[StopFeature]]:
    line = next(f for f in detail.features if isinstance(f, RouteFeature))
    stops = [f for f in detail.features if isinstance(f, StopFeature)]
    return line, sorted(stops, key=lambda stop: stop.properties.position)


def _add(parent: ET.Element, tag: str, text: str | None = None, **attributes: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{_NS}}}{tag}", attributes)
    if text:
        element.text = text
    return element


def _coordinate(value: float) -> str:
    return f"{value:.6f}".rstrip("0").rstrip(".")


def route_gpx(detail: RouteDetail, route_url: str) -> bytes:
    """GPX 1.1 (elements in the schema's order: metadata, wpt, trk)."""
    line, stops = route_parts(detail)
    props = line.properties
    ET.register_namespace("", _NS)
    ET.register_namespace("xsi", _XSI)
    root = ET.Element(
        f"{{{_NS}}}gpx",
        {"version": "1.1", "creator": "Odyssée", f"{{{_XSI}}}schemaLocation": f"{_NS} {_NS}/gpx.xsd"},
    )
    metadata = _add(root, "metadata")
    _add(metadata, "name", text_of(props.title))
    _add(metadata, "desc", text_of(props.summary) or text_of(props.description))
    link = _add(metadata, "link", href=route_url)
    _add(link, "text", text_of(props.title))
    min_lon, min_lat, max_lon, max_lat = props.bbox
    _add(
        metadata,
        "bounds",
        minlat=_coordinate(min_lat),
        minlon=_coordinate(min_lon),
        maxlat=_coordinate(max_lat),
        maxlon=_coordinate(max_lon),
    )
    for stop in stops:
        lon, lat = stop.geometry.coordinates[0], stop.geometry.coordinates[1]
        waypoint = _add(root, "wpt", lat=_coordinate(lat), lon=_coordinate(lon))
        _add(waypoint, "name", f"{stop.properties.position}. {text_of(stop.properties.title)}")
        _add(waypoint, "desc", text_of(stop.properties.story))
        _add(waypoint, "type", "stop")
    track = _add(root, "trk")
    _add(track, "name", text_of(props.title))
    _add(track, "type", props.mode)
    segment = _add(track, "trkseg")
    for lon, lat, *_ in line.geometry.coordinates:
        _add(segment, "trkpt", lat=_coordinate(lat), lon=_coordinate(lon))
    ET.indent(root)
    data: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return data + b"\n"
