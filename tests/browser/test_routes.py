"""Editing a route in the browser: texts, stops reordered with buttons, and the pack rebuilt."""

from __future__ import annotations

import time
from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import Site, check_axe, shoot


def _pack_version(site: Site) -> int:
    with site.api() as api:
        answer = api.get("/api/v1/packs/route:legendes")
    return int(answer.json()["version"]) if answer.status_code == 200 else 0


def test_reorder_two_stops_and_see_the_pack_rebuilt(signed_in: Any, site: Site) -> None:
    before = _pack_version(site)
    assert before >= 1
    page = signed_in(site.seeded.staff)
    page.goto("/backoffice/routes")
    check_axe(page)
    shoot(page, "routes")
    page.get_by_role("link", name="Légendes de la forêt").click()
    page.wait_for_url("**/backoffice/routes/legendes")
    assert page.get_by_label("Titre (fr)").input_value() == "Légendes de la forêt"
    assert page.get_by_label("Résumé (fr)").input_value() == "Une boucle entre chênes géants."
    check_axe(page)
    shoot(page, "route-edit")
    # Keyboard only: focus "move down" on the first stop and press Enter.
    page.get_by_role("button", name="Descendre l’arrêt 1 : La porte").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/backoffice/routes/legendes?done=stops*")
    titles = page.locator("li.stop h3").all_inner_texts()
    assert titles == ["1. La fontaine", "2. La porte"]
    with site.api() as api:
        stops = api.get("/api/v1/routes/legendes", params={"lang": "fr"}).json()["features"][1:]
    assert [s["properties"]["title"] for s in stops] == ["La fontaine", "La porte"]
    deadline = time.monotonic() + 30
    while _pack_version(site) <= before and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _pack_version(site) == before + 1
    page.reload()
    assert page.locator("#pack-version").inner_text() == str(before + 1)


def test_route_texts_are_saved_and_published_state_is_shown(signed_in: Any, site: Site) -> None:
    page = signed_in(site.seeded.staff)
    page.goto("/backoffice/routes/legendes")
    expect(page.get_by_role("button", name="Dépublier")).to_be_visible()  # the seeded route is published
    page.get_by_label("Résumé (en)").fill("A loop among giant oaks.")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("status").first).to_have_text("Enregistré.")
    with site.api() as api:
        route = api.get("/api/v1/routes/legendes", params={"lang": "en"}).json()
    assert route["features"][0]["properties"]["summary"] == "A loop among giant oaks."


def test_unpublish_asks_for_confirmation(signed_in: Any, site: Site) -> None:
    page = signed_in(site.seeded.admin)
    page.goto("/backoffice/pois/manoir-publie")
    page.get_by_role("button", name="Dépublier").click()
    assert page.get_by_role("heading", level=1).inner_text().startswith("Dépublier")
    check_axe(page)
    with site.api() as api:
        assert api.get("/api/v1/pois/manoir-publie").status_code == 200  # not yet
    page.get_by_role("button", name="Confirmer : dépublier").click()
    page.wait_for_url("**/backoffice/pois/manoir-publie?done=unpublish")
    with site.api() as api:
        assert api.get("/api/v1/pois/manoir-publie").status_code == 404


def test_upload_a_stop_narration_and_hear_it_on_the_page(signed_in: Any, site: Site) -> None:
    from tests.browser.test_pois import FIXTURES

    page = signed_in(site.seeded.staff)
    page.goto("/backoffice/routes/legendes")
    first_stop = page.locator("li.stop h3").first.inner_text().split(". ", 1)[1]
    page.get_by_label("Fichier (photo ou son) — arrêt 1").set_input_files(
        str(FIXTURES / "audio" / "short-fr.wav")
    )
    page.locator("#stops ~ section .upload-preview audio").first.wait_for()
    page.get_by_role("button", name="Envoyer pour l’arrêt 1").click()
    page.wait_for_url("**/backoffice/routes/legendes?done=uploaded*")
    assert page.get_by_label("Narration (fr)").first.evaluate("a => a.tagName") == "AUDIO"
    check_axe(page)
    with site.api() as api:
        stops = api.get("/api/v1/routes/legendes", params={"lang": "fr"}).json()["features"][1:]
    stop = next(s for s in stops if s["properties"]["title"] == first_stop)
    assert stop["properties"]["audio"]["kind"] == "audio"
