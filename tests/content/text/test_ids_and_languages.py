from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from content.core.errors import InvalidInput
from content.core.ids import is_valid_id, slugify, unique_slug
from content.text.i18n import pick
from content.text.languages import check_language, lang_map
from content.text.localize import LanguageChoice, Localizer


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("Église Notre-Dame de Mortagne", "eglise-notre-dame-de-mortagne"),
        ("  Abbaye   de la Trappe !", "abbaye-de-la-trappe"),
        ("Château d'Œuvre", "chateau-d-oeuvre"),
        ("教会", ""),
    ],
)
def test_slugify(text: str, slug: str) -> None:
    assert slugify(text) == slug


def test_unique_slug_stays_a_valid_id() -> None:
    base = "a" * 64
    taken = {base, base[:62] + "-2"}
    result = unique_slug(base, taken)
    assert result == base[:62] + "-3"
    assert is_valid_id(result)
    assert is_valid_id(unique_slug("", set()))


@pytest.mark.parametrize("value", ["abc", "a", "0-9", "a" * 64, "3f2a9c0e5b7d4e1f8a6b2c3d4e5f6a7b"])
def test_valid_ids(value: str) -> None:
    assert is_valid_id(value)


@pytest.mark.parametrize("value", ["", "-a", "A", "a_b", "a" * 65, "é", "a b", "a\n"])
def test_invalid_ids(value: str) -> None:
    assert not is_valid_id(value)


@pytest.mark.parametrize(
    ("tag", "canonical"), [("fr", "fr"), ("EN-gb", "en-GB"), ("pt_br", "pt-BR"), ("gsw", "gsw")]
)
def test_known_languages(tag: str, canonical: str) -> None:
    assert check_language(tag) == canonical


@pytest.mark.parametrize("tag", ["xx", "fe", "english", "f", "fr-", "*", "fr-FRANCE"])
def test_unknown_languages(tag: str) -> None:
    with pytest.raises(ValueError):
        check_language(tag)


def test_lang_map_reports_every_bad_tag() -> None:
    with pytest.raises(InvalidInput) as caught:
        lang_map({"fr": "ok", "xx": "?", "en": "x" * 11, "qq": "?"}, "story", max_chars=10)
    assert [e.field for e in caught.value.errors] == ["story.xx", "story.en", "story.qq"]
    assert lang_map({"EN": " Hello ", "fr": "  ", "de": "Hallo"}, "t") == {"de": "Hallo", "en": "Hello"}


def test_localizer_tracks_fallbacks_and_served_languages() -> None:
    localizer = Localizer(LanguageChoice(preferred=("en-GB",)), "fr")
    first = localizer.feature()
    assert first.text({"fr": "Bonjour", "en": "Hello"}) == "Hello"
    assert first.fallback is None
    second = localizer.feature()
    assert second.text({"fr": "Seulement"}) == "Seulement"
    assert second.text({}) is None
    assert second.fallback == "fr"
    assert localizer.content_language() == "en, fr"
    every = Localizer(LanguageChoice.all_languages(), "fr")
    assert every.feature().text({"de": "Hallo", "fr": "Salut"}) == {"de": "Hallo", "fr": "Salut"}
    assert every.content_language() == "fr, de"
    assert Localizer(LanguageChoice(), "fr").content_language() == "fr"


@settings(max_examples=200, deadline=None)
@given(
    values=st.dictionaries(
        st.sampled_from(["fr", "en", "en-GB", "de", "de-CH", "nl", "pt-BR", "pt"]), st.text(max_size=3)
    ),
    preferred=st.lists(st.sampled_from(["fr", "en", "en-US", "de-AT", "nl", "pt", "it"]), max_size=3),
    default=st.sampled_from(["fr", "en", "it"]),
)
def test_localizer_resolves_like_i18n_pick(
    values: dict[str, str], preferred: list[str], default: str
) -> None:
    localizer = Localizer(LanguageChoice(preferred=tuple(preferred)), default)
    assert localizer.resolve(values) == pick(values, preferred, default)
