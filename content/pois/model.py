"""The POI aggregate's shapes: editor input, partial update, and the stored record (editor representation)."""

from __future__ import annotations

from typing import Annotated, Any, ClassVar, Literal

import msgspec

from content.core.ids import EntityId
from content.core.model import PoiCategory, Status
from content.core.references import MediaId
from content.editing.merge_patch import LangPatch, Stamps
from content.places.geojson import Point

__all__ = [
    "Accessibility",
    "Contact",
    "PoiCategory",
    "PoiFields",
    "PoiInput",
    "PoiPatch",
    "PoiRecord",
    "PoiSource",
    "Wheelchair",
]


Wheelchair = Literal["yes", "limited", "no"]
LangMap = dict[str, str]
Phone = Annotated[
    str, msgspec.Meta(pattern=r"^\+?[0-9][0-9 ().-]{2,39}$", description="digits and + ( ) . -")
]
Email = Annotated[str, msgspec.Meta(max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
Website = Annotated[str, msgspec.Meta(max_length=2000, pattern=r"^https?://[^\s/$.?#][^\s]*$")]
Address = Annotated[str, msgspec.Meta(max_length=300)]
Commune = Annotated[str, msgspec.Meta(max_length=120)]
OpeningHours = Annotated[str, msgspec.Meta(max_length=500, description="OSM opening_hours syntax")]
Images = Annotated[list[MediaId], msgspec.Meta(max_length=50)]


class Contact(msgspec.Struct, kw_only=True, frozen=True, forbid_unknown_fields=True, omit_defaults=True):
    phone: Phone | None = None
    email: Email | None = None
    website: Website | None = None


class Accessibility(
    msgspec.Struct, kw_only=True, frozen=True, forbid_unknown_fields=True, omit_defaults=True
):
    """Step-free access and free-text notes (multilingual)."""

    wheelchair: Wheelchair | None = None
    notes: LangMap = msgspec.field(default_factory=dict)


class PoiFields(msgspec.Struct, kw_only=True, frozen=True, forbid_unknown_fields=True):
    """Every field of a POI input but its geometry: the ``properties`` of an imported GeoJSON feature."""

    id: EntityId | None = None
    category: PoiCategory
    name: Annotated[
        LangMap, msgspec.Meta(examples=[{"fr": "Église Saint-Sauveur", "en": "Saint-Sauveur church"}])
    ]
    description: LangMap = msgspec.field(default_factory=dict)
    address: Address | None = None
    commune: Commune | None = None
    opening_hours: OpeningHours | None = None
    contact: Contact = msgspec.field(default_factory=Contact)
    accessibility: Accessibility = msgspec.field(default_factory=Accessibility)
    images: Images = msgspec.field(default_factory=list)
    audio: dict[str, MediaId] = msgspec.field(default_factory=dict)


class PoiInput(PoiFields, kw_only=True, frozen=True, forbid_unknown_fields=True):
    """A POI as an editor sends it (create): multilingual fields as ``{lang: text}``, media by id,
    and a GeoJSON Point. ``id`` is generated from the French name (or a UUID) when absent.
    """

    geometry: Point


class ContactPatch(msgspec.Struct, kw_only=True, frozen=True, forbid_unknown_fields=True):
    """``contact`` in a merge patch: absent members stay, ``null`` clears one."""

    phone: Phone | msgspec.UnsetType | None = msgspec.UNSET
    email: Email | msgspec.UnsetType | None = msgspec.UNSET
    website: Website | msgspec.UnsetType | None = msgspec.UNSET


class AccessibilityPatch(msgspec.Struct, kw_only=True, frozen=True, forbid_unknown_fields=True):
    """``accessibility`` in a merge patch: ``notes`` is merged language by language."""

    wheelchair: Wheelchair | msgspec.UnsetType | None = msgspec.UNSET
    notes: LangPatch | msgspec.UnsetType = msgspec.UNSET


class PoiPatch(Stamps, kw_only=True, frozen=True, forbid_unknown_fields=True):
    """A JSON Merge Patch (RFC 7396) of a POI: absent fields stay as they are, ``null`` clears a
    nullable field, and objects (``name``, ``description``, ``contact``, ``accessibility``, ``audio``)
    are merged member by member, so ``{"description": {"en": null}}`` removes only English. Read-only
    fields (``id``, ``revision``…) may be echoed back unchanged, as read."""

    read_only: ClassVar[tuple[str, ...]] = (*Stamps.read_only, "source")

    source: dict[str, Any] | msgspec.UnsetType | None = msgspec.UNSET
    category: PoiCategory | msgspec.UnsetType = msgspec.UNSET
    name: LangPatch | msgspec.UnsetType = msgspec.UNSET
    description: LangPatch | msgspec.UnsetType = msgspec.UNSET
    address: Address | msgspec.UnsetType | None = msgspec.UNSET
    commune: Commune | msgspec.UnsetType | None = msgspec.UNSET
    opening_hours: OpeningHours | msgspec.UnsetType | None = msgspec.UNSET
    contact: ContactPatch | msgspec.UnsetType = msgspec.UNSET
    accessibility: AccessibilityPatch | msgspec.UnsetType = msgspec.UNSET
    images: Images | msgspec.UnsetType = msgspec.UNSET
    audio: dict[str, MediaId | None] | msgspec.UnsetType = msgspec.UNSET
    geometry: Point | msgspec.UnsetType = msgspec.UNSET


class PoiSource(msgspec.Struct, kw_only=True, frozen=True):
    """Where an imported POI came from: the provider, its id there, and the source's own date."""

    provider: str
    external_id: str
    updated_at: str | None


class PoiRecord(msgspec.Struct, kw_only=True, frozen=True):
    """A stored POI: exactly the editor representation (``msgspec.json.encode`` it as is)."""

    id: str
    status: Status
    revision: int
    office_id: str | None
    category: PoiCategory
    name: LangMap
    description: LangMap
    address: str | None
    commune: str | None
    opening_hours: str | None
    contact: Contact
    accessibility: Accessibility
    images: list[str]
    audio: dict[str, str]
    geometry: Point
    created_at: str
    updated_at: str
    updated_by: str | None
    source: PoiSource | None = None  # null for content made here

    def to_input(self) -> PoiInput:
        """The record as an input, e.g. to apply a patch and validate the result as a whole."""
        return PoiInput(
            id=self.id,
            category=self.category,
            name=self.name,
            description=self.description,
            address=self.address,
            commune=self.commune,
            opening_hours=self.opening_hours,
            contact=self.contact,
            accessibility=self.accessibility,
            images=self.images,
            audio=self.audio,
            geometry=self.geometry,
        )
