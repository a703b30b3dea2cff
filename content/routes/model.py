"""The route aggregate's shapes: editor input (route and stops), partial update, and stored records."""

from __future__ import annotations

from typing import Annotated, Literal, get_args

import msgspec

from content.geojson import LineString, Point
from content.ids import EntityId
from content.model import ROUTE_THEMES, Difficulty, RouteMode, Status, TriggerRadius
from content.references import MediaId

__all__ = [
    "DEFAULT_TRIGGER_RADIUS_M",
    "MAX_STOPS",
    "RouteInput",
    "RoutePatch",
    "RouteRecord",
    "RouteSummaryRecord",
    "RouteTheme",
    "StopInput",
    "StopRecord",
]

RouteTheme = Literal["legends", "heritage", "nature", "gastronomy", "history", "family"]
if get_args(RouteTheme) != ROUTE_THEMES:  # one closed list; the Literal only exists for validation
    raise RuntimeError("RouteTheme is out of step with content.model.ROUTE_THEMES")

DEFAULT_TRIGGER_RADIUS_M = 30
MAX_STOPS = 200
LangMap = dict[str, str]
Images = Annotated[list[MediaId], msgspec.Meta(max_length=50)]
DurationMin = Annotated[int, msgspec.Meta(ge=1, le=10_080, description="minutes, at most a week")]


class StopInput(msgspec.Struct, kw_only=True, frozen=True, forbid_unknown_fields=True):
    """One stop as an editor sends it; ``id`` is kept when given (phones remember visited stops)."""

    id: EntityId | None = None
    title: Annotated[LangMap, msgspec.Meta(examples=[{"fr": "La porte Saint-Sauveur"}])]
    story: LangMap = msgspec.field(default_factory=dict)
    geometry: Point
    trigger_radius_m: TriggerRadius = DEFAULT_TRIGGER_RADIUS_M
    audio: dict[str, MediaId] = msgspec.field(default_factory=dict)
    images: Images = msgspec.field(default_factory=list)
    poi_id: EntityId | None = None


class RouteInput(msgspec.Struct, kw_only=True, frozen=True, forbid_unknown_fields=True):
    """A route as an editor sends it (create). ``length_m`` and ``bbox`` are computed, never sent."""

    id: EntityId | None = None
    title: Annotated[LangMap, msgspec.Meta(examples=[{"fr": "Légendes de la forêt", "en": "Forest legends"}])]
    summary: LangMap = msgspec.field(default_factory=dict)
    description: LangMap = msgspec.field(default_factory=dict)
    theme: RouteTheme
    mode: RouteMode
    difficulty: Difficulty
    duration_min: DurationMin
    cover: MediaId | None = None
    geometry: LineString
    stops: Annotated[list[StopInput], msgspec.Meta(max_length=MAX_STOPS)] = msgspec.field(
        default_factory=list
    )


class RoutePatch(msgspec.Struct, kw_only=True, frozen=True, forbid_unknown_fields=True):
    """A partial update of the route itself; stops are replaced as a whole with ``replace_stops``."""

    title: LangMap | msgspec.UnsetType = msgspec.UNSET
    summary: LangMap | msgspec.UnsetType = msgspec.UNSET
    description: LangMap | msgspec.UnsetType = msgspec.UNSET
    theme: RouteTheme | msgspec.UnsetType = msgspec.UNSET
    mode: RouteMode | msgspec.UnsetType = msgspec.UNSET
    difficulty: Difficulty | msgspec.UnsetType = msgspec.UNSET
    duration_min: DurationMin | msgspec.UnsetType = msgspec.UNSET
    cover: MediaId | msgspec.UnsetType | None = msgspec.UNSET
    geometry: LineString | msgspec.UnsetType = msgspec.UNSET


class StopRecord(msgspec.Struct, kw_only=True, frozen=True):
    """A stored stop (editor representation), at its 1-based ``position``."""

    id: str
    position: int
    title: LangMap
    story: LangMap
    geometry: Point
    trigger_radius_m: int
    audio: dict[str, str]
    images: list[str]
    poi_id: str | None

    def to_input(self) -> StopInput:
        return StopInput(
            id=self.id,
            title=self.title,
            story=self.story,
            geometry=self.geometry,
            trigger_radius_m=self.trigger_radius_m,
            audio=self.audio,
            images=self.images,
            poi_id=self.poi_id,
        )


class RouteSummaryRecord(msgspec.Struct, kw_only=True, frozen=True):
    """A stored route without its line and description: what lists need."""

    id: str
    status: Status
    revision: int
    office_id: str | None
    title: LangMap
    summary: LangMap
    theme: RouteTheme
    mode: RouteMode
    difficulty: Difficulty
    duration_min: int
    cover: str | None
    length_m: float
    bbox: tuple[float, float, float, float]
    languages: list[str]
    stop_count: int
    created_at: str
    updated_at: str
    updated_by: str | None


class RouteRecord(RouteSummaryRecord, kw_only=True, frozen=True):
    """A whole stored route (its stops come separately, from ``get_stops``)."""

    description: LangMap
    geometry: LineString

    def to_input(self, stops: list[StopInput] | None = None) -> RouteInput:
        return RouteInput(
            id=self.id,
            title=self.title,
            summary=self.summary,
            description=self.description,
            theme=self.theme,
            mode=self.mode,
            difficulty=self.difficulty,
            duration_min=self.duration_min,
            cover=self.cover,
            geometry=self.geometry,
            stops=stops or [],
        )
