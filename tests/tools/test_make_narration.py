"""The demo narration: spoken-text rules, the committed Ogg Opus files, and a real espeak-ng → ffmpeg run."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from mutagen.oggopus import OggOpus

from tools.demo.make_narration import (
    MEDIA_DIR,
    TERRITORY_FILE,
    Narration,
    expected_files,
    narrations,
    spoken_text,
    synthesise,
)

MAX_MEDIA_BYTES = 4_000_000


@pytest.fixture(scope="module")
def territory() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(TERRITORY_FILE.read_text(encoding="utf-8"))
    return data


@pytest.mark.parametrize(
    ("lang", "story", "spoken"),
    [
        ("fr", "Au début du XIe siècle.", "Au début du onzième siècle."),
        ("fr", "Au XVIIe siècle, puis au XIXe.", "Au dix-septième siècle, puis au dix-neuvième."),
        ("fr", "Rotrou III, dit le Grand.", "Rotrou trois, dit le Grand."),
        ("fr", "Le futur roi David Ier d’Écosse.", "Le futur roi David premier d’Écosse."),
        ("fr", "Ce passage. Le Porche.", "Ce passage. Le Porche."),
        ("en", "Rotrou III, called the Great.", "Rotrou the Third, called the Great."),
        ("en", "King David I of Scotland.", "King David the First of Scotland."),
        ("en", "Minister to Henri IV.", "Minister to Henri the Fourth."),
    ],
)
def test_spoken_text_spells_out_roman_numerals(lang: str, story: str, spoken: str) -> None:
    assert spoken_text("Titre", story, lang) == f"Titre.\n{spoken}"


def test_one_narration_per_stop_and_story_language(territory: dict[str, Any]) -> None:
    stories = {
        (stop["id"], lang)
        for route in territory["routes"]
        for stop in route["stops"]
        for lang in stop["story"]
    }
    found = list(narrations(territory))
    assert {(n.stop_id, n.lang) for n in found} == stories
    assert len(found) == len(stories)
    assert all(n.text.strip() for n in found)


def test_media_folder_matches_the_stories(territory: dict[str, Any]) -> None:
    present = {path.name for path in MEDIA_DIR.iterdir()}
    assert present == expected_files(territory), "run python -m tools.demo.make_narration"


def test_committed_narrations_are_small_mono_opus(territory: dict[str, Any]) -> None:
    total = 0
    for name in sorted(expected_files(territory)):
        path = MEDIA_DIR / name
        total += path.stat().st_size
        audio = OggOpus(path)
        assert audio.info.channels == 1, name
        assert 5 <= audio.info.length <= 60, f"{name}: {audio.info.length:.1f} s"
        bitrate_bps = path.stat().st_size * 8 / audio.info.length
        assert bitrate_bps <= 26_000, f"{name}: {bitrate_bps:.0f} b/s"
    assert total < MAX_MEDIA_BYTES, f"narration folder is {total} bytes"


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_synthesise_is_reproducible_opus(tmp_path: Path, lang: str) -> None:
    # A prerequisite (README), installed by .ci/run: fail rather than skip, so that CI never skips it.
    missing = [tool for tool in ("espeak-ng", "ffmpeg") if shutil.which(tool) is None]
    assert not missing, f"install {' and '.join(missing)} (Debian: apt install espeak-ng ffmpeg)"
    narration = Narration("essai", lang, spoken_text("Essai", "Le chêne de l’Écuyer. Rotrou III.", lang))
    first, second = tmp_path / "a.ogg", tmp_path / "b.ogg"
    synthesise(narration, first)
    synthesise(narration, second)
    assert first.read_bytes() == second.read_bytes()
    audio = OggOpus(first)
    assert audio.info.channels == 1
    assert 1.0 < audio.info.length < 20.0
    assert sorted(tmp_path.iterdir()) == [first, second]  # no scratch files left behind
