"""Category mapping tables: a source's own type names to our POI categories, overridable by a file.

A mapping file is a JSON object ``{"source type": "category"}``; ``null`` drops a default entry, so
that objects of that type are skipped. Unmapped objects are skipped and counted, never guessed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import msgspec

from content.core.errors import InvalidInput
from content.core.model import POI_CATEGORIES

__all__ = ["CategoryMap", "parse_mapping", "resolve_category"]

CategoryMap = Mapping[str, str]
_decode = msgspec.json.Decoder(dict[str, str | None]).decode


def parse_mapping(data: bytes, defaults: CategoryMap) -> dict[str, str]:
    """``defaults`` overridden by the mapping file's entries; ``InvalidInput`` names a bad entry."""
    try:
        entries = _decode(data)
    except msgspec.DecodeError as exc:
        raise InvalidInput.field("mapping", f"not a JSON object of source type to category: {exc}") from None
    table = dict(defaults)
    for source_type, category in entries.items():
        if category is None:
            table.pop(source_type, None)
        elif category not in POI_CATEGORIES:
            raise InvalidInput.field(
                f"mapping.{source_type}", f"unknown category {category!r}; one of {', '.join(POI_CATEGORIES)}"
            )
        else:
            table[source_type] = category
    return table


def resolve_category(kinds: Iterable[str], table: CategoryMap) -> str | None:
    """The category of the first kind the table knows, in the source's order."""
    for kind in kinds:
        category = table.get(kind)
        if category is not None:
            return category
    return None
