"""Pack ids as a value, built and parsed here only: ``route:<route id>`` or ``area:<area id>``.

A ``PackId`` is parsed once where text comes in (the HTTP path, the CLI, a row read back) and travels as
itself; it becomes text only at a boundary: ``str()`` for JSON, SQL parameters and messages, and
:attr:`PackId.stem` for file names.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, cast

from content.core.errors import InvalidParameter

__all__ = ["PACK_ID_PATTERN", "PackId", "PackKind"]

PackKind = Literal["route", "area"]
PACK_ID_PATTERN = r"(route|area):[A-Za-z0-9][A-Za-z0-9._-]{0,127}"
"""What a manifest's ``pack_id`` must match (``packs.manifest``)."""


@dataclass(frozen=True, order=True, slots=True)
class PackId:
    """A pack's identity: its kind and the id of the route or area it packs. ``str()`` is the wire form."""

    kind: PackKind
    key: str

    def __str__(self) -> str:
        return f"{self.kind}:{self.key}"

    @property
    def stem(self) -> str:
        """The id as a file name's start: ``route-<id>`` (no ``:``, which some file systems refuse)."""
        return f"{self.kind}-{self.key}"

    @classmethod
    def route(cls, route_id: str) -> PackId:
        return cls("route", route_id)

    @classmethod
    def area(cls, area_id: str) -> PackId:
        return cls("area", area_id)

    @classmethod
    def parse(cls, text: str) -> PackId:
        """The id in ``text``; anything but ``route:<id>`` or ``area:<id>`` is an ``InvalidParameter``."""
        kind, sep, key = text.partition(":")
        if not sep or kind not in ("route", "area") or not key:
            raise InvalidParameter.field("pack_id", "must be route:<route id> or area:<area id>")
        return cls(cast(PackKind, kind), key)
