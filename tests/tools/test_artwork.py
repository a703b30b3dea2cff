"""The demo artwork generator: deterministic, the promised size, small enough for a phone."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from content.core.model import POI_CATEGORIES, ROUTE_THEMES
from tools.demo import artwork
from tools.demo.artwork import ARTWORK_SIZE, main, render_artwork

MAX_JPEG_BYTES = 400_000


def _open(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def test_same_input_gives_the_same_bytes() -> None:
    first = render_artwork("chateau-saint-jean", "Château Saint-Jean", "castle")
    second = render_artwork("chateau-saint-jean", "Château Saint-Jean", "castle")
    assert first == second


def test_id_title_and_category_each_change_the_picture() -> None:
    base = render_artwork("manoir-de-courboyer", "Manoir de Courboyer", "manor")
    assert render_artwork("manoir-de-lormarin", "Manoir de Courboyer", "manor") != base
    assert render_artwork("manoir-de-courboyer", "Manoir de Lormarin", "manor") != base
    assert render_artwork("manoir-de-courboyer", "Manoir de Courboyer", "castle") != base


@pytest.mark.parametrize("category", [*POI_CATEGORIES, *ROUTE_THEMES, "unknown-kind"])
def test_every_category_gives_a_clean_jpeg_of_the_promised_size(category: str) -> None:
    data = render_artwork(f"demo-{category}", "Église Notre-Dame de l’Œuvre – Bellême", category)
    assert data.startswith(b"\xff\xd8\xff")
    assert len(data) < MAX_JPEG_BYTES
    image = _open(data)
    assert image.format == "JPEG"
    assert image.mode == "RGB"
    assert image.size == ARTWORK_SIZE
    assert not image.getexif()  # nothing but pixels
    # A real picture, not a flat fill: the sky, hills and caption make several distinct tones.
    extrema = image.convert("L").getextrema()
    assert extrema[1] - extrema[0] > 100


def test_custom_size_and_untitled() -> None:
    image = _open(render_artwork("petite", "", "forest", size=(320, 213)))
    assert image.size == (320, 213)


def test_long_titles_are_wrapped_inside_the_picture() -> None:
    title = "Écomusée du Perche – Prieuré de Sainte-Gauburge, " * 4
    image = _open(render_artwork("long", title, "museum"))
    assert image.size == ARTWORK_SIZE


def test_command_line_writes_the_same_bytes(tmp_path: Path) -> None:
    output = tmp_path / "courboyer.jpg"
    assert main(["manoir-de-courboyer", "Manoir de Courboyer", "manor", str(output)]) == 0
    assert output.read_bytes() == render_artwork("manoir-de-courboyer", "Manoir de Courboyer", "manor")


def test_without_system_font_accents_are_folded(monkeypatch: pytest.MonkeyPatch) -> None:
    assert artwork._fold_accents("Église de l’Œuvre – Bellême «x»") == 'Eglise de l\'OEuvre - Belleme "x"'
    monkeypatch.setattr(artwork, "_font_path", lambda: None)
    data = render_artwork("chateau-saint-jean", "Château Saint-Jean", "castle")
    assert _open(data).size == ARTWORK_SIZE
    assert data == render_artwork("chateau-saint-jean", "Château Saint-Jean", "castle")
