"""The one error a reader raises: the source itself cannot be read (the import exits non-zero)."""

from __future__ import annotations

__all__ = ["NotAFeed"]


class NotAFeed(ValueError):
    """The bytes are not the format the reader expects; the message says where or why."""
