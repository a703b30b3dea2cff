"""The demo Perche territory: its content (``territory.json``), narration and generated artwork."""

from __future__ import annotations

__all__: list[str] = []
