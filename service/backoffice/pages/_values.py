"""Form values of a POI or route as flat ``{name: text}`` pairs (``name.fr``, ``lat``…), the patch
that turns typed values into a change, and what a concurrent editor changed (the 412 flow).

The patch carries only the fields the user changed, so re-applying it on a newer revision keeps the
other person's changes to every other field.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from content.core.errors import FieldError, InvalidInput
from content.editing.history import HistoryEntry

__all__ = ["FORM_LANGS", "Shape", "base_values", "changed_paths", "flat_values", "lang_map", "patch_fields"]

FORM_LANGS = ("fr", "en")


@dataclass(frozen=True)
class Shape:
    """Which fields a page edits: multilingual ones, plain ones, and how geometry is typed."""

    lang_fields: tuple[str, ...]
    plain: tuple[str, ...]
    nested: tuple[tuple[str, str], ...] = ()
    nested_lang: tuple[tuple[str, str], ...] = ()
    geometry: str = "point"  # "point": lat/lon inputs; "line": a JSON list of [lon, lat]

    def paths(self) -> list[str]:
        paths = [f"{f}.{lang}" for f in self.lang_fields for lang in FORM_LANGS]
        paths += list(self.plain)
        paths += [f"{a}.{b}" for a, b in self.nested]
        paths += [f"{a}.{b}.{lang}" for a, b in self.nested_lang for lang in FORM_LANGS]
        paths += ["lat", "lon"] if self.geometry == "point" else ["line"]
        return paths


def _get(data: dict[str, Any], path: str) -> Any:
    value: Any = data
    for part in path.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return repr(round(value, 7))
    return str(value)


def flat_values(shape: Shape, data: dict[str, Any]) -> dict[str, str]:
    """The form's values for a record (as builtins)."""
    values = {path: _text(_get(data, path)) for path in shape.paths() if path not in ("lat", "lon", "line")}
    coordinates = (data.get("geometry") or {}).get("coordinates") or []
    if shape.geometry == "point":
        values["lon"], values["lat"] = (_text(float(c)) for c in coordinates[:2]) if coordinates else ("", "")
    else:
        values["line"] = json.dumps([[round(float(x), 7), round(float(y), 7)] for x, y in coordinates])
    return values


def typed_values(shape: Shape, form: dict[str, list[str]]) -> dict[str, str]:
    return {path: (form.get(path) or [""])[0].strip() for path in shape.paths()}


def changed_paths(before: dict[str, str], after: dict[str, str]) -> list[str]:
    return [path for path, value in after.items() if before.get(path, "") != value]


def base_values(
    shape: Shape, current: dict[str, Any], since: Sequence[HistoryEntry], base_revision: int
) -> dict[str, str]:
    """The form values at ``base_revision``: the current record with every later change undone."""
    data = dict(current)
    for entry in since:  # newest first
        if entry.revision > base_revision:
            data.update(entry.before)
    return flat_values(shape, data)


def _number(path: str, text: str, errors: list[FieldError]) -> float | None:
    try:
        return float(text.replace(",", "."))
    except ValueError:
        errors.append(FieldError(path, "not a number"))
        return None


def lang_map(current: Any, typed: dict[str, str], path: str) -> dict[str, str | None]:
    """A language map as typed: the languages the form shows, ``None`` for one emptied (a merge patch
    removes it), and the other languages as they are."""
    value: dict[str, str | None] = dict(current or {})
    for lang in FORM_LANGS:
        text = typed.get(f"{path}.{lang}", "")
        if text:
            value[lang] = text
        elif lang in value:
            value[lang] = None
    return value


def patch_fields(
    shape: Shape, current: dict[str, Any], typed: dict[str, str], paths: Sequence[str]
) -> dict[str, Any]:
    """The patch (JSON-API field names, merge-patch style: ``None`` removes) that applies the typed
    values at ``paths`` to ``current``; fields the user did not touch are left out."""
    touched = {path.split(".")[0] for path in paths}
    if shape.geometry == "point" and touched & {"lat", "lon"}:
        touched -= {"lat", "lon"}
        touched.add("geometry")
    if "line" in touched:
        touched.remove("line")
        touched.add("geometry")
    patch: dict[str, Any] = {}
    errors: list[FieldError] = []
    for field in sorted(touched):
        if field in shape.lang_fields:
            patch[field] = lang_map(current.get(field), typed, field)
        elif field == "geometry" and shape.geometry == "point":
            lon, lat = _number("lon", typed["lon"], errors), _number("lat", typed["lat"], errors)
            patch[field] = {"type": "Point", "coordinates": [lon, lat]}
        elif field == "geometry":
            try:
                line = json.loads(typed["line"] or "[]")
            except ValueError:
                errors.append(FieldError("geometry", "not a list of points"))
                line = []
            patch[field] = {"type": "LineString", "coordinates": line}
        elif any(a == field for a, _ in (*shape.nested, *shape.nested_lang)):
            value = dict(current.get(field) or {})
            for a, b in shape.nested:
                if a == field:
                    value[b] = typed[f"{a}.{b}"] or None
            for a, b in shape.nested_lang:
                if a == field:
                    value[b] = lang_map(value.get(b), typed, f"{a}.{b}")
            patch[field] = value
        elif field == "duration_min":
            number = _number(field, typed[field], errors)
            patch[field] = int(number) if number is not None else None
        else:
            patch[field] = typed[field] or None
    if errors:
        raise InvalidInput(errors)
    return patch
