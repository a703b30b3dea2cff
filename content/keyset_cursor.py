"""Opaque keyset cursors for the editor's paginated lists (``{"items": [...], "next": cursor}``).

A cursor carries the sort key of the last item served and the list it belongs to, so a cursor from
one list is refused by another instead of silently skipping rows.
"""

from __future__ import annotations

import base64
import binascii

import msgspec

from content.errors import InvalidParameter

__all__ = ["decode_cursor", "encode_cursor"]

_encoder = msgspec.json.Encoder()
_decoder = msgspec.json.Decoder(tuple[str, str | int])
_INVALID = "not a cursor from a previous page of this list"


def encode_cursor(list_name: str, last_key: str | int) -> str:
    raw = _encoder.encode((list_name, last_key))
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def decode_cursor(list_name: str, cursor: str) -> str | int:
    """The sort key stored by :func:`encode_cursor`; ``InvalidParameter`` naming ``cursor`` otherwise."""
    if len(cursor) > 1024:
        raise InvalidParameter.field("cursor", _INVALID)
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        name, key = _decoder.decode(raw)
    except (binascii.Error, ValueError, msgspec.DecodeError):
        raise InvalidParameter.field("cursor", _INVALID) from None
    if name != list_name:
        raise InvalidParameter.field("cursor", _INVALID)
    return key
