"""Pure logic of the edit forms: flat values, the base revision rebuilt from history, and patches that
carry only what the user changed (what makes the 412 flow keep everyone's work)."""

from __future__ import annotations

from content.editing.history import HistoryEntry
from service.backoffice.pages._values import Shape, base_values, changed_paths, flat_values, patch_fields

SHAPE = Shape(lang_fields=("name", "description"), plain=("category", "commune"))
CURRENT = {
    "name": {"fr": "Lavoir (restauré)", "de": "Waschhaus"},
    "description": {"fr": "Un lavoir."},
    "category": "heritage",
    "commune": None,
    "geometry": {"type": "Point", "coordinates": [0.57, 48.38]},
}


def _entry(revision: int, before: dict[str, object], after: dict[str, object]) -> HistoryEntry:
    return HistoryEntry(
        id=revision,
        entity_type="poi",
        entity_id="lavoir",
        revision=revision,
        action="update",
        user_id="u",
        user_email="other@perche.example",
        at="2026-11-28T10:00:00Z",
        before=before,
        after=after,
    )


def test_the_base_revision_is_the_current_one_with_later_changes_undone() -> None:
    history = [_entry(3, {"name": {"fr": "Lavoir", "de": "Waschhaus"}}, {"name": CURRENT["name"]})]
    base = base_values(SHAPE, CURRENT, history, base_revision=2)
    assert base["name.fr"] == "Lavoir"
    assert flat_values(SHAPE, CURRENT)["name.fr"] == "Lavoir (restauré)"
    assert changed_paths(base, flat_values(SHAPE, CURRENT)) == ["name.fr"]


def test_a_patch_carries_only_changed_fields_and_keeps_other_languages() -> None:
    typed = {**flat_values(SHAPE, CURRENT), "description.en": "A wash-house.", "commune": "Bellême"}
    paths = changed_paths(flat_values(SHAPE, CURRENT), typed)
    assert sorted(paths) == ["commune", "description.en"]
    patch = patch_fields(SHAPE, CURRENT, typed, paths)
    assert patch == {"commune": "Bellême", "description": {"fr": "Un lavoir.", "en": "A wash-house."}}


def test_clearing_a_language_drops_it_but_not_the_languages_the_form_does_not_show() -> None:
    typed = {**flat_values(SHAPE, CURRENT), "name.fr": ""}
    patch = patch_fields(SHAPE, CURRENT, typed, ["name.fr"])
    assert patch == {"name": {"fr": None, "de": "Waschhaus"}}  # merge-patch style: None removes


def test_coordinates_are_read_with_a_comma_too() -> None:
    typed = {**flat_values(SHAPE, CURRENT), "lat": "48,4"}
    patch = patch_fields(SHAPE, CURRENT, typed, ["lat"])
    assert patch == {"geometry": {"type": "Point", "coordinates": [0.57, 48.4]}}
