"""Offline packs: the deterministic ZIP container, manifests, signatures, verification and deltas."""
