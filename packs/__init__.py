"""Offline packs: format, deterministic builder, deltas, signing. Knows nothing of HTTP."""
