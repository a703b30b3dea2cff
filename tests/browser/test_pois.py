"""Editing POIs in the browser: edit and publish, the office scope, uploads, and the 412 conflict flow."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import Site, check_axe, shoot

FIXTURES = Path(__file__).resolve().parents[3] / "shared" / "fixtures"


def test_edit_and_publish_a_poi_then_see_it_in_the_public_api(signed_in: Any, site: Site) -> None:
    page = signed_in(site.seeded.staff)
    page.goto("/backoffice/pois")
    check_axe(page)
    shoot(page, "pois")
    page.get_by_label("Rechercher").fill("eglise sauv")  # accents folded, drafts included
    page.get_by_role("button", name="Filtrer").click()
    results = page.locator("table.list tbody")
    assert results.get_by_role("link", name="Lavoir de la Herse").count() == 0
    page.get_by_role("link", name="Église Saint-Sauveur").click()
    page.wait_for_url("**/backoffice/pois/eglise-saint-sauveur")
    check_axe(page)
    shoot(page, "poi-edit")
    with site.api() as api:
        assert api.get("/api/v1/pois/eglise-saint-sauveur").status_code == 404  # a draft
    page.get_by_label("Nom (fr)").fill("Église Saint-Sauveur de Bellême")
    page.get_by_label("Description (fr)").fill("Une église du XVe siècle, au cœur de la cité.")
    page.get_by_label("Nom (en)").fill("Saint-Sauveur church")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("status").first).to_have_text("Enregistré.")
    page.get_by_role("button", name="Publier", exact=True).click()
    expect(page.get_by_role("status").first).to_contain_text("visible dans l’application")
    expect(page.get_by_role("button", name="Dépublier")).to_be_visible()
    check_axe(page)
    with site.api() as api:
        public = api.get("/api/v1/pois/eglise-saint-sauveur", params={"lang": "fr"}).json()
        english = api.get("/api/v1/pois/eglise-saint-sauveur", params={"lang": "en"}).json()
    assert public["properties"]["name"] == "Église Saint-Sauveur de Bellême"
    assert public["properties"]["description"] == "Une église du XVe siècle, au cœur de la cité."
    assert english["properties"]["name"] == "Saint-Sauveur church"


def test_staff_of_another_office_sees_no_button_and_is_refused_when_forcing(
    signed_in: Any, site: Site
) -> None:
    page = signed_in(site.seeded.other_staff)
    page.goto("/backoffice/pois/lavoir-du-conflit")
    assert page.get_by_label("Nom (fr)").is_disabled()
    assert page.get_by_role("button", name="Enregistrer").count() == 0
    assert page.get_by_role("button", name="Publier").count() == 0
    check_axe(page)
    token = page.locator("input[name=csrf_token]").first.input_value()
    answer = page.request.post(
        f"{site.url}/backoffice/pois/lavoir-du-conflit",
        form={
            "csrf_token": token,
            "fields": "1",
            "name.fr": "Pris",
            "etag": "x",
            "revision": "1",
            "action": "publish",
        },
        max_redirects=0,
    )
    assert answer.status == 403
    assert "Accès refusé" in answer.text()
    page.goto("/backoffice/pois/lavoir-du-conflit")
    assert page.get_by_label("Nom (fr)").input_value() == "Lavoir de la Herse"


def test_upload_a_picture_and_a_narration(signed_in: Any, site: Site) -> None:
    page = signed_in(site.seeded.staff)
    page.goto("/backoffice/pois/manoir-publie")
    page.get_by_label("Fichier (photo ou son)").set_input_files(str(FIXTURES / "images" / "phone-photo.jpg"))
    page.locator("#up-preview img").wait_for()  # previewed before sending
    page.get_by_label("Texte alternatif (ce que montre la photo)").fill("La façade du manoir")
    page.get_by_label("Crédit").fill("OT du Perche")
    page.get_by_role("button", name="Envoyer").click()
    page.wait_for_url("**/backoffice/pois/manoir-publie?done=uploaded*")
    thumb = page.locator(".thumbs img").first
    expect(thumb).to_be_visible()
    assert page.evaluate("img => img.naturalWidth", thumb.element_handle()) > 0
    page.get_by_label("Fichier (photo ou son)").set_input_files(str(FIXTURES / "audio" / "short-fr.wav"))
    page.get_by_label("Langue de la narration").select_option("fr")
    page.get_by_role("button", name="Envoyer").click()
    page.wait_for_url("**/backoffice/pois/manoir-publie?done=uploaded*")
    player = page.get_by_label("Narration (fr)")
    assert player.evaluate("a => a.tagName") == "AUDIO"
    check_axe(page)
    shoot(page, "poi-media")
    with site.api() as api:
        public = api.get("/api/v1/pois/manoir-publie", params={"lang": "fr"}).json()["properties"]
        assert public["images"][0]["alt"] == "La façade du manoir"
        assert public["audio"]["kind"] == "audio"
        assert api.get(public["audio"]["variants"]["speech"]["url"]).status_code == 200


def test_conflict_keeps_what_was_typed_and_reapplies_it(new_page: Any, site: Site) -> None:
    from tests.browser.conftest import sign_in

    mine, theirs = new_page(), new_page()
    for page in (mine, theirs):
        sign_in(page, site.seeded.staff)
        page.goto("/backoffice/pois/lavoir-du-conflit")
    theirs.get_by_label("Nom (fr)").fill("Lavoir de la Herse (restauré)")
    theirs.get_by_role("button", name="Enregistrer").click()
    expect(theirs.get_by_role("status").first).to_have_text("Enregistré.")

    mine.get_by_label("Description (fr)").fill("Le lavoir où les lavandières chantaient.")
    mine.get_by_role("button", name="Enregistrer").click()
    conflict = mine.locator("#conflict")
    expect(conflict).to_be_visible()
    assert "Lavoir de la Herse (restauré)" in conflict.inner_text()  # what they changed
    assert "Le lavoir où les lavandières chantaient." in conflict.inner_text()  # next to what I typed
    # Nothing typed is lost, and their change is in the form too.
    assert mine.get_by_label("Description (fr)").input_value() == "Le lavoir où les lavandières chantaient."
    assert mine.get_by_label("Nom (fr)").input_value() == "Lavoir de la Herse (restauré)"
    check_axe(mine)
    shoot(mine, "poi-conflict")
    mine.get_by_role("button", name="Enregistrer").click()
    expect(mine.get_by_role("status").first).to_have_text("Enregistré.")
    with site.api() as api:
        login = api.post(
            "/api/v1/auth/login",
            json={"email": site.seeded.staff.email, "password": site.seeded.staff.password},
        )
        record = api.get(
            "/api/v1/editor/pois/lavoir-du-conflit",
            headers={"Authorization": f"Bearer {login.json()['token']}"},
        ).json()
    assert record["name"]["fr"] == "Lavoir de la Herse (restauré)"
    assert record["description"]["fr"] == "Le lavoir où les lavandières chantaient."
