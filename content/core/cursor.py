"""Opaque, tamper-evident pagination cursors.

A cursor carries a keyset position ``(sort value, id)`` (distance, search rank, or 0 for id order) and an
HMAC over that position and the query it belongs to, keyed by a secret kept in the database. A cursor
that was garbled, forged, or taken from another query is refused as a bad ``cursor`` parameter.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import math
import weakref

import aiosqlite
import msgspec

from content.core.errors import FieldError, InvalidParameter

__all__ = ["CURSOR_SECRET", "CursorCodec", "SortKey", "codec_for", "load_secret"]

# (sort value, tie-break): an id, or a row number where the list breaks ties by insertion order.
SortKey = tuple[float, int | str]
CURSOR_SECRET = "cursor_hmac"  # noqa: S105  # the name of a row in the secrets table, not a secret
_MAC_BYTES = 16
_MAX_TOKEN_CHARS = 256
_encode = msgspec.json.Encoder().encode
_decode_key = msgspec.json.Decoder(tuple[float, int | str]).decode


async def load_secret(conn: aiosqlite.Connection, name: str) -> bytes:
    rows = list(await conn.execute_fetchall("SELECT value FROM secrets WHERE name = ?", (name,)))
    if not rows:
        raise RuntimeError(f"secret {name!r} is missing from the database")
    value = rows[0][0]
    assert isinstance(value, bytes)
    return value


class CursorCodec:
    """Encodes and checks cursors; ``scope`` names the query (filters) a cursor is valid for."""

    def __init__(self, key: bytes) -> None:
        if len(key) < 16:
            raise ValueError("cursor key is too short")
        self._key = key

    def _mac(self, scope: str, payload: bytes) -> bytes:
        message = hashlib.sha256(scope.encode()).digest() + payload
        return hmac.digest(self._key, message, "sha256")[:_MAC_BYTES]

    def encode(self, scope: str, position: SortKey) -> str:
        payload = _encode(position)
        token = base64.urlsafe_b64encode(payload + self._mac(scope, payload))
        return token.rstrip(b"=").decode("ascii")

    def decode(self, token: str, scope: str) -> SortKey:
        """The position in ``token``; ``InvalidParameter`` naming ``cursor`` if it is not one we issued."""
        if len(token) > _MAX_TOKEN_CHARS or not token.isascii():
            raise _invalid()
        try:
            raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        except (binascii.Error, ValueError):
            raise _invalid() from None
        payload, mac = raw[:-_MAC_BYTES], raw[-_MAC_BYTES:]
        if len(raw) <= _MAC_BYTES or not hmac.compare_digest(mac, self._mac(scope, payload)):
            raise _invalid()
        try:
            value, last_id = _decode_key(payload)
        except msgspec.DecodeError:
            raise _invalid() from None
        if not math.isfinite(value):
            raise _invalid()
        if isinstance(last_id, int) and not 0 <= last_id < 2**63:
            raise _invalid()
        # The payload is authenticated; the length and character checks only bound what a key can be
        # (an id, or an email where a list is sorted by email).
        if isinstance(last_id, str) and (len(last_id) > 320 or not last_id.isprintable()):
            raise _invalid()
        return value, last_id


_CODECS: dict[bytes, CursorCodec] = {}
# The secret is written once, by a migration, and never changes: each connection reads it once.
_BY_CONNECTION: weakref.WeakKeyDictionary[aiosqlite.Connection, CursorCodec] = weakref.WeakKeyDictionary()


async def codec_for(conn: aiosqlite.Connection) -> CursorCodec:
    """The codec keyed by this database's cursor secret (read once per connection, one per secret)."""
    codec = _BY_CONNECTION.get(conn)
    if codec is not None:
        return codec
    key = await load_secret(conn, CURSOR_SECRET)
    codec = _CODECS.get(key)
    if codec is None:
        codec = _CODECS[key] = CursorCodec(key)
    _BY_CONNECTION[conn] = codec
    return codec


def _invalid() -> InvalidParameter:
    return InvalidParameter(FieldError("cursor", "not a cursor from this list; start again without it"))
