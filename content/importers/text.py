"""Text as sources publish it: HTML fragments, entities, stray whitespace, several languages."""

from __future__ import annotations

import html
import re
from collections.abc import Mapping

__all__ = ["clean_text", "lang_texts", "place_name", "plain_text"]

_BREAK = re.compile(r"<\s*(br|/p|/div|/li|/h[1-6])\b[^>]*>", re.IGNORECASE)
_ITEM = re.compile(r"<\s*li\b[^>]*>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")
_DROP = re.compile(r"<\s*(script|style)\b.*?<\s*/\s*\1\s*>", re.IGNORECASE | re.DOTALL)
_SPACES = re.compile(r"[ \t\r\f\v\u00a0]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")


def plain_text(value: str) -> str:
    """``value`` without markup: block ends become line breaks, entities are decoded, blanks folded."""
    if "<" in value:
        value = _DROP.sub("", value)
        value = _BREAK.sub("\n", value)
        value = _ITEM.sub("- ", value)
        value = _TAG.sub("", value)
    value = html.unescape(value)
    lines = [_SPACES.sub(" ", line).strip() for line in value.split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def clean_text(value: object, max_chars: int | None = None) -> str | None:
    """A one-value text field (a name, an address) as plain text, or None when blank or not a string."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        return None
    text = " ".join(plain_text(value).split())
    if max_chars is not None and len(text) > max_chars:
        text = text[: max_chars - 1].rstrip() + "…"
    return text or None


def lang_texts(values: Mapping[str, object], *, multiline: bool = False) -> dict[str, str]:
    """``{lang: text}`` without the blank ones; ``multiline`` keeps paragraphs (descriptions)."""
    result = {}
    for lang, value in values.items():
        if not isinstance(value, str):
            continue
        text = plain_text(value) if multiline else clean_text(value)
        if text:
            result[lang] = text
    return result


_LOWER_WORDS = {"le", "la", "les", "de", "du", "des", "sur", "en", "aux", "au", "et", "sous", "l", "d"}


def place_name(value: object) -> str | None:
    """A commune as sources shout it (``NOGENT-LE-ROTROU``) in its usual case (``Nogent-le-Rotrou``);
    names already in mixed case are kept as they are."""
    text = clean_text(value, 120)
    if text is None or text != text.upper():
        return text
    groups = []
    first = True
    for group in text.lower().replace("'", "' ").split("-"):
        parts = []
        for part in group.split(" "):
            keep_lower = not first and part.rstrip("'") in _LOWER_WORDS
            parts.append(part if keep_lower else part[:1].upper() + part[1:])
            first = first and not part
        groups.append(" ".join(parts))
    return "-".join(groups).replace("' ", "'")
