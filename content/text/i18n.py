"""Language tags, multilingual text maps, and the fallback chain requested → territory default → any."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import TypeVar

from content.core.errors import FieldError, InvalidInput

__all__ = [
    "ALL_LANGUAGES",
    "parse_accept_language",
    "pick",
    "validate_lang_map",
    "validate_tag",
]

# BCP 47 tags accepted as keys of multilingual maps: a language, optionally a region or script.
_TAG = re.compile(r"^[a-z]{2,3}(-[A-Z][a-z]{3})?(-([A-Z]{2}|[0-9]{3}))?$")
ALL_LANGUAGES = "*"
T = TypeVar("T")


def validate_tag(tag: str) -> str:
    """Normalise ``tag`` to its canonical case (``fr``, ``pt-BR``) or raise ``ValueError``."""
    parts = tag.replace("_", "-").split("-")
    if not parts or not parts[0]:
        raise ValueError(f"not a language tag: {tag!r}")
    canonical = [parts[0].lower()]
    for part in parts[1:]:
        canonical.append(part.title() if len(part) == 4 else part.upper())
    normal = "-".join(canonical)
    if not _TAG.match(normal):
        raise ValueError(f"not a BCP 47 language tag: {tag!r}")
    return normal


def validate_lang_map(value: Mapping[str, str], field: str, *, required: bool = False) -> dict[str, str]:
    """Check a ``{lang: text}`` map; keys normalised, blank texts dropped. Raises ``InvalidInput``."""
    errors, result = [], {}
    for key, text in value.items():
        try:
            tag = validate_tag(key)
        except ValueError as exc:
            errors.append(FieldError(f"{field}.{key}", str(exc)))
            continue
        if text.strip():
            result[tag] = text
    if errors:
        raise InvalidInput(errors)
    if required and not result:
        raise InvalidInput.field(field, "at least one language is required")
    return result


def parse_accept_language(header: str | None) -> list[str]:
    """Languages from an ``Accept-Language`` header, best first; malformed parts are ignored."""
    if not header:
        return []
    weighted: list[tuple[float, int, str]] = []
    for index, part in enumerate(header.split(",")):
        pieces = part.strip().split(";")
        tag = pieces[0].strip()
        quality = 1.0
        for param in pieces[1:]:
            name, _, value = param.strip().partition("=")
            if name.strip() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if tag == "*" or quality <= 0:
            continue
        try:
            weighted.append((-quality, index, validate_tag(tag)))
        except ValueError:
            continue
    weighted.sort()
    return [tag for _, _, tag in weighted]


def pick(values: Mapping[str, T], preferred: Sequence[str], default: str) -> tuple[str, T] | None:
    """Choose one translation: each preferred tag (then its primary language), the default, then any.

    Returns ``(lang, value)`` or None when the map is empty.
    """
    if not values:
        return None
    for tag in _chain(preferred, default):
        if tag in values:
            return tag, values[tag]
    for tag, value in values.items():
        if tag.split("-")[0] in {t.split("-")[0] for t in _chain(preferred, default)}:
            return tag, value
    first = min(values)
    return first, values[first]


def _chain(preferred: Iterable[str], default: str) -> list[str]:
    chain: list[str] = []
    for tag in [*preferred, default]:
        for candidate in (tag, tag.split("-")[0]):
            if candidate not in chain:
                chain.append(candidate)
    return chain
