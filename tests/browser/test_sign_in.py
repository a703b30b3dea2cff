"""Signing in and out of the back-office, in a real browser."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import Site, check_axe, shoot, sign_in
from tests.browser.seed import Account


def test_sign_in_lands_on_the_home_page(new_page: Any, site: Site) -> None:
    page = new_page()
    page.goto("/backoffice/")
    assert page.url.endswith("/backoffice/login?next=%2Fbackoffice")
    check_axe(page)
    shoot(page, "login")
    sign_in(page, site.seeded.staff)
    assert page.url.endswith("/backoffice/")
    expect(page.get_by_role("heading", name="À faire")).to_be_visible()
    drafts = page.locator("section", has=page.get_by_role("heading", name="Brouillons"))
    expect(drafts.get_by_role("link", name="Lavoir de la Herse")).to_be_visible()
    assert drafts.get_by_role("link", name="Moulin du Loir").count() == 0  # another office's
    narrations = page.locator("section", has=page.get_by_role("heading", name="Arrêts sans narration"))
    expect(narrations.get_by_role("link", name="Légendes de la forêt")).to_be_visible()
    check_axe(page)
    shoot(page, "home")


def test_a_wrong_password_shows_an_error_on_the_page(new_page: Any, site: Site) -> None:
    page = new_page()
    sign_in(page, Account(site.seeded.staff.email, "not the password"))
    assert "/backoffice/login" in page.url
    expect(page.get_by_role("alert")).to_have_text("Adresse e-mail ou mot de passe incorrect.")
    assert page.get_by_label("Adresse e-mail").input_value() == site.seeded.staff.email
    check_axe(page)


def test_logout_signs_out_and_the_old_cookie_no_longer_works(new_page: Any, site: Site) -> None:
    page = new_page()
    sign_in(page, site.seeded.staff)
    cookie = next(c for c in page.context.cookies() if c["name"] == "odyssee_session")
    assert cookie["httpOnly"]
    assert cookie["sameSite"] == "Lax"
    page.get_by_role("button", name="Se déconnecter").click()
    page.wait_for_url("**/backoffice/login")
    page.goto("/backoffice/pois")
    assert "/backoffice/login" in page.url
    # The token behind the cookie is revoked, not just forgotten by this browser.
    with site.api() as api:
        answer = api.get("/backoffice/pois", headers={"Cookie": f"odyssee_session={cookie['value']}"})
    assert answer.status_code == 303
    assert answer.headers["location"].startswith("/backoffice/login")


def test_following_the_logout_link_signs_out(new_page: Any, site: Site) -> None:
    page = new_page()
    sign_in(page, site.seeded.producer)
    page.goto("/backoffice/logout")
    assert "/backoffice/login" in page.url
    page.goto("/backoffice/")
    assert "/backoffice/login" in page.url


def test_a_form_post_without_the_csrf_token_is_refused(new_page: Any, site: Site) -> None:
    page = new_page()
    sign_in(page, site.seeded.staff)
    before = page.request.get(f"{site.url}/api/v1/editor/pois/eglise-saint-sauveur")
    answer = page.request.post(
        f"{site.url}/backoffice/pois/eglise-saint-sauveur",
        form={"fields": "1", "name.fr": "Piratée", "etag": "x", "revision": "1"},
        max_redirects=0,
    )
    assert answer.status == 403
    assert "Le formulaire avait expiré" in answer.text()
    page.goto("/backoffice/pois/eglise-saint-sauveur")
    assert page.get_by_label("Nom (fr)").input_value() == "Église Saint-Sauveur"
    del before
