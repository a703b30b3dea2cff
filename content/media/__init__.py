"""The media pipeline: ingest uploads, make phone variants, describe them as API media refs."""

from __future__ import annotations

__all__: list[str] = []
