"""Offline packs (``PACK_FORMAT.md``): the deterministic ZIP container, manifests, signatures, deltas.

Decisions the format leaves open, made here:

- ``manifest.json`` is compact JSON, fields in the documented order, times ``YYYY-MM-DDTHH:MM:SSZ``, no
  trailing newline. ``manifest.sig`` is the standard base64 (with padding) of the 64-byte Ed25519
  signature: exactly 88 ASCII characters, no newline (phones' base64 decoders reject one).
- ``/api/v1/packs/keys`` gives each ``public_key`` as the raw 32-byte Ed25519 key (RFC 8032) in base64.
- The ZIP64 extra field is the only extra field ever written, and only where a size or offset needs it.
- The entries sorted "by path" are all ZIP members, ``manifest.json`` and ``manifest.sig`` included, in
  byte order. ``delta.json`` is a reserved name too.
"""
