"""Route and stop rules beyond the Structs' types; derived values (length, bbox, languages); references."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import aiosqlite
import msgspec

from content.core.ids import ID_PATTERN, is_valid_id
from content.core.inputs import ErrorCollector
from content.core.model import DIFFICULTIES, ROUTE_MODES, ROUTE_THEMES, Difficulty, RouteMode
from content.core.references import MediaUse, check_media, existing_poi_ids
from content.places.geo import BBox, bbox_of, line_length_m
from content.places.geojson import LineString, Point, check_line, check_point
from content.routes.model import RouteInput, RouteTheme, StopInput
from content.text.languages import lang_map

__all__ = [
    "MAX_STORY_CHARS",
    "MAX_TEXT_CHARS",
    "MAX_TITLE_CHARS",
    "RouteValues",
    "StopValues",
    "check_route",
    "check_route_references",
    "check_stops",
    "route_bbox",
    "route_languages",
]

MAX_TITLE_CHARS = 200
MAX_TEXT_CHARS = 20_000
MAX_STORY_CHARS = 50_000


class StopValues(msgspec.Struct, kw_only=True, frozen=True):
    """A checked stop; ``id`` may still be None (assigned when stored)."""

    id: str | None
    title: dict[str, str]
    story: dict[str, str]
    geometry: Point
    trigger_radius_m: int
    audio: dict[str, str]
    images: list[str]
    poi_id: str | None


class RouteValues(msgspec.Struct, kw_only=True, frozen=True):
    """A checked route, without its stops; ``fields()`` gives the shape history records."""

    title: dict[str, str]
    summary: dict[str, str]
    description: dict[str, str]
    theme: RouteTheme
    mode: RouteMode
    difficulty: Difficulty
    duration_min: int
    cover: str | None
    geometry: LineString
    length_m: float

    def fields(self) -> dict[str, Any]:
        result: dict[str, Any] = msgspec.to_builtins(self)
        del result["length_m"]  # derived from the geometry
        return result


def _check_stop(stop: StopInput, errors: ErrorCollector, field: str) -> StopValues | None:
    before = len(errors.errors)
    title = errors.run(
        lambda: lang_map(stop.title, f"{field}.title", required=True, max_chars=MAX_TITLE_CHARS)
    )
    story = errors.run(lambda: lang_map(stop.story, f"{field}.story", max_chars=MAX_STORY_CHARS))
    audio = errors.run(lambda: lang_map(stop.audio, f"{field}.audio"))
    position = errors.run(lambda: check_point(stop.geometry, f"{field}.geometry"))
    if not 5 <= stop.trigger_radius_m <= 500:
        errors.add(f"{field}.trigger_radius_m", "must be between 5 and 500 metres")
    if stop.id is not None and not is_valid_id(stop.id):
        errors.add(f"{field}.id", f"must match {ID_PATTERN}")
    if len(set(stop.images)) != len(stop.images):
        errors.add(f"{field}.images", "the same media is listed twice")
    if len(errors.errors) > before:
        return None
    assert title is not None
    assert story is not None
    assert audio is not None
    assert position is not None
    return StopValues(
        id=stop.id,
        title=title,
        story=story,
        geometry=Point(coordinates=[position[0], position[1]]),
        trigger_radius_m=stop.trigger_radius_m,
        audio=audio,
        images=list(stop.images),
        poi_id=stop.poi_id,
    )


def check_stops(stops: Sequence[StopInput], prefix: str = "") -> list[StopValues]:
    """Validate an ordered stop list; errors name ``stops[i].field`` (under ``prefix``)."""
    errors = ErrorCollector(prefix)
    checked = [_check_stop(stop, errors, f"stops[{index}]") for index, stop in enumerate(stops)]
    seen: set[str] = set()
    for index, stop in enumerate(stops):
        # ``position`` is read-only: a stop list sent back as read carries it, and it must then say
        # where the stop stands in the list it is sent in.
        if not isinstance(stop.position, msgspec.UnsetType) and stop.position != index + 1:
            errors.add(
                f"stops[{index}].position",
                f"is read-only: the stop's place in the list ({index + 1}); send it as read or leave it out",
            )
        if stop.id is not None:
            if stop.id in seen:
                errors.add(f"stops[{index}].id", f"stop id {stop.id!r} appears twice")
            seen.add(stop.id)
    errors.raise_if_any()
    return [value for value in checked if value is not None]


def check_route(route: RouteInput, prefix: str = "") -> tuple[RouteValues, list[StopValues]]:
    """Validate and normalise a whole route with its stops; every bad field is reported at once."""
    errors = ErrorCollector(prefix)
    title = errors.run(lambda: lang_map(route.title, "title", required=True, max_chars=MAX_TITLE_CHARS))
    summary = errors.run(lambda: lang_map(route.summary, "summary", max_chars=MAX_TEXT_CHARS))
    description = errors.run(lambda: lang_map(route.description, "description", max_chars=MAX_TEXT_CHARS))
    positions = errors.run(lambda: check_line(route.geometry, "geometry"))
    stops = errors.run(lambda: check_stops(route.stops))
    if route.id is not None and not is_valid_id(route.id):
        errors.add("id", f"must match {ID_PATTERN}")
    for name, value, allowed in (
        ("theme", route.theme, ROUTE_THEMES),
        ("mode", route.mode, ROUTE_MODES),
        ("difficulty", route.difficulty, DIFFICULTIES),
    ):
        if value not in allowed:
            errors.add(name, f"must be one of {', '.join(allowed)}")
    if not 1 <= route.duration_min <= 10_080:
        errors.add("duration_min", "must be between 1 and 10080 minutes")
    errors.raise_if_any()
    assert title is not None
    assert summary is not None
    assert description is not None
    assert positions is not None
    assert stops is not None
    values = RouteValues(
        title=title,
        summary=summary,
        description=description,
        theme=route.theme,
        mode=route.mode,
        difficulty=route.difficulty,
        duration_min=route.duration_min,
        cover=route.cover,
        geometry=LineString(coordinates=[[lon, lat] for lon, lat in positions]),
        length_m=line_length_m(positions),
    )
    return values, stops


def route_bbox(route: RouteValues, stops: Sequence[StopValues]) -> BBox:
    """The box around the line and every stop, so a map framed on it shows the whole route."""
    points = [*route.geometry.coordinates, *(stop.geometry.coordinates for stop in stops)]
    return bbox_of(points)


def route_languages(title: dict[str, str], stops: Sequence[StopValues]) -> list[str]:
    """Languages the route is complete in: its title, and each stop's title and (if it has one) story."""
    languages = set(title)
    for stop in stops:
        languages &= set(stop.title)
        if stop.story:
            languages &= set(stop.story)
    return sorted(languages)


