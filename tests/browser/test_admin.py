"""Admin pages: offices and accounts (create, disable, enable, reset a password shown once)."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import Site, check_axe, shoot, sign_in
from tests.browser.seed import Account


def test_admin_creates_an_office_and_an_account_then_disables_and_resets_it(
    signed_in: Any, new_page: Any, site: Site
) -> None:
    page = signed_in(site.seeded.admin)
    page.goto("/backoffice/admin/offices")
    check_axe(page)
    page.get_by_label("Identifiant (minuscules, chiffres, tirets)").fill("ot-nogent")
    page.get_by_label("Nom", exact=True).fill("Office de Nogent")
    page.get_by_role("button", name="Créer l’office").click()
    page.wait_for_url("**/admin/offices?done=created")
    expect(page.get_by_role("cell", name="Office de Nogent")).to_be_visible()
    shoot(page, "admin-offices")

    page.goto("/backoffice/admin/users")
    page.get_by_label("Adresse e-mail du compte").fill("guide@nogent.example")
    page.get_by_label("Rôle").select_option("staff")
    page.get_by_label("Office (équipe)").select_option("ot-nogent")
    page.get_by_role("button", name="Créer le compte").click()
    password = page.locator("#new-password").inner_text()
    assert len(password) >= 12
    check_axe(page)
    shoot(page, "admin-users")
    page.goto("/backoffice/admin/users")
    assert page.locator("#new-password").count() == 0  # shown once

    guide = new_page()
    sign_in(guide, Account("guide@nogent.example", password))
    assert guide.url.endswith("/backoffice/")

    page.get_by_role("button", name="Désactiver guide@nogent.example").click()
    page.wait_for_url("**/admin/users?done=disabled")
    guide.goto("/backoffice/pois")
    assert "/backoffice/login" in guide.url  # disabling signs the account out

    page.get_by_role("button", name="Réactiver guide@nogent.example").click()
    page.get_by_role("button", name="Réinitialiser le mot de passe de guide@nogent.example").click()
    new_password = page.locator("#new-password").inner_text()
    assert new_password != password
    sign_in(guide, Account("guide@nogent.example", new_password))
    assert guide.url.endswith("/backoffice/")


def test_staff_cannot_reach_admin_pages(signed_in: Any, site: Site) -> None:
    page = signed_in(site.seeded.staff)
    assert page.get_by_role("link", name="Comptes").count() == 0
    answer = page.goto("/backoffice/admin/users")
    assert answer is not None
    assert answer.status == 403
    check_axe(page)
