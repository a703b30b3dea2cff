"""Offline basemaps: reading PMTiles v3 archives by range and cutting pack extracts out of them.

- ``format``: the header, varint directories and Hilbert tile ids, from the specification;
- ``reader``: ``Archive`` over a ``RangeSource`` (a file with ``pread``, or a blob store stream);
- ``cover``: which tiles a pack needs (box at low zooms, corridor along the route's line above);
- ``extract``: the streaming extractor (clustered, deduplicated, run-length, deterministic);
- ``style``: a vector basemap's style, sprites and glyph ranges as pack files;
- ``basemap``: where the operator's basemap is and checking it; ``packing``: the pack builder's hook.
"""
