"""A route as KML 2.2: the line as one placemark, then a folder of stop placemarks in order."""

from __future__ import annotations

from xml.etree import ElementTree as ET

from content.exports.gpx import route_parts, text_of
from content.routes.features import RouteDetail

__all__ = ["KML_MEDIA_TYPE", "route_kml"]

KML_MEDIA_TYPE = "application/vnd.google-earth.kml+xml"
_NS = "http://www.opengis.net/kml/2.2"


def _add(parent: ET.Element, tag: str, text: str | None = None) -> ET.Element:
    element = ET.SubElement(parent, f"{{{_NS}}}{tag}")
    if text:
        element.text = text
    return element


def _position(coordinates: list[float]) -> str:
    return ",".join(f"{value:.6f}".rstrip("0").rstrip(".") for value in coordinates[:2])


def route_kml(detail: RouteDetail, route_url: str) -> bytes:
    line, stops = route_parts(detail)
    props = line.properties
    ET.register_namespace("", _NS)
    root = ET.Element(f"{{{_NS}}}kml")
    document = _add(root, "Document")
    _add(document, "name", text_of(props.title))
    _add(document, "description", text_of(props.description) or text_of(props.summary))
    route = _add(document, "Placemark")
    route.set("id", line.id)
    _add(route, "name", text_of(props.title))
    _add(route, "description", route_url)
    path = _add(route, "LineString")
    _add(path, "tessellate", "1")
    _add(path, "coordinates", " ".join(_position(c) for c in line.geometry.coordinates))
    folder = _add(document, "Folder")
    _add(folder, "name", "Stops")
    for stop in stops:
        placemark = _add(folder, "Placemark")
        placemark.set("id", f"stop-{stop.properties.id}")
        _add(placemark, "name", f"{stop.properties.position}. {text_of(stop.properties.title)}")
        _add(placemark, "description", text_of(stop.properties.story))
        point = _add(placemark, "Point")
        _add(point, "coordinates", _position(stop.geometry.coordinates))
    ET.indent(root)
    data: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return data + b"\n"
