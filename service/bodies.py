"""Request bodies: JSON nested deeper than any editor body needs is refused before it is decoded.

msgspec decodes nesting recursively and gives up with ``RecursionError`` somewhere past a few
thousand levels, which would surface as a 500; validation code walking a deep value could do the
same. No Odyssée body needs more than a handful of levels (a GeoJSON polygon in a feature is five).
Size is bounded separately by ``request_max_body_size`` (``ODYSSEE_MAX_BODY_BYTES``).
"""

from __future__ import annotations

import asyncio
import re
from typing import Any

from litestar import Request

from content.core.errors import InvalidInput

__all__ = ["MAX_JSON_DEPTH", "BoundedJSONRequest", "json_depth_exceeds"]

MAX_JSON_DEPTH = 32
# Scanning a large body costs up to a few hundred milliseconds; past this size it runs off the loop.
_SCAN_IN_THREAD_BYTES = 64 * 1024
# Strings are matched whole so that brackets inside them do not count.
_TOKENS = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]', re.DOTALL)


def json_depth_exceeds(body: bytes, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether ``body`` opens more than ``limit`` arrays/objects inside one another."""
    if body.count(b"[") + body.count(b"{") <= limit:
        return False
    depth = 0
    for match in _TOKENS.finditer(body):
        token = match.group()
        if token in (b"[", b"{"):
            depth += 1
            if depth > limit:
                return True
        elif token in (b"]", b"}"):
            depth -= 1
    return False


class BoundedJSONRequest(Request[Any, Any, Any]):
    """The app's request class: JSON bodies deeper than :data:`MAX_JSON_DEPTH`, or not UTF-8, get 422
    naming ``body``."""

    async def json(self) -> Any:
        body = await self.body()
        if len(body) > _SCAN_IN_THREAD_BYTES:
            too_deep = await asyncio.to_thread(json_depth_exceeds, body)
        else:
            too_deep = json_depth_exceeds(body)
        if too_deep:
            raise InvalidInput.field("body", f"JSON is nested more than {MAX_JSON_DEPTH} levels deep")
        try:
            return await super().json()
        except UnicodeDecodeError as exc:
            # msgspec checks UTF-8 only while decoding strings and lets this escape: a 422, not a 500.
            raise InvalidInput.field("body", f"is not valid UTF-8 (byte {exc.start})") from None
