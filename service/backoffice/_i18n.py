"""The back-office's message catalogue: French first, English second.

Messages are written in English in the code and templates (``_("Save")``); ``locale/fr/.../messages.po``
translates them. The catalogue is compiled in memory when the app starts, so a fresh clone needs no
build step.
"""

from __future__ import annotations

import gettext
import io
from functools import cache
from pathlib import Path
from typing import Any

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from litestar import Request

from service.backoffice._session import LANG_COOKIE

__all__ = ["DEFAULT_LANG", "LANGS", "catalogue_path", "choose_lang", "translations"]

LANGS = ("fr", "en")
DEFAULT_LANG = "fr"
_LOCALE_DIR = Path(__file__).parent / "locale"


def catalogue_path(lang: str) -> Path:
    return _LOCALE_DIR / lang / "LC_MESSAGES" / "messages.po"


@cache
def translations(lang: str) -> gettext.NullTranslations:
    """The compiled catalogue of ``lang``; English is the source language (identity)."""
    path = catalogue_path(lang)
    if lang not in LANGS or not path.exists():
        return gettext.NullTranslations()
    with path.open("rb") as po:
        catalog = read_po(po, locale=lang)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


def choose_lang(request: Request[Any, Any, Any]) -> str:
    """The user's setting (a cookie set by the language switch), else ``Accept-Language``, else French."""
    chosen = request.cookies.get(LANG_COOKIE)
    if chosen in LANGS:
        return chosen
    ranked: list[tuple[float, int, str]] = []
    for index, part in enumerate(request.headers.get("accept-language", "").split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        primary = tag.strip().lower().split("-")[0]
        if primary in LANGS and quality > 0:
            ranked.append((-quality, index, primary))
    return min(ranked)[2] if ranked else DEFAULT_LANG
