"""The POI aggregate: inputs and validation, store (writes), queries (reads), public read models, GeoJSON
exchange. Import from the modules: ``content.pois.store``, ``content.pois.queries``, …"""

from __future__ import annotations

__all__: list[str] = []
