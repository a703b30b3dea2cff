"""The account page: a producer changes their own password on a phone, in a real browser."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import Site, check_axe, shoot, sign_in
from tests.browser.seed import Account

NEW = "un nouveau mot de passe"


def _change(page: Any, current: str, new: str, again: str) -> None:
    page.get_by_label("Mot de passe actuel").fill(current)
    page.get_by_label("Nouveau mot de passe", exact=True).fill(new)
    page.get_by_label("Nouveau mot de passe, à nouveau").fill(again)
    page.get_by_role("button", name="Changer mon mot de passe").click()
    page.wait_for_load_state()


def test_a_producer_changes_their_password_and_other_sessions_end(new_page: Any, site: Site) -> None:
    producer = site.seeded.producer
    phone, other = new_page(width=390), new_page()
    sign_in(phone, producer)
    sign_in(other, producer)
    phone.get_by_role("link", name=producer.email).click()
    phone.wait_for_url("**/backoffice/account")
    expect(phone.get_by_role("heading", name="Mon compte")).to_be_visible()
    check_axe(phone)
    shoot(phone, "account")

    _change(phone, "pas le bon mot de passe", NEW, NEW)
    current = phone.get_by_label("Mot de passe actuel")
    expect(current).to_have_attribute("aria-invalid", "true")
    expect(phone.locator("#e-current_password")).to_have_text("Ce n’est pas votre mot de passe actuel.")
    expect(phone.get_by_role("alert")).to_have_text("Le mot de passe n’a pas été changé.")
    check_axe(phone)
    shoot(phone, "account-error")

    _change(phone, producer.password, NEW, NEW + " autre")
    expect(phone.locator("#e-new_password_again")).to_have_text("Les deux nouveaux mots de passe diffèrent.")
    _change(phone, producer.password, "court", "court")
    expect(phone.locator("#e-new_password")).to_contain_text("Au moins 10 caractères")
    with site.api() as api:  # nothing changed so far: the old password still signs in
        old = api.post("/api/v1/auth/login", json={"email": producer.email, "password": producer.password})
        assert old.status_code == 200

    _change(phone, producer.password, NEW, NEW)
    assert phone.url.endswith("/backoffice/account?done=1")
    expect(phone.get_by_role("status")).to_contain_text("Votre mot de passe a été changé.")
    check_axe(phone)
    # This browser stays signed in on the fresh token; the other session and the API token are gone.
    phone.goto("/backoffice/producers/" + site.seeded.producer_id + "/offers")
    assert "/backoffice/login" not in phone.url
    other.goto("/backoffice/")
    assert "/backoffice/login" in other.url
    with site.api() as api:
        revoked = api.get("/api/v1/me", headers={"Authorization": f"Bearer {old.json()['token']}"})
        assert revoked.status_code == 401
    sign_in(other, Account(producer.email, producer.password))
    assert "/backoffice/login" in other.url
    sign_in(other, Account(producer.email, NEW))
    assert "/backoffice/login" not in other.url


def test_the_account_page_needs_a_session(new_page: Any, site: Site) -> None:
    page = new_page()
    page.goto("/backoffice/account")
    assert "/backoffice/login" in page.url
    with site.api() as api:
        answer = api.post("/backoffice/account/password", data={"current_password": "x"})
    assert answer.status_code in (303, 403)
