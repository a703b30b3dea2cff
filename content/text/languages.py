"""Known languages: tags in multilingual maps and ``lang`` parameters must name a real language."""

from __future__ import annotations

import functools
from collections.abc import Mapping

from content.core.errors import FieldError, InvalidInput
from content.text.i18n import validate_tag

__all__ = ["ISO_639_1", "check_language", "lang_map"]

# Two-letter codes must be assigned ISO 639-1 codes, so a typo such as ``xx`` or ``fe`` is refused
# instead of silently creating a translation nobody can ask for. Three-letter primary subtags
# (ISO 639-2/3) are accepted on their syntax alone.
ISO_639_1 = frozenset(
    """
    aa ab ae af ak am an ar as av ay az ba be bg bh bi bm bn bo br bs ca ce ch co cr cs cu cv cy da de
    dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht hu hy hz ia id ie
    ig ii ik io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw ky la lb lg li ln lo lt lu lv mg
    mh mi mk ml mn mr ms mt my na nb nd ne ng nl nn no nr nv ny oc oj om or os pa pi pl ps pt qu rm rn ro
    ru rw sa sc sd se sg si sk sl sm sn so sq sr ss st su sv sw ta te tg th ti tk tl tn to tr ts tt tw ty
    ug uk ur uz ve vi vo wa wo xh yi yo za zh zu
    """.split()  # noqa: SIM905  # a word list reads better than 184 quoted strings
)


@functools.lru_cache(maxsize=512)
def check_language(tag: str) -> str:
    """The canonical form of ``tag`` (``pt-BR``) if it names a known language, else ``ValueError``."""
    canonical = validate_tag(tag)
    primary = canonical.split("-")[0]
    if len(primary) == 2 and primary not in ISO_639_1:
        raise ValueError(f"unknown language {tag!r}")
    return canonical


def lang_map(
    value: Mapping[str, str], field: str, *, required: bool = False, max_chars: int | None = None
) -> dict[str, str]:
    """A checked ``{lang: text}`` map: known tags in canonical case, stripped texts, no blanks, sorted keys.

    Raises ``InvalidInput`` naming ``field.tag`` for a bad tag or an over-long text, or ``field`` when a
    required map is empty.
    """
    errors: list[FieldError] = []
    result: dict[str, str] = {}
    for key, text in value.items():
        try:
            tag = check_language(key)
        except ValueError as exc:
            errors.append(FieldError(f"{field}.{key}", str(exc)))
            continue
        if tag in result:
            errors.append(FieldError(f"{field}.{key}", f"duplicate language {tag!r}"))
        elif max_chars is not None and len(text) > max_chars:
            errors.append(FieldError(f"{field}.{key}", f"longer than {max_chars} characters"))
        elif text.strip():
            result[tag] = text.strip()
    if errors:
        raise InvalidInput(errors)
    if required and not result:
        raise InvalidInput.field(field, "at least one language is required")
    return dict(sorted(result.items()))
