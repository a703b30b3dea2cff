"""A producer on a phone (390×844): marks an offer sold out in one tap; the public API follows."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import Site, check_axe, shoot


def _available_today(site: Site) -> dict[str, str]:
    """Offer id → availability, as ``GET /api/v1/producers?available=today`` shows them."""
    with site.api() as api:
        features = api.get("/api/v1/producers", params={"available": "today"}).json()["features"]
    return {
        offer["id"]: offer["availability"]
        for feature in features
        for offer in feature["properties"]["offers"]
    }


def test_producer_marks_an_offer_sold_out_on_a_phone(signed_in: Any, site: Site) -> None:
    asparagus = site.seeded.offer_ids["asparagus"]
    assert _available_today(site)[asparagus] == "available"
    page = signed_in(site.seeded.producer, width=390, height=844)
    assert page.url.endswith(f"/backoffice/producers/{site.seeded.producer_id}/offers")
    check_axe(page)
    shoot(page, "producer-offers")
    offer = page.get_by_role("listitem").filter(has_text="Asperges")
    assert offer.get_by_role("button", name="Disponible").get_attribute("aria-pressed") == "true"
    offer.get_by_role("button", name="Épuisé").click()
    sold_out = offer.get_by_role("button", name="Épuisé")
    page.wait_for_function("b => b.getAttribute('aria-pressed') === 'true'", arg=sold_out.element_handle())
    assert offer.get_by_role("button", name="Disponible").get_attribute("aria-pressed") == "false"
    assert _available_today(site)[asparagus] == "sold_out"
    assert _available_today(site)[site.seeded.offer_ids["eggs"]] == "available"
    page.reload()  # the server kept it
    assert (
        page.get_by_role("listitem")
        .filter(has_text="Asperges")
        .get_by_role("button", name="Épuisé")
        .get_attribute("aria-pressed")
        == "true"
    )
    check_axe(page)


def test_offer_edit_hours_and_profile_pages(signed_in: Any, site: Site) -> None:
    page = signed_in(site.seeded.producer, width=390, height=844)
    eggs = site.seeded.offer_ids["eggs"]
    page.goto(f"/backoffice/producers/{site.seeded.producer_id}/offers/{eggs}")
    check_axe(page)
    shoot(page, "offer-edit")
    page.get_by_label("Prix (€)").fill("3,20")
    page.get_by_label("mai").check()
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_url("**/offers?done=saved*")
    with site.api() as api:
        offers = api.get(f"/api/v1/producers/{site.seeded.producer_id}").json()["properties"]["offers"]
    egg_offer = next(o for o in offers if o["id"] == eggs)
    assert egg_offer["price"]["amount_cents"] == 320
    assert egg_offer["season_months"] == [5]

    page.goto(f"/backoffice/producers/{site.seeded.producer_id}/hours")
    check_axe(page)
    hours = page.get_by_label("Horaires d’ouverture")
    hours.fill("Mo-Su 00:00-24:00")
    page.wait_for_function("() => document.getElementById('hours-preview').textContent.startsWith('Ouvert')")
    hours.fill("Sa 09:00-")
    page.wait_for_function(
        "() => document.getElementById('hours-preview').textContent.startsWith('Non compris')"
    )
    hours.fill("Sa 09:00-12:00; We 16:00-19:00")
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_url("**/hours?done=saved")
    shoot(page, "producer-hours")
    page.goto(f"/backoffice/producers/{site.seeded.producer_id}/profile")
    check_axe(page)
    shoot(page, "producer-profile")


def test_a_producer_cannot_open_another_producers_offers(signed_in: Any, site: Site) -> None:
    page = signed_in(site.seeded.producer, width=390, height=844)
    answer = page.goto("/backoffice/producers/someone-else/offers")
    assert answer is not None
    assert answer.status in (403, 404)
    check_axe(page)


def test_the_pages_follow_the_browsers_language(new_page: Any, site: Site) -> None:
    page = new_page(width=390, height=844, lang="en-GB")
    page.goto("/backoffice/login")
    assert page.locator("html").get_attribute("lang") == "en"
    page.get_by_label("E-mail address").fill(site.seeded.producer.email)
    page.get_by_label("Password").fill(site.seeded.producer.password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/offers")
    offer = page.get_by_role("listitem").filter(has_text="Œufs frais")
    for name in ("Available", "Limited stock", "Sold out"):
        expect(offer.get_by_role("button", name=name)).to_be_visible()
    check_axe(page)
    page.get_by_role("button", name="Français").click()  # the user's own setting wins from now on
    page.wait_for_url("**/offers")
    expect(page.get_by_role("button", name="Se déconnecter")).to_be_visible()
    page.reload()
    assert page.locator("html").get_attribute("lang") == "fr"
