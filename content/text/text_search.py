"""Free text from a search box → a safe FTS5 query.

The user's text never reaches FTS5 syntax: it is cut into words, each word becomes a quoted string
(so ``AND``, ``NEAR``, ``*``, ``"`` or ``:`` mean nothing special), and the last word matches as a
prefix so that results appear while typing. Diacritics are folded by the index's tokenizer
(``unicode61 remove_diacritics 2``), which also tokenizes the query: ``eglise`` finds ``Église``.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["MAX_QUERY_CHARS", "MAX_WORDS", "fts_query", "search_words"]

MAX_QUERY_CHARS = 200
MAX_WORDS = 8
# Letters and digits, as the unicode61 tokenizer sees them; everything else separates words.
_WORD = re.compile(r"[^\W_]+", re.UNICODE)


def search_words(text: str) -> list[str]:
    """The words of ``text`` (NFC, lower case), at most :data:`MAX_WORDS`."""
    # lower(), not casefold(): casefold turns "ß" into "ss", which the index does not do.
    normal = unicodedata.normalize("NFC", text).lower()
    return _WORD.findall(normal)[:MAX_WORDS]


def fts_query(text: str) -> str | None:
    """An FTS5 MATCH expression requiring every word (the last one as a prefix), or None if no word."""
    words = search_words(text)
    if not words:
        return None
    quoted = [f'"{word}"' for word in words]
    quoted[-1] += "*"
    return " ".join(quoted)
