"""A vector basemap's style in a pack: ``tiles/style/style.json`` pointing at the pack's own files.

The style's vector sources point at the extract (``pmtiles://tiles/<sha256>.pmtiles``), its sprite at
``tiles/style/sprite`` and its glyphs at ``tiles/style/fonts/{fontstack}/{range}.pbf``; every URL in it is
a path relative to the pack root. Pack paths allow only ``[a-z0-9._/-]``, so font names become slugs (in
the style's ``text-font`` too, so the renderer asks for the slug) and ``sprite@2x.*`` becomes
``sprite-2x.*``. Only the glyph ranges the extract's labels need are kept (from the characters of its
tiles' string values), for the font stacks the style's layers name.
"""

from __future__ import annotations

import gzip
import json
import re
from collections.abc import Iterable, Mapping
from typing import Any

from packs.tiles.format import FormatError

__all__ = ["StyleFile", "font_slug", "label_characters", "pack_style", "style_fonts"]

STYLE_DIR = "tiles/style"
_SLUG = re.compile(r"[^a-z0-9._-]+")

StyleFile = tuple[str, str, bytes]
"""(pack path, media type, bytes)"""


def font_slug(stack: str) -> str:
    return _SLUG.sub("-", stack.lower()).strip("-.") or "font"


def _text_fonts(layer: Mapping[str, Any]) -> list[str] | None:
    layout = layer.get("layout")
    fonts = layout.get("text-font") if isinstance(layout, dict) else None
    if isinstance(fonts, list) and len(fonts) == 2 and fonts[0] == "literal":
        fonts = fonts[1]
    if isinstance(fonts, list) and fonts and all(isinstance(f, str) for f in fonts):
        return list(fonts)
    return None


def style_fonts(style: Mapping[str, Any]) -> list[str]:
    """The font stacks (comma-joined, as a renderer asks for them) of the style's symbol layers.

    Only literal ``text-font`` arrays are understood; a layer with a text field but no ``text-font``
    uses the renderer's default stack, ``Open Sans Regular,Arial Unicode MS Regular``."""
    stacks: set[str] = set()
    for layer in style.get("layers", []):
        if not isinstance(layer, dict) or layer.get("type") != "symbol":
            continue
        fonts = _text_fonts(layer)
        layout = layer.get("layout") or {}
        if fonts is not None:
            stacks.add(",".join(fonts))
        elif isinstance(layout, dict) and "text-field" in layout:
            stacks.add("Open Sans Regular,Arial Unicode MS Regular")
    return sorted(stacks)


def _varint(data: bytes, pos: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        if pos >= len(data):
            raise FormatError("protobuf ends inside a varint")
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        if byte < 0x80:
            return value, pos
        shift += 7


def _fields(data: bytes) -> Iterable[tuple[int, int, bytes | int]]:
    """(field number, wire type, value) of one protobuf message; only the wire types MVT uses."""
    pos = 0
    while pos < len(data):
        key, pos = _varint(data, pos)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, pos = _varint(data, pos)
            yield number, wire, value
        elif wire == 1:
            yield number, wire, data[pos : pos + 8]
            pos += 8
        elif wire == 2:
            length, pos = _varint(data, pos)
            yield number, wire, data[pos : pos + length]
            pos += length
        elif wire == 5:
            yield number, wire, data[pos : pos + 4]
            pos += 4
        else:
            raise FormatError(f"unexpected protobuf wire type {wire}")


def label_characters(tile: bytes, gzipped: bool) -> set[str]:
    """Every character of every string value in an MVT tile (the text a label can show)."""
    if gzipped or tile[:2] == b"\x1f\x8b":
        tile = gzip.decompress(tile)
    found: set[str] = set()
    for number, wire, layer in _fields(tile):
        if number != 3 or wire != 2 or not isinstance(layer, bytes):
            continue
        for lnumber, lwire, value in _fields(layer):
            if lnumber != 4 or lwire != 2 or not isinstance(value, bytes):
                continue
            for vnumber, vwire, text in _fields(value):
                if vnumber == 1 and vwire == 2 and isinstance(text, bytes):
                    found.update(text.decode("utf-8", errors="replace"))
    return found


def _sprite_base(style: Mapping[str, Any]) -> str | None:
    sprite = style.get("sprite")
    if isinstance(sprite, str) and sprite:
        return sprite.rstrip("/").rsplit("/", 1)[-1]
    return None


def pack_style(
    style_bytes: bytes,
    files: Mapping[str, bytes],
    *,
    extract_path: str,
    glyph_ranges: Iterable[int],
) -> list[StyleFile]:
    """The ``tiles/style/`` files of a pack. ``files`` maps the style directory's other files (relative
    paths: ``sprite.json``, ``sprite@2x.png``, ``fonts/<stack>/<start>-<end>.pbf``…) to their bytes;
    ``glyph_ranges`` are the range starts (multiples of 256) the labels need."""
    try:
        style: dict[str, Any] = json.loads(style_bytes)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise FormatError(f"style.json is not JSON: {exc}") from None
    out: list[StyleFile] = []
    for source in (style.get("sources") or {}).values():
        if isinstance(source, dict) and source.get("type") == "vector":
            source.pop("tiles", None)
            source["url"] = f"pmtiles://{extract_path}"
    base = _sprite_base(style)
    if base is not None:
        style["sprite"] = f"{STYLE_DIR}/sprite"
        for suffix, renamed in (("", ""), ("@2x", "-2x")):
            for ext, media_type in (("json", "application/json"), ("png", "image/png")):
                data = files.get(f"{base}{suffix}.{ext}")
                if data is not None:
                    out.append((f"{STYLE_DIR}/sprite{renamed}.{ext}", media_type, data))
    stacks = style_fonts(style)
    if stacks:
        style["glyphs"] = f"{STYLE_DIR}/fonts/{{fontstack}}/{{range}}.pbf"
        ranges = sorted(set(glyph_ranges) | {0})
        for stack in stacks:
            slug = font_slug(stack)
            for start in ranges:
                name = f"{start}-{start + 255}.pbf"
                # a stack of several fonts: the first font that has the range stands for the stack
                data = next(
                    (
                        files[f"fonts/{font}/{name}"]
                        for font in stack.split(",")
                        if f"fonts/{font}/{name}" in files
                    ),
                    None,
                )
                if data is not None:
                    out.append((f"{STYLE_DIR}/fonts/{slug}/{name}", "application/x-protobuf", data))
        for layer in style.get("layers", []):
            if isinstance(layer, dict) and layer.get("type") == "symbol":
                fonts = _text_fonts(layer)
                if fonts is not None:
                    layer.setdefault("layout", {})["text-font"] = [font_slug(",".join(fonts))]
    else:
        style.pop("glyphs", None)
    encoded = json.dumps(style, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()
    out.append((f"{STYLE_DIR}/style.json", "application/json", encoded))
    return sorted(out)
