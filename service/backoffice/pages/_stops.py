"""The stop list form: one row per stop (texts per language, position, trigger radius), moved with
buttons and turned into the ``StopInput`` list that ``set_stops`` takes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from content.routes.model import StopRecord
from service.backoffice.pages._values import FORM_LANGS

__all__ = ["StopRow", "stop_rows", "stops_from_form"]


@dataclass
class StopRow:
    id: str
    title: dict[str, str]
    story: dict[str, str]
    lat: str
    lon: str
    trigger_radius_m: str
    audio: dict[str, str] = field(default_factory=dict)
    images: list[str] = field(default_factory=list)
    poi_id: str | None = None


def stop_rows(stops: Sequence[StopRecord]) -> list[StopRow]:
    return [
        StopRow(
            id=stop.id,
            title=dict(stop.title),
            story=dict(stop.story),
            lon=repr(round(stop.geometry.coordinates[0], 7)),
            lat=repr(round(stop.geometry.coordinates[1], 7)),
            trigger_radius_m=str(stop.trigger_radius_m),
            audio=dict(stop.audio),
            images=list(stop.images),
            poi_id=stop.poi_id,
        )
        for stop in stops
    ]


def _value(form: dict[str, list[str]], name: str) -> str:
    return (form.get(name) or [""])[0].strip()


def _number(text: str) -> Any:
    try:
        return float(text.replace(",", "."))
    except ValueError:
        return text  # the domain's type check names the field


def stops_from_form(
    form: dict[str, list[str]], current: Sequence[StopRecord]
) -> tuple[list[StopRow], list[dict[str, Any]]]:
    """The typed rows (to show again) and the stop list to save."""
    known = {row.id: row for row in stop_rows(current)}
    rows: list[StopRow] = []
    for index, stop_id in enumerate(form.get("stop_id", [])):
        base = known.get(stop_id)
        row = StopRow(
            id=stop_id,
            title={
                **(base.title if base else {}),
                **{lang: _value(form, f"stop.{index}.title.{lang}") for lang in FORM_LANGS},
            },
            story={
                **(base.story if base else {}),
                **{lang: _value(form, f"stop.{index}.story.{lang}") for lang in FORM_LANGS},
            },
            lat=_value(form, f"stop.{index}.lat"),
            lon=_value(form, f"stop.{index}.lon"),
            trigger_radius_m=_value(form, f"stop.{index}.radius"),
            audio=base.audio if base else {},
            images=base.images if base else [],
            poi_id=base.poi_id if base else None,
        )
        rows.append(row)
    remove = _value(form, "remove")
    if remove.isdigit() and int(remove) < len(rows):
        del rows[int(remove)]
    direction, _, position = _value(form, "move").partition(":")
    if position.isdigit():
        i = int(position)
        j = i - 1 if direction == "up" else i + 1
        if 0 <= i < len(rows) and 0 <= j < len(rows):
            rows[i], rows[j] = rows[j], rows[i]
    new_title = _value(form, "new.title.fr")
    if new_title:
        rows.append(
            StopRow(
                id="",
                title={"fr": new_title},
                story={},
                lat=_value(form, "new.lat"),
                lon=_value(form, "new.lon"),
                trigger_radius_m=_value(form, "new.radius") or "30",
            )
        )
    stops = []
    for row in rows:
        stop: dict[str, Any] = {
            "title": {k: v for k, v in row.title.items() if v},
            "story": {k: v for k, v in row.story.items() if v},
            "geometry": {"type": "Point", "coordinates": [_number(row.lon), _number(row.lat)]},
            "trigger_radius_m": int(_number(row.trigger_radius_m))
            if row.trigger_radius_m.isdigit()
            else row.trigger_radius_m,
            "audio": row.audio,
            "images": row.images,
            "poi_id": row.poi_id,
        }
        if row.id:
            stop["id"] = row.id
        stops.append(stop)
    return rows, stops
