"""Reading a large feed file as a stream: the objects of its array, one at a time, in constant memory.

A feed is one JSON document whose objects sit in one array (``features``, ``value``, ``d.results``,
``objetsTouristiques``, ``elements``, ``@graph``, or the document itself). ijson's C parser reads the file
in chunks and builds one object at a time, so the feed is never held whole (msgspec decodes only whole
documents). The array is found by a first pass that stops at its opening bracket.

A stream cannot tell that the end of a file is malformed before reaching it: :class:`NotAFeed` is then
raised where the fault is, after the objects before it were handed out. Feeds up to
:data:`STREAM_FROM_BYTES` are therefore still read whole first, as before (nothing is written when they
turn out unreadable); the import engine stops at the fault of a streamed one and unpublishes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import ijson

from content.importers.errors import NotAFeed
from content.importers.model import Entry

__all__ = ["STREAM_FROM_BYTES", "Streaming", "find_array", "stream_entries"]

STREAM_FROM_BYTES = 16 * 1024 * 1024
_BUFFER = 256 * 1024


@dataclass(frozen=True)
class Streaming:
    """Where a format keeps its objects (ijson prefixes of arrays, in order of preference; ``""`` is a
    document that is itself an array) and how one object becomes an entry (None: not an object)."""

    arrays: tuple[str, ...]
    entry: Callable[[int, Any], Entry | None]


def find_array(handle: BinaryIO, arrays: tuple[str, ...]) -> str | None:
    """The first of ``arrays`` that the document holds as an array, read up to its opening bracket;
    None when it holds none of them. :class:`NotAFeed` when the bytes before it are not JSON."""
    try:
        for prefix, event, _value in ijson.parse(handle, buf_size=_BUFFER):
            if event == "start_array" and prefix in arrays:
                return str(prefix)
    except ijson.JSONError as exc:
        raise NotAFeed(f"not JSON: {_first_line(exc)}") from None
    return None


def stream_entries(path: Path, streaming: Streaming) -> Iterator[Entry] | None:
    """The entries of the feed file at ``path``, read lazily; None when the file holds none of the
    format's arrays (the caller reads it whole, as a single object or to say why it is not a feed)."""
    with path.open("rb") as handle:
        prefix = find_array(handle, streaming.arrays)
    if prefix is None:
        return None
    return _entries(path, prefix, streaming)


def _entries(path: Path, prefix: str, streaming: Streaming) -> Iterator[Entry]:
    items_prefix = f"{prefix}.item" if prefix else "item"
    with path.open("rb") as handle:
        try:
            for index, item in enumerate(ijson.items(handle, items_prefix, use_float=True, buf_size=_BUFFER)):
                entry = streaming.entry(index, item)
                if entry is not None:
                    yield entry
        except ijson.JSONError as exc:
            raise NotAFeed(f"not JSON: {_first_line(exc)}") from None


def _first_line(exc: Exception) -> str:
    return (str(exc).splitlines() or [""])[0]
