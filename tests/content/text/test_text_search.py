from __future__ import annotations

import sqlite3

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from content.text.text_search import MAX_WORDS, fts_query


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("eglise", '"eglise"*'),
        ("Église Notre-Dame", '"église" "notre" "dame"*'),
        ('abbaye" OR NEAR(x', '"abbaye" "or" "near" "x"*'),
        ("straße", '"straße"*'),
        ("l'œuvre", '"l" "œuvre"*'),
        ("a_b", '"a" "b"*'),
        ("!!! ???", None),
        ("", None),
    ],
)
def test_words_become_quoted_terms_and_a_final_prefix(text: str, expected: str | None) -> None:
    assert fts_query(text) == expected


def test_words_are_capped() -> None:
    query = fts_query(" ".join(f"w{n}" for n in range(30)))
    assert query is not None
    assert query.count('"') == 2 * MAX_WORDS


@pytest.fixture(scope="module")
def index() -> sqlite3.Connection:
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE VIRTUAL TABLE f USING fts5(name, tokenize = 'unicode61 remove_diacritics 2')")
    conn.executemany(
        "INSERT INTO f VALUES (?)", [("Église Notre-Dame",), ("Abbaye de la Trappe",), ("Straße 東京",)]
    )
    return conn


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("eglise", 1),
        ("EGLISE notre", 1),
        ("abbaye", 1),
        ("trap", 1),
        ("straße", 1),
        ("東京", 1),
        ("dame abbaye", 0),
    ],
)
def test_queries_match_with_diacritics_folded(index: sqlite3.Connection, text: str, found: int) -> None:
    query = fts_query(text)
    assert query is not None
    assert len(index.execute("SELECT * FROM f WHERE f MATCH ?", (query,)).fetchall()) == found


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=60))
def test_no_text_ever_makes_an_fts_syntax_error(index: sqlite3.Connection, text: str) -> None:
    query = fts_query(text)
    if query is not None:
        index.execute("SELECT * FROM f WHERE f MATCH ?", (query,)).fetchall()