def _media_uses(route: RouteValues | None, stops: Sequence[StopValues], prefix: str) -> list[MediaUse]:
    head = f"{prefix}." if prefix else ""
    uses: list[MediaUse] = []
    if route is not None and route.cover is not None:
        uses.append((f"{head}cover", route.cover, "image"))
    for index, stop in enumerate(stops):
        field = f"{head}stops[{index}]"
        uses += [(f"{field}.images[{i}]", media_id, "image") for i, media_id in enumerate(stop.images)]
        uses += [(f"{field}.audio.{tag}", media_id, "audio") for tag, media_id in stop.audio.items()]
    return uses


async def check_route_references(
    conn: aiosqlite.Connection, route: RouteValues | None, stops: Sequence[StopValues], prefix: str = ""
) -> None:
    """Cover and stop media exist with the right kind, and every ``poi_id`` names a POI."""
    await check_media(conn, _media_uses(route, stops, prefix))
    wanted = [stop.poi_id for stop in stops if stop.poi_id is not None]
    found = await existing_poi_ids(conn, wanted)
    errors = ErrorCollector(prefix)
    for index, stop in enumerate(stops):
        if stop.poi_id is not None and stop.poi_id not in found:
            errors.add(f"stops[{index}].poi_id", f"unknown POI {stop.poi_id!r}")
    errors.raise_if_any()
