"""The route aggregate's shapes: editor input (route and stops), partial update, and stored records."""

from __future__ import annotations

from typing import Annotated, Any, ClassVar, Literal, get_args

import msgspec

from content.core.ids import EntityId
from content.core.model import ROUTE_THEMES, Difficulty, RouteMode, Status, TriggerRadius
from content.core.references import MediaId
from content.editing.merge_patch import LangPatch, Stamps
from content.places.geojson import LineString, Point

__all__ = [
    "DEFAULT_TRIGGER_RADIUS_M",
    "MAX_STOPS",
    "RouteInput",
    "RoutePatch",
    "RouteRecord",
    "RouteSummaryRecord",
    "RouteTheme",
    "StopInput",
    "StopPatch",
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
    position: int | msgspec.UnsetType = msgspec.field(default=msgspec.UNSET)
    """Read-only (``PUT …/stops`` sends stops as read): if sent, it must be the stop's place in the list."""


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


class RoutePatch(Stamps, kw_only=True, frozen=True, forbid_unknown_fields=True):
    """A JSON Merge Patch (RFC 7396) of the route itself: absent fields stay, ``null`` clears
    ``cover``, and ``title``, ``summary`` and ``description`` are merged language by language
    (``{"en": null}`` removes English). Stops are replaced as a whole with ``PUT …/stops``; the
    computed and read-only fields of a route as read (``stops`` included) may be echoed back unchanged."""

    read_only: ClassVar[tuple[str, ...]] = (
        *Stamps.read_only, "length_m", "bbox", "languages", "stop_count", "stops",
    )  # fmt: skip

    length_m: float | msgspec.UnsetType = msgspec.UNSET
    bbox: tuple[float, float, float, float] | msgspec.UnsetType = msgspec.UNSET
    languages: list[str] | msgspec.UnsetType = msgspec.UNSET
    stop_count: int | msgspec.UnsetType = msgspec.UNSET
    stops: list[dict[str, Any]] | msgspec.UnsetType = msgspec.UNSET
    title: LangPatch | msgspec.UnsetType = msgspec.UNSET
    summary: LangPatch | msgspec.UnsetType = msgspec.UNSET
    description: LangPatch | msgspec.UnsetType = msgspec.UNSET
    theme: RouteTheme | msgspec.UnsetType = msgspec.UNSET
    mode: RouteMode | msgspec.UnsetType = msgspec.UNSET
    difficulty: Difficulty | msgspec.UnsetType = msgspec.UNSET
    duration_min: DurationMin | msgspec.UnsetType = msgspec.UNSET
    cover: MediaId | msgspec.UnsetType | None = msgspec.UNSET
    geometry: LineString | msgspec.UnsetType = msgspec.UNSET


class StopPatch(msgspec.Struct, kw_only=True, frozen=True, forbid_unknown_fields=True):
    """A JSON Merge Patch (RFC 7396) of one stop: absent fields stay, ``title``, ``story`` and
    ``audio`` are merged language by language (``{"en": null}`` removes English), ``null`` clears
    ``poi_id``. ``id`` and ``position`` may be echoed back unchanged, as read."""

    read_only: ClassVar[tuple[str, ...]] = ("id", "position")

    id: str | msgspec.UnsetType = msgspec.UNSET
    position: int | msgspec.UnsetType = msgspec.UNSET
    title: LangPatch | msgspec.UnsetType = msgspec.UNSET
    story: LangPatch | msgspec.UnsetType = msgspec.UNSET
    geometry: Point | msgspec.UnsetType = msgspec.UNSET
    trigger_radius_m: TriggerRadius | msgspec.UnsetType = msgspec.UNSET
    audio: dict[str, MediaId | None] | msgspec.UnsetType = msgspec.UNSET
    images: Images | msgspec.UnsetType = msgspec.UNSET
    poi_id: EntityId | msgspec.UnsetType | None = msgspec.UNSET


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
