"""Creating POIs and routes in the back-office: staff place a point or draw a line on the map and get a
draft of their office; a mistake is named beside the form with what was typed kept; producers cannot
reach the page."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import Site, check_axe, shoot


def test_staff_create_a_draft_poi_placed_on_the_map(signed_in: Any, site: Site) -> None:
    page = signed_in(site.seeded.staff)
    page.goto("/backoffice/pois")
    page.get_by_role("link", name="Nouveau point d’intérêt").click()
    page.wait_for_url("**/backoffice/pois/new")
    check_axe(page)
    shoot(page, "poi-new")

    page.get_by_label("Nom (fr)").fill("Fontaine Saint-Ortaire")
    page.get_by_label("Catégorie").select_option("legend_site")
    page.get_by_label("Commune").fill("Bellême")
    page.get_by_label("Latitude").fill("quarante-huit")
    page.get_by_label("Longitude").fill("0.56")
    page.get_by_role("button", name="Créer le brouillon").click()
    errors = page.locator("#errors")
    expect(errors).to_contain_text("Cliquez sur la carte pour placer le point")
    assert page.get_by_label("Nom (fr)").input_value() == "Fontaine Saint-Ortaire"  # kept as typed
    check_axe(page)
    shoot(page, "poi-new-error")

    # A click on the map places the point and fills the coordinates.
    page.locator("#map").click(position={"x": 160, "y": 120})
    expect(page.get_by_label("Latitude")).to_have_value(re.compile(r"^\d+\.\d{6}$"))
    expect(page.get_by_label("Longitude")).to_have_value(re.compile(r"^-?\d+\.\d{6}$"))
    page.get_by_role("button", name="Créer le brouillon").click()
    page.wait_for_url(re.compile(r".*/backoffice/pois/fontaine-saint-ortaire\?done=created$"))
    expect(page.get_by_role("status").first).to_contain_text("Brouillon créé")
    assert page.get_by_label("Nom (fr)").input_value() == "Fontaine Saint-Ortaire"
    expect(page.get_by_role("button", name="Publier", exact=True)).to_be_visible()
    check_axe(page)
    with site.api() as api:
        assert api.get("/api/v1/pois/fontaine-saint-ortaire").status_code == 404  # a draft, not public
        login = api.post(
            "/api/v1/auth/login",
            json={"email": site.seeded.staff.email, "password": site.seeded.staff.password},
        )
        token = login.json()["token"]
        editor = api.get(
            "/api/v1/editor/pois/fontaine-saint-ortaire", headers={"Authorization": f"Bearer {token}"}
        ).json()
    assert editor["status"] == "draft"
    assert editor["office_id"] == "ot-perche"
    assert editor["category"] == "legend_site"
    assert editor["commune"] == "Bellême"


def test_a_producer_cannot_create_pois(signed_in: Any, site: Site) -> None:
    page = signed_in(site.seeded.producer)
    answer = page.goto("/backoffice/pois/new")
    assert answer is not None
    assert answer.status == 403


def test_staff_draw_a_new_route_then_add_its_stops_on_the_edit_page(signed_in: Any, site: Site) -> None:
    page = signed_in(site.seeded.staff)
    page.goto("/backoffice/routes")
    page.get_by_role("link", name="Nouveau parcours").click()
    page.wait_for_url("**/backoffice/routes/new")
    check_axe(page)
    page.get_by_label("Titre (fr)").fill("Sur les pas des moines")
    page.get_by_label("Durée (minutes)").fill("75")
    undo = page.get_by_role("button", name="Retirer le dernier point")
    expect(undo).to_be_hidden()
    one_point_only = page.locator("#map")
    one_point_only.click(position={"x": 60, "y": 60})
    expect(undo).to_be_visible()
    page.get_by_role("button", name="Créer le brouillon").click()
    expect(page.locator("#errors")).to_contain_text("Tracez au moins deux points sur la carte.")
    assert page.get_by_label("Titre (fr)").input_value() == "Sur les pas des moines"
    shoot(page, "route-new-error")

    drawn = page.locator("#map")
    for x, y in ((60, 60), (160, 110), (260, 90)):
        drawn.click(position={"x": x, "y": y})
    page.get_by_role("button", name="Retirer le dernier point").click()
    page.get_by_text("Coordonnées du tracé").click()
    line = page.get_by_label("Tracé en paires [longitude, latitude]")
    expect(line).to_have_value(re.compile(r"^\[\[.+\],\[.+\],\[.+\]\]$"))  # the failed try's point, then two
    shoot(page, "route-new")
    page.get_by_role("button", name="Créer le brouillon").click()
    page.wait_for_url(re.compile(r".*/backoffice/routes/sur-les-pas-des-moines\?done=created$"))
    expect(page.get_by_role("status").first).to_contain_text("Brouillon créé")
    check_axe(page)
    with site.api() as api:
        assert api.get("/api/v1/routes/sur-les-pas-des-moines").status_code == 404  # a draft
