"""The route aggregate (a line with ordered stops): inputs and validation, store, queries, public read
models. Import from the modules: ``content.routes.store``, ``content.routes.queries``, …"""

from __future__ import annotations

__all__: list[str] = []
